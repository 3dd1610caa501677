/* check_import.c: the import store (insert, get, finish, rows, the bad
 * rows page, states, bytes, drafts, kept uploads, stale and retention
 * queries) against a temporary database, and import.c over it: a list
 * loaded keeps its bytes until it is confirmed, cancelled or expires,
 * is purged by retention, kept uploads written out and taken once, and
 * the other columns of a row realigned with their titles. */
#include "autoconf.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <check.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "dnc.h"
#include "import.h"
#include "unit.h"

static char	 path[64], dir[64];
static struct config cfg;
static struct db *db;
static const struct audit_actor op = { 2, "op", "127.0.0.1", "check" };

static void
run_sql(const char *sql)
{
	ck_assert_msg(sqlite3_exec(db_handle(db), sql, NULL, NULL, NULL) ==
	    SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db_handle(db)));
}

static int64_t
sql_int(const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
setup(void)
{
	char	 err[512];
	int	 fd;

	ck_assert_int_ne(sodium_init(), -1);
	snprintf(path, sizeof(path), "/tmp/check_import.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	snprintf(dir, sizeof(dir), "/tmp/check_import_up.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	config_defaults(&cfg);
	free(cfg.database);
	cfg.database = strdup(path);
	free(cfg.upload_dir);
	cfg.upload_dir = strdup(dir);
	ck_assert_msg(audit_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(dnc_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(db = db_open(path, 1000));
	ck_assert_msg(db_migrate(db, err, sizeof(err)) == 0, "%s", err);
	run_sql("INSERT INTO users (id, name, role, pwhash, created, updated)"
	    " VALUES (1, 'admin', 'admin', 'x', 0, 0),"
	    " (2, 'op', 'operator', 'x', 0, 0)");
}

static void
teardown(void)
{
	static const char *const sfx[] = { "", ".audit-key",
	    ".audit-checkpoints", ".dnc-key", "-wal", "-shm" };
	char	 p[128];
	size_t	 i;

	db_close(db);
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
	ck_assert_msg(rmdir(dir) == 0, "upload_dir %s is not empty", dir);
	dnc_close();
	audit_close();
	config_free(&cfg);
}

/* A new import of user, in state loading: its id. */
static int64_t
new_import(int64_t user, const char *name)
{
	char		 params[128];
	struct import_new n = { user, (int64_t)time(NULL), 10, params,
	    "l.csv", "00", 0, 1 };
	int64_t		 id = 0;

	snprintf(params, sizeof(params), "{\"name\":\"%s\"}", name);
	ck_assert_int_eq(store_import_insert(db, &n, &id), 0);
	ck_assert_int_gt(id, 0);
	return id;
}

static void
finish(int64_t id, int64_t valid)
{
	struct import_read f = { "csv", "utf-8", ",", "[\"手机号\",\"姓名\"]",
	    0, 1, valid + 1, valid, 1, 0, 0, 1, "[]", "[{\"line\":1}]" };

	ck_assert_int_eq(store_import_finish(db, id, &f), 0);
}

static void
write_file(const char *p, const char *text)
{
	FILE	*f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The whole file at p (malloc()ed). */
static char *
read_file(const char *p)
{
	FILE	*f = fopen(p, "r");
	char	*buf = calloc(1, 1 << 16);
	size_t	 n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_states)
{
	enum import_state s, got;

	for (s = 0; s < IMPORT__STATES; s++) {
		ck_assert_int_eq(import_state_of(import_state_text(s), &got), 0);
		ck_assert_int_eq(got, s);
		ck_assert_str_ne(import_state_label(s), "");
		ck_assert_str_ne(import_state_class(s), "");
	}
	ck_assert_str_eq(import_state_text(IMPORT_PREVIEW), "preview");
	ck_assert_int_eq(import_state_of("Preview", &got), -1);
	ck_assert_int_eq(import_state_of("", &got), -1);
}
END_TEST

START_TEST(test_insert_get_finish)
{
	struct import	 im;
	int64_t		 id = new_import(2, "春季");

	ck_assert_int_eq(store_import_get(db, id, &im), 1);
	ck_assert_int_eq(im.state, IMPORT_LOADING);
	ck_assert_int_eq(im.user_id, 2);
	ck_assert_str_eq(im.file_name, "l.csv");
	ck_assert_str_eq(im.file_path, "");
	ck_assert_str_eq(im.params, "{\"name\":\"春季\"}");
	import_clear(&im);

	finish(id, 3);
	ck_assert_int_eq(store_import_get(db, id, &im), 1);
	ck_assert_int_eq(im.state, IMPORT_PREVIEW);
	ck_assert_int_eq(im.rows_read, 4);
	ck_assert_int_eq(im.valid, 3);
	ck_assert_int_eq(im.invalid, 1);
	ck_assert_int_eq(im.phone_col, 0);
	ck_assert_int_eq(im.name_col, 1);
	ck_assert_int_eq(im.header_line, 1);
	ck_assert_str_eq(im.headers, "[\"手机号\",\"姓名\"]");
	ck_assert_str_eq(im.head_rows, "[{\"line\":1}]");
	ck_assert_str_eq(im.format, "csv");
	import_clear(&im);

	ck_assert_int_eq(store_import_get(db, id + 100, &im), 0);
	/* A stored state nobody knows is an error, not a guess. */
	run_sql("PRAGMA ignore_check_constraints = ON");
	run_sql("UPDATE imports SET state = 'gone' WHERE id = 1");
	ck_assert_int_eq(store_import_get(db, 1, &im), -1);
}
END_TEST

START_TEST(test_decide_and_reload)
{
	int64_t	 id = new_import(2, "x");

	/* Only a preview can be decided on or read again. */
	ck_assert_int_eq(store_import_decide(db, id, IMPORT_CONFIRMED), 0);
	ck_assert_int_eq(store_import_reload(db, id, 1, 0), 0);
	finish(id, 1);
	ck_assert_int_eq(store_import_reload(db, id, 1, 0), 1);
	ck_assert_int_eq(sql_int("SELECT valid FROM imports"), 0);
	finish(id, 1);
	ck_assert_int_eq(store_import_decide(db, id, IMPORT_CANCELLED), 1);
	ck_assert_int_eq(store_import_decide(db, id, IMPORT_CONFIRMED), 0);
}
END_TEST

START_TEST(test_rows_and_bad_page)
{
	struct import_row_new g1 = { 1, 2, "13500000001", "甲", "[\"杭州\"]",
	    NULL, 0 };
	struct import_row_new g2 = { 2, 3, "13500000002", "乙", "[]", NULL, 0 };
	struct import_row_new dup = { 2, 4, "13500000001", "丙", "[]", NULL, 0 };
	struct import_row_new bad;
	struct store_cursor *c;
	struct import_row row;
	struct import_bad b;
	int64_t		 id = new_import(2, "x"), line = 0, n = 0;
	int		 i;

	ck_assert_int_eq(store_import_row_good(db, id, &g1), 1);
	ck_assert_int_eq(store_import_row_good(db, id, &g2), 1);
	ck_assert_int_eq(store_import_row_good(db, id, &dup), 0);
	ck_assert_int_eq(store_import_row_first(db, id, "13500000001", &line),
	    1);
	ck_assert_int_eq(line, 2);
	ck_assert_int_eq(store_import_row_first(db, id, "13500000009", &line),
	    0);
	for (i = 0; i < 5; i++) {
		bad = (struct import_row_new){ -(10 + i), 10 + i, "12", "",
		    "[]", "too_short", i == 4 ? 2 : 0 };
		ck_assert_int_eq(store_import_row_bad(db, id, &bad), 0);
	}

	ck_assert_ptr_nonnull(c = store_import_rows(db, id, 1, 2));
	ck_assert_int_eq(store_import_rows_next(c, &row), 1);
	ck_assert_int_eq(row.seq, 1);
	ck_assert_str_eq(row.phone, "13500000001");
	ck_assert_str_eq(row.other, "[\"杭州\"]");
	ck_assert_int_eq(store_import_rows_next(c, &row), 1);
	ck_assert_int_eq(row.line, 3);
	ck_assert_int_eq(store_import_rows_next(c, &row), 0);
	store_cursor_close(c);

	/* Two rows after the second one (line 11): lines 12 and 13, by line;
	 * the two before line 12, the last first. */
	ck_assert_ptr_nonnull(c = store_import_bad(db, id, 11, 0, 2));
	ck_assert_int_eq(store_import_bad_next(c, &b), 1);
	ck_assert_int_eq(b.line, 12);
	ck_assert_str_eq(b.reason, "too_short");
	ck_assert_int_eq(store_import_bad_next(c, &b), 1);
	ck_assert_int_eq(b.line, 13);
	ck_assert_int_eq(store_import_bad_next(c, &b), 0);
	store_cursor_close(c);
	ck_assert_ptr_nonnull(c = store_import_bad(db, id, 12, 1, 5));
	ck_assert_int_eq(store_import_bad_next(c, &b), 1);
	ck_assert_int_eq(b.line, 11);
	ck_assert_int_eq(store_import_bad_next(c, &b), 1);
	ck_assert_int_eq(store_import_bad_next(c, &b), 0);
	store_cursor_close(c);
	/* All of them (0), the repeat with the line it repeats. */
	ck_assert_ptr_nonnull(c = store_import_bad(db, id, 0, 0, 0));
	while (store_import_bad_next(c, &b) == 1)
		if (++n == 5)
			ck_assert_int_eq(b.dup_of, 2);
	store_cursor_close(c);
	ck_assert_int_eq(n, 5);

	ck_assert_int_eq(store_import_rows_delete(db, id, &n), 0);
	ck_assert_int_eq(n, 7);
	ck_assert_int_eq(store_import_delete(db, id), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM imports"), 0);
}
END_TEST

/* Collects what store_upload_read hands over. */
struct collect {
	char	 buf[64];
	size_t	 len, chunks;
	int	 stop_at;
};

static int
collect(void *arg, const void *bytes, size_t len)
{
	struct collect	*c = arg;

	ck_assert_uint_le(c->len + len, sizeof(c->buf));
	memcpy(c->buf + c->len, bytes, len);
	c->len += len;
	return ++c->chunks == (size_t)c->stop_at;
}

START_TEST(test_bytes)
{
	struct collect	 c;
	static char	 big[STORE_UPLOAD_CHUNK + 1];

	ck_assert_int_eq(store_upload_put(db, UPLOAD_IMPORT, 1, 1, "def", 3),
	    0);
	ck_assert_int_eq(store_upload_put(db, UPLOAD_IMPORT, 1, 0, "abc", 3),
	    0);
	ck_assert_int_eq(store_upload_put(db, UPLOAD_KEPT, 1, 0, "kept", 4), 0);
	/* A chunk number once; a chunk no larger than the limit. */
	ck_assert_int_eq(store_upload_put(db, UPLOAD_IMPORT, 1, 0, "x", 1), -1);
	ck_assert_int_eq(store_upload_put(db, UPLOAD_IMPORT, 1, 2, big,
	    sizeof(big)), -1);

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(store_upload_read(db, UPLOAD_IMPORT, 1, collect, &c),
	    1);
	ck_assert_uint_eq(c.chunks, 2);
	ck_assert_str_eq(c.buf, "abcdef");
	memset(&c, 0, sizeof(c));
	c.stop_at = 1;
	ck_assert_int_eq(store_upload_read(db, UPLOAD_IMPORT, 1, collect, &c),
	    -1);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(store_upload_read(db, UPLOAD_IMPORT, 2, collect, &c),
	    0);

	ck_assert_int_eq(store_upload_delete(db, UPLOAD_IMPORT, 1), 0);
	ck_assert_int_eq(store_upload_read(db, UPLOAD_IMPORT, 1, collect, &c),
	    0);
	/* The other owner's bytes of the same id stay. */
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(store_upload_read(db, UPLOAD_KEPT, 1, collect, &c), 1);
	ck_assert_str_eq(c.buf, "kept");
	/* An empty file is one empty chunk: it has bytes. */
	ck_assert_int_eq(store_upload_put(db, UPLOAD_IMPORT, 3, 0, "", 0), 0);
	ck_assert_int_eq(store_upload_read(db, UPLOAD_IMPORT, 3, collect, &c),
	    1);
}
END_TEST

START_TEST(test_drafts)
{
	struct draft_filter all = { 0, 0, 0, NULL }, mine = { 2, 0, 0, NULL };
	struct draft_filter named = { 0, 0, 0, "秋" };
	struct draft	*d;
	size_t		 n;
	int64_t		 a = new_import(2, "春季"), b = new_import(1, "秋季");

	new_import(2, "还在读");
	finish(a, 1);
	finish(b, 1);
	ck_assert_int_eq(store_drafts(db, &all, 10, &d, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(d[0].import_id, b);	/* newest first */
	ck_assert_str_eq(d[0].creator, "admin");
	ck_assert_str_eq(d[1].name, "春季");
	drafts_free(d, n);
	ck_assert_int_eq(store_drafts(db, &mine, 10, &d, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(d[0].import_id, a);
	drafts_free(d, n);
	ck_assert_int_eq(store_drafts(db, &named, 10, &d, &n), 0);
	ck_assert_uint_eq(n, 1);
	drafts_free(d, n);
	ck_assert_int_eq(store_drafts(db, &all, 1, &d, &n), 0);
	ck_assert_uint_eq(n, 1);
	drafts_free(d, n);
	ck_assert_int_eq(store_draft_count(db, 0), 2);
	ck_assert_int_eq(store_draft_count(db, 2), 1);
	ck_assert_int_eq(store_import_decide(db, a, IMPORT_CONFIRMED), 1);
	ck_assert_int_eq(store_draft_count(db, 2), 0);
}
END_TEST

START_TEST(test_kept_store)
{
	struct kept_upload k;
	int64_t		 id, ids[8];
	char		*paths[8];
	int		 n;

	run_sql("INSERT INTO sessions (id, token_hash, user_id, csrf, created,"
	    " last_seen, addr, user_agent) VALUES (7, x'01', 2, 'c', 0,"
	    " unixepoch(), '', '')");
	ck_assert_int_eq(store_kept_insert(db, 7, 2, "tok", time(NULL), "a.csv",
	    5, &id), 0);
	ck_assert_int_eq(store_kept_get(db, 7, 2, "tok", &k), 1);
	ck_assert_int_eq(k.id, id);
	ck_assert_str_eq(k.file_name, "a.csv");
	ck_assert_int_eq(k.file_size, 5);
	kept_upload_clear(&k);
	ck_assert_int_eq(store_kept_get(db, 7, 1, "tok", &k), 0);
	ck_assert_int_eq(store_kept_get(db, 7, 2, "other", &k), 0);
	ck_assert_int_eq(store_kept_take(db, 7, 2, "tok", &k), 1);
	kept_upload_clear(&k);
	ck_assert_int_eq(store_kept_take(db, 7, 2, "tok", &k), 0);

	/* Stale: too old, or its session gone; a recent live one stays. */
	ck_assert_int_eq(store_kept_insert(db, 7, 2, "old", 100, "o.csv", 1,
	    &id), 0);
	ck_assert_int_eq(store_kept_insert(db, 8, 2, "gone", time(NULL),
	    "g.csv", 1, &id), 0);
	ck_assert_int_eq(store_kept_insert(db, 7, 2, "live", time(NULL),
	    "l.csv", 1, &id), 0);
	n = store_kept_stale(db, time(NULL) - 3600, ids, paths, 8);
	ck_assert_int_eq(n, 2);
	while (n > 0)
		free(paths[--n]);
	ck_assert_int_eq(store_kept_get(db, 7, 2, "live", &k), 1);
	kept_upload_clear(&k);
}
END_TEST

START_TEST(test_stale_and_retention_queries)
{
	int64_t	 ids[8], a = new_import(2, "a"), b = new_import(2, "b"), at;
	char	*paths[8];
	int	 n;

	run_sql("UPDATE imports SET created = created - 7200");
	ck_assert_int_eq(n = store_import_stale(db, IMPORT_LOADING,
	    time(NULL) - 3600, ids, paths, 1), 1);
	ck_assert_int_eq(ids[0], a);
	free(paths[0]);
	ck_assert_int_eq(store_import_stale(db, IMPORT_PREVIEW, time(NULL),
	    ids, paths, 8), 0);

	/* A confirmed list whose batches are all sent long ago is due. */
	finish(b, 1);
	ck_assert_int_eq(store_import_decide(db, b, IMPORT_CONFIRMED), 1);
	run_sql("INSERT INTO tasks (id, import_id, user_id, name, params,"
	    " login_name, created, state, rows, batch_count) VALUES"
	    " (1, 2, 2, 'b', '{}', 'l', 0, 'sent', 1, 1);"
	    "INSERT INTO batches (task_id, seq, first_seq, rows, state, updated)"
	    " VALUES (1, 1, 1, 1, 'sent', 100)");
	ck_assert_int_eq(store_retention_due(db, 200, ids, 8), 1);
	ck_assert_int_eq(ids[0], b);
	ck_assert_int_eq(store_retention_due(db, 50, ids, 8), 0);
	ck_assert_int_eq(store_import_purged(db, b, &at), 1);
	ck_assert_int_eq(at, 0);
	ck_assert_int_eq(store_import_set_purged(db, b, 12345), 0);
	ck_assert_int_eq(store_import_purged(db, b, &at), 1);
	ck_assert_int_eq(at, 12345);
	ck_assert_int_eq(store_retention_due(db, 200, ids, 8), 0);
	ck_assert_int_eq(store_import_purged(db, 99, &at), 0);
}
END_TEST

/* A CSV list loaded through import.c: its id. */
static int64_t
load_list(const char *text)
{
	struct calllist_error err;
	struct task_params p;
	char		 file[96];
	int64_t		 id = 0;

	memset(&p, 0, sizeof(p));
	p.text[FIELD_NAME] = (char *)"名单";
	snprintf(file, sizeof(file), "%s/upload-test", dir);
	write_file(file, text);
	ck_assert_int_eq(import_load(db, &cfg, &op, 2, file, "l.csv", &p,
	    CALLLIST_DETECT, CALLLIST_DETECT, &id, &err), 0);
	/* The caller removes the upload; the bytes are stored. */
	unlink(file);
	return id;
}

static const char list_text[] =
    "手机号,姓名,城市\n13500000001,甲,杭州\n13500000002,乙,上海\n";

START_TEST(test_load_keeps_bytes_until_decided)
{
	struct import	 im;
	char		*scratch, *text;
	int64_t		 a = load_list(list_text), b = load_list(list_text);
	int64_t		 task, rows;

	ck_assert_int_eq(import_get(db, a, &im), 1);
	ck_assert_int_eq(im.state, IMPORT_PREVIEW);
	ck_assert_int_eq(im.valid, 2);
	import_clear(&im);
	ck_assert_int_eq(import_scratch(db, &cfg, a, &scratch), 0);
	text = read_file(scratch);
	ck_assert_str_eq(text, list_text);
	free(text);
	import_scratch_remove(scratch);

	task = import_confirm(db, &cfg, &op, a, "sender");
	ck_assert_int_gt(task, 0);
	ck_assert_int_eq(import_scratch(db, &cfg, a, &scratch), 1);
	ck_assert_ptr_null(scratch);
	ck_assert_int_eq(import_confirm(db, &cfg, &op, a, "sender"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM batches"), 1);

	ck_assert_int_eq(import_cancel(db, &op, b), 1);
	ck_assert_int_eq(import_cancel(db, &op, b), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM upload_bytes"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM import_rows"
	    " WHERE import_id = 2"), 0);

	/* Retention: the sent list loses its rows (and any bytes). */
	run_sql("UPDATE batches SET state = 'sent', updated = 0");
	run_sql("INSERT INTO upload_bytes VALUES ('import', 1, 0, x'00')");
	ck_assert_int_eq(import_purge_retained(db, 30, &rows), 1);
	ck_assert_int_eq(rows, 2);
	ck_assert_int_gt(import_purged_at(db, a), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM upload_bytes"), 0);
}
END_TEST

START_TEST(test_expiry_removes_bytes)
{
	int64_t	 old = load_list(list_text), recent = load_list(list_text);

	run_sql("UPDATE imports SET created = created - 8 * 86400 WHERE id = 1");
	ck_assert_int_eq(import_expire(db, 7), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM upload_bytes"
	    " WHERE owner_id = 1"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM upload_bytes"
	    " WHERE owner_id = 2"), 1);
	ck_assert_int_eq(sql_int("SELECT state = 'cancelled' FROM imports"
	    " WHERE id = 1"), 1);
	(void)old;
	(void)recent;
}
END_TEST

START_TEST(test_kept_upload_bytes)
{
	struct kept_upload k;
	char		 file[96], *text;

	run_sql("INSERT INTO sessions (id, token_hash, user_id, csrf, created,"
	    " last_seen, addr, user_agent) VALUES (7, x'01', 2, 'c', 0,"
	    " unixepoch(), '', '')");
	snprintf(file, sizeof(file), "%s/upload-kept", dir);
	write_file(file, "first");
	ck_assert_int_eq(kept_upload_put(db, 7, 2, "tok", file, "a.csv", 5,
	    time(NULL)), 0);
	write_file(file, list_text);
	ck_assert_int_eq(kept_upload_put(db, 7, 2, "tok", file, "b.csv",
	    (int64_t)strlen(list_text), time(NULL)), 0);
	unlink(file);
	/* A file that is not there: nothing is kept, the old one stays. */
	ck_assert_int_eq(kept_upload_put(db, 7, 2, "tok", file, "c.csv", 1,
	    time(NULL)), -1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM upload_bytes"
	    " WHERE owner = 'kept'"), 1);

	ck_assert_int_eq(kept_upload_get(db, 7, 2, "tok", time(NULL), &k), 1);
	ck_assert_str_eq(k.file_name, "b.csv");
	kept_upload_clear(&k);
	ck_assert_int_eq(kept_upload_take(db, &cfg, 7, 2, "tok", time(NULL),
	    &k), 1);
	text = read_file(k.file_path);
	ck_assert_str_eq(text, list_text);
	free(text);
	import_scratch_remove(k.file_path);
	k.file_path = NULL;
	kept_upload_clear(&k);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM upload_bytes"), 0);
	ck_assert_int_eq(kept_upload_take(db, &cfg, 7, 2, "tok", time(NULL),
	    &k), 0);

	/* Too old: not handed out, and gone. */
	write_file(file, "x");
	ck_assert_int_eq(kept_upload_put(db, 7, 2, "t2", file, "x.csv", 1,
	    100), 0);
	unlink(file);
	ck_assert_int_eq(kept_upload_get(db, 7, 2, "t2", time(NULL), &k), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM upload_bytes"), 0);
}
END_TEST

/* The other columns of a row, realigned with their titles. */
static const struct {
	const char	*headers, *other;
	int		 pcol, ncol;
	const char	*want;		/* "title=value;..." */
} realign[] = {
	{ "[\"手机\",\"姓名\",\"城市\",\"备注\"]", "[\"杭州\",\"老客户\"]", 0, 1,
	  "城市=杭州;备注=老客户;" },
	{ "[\"城市\",\"手机\",\"备注\",\"姓名\"]", "[\"杭州\",\"老客户\"]", 1, 3,
	  "城市=杭州;备注=老客户;" },
	{ "[\"手机\",\"城市\"]", "[\"杭州\"]", 0, -1, "城市=杭州;" },
	/* More values than titles: the extra ones are not sent. */
	{ "[\"手机\",\"城市\"]", "[\"杭州\",\"多余\"]", 0, -1, "城市=杭州;" },
	{ "[\"手机\"]", "[]", 0, -1, "" },
};

START_TEST(test_other_values)
{
	char		**titles, got[256];
	const char	*values[8];
	size_t		 nt, n, i;
	cJSON		*cells;

	ck_assert_int_eq(import_other_titles(realign[_i].headers,
	    realign[_i].pcol, realign[_i].ncol, &titles, &nt), 0);
	ck_assert_int_eq(import_other_values(realign[_i].other, nt, values, &n,
	    &cells), 0);
	got[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s=%s;",
		    titles[i], values[i]);
	ck_assert_str_eq(got, realign[_i].want);
	cJSON_Delete(cells);
	import_titles_free(titles, nt);
}
END_TEST

START_TEST(test_other_values_bad)
{
	char		**titles;
	const char	*values[2];
	size_t		 n;
	cJSON		*cells;

	ck_assert_int_eq(import_other_titles("{}", 0, 1, &titles, &n), -1);
	ck_assert_int_eq(import_other_titles("not json", 0, 1, &titles, &n), -1);
	ck_assert_int_eq(import_other_values("[", 2, values, &n, &cells), -1);
}
END_TEST

/* --- a long list: read ahead in a thread, stored in chunks ------------- */

#define LONG_ROWS	12000

/* Line l's phone: every 7th line is not a number; every 10th repeats
 * the valid number above it, spaced. 1 valid, 2 repeat, 3 invalid. */
static int
long_row(long l, char *phone, size_t size)
{
	if (l % 10 == 0 && (l - 1) % 7 != 0) {
		snprintf(phone, size, "135 %04ld %04ld", (l - 1) / 10000,
		    (l - 1) % 10000);
		return 2;
	}
	if (l % 7 == 0) {
		snprintf(phone, size, "12345");
		return 3;
	}
	snprintf(phone, size, "135%08ld", l);
	return 1;
}

/* The long list as a CSV at p; bad_line (0: none) gets a byte that is not
 * UTF-8. */
static void
write_long(const char *p, long bad_line)
{
	char	 phone[32];
	FILE	*f = fopen(p, "w");
	long	 l;

	ck_assert_ptr_nonnull(f);
	fputs("手机号,姓名,备注\n", f);
	for (l = 2; l <= LONG_ROWS + 1; l++) {
		long_row(l, phone, sizeof(phone));
		fprintf(f, "%s,客户%ld,\"引\"\"号\\%s%ld\"\n", phone, l,
		    l == bad_line ? "\xff" : "", l);
	}
	ck_assert_int_eq(fclose(f), 0);
}

static int
load_long(long bad_line, int64_t *id, struct calllist_error *err)
{
	struct task_params p;
	char		 file[96];
	int		 rc;

	memset(&p, 0, sizeof(p));
	p.text[FIELD_NAME] = (char *)"长名单";
	snprintf(file, sizeof(file), "%s/upload-long", dir);
	write_long(file, bad_line);
	*id = 0;
	rc = import_load(db, &cfg, &op, 2, file, "long.csv", &p,
	    CALLLIST_DETECT, CALLLIST_DETECT, id, err);
	unlink(file);
	return rc;
}

/* Nothing of a failed load is left: no import, row, byte or entry. */
static void
assert_nothing_stored(void)
{
	ck_assert_int_eq(sql_int("SELECT count(*) FROM imports"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM import_rows"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM upload_bytes"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit"
	    " WHERE action = 'list.uploaded'"), 0);
}

/* Every row stored as the rules say: figures, order, repeats, cells. */
START_TEST(test_load_long_list)
{
	struct calllist_error err;
	struct import	 im;
	char		 phone[32], sql[256];
	int64_t		 id, valid = 0, invalid = 0, dups = 0;
	long		 l;

	for (l = 2; l <= LONG_ROWS + 1; l++)
		switch (long_row(l, phone, sizeof(phone))) {
		case 1: valid++; break;
		case 2: dups++; break;
		default: invalid++; break;
		}
	ck_assert_int_eq(load_long(0, &id, &err), 0);
	ck_assert_int_eq(import_get(db, id, &im), 1);
	ck_assert_int_eq(im.state, IMPORT_PREVIEW);
	ck_assert_int_eq(im.rows_read, LONG_ROWS);
	ck_assert_int_eq(im.valid, valid);
	ck_assert_int_eq(im.invalid, invalid);
	ck_assert_int_eq(im.duplicates, dups);
	import_clear(&im);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM import_rows"),
	    LONG_ROWS);
	/* Good rows numbered 1, 2, ... in the order of their lines. */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM (SELECT seq,"
	    " row_number() OVER (ORDER BY line) AS n FROM import_rows"
	    " WHERE seq > 0) WHERE seq != n"), 0);
	ck_assert_int_eq(sql_int("SELECT max(seq) FROM import_rows"), valid);
	/* A repeat points at the line above it, with the number normalised. */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM import_rows AS r"
	    " WHERE reason = 'duplicate' AND dup_of = line - 1 AND phone ="
	    " (SELECT phone FROM import_rows WHERE line = r.line - 1)"), dups);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM import_rows"
	    " WHERE reason = 'too_short' AND seq = -line"), invalid);
	snprintf(sql, sizeof(sql), "SELECT other = '[\"引\\\"号\\\\%d\"]'"
	    " AND name = '客户%d' FROM import_rows WHERE line = %d",
	    LONG_ROWS, LONG_ROWS, LONG_ROWS);
	ck_assert_int_eq(sql_int(sql), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit"
	    " WHERE action = 'list.uploaded'"), 1);
}
END_TEST

/* The reader fails deep in the file, while earlier rows are stored:
 * the list is refused and nothing stays. */
START_TEST(test_load_reader_error_midway)
{
	struct calllist_error err;
	int64_t		 id;

	ck_assert_int_eq(load_long(9001, &id, &err), 1);
	ck_assert_int_eq(id, 0);
	ck_assert_int_eq(err.code, CL_ERR_BAD_UTF8);
	ck_assert_int_eq(err.line, 9001);
	assert_nothing_stored();
}
END_TEST

/* The store fails deep in the file, while the reader is ahead: the load
 * fails, the reader ends, nothing stays. */
START_TEST(test_load_store_error_midway)
{
	struct calllist_error err;
	int64_t		 id;

	run_sql("CREATE TEMP TRIGGER boom BEFORE INSERT ON import_rows"
	    " WHEN NEW.line = 9000 BEGIN SELECT RAISE(ABORT, 'boom'); END");
	ck_assert_int_eq(load_long(0, &id, &err), -1);
	ck_assert_int_eq(id, 0);
	run_sql("DROP TRIGGER boom");
	assert_nothing_stored();
	/* The connection is fine afterwards. */
	ck_assert_int_eq(load_long(0, &id, &err), 0);
	ck_assert_int_gt(id, 0);
}
END_TEST

/* Repeats found in memory for mobile numbers, then by the store once an
 * encrypted number comes (which memory does not hold): the same rows
 * either way, before and after the switch. */
START_TEST(test_load_repeats_across_modes)
{
	static const struct {
		long		 line;
		int64_t		 seq, dup_of;
		const char	*reason;
	} want[] = {
		{ 2, 1, 0, "" }, { 3, 2, 0, "" }, { 4, -4, 2, "duplicate" },
		{ 5, 3, 0, "" }, { 6, -6, 3, "duplicate" },
		{ 7, -7, 5, "duplicate" }, { 8, 4, 0, "" },
		{ 9, -9, 8, "duplicate" },
	};
	struct import	 im;
	char		 sql[256];
	size_t		 i;
	int64_t		 id = load_list("手机号,姓名\n"
	    "13500000001,甲\n13500000002,乙\n135 0000 0001,丙\n"
	    "0123456789abcdef0123456789abcdef,丁\n13500000002,戊\n"
	    "0123456789abcdef0123456789abcdef,己\n13500000003,庚\n"
	    "+86 13500000003,辛\n");

	ck_assert_int_eq(import_get(db, id, &im), 1);
	ck_assert_int_eq(im.rows_read, 8);
	ck_assert_int_eq(im.valid, 4);
	ck_assert_int_eq(im.duplicates, 4);
	import_clear(&im);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM import_rows"
		    " WHERE line = %ld AND seq = %lld AND dup_of = %lld"
		    " AND reason = '%s'", want[i].line,
		    (long long)want[i].seq, (long long)want[i].dup_of,
		    want[i].reason);
		ck_assert_msg(sql_int(sql) == 1, "line %ld", want[i].line);
	}
	ck_assert_int_eq(sql_int("SELECT count(*) FROM import_rows"), 8);
}
END_TEST

static Suite *
import_suite(void)
{
	Suite	*s = suite_create("import");
	TCase	*store = tcase_create("store"), *rules = tcase_create("rules");
	TCase	*cols = tcase_create("other columns");

	tcase_add_checked_fixture(store, setup, teardown);
	tcase_add_test(store, test_states);
	tcase_add_test(store, test_insert_get_finish);
	tcase_add_test(store, test_decide_and_reload);
	tcase_add_test(store, test_rows_and_bad_page);
	tcase_add_test(store, test_bytes);
	tcase_add_test(store, test_drafts);
	tcase_add_test(store, test_kept_store);
	tcase_add_test(store, test_stale_and_retention_queries);
	suite_add_tcase(s, store);
	tcase_add_checked_fixture(rules, setup, teardown);
	/* The long lists take seconds on a busy machine or under ASan. */
	tcase_set_timeout(rules, 60);
	tcase_add_test(rules, test_load_keeps_bytes_until_decided);
	tcase_add_test(rules, test_expiry_removes_bytes);
	tcase_add_test(rules, test_kept_upload_bytes);
	tcase_add_test(rules, test_load_long_list);
	tcase_add_test(rules, test_load_repeats_across_modes);
	tcase_add_test(rules, test_load_reader_error_midway);
	tcase_add_test(rules, test_load_store_error_midway);
	suite_add_tcase(s, rules);
	tcase_add_loop_test(cols, test_other_values, 0,
	    (int)(sizeof(realign) / sizeof(realign[0])));
	tcase_add_test(cols, test_other_values_bad);
	suite_add_tcase(s, cols);
	return s;
}

int
main(void)
{
	return unit_run(import_suite());
}
