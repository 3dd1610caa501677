/* store/tasks.c: the statements of tasks and batches, and the typed
 * functions over them. Every state in these statements is a bound
 * parameter taken from the tables of state.h. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store/tasks.h"

const char *const store_sql_tasks[STMT__MAX] = {
	/* (batch): task id */
	[STMT_BATCH_TASK] =
	    "SELECT task_id FROM batches WHERE id = ?",
	/* (task): TASKCOL_* columns */
	[STMT_TASK_GET] =
	    "SELECT t.id, t.import_id, t.user_id, u.name, t.name, t.params,"
	    " t.login_name, t.created, t.state, t.rows, t.batch_count"
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id WHERE t.id = ?",
	/* (task): BATCHCOL_* columns, by seq */
	[STMT_TASK_BATCHES] =
	    "SELECT id, seq, first_seq, rows, state, attempts, next_attempt,"
	    " body_sha256, http_status, err_code, message, vendor_task_id,"
	    " sent_at, updated FROM batches WHERE task_id = ? ORDER BY seq",
	/* (state or '', user id or 0, from or 0, to or 0, name part or '',
	 * limit, offset, then the four settled batch states): SUMMARY_*
	 * columns */
	[STMT_TASK_LIST] =
	    "SELECT t.id, t.name, u.name, t.created, t.rows, t.batch_count,"
	    " t.state, (SELECT count(*) FROM batches AS b WHERE b.task_id = t.id"
	    "  AND b.state IN (?8, ?9, ?10, ?11))"
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id"
	    " WHERE (?1 = '' OR t.state = ?1) AND (?2 = 0 OR t.user_id = ?2)"
	    " AND (?3 = 0 OR t.created >= ?3) AND (?4 = 0 OR t.created < ?4)"
	    " AND (?5 = '' OR instr(t.name, ?5) > 0)"
	    " ORDER BY t.id DESC LIMIT ?6 OFFSET ?7",
	/* (creator or 0, limit): SUMMARY_* columns, the last two 0 */
	[STMT_TASK_LATEST] =
	    "SELECT t.id, t.name, u.name, t.created, t.rows, t.batch_count,"
	    " t.state, 0"
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id"
	    " WHERE (?1 = 0 OR t.user_id = ?1) ORDER BY t.id DESC LIMIT ?2",
	/* (task): each batch with its newest push, if any, and how many
	 * pushes it had: FIGURES_* columns */
	[STMT_TASK_BREAKDOWN] =
	    "SELECT b.id, b.seq, b.state, b.rows, b.sent_at, p.id, p.received,"
	    " p.ok, p.reason, p.total, p.success, p.fail, p.blacklist, p.repeat,"
	    " p.filter, p.shi, p.kong, p.tingji, p.kuwu, p.chenmo, p.fenxian,"
	    " p.chaopin, (SELECT count(*) FROM pushes WHERE batch_id = b.id)"
	    " FROM batches AS b LEFT JOIN pushes AS p ON p.id ="
	    " (SELECT max(id) FROM pushes WHERE batch_id = b.id)"
	    " WHERE b.task_id = ? ORDER BY b.seq",
	/* (since, creator or 0, sent): tasks made, and numbers in batches
	 * the vendor accepted */
	[STMT_DASH_TASKS] =
	    "SELECT (SELECT count(*) FROM tasks"
	    "  WHERE created >= ?1 AND (?2 = 0 OR user_id = ?2)),"
	    " (SELECT coalesce(sum(b.rows), 0) FROM batches AS b"
	    "  JOIN tasks AS t ON t.id = b.task_id WHERE b.state = ?3"
	    "  AND b.sent_at >= ?1 AND (?2 = 0 OR t.user_id = ?2))",
	/* (since, creator or 0): the newest push of each batch sent since
	 * then, summed: the count, then the figures in push.h's order */
	[STMT_DASH_FIGURES] =
	    "SELECT count(p.id), coalesce(sum(p.total), 0),"
	    " coalesce(sum(p.success), 0), coalesce(sum(p.fail), 0),"
	    " coalesce(sum(p.blacklist), 0), coalesce(sum(p.repeat), 0),"
	    " coalesce(sum(p.filter), 0), coalesce(sum(p.shi), 0),"
	    " coalesce(sum(p.kong), 0), coalesce(sum(p.tingji), 0),"
	    " coalesce(sum(p.kuwu), 0), coalesce(sum(p.chenmo), 0),"
	    " coalesce(sum(p.fenxian), 0), coalesce(sum(p.chaopin), 0)"
	    " FROM batches AS b JOIN tasks AS t ON t.id = b.task_id"
	    " JOIN pushes AS p ON p.id ="
	    " (SELECT max(id) FROM pushes WHERE batch_id = b.id)"
	    " WHERE b.sent_at >= ?1 AND (?2 = 0 OR t.user_id = ?2) AND p.ok = 1",
	/* (task, then the states named in refresh()): a task's state
	 * follows its batches */
	[STMT_TASK_REFRESH] =
	    "UPDATE tasks SET state = (SELECT CASE"
	    " WHEN sum(state IN (?2, ?3)) > 0 THEN ?4"
	    " WHEN sum(state = ?5) > 0 THEN ?6"
	    " WHEN sum(state = ?7) > 0 AND sum(state = ?8) > 0 THEN ?6"
	    " WHEN sum(state = ?7) > 0 THEN ?9"
	    " WHEN sum(state = ?8) > 0 THEN ?10"
	    " ELSE ?11 END FROM batches WHERE task_id = ?1) WHERE id = ?1",
	/* (now, task, cancelled, queued) */
	[STMT_TASK_CANCEL_BATCHES] =
	    "UPDATE batches SET state = ?3, updated = ?1"
	    " WHERE task_id = ?2 AND state = ?4",
	/* (now, batch, queued, unknown, failed): REF_* columns */
	[STMT_BATCH_RESEND] =
	    "UPDATE batches SET state = ?3, next_attempt = 0, updated = ?1"
	    " WHERE id = ?2 AND state IN (?4, ?5)"
	    " RETURNING id, task_id, seq",
	/* (worker, now, sending, queued): the oldest due batch, taken by one
	 * worker inside BEGIN IMMEDIATE, so no two workers get it: CLAIM_*
	 * columns */
	[STMT_BATCH_CLAIM] =
	    "UPDATE batches SET state = ?3, claimed_by = ?1,"
	    " claimed_at = ?2, attempts = attempts + 1, updated = ?2"
	    " WHERE id = (SELECT id FROM batches WHERE state = ?4"
	    " AND next_attempt <= ?2 ORDER BY id LIMIT 1)"
	    " RETURNING id, task_id, seq, first_seq, rows, attempts",
	/* (now, queued): the batch a worker would claim next (the order of
	 * STMT_BATCH_CLAIM), else the one due soonest: CLAIM_* columns */
	[STMT_BATCH_NEXT_QUEUED] =
	    "SELECT id, task_id, seq, first_seq, rows, 0 FROM batches"
	    " WHERE state = ?2 ORDER BY max(next_attempt, ?1), id LIMIT 1",
	/* (batch, attempts, sending): the claim that made this attempt
	 * still waits for its outcome */
	[STMT_BATCH_CLAIM_OPEN] =
	    "SELECT 1 FROM batches WHERE id = ?1 AND attempts = ?2"
	    " AND state = ?3",
	/* (state, http, errCode, message, vendor task, body sha, sent_at,
	 * now, id, sending) */
	[STMT_BATCH_FINISH] =
	    "UPDATE batches SET state = ?1, http_status = ?2, err_code = ?3,"
	    " message = ?4, vendor_task_id = ?5, body_sha256 = ?6, sent_at = ?7,"
	    " updated = ?8, claimed_by = '' WHERE id = ?9 AND state = ?10",
	/* (next attempt, message, now, id, queued, sending) */
	[STMT_BATCH_REQUEUE] =
	    "UPDATE batches SET state = ?5, next_attempt = ?1, message = ?2,"
	    " updated = ?3, claimed_by = '' WHERE id = ?4 AND state = ?6",
	/* (message, now, claimed before, unknown, sending): a worker died
	 * while sending; whether the vendor got it is not known: REF_*
	 * columns */
	[STMT_BATCH_STALE] =
	    "UPDATE batches SET state = ?4, message = ?1, updated = ?2,"
	    " claimed_by = '' WHERE state = ?5 AND claimed_at < ?3"
	    " RETURNING id, task_id, seq",
	/* (task): SEND_* columns */
	[STMT_TASK_FOR_SEND] =
	    "SELECT t.name, t.params, t.login_name, t.import_id, t.batch_count,"
	    " i.headers, i.phone_col, i.name_col"
	    " FROM tasks AS t JOIN imports AS i ON i.id = t.import_id"
	    " WHERE t.id = ?",
};

