/* check_plans.c: every statement of a list page, for every filter shape and
 * direction, walks an index from its key: on a populated database its
 * EXPLAIN QUERY PLAN names the index the shape needs, scans no table and
 * sorts nothing, before ANALYZE (what a database that never ran it gets)
 * and after (what the planner does with real figures). */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "db.h"
#include "migrations.h"
#include "unit.h"

static char	 path[64];
static struct db *db;

/* A list statement and what its plan must say: "(actor=? AND" names the
 * index columns the walk is bounded by. */
static const struct {
	enum stmt	 stmt;
	const char	*what;
	const char	*plan;
} lists[] = {
	{ STMT_AUDIT_PAGE, "audit, no filter, older",
	  "SEARCH audit USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" },
	{ STMT_AUDIT_PAGE_UP, "audit, no filter, newer",
	  "SEARCH audit USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" },
	{ STMT_AUDIT_PAGE_ACTOR, "audit by user, older",
	  "USING INDEX audit_actor (actor=? AND id>? AND id<?)" },
	{ STMT_AUDIT_PAGE_ACTOR_UP, "audit by user, newer",
	  "USING INDEX audit_actor (actor=? AND id>? AND id<?)" },
	{ STMT_AUDIT_PAGE_ACTION, "audit by action, older",
	  "USING INDEX audit_action (action=? AND id>? AND id<?)" },
	{ STMT_AUDIT_PAGE_ACTION_UP, "audit by action, newer",
	  "USING INDEX audit_action (action=? AND id>? AND id<?)" },
	/* covering (019): a pair's entries are 1/160 of the log, a table
	 * page each when read through the table */
	{ STMT_AUDIT_PAGE_BOTH, "audit by user and action, older",
	  "SEARCH audit USING COVERING INDEX audit_list (actor=? AND action=?"
	  " AND id>? AND id<?)" },
	{ STMT_AUDIT_PAGE_BOTH_UP, "audit by user and action, newer",
	  "SEARCH audit USING COVERING INDEX audit_list (actor=? AND action=?"
	  " AND id>? AND id<?)" },
	{ STMT_AUDIT_ID_FROM, "audit, a date range's first id",
	  "USING COVERING INDEX audit_ts (ts>?)" },
	/* The task list reads one index that holds every column it shows
	 * (sql/018_task_list.sql), never the tasks' rows. */
	{ STMT_TASK_LIST, "tasks, no filter, older",
	  "SEARCH t USING COVERING INDEX tasks_list (id>? AND id<?)" },
	{ STMT_TASK_LIST_UP, "tasks, no filter, newer",
	  "SEARCH t USING COVERING INDEX tasks_list (id>? AND id<?)" },
	{ STMT_TASK_LIST_STATE, "tasks by state, older",
	  "USING COVERING INDEX tasks_state (state=? AND id>? AND id<?)" },
	{ STMT_TASK_LIST_STATE_UP, "tasks by state, newer",
	  "USING COVERING INDEX tasks_state (state=? AND id>? AND id<?)" },
	{ STMT_TASK_LIST_USER, "tasks by creator, older",
	  "USING COVERING INDEX tasks_user (user_id=? AND id>? AND id<?)" },
	{ STMT_TASK_LIST_USER_UP, "tasks by creator, newer",
	  "USING COVERING INDEX tasks_user (user_id=? AND id>? AND id<?)" },
	{ STMT_TASK_LIST_BOTH, "tasks by creator and state, older",
	  "USING COVERING INDEX tasks_user_state (user_id=? AND state=? AND"
	  " id>? AND id<?)" },
	{ STMT_TASK_LIST_BOTH_UP, "tasks by creator and state, newer",
	  "USING COVERING INDEX tasks_user_state (user_id=? AND state=? AND"
	  " id>? AND id<?)" },
	{ STMT_TASK_ID_FROM, "tasks, a date range's first id",
	  "USING COVERING INDEX tasks_created (created>?)" },
	{ STMT_TASK_BATCHES, "a task's batches, a page",
	  "(task_id=? AND seq>?)" },
	{ STMT_TASK_BREAKDOWN_PAGE, "a task's import figures, a page",
	  "(task_id=? AND seq>?)" },
	/* A task's totals: ranges of the index, not a walk of its batches. */
	{ STMT_TASK_TOTALS, "a task's totals, the batches to go",
	  "USING COVERING INDEX batches_task_state (task_id=? AND state=?)" },
	{ STMT_TASK_TOTALS, "a task's totals, the rows not sent (below)",
	  "USING COVERING INDEX batches_task_state (task_id=? AND state<?)" },
	{ STMT_TASK_TOTALS, "a task's totals, the rows not sent (above)",
	  "USING COVERING INDEX batches_task_state (task_id=? AND state>?)" },
	{ STMT_TASK_TOTALS, "a task's totals, its kept figures",
	  "SEARCH t USING INTEGER PRIMARY KEY (rowid=?)" },
	{ STMT_PUSH_UNMATCHED, "unmatched pushes, older",
	  "(batch_id=? AND id<?)" },
	{ STMT_PUSH_UNMATCHED_UP, "unmatched pushes, newer",
	  "(batch_id=? AND id>?)" },
	{ STMT_PUSH_REJECTED_LIST, "rejected pushes",
	  "USING INTEGER PRIMARY KEY (rowid<?)" },
	{ STMT_IMPORT_BAD_PAGE, "a preview's bad rows, next",
	  "USING PRIMARY KEY (import_id=? AND seq<?)" },
	{ STMT_IMPORT_BAD_PAGE_UP, "a preview's bad rows, previous",
	  "USING PRIMARY KEY (import_id=? AND seq>? AND seq<?)" },
	{ STMT_DNC_PAGE, "the do-not-call list, older",
	  "USING INTEGER PRIMARY KEY (rowid<?)" },
	{ STMT_DNC_PAGE_UP, "the do-not-call list, newer",
	  "USING INTEGER PRIMARY KEY (rowid>?)" },
};

