/* check_dbread.c: a request's reads in one snapshot (db_read_begin): its
 * statements see one state of the database while another connection
 * writes, a write of its own closes the snapshot first (no
 * SQLITE_BUSY_SNAPSHOT however stale it was) and the reads after it see
 * that write; on PostgreSQL every read is fresh (a no-op). */
#include "autoconf.h"

#include <stdint.h>

#include <check.h>

#include "testdb.h"
#include "unit.h"

/* The newest migration recorded: a read through the statement tables. */
static int64_t
version(struct db *db)
{
	int64_t	 v = -1;

	ck_assert_int_eq(db_one_int_params(db, STMT_SCHEMA_VERSION, &v, NULL), 1);
	return v;
}

/* A write of a row the reads above count: version v recorded. */
static int
record(struct db *db, int64_t v)
{
	return db_run(db, STMT_SCHEMA_RECORD, DB_INT(v), DB_TEXT("check"));
}

START_TEST(test_reads_share_one_snapshot)
{
	struct db	*a = testdb_open(), *b;
	int64_t		 v0;

	ck_assert_ptr_nonnull(b = db_open(testdb_name, 1000));
	db_read_begin(a);
	ck_assert_int_eq(db_read_snapshot(a), 0);	/* opened at a read */
	v0 = version(a);
	ck_assert_int_eq(db_read_snapshot(a), !testdb_is_pg());
	ck_assert_int_eq(record(b, 1000), 0);
	/* SQLite: the same state as the first read; PostgreSQL: fresh. */
	ck_assert_int_eq(version(a), testdb_is_pg() ? 1000 : v0);
	db_read_end(a);
	ck_assert_int_eq(db_read_snapshot(a), 0);
	ck_assert_int_eq(version(a), 1000);
	db_close(b);
	testdb_close(a);
}
END_TEST

START_TEST(test_write_closes_stale_snapshot)
{
	struct db	*a = testdb_open(), *b;

	ck_assert_ptr_nonnull(b = db_open(testdb_name, 1000));
	db_read_begin(a);
	(void)version(a);
	/* Another connection commits: a's snapshot is older than the WAL.
	 * Upgrading it to write would be SQLITE_BUSY_SNAPSHOT at once. */
	ck_assert_int_eq(record(b, 1000), 0);
	ck_assert_int_eq(record(a, 1001), 0);
	ck_assert_int_eq(db_read_snapshot(a), 0);
	/* The read after the write: a new snapshot, with both writes. */
	ck_assert_int_eq(version(a), 1001);
	ck_assert_int_eq(db_read_snapshot(a), !testdb_is_pg());
	db_read_end(a);
	db_close(b);
	testdb_close(a);
}
END_TEST

START_TEST(test_transaction_inside_request)
{
	struct db	*a = testdb_open(), *b;

	ck_assert_ptr_nonnull(b = db_open(testdb_name, 1000));
	db_read_begin(a);
	(void)version(a);
	ck_assert_int_eq(record(b, 1000), 0);
	/* db_begin() in a request that read: BEGIN IMMEDIATE, not "within
	 * a transaction", and its reads see the latest commit. */
	ck_assert_int_eq(db_begin(a), 0);
	ck_assert_int_eq(version(a), 1000);
	ck_assert_int_eq(record(a, 1001), 0);
	ck_assert_int_eq(db_commit(a), 0);
	ck_assert_int_eq(version(a), 1001);
	/* A ROLLBACK (the router's, at the end) ends the snapshot too; the
	 * next read opens another. */
	db_rollback(a);
	ck_assert_int_eq(db_read_snapshot(a), 0);
	ck_assert_int_eq(record(b, 1002), 0);
	ck_assert_int_eq(version(a), 1002);
	db_read_end(a);
	/* Outside a request: autocommit, as before. */
	ck_assert_int_eq(record(b, 1003), 0);
	ck_assert_int_eq(version(a), 1003);
	ck_assert_int_eq(db_read_snapshot(a), 0);
	db_close(b);
	testdb_close(a);
}
END_TEST

static Suite *
dbread_suite(void)
{
	Suite	*s = suite_create("dbread");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_reads_share_one_snapshot);
	tcase_add_test(tc, test_write_closes_stale_snapshot);
	tcase_add_test(tc, test_transaction_inside_request);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(dbread_suite());
}
