/* store/imports.c: the statements of imports, their rows and bytes, the
 * drafts, the kept uploads and the task a confirmed import becomes, with
 * the column enum and the fill function of each row type, and the one
 * table of import states. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store/imports.h"

/* Every import state: the stored text, the label, the CSS class. */
static const struct {
	enum import_state	 state;
	const char		*text, *label, *css;
} import_states[IMPORT__STATES] = {
	{ IMPORT_LOADING, "loading", "读取中", "state-loading" },
	{ IMPORT_PREVIEW, "preview", "待确认", "state-preview" },
	{ IMPORT_CONFIRMED, "confirmed", "已确认", "state-confirmed" },
	{ IMPORT_CANCELLED, "cancelled", "已取消", "state-cancelled" },
};

/* The task and batch state a confirmed import starts its task in, and the
 * batch states that leave nothing to decide on (as task.c stores them). */
#define TASK_QUEUED	"queued"
#define BATCH_QUEUED	"queued"
#define BATCH_SENT	"sent"
#define BATCH_CANCELLED	"cancelled"

/* The stored text of each owner of upload bytes. */
static const char *const upload_owners[] = {
	[UPLOAD_IMPORT] = "import",
	[UPLOAD_KEPT] = "kept",
};

const char *const store_sql_imports[STMT__MAX] = {
	/* (user, created, state, params, file name, size, sha256, phone
	 * col, name col) */
	[STMT_IMPORT_INSERT] =
	    "INSERT INTO imports (user_id, created, state, params, file_name,"
	    " file_path, file_size, file_sha256, format, encoding, delimiter,"
	    " headers, phone_col, name_col)"
	    " VALUES (?, ?, ?, ?, ?, '', ?, ?, '', '', '', '[]', ?, ?)"
	    " RETURNING id",
	/* (loading, phone_col, name_col, id, preview) */
	[STMT_IMPORT_RELOAD] =
	    "UPDATE imports SET state = ?, phone_col = ?, name_col = ?,"
	    " rows_read = 0, valid = 0, invalid = 0, duplicates = 0"
	    " WHERE id = ? AND state = ?",
	/* (import) */
	[STMT_IMPORT_ROWS_DELETE] =
	    "DELETE FROM import_rows WHERE import_id = ?",
	/* (import) */
	[STMT_IMPORT_DELETE] =
	    "DELETE FROM imports WHERE id = ?",
	/* (import, seq, line, phone, name, other): no row when the number
	 * was stored before */
	[STMT_IMPORT_ROW_VALID] =
	    "INSERT INTO import_rows (import_id, seq, line, phone, name, other,"
	    " reason) VALUES (?, ?, ?, ?, ?, ?, '')"
	    " ON CONFLICT (import_id, phone) WHERE seq > 0 DO NOTHING"
	    " RETURNING seq",
	/* (import, phone): the line */
	[STMT_IMPORT_ROW_FIRST] =
	    "SELECT line FROM import_rows"
	    " WHERE import_id = ? AND phone = ? AND seq > 0",
	/* (import, seq, line, phone, name, other, reason, dup_of) */
	[STMT_IMPORT_ROW_BAD] =
	    "INSERT INTO import_rows (import_id, seq, line, phone, name, other,"
	    " reason, dup_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	/* (preview, format, encoding, delimiter, headers, phone_col,
	 * name_col, rows_read, valid, invalid, duplicates, sheet,
	 * header_line, sheets, head_rows, id) */
	[STMT_IMPORT_FINISH] =
	    "UPDATE imports SET state = ?, format = ?, encoding = ?,"
	    " delimiter = ?, headers = ?, phone_col = ?, name_col = ?,"
	    " rows_read = ?, valid = ?, invalid = ?, duplicates = ?,"
	    " sheet = ?, header_line = ?, sheets = ?, head_rows = ?"
	    " WHERE id = ?",
	/* (id): IMPORT_* columns */
	[STMT_IMPORT_GET] =
	    "SELECT id, user_id, created, state, params, file_name, file_path,"
	    " file_size, file_sha256, format, encoding, delimiter, headers,"
	    " phone_col, name_col, rows_read, valid, invalid, duplicates,"
	    " sheet, header_line, sheets, head_rows"
	    " FROM imports WHERE id = ?",
	/* (state, id, preview): only out of preview */
	[STMT_IMPORT_SET_STATE] =
	    "UPDATE imports SET state = ? WHERE id = ? AND state = ?",
	/* (import, first seq, last seq): IMPORT_ROW_* columns */
	[STMT_IMPORT_ROWS_RANGE] =
	    "SELECT seq, line, phone, name, other FROM import_rows"
	    " WHERE import_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
	/* (import, limit, offset): BAD_* columns, by line */
	[STMT_IMPORT_BAD_PAGE] =
	    "SELECT line, phone, reason, dup_of FROM import_rows"
	    " WHERE import_id = ? AND seq < 0 ORDER BY seq DESC LIMIT ? OFFSET ?",
	/* (import): the task's id */
	[STMT_IMPORT_TASK] =
	    "SELECT id FROM tasks WHERE import_id = ?",
	/* (import, user, name, params, login, created, queued, rows,
	 * batches) */
	[STMT_TASK_INSERT] =
	    "INSERT INTO tasks (import_id, user_id, name, params, login_name,"
	    " created, state, rows, batch_count)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	/* (task, seq, first seq, rows, queued, now) */
	[STMT_BATCH_INSERT] =
	    "INSERT INTO batches (task_id, seq, first_seq, rows, state, updated)"
	    " VALUES (?, ?, ?, ?, ?, ?)",
	/* (state, created before, limit): id, file_path */
	[STMT_IMPORT_STALE] =
	    "SELECT id, file_path FROM imports WHERE state = ? AND created < ?"
	    " ORDER BY id LIMIT ?",
	/* (last change before, limit, confirmed, sent, cancelled): confirmed
	 * lists whose task has no batch left to decide on and none changed
	 * since */
	[STMT_RETENTION_DUE] =
	    "SELECT i.id FROM imports AS i JOIN tasks AS t ON t.import_id = i.id"
	    " WHERE i.state = ?3 AND i.purged = 0 AND NOT EXISTS"
	    " (SELECT 1 FROM batches AS b WHERE b.task_id = t.id AND"
	    " (b.state NOT IN (?4, ?5) OR b.updated >= ?1))"
	    " ORDER BY i.id LIMIT ?2",
	/* (time, import) */
	[STMT_IMPORT_SET_PURGED] =
	    "UPDATE imports SET purged = ? WHERE id = ?",
	/* (import) */
	[STMT_IMPORT_PURGED] =
	    "SELECT purged FROM imports WHERE id = ?",
	/* (uploader or 0, from or 0, to or 0, name part, limit, preview):
	 * DRAFT_* columns, newest first */
	[STMT_DRAFT_LIST] =
	    "SELECT i.id, i.user_id, u.name, i.created, i.rows_read, i.valid,"
	    " coalesce(json_extract(i.params, '$.name'), ''), i.file_name"
	    " FROM imports AS i JOIN users AS u ON u.id = i.user_id"
	    " WHERE i.state = ?6 AND (?1 = 0 OR i.user_id = ?1)"
	    " AND (?2 = 0 OR i.created >= ?2) AND (?3 = 0 OR i.created < ?3)"
	    " AND (?4 = '' OR instr(json_extract(i.params, '$.name'), ?4) > 0)"
	    " ORDER BY i.id DESC LIMIT ?5",
	/* (uploader or 0, preview) */
	[STMT_DRAFT_COUNT] =
	    "SELECT count(*) FROM imports"
	    " WHERE state = ?2 AND (?1 = 0 OR user_id = ?1)",
	/* (session, user, form token, created, file name, size) */
	[STMT_KEPT_INSERT] =
	    "INSERT INTO kept_uploads (session_id, user_id, form_token, created,"
	    " file_name, file_path, file_size) VALUES (?, ?, ?, ?, ?, '', ?)"
	    " RETURNING id",
	/* (session, user, form token): KEPT_* columns */
	[STMT_KEPT_GET] =
	    "SELECT id, file_name, file_path, file_size, created FROM kept_uploads"
	    " WHERE session_id = ? AND user_id = ? AND form_token = ?",
	/* (session, user, form token): KEPT_* columns */
	[STMT_KEPT_TAKE] =
	    "DELETE FROM kept_uploads"
	    " WHERE session_id = ? AND user_id = ? AND form_token = ?"
	    " RETURNING id, file_name, file_path, file_size, created",
	/* (created before, limit): too old, or their session has ended */
	[STMT_KEPT_STALE] =
	    "DELETE FROM kept_uploads WHERE id IN (SELECT id FROM kept_uploads"
	    " WHERE created < ?1 OR session_id NOT IN (SELECT id FROM sessions)"
	    " ORDER BY id LIMIT ?2) RETURNING id, file_path",
	/* (owner, owner id, chunk number, bytes) */
	[STMT_UPLOAD_CHUNK_PUT] =
	    "INSERT INTO upload_bytes (owner, owner_id, seq, bytes)"
	    " VALUES (?, ?, ?, ?)",
	/* (owner, owner id): the bytes, in order */
	[STMT_UPLOAD_CHUNKS] =
	    "SELECT bytes FROM upload_bytes WHERE owner = ? AND owner_id = ?"
	    " ORDER BY seq",
	/* (owner, owner id) */
	[STMT_UPLOAD_DELETE] =
	    "DELETE FROM upload_bytes WHERE owner = ? AND owner_id = ?",
};