static void
sql(const char *q)
{
	char	*err = NULL;

	ck_assert_msg(sqlite3_exec(db_handle(db), q, NULL, NULL, &err) ==
	    SQLITE_OK, "%s: %s", q, err != NULL ? err : "");
}

/* Enough rows in every listed table that a scan would cost something and
 * ANALYZE has figures: several users, actions and states. */
static void
populate(void)
{
	sql("INSERT INTO users (id, name, role, pwhash, created, updated)"
	    " VALUES (1, 'admin', 'admin', 'x', 0, 0),"
	    " (2, 'op', 'operator', 'x', 0, 0), (3, 'au', 'auditor', 'x', 0, 0)");
	sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 6000) INSERT INTO audit (id, ts, actor_id, actor, addr,"
	    " user_agent, action, object, details, prev_hash, hash)"
	    " SELECT i, printf('2026-11-%02dT%02d:00:00.000Z', 1 + i / 240,"
	    " i % 24), 1 + i % 3, CASE i % 3 WHEN 0 THEN 'admin' WHEN 1 THEN"
	    " 'op' ELSE 'vendor' END, '127.0.0.1', 'ua', CASE i % 4 WHEN 0"
	    " THEN 'login.ok' WHEN 1 THEN 'batch.sent' WHEN 2 THEN"
	    " 'push.received' ELSE 'import.upload' END, 'o', '{}',"
	    " printf('%064d', i - 1), printf('%064d', i) FROM n");
	sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 2000) INSERT INTO imports (id, user_id, created, state,"
	    " params, file_name, file_path, file_size, file_sha256, format,"
	    " encoding, delimiter, headers, phone_col, name_col)"
	    " SELECT i, 1 + i % 2, 1000 * i, CASE WHEN i < 1990 THEN"
	    " 'confirmed' ELSE 'preview' END, '{}', 'f.csv', '', 1, 'x',"
	    " 'csv', 'utf-8', ',', '[]', 0, -1 FROM n");
	sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 1990) INSERT INTO tasks (id, import_id, user_id, name,"
	    " params, login_name, created, state, rows, batch_count)"
	    " SELECT i, i, 1 + i % 2, printf('任务 %d', i), '{}', 'l',"
	    " 1000 * i, CASE i % 3 WHEN 0 THEN 'sent' WHEN 1 THEN 'queued'"
	    " ELSE 'attention' END, 30, 3 FROM n");
	sql("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 5969) INSERT INTO batches (id, task_id, seq, first_seq,"
	    " rows, state, updated, vendor_task_id)"
	    " SELECT i + 1, 1 + i / 3, 1 + i % 3, 1 + 10 * (i % 3), 10,"
	    " CASE i % 2 WHEN 0 THEN 'sent' ELSE 'queued' END, 0,"
	    " printf('V%d', i) FROM n");
	sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 4000) INSERT INTO pushes (id, received, addr,"
	    " content_type, body, body_sha256, sn, vendor_task_id, batch_id,"
	    " ok, total) SELECT i, i, '127.0.0.1', 'application/json', '{}',"
	    " printf('%064d', i), 's', printf('V%d', i), CASE WHEN i % 10 = 0"
	    " THEN NULL ELSE 1 + i % 5970 END, 1, 10 FROM n");
	sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 500) INSERT INTO rejected_pushes (id, received, addr,"
	    " content_type, length, body, reason) SELECT i, i, '127.0.0.1',"
	    " 'text/plain', 1, 'x', 'r' FROM n");
	sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 6000) INSERT INTO import_rows (import_id, seq, line,"
	    " phone, name, other, reason) SELECT 1995 + i % 5, CASE WHEN i % 4"
	    " = 0 THEN -(i + 1) ELSE i END, i + 1, printf('135%08d', i), '',"
	    " '[]', CASE WHEN i % 4 = 0 THEN 'too_short' ELSE '' END FROM n");
	sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
	    " WHERE i < 3000) INSERT INTO dnc (id, hash, masked, added_by,"
	    " added_at) SELECT i, printf('%032d', i), '135****0001', 1, i"
	    " FROM n");
}

