/* check_store_admin.c: the typed store functions of the audit log, the
 * settings page, the do-not-call list and the store's upkeep, each against
 * a temporary migrated database: what is written is read back field by
 * field, every filter and bound narrows what it should, and a row that is
 * not there says so. */
#include "autoconf.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "testdb.h"
#include "store/audit.h"
#include "store/dnc.h"
#include "store/maint.h"
#include "store/settings.h"
#include "unit.h"

static struct db *db;
/* The SQLite file (the upkeep's tests are SQLite's only). */
#define path	testdb_name

static void
sql(const char *s)
{
	testdb_exec(db, s);
}

/* The one integer a query answers. */
static int64_t
scalar(const char *q)
{
	return testdb_int(db, q);
}

static void
unlink_db(const char *p)
{
	char	 side[300];

	unlink(p);
	snprintf(side, sizeof(side), "%s-wal", p);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", p);
	unlink(side);
	snprintf(side, sizeof(side), "%s-journal", p);
	unlink(side);
}

static void
setup(void)
{
	db = testdb_open();
	sql("INSERT INTO users (id, name, role, pwhash, created, updated)"
	    " VALUES (1, 'admin', 'admin', 'x', 0, 0),"
	    " (2, 'op', 'operator', 'x', 0, 0)");
}

static void
teardown(void)
{
	testdb_close(db);
}

/* ---- audit ---- */

/* Entry id written with the given actor, action and time. */
static void
audit_put(int64_t id, int64_t actor_id, const char *actor,
    const char *action, const char *ts)
{
	struct audit_row e;
	char		 prev[65], hash[65];

	/* The chain's trigger wants the next id and the newest hash. */
	if (id == 1)
		snprintf(prev, sizeof(prev), "%064d", 0);
	else
		snprintf(prev, sizeof(prev), "prev%lld", (long long)id - 1);
	snprintf(hash, sizeof(hash), "prev%lld", (long long)id);
	e = (struct audit_row){ id, ts, actor_id, actor, "10.0.0.1", "ua",
	    action, "obj", "{\"n\":1}", prev, hash };
	ck_assert_int_eq(store_audit_insert(db, &e), 0);
}

static void
audit_four(void)
{
	audit_put(1, 0, "system", "audit.keyed", "2026-11-01T00:00:00.000Z");
	audit_put(2, 1, "admin", "login.ok", "2026-11-02T10:00:00.000Z");
	audit_put(3, 2, "op", "login.ok", "2026-11-03T10:00:00.000Z");
	audit_put(4, 1, "admin", "logout", "2026-11-04T10:00:00.000Z");
}

START_TEST(audit_empty)
{
	struct store_cursor *c;
	struct audit_row e;
	char		 hash[65] = "untouched";
	int64_t		 id = 7, count = 7, last = 7;

	ck_assert_int_eq(store_audit_last(db, &id, hash), 0);
	ck_assert_str_eq(hash, "untouched");
	ck_assert_int_eq(store_audit_max_id(db, &id), 0);
	ck_assert_int_eq(id, 0);
	ck_assert_int_eq(store_audit_size(db, &count, &last), 0);
	ck_assert_int_eq(count, 0);
	ck_assert_int_eq(last, 0);
	ck_assert_int_eq(store_audit_marker(db, "audit.keyed", &id), 0);
	ck_assert_int_eq(store_audit_hash_at(db, 1, hash, NULL), 0);
	ck_assert_ptr_nonnull(c = store_audit_head(db));
	ck_assert_int_eq(store_audit_next(c, &e), 0);
	store_cursor_close(c);
}
END_TEST