enum { IMPORT_ID, IMPORT_USER, IMPORT_CREATED, IMPORT_STATE, IMPORT_PARAMS,
    IMPORT_FILE_NAME, IMPORT_FILE_PATH, IMPORT_FILE_SIZE, IMPORT_SHA256,
    IMPORT_FORMAT, IMPORT_ENCODING, IMPORT_DELIMITER, IMPORT_HEADERS,
    IMPORT_PHONE_COL, IMPORT_NAME_COL, IMPORT_ROWS_READ, IMPORT_VALID,
    IMPORT_INVALID, IMPORT_DUPLICATES, IMPORT_SHEET, IMPORT_HEADER_LINE,
    IMPORT_SHEETS, IMPORT_HEAD_ROWS };
enum { IMPORT_ROW_SEQ, IMPORT_ROW_LINE, IMPORT_ROW_PHONE, IMPORT_ROW_NAME,
    IMPORT_ROW_OTHER };
enum { BAD_LINE, BAD_PHONE, BAD_REASON, BAD_DUP_OF };
enum { DRAFT_ID, DRAFT_USER, DRAFT_CREATOR, DRAFT_CREATED, DRAFT_ROWS_READ,
    DRAFT_VALID, DRAFT_NAME, DRAFT_FILE_NAME };