enum { TASKCOL_ID, TASKCOL_IMPORT_ID, TASKCOL_USER_ID, TASKCOL_CREATOR,
    TASKCOL_NAME, TASKCOL_PARAMS, TASKCOL_LOGIN_NAME, TASKCOL_CREATED,
    TASKCOL_STATE, TASKCOL_ROWS, TASKCOL_BATCH_COUNT };
enum { BATCHCOL_ID, BATCHCOL_SEQ, BATCHCOL_FIRST_SEQ, BATCHCOL_ROWS,
    BATCHCOL_STATE, BATCHCOL_ATTEMPTS, BATCHCOL_NEXT_ATTEMPT,
    BATCHCOL_BODY_SHA, BATCHCOL_HTTP, BATCHCOL_ERR_CODE, BATCHCOL_MESSAGE,
    BATCHCOL_VENDOR_TASK, BATCHCOL_SENT_AT, BATCHCOL_UPDATED };
enum { SUMMARY_ID, SUMMARY_NAME, SUMMARY_CREATOR, SUMMARY_CREATED,
    SUMMARY_ROWS, SUMMARY_BATCH_COUNT, SUMMARY_STATE, SUMMARY_DONE };
enum { FIGURES_BATCH, FIGURES_SEQ, FIGURES_STATE, FIGURES_ROWS,
    FIGURES_SENT_AT, FIGURES_PUSH, FIGURES_RECEIVED, FIGURES_OK,
    FIGURES_REASON, FIGURES_FIRST, FIGURES_PUSHES = FIGURES_FIRST + PF__MAX };
