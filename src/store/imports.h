/* store/imports.h: imports (uploaded call lists) as stored: the import,
 * its rows, its bytes, the drafts, the kept uploads of refused forms, the
 * task a confirmed import becomes, and the import states. The rules of
 * loading, confirming and expiring are in import.h; this is only what is
 * stored and how it is read back. */
#ifndef DIALDESK_STORE_IMPORTS_H
#define DIALDESK_STORE_IMPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The states of an import, with their one table in store/imports.c. */
enum import_state {
	IMPORT_LOADING,		/* its rows are being stored */
	IMPORT_PREVIEW,		/* a draft: waiting for its uploader */
	IMPORT_CONFIRMED,	/* a task was made of it */
	IMPORT_CANCELLED,	/* dropped, its rows and bytes gone */
	IMPORT__STATES
};
/* The stored text, the Chinese label and the CSS class of a state. */
const char	*import_state_text(enum import_state);
const char	*import_state_label(enum import_state);
const char	*import_state_class(enum import_state);
/* The state of a stored text: 0 and *s, -1 when unknown. */
int		 import_state_of(const char *text, enum import_state *s);

/* An import as stored. */
struct import {
	int64_t	 id, user_id, created;
	enum import_state state;
	char	*params, *file_name, *file_path, *file_sha256;
	char	*format, *encoding, *delimiter, *headers;
	int64_t	 file_size;
	int	 phone_col, name_col;	/* phone_col -1: none was found */
	int64_t	 rows_read, valid, invalid, duplicates;
	int	 sheet;			/* the sheet read, from 0 */
	long	 header_line;		/* the header's row; 0: none */
	char	*sheets;	/* JSON [{"name","rows","hidden"}] */
	char	*head_rows;	/* JSON [{"line","text"}]: first rows */
};
/* 1 found (im filled; release with import_clear), 0 not, -1 error. */
int	store_import_get(struct db *, int64_t id, struct import *im);
void	import_clear(struct import *);

/* A new import, in state loading, without rows: 0 and *id, or -1. */
struct import_new {
	int64_t		 user_id, created, file_size;
	const char	*params, *file_name, *file_sha256;
	int		 phone_col, name_col;
};
int	store_import_insert(struct db *, const struct import_new *,
	    int64_t *id);
/* Back to loading with other columns, its figures at 0, only from
 * preview: 1 done, 0 not in preview, -1 error. */
int	store_import_reload(struct db *, int64_t id, int phone_col,
	    int name_col);
/* What reading the list found: the import goes to preview. 0 or -1. */
struct import_read {
	const char	*format, *encoding, *delimiter, *headers;
	int		 phone_col, name_col;
	int64_t		 rows_read, valid, invalid, duplicates;
	int		 sheet;
	long		 header_line;
	const char	*sheets, *head_rows;	/* JSON, as in struct import */
};
int	store_import_finish(struct db *, int64_t id, const struct import_read *);
/* Move an import in preview to state to: 1 done, 0 not in preview, -1. */
int	store_import_decide(struct db *, int64_t id, enum import_state to);
/* Delete the import itself (its rows and bytes first): 0 or -1. */
int	store_import_delete(struct db *, int64_t id);

/* One row of a list as loaded. seq: for a good row its number among the
 * good rows (1, 2, ...); for a bad one minus its line. */
struct import_row_new {
	int64_t		 seq, line;
	const char	*phone, *name, *other;	/* other: JSON array */
	const char	*reason;		/* bad rows only */
	int64_t		 dup_of;		/* bad rows: the first line */
};
/* A good row: 1 stored, 0 its phone is stored already (a repeat), -1. */
int	store_import_row_good(struct db *, int64_t import_id,
	    const struct import_row_new *);
/* The line of the good row with this phone: 1 and *line, 0 none, -1. */
int	store_import_row_first(struct db *, int64_t import_id,
	    const char *phone, int64_t *line);
/* A bad row (invalid, repeated, screened): 0 or -1. */
int	store_import_row_bad(struct db *, int64_t import_id,
	    const struct import_row_new *);
/* Rows that store_import_rows_put() writes with one statement. */
#define STORE_IMPORT_ROWS_BATCH	128
/* n rows of any kind at once, as given (a good row's reason ""; its phone
 * must not be stored yet: the caller has found the repeats): 0 or -1.
 * Inside a transaction. On PostgreSQL they go into a COPY left open for
 * the next call: a row the server refuses fails the transaction's next
 * statement or its commit, and a rollback drops them all. */
