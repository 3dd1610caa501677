/* check_pgplans.c: on PostgreSQL the audit pages' statements are
 * prepared once (store/pgsql.c): page N as an id range, whose generic
 * plan PostgreSQL keeps (with the LIMIT alone every execution was planned
 * again), and the pages by key with texts whose generic plan never takes
 * audit_ts (the shared text's took a BitmapAnd of it with the key's index
 * and a sort from the sixth execution on: a filtered page of 100,000
 * entries in a second); PostgreSQL still plans those with each
 * execution's values, as before, but parses no text at each GET. The
 * task lists are still planned with each execution's values
 * (store_pg_plan_each). On SQLite the same pages come back right
 * (check_plans checks SQLite's plans). */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The text of EXPLAIN for q, one line a row (plpgsql, since EXPLAIN is
 * no SELECT), into out. */
static void
explain(const char *q, char *out, size_t outsz)
{
	char	 sql[1024];

	snprintf(sql, sizeof(sql), "SELECT pg_temp.dd_explain('%s')", q);
	testdb_text(db, sql, out, outsz);
}

static int
count_any(void *arg, const struct audit_row *r)
{
	struct seen *s = arg;

	if (s->n++ == 0)
		s->first = r->id;
	s->last = r->id;
	return 0;
}

/* More executions than PostgreSQL's five custom plans before it weighs
 * a generic one: each page is still the right one, and PostgreSQL took
 * the generic plan of each page statement, which is the walk of one
 * index from the key. */
START_TEST(test_pages_generic_plans)
{
	struct audit_filter f = { NULL, "batch.sent", NULL, NULL };
	struct seen	 s;
	char		 q[512], plan[4096];
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
	/* page N: 26 entries from (N - 1) x 25 below the newest */
	for (i = 2; i < 14; i++) {
		s = (struct seen){ 0, 0, 0, 0 };
		ck_assert_int_eq(store_audit_page_nth(db, (i - 1) * 25, 26,
		    count_any, &s), 0);
		ck_assert_int_eq(s.n, 26);
		ck_assert_int_eq(s.first, ENTRIES - (i - 1) * 25);
		ck_assert_int_eq(s.last, ENTRIES - (i - 1) * 25 - 25);
	}
	if (!testdb_is_pg())
		return;
	/* Page N is no longer planned at each execution: PostgreSQL took
	 * its generic plan (a LIMIT alone made it plan every one afresh). */
	snprintf(q, sizeof(q), "SELECT generic_plans FROM pg_prepared_statements"
	    " WHERE name = 's%d'", STMT_AUDIT_PAGE_NTH);
	ck_assert_int_gt(testdb_int(db, q), 0);
	/* The pages by key are prepared too (no text parsed at each GET),
	 * and still planned with each execution's values: their generic
	 * plan is costed higher, the LIMIT being unknown. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM pg_prepared_statements"
	    " WHERE name IN ('s%d', 's%d') AND generic_plans = 0"
	    " AND custom_plans > 0", STMT_AUDIT_PAGE, STMT_AUDIT_PAGE_ACTION);
	ck_assert_int_eq(testdb_int(db, q), 2);
	/* Their generic plans, should PostgreSQL take one: audit_ts (the
	 * shared text's BitmapAnd of it with the key's index, which looked
	 * cheapest from the sixth execution on) is never in them. */
	testdb_exec(db,
	    "CREATE FUNCTION pg_temp.dd_explain(q text) RETURNS text AS $$"
	    " DECLARE r text; o text := ''; BEGIN"
	    " FOR r IN EXECUTE 'EXPLAIN ' || q LOOP o := o || r || chr(10);"
	    " END LOOP; RETURN o; END $$ LANGUAGE plpgsql;"
	    " SET plan_cache_mode = force_generic_plan");
	snprintf(q, sizeof(q), "EXECUTE s%d(1, 300, ''0000'', ''9999'', 26,"
	    " ''batch.sent'')", STMT_AUDIT_PAGE_ACTION);
	explain(q, plan, sizeof(plan));
	ck_assert_msg(strstr(plan, "audit_action") != NULL &&
	    strstr(plan, "audit_ts") == NULL && strstr(plan, "BitmapAnd") ==
	    NULL, "the filter's plan: %s", plan);
	snprintf(q, sizeof(q), "EXECUTE s%d(1, 300, ''0000'', ''9999'', 26)",
	    STMT_AUDIT_PAGE);
	explain(q, plan, sizeof(plan));
	ck_assert_msg(strstr(plan, "audit_pkey") != NULL &&
	    strstr(plan, "audit_ts") == NULL && strstr(plan, "BitmapAnd") ==
	    NULL, "the page's plan: %s", plan);
	testdb_exec(db, "RESET plan_cache_mode");
	/* and the flag is where the lists still planned each time are */
	ck_assert_int_eq(store_pg_plan_each[STMT_AUDIT_PAGE_ACTION], 0);
	ck_assert_int_eq(store_pg_plan_each[STMT_AUDIT_PAGE_BOTH], 1);
	ck_assert_int_eq(store_pg_plan_each[STMT_TASK_LIST_STATE], 1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("pgplans");
	TCase	*tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pages_generic_plans);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