enum { DASH_TASKS, DASH_NUMBERS };
enum { DASH_BATCHES, DASH_FIRST };
enum { REF_BATCH, REF_TASK, REF_SEQ };
enum { CLAIM_ID, CLAIM_TASK, CLAIM_SEQ, CLAIM_FIRST_SEQ, CLAIM_ROWS,
    CLAIM_ATTEMPTS };
enum { SEND_NAME, SEND_PARAMS, SEND_LOGIN_NAME, SEND_IMPORT_ID,
    SEND_BATCH_COUNT, SEND_HEADERS, SEND_PHONE_COL, SEND_NAME_COL };

/* The push figures are read from columns FIGURES_FIRST on in push.h's
 * order; a figure added there needs its column in both statements. */
_Static_assert(PF__MAX == 13, "STMT_TASK_BREAKDOWN and STMT_DASH_FIGURES "
    "select 13 figures");

/* A stored state read back: one the tables do not know is logged and read
 * as the state that asks a person to look. */
static enum task_state
task_state_col(sqlite3_stmt *st, int col)
{
	enum task_state	 s;

	if (task_state_parse(db_col_text(st, col), &s) == 0)
		return s;
	log_warn("db: unknown task state \"%s\"", db_col_text(st, col));
	return TASK_ATTENTION;
}

static enum batch_state
batch_state_col(sqlite3_stmt *st, int col)
{
	enum batch_state s;

	if (batch_state_parse(db_col_text(st, col), &s) == 0)
		return s;
	log_warn("db: unknown batch state \"%s\"", db_col_text(st, col));
	return BATCH_UNKNOWN;
}

static int
bind_batch_state(sqlite3_stmt *st, int idx, enum batch_state s)
{
	return db_bind_text(st, idx, batch_state_text(s));
}

static int
bind_task_state(sqlite3_stmt *st, int idx, enum task_state s)
{
	return db_bind_text(st, idx, task_state_text(s));
}

/* The end of a walk over rows: 0 at SQLITE_DONE, -1 otherwise. */
static int
walk_end(sqlite3_stmt *st, int rc, int stopped, const char *what)
{
	db_reset(st);
	if (stopped)
		return -1;
	if (rc == SQLITE_DONE)
		return 0;
	log_err("db: %s: %s", what, sqlite3_errstr(rc));
	return -1;
}

/* --- tasks ------------------------------------------------------------- */