START_TEST(audit_insert_and_read)
{
	struct store_cursor *c;
	struct audit_row e;
	char		 hash[65], ts[32];
	int64_t		 id, count, last, n = 0;

	audit_four();
	ck_assert_int_eq(store_audit_last(db, &id, hash), 1);
	ck_assert_int_eq(id, 4);
	ck_assert_str_eq(hash, "prev4");
	ck_assert_int_eq(store_audit_max_id(db, &id), 0);
	ck_assert_int_eq(id, 4);
	ck_assert_int_eq(store_audit_size(db, &count, &last), 0);
	ck_assert_int_eq(count, 4);
	ck_assert_int_eq(last, 4);
	ck_assert_int_eq(store_audit_hash_at(db, 3, hash, ts), 1);
	ck_assert_str_eq(hash, "prev3");
	ck_assert_str_eq(ts, "2026-11-03T10:00:00.000Z");
	ck_assert_int_eq(store_audit_hash_at(db, 9, hash, ts), 0);
	ck_assert_int_eq(store_audit_marker(db, "audit.keyed", &id), 1);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(store_audit_marker(db, "login.ok", &id), 1);
	ck_assert_int_eq(id, 2);

	/* The whole chain, oldest first, every field as written; actor_id
	 * 0 went in as none and comes back 0. */
	ck_assert_ptr_nonnull(c = store_audit_all(db));
	while (store_audit_next(c, &e) == 1) {
		n++;
		ck_assert_int_eq(e.id, n);
		ck_assert_str_eq(e.addr, "10.0.0.1");
		ck_assert_str_eq(e.user_agent, "ua");
		ck_assert_str_eq(e.object, "obj");
		ck_assert_str_eq(e.details, "{\"n\":1}");
		if (n > 1) {
			snprintf(hash, sizeof(hash), "prev%lld",
			    (long long)n - 1);
			ck_assert_str_eq(e.prev_hash, hash);
		} else
			ck_assert_uint_eq(strspn(e.prev_hash, "0"), 64);
		if (n == 1) {
			ck_assert_int_eq(e.actor_id, 0);
			ck_assert_str_eq(e.actor, "system");
		}
		if (n == 3) {
			ck_assert_int_eq(e.actor_id, 2);
			ck_assert_str_eq(e.action, "login.ok");
		}
	}
	store_cursor_close(c);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit WHERE actor_id IS"
	    " NULL"), 1);
	ck_assert_ptr_nonnull(c = store_audit_head(db));
	ck_assert_int_eq(store_audit_next(c, &e), 1);
	ck_assert_int_eq(e.id, 4);
	ck_assert_str_eq(e.action, "logout");
	ck_assert_str_eq(e.hash, "prev4");
	ck_assert_int_eq(store_audit_next(c, &e), 0);
	store_cursor_close(c);
	/* The same id twice is refused (the chain's ids are its order). */
	e = (struct audit_row){ 4, "t", 0, "x", "", "", "a", "", "{}", "p",
	    "other" };
	ck_assert_int_eq(store_audit_insert(db, &e), -1);
}
END_TEST

/* The ids a page callback saw, in order. */
struct seen {
	int64_t	 ids[16];
	size_t	 n;
	size_t	 stop_at;	/* stop after that many (0: never) */
};

static int
saw(void *arg, const struct audit_row *e)
{
	struct seen	*s = arg;

	char		 hash[65];

	ck_assert_uint_lt(s->n, 16);
	/* What the page shows, each field from its own column. */
	snprintf(hash, sizeof(hash), "prev%lld", (long long)e->id);
	ck_assert_str_eq(e->hash, hash);
	ck_assert_str_eq(e->addr, "10.0.0.1");
	ck_assert_str_eq(e->user_agent, "ua");
	ck_assert_str_eq(e->object, "obj");
	ck_assert_str_eq(e->details, "{\"n\":1}");
	ck_assert_str_eq(e->actor, e->id == 1 ? "system" : e->id == 3 ? "op" :
	    "admin");
	ck_assert_ptr_nonnull(strstr(e->ts, "2026-11-0"));
	ck_assert_int_eq(e->actor_id, 0);
	ck_assert_str_eq(e->prev_hash, "");
	s->ids[s->n++] = e->id;
	return s->stop_at != 0 && s->n == s->stop_at;
}

/* The ids of a page as "4,3,2": older than key (0: from the newest) or,
 * newer 1, newer than key. */
static const char *
page_ids(const struct audit_filter *f, int64_t key, int newer,
    int64_t limit)
{
	static char	 out[64];
	struct seen	 s = { { 0 }, 0, 0 };
	size_t		 i, len = 0;

	ck_assert_int_eq(store_audit_page(db, f, key, newer, limit, saw,
	    &s), 0);
	out[0] = '\0';
	for (i = 0; i < s.n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%lld",
		    i ? "," : "", (long long)s.ids[i]);
	return out;
}

