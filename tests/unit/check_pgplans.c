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

/* The task list on PostgreSQL (sql/postgresql/018_task_list.sql): each
 * shape's statement, planned with its values as store_pg_plan_each makes
 * it, walks its shape's index (for a filter, an index-only scan: the index
 * holds every column a row shows; with no filter PostgreSQL may as well
 * walk the primary key, the heap being in id order); no batch is read
 * (tasks.batches_done is kept), nothing sorted. */
#define TASKS	3000

static void
tasks_setup(void)
{
	char	 sql[1024];

	db = testdb_open();
	if (!testdb_is_pg())
		return;
	testdb_exec(db, "INSERT INTO users (id, name, role, pwhash, created,"
	    " updated) VALUES (1, 'op', 'operator', 'x', 0, 0),"
	    " (2, 'op2', 'operator', 'x', 0, 0)");
	snprintf(sql, sizeof(sql), "INSERT INTO imports (id, user_id, created,"
	    " state, params, file_name, file_path, file_size, file_sha256,"
	    " format, encoding, delimiter, headers, phone_col, name_col)"
	    " SELECT i, 1, i, 'confirmed', '{}', 'f', '', 1, 'x', 'csv',"
	    " 'utf-8', ',', '[]', 0, -1 FROM generate_series(1, %d) AS i;"
	    " INSERT INTO tasks (id, import_id, user_id, name, params,"
	    " login_name, created, state, rows, batch_count) SELECT i, i,"
	    " 1 + i %% 2, CASE WHEN i %% 4 = 0 THEN '春季回访 ' ELSE '秋季 ' END"
	    " || i, '{\"p\": \"' || repeat('x', 300) || '\"}', 'l', i, CASE i %% 3 WHEN 0 THEN 'sent' WHEN 1 THEN"
	    " 'queued' ELSE 'attention' END, 30, 3 FROM generate_series(1, %d)"
	    " AS i; INSERT INTO batches (task_id, seq, first_seq, rows, state,"
	    " updated) SELECT 1 + i / 3, 1 + i %% 3, 1, 10, 'sent', 0"
	    " FROM generate_series(0, %d) AS i", TASKS, TASKS, 3 * TASKS - 1);
	testdb_exec(db, sql);
	/* The visibility map that an index-only scan reads, and figures. */
	testdb_exec(db, "VACUUM ANALYZE tasks");
	testdb_exec(db, "VACUUM ANALYZE batches");
}

/* The PostgreSQL text of s with ?N (or $N) replaced by vals[N - 1]: the
 * statement as one execution plans it. */
static void
with_values(enum stmt s, const char *const *vals, char *out, size_t outsz)
{
	const char	*q = db_sql_pg(s);
	size_t		 n = 0;
	long		 k;
	char		*end;

	while (*q != '\0' && n + 64 < outsz) {
		if ((*q == '?' || *q == '$') && q[1] >= '1' && q[1] <= '9') {
			k = strtol(q + 1, &end, 10);
			n += (size_t)snprintf(out + n, outsz - n, "%s",
			    vals[k - 1]);
			q = end;
		} else
			out[n++] = *q++;
	}
	ck_assert_msg(*q == '\0', "%s: too long", db_sql_pg(s));
	out[n] = '\0';
}

