/* check_dnc.c: the do-not-call key file, the keyed hash, and the screen
 * an import runs: a listed number, an expired entry, repeats by scope and
 * window; the list keeps no number in clear. */
#include "autoconf.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "dnc.h"
#include "testdb.h"
#include "unit.h"

/* path: where the key file is moved aside */
static char	 path[300], keypath[300];
static struct config cfg;
static struct db *db;
static const struct audit_actor admin = { 1, "admin", "127.0.0.1", "check" };

static void
setup(void)
{
	char	 err[512];

	ck_assert_int_ne(sodium_init(), -1);
	db = testdb_open();
	config_defaults(&cfg);
	testdb_config(&cfg);
	snprintf(path, sizeof(path), "%s.moved", config_local_base(&cfg));
	snprintf(keypath, sizeof(keypath), "%s.dnc-key",
	    config_local_base(&cfg));
	ck_assert_msg(audit_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(dnc_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	testdb_exec(db,
	    "INSERT INTO users (id, name, role, pwhash, created, updated) VALUES"
	    " (1, 'admin', 'admin', 'x', 0, 0), (2, 'op', 'operator', 'x', 0, 0);"
	    "INSERT INTO imports (id, user_id, created, state, params, file_name,"
	    " file_path, file_size, file_sha256, format, encoding, delimiter,"
	    " headers, phone_col, name_col) VALUES (1, 2, 0, 'loading', '{}',"
	    " 'l.csv', '/x', 0, '', '', '', '', '[]', 0, 0)");
}

static void
teardown(void)
{
	unlink(path);
	testdb_close(db);
	dnc_close();
	audit_close();
	config_free(&cfg);
}

START_TEST(test_key_file)
{
	struct stat	 sb;
	unsigned char	 a[DNC_HASH_BYTES], b[DNC_HASH_BYTES];
	char		 err[512];

	ck_assert_int_eq(stat(keypath, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(sb.st_size, 32);
	ck_assert_int_eq(dnc_hash("13500000001", a), 0);
	ck_assert_int_eq(dnc_hash("13500000001", b), 0);
	ck_assert_mem_eq(a, b, sizeof(a));
	ck_assert_int_eq(dnc_hash("13500000002", b), 0);
	ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
	/* Keyed: not the plain SHA-256 of the number. */
	crypto_hash_sha256(b, (const unsigned char *)"13500000001", 11);
	ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);

	/* Readable by others: refused, and the message says why. */
	ck_assert_int_eq(chmod(keypath, 0644), 0);
	ck_assert_int_eq(dnc_open(&cfg, 1, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "do-not-call key file"));
	ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
	ck_assert_int_eq(dnc_hash("13500000001", b), -1);
	ck_assert_int_eq(chmod(keypath, 0600), 0);
	/* Missing, without create: refused, pointing at migrate. */
	ck_assert_int_eq(rename(keypath, path), 0);
	ck_assert_int_eq(dnc_open(&cfg, 0, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "dialdesk migrate"));
	ck_assert_int_eq(rename(path, keypath), 0);
	ck_assert_int_eq(dnc_open(&cfg, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(dnc_hash("13500000001", b), 0);
	ck_assert_mem_eq(a, b, sizeof(a));
}
END_TEST

/* The verdict of one number under a rule, for the user op (2). */
static enum dnc_verdict
verdict(enum dup_scope scope, int days, int keep, const char *number)
{
	struct dup_rule	 rule = { scope, days, keep };
	struct dnc_screen *s;
	enum dnc_verdict v;

	ck_assert_ptr_nonnull(s = dnc_screen_new(db, 1, 2, &rule));
	ck_assert_int_eq(dnc_screen_row(s, 2, number, &v), 0);
	dnc_screen_free(s);
	return v;
}

START_TEST(test_listed_and_expired)
{
	struct dnc_entry e;
	char		 past[11];
	time_t		 t = time(NULL) - 2 * 86400;
	struct tm	 tm;
	int64_t		 id;

	localtime_r(&t, &tm);
	strftime(past, sizeof(past), "%Y-%m-%d", &tm);
	ck_assert_int_eq(dnc_add(db, &admin, "13600000001", "投诉", NULL, &id),
	    1);
	ck_assert_int_eq(dnc_add(db, &admin, "13600000001", NULL, NULL, &id),
	    0);
	ck_assert_int_eq(dnc_add(db, &admin, "13600000002", NULL, past, &id),
	    1);
	ck_assert_int_eq(dnc_find(db, "13600000001", &e), 1);
	ck_assert_str_eq(e.masked, "136****0001");
	ck_assert_str_eq(e.reason, "投诉");
	ck_assert_int_eq(dnc_find(db, "13600000009", &e), 0);
	ck_assert_int_eq(verdict(DUP_LIST, 0, 0, "13600000001"), DNC_LISTED);
	ck_assert_int_eq(verdict(DUP_LIST, 0, 0, "13600000002"), DNC_PASS);
	ck_assert_int_eq(verdict(DUP_LIST, 0, 0, "13600000003"), DNC_PASS);
	ck_assert_int_eq(dnc_count(db), 2);
	ck_assert_int_eq(dnc_remove(db, &admin, 999), 0);
	ck_assert_int_eq(dnc_find(db, "13600000001", &e), 1);
	ck_assert_int_eq(dnc_remove(db, &admin, e.id), 1);
	ck_assert_int_eq(verdict(DUP_LIST, 0, 0, "13600000001"), DNC_PASS);
}
END_TEST

START_TEST(test_recent)
{
	int64_t	 now = (int64_t)time(NULL);

	/* The admin (1) sent 13700000001 ten days ago, op (2) 13700000002. */
	testdb_exec(db,
	    "INSERT INTO tasks (id, import_id, user_id, name, params,"
	    " login_name, created, state, rows, batch_count) VALUES"
	    " (1, 1, 1, 't', '{}', 'x', 0, 'sent', 1, 1);"
	    "INSERT INTO import_rows (import_id, seq, line, phone, name, other,"
	    " reason) VALUES (1, 1, 2, '13700000001', '', '[]', '')");
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(dnc_record_sent(db, 1, 1, 1, 1, now - 10 * 86400), 0);
	ck_assert_int_eq(db_commit(db), 0);
	testdb_exec(db,
	    "UPDATE tasks SET user_id = 2; UPDATE import_rows SET phone ="
	    " '13700000002'");
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(dnc_record_sent(db, 1, 1, 1, 1, now - 10 * 86400), 0);
	ck_assert_int_eq(db_commit(db), 0);

	ck_assert_int_eq(verdict(DUP_ALL, 30, 0, "13700000001"),
	    DNC_RECENT_DROP);
	ck_assert_int_eq(verdict(DUP_ALL, 30, 1, "13700000001"),
	    DNC_RECENT_KEEP);
	ck_assert_int_eq(verdict(DUP_MINE, 30, 0, "13700000001"), DNC_PASS);
	ck_assert_int_eq(verdict(DUP_MINE, 30, 0, "13700000002"),
	    DNC_RECENT_DROP);
	ck_assert_int_eq(verdict(DUP_ALL, 5, 0, "13700000001"), DNC_PASS);
	ck_assert_int_eq(verdict(DUP_LIST, 30, 0, "13700000001"), DNC_PASS);
	ck_assert_int_eq(verdict(DUP_ALL, 30, 0, "13700000003"), DNC_PASS);
	/* Retention forgets them. */
	ck_assert_int_eq(dnc_purge_sent(db, now - 9 * 86400), 2);
	ck_assert_int_eq(verdict(DUP_ALL, 30, 0, "13700000001"), DNC_PASS);
}
END_TEST

START_TEST(test_scope_names)
{
	enum dup_scope	 s;

	ck_assert_int_eq(dup_scope_parse("mine", &s), 0);
	ck_assert_int_eq(s, DUP_MINE);
	ck_assert_str_eq(dup_scope_name(DUP_ALL), "all");
	ck_assert_int_eq(dup_scope_parse("ALL", &s), -1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("dnc");
	TCase	*tc = tcase_create("dnc");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_key_file);
	tcase_add_test(tc, test_listed_and_expired);
	tcase_add_test(tc, test_recent);
	tcase_add_test(tc, test_scope_names);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