static void
setup(void)
{
	char	 err[512];
	int	 fd;

	snprintf(path, sizeof(path), "/tmp/check_plans.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	ck_assert_ptr_nonnull(db = db_open(path, 1000));
	ck_assert_msg(db_migrate(db, err, sizeof(err)) == 0, "%s", err);
	populate();
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

/* The plan of statement s, its lines joined by "\n"; malloc()ed. */
static char *
plan_of(enum stmt s)
{
	sqlite3_stmt	*st;
	char		*q, *out = NULL, *grown;
	size_t		 len = 0, n;

	ck_assert_int_gt(asprintf(&q, "EXPLAIN QUERY PLAN %s", db_sql(s)), 0);
	ck_assert_msg(sqlite3_prepare_v2(db_handle(db), q, -1, &st, NULL) ==
	    SQLITE_OK, "%s: %s", q, sqlite3_errmsg(db_handle(db)));
	free(q);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 3);
		n = strlen(line);
		ck_assert_ptr_nonnull(grown = realloc(out, len + n + 2));
		out = grown;
		memcpy(out + len, line, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}
	sqlite3_finalize(st);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* Each list statement's plan: the index of its shape, no scan, no sort. */
static void
check_all(const char *when)
{
	size_t	 i;
	char	*plan, *line;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		plan = plan_of(lists[i].stmt);
		/* PLANS_PRINT=1: each plan on stdout, for docs/PAGING.md. */
		if (getenv("PLANS_PRINT") != NULL)
			printf("%s (%s):\n%s\n", lists[i].what, when, plan);
		ck_assert_msg(strstr(plan, lists[i].plan) != NULL,
		    "%s (%s): the plan does not use %s:\n%s", lists[i].what,
		    when, lists[i].plan, plan);
		for (line = plan; *line != '\0'; line = strchr(line, '\n') + 1)
			ck_assert_msg(strncmp(line, "SCAN ", 5) != 0 &&
			    strncmp(line, "USE TEMP B-TREE", 15) != 0,
			    "%s (%s): scans or sorts:\n%s", lists[i].what, when,
			    plan);
		free(plan);
	}
}

START_TEST(list_plans_without_analyze)
{
	check_all("before ANALYZE");
}
END_TEST

START_TEST(list_plans_after_analyze)
{
	sql("ANALYZE");
	check_all("after ANALYZE");
}
END_TEST

/* The triggers of sql/016_task_figures.sql (a trigger's statements have no
 * plan of their own to read): a push stored, linked, moved, unlinked and
 * deleted recomputes one batch and one task by their keys, never a walk of
 * the task's batches or of a table. Each statement's counters include its
 * triggers' steps; a scan of the 5,970 batches or 4,000 pushes would take
 * thousands of them. */
static void
trigger_cost(const char *q)
{
	sqlite3_stmt	*st;
	int		 scans, sorts, autoidx, steps;

	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db), q, -1, &st, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	scans = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
	sorts = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_SORT, 0);
	autoidx = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_AUTOINDEX, 0);
	steps = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
	sqlite3_finalize(st);
	if (getenv("PLANS_PRINT") != NULL)
		printf("%s: %d steps\n", q, steps);
	ck_assert_msg(scans == 0 && sorts == 0 && autoidx == 0 && steps < 2000,
	    "%s: %d scan steps, %d sorts, %d automatic indexes, %d steps", q,
	    scans, sorts, autoidx, steps);
}