static int
count_of(const char *s, const char *what)
{
	int	 n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

START_TEST(test_task_list_index_only)
{
	static const struct {
		enum stmt	 s;
		const char	*index, *v7, *v8;
	} shapes[] = {
		{ STMT_TASK_LIST, "tasks_list", NULL, NULL },
		{ STMT_TASK_LIST_UP, "tasks_list", NULL, NULL },
		{ STMT_TASK_LIST_STATE, "tasks_state", "'queued'", NULL },
		{ STMT_TASK_LIST_STATE_UP, "tasks_state", "'queued'", NULL },
		{ STMT_TASK_LIST_USER, "tasks_user", "2", NULL },
		{ STMT_TASK_LIST_USER_UP, "tasks_user", "2", NULL },
		{ STMT_TASK_LIST_BOTH, "tasks_user_state", "2", "'sent'" },
		{ STMT_TASK_LIST_BOTH_UP, "tasks_user_state", "2", "'sent'" },
	};
	static const char *const parts[] = { "''", "'%春季%'" };
	const char	*vals[8];
	char		 q[4096], plan[16384], want[128];
	size_t		 i, j;

	if (!testdb_is_pg())
		return;
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		for (j = 0; j < 2; j++) {
			vals[0] = "1000";
			vals[1] = "2500";
			vals[2] = "0";
			vals[3] = "9223372036854775807";
			vals[4] = parts[j];
			vals[5] = "51";
			vals[6] = shapes[i].v7;
			vals[7] = shapes[i].v8;
			memcpy(q, "EXPLAIN (FORMAT JSON) ", 22);
			with_values(shapes[i].s, vals, q + 22, sizeof(q) - 22);
			testdb_text(db, q, plan, sizeof(plan));
			if (getenv("PLANS_PRINT") != NULL)
				printf("%s\n%s\n", q, plan);
			/* The shape's index, or for no filter the primary
			 * key (the heap in id order: as few pages). */
			snprintf(want, sizeof(want), "\"Index Name\": \"%s\"",
			    shapes[i].index);
			ck_assert_msg(strstr(plan, want) != NULL ||
			    (shapes[i].v7 == NULL &&
			    strstr(plan, "\"Index Name\": \"tasks_pkey\"") !=
			    NULL), "%s: does not walk %s:\n%s", q,
			    shapes[i].index, plan);
			/* A filter's index holds every column shown: the
			 * heap is not read (the visibility map says so). */
			ck_assert_msg(shapes[i].v7 == NULL ||
			    strstr(plan, "Index Only Scan") != NULL,
			    "%s: not an index-only scan:\n%s", q, plan);
			ck_assert_msg(strstr(plan, "Sort") == NULL &&
			    strstr(plan, "Bitmap") == NULL, "%s: sorts or"
			    " gathers:\n%s", q, plan);
			/* tasks read once, by that scan */
			ck_assert_msg(count_of(plan, "\"Relation Name\": \"tasks\"")
			    == 1, "%s: reads tasks twice:\n%s", q, plan);
			ck_assert_msg(strstr(plan, "batches") == NULL,
			    "%s: reads batches:\n%s", q, plan);
		}
}
END_TEST

/*
 * The page by user and action (019's audit_list): its entries, and on
 * PostgreSQL its plan, a walk of audit_list from the key. 27,000 more
 * entries by another actor with another action make the pair 1/1000 of
 * the log, rarer than either filter alone (1/10 and 1/100).
 */
START_TEST(test_pair_page_audit_list)
{
	struct audit_filter f = { "op", "batch.sent", NULL, NULL };
	struct seen	 s = { 0, 0, 0, 0 };
	char		 q[512];

	if (testdb_is_pg())
		testdb_exec(db, "INSERT INTO audit (id, ts, actor, addr,"
		    " user_agent, action, object, details, prev_hash, hash)"
		    " SELECT i, '2026-03-01T00:00:00.000Z', 'vendor', '', 'ua',"
		    " 'push.received', '', '{}', md5((i - 1)::text), md5(i::text)"
		    " FROM generate_series(3001, 30000) AS i; ANALYZE audit");
	else
		testdb_exec(db, "WITH RECURSIVE n(i) AS (SELECT 3001 UNION ALL"
		    " SELECT i + 1 FROM n WHERE i < 30000) INSERT INTO audit (id,"
		    " ts, actor, addr, user_agent, action, object, details,"
		    " prev_hash, hash) SELECT i, '2026-03-01T00:00:00.000Z',"
		    " 'vendor', '', 'ua', 'push.received', '', '{}',"
		    " printf('%064d', i - 1), printf('%064d', i) FROM n; ANALYZE");
	ck_assert_int_eq(store_audit_page(db, &f, 2001, 0, 26, count_row, &s),
	    0);
	ck_assert_int_eq(s.n, 26);
	ck_assert_int_eq(s.wrong, 0);
	ck_assert_int_eq(s.first, 2000);
	ck_assert_int_eq(s.last, 1750);
	if (!testdb_is_pg())
		return;
	testdb_exec(db, "CREATE FUNCTION pg_temp.plan_has(q text, pat text)"
	    " RETURNS int LANGUAGE plpgsql AS $$ DECLARE l text; n int := 0;"
	    " BEGIN FOR l IN EXECUTE 'EXPLAIN ' || q LOOP IF l LIKE pat THEN"
	    " n := n + 1; END IF; END LOOP; RETURN n; END $$");
	snprintf(q, sizeof(q), "SELECT pg_temp.plan_has('EXECUTE s%d(0, 2001,"
	    " ''0000-01-01T00:00:00.000Z'', ''9999-12-31T23:59:59.999Z'', 26,"
	    " ''op'', ''batch.sent'')', '%%Index Scan%% using audit_list on"
	    " audit%%')", STMT_AUDIT_PAGE_BOTH);
	ck_assert_int_eq(testdb_int(db, q), 1);
}
END_TEST

/* A client's user agent is not bounded: an entry with one of 3,200 bytes
 * that do not compress is stored (a PostgreSQL index that INCLUDEd it
 * would refuse the INSERT: over 2,704 bytes), and its page shows it. */
START_TEST(test_long_user_agent_appends)
{
	struct audit_filter f = { "op", NULL, NULL, NULL };
	struct seen	 s = { 0, 0, 0, 0 };

	if (testdb_is_pg())
		testdb_exec(db, "INSERT INTO audit (id, ts, actor, addr,"
		    " user_agent, action, object, details, prev_hash, hash)"
		    " SELECT 3001, '2026-03-01T00:00:00.000Z', 'op', '',"
		    " string_agg(md5(g::text), ''), 'batch.sent', '', '{}',"
		    " md5('3000'), md5('3001') FROM generate_series(1, 100) AS g");
	else
		testdb_exec(db, "INSERT INTO audit (id, ts, actor, addr,"
		    " user_agent, action, object, details, prev_hash, hash)"
		    " VALUES (3001, '2026-03-01T00:00:00.000Z', 'op', '',"
		    " hex(randomblob(1600)), 'batch.sent', '', '{}',"
		    " printf('%064d', 3000), printf('%064d', 3001))");
	ck_assert_int_eq(testdb_int(db, "SELECT length(user_agent) FROM audit"
	    " WHERE id = 3001"), 3200);
	ck_assert_int_eq(store_audit_page(db, &f, 0, 0, 1, count_row, &s), 0);
	ck_assert_int_eq(s.first, 3001);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("pgplans");
	TCase	*tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pages_generic_plans);
	tcase_add_test(tc, test_pair_page_audit_list);
	tcase_add_test(tc, test_long_user_agent_appends);
	suite_add_tcase(s, tc);
	tc = tcase_create("task list");
	tcase_add_checked_fixture(tc, tasks_setup, teardown);
	tcase_add_test(tc, test_task_list_index_only);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