enum { KEPT_ID, KEPT_FILE_NAME, KEPT_FILE_PATH, KEPT_FILE_SIZE,
    KEPT_CREATED };
enum { STALE_ID, STALE_FILE_PATH };
enum { UPLOAD_CHUNK_BYTES };

const char *
import_state_text(enum import_state s)
{
	return s < IMPORT__STATES ? import_states[s].text : "";
}

const char *
import_state_label(enum import_state s)
{
	return s < IMPORT__STATES ? import_states[s].label : "";
}

const char *
import_state_class(enum import_state s)
{
	return s < IMPORT__STATES ? import_states[s].css : "";
}

int
import_state_of(const char *text, enum import_state *s)
{
	size_t	 i;

	for (i = 0; i < IMPORT__STATES; i++)
		if (strcmp(text, import_states[i].text) == 0) {
			*s = import_states[i].state;
			return 0;
		}
	return -1;
}

/* Step a statement that returns at most one row wanted as an integer:
 * 1 and *v, 0 no row, -1 error (logged). Resets it. */
static int
one_int(struct db *db, sqlite3_stmt *st, int64_t *v)
{
	int	 rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		log_err("db: %s", sqlite3_errmsg(db_handle(db)));
	db_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static char *
col_dup(sqlite3_stmt *st, int col, int *nomem)
{
	char	*s = strdup(db_col_text(st, col));

	if (s == NULL)
		*nomem = 1;
	return s;
}

/* --- the import ------------------------------------------------------ */

void
import_clear(struct import *im)
{
	free(im->params);
	free(im->file_name);
	free(im->file_path);
	free(im->file_sha256);
	free(im->format);
	free(im->encoding);
	free(im->delimiter);
	free(im->headers);
	free(im->sheets);
	free(im->head_rows);
	memset(im, 0, sizeof(*im));
}

/* Fill im from a row of STMT_IMPORT_GET: 0, or -1 (im cleared). */
static int
import_fill(sqlite3_stmt *st, struct import *im)
{
	int	 nomem = 0;

	im->id = sqlite3_column_int64(st, IMPORT_ID);
	im->user_id = sqlite3_column_int64(st, IMPORT_USER);
	im->created = sqlite3_column_int64(st, IMPORT_CREATED);
	if (import_state_of(db_col_text(st, IMPORT_STATE), &im->state) == -1) {
		log_err("db: import %lld: unknown state %s", (long long)im->id,
		    db_col_text(st, IMPORT_STATE));
		return -1;
	}
	im->params = col_dup(st, IMPORT_PARAMS, &nomem);
	im->file_name = col_dup(st, IMPORT_FILE_NAME, &nomem);
	im->file_path = col_dup(st, IMPORT_FILE_PATH, &nomem);
	im->file_size = sqlite3_column_int64(st, IMPORT_FILE_SIZE);
	im->file_sha256 = col_dup(st, IMPORT_SHA256, &nomem);
	im->format = col_dup(st, IMPORT_FORMAT, &nomem);
	im->encoding = col_dup(st, IMPORT_ENCODING, &nomem);
	im->delimiter = col_dup(st, IMPORT_DELIMITER, &nomem);
	im->headers = col_dup(st, IMPORT_HEADERS, &nomem);
	im->phone_col = sqlite3_column_int(st, IMPORT_PHONE_COL);
	im->name_col = sqlite3_column_int(st, IMPORT_NAME_COL);
	im->rows_read = sqlite3_column_int64(st, IMPORT_ROWS_READ);
	im->valid = sqlite3_column_int64(st, IMPORT_VALID);
	im->invalid = sqlite3_column_int64(st, IMPORT_INVALID);
	im->duplicates = sqlite3_column_int64(st, IMPORT_DUPLICATES);
	im->sheet = sqlite3_column_int(st, IMPORT_SHEET);
	im->header_line = (long)sqlite3_column_int64(st, IMPORT_HEADER_LINE);
	im->sheets = col_dup(st, IMPORT_SHEETS, &nomem);
	im->head_rows = col_dup(st, IMPORT_HEAD_ROWS, &nomem);
	if (nomem) {
		import_clear(im);
		return -1;
	}
	return 0;
}

int
store_import_get(struct db *db, int64_t id, struct import *im)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_GET);
	int		 rc, found;

	memset(im, 0, sizeof(*im));
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		found = import_fill(st, im) == 0 ? 1 : -1;
	else if (rc == SQLITE_DONE)
		found = 0;
	else {
		log_err("db: import %lld: %s", (long long)id,
		    sqlite3_errmsg(db_handle(db)));
		found = -1;
	}
	db_reset(st);
	return found;
}

