/* store/imports.c: the statements of imports and their rows, and the
 * typed functions over them. */
#include "autoconf.h"

#include "db.h"
#include "log.h"
#include "store/imports.h"

const char *const store_sql_imports[STMT__MAX] = {
	/* (import, first seq, last seq): IMPORT_ROW_* columns */
	[STMT_IMPORT_ROWS_RANGE] =
	    "SELECT seq, line, phone, name, other FROM import_rows"
	    " WHERE import_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
	/* (owner, owner id, chunk number, bytes) */
	[STMT_UPLOAD_CHUNK_PUT] =
	    "INSERT INTO upload_bytes (owner, owner_id, seq, bytes)"
	    " VALUES (?, ?, ?, ?)",
	/* (owner, owner id): UPLOAD_CHUNK_* columns */
	[STMT_UPLOAD_CHUNKS] =
	    "SELECT bytes FROM upload_bytes WHERE owner = ? AND owner_id = ?"
	    " ORDER BY seq",
	/* (owner, owner id) */
	[STMT_UPLOAD_DELETE] =
	    "DELETE FROM upload_bytes WHERE owner = ? AND owner_id = ?",
};

enum { UPLOAD_CHUNK_BYTES };

/* The stored text of each owner of upload bytes. */
static const char *const upload_owners[] = {
	[UPLOAD_IMPORT] = "import",
	[UPLOAD_KEPT] = "kept",
};

enum { IMPORT_ROW_SEQ, IMPORT_ROW_LINE, IMPORT_ROW_PHONE, IMPORT_ROW_NAME,
    IMPORT_ROW_OTHER };

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