START_TEST(figure_triggers_use_keys)
{
	sql("ANALYZE");
	trigger_cost("INSERT INTO pushes (id, received, addr, content_type,"
	    " body, body_sha256, sn, vendor_task_id, batch_id, ok, total,"
	    " success) VALUES (9001, 1, 'a', 'c', '{}', 'new', 's', 'V7', 7, 1,"
	    " 10, 5)");
	trigger_cost("INSERT INTO pushes (id, received, addr, content_type,"
	    " body, body_sha256, sn, vendor_task_id, batch_id, ok, total)"
	    " VALUES (9002, 1, 'a', 'c', '{}', 'none', 's', 'V8', NULL, 1, 10)");
	trigger_cost("UPDATE pushes SET batch_id = 8, linked_by = 'auto'"
	    " WHERE vendor_task_id = 'V8' AND batch_id IS NULL");
	trigger_cost("UPDATE pushes SET batch_id = 9, linked_by = 'admin'"
	    " WHERE id = 9002");
	trigger_cost("UPDATE pushes SET batch_id = NULL, linked_by = ''"
	    " WHERE id = 9002");
	trigger_cost("DELETE FROM pushes WHERE id = 9001");
	trigger_cost("UPDATE batches SET state = 'sent' WHERE id = 7");
}
END_TEST

/* The rule itself catches what it is for: the catch-all statement the
 * audit page had, "(?2 = '' OR action = ?2) ... OFFSET", walks the
 * primary key, not audit_action. */
START_TEST(catch_all_fails_the_rule)
{
	sqlite3_stmt	*st;
	int		 uses_action_index = 0;

	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db), "EXPLAIN QUERY PLAN"
	    " SELECT id FROM audit WHERE id <= ?5 AND (?1 = '' OR actor = ?1)"
	    " AND (?2 = '' OR action = ?2) AND (?3 = '' OR ts >= ?3)"
	    " AND (?4 = '' OR ts < ?4) ORDER BY id DESC LIMIT ?6 OFFSET ?7",
	    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (strstr((const char *)sqlite3_column_text(st, 3),
		    "audit_action") != NULL)
			uses_action_index = 1;
	sqlite3_finalize(st);
	ck_assert_int_eq(uses_action_index, 0);
}
END_TEST

/* A page of the task list reads no batch: each row's settled batches are
 * the kept tasks.batches_done (sql/018_task_list.sql), not a count of them
 * per row (four seeks a row of 50, most of the list's time before). */
START_TEST(task_list_reads_no_batch)
{
	static const enum stmt tl[] = { STMT_TASK_LIST, STMT_TASK_LIST_UP,
	    STMT_TASK_LIST_STATE, STMT_TASK_LIST_STATE_UP, STMT_TASK_LIST_USER,
	    STMT_TASK_LIST_USER_UP, STMT_TASK_LIST_BOTH, STMT_TASK_LIST_BOTH_UP };
	size_t	 i;
	char	*plan;

	sql("ANALYZE");
	for (i = 0; i < sizeof(tl) / sizeof(tl[0]); i++) {
		plan = plan_of(tl[i]);
		ck_assert_msg(strstr(plan, "batches") == NULL &&
		    strstr(plan, "SUBQUERY") == NULL,
		    "%s: the task list reads batches:\n%s", db_sql(tl[i]), plan);
		free(plan);
	}
}
END_TEST

/* The triggers that keep tasks.batches_done change one task by its key
 * whatever a batch does: made settled, settled and unsettled, deleted. */
START_TEST(batches_done_triggers_use_keys)
{
	sql("ANALYZE");
	trigger_cost("INSERT INTO batches (id, task_id, seq, first_seq, rows,"
	    " state, updated) VALUES (9001, 5, 9, 100, 10, 'sent', 0)");
	trigger_cost("UPDATE batches SET state = 'queued' WHERE id = 9001");
	trigger_cost("UPDATE batches SET state = 'cancelled' WHERE id = 9001");
	trigger_cost("DELETE FROM batches WHERE id = 9001");
}
END_TEST

/*
 * A log that had figures before 019 (ANALYZE, as bench/seed's year has):
 * the figures of the index 019 drops go with it, and without any for
 * audit_list the planner took it for the user filter alone, sorting the
 * user's whole log. 019 gives it figures: every plan stays right.
 */
START_TEST(list_plans_analyzed_before_019)
{
	int	 i;

	sql("DROP INDEX audit_list");
	sql("CREATE INDEX audit_actor_action ON audit(actor, action, id)");
	sql("ANALYZE");
	for (i = 0; i < migrations_count && migrations[i].version != 19; i++)
		;
	ck_assert_int_lt(i, migrations_count);
	sql(migrations[i].sql);
	check_all("analyzed before 019");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("plans");
	TCase	*tc = tcase_create("lists");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, list_plans_without_analyze);
	tcase_add_test(tc, list_plans_after_analyze);
	tcase_add_test(tc, catch_all_fails_the_rule);
	tcase_add_test(tc, figure_triggers_use_keys);
	tcase_add_test(tc, task_list_reads_no_batch);
	tcase_add_test(tc, batches_done_triggers_use_keys);
	tcase_add_test(tc, list_plans_analyzed_before_019);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
