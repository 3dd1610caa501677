/* store/pgsql.c: PostgreSQL's own text of the statements where its dialect
 * differs from SQLite's (sparse, indexed by enum stmt); every other
 * statement is shared, its ?N placeholders turned into $N at prepare.
 * Each text here takes the same parameters and selects the same columns
 * in the same order as its twin in the subject's table, so that one fill
 * function reads both. */
#include "autoconf.h"

#include "db.h"
#include "store/pushes.h"

/*
 * The list pages' statements planned with each execution's values
 * (PQexecParams) rather than once with a prepared statement's generic
 * plan. Their bounds come in pairs (id >= $1 AND id < $2, the times
 * likewise), and a generic plan guesses 0.5 % of the rows for each pair
 * whatever the values: PostgreSQL then took a BitmapAnd of audit_ts and
 * the primary key and sorted what it found (a random page of 100,000
 * entries 70 ms, a filtered one 1 s) instead of walking one index from
 * the key (0.1 ms). Parsing and planning one of these costs the server
 * 0.2 ms to 0.3 ms: the audit pages but for the filter of both actor and
 * action are written below so that their generic plan is the walk from
 * the key too, and stay prepared (PostgreSQL still plans the pages by
 * key with each execution's values, their generic plan costed higher
 * with the LIMIT unknown, but parses no text at each request).
 */
const unsigned char store_pg_plan_each[STMT__MAX] = {
	[STMT_AUDIT_PAGE_BOTH] = 1, [STMT_AUDIT_PAGE_BOTH_UP] = 1,
	[STMT_TASK_LIST] = 1, [STMT_TASK_LIST_UP] = 1,
	[STMT_TASK_LIST_STATE] = 1, [STMT_TASK_LIST_STATE_UP] = 1,
	[STMT_TASK_LIST_USER] = 1, [STMT_TASK_LIST_USER_UP] = 1,
	[STMT_TASK_LIST_BOTH] = 1, [STMT_TASK_LIST_BOTH_UP] = 1,
	[STMT_DRAFT_LIST] = 1,
};

/*
 * The audit pages prepared once (store/audit.c's texts, the same
 * parameters and columns), each written so that its generic plan, should
 * PostgreSQL take it, walks one index from the key: the time bounds are a
 * filter only ("IS TRUE" of a NOT NULL column's comparisons: no index
 * takes it, so audit_ts is never ANDed in; the id range stands for the
 * date range already), and a filter's id range is a row comparison of
 * its index's columns, which only that index (actor, id) or (action, id)
 * takes, not the primary key with the filter left to check each row (a
 * rare action then walked the whole log).
 */
#define PG_AUDIT_PAGE_SELECT \
	    "SELECT id, ts, actor, addr, user_agent, action, object, details, hash" \
	    " FROM audit WHERE (ts >= ?3 AND ts < ?4) IS TRUE AND "
/* by the columns of the index, the filter's column first (the same order:
 * it is one value), else the primary key could be walked for it */
#define PG_AUDIT_PAGES(older, newer, where, col) \
	[older] = PG_AUDIT_PAGE_SELECT where \
	    " ORDER BY " col " DESC, id DESC LIMIT ?5", \
	[newer] = PG_AUDIT_PAGE_SELECT where " ORDER BY " col ", id LIMIT ?5"