void
task_clear(struct task_row *t)
{
	free(t->creator);
	free(t->name);
	free(t->params);
	free(t->login_name);
	memset(t, 0, sizeof(*t));
}

static int
task_fill(sqlite3_stmt *st, struct task_row *t)
{
	t->id = sqlite3_column_int64(st, TASKCOL_ID);
	t->import_id = sqlite3_column_int64(st, TASKCOL_IMPORT_ID);
	t->user_id = sqlite3_column_int64(st, TASKCOL_USER_ID);
	t->creator = strdup(db_col_text(st, TASKCOL_CREATOR));
	t->name = strdup(db_col_text(st, TASKCOL_NAME));
	t->params = strdup(db_col_text(st, TASKCOL_PARAMS));
	t->login_name = strdup(db_col_text(st, TASKCOL_LOGIN_NAME));
	t->created = sqlite3_column_int64(st, TASKCOL_CREATED);
	t->state = task_state_col(st, TASKCOL_STATE);
	t->rows = sqlite3_column_int64(st, TASKCOL_ROWS);
	t->batch_count = sqlite3_column_int64(st, TASKCOL_BATCH_COUNT);
	if (!t->creator || !t->name || !t->params || !t->login_name) {
		task_clear(t);
		return -1;
	}
	return 0;
}

int
task_get(struct db *db, int64_t id, struct task_row *t)
{
	sqlite3_stmt	*st;
	int		 rc, found;

	memset(t, 0, sizeof(*t));
	if ((st = db_stmt(db, STMT_TASK_GET)) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		found = task_fill(st, t) == 0 ? 1 : -1;
	else if (rc == SQLITE_DONE)
		found = 0;
	else {
		log_err("db: task %lld: %s", (long long)id, sqlite3_errstr(rc));
		found = -1;
	}
	db_reset(st);
	return found;
}

static void
batch_fill(sqlite3_stmt *st, struct batch_row *b)
{
	b->id = sqlite3_column_int64(st, BATCHCOL_ID);
	b->seq = sqlite3_column_int64(st, BATCHCOL_SEQ);
	b->first_seq = sqlite3_column_int64(st, BATCHCOL_FIRST_SEQ);
	b->rows = sqlite3_column_int64(st, BATCHCOL_ROWS);
	b->state = batch_state_col(st, BATCHCOL_STATE);
	b->attempts = sqlite3_column_int64(st, BATCHCOL_ATTEMPTS);
	b->next_attempt = sqlite3_column_int64(st, BATCHCOL_NEXT_ATTEMPT);
	b->body_sha256 = db_col_text(st, BATCHCOL_BODY_SHA);
	b->http_status = sqlite3_column_int64(st, BATCHCOL_HTTP);
	b->has_err_code = sqlite3_column_type(st, BATCHCOL_ERR_CODE) !=
	    SQLITE_NULL;
	b->err_code = sqlite3_column_int64(st, BATCHCOL_ERR_CODE);
	b->message = db_col_text(st, BATCHCOL_MESSAGE);
	b->vendor_task_id = db_col_text(st, BATCHCOL_VENDOR_TASK);
	b->sent_at = sqlite3_column_int64(st, BATCHCOL_SENT_AT);
	b->updated = sqlite3_column_int64(st, BATCHCOL_UPDATED);
}

int
store_task_batches(struct db *db, int64_t task_id,
    int (*cb)(void *, const struct batch_row *), void *arg)
{
	struct batch_row b;
	sqlite3_stmt	*st;
	int		 rc, stop = 0;

	if ((st = db_stmt(db, STMT_TASK_BATCHES)) == NULL)
		return -1;
	db_bind_int(st, 1, task_id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		batch_fill(st, &b);
		stop = cb(arg, &b);
	}
	return walk_end(st, rc, stop, "batches of a task");
}

static void
summary_fill(sqlite3_stmt *st, struct task_summary *t)
{
	t->id = sqlite3_column_int64(st, SUMMARY_ID);
	t->name = db_col_text(st, SUMMARY_NAME);
	t->creator = db_col_text(st, SUMMARY_CREATOR);
	t->created = sqlite3_column_int64(st, SUMMARY_CREATED);
	t->rows = sqlite3_column_int64(st, SUMMARY_ROWS);
	t->batch_count = sqlite3_column_int64(st, SUMMARY_BATCH_COUNT);
	t->state = task_state_col(st, SUMMARY_STATE);
	t->batches_done = sqlite3_column_int64(st, SUMMARY_DONE);
}

static int
summaries(sqlite3_stmt *st, int (*cb)(void *, const struct task_summary *),
    void *arg)
{
	struct task_summary t;
	int		 rc, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		summary_fill(st, &t);
		stop = cb(arg, &t);
	}
	return walk_end(st, rc, stop, "task list");
}