int
store_import_insert(struct db *db, const struct import_new *n, int64_t *id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_INSERT);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, n->user_id);
	db_bind_int(st, 2, n->created);
	db_bind_text(st, 3, import_state_text(IMPORT_LOADING));
	db_bind_text(st, 4, n->params);
	db_bind_text(st, 5, n->file_name);
	db_bind_int(st, 6, n->file_size);
	db_bind_text(st, 7, n->file_sha256);
	db_bind_int(st, 8, n->phone_col);
	db_bind_int(st, 9, n->name_col);
	return one_int(db, st, id) == 1 ? 0 : -1;
}

int
store_import_reload(struct db *db, int64_t id, int phone_col, int name_col)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_RELOAD);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, import_state_text(IMPORT_LOADING));
	db_bind_int(st, 2, phone_col);
	db_bind_int(st, 3, name_col);
	db_bind_int(st, 4, id);
	db_bind_text(st, 5, import_state_text(IMPORT_PREVIEW));
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db_handle(db)) == 1 ? 1 : 0;
}

int
store_import_finish(struct db *db, int64_t id, const struct import_read *f)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_FINISH);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, import_state_text(IMPORT_PREVIEW));
	db_bind_text(st, 2, f->format);
	db_bind_text(st, 3, f->encoding);
	db_bind_text(st, 4, f->delimiter);
	db_bind_text(st, 5, f->headers);
	db_bind_int(st, 6, f->phone_col);
	db_bind_int(st, 7, f->name_col);
	db_bind_int(st, 8, f->rows_read);
	db_bind_int(st, 9, f->valid);
	db_bind_int(st, 10, f->invalid);
	db_bind_int(st, 11, f->duplicates);
	db_bind_int(st, 12, f->sheet);
	db_bind_int(st, 13, f->header_line);
	db_bind_text(st, 14, f->sheets);
	db_bind_text(st, 15, f->head_rows);
	db_bind_int(st, 16, id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
store_import_decide(struct db *db, int64_t id, enum import_state to)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_SET_STATE);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, import_state_text(to));
	db_bind_int(st, 2, id);
	db_bind_text(st, 3, import_state_text(IMPORT_PREVIEW));
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db_handle(db)) == 1 ? 1 : 0;
}

