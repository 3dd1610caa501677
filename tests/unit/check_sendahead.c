/* check_sendahead.c: statements the PostgreSQL store sends ahead without
 * waiting for their answer (an import's rows, an audit entry) still fail
 * their transaction when the server refuses them, and are all there after
 * the commit; on SQLite the same calls answer at once. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "store.h"
#include "store/imports.h"
#include "testdb.h"
#include "unit.h"

#define ROWS	1000	/* 8 statements of 128 rows, the last short */

static struct db *db;
static struct import_row_new rows[ROWS];
static char	 phones[ROWS][16];

static void
setup(void)
{
	size_t	 i;

	db = testdb_open();
	testdb_loading_imports(db, 1);
	for (i = 0; i < ROWS; i++) {
		snprintf(phones[i], sizeof(phones[i]), "138%08zu", i);
		rows[i] = (struct import_row_new){ (int64_t)i + 1,
		    (int64_t)i + 2, phones[i], "n", "[]", "", 0 };
	}
}

static void
teardown(void)
{
	testdb_close(db);
}

static int
put_all(void)
{
	size_t	 i, n;

	for (i = 0; i < ROWS; i += n) {
		n = ROWS - i < STORE_IMPORT_ROWS_BATCH ? ROWS - i :
		    STORE_IMPORT_ROWS_BATCH;
		if (store_import_rows_put(db, 1, rows + i, n) == -1)
			return -1;
	}
	return 0;
}

START_TEST(test_rows_stored)
{
	int64_t	 line = 0;

	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put_all(), 0);
	/* A question in the same transaction sees them all. */
	ck_assert_int_eq(store_import_row_first(db, 1, phones[ROWS - 1],
	    &line), 1);
	ck_assert_int_eq(line, ROWS + 1);
	db_rollback(db);
}
END_TEST

START_TEST(test_rows_committed)
{
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put_all(), 0);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM import_rows"),
	    ROWS);
	ck_assert_int_eq(testdb_int(db, "SELECT max(seq) FROM import_rows"),
	    ROWS);
}
END_TEST

/* A row refused (its seq taken twice) fails the transaction: whether at
 * once or at the commit, nothing of it is stored, and the store goes on. */
START_TEST(test_refused_row_fails_all)
{
	int	 put, committed;

	rows[600].seq = rows[10].seq;
	ck_assert_int_eq(db_begin(db), 0);
	put = put_all();
	committed = put == 0 ? db_commit(db) : -1;
	if (put == -1)
		db_rollback(db);
	ck_assert_int_eq(committed, -1);
	ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM import_rows"),
	    0);
	rows[600].seq = 601;
	ck_assert_int_eq(db_begin(db), 0);
	ck_assert_int_eq(put_all(), 0);
	ck_assert_int_eq(db_commit(db), 0);
	ck_assert_int_eq(testdb_int(db, "SELECT count(*) FROM import_rows"),
	    ROWS);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sendahead");
	TCase	*tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rows_stored);
	tcase_add_test(tc, test_rows_committed);
	tcase_add_test(tc, test_refused_row_fails_all);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
