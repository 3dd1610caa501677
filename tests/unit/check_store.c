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
#include "db_pg.h"
#include "testdb.h"
#include "unit.h"

static struct db *db;

static void
setup(void)
{
	db = testdb_open();
}

static void
teardown(void)
{
	testdb_close(db);
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
		sqlite3_stmt	*st;

		ck_assert_int_eq(db_prepared(db, (enum stmt)i), 0);
		if (db_is_pg(db))
			continue;
		ck_assert_ptr_nonnull(st = db_stmt(db, (enum stmt)i));
		ck_assert_str_eq(sqlite3_sql(st), db_sql((enum stmt)i));
	}
}
END_TEST

START_TEST(prepare_fails_before_migration)
{
	/* A database that is not migrated has no tables: preparing them all
	 * must fail rather than pass vacuously. */
	testdb_close(db);
	ck_assert_ptr_nonnull(db = db_open(testdb_create(), 1000));
	ck_assert_int_eq(db_prepare_all(db), -1);
}
END_TEST

/* PostgreSQL's placeholders: ?N is $N, a bare ? the largest so far + 1
 * (SQLite's rule), nothing inside quotes. */
START_TEST(placeholders_translate)
{
	char	*t;

	ck_assert_ptr_nonnull(t = pg_translate("SELECT ?, '?', ?3, ?, \"a?\""
	    " FROM x WHERE y = ?12"));
	ck_assert_str_eq(t, "SELECT $1, '?', $3, $4, \"a?\" FROM x WHERE y = $12");
	free(t);
	/* a negative LIMIT is none, as in SQLite */
	ck_assert_ptr_nonnull(t = pg_translate("SELECT 1 LIMIT ?2 OFFSET ?3"));
	ck_assert_str_eq(t, "SELECT 1 LIMIT CASE WHEN $2::bigint < 0 THEN NULL"
	    " ELSE $2::bigint END OFFSET $3");
	free(t);
}
END_TEST

/* Every PostgreSQL text overrides a statement that has a shared one. */
START_TEST(pg_texts_have_twins)
{
	size_t	 i;

	for (i = 0; i < STMT__MAX; i++)
		if (store_sql_pg[i] != NULL)
			ck_assert_msg(db_sql((enum stmt)i) != NULL &&
			    db_sql_pg((enum stmt)i) == store_sql_pg[i],
			    "statement %zu", i);
}
END_TEST

/* PostgreSQL: a connection the server ended (a failover, a restart) fails
 * the statement in flight, and the next one connects again, its statement
 * prepared anew; a transaction it broke fails to the end. */
START_TEST(pg_reconnects)
{
	char	 pid[32], q[128];
	int64_t	 v = 0;

	ck_assert_int_eq(db_query_value(db, "SELECT pg_backend_pid()", pid,
	    sizeof(pid)), 1);
	snprintf(q, sizeof(q), "SELECT pg_terminate_backend(%s)", pid);
	testdb_admin(q);
	ck_assert_int_eq(db_one_int_params(db, STMT_SCHEMA_VERSION, &v, NULL),
	    -1);
	ck_assert_int_eq(db_one_int_params(db, STMT_SCHEMA_VERSION, &v, NULL),
	    1);
	ck_assert_int_gt(v, 0);
	/* broken inside a transaction: no statement of it runs alone */
	ck_assert_int_eq(db_query_value(db, "SELECT pg_backend_pid()", pid,
	    sizeof(pid)), 1);
	snprintf(q, sizeof(q), "SELECT pg_terminate_backend(%s)", pid);
	ck_assert_int_eq(db_begin(db), 0);
	testdb_admin(q);
	ck_assert_int_eq(db_one_int_params(db, STMT_SCHEMA_VERSION, &v, NULL),
	    -1);
	ck_assert_int_eq(db_one_int_params(db, STMT_SCHEMA_VERSION, &v, NULL),
	    -1);
	ck_assert_int_eq(db_commit(db), -1);
	ck_assert_int_eq(db_one_int_params(db, STMT_SCHEMA_VERSION, &v, NULL),
	    1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("statements");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_statement_has_sql);
	tcase_add_test(tc, every_statement_prepares);
	tcase_add_test(tc, prepare_fails_before_migration);
	tcase_add_test(tc, placeholders_translate);
	tcase_add_test(tc, pg_texts_have_twins);
	if (testdb_is_pg())
		tcase_add_test(tc, pg_reconnects);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