int
store_import_delete(struct db *db, int64_t id)
{
	sqlite3_stmt	*st;

	if (store_import_rows_delete(db, id, NULL) == -1 ||
	    store_upload_delete(db, UPLOAD_IMPORT, id) == -1 ||
	    (st = db_stmt(db, STMT_IMPORT_DELETE)) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

/* --- its rows -------------------------------------------------------- */

int
store_import_row_good(struct db *db, int64_t import_id,
    const struct import_row_new *row)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_ROW_VALID);
	int64_t		 seq;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, import_id);
	db_bind_int(st, 2, row->seq);
	db_bind_int(st, 3, row->line);
	db_bind_text(st, 4, row->phone);
	db_bind_text(st, 5, row->name);
	db_bind_text(st, 6, row->other);
	return one_int(db, st, &seq);
}

int
store_import_row_first(struct db *db, int64_t import_id, const char *phone,
    int64_t *line)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_ROW_FIRST);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, import_id);
	db_bind_text(st, 2, phone);
	return one_int(db, st, line);
}

int
store_import_row_bad(struct db *db, int64_t import_id,
    const struct import_row_new *row)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_ROW_BAD);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, import_id);
	db_bind_int(st, 2, row->seq);
	db_bind_int(st, 3, row->line);
	db_bind_text(st, 4, row->phone);
	db_bind_text(st, 5, row->name);
	db_bind_text(st, 6, row->other);
	db_bind_text(st, 7, row->reason);
	db_bind_int(st, 8, row->dup_of);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