START_TEST(audit_page_filters)
{
	struct audit_filter none = { NULL, NULL, NULL, NULL };
	struct audit_filter empty = { "", "", "", "" };
	struct audit_filter by_actor = { "admin", NULL, NULL, NULL };
	struct audit_filter by_action = { NULL, "login.ok", NULL, NULL };
	struct audit_filter from = { NULL, NULL, "2026-11-03T00:00:00.000Z",
	    NULL };
	struct audit_filter to = { NULL, NULL, NULL,
	    "2026-11-03T10:00:00.000Z" };
	struct audit_filter both = { "admin", "login.ok", NULL, NULL };
	struct seen	 s = { { 0 }, 0, 2 };

	audit_four();
	ck_assert_str_eq(page_ids(&none, 0, 0, 10), "4,3,2,1");
	ck_assert_str_eq(page_ids(&empty, 0, 0, 10), "4,3,2,1");
	ck_assert_str_eq(page_ids(&by_actor, 0, 0, 10), "4,2");
	ck_assert_str_eq(page_ids(&by_action, 0, 0, 10), "3,2");
	ck_assert_str_eq(page_ids(&from, 0, 0, 10), "4,3");
	/* to is excluded: the entry at exactly that time is not in. */
	ck_assert_str_eq(page_ids(&to, 0, 0, 10), "2,1");
	ck_assert_str_eq(page_ids(&both, 0, 0, 10), "2");
	/* The key, the limit and the direction. */
	ck_assert_str_eq(page_ids(&none, 4, 0, 10), "3,2,1");
	ck_assert_str_eq(page_ids(&none, INT64_MAX, 0, 10), "4,3,2,1");
	ck_assert_str_eq(page_ids(&none, 0, 0, 2), "4,3");
	ck_assert_str_eq(page_ids(&none, 3, 0, 2), "2,1");
	ck_assert_str_eq(page_ids(&by_actor, 4, 0, 10), "2");
	ck_assert_str_eq(page_ids(&by_actor, 3, 0, 10), "2");
	ck_assert_str_eq(page_ids(&none, 2, 1, 10), "3,4");
	ck_assert_str_eq(page_ids(&none, 1, 1, 2), "2,3");
	ck_assert_str_eq(page_ids(&by_action, 2, 1, 10), "3");
	ck_assert_str_eq(page_ids(&by_actor, 1, 1, 10), "2,4");
	ck_assert_str_eq(page_ids(&from, 1, 1, 10), "3,4");
	ck_assert_str_eq(page_ids(&to, 1, 1, 10), "2");
	ck_assert_str_eq(page_ids(&from, 4, 0, 10), "3");
	ck_assert_str_eq(page_ids(&both, 2, 1, 10), "");
	/* A callback that stops the walk makes it fail. */
	ck_assert_int_eq(store_audit_page(db, &none, 0, 0, 10, saw, &s), -1);
	ck_assert_uint_eq(s.n, 2);
	/* The statement was reset: the next read sees the whole log. */
	ck_assert_str_eq(page_ids(&none, 0, 0, 10), "4,3,2,1");
}
END_TEST