int
store_task_list(struct db *db, const struct task_filter *f, int64_t limit,
    int64_t offset, int (*cb)(void *, const struct task_summary *),
    void *arg)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_TASK_LIST)) == NULL)
		return -1;
	db_bind_text(st, 1, f->has_state ? task_state_text(f->state) : "");
	db_bind_int(st, 2, f->user_id);
	db_bind_int(st, 3, f->from);
	db_bind_int(st, 4, f->to);
	db_bind_text(st, 5, f->name_part != NULL ? f->name_part : "");
	/* SQLite's LIMIT -1: no limit. */
	db_bind_int(st, 6, limit > 0 ? limit : -1);
	db_bind_int(st, 7, offset);
	bind_batch_state(st, 8, BATCH_SENT);
	bind_batch_state(st, 9, BATCH_FAILED);
	bind_batch_state(st, 10, BATCH_UNKNOWN);
	bind_batch_state(st, 11, BATCH_CANCELLED);
	return summaries(st, cb, arg);
}

int
store_task_latest(struct db *db, int64_t user_id, int64_t limit,
    int (*cb)(void *, const struct task_summary *), void *arg)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_TASK_LATEST)) == NULL)
		return -1;
	db_bind_int(st, 1, user_id);
	db_bind_int(st, 2, limit);
	return summaries(st, cb, arg);
}

static void
figures_fill(sqlite3_stmt *st, struct batch_figures *b)
{
	size_t	 i;

	memset(b, 0, sizeof(*b));
	b->batch_id = sqlite3_column_int64(st, FIGURES_BATCH);
	b->seq = sqlite3_column_int64(st, FIGURES_SEQ);
	b->state = batch_state_col(st, FIGURES_STATE);
	b->rows = sqlite3_column_int64(st, FIGURES_ROWS);
	b->sent_at = sqlite3_column_int64(st, FIGURES_SENT_AT);
	b->pushed = sqlite3_column_type(st, FIGURES_PUSH) != SQLITE_NULL;
	b->pushes = sqlite3_column_int64(st, FIGURES_PUSHES);
	b->reason = "";
	if (!b->pushed)
		return;
	b->received = sqlite3_column_int64(st, FIGURES_RECEIVED);
	b->ok = sqlite3_column_int(st, FIGURES_OK);
	b->reason = db_col_text(st, FIGURES_REASON);
	if (b->ok)
		for (i = 0; i < PF__MAX; i++)
			b->fig[i] = sqlite3_column_int64(st,
			    FIGURES_FIRST + (int)i);
}

int
store_task_breakdown(struct db *db, int64_t task_id,
    int (*cb)(void *, const struct batch_figures *), void *arg)
{
	struct batch_figures b;
	sqlite3_stmt	*st;
	int		 rc, stop = 0;

	if ((st = db_stmt(db, STMT_TASK_BREAKDOWN)) == NULL)
		return -1;
	db_bind_int(st, 1, task_id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		figures_fill(st, &b);
		stop = cb(arg, &b);
	}
	return walk_end(st, rc, stop, "breakdown of a task");
}

int
store_dash_counts(struct db *db, int64_t since, int64_t user_id,
    int64_t *tasks, int64_t *numbers)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_DASH_TASKS)) == NULL)
		return -1;
	db_bind_int(st, 1, since);
	db_bind_int(st, 2, user_id);
	bind_batch_state(st, 3, BATCH_SENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*tasks = sqlite3_column_int64(st, DASH_TASKS);
		*numbers = sqlite3_column_int64(st, DASH_NUMBERS);
	}
	db_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	log_err("db: dashboard counts: %s", sqlite3_errstr(rc));
	return -1;
}