store_import_rows_delete(struct db *db, int64_t import_id, int64_t *deleted)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_ROWS_DELETE);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, import_id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	if (deleted != NULL)
		*deleted = sqlite3_changes(db_handle(db));
	return 0;
}

struct store_cursor *
store_import_rows(struct db *db, int64_t import_id, int64_t first,
    int64_t last)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_IMPORT_ROWS_RANGE)) == NULL)
		return NULL;
	db_bind_int(st, 1, import_id);
	db_bind_int(st, 2, first);
	db_bind_int(st, 3, last);
	return db_cursor(st);
}

int
store_import_rows_next(struct store_cursor *c, struct import_row *row)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cursor_step(c, &st)) != 1)
		return rc;
	row->seq = sqlite3_column_int64(st, IMPORT_ROW_SEQ);
	row->line = sqlite3_column_int64(st, IMPORT_ROW_LINE);
	row->phone = db_col_text(st, IMPORT_ROW_PHONE);
	row->name = db_col_text(st, IMPORT_ROW_NAME);
	row->other = db_col_text(st, IMPORT_ROW_OTHER);
	return 1;
}

struct store_cursor *
store_import_bad(struct db *db, int64_t import_id, int64_t limit,
    int64_t offset)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_IMPORT_BAD_PAGE)) == NULL)
		return NULL;
	db_bind_int(st, 1, import_id);
	db_bind_int(st, 2, limit);
	db_bind_int(st, 3, offset);
	return db_cursor(st);
}

int
store_import_bad_next(struct store_cursor *c, struct import_bad *row)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cursor_step(c, &st)) != 1)
		return rc;
	row->line = sqlite3_column_int64(st, BAD_LINE);
	row->phone = db_col_text(st, BAD_PHONE);
	row->reason = db_col_text(st, BAD_REASON);
	row->dup_of = sqlite3_column_int64(st, BAD_DUP_OF);
	return 1;
}

/* --- the task it becomes --------------------------------------------- */

int
store_import_task(struct db *db, int64_t import_id, int64_t *task_id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_TASK);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, import_id);
	return one_int(db, st, task_id);
}

int
store_task_insert(struct db *db, const struct task_new *t, int64_t *id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_TASK_INSERT);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, t->import_id);
	db_bind_int(st, 2, t->user_id);
	db_bind_text(st, 3, t->name);
	db_bind_text(st, 4, t->params);
	db_bind_text(st, 5, t->login_name);
	db_bind_int(st, 6, t->created);
	db_bind_text(st, 7, TASK_QUEUED);
	db_bind_int(st, 8, t->rows);
	db_bind_int(st, 9, t->batch_count);
	return one_int(db, st, id) == 1 ? 0 : -1;
}

int
store_batch_insert(struct db *db, int64_t task_id, int64_t seq,
    int64_t first_seq, int64_t rows, int64_t now)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_BATCH_INSERT);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, task_id);
	db_bind_int(st, 2, seq);
	db_bind_int(st, 3, first_seq);
	db_bind_int(st, 4, rows);
	db_bind_text(st, 5, BATCH_QUEUED);
	db_bind_int(st, 6, now);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

/* --- housekeeping and retention -------------------------------------- */

/* Rows of (id, file_path) into ids[] and paths[]: how many, -1. */
static int
ids_and_paths(sqlite3_stmt *st, int64_t *ids, char **paths,
    int max)
{
	int	 n = 0, rc;

	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids[n] = sqlite3_column_int64(st, STALE_ID);
		if ((paths[n] = strdup(db_col_text(st, STALE_FILE_PATH))) ==
		    NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		n++;
	}
	if (n == max)
		rc = SQLITE_DONE;
	db_reset(st);
	if (rc != SQLITE_DONE) {
		log_err("db: %s", sqlite3_errstr(rc));
		while (n > 0)
			free(paths[--n]);
		return -1;
	}
	return n;
}

