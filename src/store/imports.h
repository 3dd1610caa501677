/* store/imports.h: imports (uploaded call lists) and their rows. */
#ifndef DIALDESK_STORE_IMPORTS_H
#define DIALDESK_STORE_IMPORTS_H

#include <stddef.h>

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

/* The bytes of an uploaded list, kept in the database (not in upload_dir)
 * from its upload until its preview or kept upload ends, as numbered
 * chunks of at most STORE_UPLOAD_CHUNK bytes. */
enum upload_owner {
	UPLOAD_IMPORT,		/* an import (its id) */
	UPLOAD_KEPT		/* a kept upload (its id) */
};
#define STORE_UPLOAD_CHUNK	(512 * 1024)
/* Add chunk seq (from 0) of the owner's bytes: 0 or -1. */
int	store_upload_put(struct db *, enum upload_owner, int64_t id,
	    int64_t seq, const void *bytes, size_t len);
/* Hand the owner's chunks in order to cb (a non-zero return stops with
 * -1; the bytes are borrowed during the call). 1 done, 0 the owner has
 * no bytes, -1 on an error (logged). */
int	store_upload_read(struct db *, enum upload_owner, int64_t id,
	    int (*cb)(void *arg, const void *bytes, size_t len), void *arg);
/* Delete the owner's bytes: 0 (also when there were none) or -1. */
int	store_upload_delete(struct db *, enum upload_owner, int64_t id);

#endif
