/* check_audit.c: the audit chain holds, and every kind of tampering is
 * found at the entry where it happened. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "audit.h"
#include "db.h"

static char	 path[64];
static struct db *db;

static void
setup(void)
{
	char	 err[256];
	int	 fd;

	snprintf(path, sizeof(path), "/tmp/check_audit.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	close(fd);
	db = db_open(path, 1000);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_migrate(db, err, sizeof(err)), 0);
}

static void
teardown(void)
{
	char	 p[80];

	db_close(db);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* n entries by alice. */
static void
fill(int n)
{
	struct audit_actor who = { 1, "alice", "127.0.0.1", "test" };
	cJSON	*d;
	int	 i;

	for (i = 0; i < n; i++) {
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "i", i);
		ck_assert_int_eq(audit_record(db, &who, "login.ok", "alice", d),
		    0);
		cJSON_Delete(d);
	}
}

static void
sql(const char *s)
{
	char	*err = NULL;

	ck_assert_msg(sqlite3_exec(db_handle(db), s, NULL, NULL, &err) ==
	    SQLITE_OK, "%s: %s", s, err ? err : "");
}

START_TEST(test_intact)
{
	int64_t	 count, bad;
	char	 head[65], why[256], head2[65];

	ck_assert_int_eq(audit_verify(db, &count, head, &bad, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(count, 0);
	fill(5);
	ck_assert_int_eq(audit_verify(db, &count, head, &bad, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(count, 5);
	ck_assert_uint_eq(strlen(head), 64);
	fill(1);
	ck_assert_int_eq(audit_verify(db, &count, head2, &bad, why,
	    sizeof(why)), 0);
	ck_assert_str_ne(head, head2);
}
END_TEST

START_TEST(test_append_only)
{
	fill(2);
	ck_assert_int_ne(sqlite3_exec(db_handle(db),
	    "UPDATE audit SET actor = 'mallory' WHERE id = 1", NULL, NULL,
	    NULL), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db_handle(db),
	    "DELETE FROM audit WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
}
END_TEST

/* Each tampering, done around the triggers, and the entry named. */
static const struct {
	const char	*sql;
	int64_t		 bad;
} tamper[] = {
	{ "UPDATE audit SET details = '{\"i\":9}' WHERE id = 3", 3 },
	{ "UPDATE audit SET actor = 'bob' WHERE id = 1", 1 },
	{ "UPDATE audit SET ts = '2020-01-01T00:00:00.000Z' WHERE id = 5", 5 },
	{ "DELETE FROM audit WHERE id = 2", 3 },
	{ "DELETE FROM audit WHERE id = 1", 2 },
	{ "UPDATE audit SET id = id + 100 WHERE id = 4", 5 },
	{ "INSERT INTO audit VALUES (6, '2026-01-01T00:00:00.000Z', NULL,"
	  " 'x', '', '', 'login.ok', '', '{}', 'bogus', 'bogus')", 6 },
	{ "UPDATE audit SET hash = (SELECT hash FROM audit WHERE id = 2),"
	  " prev_hash = prev_hash WHERE id = 2", 0 },	/* no change: intact */
};

START_TEST(test_tamper)
{
	int64_t	 count, bad;
	char	 head[65], why[256];
	int	 rc;

	fill(5);
	sql("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete");
	sql(tamper[_i].sql);
	rc = audit_verify(db, &count, head, &bad, why, sizeof(why));
	if (tamper[_i].bad == 0) {
		ck_assert_int_eq(rc, 0);
		return;
	}
	ck_assert_msg(rc == 1, "case %d: not detected", _i);
	ck_assert_msg(bad == tamper[_i].bad, "case %d: bad %lld, want %lld: %s",
	    _i, (long long)bad, (long long)tamper[_i].bad, why);
}
END_TEST

START_TEST(test_rollback_leaves_nothing)
{
	struct audit_actor who = { 0, "system", "", "" };
	int64_t	 count, bad;
	char	 head[65], why[256];

	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(audit_append(db, &who, "user.created", "x", NULL), 0);
	db_rollback(db);
	ck_assert_int_eq(audit_verify(db, &count, head, &bad, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(count, 0);
}
END_TEST

START_TEST(test_labels)
{
	ck_assert_str_eq(audit_action_label("login.ok"), "登录成功");
	ck_assert_str_eq(audit_action_label("no.such"), "no.such");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("audit");
	TCase	*tc = tcase_create("chain");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_intact);
	tcase_add_test(tc, test_append_only);
	tcase_add_loop_test(tc, test_tamper, 0,
	    sizeof(tamper) / sizeof(tamper[0]));
	tcase_add_test(tc, test_rollback_leaves_nothing);
	tcase_add_test(tc, test_labels);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