START_TEST(audit_verify_over_store)
{
	static const struct audit_actor who = { 1, "admin", "127.0.0.1",
	    "check" };
	struct audit_report r;
	struct audit_row e;
	struct config	 cfg;
	char		 err[512], p[300], hash[65];
	int64_t		 id;

	ck_assert_int_ne(sodium_init(), -1);
	config_defaults(&cfg);
	testdb_config(&cfg);
	ck_assert_msg(audit_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(audit_mark_keyed(db), 1);
	ck_assert_int_eq(audit_record(db, &who, "login.ok", "admin", NULL), 0);
	ck_assert_int_eq(audit_record(db, &who, "logout", "admin", NULL), 0);
	ck_assert_int_eq(audit_verify(db, &r), 1);	/* no checkpoint yet */
	ck_assert_str_eq(r.why, "");
	ck_assert_int_eq(r.entries, 3);
	ck_assert_int_eq(r.marker_id, 1);
	ck_assert_int_eq(store_audit_last(db, &id, hash), 1);
	ck_assert_str_eq(r.head, hash);
	ck_assert_int_eq(audit_checkpoint(db, err, sizeof(err)), 1);
	ck_assert_int_eq(audit_verify(db, &r), 0);
	/* An entry appended past the chain without its key breaks it there. */
	e = (struct audit_row){ 4, "2026-11-04T10:00:00.000Z", 1, "admin", "",
	    "", "logout", "", "{}", hash, "forged" };
	ck_assert_int_eq(store_audit_insert(db, &e), 0);
	ck_assert_int_eq(audit_verify(db, &r), 1);
	ck_assert_int_eq(r.bad_id, 4);
	ck_assert_ptr_nonnull(strstr(r.why, "HMAC"));
	audit_close();
	snprintf(p, sizeof(p), "%s.audit-key", config_local_base(&cfg));
	unlink(p);
	snprintf(p, sizeof(p), "%s.audit-checkpoints", config_local_base(&cfg));
	unlink(p);
	config_free(&cfg);
}
END_TEST

/* Two processes, each with its own connection, appending to the chain at
 * once: one chain, ids one after another, and it verifies. */
#define WRITER_ENTRIES	25
START_TEST(audit_concurrent_writers)
{
	static const struct audit_actor who = { 1, "admin", "127.0.0.1",
	    "check" };
	struct audit_report r;
	struct config	 cfg;
	char		 err[512];
	pid_t		 kid[2];
	int		 w, i, status;

	ck_assert_int_ne(sodium_init(), -1);
	config_defaults(&cfg);
	testdb_config(&cfg);
	ck_assert_msg(audit_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(audit_mark_keyed(db), 1);
	for (w = 0; w < 2; w++) {
		ck_assert_int_ne(kid[w] = fork(), -1);
		if (kid[w] == 0) {
			struct db *mine = db_open(testdb_name, 5000);

			for (i = 0; mine != NULL && i < WRITER_ENTRIES; i++)
				if (audit_record(mine, &who, w ? "login.ok" :
				    "logout", "admin", NULL) != 0)
					_exit(1);
			_exit(mine == NULL ? 2 : 0);
		}
	}
	for (w = 0; w < 2; w++) {
		ck_assert_int_eq(waitpid(kid[w], &status, 0), kid[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "writer %d: status %d", w, status);
	}
	ck_assert_int_eq(scalar("SELECT count(*) FROM audit"),
	    2 * WRITER_ENTRIES + 1);
	ck_assert_int_eq(scalar("SELECT max(id) FROM audit"),
	    2 * WRITER_ENTRIES + 1);
	ck_assert_int_eq(audit_checkpoint(db, err, sizeof(err)), 1);
	ck_assert_int_eq(audit_verify(db, &r), 0);
	ck_assert_int_eq(r.entries, 2 * WRITER_ENTRIES + 1);
	audit_close();
	config_free(&cfg);
}
END_TEST

/* ---- settings ---- */

struct got_settings {
	char	 text[256];
	size_t	 n;
};

static int
got_setting(void *arg, const struct settings_row *s)
{
	struct got_settings *g = arg;
	size_t		 len = strlen(g->text);

	snprintf(g->text + len, sizeof(g->text) - len, "%s=%s/%s/%lld;",
	    s->key, s->value, s->changed_by, (long long)s->changed_at);
	g->n++;
	return 0;
}

static int
got_change(void *arg, const struct settings_change_row *c)
{
	struct got_settings *g = arg;
	size_t		 len = strlen(g->text);

	snprintf(g->text + len, sizeof(g->text) - len,
	    "%lld:%s:%s:%s>%s:%s@%lld;", (long long)c->id, c->key, c->change,
	    c->old_value != NULL ? c->old_value : "NULL",
	    c->new_value != NULL ? c->new_value : "NULL", c->changed_by,
	    (long long)c->changed_at);
	g->n++;
	return 0;
}

static int
stop_setting(void *arg, const struct settings_row *s)
{
	(void)s;
	return ++*(int *)arg;
}

START_TEST(settings_put_all_history_version)
{
	struct got_settings g = { "", 0 };
	struct settings_change_row ch;
	int64_t		 v = -1;
	int		 calls = 0;

	ck_assert_int_eq(store_settings_version(db, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(store_settings_all(db, got_setting, &g), 0);
	ck_assert_uint_eq(g.n, 0);

	ck_assert_int_eq(store_settings_put(db, &(struct settings_row){
	    "vendor_url", "http://a", "admin", 100 }, 1), 0);
	ck_assert_int_eq(store_settings_put(db, &(struct settings_row){
	    "batch_size", "500", "op", 200 }, 2), 0);
	/* Put again: replaced, not added. */
	ck_assert_int_eq(store_settings_put(db, &(struct settings_row){
	    "vendor_url", "http://b", "op", 300 }, 2), 0);
	ck_assert_int_eq(store_settings_all(db, got_setting, &g), 0);
	ck_assert_str_eq(g.text,
	    "batch_size=500/op/200;vendor_url=http://b/op/300;");
	ck_assert_int_eq(scalar("SELECT changed_by_id FROM settings"
	    " WHERE key = 'vendor_url'"), 2);
	ck_assert_int_eq(store_settings_all(db, stop_setting, &calls), -1);
	ck_assert_int_eq(calls, 1);

	ch = (struct settings_change_row){ 0, "vendor_url", "changed",
	    "http://a", "http://b", "op", 2, 300 };
	ck_assert_int_eq(store_settings_history_add(db, &ch), 0);
	ch = (struct settings_change_row){ 0, "vendor_key", "set", NULL, NULL,
	    "admin", 1, 400 };
	ck_assert_int_eq(store_settings_history_add(db, &ch), 0);
	/* A change the schema does not know is refused. */
	ch.change = "guessed";
	ck_assert_int_eq(store_settings_history_add(db, &ch), -1);
	ck_assert_int_eq(store_settings_version(db, &v), 0);
	ck_assert_int_eq(v, 2);

	g = (struct got_settings){ "", 0 };
	ck_assert_int_eq(store_settings_history(db, 10, got_change, &g), 0);
	ck_assert_str_eq(g.text, "2:vendor_key:set:NULL>NULL:admin@400;"
	    "1:vendor_url:changed:http://a>http://b:op@300;");
	g = (struct got_settings){ "", 0 };
	ck_assert_int_eq(store_settings_history(db, 1, got_change, &g), 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_ptr_nonnull(strstr(g.text, "vendor_key"));
	ck_assert_int_eq(scalar("SELECT changed_by_id FROM settings_history"
	    " WHERE id = 2"), 1);
}
END_TEST

/* ---- do-not-call ---- */

static void
hash_of(const char *s, unsigned char h[DNC_HASH_BYTES])
{
	crypto_generichash(h, DNC_HASH_BYTES, (const unsigned char *)s,
	    strlen(s), NULL, 0);
}

struct got_dnc {
	char	 text[256];
	size_t	 n;
};

static int
got_entry(void *arg, const struct dnc_entry *e)
{
	struct got_dnc	*g = arg;
	size_t		 len = strlen(g->text);

	snprintf(g->text + len, sizeof(g->text) - len, "%lld,", (long long)e->id);
	g->n++;
	return 0;
}

START_TEST(dnc_entries)
{
	unsigned char	 a[DNC_HASH_BYTES], b[DNC_HASH_BYTES], c[DNC_HASH_BYTES];
	unsigned char	 x[DNC_HASH_BYTES];
	struct dnc_entry e;
	struct got_dnc	 g = { "", 0 };
	char		 masked[16], want[80];
	int64_t		 ida = 0, idb = 0, idc = 0, id = 0, n = -1;

	hash_of("a", a);
	hash_of("b", b);
	hash_of("c", c);
	hash_of("x", x);
	ck_assert_int_eq(store_dnc_any(db), 0);
	ck_assert_int_eq(store_dnc_count(db, &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_dnc_insert(db, a, "135****0001", "asked", NULL,
	    1, 1000, &ida), 1);
	ck_assert_int_gt(ida, 0);
	ck_assert_int_eq(store_dnc_insert(db, b, "135****0002", "",
	    "2026-01-31", 2, 2000, &idb), 1);
	ck_assert_int_eq(store_dnc_insert(db, c, "135****0003", "", NULL, 1,
	    3000, NULL), 1);
	/* Listed already: nothing added, the id not touched. */
	ck_assert_int_eq(store_dnc_insert(db, a, "135****0001", "again", NULL,
	    2, 4000, &id), 0);
	ck_assert_int_eq(id, 0);
	ck_assert_int_eq(store_dnc_any(db), 1);
	ck_assert_int_eq(store_dnc_count(db, &n), 0);
	ck_assert_int_eq(n, 3);

	ck_assert_int_eq(store_dnc_by_hash(db, a, &e), 1);
	ck_assert_int_eq(e.id, ida);
	ck_assert_str_eq(e.masked, "135****0001");
	ck_assert_str_eq(e.reason, "asked");
	ck_assert_str_eq(e.expires, "");
	ck_assert_str_eq(e.added_by, "admin");
	ck_assert_int_eq(e.added_at, 1000);
	ck_assert_int_eq(store_dnc_by_hash(db, x, &e), 0);
	ck_assert_int_eq(store_dnc_by_id(db, idb, &e), 1);
	ck_assert_str_eq(e.masked, "135****0002");
	ck_assert_str_eq(e.expires, "2026-01-31");
	ck_assert_str_eq(e.added_by, "op");
	ck_assert_int_eq(store_dnc_by_id(db, 999, &e), 0);

	/* An entry applies up to its expiry day, included. */
	ck_assert_int_eq(store_dnc_listed(db, a, "2030-01-01"), 1);
	ck_assert_int_eq(store_dnc_listed(db, b, "2026-01-31"), 1);
	ck_assert_int_eq(store_dnc_listed(db, b, "2026-02-01"), 0);
	ck_assert_int_eq(store_dnc_listed(db, x, "2026-01-01"), 0);

	/* Pages: newest first, below an id, at most limit; -1 is all. */
	idc = ida + 2;
	ck_assert_int_eq(store_dnc_page(db, INT64_MAX, -1, got_entry, &g), 0);
	snprintf(want, sizeof(want), "%lld,%lld,%lld,", (long long)idc,
	    (long long)idb, (long long)ida);
	ck_assert_str_eq(g.text, want);
	g = (struct got_dnc){ "", 0 };
	ck_assert_int_eq(store_dnc_page(db, idc, 1, got_entry, &g), 0);
	snprintf(want, sizeof(want), "%lld,", (long long)idb);
	ck_assert_str_eq(g.text, want);

	ck_assert_int_eq(store_dnc_delete(db, idb, masked, sizeof(masked)), 1);
	ck_assert_str_eq(masked, "135****0002");
	ck_assert_int_eq(store_dnc_delete(db, idb, masked, sizeof(masked)), 0);
	ck_assert_int_eq(store_dnc_by_id(db, idb, &e), 0);
	ck_assert_int_eq(store_dnc_count(db, &n), 0);
	ck_assert_int_eq(n, 2);
}
END_TEST

START_TEST(dnc_sent_numbers)
{
	unsigned char	 a[DNC_HASH_BYTES], b[DNC_HASH_BYTES];

	hash_of("a", a);
	hash_of("b", b);
	ck_assert_int_eq(store_dnc_sent_any(db, 0), 0);
	ck_assert_int_eq(store_dnc_sent_insert(db, a, 2, 1000), 0);
	/* The same send twice is one row. */
	ck_assert_int_eq(store_dnc_sent_insert(db, a, 2, 1000), 0);
	ck_assert_int_eq(store_dnc_sent_insert(db, b, 1, 5000), 0);
	ck_assert_int_eq(store_dnc_sent_any(db, 5000), 1);
	ck_assert_int_eq(store_dnc_sent_any(db, 5001), 0);
	ck_assert_int_eq(store_dnc_sent_recently(db, a, 1000, 0), 1);
	ck_assert_int_eq(store_dnc_sent_recently(db, a, 1001, 0), 0);
	ck_assert_int_eq(store_dnc_sent_recently(db, a, 0, 2), 1);
	ck_assert_int_eq(store_dnc_sent_recently(db, a, 0, 1), 0);
	ck_assert_int_eq(store_dnc_sent_recently(db, b, 0, 1), 1);
	ck_assert_int_eq(store_dnc_sent_purge(db, 1000), 0);
	ck_assert_int_eq(store_dnc_sent_purge(db, 1001), 1);
	ck_assert_int_eq(store_dnc_sent_recently(db, a, 0, 0), 0);
	ck_assert_int_eq(store_dnc_sent_purge(db, 9999), 1);
	ck_assert_int_eq(store_dnc_sent_any(db, 0), 0);
}
END_TEST

START_TEST(dnc_rule_and_counts)
{
	struct dnc_rule_row r;

	sql("INSERT INTO imports (id, user_id, created, state, params,"
	    " file_name, file_path, file_size, file_sha256, format, encoding,"
	    " delimiter, headers, phone_col, name_col) VALUES (1, 2, 0,"
	    " 'loading', '{}', 'l.csv', '/x', 0, '', '', '', '', '[]', 0, 0)");
	ck_assert_int_eq(store_dnc_rule_get(db, 1, &r), 1);
	ck_assert_str_eq(r.scope, "list");
	ck_assert_int_eq(r.user_id, 2);
	ck_assert_int_eq(r.listed, 0);
	ck_assert_int_eq(r.recent, 0);
	ck_assert_int_eq(store_dnc_rule_set(db, 1, "mine", 30, 1), 0);
	ck_assert_int_eq(store_dnc_counts_set(db, 1, 7, 3), 0);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(store_dnc_rule_get(db, 1, &r), 1);
	ck_assert_str_eq(r.scope, "mine");
	ck_assert_int_eq(r.days, 30);
	ck_assert_int_eq(r.keep, 1);
	ck_assert_int_eq(r.user_id, 2);
	ck_assert_int_eq(r.listed, 7);
	ck_assert_int_eq(r.recent, 3);
	ck_assert_int_eq(store_dnc_rule_get(db, 2, &r), 0);
}
END_TEST

/* ---- upkeep ---- */

struct got_states {
	char	 text[128];
};

static int
got_state(void *arg, const char *state, int64_t n)
{
	struct got_states *g = arg;
	size_t		 len = strlen(g->text);

	snprintf(g->text + len, sizeof(g->text) - len, "%s=%lld;", state,
	    (long long)n);
	return 0;
}

START_TEST(maint_batches)
{
	struct got_states g = { "" };
	int64_t		 at = -1;

	ck_assert_int_eq(store_batch_oldest_in(db, "queued", &at), 0);
	ck_assert_int_eq(at, -1);
	ck_assert_int_eq(store_batch_state_counts(db, got_state, &g), 0);
	ck_assert_str_eq(g.text, "");
	sql("INSERT INTO imports (id, user_id, created, state, params,"
	    " file_name, file_path, file_size, file_sha256, format, encoding,"
	    " delimiter, headers, phone_col, name_col) VALUES (1, 2, 0,"
	    " 'confirmed', '{}', 'l.csv', '/x', 0, '', '', '', '', '[]', 0, 0);"
	    "INSERT INTO tasks (id, import_id, user_id, name, params, login_name,"
	    " created, state, rows, batch_count) VALUES (1, 1, 2, 't', '{}',"
	    " 'l', 0, 'sending', 40, 4);"
	    "INSERT INTO batches (task_id, seq, first_seq, rows, state, updated)"
	    " VALUES (1, 1, 1, 10, 'sent', 50), (1, 2, 11, 10, 'queued', 300),"
	    " (1, 3, 21, 10, 'queued', 200), (1, 4, 31, 10, 'failed', 100)");
	ck_assert_int_eq(store_batch_state_counts(db, got_state, &g), 0);
	ck_assert_ptr_nonnull(strstr(g.text, "queued=2;"));
	ck_assert_ptr_nonnull(strstr(g.text, "sent=1;"));
	ck_assert_ptr_nonnull(strstr(g.text, "failed=1;"));
	ck_assert_ptr_null(strstr(g.text, "sending"));
	ck_assert_int_eq(store_batch_oldest_in(db, "queued", &at), 1);
	ck_assert_int_eq(at, 200);
	ck_assert_int_eq(store_batch_oldest_in(db, "failed", &at), 1);
	ck_assert_int_eq(at, 100);
	ck_assert_int_eq(store_batch_oldest_in(db, "sending", &at), 0);
}
END_TEST

START_TEST(maint_integrity_size_checkpoint)
{
	struct stat	 sb;
	char		 why[256], side[300];
	int64_t		 bytes = 0;

	ck_assert_int_eq(store_check_integrity(db, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "ok");
	ck_assert_int_eq(store_size_bytes(db, &bytes), 0);
	ck_assert_int_gt(bytes, 0);
	ck_assert_int_eq(bytes % 512, 0);
	/* After a checkpoint the main file holds every page, -wal none. */
	ck_assert_int_eq(store_checkpoint(db), 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq((int64_t)sb.st_size, bytes);
	snprintf(side, sizeof(side), "%s-wal", path);
	ck_assert_int_eq(stat(side, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);
}
END_TEST

START_TEST(maint_copies)
{
	struct db	*copy;
	char		 c1[280], c2[280], err[512], why[256], side[300];
	struct stat	 sb;
	int64_t		 n = 0;
	unsigned char	 a[DNC_HASH_BYTES];

	hash_of("a", a);
	ck_assert_int_eq(store_dnc_insert(db, a, "m", "", NULL, 1, 1, NULL), 1);
	snprintf(c1, sizeof(c1), "%s.copy1", path);
	snprintf(c2, sizeof(c2), "%s.copy2", path);
	unlink_db(c1);
	unlink_db(c2);
	ck_assert_msg(store_copy_db(db, c1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(store_copy_file(c1, c2, err, sizeof(err)) == 0, "%s",
	    err);
	ck_assert_int_eq(store_copy_file("/nonexistent/x", c1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x"));

	ck_assert_ptr_nonnull(copy = db_open(c2, 1000));
	ck_assert_int_eq(store_dnc_count(copy, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_check_integrity(copy, why, sizeof(why)), 0);
	ck_assert_int_eq(store_single_file(copy), 0);
	db_close(copy);
	/* One file: nothing beside it once it is closed. */
	snprintf(side, sizeof(side), "%s-wal", c2);
	ck_assert_int_eq(stat(side, &sb), -1);
	ck_assert_ptr_nonnull(copy = db_open(c2, 1000));
	ck_assert_int_eq(store_dnc_count(copy, &n), 0);
	ck_assert_int_eq(n, 1);
	db_close(copy);
	unlink_db(c1);
	unlink_db(c2);
}
END_TEST

START_TEST(maint_damaged)
{
	char		 why[256];
	FILE		*f;
	struct db	*bad;
	char		 p2[280];
	long		 size;
	int		 i, rc;

	/* A copy whose index pages are overwritten is found damaged. */
	for (i = 0; i < 200; i++)
		audit_put(i + 1, 0, "system", "x", "2026-11-01T00:00:00.000Z");
	ck_assert_int_eq(store_checkpoint(db), 0);
	snprintf(p2, sizeof(p2), "%s.bad", path);
	unlink_db(p2);
	ck_assert_int_eq(store_copy_db(db, p2, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(f = fopen(p2, "r+"));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	/* The last pages hold the audit table's newest rows and indexes. */
	ck_assert_int_eq(fseek(f, size - 3 * 4096 + 100, SEEK_SET), 0);
	for (i = 0; i < 2000; i++)
		fputc(0x5a, f);
	fclose(f);
	ck_assert_ptr_nonnull(bad = db_open(p2, 1000));
	rc = store_check_integrity(bad, why, sizeof(why));
	ck_assert_msg(rc != 0, "%s", why);
	ck_assert_str_ne(why, "ok");
	db_close(bad);
	unlink_db(p2);
}
END_TEST

START_TEST(maint_in_use_and_remove)
{
	struct stat	 sb;
	char		 other[280], side[300], c;
	long		 pid = -1;
	pid_t		 child;
	int		 up[2], down[2], status;
	struct db	*odb;

	/* A store nobody has open: no -shm file at all. */
	snprintf(other, sizeof(other), "%s.other", path);
	store_remove(other);
	ck_assert_int_eq(store_in_use(other, &pid), 0);
	ck_assert_int_eq(pid, 0);
	/* Our own connection is no other process's. */
	ck_assert_int_eq(store_in_use(path, &pid), 0);
	/* Another process holding it open is named by its pid. The child
	 * must not inherit an open connection to the file: SQLite's locks
	 * are per process, its books on them are not. */
	db_close(db);
	db = NULL;
	ck_assert_int_eq(pipe(up), 0);
	ck_assert_int_eq(pipe(down), 0);
	ck_assert_int_ne(child = fork(), -1);
	if (child == 0) {
		int64_t n;

		odb = db_open(path, 1000);
		c = odb != NULL && store_dnc_count(odb, &n) == 0 ? 'y' : 'n';
		(void)write(up[1], &c, 1);
		(void)read(down[0], &c, 1);
		db_close(odb);
		_exit(0);
	}
	ck_assert_int_eq(read(up[0], &c, 1), 1);
	ck_assert_int_eq(c, 'y');
	ck_assert_int_eq(store_in_use(path, &pid), 1);
	ck_assert_int_eq(pid, (long)child);
	ck_assert_int_eq(write(down[1], "x", 1), 1);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_int_eq(store_in_use(path, &pid), 0);
	ck_assert_ptr_nonnull(db = db_open(path, 1000));
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);

	/* Removal takes the files beside the store too. */
	ck_assert_ptr_nonnull(odb = db_open(other, 1000));
	ck_assert_int_eq(db_schema_version(odb), 0);
	snprintf(side, sizeof(side), "%s-wal", other);
	ck_assert_int_eq(stat(side, &sb), 0);
	ck_assert_int_eq(store_in_use(other, &pid), 0);
	db_close(odb);
	store_remove(other);
	ck_assert_int_eq(stat(other, &sb), -1);
	ck_assert_int_eq(stat(side, &sb), -1);
	snprintf(side, sizeof(side), "%s-shm", other);
	ck_assert_int_eq(stat(side, &sb), -1);
}
END_TEST

/* PostgreSQL: the upkeep that is SQLite's (integrity check, copies, the
 * files beside it) refuses or has nothing to do; the size is the
 * database's. */
START_TEST(maint_on_postgresql)
{
	char		 why[256];
	int64_t		 bytes = 0;

	ck_assert_int_eq(store_check_integrity(db, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "SQLite only");
	ck_assert_int_eq(store_size_bytes(db, &bytes), 0);
	ck_assert_int_gt(bytes, 0);
	ck_assert_int_eq(store_checkpoint(db), 0);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("store_admin");
	TCase	*ta = tcase_create("audit");
	TCase	*ts = tcase_create("settings");
	TCase	*td = tcase_create("dnc");
	TCase	*tm = tcase_create("maint");

	tcase_add_checked_fixture(ta, setup, teardown);
	tcase_add_test(ta, audit_empty);
	tcase_add_test(ta, audit_insert_and_read);
	tcase_add_test(ta, audit_page_filters);
	tcase_add_test(ta, audit_verify_over_store);
	tcase_add_test(ta, audit_concurrent_writers);
	suite_add_tcase(s, ta);
	tcase_add_checked_fixture(ts, setup, teardown);
	tcase_add_test(ts, settings_put_all_history_version);
	suite_add_tcase(s, ts);
	tcase_add_checked_fixture(td, setup, teardown);
	tcase_add_test(td, dnc_entries);
	tcase_add_test(td, dnc_sent_numbers);
	tcase_add_test(td, dnc_rule_and_counts);
	suite_add_tcase(s, td);
	tcase_add_checked_fixture(tm, setup, teardown);
	tcase_add_test(tm, maint_batches);
	if (testdb_is_pg())
		tcase_add_test(tm, maint_on_postgresql);
	else {
		tcase_add_test(tm, maint_integrity_size_checkpoint);
		tcase_add_test(tm, maint_copies);
		tcase_add_test(tm, maint_damaged);
		tcase_add_test(tm, maint_in_use_and_remove);
	}
	suite_add_tcase(s, tm);
	return unit_run(s);
}
