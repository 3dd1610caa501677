/* store/imports.h: imports (uploaded call lists) and their rows. */
#ifndef DIALDESK_STORE_IMPORTS_H
#define DIALDESK_STORE_IMPORTS_H

#include "store.h"

/* One stored row of a list: its sequence number among the good rows, its
 * line in the file, the phone, the name and the other cells as a JSON
 * array (aligned with the import's headers). Strings are borrowed. */
struct import_row {
	int64_t		 seq;
	int64_t		 line;
	const char	*phone;
	const char	*name;
	const char	*other;
};

/* The good rows first..last (by seq) of an import, in order. Only one
 * such cursor may be open per connection at a time; close it as soon as
 * the rows are read (an open cursor pins a snapshot). NULL on error. */
struct store_cursor *store_import_rows(struct db *, int64_t import_id,
	    int64_t first, int64_t last);
/* 1 with the next row (valid until the next call), 0 at the end, -1 on an
 * error (logged). */
int	store_import_rows_next(struct store_cursor *, struct import_row *);

#endif
