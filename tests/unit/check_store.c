/* check_store.c: the store's statement tables. Every statement has SQL in
 * exactly one subject's table and prepares against a migrated database, so
 * that a misspelt column fails here and when serve starts, not on the
 * first request that runs it. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "db.h"

static char	 path[64];
static struct db *db;

static void
setup(void)
{
	char	 err[512];
	int	 fd;

	snprintf(path, sizeof(path), "/tmp/check_store.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	ck_assert_ptr_nonnull(db = db_open(path, 1000));
	ck_assert_msg(db_migrate(db, err, sizeof(err)) == 0, "%s", err);
}

static void
teardown(void)
{
	char	 p[96];

	db_close(db);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

START_TEST(every_statement_has_sql)
{
	size_t	 i;

	for (i = 0; i < STMT__MAX; i++)
		ck_assert_msg(db_sql((enum stmt)i) != NULL &&
		    db_sql((enum stmt)i)[0] != '\0', "statement %zu", i);
}
END_TEST

START_TEST(every_statement_prepares)
{
	size_t	 i;

	ck_assert_int_eq(db_prepare_all(db), 0);
	/* Each one is now cached: asking again prepares nothing new, and
	 * every one is the statement of its own text. */
	for (i = 0; i < STMT__MAX; i++) {
		sqlite3_stmt	*st = db_stmt(db, (enum stmt)i);

		ck_assert_ptr_nonnull(st);
		ck_assert_str_eq(sqlite3_sql(st), db_sql((enum stmt)i));
	}
}
END_TEST

START_TEST(prepare_fails_before_migration)
{
	struct db	*fresh;
	char		 p2[64];
	int		 fd;

	/* A database that is not migrated has no tables: preparing them all
	 * must fail rather than pass vacuously. */
	snprintf(p2, sizeof(p2), "/tmp/check_store2.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(p2), -1);
	close(fd);
	ck_assert_ptr_nonnull(fresh = db_open(p2, 1000));
	ck_assert_int_eq(db_prepare_all(fresh), -1);
	db_close(fresh);
	unlink(p2);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("statements");
	SRunner	*sr;
	int	 failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_statement_has_sql);
	tcase_add_test(tc, every_statement_prepares);
	tcase_add_test(tc, prepare_fails_before_migration);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
