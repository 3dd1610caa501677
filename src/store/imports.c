/* store/imports.c: the statements of imports, their rows and bytes, the
 * drafts, the kept uploads and the task a confirmed import becomes, with
 * the column enum and the fill function of each row type, and the one
 * table of import states. */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_pg.h"
#include "log.h"
#include "store/imports.h"
#include "store/rows.h"

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

/* The VALUES of STMT_IMPORT_ROWS_PUT: STORE_IMPORT_ROWS_BATCH rows. */
#define ROW_8	"(?, ?, ?, ?, ?, ?, ?, ?)"
#define ROWS_2	ROW_8 ", " ROW_8
#define ROWS_4	ROWS_2 ", " ROWS_2
#define ROWS_8	ROWS_4 ", " ROWS_4
#define ROWS_16	ROWS_8 ", " ROWS_8
#define ROWS_32	ROWS_16 ", " ROWS_16
#define ROWS_64	ROWS_32 ", " ROWS_32
#define ROWS_128	ROWS_64 ", " ROWS_64
#if STORE_IMPORT_ROWS_BATCH != 128
#error "STMT_IMPORT_ROWS_PUT holds 128 rows"
#endif

STORE_SQL_TABLE(imports) = {
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
	/* (import, seq, line, phone, name, other): changes no row when the
	 * number was stored before (no RETURNING: SQLite gathers its rows
	 * in a temporary table, a third of the cost of a row) */
	[STMT_IMPORT_ROW_VALID] =
	    "INSERT INTO import_rows (import_id, seq, line, phone, name, other,"
	    " reason) VALUES (?, ?, ?, ?, ?, ?, '')"
	    " ON CONFLICT (import_id, phone) WHERE seq > 0 DO NOTHING",
	/* (import, phone): the line */
	[STMT_IMPORT_ROW_FIRST] =
	    "SELECT line FROM import_rows"
	    " WHERE import_id = ? AND phone = ? AND seq > 0",
	/* (import, seq, line, phone, name, other, reason, dup_of) */
	[STMT_IMPORT_ROW_BAD] =
	    "INSERT INTO import_rows (import_id, seq, line, phone, name, other,"
	    " reason, dup_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	/* (import, seq, line, phone, name, other, reason, dup_of) times
	 * STORE_IMPORT_ROWS_BATCH: one statement for many rows costs less
	 * than a statement a row. SQLite copies the pages such a statement
	 * changes into a statement journal (a temporary file once one
	 * statement needed more than 64 KiB), about as many pages for 128
	 * rows as for 8: so many rows a statement. */
	[STMT_IMPORT_ROWS_PUT] =
	    "INSERT INTO import_rows (import_id, seq, line, phone, name, other,"
	    " reason, dup_of) VALUES " ROWS_128,
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
	/* (import, key, limit): the bad rows (seq -line) after the key's line
	 * (key -line, 0 from the first), by line; or (_UP) those before it,
	 * last first, both by the primary key: BAD_* columns */
	[STMT_IMPORT_BAD_PAGE] =
	    "SELECT line, phone, reason, dup_of FROM import_rows"
	    " WHERE import_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
	[STMT_IMPORT_BAD_PAGE_UP] =
	    "SELECT line, phone, reason, dup_of FROM import_rows"
	    " WHERE import_id = ?1 AND seq > ?2 AND seq < 0 ORDER BY seq"
	    " LIMIT ?3",
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

/*
 * On PostgreSQL the rows of store_import_rows_put() go by COPY, not by
 * STMT_IMPORT_ROWS_PUT: no statement to parse, bind and execute for each
 * 128 rows, and the stream stays open from one call to the next until
 * the transaction's next statement or its commit (db_pg.c). Its columns
 * are STMT_IMPORT_ROWS_PUT's, in that order. Not a prepared statement,
 * so not in the table.
 */
static const char import_rows_copy[] =
    "COPY import_rows (import_id, seq, line, phone, name, other, reason,"
    " dup_of) FROM STDIN";

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

/* --- the import ------------------------------------------------------ */

/* The texts an import owns. */
static const struct row_text import_texts[] = {
	ROW_TEXT(struct import, params, IMPORT_PARAMS),
	ROW_TEXT(struct import, file_name, IMPORT_FILE_NAME),
	ROW_TEXT(struct import, file_path, IMPORT_FILE_PATH),
	ROW_TEXT(struct import, file_sha256, IMPORT_SHA256),
	ROW_TEXT(struct import, format, IMPORT_FORMAT),
	ROW_TEXT(struct import, encoding, IMPORT_ENCODING),
	ROW_TEXT(struct import, delimiter, IMPORT_DELIMITER),
	ROW_TEXT(struct import, headers, IMPORT_HEADERS),
	ROW_TEXT(struct import, sheets, IMPORT_SHEETS),
	ROW_TEXT(struct import, head_rows, IMPORT_HEAD_ROWS),
};

void
import_clear(struct import *im)
{
	row_texts_clear(im, sizeof(*im), import_texts, ROW_TEXTS(import_texts));
}

/* Fill im from a row of STMT_IMPORT_GET: 0, or -1 (im cleared). */
static int
import_fill(void *arg, const struct db_row *st)
{
	struct import	*im = arg;

	im->id = db_col_int(st, IMPORT_ID);
	im->user_id = db_col_int(st, IMPORT_USER);
	im->created = db_col_int(st, IMPORT_CREATED);
	if (import_state_of(db_col_text(st, IMPORT_STATE), &im->state) == -1) {
		log_err("db: import %lld: unknown state %s", (long long)im->id,
		    db_col_text(st, IMPORT_STATE));
		return -1;
	}
	im->file_size = db_col_int(st, IMPORT_FILE_SIZE);
	im->phone_col = (int)db_col_int(st, IMPORT_PHONE_COL);
	im->name_col = (int)db_col_int(st, IMPORT_NAME_COL);
	im->rows_read = db_col_int(st, IMPORT_ROWS_READ);
	im->valid = db_col_int(st, IMPORT_VALID);
	im->invalid = db_col_int(st, IMPORT_INVALID);
	im->duplicates = db_col_int(st, IMPORT_DUPLICATES);
	im->sheet = (int)db_col_int(st, IMPORT_SHEET);
	im->header_line = (long)db_col_int(st, IMPORT_HEADER_LINE);
	return row_texts_dup(im, sizeof(*im), st, import_texts,
	    ROW_TEXTS(import_texts));
}

int
store_import_get(struct db *db, int64_t id, struct import *im)
{
	memset(im, 0, sizeof(*im));
	return db_one_row(db, STMT_IMPORT_GET, import_fill, im, DB_INT(id));
}

int
store_import_insert(struct db *db, const struct import_new *n, int64_t *id)
{
	return db_one_int(db, STMT_IMPORT_INSERT, id, DB_INT(n->user_id),
	    DB_INT(n->created), DB_TEXT(import_state_text(IMPORT_LOADING)),
	    DB_TEXT(n->params), DB_TEXT(n->file_name), DB_INT(n->file_size),
	    DB_TEXT(n->file_sha256), DB_INT(n->phone_col),
	    DB_INT(n->name_col)) == 1 ? 0 : -1;
}

int
store_import_reload(struct db *db, int64_t id, int phone_col, int name_col)
{
	int64_t	 n;

	n = db_run_changes(db, STMT_IMPORT_RELOAD,
	    DB_TEXT(import_state_text(IMPORT_LOADING)), DB_INT(phone_col),
	    DB_INT(name_col), DB_INT(id),
	    DB_TEXT(import_state_text(IMPORT_PREVIEW)));
	return n == -1 ? -1 : n == 1 ? 1 : 0;
}

int
store_import_finish(struct db *db, int64_t id, const struct import_read *f)
{
	return db_run(db, STMT_IMPORT_FINISH,
	    DB_TEXT(import_state_text(IMPORT_PREVIEW)), DB_TEXT(f->format),
	    DB_TEXT(f->encoding), DB_TEXT(f->delimiter), DB_TEXT(f->headers),
	    DB_INT(f->phone_col), DB_INT(f->name_col), DB_INT(f->rows_read),
	    DB_INT(f->valid), DB_INT(f->invalid), DB_INT(f->duplicates),
	    DB_INT(f->sheet), DB_INT(f->header_line), DB_TEXT(f->sheets),
	    DB_TEXT(f->head_rows), DB_INT(id));
}

int
store_import_decide(struct db *db, int64_t id, enum import_state to)
{
	int64_t	 n;

	n = db_run_changes(db, STMT_IMPORT_SET_STATE,
	    DB_TEXT(import_state_text(to)), DB_INT(id),
	    DB_TEXT(import_state_text(IMPORT_PREVIEW)));
	return n == -1 ? -1 : n == 1 ? 1 : 0;
}

int
store_import_delete(struct db *db, int64_t id)
{
	if (store_import_rows_delete(db, id, NULL) == -1 ||
	    store_upload_delete(db, UPLOAD_IMPORT, id) == -1)
		return -1;
	return db_run(db, STMT_IMPORT_DELETE, DB_INT(id));
}

/* --- its rows -------------------------------------------------------- */

int
store_import_row_good(struct db *db, int64_t import_id,
    const struct import_row_new *row)
{
	int64_t	 n;

	n = db_run_changes(db, STMT_IMPORT_ROW_VALID, DB_INT(import_id),
	    DB_INT(row->seq), DB_INT(row->line), DB_TEXT(row->phone),
	    DB_TEXT(row->name), DB_TEXT(row->other));
	return n == -1 ? -1 : n > 0;
}

int
store_import_row_first(struct db *db, int64_t import_id, const char *phone,
    int64_t *line)
{
	return db_one_int(db, STMT_IMPORT_ROW_FIRST, line, DB_INT(import_id),
	    DB_TEXT(phone));
}

int
store_import_row_bad(struct db *db, int64_t import_id,
    const struct import_row_new *row)
{
	return db_run(db, STMT_IMPORT_ROW_BAD, DB_INT(import_id),
	    DB_INT(row->seq), DB_INT(row->line), DB_TEXT(row->phone),
	    DB_TEXT(row->name), DB_TEXT(row->other), DB_TEXT(row->reason),
	    DB_INT(row->dup_of));
}

/* The rows into the COPY of import_rows, opened unless it is open. */
static int
import_rows_copy_put(struct pg *pg, int64_t import_id,
    const struct import_row_new *rows, size_t n)
{
	const struct import_row_new *r;
	size_t		 i;

	if (pg_copy_start(pg, import_rows_copy) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		r = &rows[i];
		if (pg_copy_int(pg, import_id, 0) == -1 ||
		    pg_copy_int(pg, r->seq, 0) == -1 ||
		    pg_copy_int(pg, r->line, 0) == -1 ||
		    pg_copy_text(pg, r->phone, 0) == -1 ||
		    pg_copy_text(pg, r->name, 0) == -1 ||
		    pg_copy_text(pg, r->other, 0) == -1 ||
		    pg_copy_text(pg, r->reason, 0) == -1 ||
		    pg_copy_int(pg, r->dup_of, 1) == -1)
			return -1;
	}
	return 0;
}

int
store_import_rows_put(struct db *db, int64_t import_id,
    const struct import_row_new *rows, size_t n)
{
	struct db_param	 p[STORE_IMPORT_ROWS_BATCH * 8 + 1];
	const struct import_row_new *r;
	size_t		 i, k;

	if (db_is_pg(db))
		return n > 0 ? import_rows_copy_put(db_pg(db), import_id, rows,
		    n) : 0;

	/* The texts are the caller's until the statement has run: bound
	 * without a copy. */
	for (i = 0; i + STORE_IMPORT_ROWS_BATCH <= n;
	    i += STORE_IMPORT_ROWS_BATCH) {
		for (k = 0; k < STORE_IMPORT_ROWS_BATCH; k++) {
			r = &rows[i + k];
			p[k * 8] = DB_INT(import_id);
			p[k * 8 + 1] = DB_INT(r->seq);
			p[k * 8 + 2] = DB_INT(r->line);
			p[k * 8 + 3] = DB_TEXTN(r->phone, strlen(r->phone));
			p[k * 8 + 4] = DB_TEXTN(r->name, strlen(r->name));
			p[k * 8 + 5] = DB_TEXTN(r->other, strlen(r->other));
			p[k * 8 + 6] = DB_TEXTN(r->reason, strlen(r->reason));
			p[k * 8 + 7] = DB_INT(r->dup_of);
		}
		p[STORE_IMPORT_ROWS_BATCH * 8] =
		    (struct db_param){ DB_P_END, 0, NULL, 0 };
		if (db_run_params(db, STMT_IMPORT_ROWS_PUT, p) == -1)
			return -1;
	}
	for (; i < n; i++)
		if (store_import_row_bad(db, import_id, &rows[i]) == -1)
			return -1;
	return 0;
}

int
store_import_rows_delete(struct db *db, int64_t import_id, int64_t *deleted)
{
	int64_t	 n;

	if ((n = db_run_changes(db, STMT_IMPORT_ROWS_DELETE,
	    DB_INT(import_id))) == -1)
		return -1;
	if (deleted != NULL)
		*deleted = n;
	return 0;
}

struct store_cursor *
store_import_rows(struct db *db, int64_t import_id, int64_t first,
    int64_t last)
{
	return db_open_cursor(db, STMT_IMPORT_ROWS_RANGE, DB_INT(import_id),
	    DB_INT(first), DB_INT(last));
}

static int
import_row_fill(void *arg, const struct db_row *st)
{
	struct import_row *row = arg;

	row->seq = db_col_int(st, IMPORT_ROW_SEQ);
	row->line = db_col_int(st, IMPORT_ROW_LINE);
	row->phone = db_col_text(st, IMPORT_ROW_PHONE);
	row->name = db_col_text(st, IMPORT_ROW_NAME);
	row->other = db_col_text(st, IMPORT_ROW_OTHER);
	return 0;
}

int
store_import_rows_next(struct store_cursor *c, struct import_row *row)
{
	return db_cursor_next(c, import_row_fill, row);
}

struct store_cursor *
store_import_bad(struct db *db, int64_t import_id, int64_t line, int up,
    int64_t limit)
{
	/* A bad row's seq is minus its line. */
	return db_open_cursor(db, up ? STMT_IMPORT_BAD_PAGE_UP :
	    STMT_IMPORT_BAD_PAGE, DB_INT(import_id), DB_INT(-line),
	    DB_INT(limit > 0 ? limit : INT64_MAX));
}

static int
import_bad_fill(void *arg, const struct db_row *st)
{
	struct import_bad *row = arg;

	row->line = db_col_int(st, BAD_LINE);
	row->phone = db_col_text(st, BAD_PHONE);
	row->reason = db_col_text(st, BAD_REASON);
	row->dup_of = db_col_int(st, BAD_DUP_OF);
	return 0;
}

int
store_import_bad_next(struct store_cursor *c, struct import_bad *row)
{
	return db_cursor_next(c, import_bad_fill, row);
}

/* --- the task it becomes --------------------------------------------- */

int
store_import_task(struct db *db, int64_t import_id, int64_t *task_id)
{
	return db_one_int(db, STMT_IMPORT_TASK, task_id, DB_INT(import_id));
}

int
store_task_insert(struct db *db, const struct task_new *t, int64_t *id)
{
	return db_one_int(db, STMT_TASK_INSERT, id, DB_INT(t->import_id),
	    DB_INT(t->user_id), DB_TEXT(t->name), DB_TEXT(t->params),
	    DB_TEXT(t->login_name), DB_INT(t->created), DB_TEXT(TASK_QUEUED),
	    DB_INT(t->rows), DB_INT(t->batch_count)) == 1 ? 0 : -1;
}

int
store_batch_insert(struct db *db, int64_t task_id, int64_t seq,
    int64_t first_seq, int64_t rows, int64_t now)
{
	return db_run(db, STMT_BATCH_INSERT, DB_INT(task_id), DB_INT(seq),
	    DB_INT(first_seq), DB_INT(rows), DB_TEXT(BATCH_QUEUED), DB_INT(now));
}

/* --- housekeeping and retention -------------------------------------- */

/* Rows of (id, file_path) into ids[] and paths[], up to max (the
 * statements' LIMIT). */
struct stale_out {
	int64_t	*ids;
	char	**paths;
	int	 n, max;
};

static int
stale_row(void *arg, const struct db_row *st)
{
	struct stale_out *o = arg;

	if (o->n == o->max)
		return 0;
	o->ids[o->n] = db_col_int(st, STALE_ID);
	if ((o->paths[o->n] = strdup(db_col_text(st, STALE_FILE_PATH))) ==
	    NULL) {
		log_err("db: stale uploads: out of memory");
		return -1;
	}
	o->n++;
	return 0;
}

/* How many, or -1 with nothing to free. */
static int
stale_end(struct stale_out *o, int rc)
{
	if (rc == 0)
		return o->n;
	while (o->n > 0)
		free(o->paths[--o->n]);
	return -1;
}

int
store_import_stale(struct db *db, enum import_state state, int64_t before,
    int64_t *ids, char **paths, int max)
{
	struct stale_out o = { ids, paths, 0, max };

	return stale_end(&o, db_each(db, STMT_IMPORT_STALE, stale_row, &o,
	    DB_TEXT(import_state_text(state)), DB_INT(before), DB_INT(max)));
}

/* Ids into ids[], up to max (the statement's LIMIT). */
struct ids_out {
	int64_t	*ids;
	int	 n, max;
};

static int
id_row(void *arg, const struct db_row *st)
{
	struct ids_out	*o = arg;

	if (o->n < o->max)
		o->ids[o->n++] = db_col_int(st, 0);
	return 0;
}

int
store_retention_due(struct db *db, int64_t before, int64_t *ids, int max)
{
	struct ids_out	 o = { ids, 0, max };

	if (db_each(db, STMT_RETENTION_DUE, id_row, &o, DB_INT(before),
	    DB_INT(max), DB_TEXT(import_state_text(IMPORT_CONFIRMED)),
	    DB_TEXT(BATCH_SENT), DB_TEXT(BATCH_CANCELLED)) == -1)
		return -1;
	return o.n;
}

int
store_import_set_purged(struct db *db, int64_t id, int64_t at)
{
	return db_run(db, STMT_IMPORT_SET_PURGED, DB_INT(at), DB_INT(id));
}

int
store_import_purged(struct db *db, int64_t id, int64_t *at)
{
	*at = 0;
	return db_one_int(db, STMT_IMPORT_PURGED, at, DB_INT(id));
}

/* --- drafts ---------------------------------------------------------- */

/* The texts a draft owns. */
static const struct row_text draft_texts[] = {
	ROW_TEXT(struct draft, creator, DRAFT_CREATOR),
	ROW_TEXT(struct draft, name, DRAFT_NAME),
	ROW_TEXT(struct draft, file_name, DRAFT_FILE_NAME),
};

void
drafts_free(struct draft *d, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		row_texts_clear(&d[i], sizeof(d[i]), draft_texts,
		    ROW_TEXTS(draft_texts));
	free(d);
}

/* The drafts read so far, up to max (the statement's LIMIT). */
struct drafts_out {
	struct draft	*all;
	size_t		 n, max;
};

static int
draft_row(void *arg, const struct db_row *st)
{
	struct drafts_out *o = arg;
	struct draft	*d;

	if (o->n == o->max)
		return 0;
	d = &o->all[o->n++];
	d->import_id = db_col_int(st, DRAFT_ID);
	d->user_id = db_col_int(st, DRAFT_USER);
	d->created = db_col_int(st, DRAFT_CREATED);
	d->rows_read = db_col_int(st, DRAFT_ROWS_READ);
	d->valid = db_col_int(st, DRAFT_VALID);
	return row_texts_dup(d, sizeof(*d), st, draft_texts,
	    ROW_TEXTS(draft_texts));
}

int
store_drafts(struct db *db, const struct draft_filter *f, size_t max,
    struct draft **out, size_t *n)
{
	struct drafts_out o = { NULL, 0, max };

	*out = NULL;
	*n = 0;
	if ((o.all = calloc(max > 0 ? max : 1, sizeof(*o.all))) == NULL)
		return -1;
	if (db_each(db, STMT_DRAFT_LIST, draft_row, &o, DB_INT(f->user_id),
	    DB_INT(f->from), DB_INT(f->to),
	    DB_TEXT(f->name_part != NULL ? f->name_part : ""),
	    DB_INT((int64_t)max),
	    DB_TEXT(import_state_text(IMPORT_PREVIEW))) == -1) {
		drafts_free(o.all, o.n);
		return -1;
	}
	*out = o.all;
	*n = o.n;
	return 0;
}

int64_t
store_draft_count(struct db *db, int64_t user_id)
{
	int64_t	 n = -1;

	return db_one_int(db, STMT_DRAFT_COUNT, &n, DB_INT(user_id),
	    DB_TEXT(import_state_text(IMPORT_PREVIEW))) == 1 ? n : -1;
}

/* --- kept uploads ---------------------------------------------------- */

/* The texts a kept upload owns. */
static const struct row_text kept_texts[] = {
	ROW_TEXT(struct kept_upload, file_name, KEPT_FILE_NAME),
	ROW_TEXT(struct kept_upload, file_path, KEPT_FILE_PATH),
};

void
kept_upload_clear(struct kept_upload *k)
{
	row_texts_clear(k, sizeof(*k), kept_texts, ROW_TEXTS(kept_texts));
}

/* Fill k from a row of STMT_KEPT_GET or STMT_KEPT_TAKE: 0, -1. */
static int
kept_fill(void *arg, const struct db_row *st)
{
	struct kept_upload *k = arg;

	k->id = db_col_int(st, KEPT_ID);
	k->file_size = db_col_int(st, KEPT_FILE_SIZE);
	k->created = db_col_int(st, KEPT_CREATED);
	return row_texts_dup(k, sizeof(*k), st, kept_texts,
	    ROW_TEXTS(kept_texts));
}

int
store_kept_insert(struct db *db, int64_t session_id, int64_t user_id,
    const char *token, int64_t now, const char *file_name, int64_t size,
    int64_t *id)
{
	return db_one_int(db, STMT_KEPT_INSERT, id, DB_INT(session_id),
	    DB_INT(user_id), DB_TEXT(token), DB_INT(now), DB_TEXT(file_name),
	    DB_INT(size)) == 1 ? 0 : -1;
}

/* STMT_KEPT_GET or STMT_KEPT_TAKE for (session, user, token). */
static int
kept_one(struct db *db, enum stmt s, int64_t session_id, int64_t user_id,
    const char *token, struct kept_upload *k)
{
	memset(k, 0, sizeof(*k));
	return db_one_row(db, s, kept_fill, k, DB_INT(session_id),
	    DB_INT(user_id), DB_TEXT(token));
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
	struct stale_out o = { ids, paths, 0, max };

	return stale_end(&o, db_each(db, STMT_KEPT_STALE, stale_row, &o,
	    DB_INT(before), DB_INT(max)));
}

/* --- upload bytes ---------------------------------------------------- */

int
store_upload_put(struct db *db, enum upload_owner owner, int64_t id,
    int64_t seq, const void *bytes, size_t len)
{
	if (len > STORE_UPLOAD_CHUNK) {
		log_err("db: upload chunk of %zu bytes is too large", len);
		return -1;
	}
	/* A zero-length chunk (an empty file) is a blob, not NULL. */
	return db_run(db, STMT_UPLOAD_CHUNK_PUT, DB_TEXT(upload_owners[owner]),
	    DB_INT(id), DB_INT(seq), DB_BLOB(bytes, len));
}

/* The chunks of an upload handed to a caller's callback. */
struct chunks_walk {
	int	(*cb)(void *, const void *, size_t);
	void	*arg;
	int	 found;
};

static int
chunk_row(void *arg, const struct db_row *st)
{
	struct chunks_walk *w = arg;
	size_t		 n;
	const void	*b = db_col_blob(st, UPLOAD_CHUNK_BYTES, &n);

	w->found = 1;
	/* An empty chunk comes back as NULL: the callback gets a real
	 * pointer, so that memcpy(dst, b, 0) and fwrite stay defined. */
	return w->cb(w->arg, b != NULL ? b : "", n);
}

int
store_upload_read(struct db *db, enum upload_owner owner, int64_t id,
    int (*cb)(void *, const void *, size_t), void *arg)
{
	struct chunks_walk w = { cb, arg, 0 };

	if (db_each(db, STMT_UPLOAD_CHUNKS, chunk_row, &w,
	    DB_TEXT(upload_owners[owner]), DB_INT(id)) == -1)
		return -1;
	return w.found;
}

int
store_upload_delete(struct db *db, enum upload_owner owner, int64_t id)
{
	return db_run(db, STMT_UPLOAD_DELETE, DB_TEXT(upload_owners[owner]),
	    DB_INT(id));
}