int	store_import_rows_put(struct db *, int64_t import_id,
	    const struct import_row_new *rows, size_t n);
/* Delete every row of an import: 0 with *deleted (may be NULL), or -1. */
int	store_import_rows_delete(struct db *, int64_t import_id,
	    int64_t *deleted);

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

/* A bad row as the preview and the error report show it (borrowed). */
struct import_bad {
	int64_t		 line, dup_of;	/* dup_of 0: not a repeat */
	const char	*phone, *reason;
};
/* The bad rows by key: up 0, those after line (0: from the first), by
 * line; up 1, those before line, the last first; limit of them (0: all).
 * NULL on error; one cursor at a time, as above. */
struct store_cursor *store_import_bad(struct db *, int64_t import_id,
	    int64_t line, int up, int64_t limit);
int	store_import_bad_next(struct store_cursor *, struct import_bad *);

/* The task made of an import: 1 and *task_id, 0 none, -1 error. */
int	store_import_task(struct db *, int64_t import_id, int64_t *task_id);
/* The task of a confirmed import and its batches, all queued. */
struct task_new {
	int64_t		 import_id, user_id, created, rows, batch_count;
	const char	*name, *params, *login_name;
};
int	store_task_insert(struct db *, const struct task_new *, int64_t *id);
int	store_batch_insert(struct db *, int64_t task_id, int64_t seq,
	    int64_t first_seq, int64_t rows, int64_t now);

/* Imports in state created before (oldest first, at most max): ids[] and
 * the file each names (paths[], "" for all since 014; the caller frees
 * them). Returns how many, -1 on error. */
int	store_import_stale(struct db *, enum import_state, int64_t before,
	    int64_t *ids, char **paths, int max);
/* Confirmed imports whose task has no batch left to decide on and none
 * changed since before, not purged yet: ids[], how many (<= max), -1. */
int	store_retention_due(struct db *, int64_t before, int64_t *ids,
	    int max);
/* Mark an import's rows purged at time at: 0 or -1. */
int	store_import_set_purged(struct db *, int64_t id, int64_t at);
/* When its rows were purged: 1 and *at (0: not purged), 0 no such
 * import, -1 error. */
int	store_import_purged(struct db *, int64_t id, int64_t *at);

/* A draft: an import in preview that nobody confirmed or cancelled. */
struct draft {
	int64_t	 import_id, user_id, created, rows_read, valid;
	char	*creator, *name, *file_name;
};
/* Which drafts: 0 and NULL match everything; to is exclusive. */
struct draft_filter {
	int64_t		 user_id;
	int64_t		 from, to;
	const char	*name_part;
};
/* The newest drafts (at most max). 0 with *out (free with drafts_free)
 * and *n set, -1 on error. */
int	store_drafts(struct db *, const struct draft_filter *, size_t max,
	    struct draft **out, size_t *n);
void	drafts_free(struct draft *, size_t n);
/* How many drafts user_id (0: everyone) has; -1 on error. */
int64_t	store_draft_count(struct db *, int64_t user_id);

/* A list file kept after a refused task form, so that the operator need
 * not choose it again: bound to one session, its user and one form token
 * (the form's hidden field). Its bytes are kept in the database; a file
 * exists only for the request that takes it (a scratch file dialdesk made
 * in upload_dir, never a name the browser sent). */
struct kept_upload {
	int64_t	 id;
	char	*file_name;	/* cleaned, for display */
	char	*file_path;	/* taken: the scratch file; else "" (or, kept
				 * before migration 014, its old file) */
	int64_t	 file_size, created;
};
void	kept_upload_clear(struct kept_upload *);
/* A new kept upload (no bytes yet): 0 and *id, or -1. */
int	store_kept_insert(struct db *, int64_t session_id, int64_t user_id,
	    const char *token, int64_t now, const char *file_name,
	    int64_t size, int64_t *id);
/* The kept upload of (session, user, token): 1 (k filled), 0 none, -1. */
int	store_kept_get(struct db *, int64_t session_id, int64_t user_id,
	    const char *token, struct kept_upload *k);
/* The same, deleted as it is read (one statement): 1, 0, -1. */
int	store_kept_take(struct db *, int64_t session_id, int64_t user_id,
	    const char *token, struct kept_upload *k);
/* Delete the kept uploads created before or whose session has ended (at
 * most max): ids[] and paths[] (freed by the caller); how many, -1. */
int	store_kept_stale(struct db *, int64_t before, int64_t *ids,
	    char **paths, int max);

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