int
store_dash_figures(struct db *db, int64_t since, int64_t user_id,
    int64_t *batches, int64_t fig[PF__MAX])
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc;

	if ((st = db_stmt(db, STMT_DASH_FIGURES)) == NULL)
		return -1;
	db_bind_int(st, 1, since);
	db_bind_int(st, 2, user_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*batches = sqlite3_column_int64(st, DASH_BATCHES);
		for (i = 0; i < PF__MAX; i++)
			fig[i] = sqlite3_column_int64(st, DASH_FIRST + (int)i);
	}
	db_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	log_err("db: dashboard figures: %s", sqlite3_errstr(rc));
	return -1;
}

int
store_task_refresh(struct db *db, int64_t task_id)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_TASK_REFRESH)) == NULL)
		return -1;
	db_bind_int(st, 1, task_id);
	/* Any batch refused or unknown: a person must look. */
	bind_batch_state(st, 2, BATCH_FAILED);
	bind_batch_state(st, 3, BATCH_UNKNOWN);
	bind_task_state(st, 4, TASK_ATTENTION);
	/* Else one being sent, or some sent and some still queued. */
	bind_batch_state(st, 5, BATCH_SENDING);
	bind_task_state(st, 6, TASK_SENDING);
	bind_batch_state(st, 7, BATCH_QUEUED);
	bind_batch_state(st, 8, BATCH_SENT);
	bind_task_state(st, 9, TASK_QUEUED);
	bind_task_state(st, 10, TASK_SENT);
	/* Nothing queued, sending or sent: every batch was cancelled. */
	bind_task_state(st, 11, TASK_CANCELLED);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
store_task_cancel_batches(struct db *db, int64_t task_id, int64_t now)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_TASK_CANCEL_BATCHES)) == NULL)
		return -1;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, task_id);
	bind_batch_state(st, 3, BATCH_CANCELLED);
	bind_batch_state(st, 4, BATCH_QUEUED);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db_handle(db));
}

static void
ref_fill(sqlite3_stmt *st, struct batch_ref *r)
{
	r->batch_id = sqlite3_column_int64(st, REF_BATCH);
	r->task_id = sqlite3_column_int64(st, REF_TASK);
	r->seq = sqlite3_column_int64(st, REF_SEQ);
}

int
store_batch_resend(struct db *db, int64_t batch_id, int64_t now,
    struct batch_ref *ref)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_BATCH_RESEND)) == NULL)
		return -1;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, batch_id);
	bind_batch_state(st, 3, BATCH_QUEUED);
	bind_batch_state(st, 4, BATCH_UNKNOWN);
	bind_batch_state(st, 5, BATCH_FAILED);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ref_fill(st, ref);
	db_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_err("db: resend batch %lld: %s", (long long)batch_id,
	    sqlite3_errstr(rc));
	return -1;
}

int
store_batch_task(struct db *db, int64_t batch_id, int64_t *task_id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_BATCH_TASK)) == NULL)
		return -1;
	db_bind_int(st, 1, batch_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*task_id = sqlite3_column_int64(st, 0);
	db_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_err("db: batch %lld: %s", (long long)batch_id, sqlite3_errstr(rc));
	return -1;
}

/* --- the sender -------------------------------------------------------- */

static void
claim_fill(sqlite3_stmt *st, struct batch_claim *c)
{
	c->batch_id = sqlite3_column_int64(st, CLAIM_ID);
	c->task_id = sqlite3_column_int64(st, CLAIM_TASK);
	c->seq = sqlite3_column_int64(st, CLAIM_SEQ);
	c->first_seq = sqlite3_column_int64(st, CLAIM_FIRST_SEQ);
	c->rows = sqlite3_column_int64(st, CLAIM_ROWS);
	c->attempts = sqlite3_column_int64(st, CLAIM_ATTEMPTS);
}

/* One row into c: 0, 1 no row, -1. */
static int
claim_step(sqlite3_stmt *st, struct batch_claim *c, const char *what)
{
	int	 rc;

	memset(c, 0, sizeof(*c));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		claim_fill(st, c);
	db_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_err("db: %s: %s", what, sqlite3_errstr(rc));
	return -1;
}

int
store_batch_claim(struct db *db, const char *worker, int64_t now,
    struct batch_claim *c)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_BATCH_CLAIM)) == NULL)
		return -1;
	db_bind_text(st, 1, worker);
	db_bind_int(st, 2, now);
	bind_batch_state(st, 3, BATCH_SENDING);
	bind_batch_state(st, 4, BATCH_QUEUED);
	return claim_step(st, c, "claim a batch");
}