const char *const store_sql_pg[STMT__MAX] = {
	/* Asked at every start and health check: the table is looked up
	 * before anything is created, so that a role without CREATE on the
	 * schema (serve's, in production) can ask too. */
	[STMT_SCHEMA_CREATE] =
	    "DO $$ BEGIN IF to_regclass('schema_migrations') IS NULL THEN"
	    " CREATE TABLE schema_migrations (version bigint PRIMARY KEY,"
	    " name text NOT NULL, applied bigint NOT NULL); END IF; END $$",
	[STMT_SCHEMA_RECORD] =
	    "INSERT INTO schema_migrations (version, name, applied)"
	    " VALUES (?, ?, extract(epoch from now())::bigint)",

	/* A comparison is a boolean, not 1 or 0: counted as integers. */
	[STMT_TASK_REFRESH] =
	    "UPDATE tasks SET state = (SELECT CASE"
	    " WHEN sum((state IN (?2, ?3))::int) > 0 THEN ?4"
	    " WHEN sum((state = ?5)::int) > 0 THEN ?6"
	    " WHEN sum((state = ?7)::int) > 0 AND sum((state = ?8)::int) > 0"
	    " THEN ?6"
	    " WHEN sum((state = ?7)::int) > 0 THEN ?9"
	    " WHEN sum((state = ?8)::int) > 0 THEN ?10"
	    " ELSE ?11 END FROM batches WHERE task_id = ?1) WHERE id = ?1",
	/* json_extract(params, '$.name') is params::jsonb ->> 'name' */
	[STMT_DRAFT_LIST] =
	    "SELECT i.id, i.user_id, u.name, i.created, i.rows_read, i.valid,"
	    " coalesce(i.params::jsonb ->> 'name', ''), i.file_name"
	    " FROM imports AS i JOIN users AS u ON u.id = i.user_id"
	    " WHERE i.state = ?6 AND (?1 = 0 OR i.user_id = ?1)"
	    " AND (?2 = 0 OR i.created >= ?2) AND (?3 = 0 OR i.created < ?3)"
	    " AND (?4 = '' OR strpos(i.params::jsonb ->> 'name', ?4) > 0)"
	    " ORDER BY i.id DESC LIMIT ?5",
	/* max(a, b) of two values is greatest() */
	[STMT_BATCH_NEXT_QUEUED] =
	    "SELECT id, task_id, seq, first_seq, rows, 0 FROM batches"
	    " WHERE state = ?2 ORDER BY greatest(next_attempt, ?1::bigint), id"
	    " LIMIT 1",
	/*
	 * Several workers on several hosts: each takes the oldest due batch
	 * that no other is taking at that moment (SKIP LOCKED), instead of
	 * queueing on one row; SQLite's BEGIN IMMEDIATE makes them take turns.
	 */
	[STMT_BATCH_CLAIM] =
	    "UPDATE batches SET state = ?3, claimed_by = ?1,"
	    " claimed_at = ?2, attempts = attempts + 1, updated = ?2"
	    " WHERE id = (SELECT id FROM batches WHERE state = ?4"
	    " AND next_attempt <= ?2 ORDER BY id LIMIT 1"
	    " FOR UPDATE SKIP LOCKED)"
	    " RETURNING id, task_id, seq, first_seq, rows, attempts",

	[STMT_AUDIT_PAGE] = PG_AUDIT_PAGE_SELECT "id >= ?1 AND id < ?2"
	    " ORDER BY id DESC LIMIT ?5",
	[STMT_AUDIT_PAGE_UP] = PG_AUDIT_PAGE_SELECT "id >= ?1 AND id < ?2"
	    " ORDER BY id LIMIT ?5",
	/* (actor, id) >= (?6, ?1) AND (actor, id) < (?6, ?2) is actor = ?6
	 * AND id >= ?1 AND id < ?2; an "actor = ?6" besides made the walk
	 * start at the top of the actor's entries, not at the key. */
	PG_AUDIT_PAGES(STMT_AUDIT_PAGE_ACTOR, STMT_AUDIT_PAGE_ACTOR_UP,
	    "(actor, id) >= (?6, ?1) AND (actor, id) < (?6, ?2)", "actor"),
	PG_AUDIT_PAGES(STMT_AUDIT_PAGE_ACTION, STMT_AUDIT_PAGE_ACTION_UP,
	    "(action, id) >= (?6, ?1) AND (action, id) < (?6, ?2)", "action"),
	/*
	 * Page N: its ids are a range of limit ids below the newest (the
	 * log's ids are gap-free), both bounds in the statement. With the
	 * LIMIT alone the generic plan guessed a tenth of the log for it, so
	 * that PostgreSQL planned the statement afresh at every execution
	 * (custom plans, 0.1 ms to 0.2 ms of the server's each); with the
	 * range the generic plan is the same walk of the primary key, kept.
	 * The limit is positive (store_audit_page_nth).
	 */
	[STMT_AUDIT_PAGE_NTH] =
	    "SELECT id, ts, actor, addr, user_agent, action, object, details, hash"
	    " FROM audit WHERE id <= (SELECT coalesce(max(id), 0) FROM audit) - ?1"
	    " AND id > (SELECT coalesce(max(id), 0) FROM audit) - ?1 - ?2"
	    " ORDER BY id DESC LIMIT ?2",

	/*
	 * The audit chain's writers queue here, in the transaction of the
	 * change they record, before they read the head (STMT_AUDIT_LAST, a
	 * statement of its own so that its snapshot is taken after the
	 * wait). The key is a constant of dialdesk's: "dialdesk audit".
	 */
	[STMT_AUDIT_LOCK] =
	    "SELECT pg_advisory_xact_lock(7228348163217524)",
	/*
	 * A push and its batch are matched from both sides: the committer's
	 * transaction (outside the writers' lock) looks for the batch of a
	 * new push, the worker's for the pushes waiting for a batch it has
	 * just been told the taskId of. Under READ COMMITTED each would miss
	 * the other's uncommitted row and the push would wait for ever: both
	 * queue first, so the later one reads after the earlier commit. The
	 * queue is the audit chain's lock, which both transactions take
	 * anyway for their entries: a lock of its own, taken by the worker
	 * after its audit entry and by the committer before its own, made a
	 * deadlock of two workers and the committer (t3006).
	 */
	[STMT_PUSH_LINK_LOCK] =
	    "SELECT pg_advisory_xact_lock(7228348163217524)",

	/* A failed sign-in reads its counter and writes it back in one
	 * transaction: on PostgreSQL the row is locked as it is read, so that
	 * two hosts counting the same key at once add up (SQLite's BEGIN
	 * IMMEDIATE lets one writer in at a time). */
	[STMT_FAIL_GET] =
	    "SELECT window_start, count, blocked_until FROM login_failures"
	    " WHERE key = ? FOR UPDATE",

	/* The ids SQLite's last_insert_rowid() gives. A name taken is no row
	 * rather than an error, which would end the caller's transaction. */
	[STMT_USER_INSERT] =
	    "INSERT INTO users (name, role, pwhash, created, updated)"
	    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id",
	[STMT_PUSH_REJECT] =
	    "INSERT INTO rejected_pushes (received, addr, content_type, length,"
	    " body, reason) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	[STMT_DNC_INSERT] =
	    "INSERT INTO dnc (hash, masked, reason, expires, added_by, added_at)"
	    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING"
	    " RETURNING id",

	/*
	 * SQLite's upkeep. The integrity check and the journal mode are never
	 * run on PostgreSQL (store/maint.c refuses them: the server checks
	 * its own pages, pg_dump and pg_basebackup copy it); the checkpoint
	 * is the server's own business. The texts are there so that every
	 * statement prepares.
	 */
	[STMT_INTEGRITY_CHECK] =
	    "SELECT 'ok'::text",
	[STMT_WAL_CHECKPOINT] =
	    "SELECT 0, 0, 0",
	[STMT_JOURNAL_DELETE] =
	    "SELECT 'delete'::text",
	[STMT_HEALTH_DB_SIZE] =
	    "SELECT pg_database_size(current_database())",

	/* The task list (store/tasks.c says why each): the same text, but
	 * PostgreSQL's LIKE does not fold case, its ILIKE does. */
#define PG_TASK_LIST_SELECT \
	    "SELECT t.id, t.name, u.name, t.created, t.rows, t.batch_count," \
	    " t.state, t.batches_done" \
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id" \
	    " WHERE t.id >= ?1 AND t.id < ?2 AND t.created >= ?3" \
	    " AND t.created < ?4 AND (?5 = '' OR t.name ILIKE ?5 ESCAPE '\\')"
#define PG_TASKS_DOWN	" ORDER BY t.id DESC LIMIT ?6"
#define PG_TASKS_UP	" ORDER BY t.id LIMIT ?6"
	[STMT_TASK_LIST] = PG_TASK_LIST_SELECT PG_TASKS_DOWN,
	[STMT_TASK_LIST_UP] = PG_TASK_LIST_SELECT PG_TASKS_UP,
	[STMT_TASK_LIST_STATE] =
	    PG_TASK_LIST_SELECT " AND t.state = ?7" PG_TASKS_DOWN,
	[STMT_TASK_LIST_STATE_UP] =
	    PG_TASK_LIST_SELECT " AND t.state = ?7" PG_TASKS_UP,
	[STMT_TASK_LIST_USER] =
	    PG_TASK_LIST_SELECT " AND t.user_id = ?7" PG_TASKS_DOWN,
	[STMT_TASK_LIST_USER_UP] =
	    PG_TASK_LIST_SELECT " AND t.user_id = ?7" PG_TASKS_UP,
	[STMT_TASK_LIST_BOTH] = PG_TASK_LIST_SELECT
	    " AND t.user_id = ?7 AND t.state = ?8" PG_TASKS_DOWN,
	[STMT_TASK_LIST_BOTH_UP] = PG_TASK_LIST_SELECT
	    " AND t.user_id = ?7 AND t.state = ?8" PG_TASKS_UP,
};