int
store_import_stale(struct db *db, enum import_state state, int64_t before,
    int64_t *ids, char **paths, int max)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_STALE);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, import_state_text(state));
	db_bind_int(st, 2, before);
	db_bind_int(st, 3, max);
	return ids_and_paths(st, ids, paths, max);
}

int
store_retention_due(struct db *db, int64_t before, int64_t *ids, int max)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_RETENTION_DUE);
	int		 n = 0, rc = SQLITE_DONE;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, before);
	db_bind_int(st, 2, max);
	db_bind_text(st, 3, import_state_text(IMPORT_CONFIRMED));
	db_bind_text(st, 4, BATCH_SENT);
	db_bind_text(st, 5, BATCH_CANCELLED);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	db_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? n : -1;
}

int
store_import_set_purged(struct db *db, int64_t id, int64_t at)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_SET_PURGED);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, at);
	db_bind_int(st, 2, id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
store_import_purged(struct db *db, int64_t id, int64_t *at)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_PURGED);

	*at = 0;
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	return one_int(db, st, at);
}

/* --- drafts ---------------------------------------------------------- */

void
drafts_free(struct draft *d, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(d[i].creator);
		free(d[i].name);
		free(d[i].file_name);
	}
	free(d);
}

int
store_drafts(struct db *db, const struct draft_filter *f, size_t max,
    struct draft **out, size_t *n)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_DRAFT_LIST);
	struct draft	*d, *all;
	int		 rc = SQLITE_DONE, nomem = 0;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	if ((all = calloc(max > 0 ? max : 1, sizeof(*all))) == NULL) {
		db_reset(st);
		return -1;
	}
	db_bind_int(st, 1, f->user_id);
	db_bind_int(st, 2, f->from);
	db_bind_int(st, 3, f->to);
	db_bind_text(st, 4, f->name_part != NULL ? f->name_part : "");
	db_bind_int(st, 5, (int64_t)max);
	db_bind_text(st, 6, import_state_text(IMPORT_PREVIEW));
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		d = &all[(*n)++];
		d->import_id = sqlite3_column_int64(st, DRAFT_ID);
		d->user_id = sqlite3_column_int64(st, DRAFT_USER);
		d->creator = col_dup(st, DRAFT_CREATOR, &nomem);
		d->created = sqlite3_column_int64(st, DRAFT_CREATED);
		d->rows_read = sqlite3_column_int64(st, DRAFT_ROWS_READ);
		d->valid = sqlite3_column_int64(st, DRAFT_VALID);
		d->name = col_dup(st, DRAFT_NAME, &nomem);
		d->file_name = col_dup(st, DRAFT_FILE_NAME, &nomem);
		if (nomem)
			break;
	}
	db_reset(st);
	/* A last SQLITE_ROW: it stopped at max, not at an error. */
	if (nomem || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		drafts_free(all, *n);
		*n = 0;
		return -1;
	}
	*out = all;
	return 0;
}

int64_t
store_draft_count(struct db *db, int64_t user_id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_DRAFT_COUNT);
	int64_t		 n = -1;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, import_state_text(IMPORT_PREVIEW));
	return one_int(db, st, &n) == 1 ? n : -1;
}

/* --- kept uploads ---------------------------------------------------- */

void
kept_upload_clear(struct kept_upload *k)
{
	free(k->file_name);
	free(k->file_path);
	memset(k, 0, sizeof(*k));
}

/* Fill k from a row of STMT_KEPT_GET or STMT_KEPT_TAKE: 0, -1. */
static int
kept_fill(sqlite3_stmt *st, struct kept_upload *k)
{
	int	 nomem = 0;

	k->id = sqlite3_column_int64(st, KEPT_ID);
	k->file_name = col_dup(st, KEPT_FILE_NAME, &nomem);
	k->file_path = col_dup(st, KEPT_FILE_PATH, &nomem);
	k->file_size = sqlite3_column_int64(st, KEPT_FILE_SIZE);
	k->created = sqlite3_column_int64(st, KEPT_CREATED);
	if (nomem) {
		kept_upload_clear(k);
		return -1;
	}
	return 0;
}