int
store_batch_next_queued(struct db *db, int64_t now, struct batch_claim *c)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_BATCH_NEXT_QUEUED)) == NULL)
		return -1;
	db_bind_int(st, 1, now);
	bind_batch_state(st, 2, BATCH_QUEUED);
	return claim_step(st, c, "next queued batch");
}

int
store_batch_claim_open(struct db *db, int64_t batch_id, int64_t attempt)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_BATCH_CLAIM_OPEN)) == NULL)
		return -1;
	db_bind_int(st, 1, batch_id);
	db_bind_int(st, 2, attempt);
	bind_batch_state(st, 3, BATCH_SENDING);
	rc = sqlite3_step(st);
	db_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	log_err("db: claim of batch %lld: %s", (long long)batch_id,
	    sqlite3_errstr(rc));
	return -1;
}

int
store_batch_finish(struct db *db, const struct batch_outcome *o)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_BATCH_FINISH)) == NULL)
		return -1;
	bind_batch_state(st, 1, o->state);
	db_bind_int(st, 2, o->http_status);
	if (o->has_err_code)
		db_bind_int(st, 3, o->err_code);
	db_bind_text(st, 4, o->message);
	db_bind_text(st, 5, o->vendor_task_id);
	db_bind_text(st, 6, o->body_sha256);
	db_bind_int(st, 7, o->sent_at);
	db_bind_int(st, 8, o->now);
	db_bind_int(st, 9, o->batch_id);
	bind_batch_state(st, 10, BATCH_SENDING);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
store_batch_requeue(struct db *db, int64_t batch_id, int64_t next_attempt,
    const char *message, int64_t now)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_BATCH_REQUEUE)) == NULL)
		return -1;
	db_bind_int(st, 1, next_attempt);
	db_bind_text(st, 2, message);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, batch_id);
	bind_batch_state(st, 5, BATCH_QUEUED);
	bind_batch_state(st, 6, BATCH_SENDING);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
store_batches_stale(struct db *db, const char *message, int64_t now,
    int64_t claimed_before, struct batch_ref *out, size_t max)
{
	sqlite3_stmt	*st;
	size_t		 n = 0;
	int		 rc;

	if ((st = db_stmt(db, STMT_BATCH_STALE)) == NULL)
		return -1;
	db_bind_text(st, 1, message);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, claimed_before);
	bind_batch_state(st, 4, BATCH_UNKNOWN);
	bind_batch_state(st, 5, BATCH_SENDING);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		ref_fill(st, &out[n++]);
	db_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return (int)n;
	log_err("db: stale batches: %s", sqlite3_errstr(rc));
	return -1;
}

void
task_send_clear(struct task_send *t)
{
	free(t->name);
	free(t->params);
	free(t->login_name);
	free(t->headers);
	memset(t, 0, sizeof(*t));
}

int
store_task_for_send(struct db *db, int64_t task_id, struct task_send *t)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(t, 0, sizeof(*t));
	if ((st = db_stmt(db, STMT_TASK_FOR_SEND)) == NULL)
		return -1;
	db_bind_int(st, 1, task_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->name = strdup(db_col_text(st, SEND_NAME));
		t->params = strdup(db_col_text(st, SEND_PARAMS));
		t->login_name = strdup(db_col_text(st, SEND_LOGIN_NAME));
		t->import_id = sqlite3_column_int64(st, SEND_IMPORT_ID);
		t->batch_count = sqlite3_column_int64(st, SEND_BATCH_COUNT);
		t->headers = strdup(db_col_text(st, SEND_HEADERS));
		t->phone_col = sqlite3_column_int(st, SEND_PHONE_COL);
		t->name_col = sqlite3_column_int(st, SEND_NAME_COL);
	}
	db_reset(st);
	if (rc == SQLITE_DONE)
		return 1;
	if (rc != SQLITE_ROW) {
		log_err("db: task %lld: %s", (long long)task_id,
		    sqlite3_errstr(rc));
		return -1;
	}
	if (!t->name || !t->params || !t->login_name || !t->headers) {
		task_send_clear(t);
		return -1;
	}
	return 0;
}
