/* import.h: uploaded call lists, from the upload to the task. A list is
 * read into an import (its rows stored, counted and shown for preview,
 * its bytes kept in the database so that it can be read again with other
 * choices); a confirmed import becomes a task split into batches, which
 * `dialdesk worker` sends. Also: who may act on an import, drafts, the
 * files kept after a refused task form, expiry and retention. */
#ifndef DIALDESK_IMPORT_H
#define DIALDESK_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "calllist.h"
#include "store/imports.h"
#include "task.h"

struct audit_actor;
struct config;
struct db;
struct request;

/* How a list is read: what the preview lets the operator choose. */
struct import_choice {
	int	 sheet;		/* -1: the first visible sheet with rows */
	long	 header_line;	/* -1: found; 0: no header row; N: row N */
	int	 phone_col;	/* CALLLIST_DETECT or an index */
	int	 name_col;	/* CALLLIST_DETECT, CALLLIST_NONE or an index */
};
/* Everything found from the list itself. */
void	import_choice_init(struct import_choice *);

/*
 * Read the list at file_path into a new import (import_id 0) or again
 * into an existing one with other choices. A new import stores the file's
 * bytes in the database (the caller removes the file at the end of its
 * request; a later one reads them with import_scratch). Rows are written
 * in chunks; on any failure everything of this import is removed and
 * nothing stays. A list without a phone column is not a failure: the
 * import is a preview without rows (phone_col -1), for the operator to
 * say where the header and the phone are. who/details: the audit entry
 * "list.uploaded" (or "list.remapped") is written in the transaction that
 * makes the import visible. Returns 0 and sets *import_id, 1 when the
 * list itself is unusable (err says why, in Chinese and English), -1 on
 * an internal error.
 */
int	import_load_choice(struct db *, const struct config *,
	    const struct audit_actor *who, int64_t user_id,
	    const char *file_path, const char *file_name,
	    const struct task_params *, const struct import_choice *,
	    int64_t *import_id, struct calllist_error *err);
/* The same with the sheet and header found and the columns given. */
int	import_load(struct db *, const struct config *,
	    const struct audit_actor *who, int64_t user_id,
	    const char *file_path, const char *file_name,
	    const struct task_params *, int phone_col, int name_col,
	    int64_t *import_id, struct calllist_error *err);

/* Would the list at path read with these choices? Reads only its start;
 * 0 yes (also when no phone column is found), 1 no (err says why). For
 * new choices on a previewed list, before anything stored is touched. */
int	import_check_choice(const char *path, const struct import_choice *,
	    struct calllist_error *err);

/* The list of an import written to a private file in upload_dir (which
 * the readers need), for the current request only: 0 with *path, to be
 * given to import_scratch_remove() before the request ends; 1 when the
 * import has no bytes stored (decided, or uploaded before they were kept
 * in the database); -1 on an error (logged). */
int	import_scratch(struct db *, const struct config *, int64_t import_id,
	    char **path);
/* Remove and free a scratch file's path; NULL is ignored. */
void	import_scratch_remove(char *path);

/* 1 found (release with import_clear()), 0 not, -1 error. */
int	import_get(struct db *, int64_t id, struct import *);

/* Who may act on an import (the router has let this session at r->path_id
 * already): load it for a page. 1 when it can be shown (im filled), else
 * 0 with the answer sent (404 when it is gone or still loading, 500). */
int	import_visible(struct request *, struct import *im);
/* The same, and it must be in preview to be decided on: 1, or 0 with the
 * answer sent (also 409 when it is confirmed or cancelled). */
int	import_decidable(struct request *, struct import *im);

/* Whole numbers of r->path_id's list are about to be shown (what:
 * "preview", "errors.csv"): record who asks and the request's reason in
 * the audit log first. 1 recorded, 0 no reason given, -1 error; nothing
 * is sent either way (the page answers: 422 with its own form, 500). */
int	import_reveal_audited(struct request *, const char *what);

/* The titles of an import's other columns (every column but phone and
 * name), in the order a stored row holds their values. headers: the
 * import's JSON array. 0 with *titles (free with import_titles_free) and
 * *n, -1 when headers is not an array or memory runs out. */
