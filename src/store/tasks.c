/* store/tasks.c: the statements of tasks and batches, and the typed
 * functions over them. Every state in these statements is a bound
 * parameter taken from the tables of state.h. */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store/rows.h"
#include "store/tasks.h"

STORE_SQL_TABLE(tasks) = {
	/* (batch): task id */
	[STMT_BATCH_TASK] =
	    "SELECT task_id FROM batches WHERE id = ?",
	/* (task): TASKCOL_* columns */
	[STMT_TASK_GET] =
	    "SELECT t.id, t.import_id, t.user_id, u.name, t.name, t.params,"
	    " t.login_name, t.created, t.state, t.rows, t.batch_count"
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id WHERE t.id = ?",
	/* (task, seq, limit): the batches after seq, by seq (the key
	 * task_id, seq): BATCHCOL_* columns */
	[STMT_TASK_BATCHES] =
	    "SELECT id, seq, first_seq, rows, state, attempts, next_attempt,"
	    " body_sha256, http_status, err_code, message, vendor_task_id,"
	    " sent_at, updated FROM batches WHERE task_id = ?1 AND seq > ?2"
	    " ORDER BY seq LIMIT ?3",
	/*
	 * A page of the task history, by key: (lowest id, id ceiling
	 * excluded, from, to, name part or '', limit), then the creator and/or
	 * the state of the filter's shape. One statement per shape and
	 * direction, so that each walks one index in id order from the key
	 * (tasks_list, tasks_state, tasks_user or tasks_user_state); the id
	 * range stands for the date range too (store_task_list), the times
	 * staying as exact bounds. Each of those indexes holds every column a
	 * row shows, its settled batches kept in tasks.batches_done
	 * (sql/018_task_list.sql): a page reads a few pages of one index and
	 * the users' row, no table row and no batch. A name part is tested on
	 * the index entries walked: no index can serve any part of a name (a
	 * trigram index needs three characters, and the names searched are
	 * words of two, 春季), and the walk stops at the page's last row; at
	 * worst, a part no name holds, it reads the index once (10,000 tasks:
	 * 160 pages). The part comes as a LIKE pattern, its own %, _ and
	 * backslash escaped (store_task_list): SQLite's LIKE folds ASCII case,
	 * so that "vip" finds "VIP 回访", and tests a row without a copy of
	 * the name (replace() and lower() made three a row); PostgreSQL's
	 * twin says ILIKE (store/pgsql.c). SUMMARY_* columns.
	 */
#define TASK_LIST_SELECT \
	    "SELECT t.id, t.name, u.name, t.created, t.rows, t.batch_count," \
	    " t.state, t.batches_done" \
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id" \
	    " WHERE t.id >= ?1 AND t.id < ?2 AND t.created >= ?3" \
	    " AND t.created < ?4 AND (?5 = '' OR t.name LIKE ?5 ESCAPE '\\')"
#define TASKS_DOWN	" ORDER BY t.id DESC LIMIT ?6"
#define TASKS_UP	" ORDER BY t.id LIMIT ?6"
	[STMT_TASK_LIST] = TASK_LIST_SELECT TASKS_DOWN,
	[STMT_TASK_LIST_UP] = TASK_LIST_SELECT TASKS_UP,
	[STMT_TASK_LIST_STATE] = TASK_LIST_SELECT " AND t.state = ?7" TASKS_DOWN,
	[STMT_TASK_LIST_STATE_UP] = TASK_LIST_SELECT " AND t.state = ?7" TASKS_UP,
	[STMT_TASK_LIST_USER] = TASK_LIST_SELECT " AND t.user_id = ?7" TASKS_DOWN,
	[STMT_TASK_LIST_USER_UP] = TASK_LIST_SELECT " AND t.user_id = ?7" TASKS_UP,
	[STMT_TASK_LIST_BOTH] = TASK_LIST_SELECT
	    " AND t.user_id = ?7 AND t.state = ?8" TASKS_DOWN,
	[STMT_TASK_LIST_BOTH_UP] = TASK_LIST_SELECT
	    " AND t.user_id = ?7 AND t.state = ?8" TASKS_UP,
	/* (time): the first task made at or after it, by tasks_created */
	[STMT_TASK_ID_FROM] =
	    "SELECT id FROM tasks WHERE created >= ?1 ORDER BY created, id"
	    " LIMIT 1",
	/* (creator or 0, limit): SUMMARY_* columns, the last two 0 */
	[STMT_TASK_LATEST] =
	    "SELECT t.id, t.name, u.name, t.created, t.rows, t.batch_count,"
	    " t.state, 0"
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id"
	    " WHERE (?1 = 0 OR t.user_id = ?1) ORDER BY t.id DESC LIMIT ?2",
	/* (task, then the states queued, sending and sent): the totals of
	 * the task page, with no walk of the task's batches (at 500 batches
	 * a count and CASE over every one were a quarter of the page's
	 * time). A task is cut into batch_count batches once, at confirming
	 * (import_confirm), their rows summing to the task's rows; so the
	 * rows sent are the task's rows less those of the batches in any
	 * other state, the two ranges of batches_task_state (task_id, state,
	 * rows) either side of sent: the few left to go or that failed, not
	 * the many sent. The push figures are the sums the triggers of
	 * sql/016_task_figures.sql keep in the task's row (the newest push
	 * of each batch when it counts): TOTALS_* columns */
	[STMT_TASK_TOTALS] =
	    "SELECT t.batch_count,"
	    " (SELECT count(*) FROM batches WHERE task_id = t.id"
	    "  AND state IN (?2, ?3)),"
	    " t.rows - (SELECT coalesce(sum(rows), 0) FROM batches"
	    "  WHERE task_id = t.id AND state < ?4)"
	    " - (SELECT coalesce(sum(rows), 0) FROM batches"
	    "  WHERE task_id = t.id AND state > ?4),"
	    " t.fig_batches, t.fig_rows, t.fig_total, t.fig_success, t.fig_fail,"
	    " t.fig_blacklist, t.fig_repeat, t.fig_filter, t.fig_shi, t.fig_kong,"
	    " t.fig_tingji, t.fig_kuwu, t.fig_chenmo, t.fig_fenxian, t.fig_chaopin"
	    " FROM tasks AS t WHERE t.id = ?1",
	/* (task, seq, limit): the batches after seq, by seq, each with its
	 * newest push, if any, and how many pushes it had: FIGURES_* columns */
	[STMT_TASK_BREAKDOWN_PAGE] =
	    "SELECT b.id, b.seq, b.state, b.rows, b.sent_at, p.id, p.received,"
	    " p.ok, p.reason, p.total, p.success, p.fail, p.blacklist, p.repeat,"
	    " p.filter, p.shi, p.kong, p.tingji, p.kuwu, p.chenmo, p.fenxian,"
	    " p.chaopin, (SELECT count(*) FROM pushes WHERE batch_id = b.id)"
	    " FROM batches AS b LEFT JOIN pushes AS p ON p.id ="
	    " (SELECT max(id) FROM pushes WHERE batch_id = b.id)"
	    " WHERE b.task_id = ?1 AND b.seq > ?2 ORDER BY b.seq LIMIT ?3",
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
task_state_col(const struct db_row *st, int col)
{
	enum task_state	 s;

	if (task_state_parse(db_col_text(st, col), &s) == 0)
		return s;
	log_warn("db: unknown task state \"%s\"", db_col_text(st, col));
	return TASK_ATTENTION;
}

static enum batch_state
batch_state_col(const struct db_row *st, int col)
{
	enum batch_state s;

	if (batch_state_parse(db_col_text(st, col), &s) == 0)
		return s;
	log_warn("db: unknown batch state \"%s\"", db_col_text(st, col));
	return BATCH_UNKNOWN;
}

/* A state as a bound parameter. */
#define BATCH_STATE(s)	DB_TEXT(batch_state_text(s))
#define TASK_STATE(s)	DB_TEXT(task_state_text(s))

/* --- tasks ------------------------------------------------------------- */

/* The texts a task row owns. */
static const struct row_text task_texts[] = {
	ROW_TEXT(struct task_row, creator, TASKCOL_CREATOR),
	ROW_TEXT(struct task_row, name, TASKCOL_NAME),
	ROW_TEXT(struct task_row, params, TASKCOL_PARAMS),
	ROW_TEXT(struct task_row, login_name, TASKCOL_LOGIN_NAME),
};

void
task_clear(struct task_row *t)
{
	row_texts_clear(t, sizeof(*t), task_texts, ROW_TEXTS(task_texts));
}

static int
task_fill(void *arg, const struct db_row *st)
{
	struct task_row	*t = arg;

	t->id = db_col_int(st, TASKCOL_ID);
	t->import_id = db_col_int(st, TASKCOL_IMPORT_ID);
	t->user_id = db_col_int(st, TASKCOL_USER_ID);
	t->created = db_col_int(st, TASKCOL_CREATED);
	t->state = task_state_col(st, TASKCOL_STATE);
	t->rows = db_col_int(st, TASKCOL_ROWS);
	t->batch_count = db_col_int(st, TASKCOL_BATCH_COUNT);
	return row_texts_dup(t, sizeof(*t), st, task_texts,
	    ROW_TEXTS(task_texts));
}

int
task_get(struct db *db, int64_t id, struct task_row *t)
{
	memset(t, 0, sizeof(*t));
	return db_one_row(db, STMT_TASK_GET, task_fill, t, DB_INT(id));
}

static int
batch_fill(void *row, const struct db_row *st)
{
	struct batch_row *b = row;

	b->id = db_col_int(st, BATCHCOL_ID);
	b->seq = db_col_int(st, BATCHCOL_SEQ);
	b->first_seq = db_col_int(st, BATCHCOL_FIRST_SEQ);
	b->rows = db_col_int(st, BATCHCOL_ROWS);
	b->state = batch_state_col(st, BATCHCOL_STATE);
	b->attempts = db_col_int(st, BATCHCOL_ATTEMPTS);
	b->next_attempt = db_col_int(st, BATCHCOL_NEXT_ATTEMPT);
	b->body_sha256 = db_col_text(st, BATCHCOL_BODY_SHA);
	b->http_status = db_col_int(st, BATCHCOL_HTTP);
	b->has_err_code = !db_col_is_null(st, BATCHCOL_ERR_CODE);
	b->err_code = db_col_int(st, BATCHCOL_ERR_CODE);
	b->message = db_col_text(st, BATCHCOL_MESSAGE);
	b->vendor_task_id = db_col_text(st, BATCHCOL_VENDOR_TASK);
	b->sent_at = db_col_int(st, BATCHCOL_SENT_AT);
	b->updated = db_col_int(st, BATCHCOL_UPDATED);
	return 0;
}

DB_ROW_WALK(batch, struct batch_row, batch_fill)

int
store_task_batches(struct db *db, int64_t task_id, int64_t after_seq,
    int64_t limit, int (*cb)(void *, const struct batch_row *), void *arg)
{
	return row_walk(db, STMT_TASK_BATCHES, batch, cb, arg,
	    DB_PARAMS(DB_INT(task_id), DB_INT(after_seq),
	    DB_INT(limit > 0 ? limit : INT64_MAX)));
}

enum { TOTALS_BATCHES, TOTALS_PENDING, TOTALS_SENT_ROWS,
    TOTALS_WITH_FIGURES, TOTALS_REPORTED_ROWS, TOTALS_FIRST };

static int
totals_fill(void *arg, const struct db_row *st)
{
	struct task_totals *t = arg;
	size_t		 i;

	t->batches = db_col_int(st, TOTALS_BATCHES);
	t->pending = db_col_int(st, TOTALS_PENDING);
	t->sent_rows = db_col_int(st, TOTALS_SENT_ROWS);
	t->with_figures = db_col_int(st, TOTALS_WITH_FIGURES);
	t->reported_rows = db_col_int(st, TOTALS_REPORTED_ROWS);
	for (i = 0; i < PF__MAX; i++)
		t->fig[i] = db_col_int(st, TOTALS_FIRST + (int)i);
	return 0;
}

int
store_task_totals(struct db *db, int64_t task_id, struct task_totals *t)
{
	memset(t, 0, sizeof(*t));
	return db_one_row(db, STMT_TASK_TOTALS, totals_fill, t,
	    DB_INT(task_id), BATCH_STATE(BATCH_QUEUED),
	    BATCH_STATE(BATCH_SENDING), BATCH_STATE(BATCH_SENT)) == -1 ? -1 : 0;
}

static int
summary_fill(void *row, const struct db_row *st)
{
	struct task_summary *t = row;

	t->id = db_col_int(st, SUMMARY_ID);
	t->name = db_col_text(st, SUMMARY_NAME);
	t->creator = db_col_text(st, SUMMARY_CREATOR);
	t->created = db_col_int(st, SUMMARY_CREATED);
	t->rows = db_col_int(st, SUMMARY_ROWS);
	t->batch_count = db_col_int(st, SUMMARY_BATCH_COUNT);
	t->state = task_state_col(st, SUMMARY_STATE);
	t->batches_done = db_col_int(st, SUMMARY_DONE);
	return 0;
}

DB_ROW_WALK(summary, struct task_summary, summary_fill)

/* The first task id made at or after time t into *id (INT64_MAX: none
 * was): 0, -1. */
static int
task_id_from(struct db *db, int64_t t, int64_t *id)
{
	int	 rc = db_one_int(db, STMT_TASK_ID_FROM, id, DB_INT(t));

	if (rc == 0)
		*id = INT64_MAX;
	return rc == -1 ? -1 : 0;
}

/* The LIKE pattern of the names that hold part: %part% with the part's
 * own %, _ and backslash each after a backslash (ESCAPE); malloc()ed, NULL
 * out of memory. */
static char *
like_part(const char *part)
{
	char	*like, *o;

	if ((like = malloc(2 * strlen(part) + 3)) == NULL)
		return NULL;
	o = like;
	*o++ = '%';
	for (; *part != '\0'; part++) {
		if (*part == '%' || *part == '_' || *part == '\\')
			*o++ = '\\';
		*o++ = *part;
	}
	*o++ = '%';
	*o = '\0';
	return like;
}

int
store_task_list(struct db *db, const struct task_filter *f, int64_t key,
    int newer, int64_t limit, int (*cb)(void *, const struct task_summary *),
    void *arg)
{
	/* By shape (a state: 1, a creator: 2, both: 3), older and newer
	 * pages; each takes the creator and then the state that are given
	 * after the six parameters all share. */
	static const enum stmt shapes[4][2] = {
		{ STMT_TASK_LIST, STMT_TASK_LIST_UP },
		{ STMT_TASK_LIST_STATE, STMT_TASK_LIST_STATE_UP },
		{ STMT_TASK_LIST_USER, STMT_TASK_LIST_USER_UP },
		{ STMT_TASK_LIST_BOTH, STMT_TASK_LIST_BOTH_UP },
	};
	int64_t		 lo = 0, hi = INT64_MAX;
	int64_t		 from = f->from, to = f->to > 0 ? f->to : INT64_MAX;
	int		 shape = (f->has_state != 0) | (f->user_id != 0) << 1;
	const char	*part = f->name_part != NULL ? f->name_part : "";
	struct db_param	 p[9];
	char		*like = NULL;
	size_t		 n;
	int		 rc;

	/* Tasks are made one transaction each, with the time they were
	 * made: the ids of a date range are one range (see store_audit_page). */
	if (f->from > 0 && task_id_from(db, f->from, &lo) == -1)
		return -1;
	if (f->to > 0 && task_id_from(db, f->to, &hi) == -1)
		return -1;
	row_page_range(key, newer, &lo, &hi);
	if (*part != '\0' && (like = like_part(part)) == NULL) {
		log_err("db: out of memory");
		return -1;
	}
	n = row_params_add(p, 0, DB_PARAMS(DB_INT(lo), DB_INT(hi),
	    DB_INT(from), DB_INT(to), DB_TEXT(like != NULL ? like : ""),
	    DB_INT(limit > 0 ? limit : INT64_MAX)));
	if (f->user_id != 0)
		n = row_params_add(p, n, DB_PARAMS(DB_INT(f->user_id)));
	if (f->has_state)
		n = row_params_add(p, n, DB_PARAMS(TASK_STATE(f->state)));
	rc = row_walk(db, shapes[shape][newer != 0], summary, cb, arg, p);
	free(like);
	return rc;
}

int
store_task_latest(struct db *db, int64_t user_id, int64_t limit,
    int (*cb)(void *, const struct task_summary *), void *arg)
{
	return row_walk(db, STMT_TASK_LATEST, summary, cb, arg,
	    DB_PARAMS(DB_INT(user_id), DB_INT(limit)));
}

static int
figures_fill(void *row, const struct db_row *st)
{
	struct batch_figures *b = row;
	size_t		 i;

	memset(b, 0, sizeof(*b));
	b->batch_id = db_col_int(st, FIGURES_BATCH);
	b->seq = db_col_int(st, FIGURES_SEQ);
	b->state = batch_state_col(st, FIGURES_STATE);
	b->rows = db_col_int(st, FIGURES_ROWS);
	b->sent_at = db_col_int(st, FIGURES_SENT_AT);
	b->pushed = !db_col_is_null(st, FIGURES_PUSH);
	b->pushes = db_col_int(st, FIGURES_PUSHES);
	b->reason = "";
	if (b->pushed) {
		b->received = db_col_int(st, FIGURES_RECEIVED);
		b->ok = (int)db_col_int(st, FIGURES_OK);
		b->reason = db_col_text(st, FIGURES_REASON);
		if (b->ok)
			for (i = 0; i < PF__MAX; i++)
				b->fig[i] = db_col_int(st,
				    FIGURES_FIRST + (int)i);
	}
	return 0;
}

DB_ROW_WALK(figures, struct batch_figures, figures_fill)

int
store_task_breakdown(struct db *db, int64_t task_id,
    int (*cb)(void *, const struct batch_figures *), void *arg)
{
	return row_walk(db, STMT_TASK_BREAKDOWN, figures, cb, arg,
	    DB_PARAMS(DB_INT(task_id)));
}

int
store_task_breakdown_page(struct db *db, int64_t task_id, int64_t after_seq,
    int64_t limit, int (*cb)(void *, const struct batch_figures *), void *arg)
{
	return row_walk(db, STMT_TASK_BREAKDOWN_PAGE, figures, cb, arg,
	    DB_PARAMS(DB_INT(task_id), DB_INT(after_seq), DB_INT(limit)));
}

/* The dashboard's counts: (tasks, numbers). */
static int
dash_counts_fill(void *arg, const struct db_row *st)
{
	int64_t	**out = arg;

	*out[0] = db_col_int(st, DASH_TASKS);
	*out[1] = db_col_int(st, DASH_NUMBERS);
	return 0;
}

int
store_dash_counts(struct db *db, int64_t since, int64_t user_id,
    int64_t *tasks, int64_t *numbers)
{
	int64_t	*out[2] = { tasks, numbers };

	/* Sums of no rows are one row of zeroes: none is an error. */
	return db_one_row(db, STMT_DASH_TASKS, dash_counts_fill, out,
	    DB_INT(since), DB_INT(user_id), BATCH_STATE(BATCH_SENT)) == 1 ?
	    0 : -1;
}

/* The dashboard's figures: how many batches, then fig[PF__MAX]. */
struct dash_figures {
	int64_t	*batches;
	int64_t	*fig;
};

static int
dash_figures_fill(void *arg, const struct db_row *st)
{
	struct dash_figures *d = arg;
	size_t		 i;

	*d->batches = db_col_int(st, DASH_BATCHES);
	for (i = 0; i < PF__MAX; i++)
		d->fig[i] = db_col_int(st, DASH_FIRST + (int)i);
	return 0;
}

int
store_dash_figures(struct db *db, int64_t since, int64_t user_id,
    int64_t *batches, int64_t fig[PF__MAX])
{
	struct dash_figures d = { batches, fig };

	return db_one_row(db, STMT_DASH_FIGURES, dash_figures_fill, &d,
	    DB_INT(since), DB_INT(user_id)) == 1 ? 0 : -1;
}

int
store_task_refresh(struct db *db, int64_t task_id)
{
	return db_run(db, STMT_TASK_REFRESH, DB_INT(task_id),
	    /* Any batch refused or unknown: a person must look. */
	    BATCH_STATE(BATCH_FAILED), BATCH_STATE(BATCH_UNKNOWN),
	    TASK_STATE(TASK_ATTENTION),
	    /* Else one being sent, or some sent and some still queued. */
	    BATCH_STATE(BATCH_SENDING), TASK_STATE(TASK_SENDING),
	    BATCH_STATE(BATCH_QUEUED), BATCH_STATE(BATCH_SENT),
	    TASK_STATE(TASK_QUEUED), TASK_STATE(TASK_SENT),
	    /* Nothing queued, sending or sent: every batch was cancelled. */
	    TASK_STATE(TASK_CANCELLED));
}

int
store_task_cancel_batches(struct db *db, int64_t task_id, int64_t now)
{
	return (int)db_run_changes(db, STMT_TASK_CANCEL_BATCHES, DB_INT(now),
	    DB_INT(task_id), BATCH_STATE(BATCH_CANCELLED),
	    BATCH_STATE(BATCH_QUEUED));
}

static void
ref_fill(const struct db_row *st, struct batch_ref *r)
{
	r->batch_id = db_col_int(st, REF_BATCH);
	r->task_id = db_col_int(st, REF_TASK);
	r->seq = db_col_int(st, REF_SEQ);
}

static int
ref_one(void *arg, const struct db_row *st)
{
	ref_fill(st, arg);
	return 0;
}

int
store_batch_resend(struct db *db, int64_t batch_id, int64_t now,
    struct batch_ref *ref)
{
	return db_found_0(db_one_row(db, STMT_BATCH_RESEND, ref_one, ref,
	    DB_INT(now), DB_INT(batch_id), BATCH_STATE(BATCH_QUEUED),
	    BATCH_STATE(BATCH_UNKNOWN), BATCH_STATE(BATCH_FAILED)));
}

int
store_batch_task(struct db *db, int64_t batch_id, int64_t *task_id)
{
	return db_found_0(db_one_int(db, STMT_BATCH_TASK, task_id,
	    DB_INT(batch_id)));
}

/* --- the sender -------------------------------------------------------- */

static int
claim_fill(void *arg, const struct db_row *st)
{
	struct batch_claim *c = arg;

	c->batch_id = db_col_int(st, CLAIM_ID);
	c->task_id = db_col_int(st, CLAIM_TASK);
	c->seq = db_col_int(st, CLAIM_SEQ);
	c->first_seq = db_col_int(st, CLAIM_FIRST_SEQ);
	c->rows = db_col_int(st, CLAIM_ROWS);
	c->attempts = db_col_int(st, CLAIM_ATTEMPTS);
	return 0;
}

int
store_batch_claim(struct db *db, const char *worker, int64_t now,
    struct batch_claim *c)
{
	memset(c, 0, sizeof(*c));
	return db_found_0(db_one_row(db, STMT_BATCH_CLAIM, claim_fill, c,
	    DB_TEXT(worker), DB_INT(now), BATCH_STATE(BATCH_SENDING),
	    BATCH_STATE(BATCH_QUEUED)));
}

int
store_batch_next_queued(struct db *db, int64_t now, struct batch_claim *c)
{
	memset(c, 0, sizeof(*c));
	return db_found_0(db_one_row(db, STMT_BATCH_NEXT_QUEUED, claim_fill, c,
	    DB_INT(now), BATCH_STATE(BATCH_QUEUED)));
}

int
store_batch_claim_open(struct db *db, int64_t batch_id, int64_t attempt)
{
	return db_one_int(db, STMT_BATCH_CLAIM_OPEN, NULL, DB_INT(batch_id),
	    DB_INT(attempt), BATCH_STATE(BATCH_SENDING));
}

int
store_batch_finish(struct db *db, const struct batch_outcome *o)
{
	return db_run(db, STMT_BATCH_FINISH, BATCH_STATE(o->state),
	    DB_INT(o->http_status),
	    o->has_err_code ? DB_INT(o->err_code) : DB_NULL,
	    DB_TEXT(o->message), DB_TEXT(o->vendor_task_id),
	    DB_TEXT(o->body_sha256), DB_INT(o->sent_at), DB_INT(o->now),
	    DB_INT(o->batch_id), BATCH_STATE(BATCH_SENDING));
}

int
store_batch_requeue(struct db *db, int64_t batch_id, int64_t next_attempt,
    const char *message, int64_t now)
{
	return db_run(db, STMT_BATCH_REQUEUE, DB_INT(next_attempt),
	    DB_TEXT(message), DB_INT(now), DB_INT(batch_id),
	    BATCH_STATE(BATCH_QUEUED), BATCH_STATE(BATCH_SENDING));
}

/* The batches a stale sweep returned, up to max. */
struct refs_out {
	struct batch_ref *out;
	size_t		  n, max;
};

static int
ref_row(void *arg, const struct db_row *st)
{
	struct refs_out	*r = arg;

	/* The UPDATE changed every row at its first step: the rows past
	 * max are read and dropped. */
	if (r->n < r->max)
		ref_fill(st, &r->out[r->n++]);
	return 0;
}

int
store_batches_stale(struct db *db, const char *message, int64_t now,
    int64_t claimed_before, struct batch_ref *out, size_t max)
{
	struct refs_out	 r = { out, 0, max };

	if (db_each(db, STMT_BATCH_STALE, ref_row, &r, DB_TEXT(message),
	    DB_INT(now), DB_INT(claimed_before), BATCH_STATE(BATCH_UNKNOWN),
	    BATCH_STATE(BATCH_SENDING)) == -1)
		return -1;
	return (int)r.n;
}

/* The texts a task to send owns. */
static const struct row_text send_texts[] = {
	ROW_TEXT(struct task_send, name, SEND_NAME),
	ROW_TEXT(struct task_send, params, SEND_PARAMS),
	ROW_TEXT(struct task_send, login_name, SEND_LOGIN_NAME),
	ROW_TEXT(struct task_send, headers, SEND_HEADERS),
};

void
task_send_clear(struct task_send *t)
{
	row_texts_clear(t, sizeof(*t), send_texts, ROW_TEXTS(send_texts));
}

static int
task_send_fill(void *arg, const struct db_row *st)
{
	struct task_send *t = arg;

	t->import_id = db_col_int(st, SEND_IMPORT_ID);
	t->batch_count = db_col_int(st, SEND_BATCH_COUNT);
	t->phone_col = (int)db_col_int(st, SEND_PHONE_COL);
	t->name_col = (int)db_col_int(st, SEND_NAME_COL);
	return row_texts_dup(t, sizeof(*t), st, send_texts,
	    ROW_TEXTS(send_texts));
}

int
store_task_for_send(struct db *db, int64_t task_id, struct task_send *t)
{
	memset(t, 0, sizeof(*t));
	return db_found_0(db_one_row(db, STMT_TASK_FOR_SEND, task_send_fill, t,
	    DB_INT(task_id)));
}
