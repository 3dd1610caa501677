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
