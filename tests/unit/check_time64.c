/* check_time64.c: Unix times past 2038 are stored, filtered on and read
 * back whole on both engines (PostgreSQL infers `?1 = 0` as int4 unless
 * the store prepares such a parameter as int8). */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>

#include <check.h>

#include "store.h"
#include "store/imports.h"
#include "testdb.h"
#include "unit.h"

/* 2100-01-01 00:00:00 UTC, past int4's 2038-01-19. */
#define LATE	INT64_C(4102444800)

static struct db *db;

static void
setup(void)
{
	db = testdb_open();
	testdb_exec(db,
	    "INSERT INTO users (id, name, role, pwhash, created, updated) VALUES"
	    " (1, 'op', 'operator', 'x', 0, 0);"
	    "INSERT INTO imports (id, user_id, created, state, params, file_name,"
	    " file_path, file_size, file_sha256, format, encoding, delimiter,"
	    " headers, phone_col, name_col) VALUES"
	    " (1, 1, 4102444800, 'preview', '{\"name\":\"late\"}', 'l.csv', '/x',"
	    " 0, '', '', '', '', '[]', 0, 0),"
	    " (2, 1, 1700000000, 'preview', '{\"name\":\"early\"}', 'e.csv', '/x',"
	    " 0, '', '', '', '', '[]', 0, 0)");
}

static void
teardown(void)
{
	testdb_close(db);
}

/* A window of times after 2038 finds the late draft, with its time. */
START_TEST(test_drafts_after_2038)
{
	struct draft_filter f = { 0, LATE - 60, LATE + 60, NULL };
	struct draft	*d = NULL;
	size_t		 n = 0;

	ck_assert_int_eq(store_drafts(db, &f, 10, &d, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(d[0].import_id, 1);
	ck_assert_int_eq(d[0].created, LATE);
	drafts_free(d, n);
}
END_TEST

/* A bound only after 2038 (from 0) counts the early one too. */
START_TEST(test_drafts_until_after_2038)
{
	struct draft_filter f = { 0, 0, LATE, NULL };
	struct draft	*d = NULL;
	size_t		 n = 0;

	ck_assert_int_eq(store_drafts(db, &f, 10, &d, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(d[0].import_id, 2);
	drafts_free(d, n);
}
END_TEST

/* A user id in an `?N = 0 OR` test takes 64 bits too. */
START_TEST(test_wide_user_id)
{
	struct draft_filter f = { INT64_C(5000000000), 0, 0, NULL };
	struct draft	*d = NULL;
	size_t		 n = 1;

	ck_assert_int_eq(store_drafts(db, &f, 10, &d, &n), 0);
	ck_assert_uint_eq(n, 0);
	drafts_free(d, n);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("time64");
	TCase	*tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_drafts_after_2038);
	tcase_add_test(tc, test_drafts_until_after_2038);
	tcase_add_test(tc, test_wide_user_id);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
