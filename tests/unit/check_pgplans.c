/* check_pgplans.c: on PostgreSQL the list pages' statements are planned
 * with each execution's values (store_pg_plan_each), never with a
 * prepared statement's generic plan, which guesses 0.5 % of the rows for
 * each pair of bounds and walked the wrong index (a BitmapAnd and a sort:
 * a filtered audit page of 100,000 entries took a second). On SQLite the
 * same pages come back right (check_plans checks SQLite's plans). */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <check.h>

#include "db.h"
#include "store.h"
#include "store/audit.h"
#include "testdb.h"
#include "unit.h"

#define ENTRIES	3000

static struct db *db;

static void
setup(void)
{
	char	 sql[1024];

	db = testdb_open();
	/* Every tenth entry batch.sent, ids 1..ENTRIES, times in order. */
	if (testdb_is_pg())
		snprintf(sql, sizeof(sql),
		    "INSERT INTO audit (id, ts, actor, addr, user_agent, action,"
		    " object, details, prev_hash, hash) SELECT i,"
		    " to_char(timestamp '2026-01-01' + i * interval '1 minute',"
		    " 'YYYY-MM-DD\"T\"HH24:MI:SS.000\"Z\"'), 'op', '127.0.0.1', 'ua',"
		    " CASE WHEN i %% 10 = 0 THEN 'batch.sent' ELSE 'login.ok' END,"
		    " '', '{}', CASE WHEN i = 1 THEN repeat('0', 64) ELSE md5((i - 1)::text) END, md5(i::text)"
		    " FROM generate_series(1, %d) AS i; ANALYZE audit", ENTRIES);
	else
		snprintf(sql, sizeof(sql),
		    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
		    " WHERE i < %d) INSERT INTO audit (id, ts, actor, addr,"
		    " user_agent, action, object, details, prev_hash, hash)"
		    " SELECT i, strftime('%%Y-%%m-%%dT%%H:%%M:%%S.000Z', 1767225600"
		    " + i * 60, 'unixepoch'), 'op', '127.0.0.1', 'ua',"
		    " CASE WHEN i %% 10 = 0 THEN 'batch.sent' ELSE 'login.ok' END,"
		    " '', '{}', printf('%%064d', i - 1), printf('%%064d', i)"
		    " FROM n; ANALYZE", ENTRIES);
	testdb_exec(db, sql);
}

static void
teardown(void)
{
	testdb_close(db);
}

struct seen {
	int64_t	 first, last;
	int	 n, wrong;
};

static int
count_row(void *arg, const struct audit_row *r)
{
	struct seen *s = arg;

	if (s->n++ == 0)
		s->first = r->id;
	s->last = r->id;
	if (r->id % 10 != 0)
		s->wrong++;
	return 0;
}

/* More executions than PostgreSQL's five custom plans before it weighs
 * a generic one: each page is still the right one, and no generic plan
 * was ever made for the page statements. */
START_TEST(test_pages_custom_plans)
{
	struct audit_filter f = { NULL, "batch.sent", NULL, NULL };
	struct seen	 s;
	char		 q[256];
	int		 i;

	for (i = 0; i < 12; i++) {
		s = (struct seen){ 0, 0, 0, 0 };
		ck_assert_int_eq(store_audit_page(db, &f,
		    ENTRIES + 1 - i * 200, 0, 26, count_row, &s), 0);
		ck_assert_msg(s.n == 26, "page %d: %d entries, %lld..%lld", i, s.n,
		    (long long)s.first, (long long)s.last);
		ck_assert_int_eq(s.wrong, 0);
		ck_assert_int_eq(s.first, (ENTRIES - i * 200) / 10 * 10);
	}
	for (i = 0; i < 12; i++) {
		s = (struct seen){ 0, 0, 0, 0 };
		ck_assert_int_eq(store_audit_page(db, &(struct audit_filter){
		    NULL, NULL, NULL, NULL }, ENTRIES + 1 - i * 100, 0, 26,
		    count_row, &s), 0);
		ck_assert_int_eq(s.n, 26);
		ck_assert_int_eq(s.first, ENTRIES - i * 100);
	}
	if (!testdb_is_pg())
		return;
	snprintf(q, sizeof(q), "SELECT count(*) FROM pg_prepared_statements"
	    " WHERE name IN ('s%d', 's%d') AND generic_plans > 0",
	    STMT_AUDIT_PAGE, STMT_AUDIT_PAGE_ACTION);
	ck_assert_int_eq(testdb_int(db, q), 0);
	/* and the flag is where the pages are */
	ck_assert_int_eq(store_pg_plan_each[STMT_AUDIT_PAGE_ACTION], 1);
	ck_assert_int_eq(store_pg_plan_each[STMT_TASK_LIST_STATE], 1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("pgplans");
	TCase	*tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pages_custom_plans);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