int
store_kept_insert(struct db *db, int64_t session_id, int64_t user_id,
    const char *token, int64_t now, const char *file_name, int64_t size,
    int64_t *id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_KEPT_INSERT);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, session_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, token);
	db_bind_int(st, 4, now);
	db_bind_text(st, 5, file_name);
	db_bind_int(st, 6, size);
	return one_int(db, st, id) == 1 ? 0 : -1;
}

/* STMT_KEPT_GET or STMT_KEPT_TAKE for (session, user, token). */
static int
kept_one(struct db *db, enum stmt s, int64_t session_id, int64_t user_id,
    const char *token, struct kept_upload *k)
{
	sqlite3_stmt	*st = db_stmt(db, s);
	int		 rc, found = 0;

	memset(k, 0, sizeof(*k));
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, session_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, token);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		found = kept_fill(st, k) == 0 ? 1 : -1;
	else if (rc != SQLITE_DONE) {
		log_err("db: kept upload: %s", sqlite3_errmsg(db_handle(db)));
		found = -1;
	}
	db_reset(st);
	return found;
}

int
store_kept_get(struct db *db, int64_t session_id, int64_t user_id,
    const char *token, struct kept_upload *k)
{
	return kept_one(db, STMT_KEPT_GET, session_id, user_id, token, k);
}

int
store_kept_take(struct db *db, int64_t session_id, int64_t user_id,
    const char *token, struct kept_upload *k)
{
	return kept_one(db, STMT_KEPT_TAKE, session_id, user_id, token, k);
}

int
store_kept_stale(struct db *db, int64_t before, int64_t *ids, char **paths,
    int max)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_KEPT_STALE);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, before);
	db_bind_int(st, 2, max);
	return ids_and_paths(st, ids, paths, max);
}

/* --- upload bytes ---------------------------------------------------- */

int
store_upload_put(struct db *db, enum upload_owner owner, int64_t id,
    int64_t seq, const void *bytes, size_t len)
{
	sqlite3_stmt	*st;

	if (len > STORE_UPLOAD_CHUNK) {
		log_err("db: upload chunk of %zu bytes is too large", len);
		return -1;
	}
	if ((st = db_stmt(db, STMT_UPLOAD_CHUNK_PUT)) == NULL)
		return -1;
	db_bind_text(st, 1, upload_owners[owner]);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, seq);
	/* A zero-length chunk (an empty file) is a blob, not NULL. */
	sqlite3_bind_blob(st, 4, len > 0 ? bytes : "", (int)len,
	    SQLITE_STATIC);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
store_upload_read(struct db *db, enum upload_owner owner, int64_t id,
    int (*cb)(void *, const void *, size_t), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc, found = 0, stopped = 0;

	if ((st = db_stmt(db, STMT_UPLOAD_CHUNKS)) == NULL)
		return -1;
	db_bind_text(st, 1, upload_owners[owner]);
	db_bind_int(st, 2, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = 1;
		if (cb(arg, sqlite3_column_blob(st, UPLOAD_CHUNK_BYTES),
		    (size_t)sqlite3_column_bytes(st, UPLOAD_CHUNK_BYTES)) != 0) {
			stopped = 1;
			break;
		}
	}
	if (!stopped && rc != SQLITE_DONE)
		log_err("db: upload %s %lld: %s", upload_owners[owner],
		    (long long)id, sqlite3_errmsg(db_handle(db)));
	db_reset(st);
	if (stopped || rc != SQLITE_DONE)
		return -1;
	return found;
}

int
store_upload_delete(struct db *db, enum upload_owner owner, int64_t id)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_UPLOAD_DELETE)) == NULL)
		return -1;
	db_bind_text(st, 1, upload_owners[owner]);
	db_bind_int(st, 2, id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}