int	import_other_titles(const char *headers, int phone_col, int name_col,
	    char ***titles, size_t *n);
void	import_titles_free(char **titles, size_t n);
/* A stored row's other cells (other: its JSON array) realigned with the
 * titles above: values[i] is the value under titles[i], for i < *n <=
 * ntitles. The values are borrowed from *cells, which the caller frees
 * with cJSON_Delete(). 0, or -1 when other is not JSON. */
struct cJSON;
int	import_other_values(const char *other, size_t ntitles,
	    const char **values, size_t *n, struct cJSON **cells);

/* Make a task of a previewed import: batches of cfg->batch_size. Returns
 * the task id, 0 when the import cannot be confirmed (not in preview, or
 * no valid row), -1 on error. The list's bytes go in its transaction. */
int64_t	import_confirm(struct db *, const struct config *,
	    const struct audit_actor *who, int64_t import_id,
	    const char *login_name);
/* Cancel an import in preview: its rows and bytes are removed. 1 done,
 * 0 not in preview, -1 error. */
int	import_cancel(struct db *, const struct audit_actor *who,
	    int64_t import_id);

/* Housekeeping (the worker runs it): previews nobody decided on within
 * preview_days are cancelled, their rows and bytes removed (audited as
 * list.cancelled by "system"); uploads left half-loaded by a worker that
 * died are removed, and so are kept uploads (below) past their time or
 * session. Returns how many imports and kept uploads went, -1 on error. */
int	import_expire(struct db *, int preview_days);
/* Retention of personal data: delete the rows (numbers, names, other
 * columns) of every list whose task is done (each batch sent or
 * cancelled) and unchanged for retention_days, keeping the task, its
 * figures and the audit trail; one audit entry (retention.purged) with the
 * counts per run. Returns the lists purged (*rows: rows deleted), -1. */
int	import_purge_retained(struct db *, int retention_days, int64_t *rows);
/* When the list's rows were removed by retention (unix time), 0 if not,
 * -1 on error. */
int64_t	import_purged_at(struct db *, int64_t import_id);

/* How long an undecided preview (a draft) waits for its uploader. */
#define IMPORT_PREVIEW_DAYS	7
/* The days it waits with this configuration: never past retention_days. */
int	import_preview_days(const struct config *);

/* The newest drafts (struct draft, store/imports.h), at most max. 0 with
 * *out (free with drafts_free) and *n set, -1 on error. */
int	import_drafts(struct db *, const struct draft_filter *, size_t max,
	    struct draft **out, size_t *n);
/* How many drafts user_id (0: everyone) has; -1 on error. */
int64_t	import_draft_count(struct db *, int64_t user_id);

/* How long a kept upload (struct kept_upload, store/imports.h) stays. */
#define KEPT_UPLOAD_SECONDS	3600
/* Keep the bytes of the file at path for (session, token), in one
 * transaction; whatever was kept there before is removed. The caller
 * removes the file itself. 0, or -1 (nothing kept, nothing changed). */
int	kept_upload_put(struct db *, int64_t session_id, int64_t user_id,
	    const char *token, const char *path, const char *file_name,
	    int64_t size, int64_t now);
/* Look the kept upload up without taking it: 1 found (k filled), 0 none
 * or too old (then removed), -1 error. Release k with
 * kept_upload_clear(). */
int	kept_upload_get(struct db *, int64_t session_id, int64_t user_id,
	    const char *token, int64_t now, struct kept_upload *k);
/* Take it out of the store: 1 and k->file_path is a scratch file in
 * upload_dir with its bytes, which the caller removes (with
 * import_scratch_remove) before its request ends; 0 none (one too old is
 * removed); -1 error (nothing taken). Taking is one transaction, so that
 * two submissions of one form cannot both get it. */
int	kept_upload_take(struct db *, const struct config *,
	    int64_t session_id, int64_t user_id, const char *token,
	    int64_t now, struct kept_upload *k);
/* Take it and delete its bytes: 1 done, 0 none, -1 error. */
int	kept_upload_drop(struct db *, int64_t session_id, int64_t user_id,
	    const char *token);

#endif
