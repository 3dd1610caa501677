/* task.h: call tasks. An uploaded list becomes an import (rows stored,
 * counted and shown for preview); a confirmed import becomes a task split
 * into batches, which `dialdesk worker` sends. */
#ifndef DIALDESK_TASK_H
#define DIALDESK_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "calllist.h"
#include "dnc.h"
#include "fields.h"

struct audit_actor;
struct cJSON;
struct config;
struct db;

/* What a person chose on the task form: the vendor's parameters, one
 * value per field of fields.h (text[] for text fields, "" when not given;
 * num[] for switches, 0 or 1, and phases, 0 not given or 1-3). */
struct task_params {
	char	*text[FIELD__MAX];
	int	 num[FIELD__MAX];
	/* Not a vendor parameter: the duplicate rule across tasks, stored
	 * with the import (dnc.h), never in the JSON above. */
	struct dup_rule dup;
};

/* The chosen parameters as stored (JSON of the form's fields by their API
 * names: strings, booleans, numbers) and back. Parsing takes any stored
 * object: a field it lacks is "" or 0, so that older tasks still read. */
struct cJSON	*task_params_json(const struct task_params *);
int		 task_params_parse(const char *json, struct task_params *);
void		 task_params_free(struct task_params *);
/* The Chinese label of a phase 1-3, "" for 0. */
const char	*task_phase_label(int phase);

/* Row states in import_rows.reason besides phone_reason_code(). */
#define REASON_DUPLICATE	"duplicate"
#define REASON_MISSING_COLS	"missing_columns"
#define REASON_EXTRA_COLS	"extra_columns"
/* and REASON_DNC, REASON_RECENT (dnc.h); a recent repeat kept: */
#define REASON_RECENT_KEPT	"recent_kept"
/* Chinese text of a stored reason. */
const char	*task_reason_zh(const char *reason);

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
 * into an existing one with other choices. Rows are written in chunks; on
 * any failure everything of this import is removed and nothing stays. A
 * list without a phone column is not a failure: the import is a preview
 * without rows (phone_col -1), for the operator to say where the header
 * and the phone are. who/details: the audit entry "list.uploaded" (or
 * "list.remapped") is written in the transaction that makes the import
 * visible. Returns 0 and sets *import_id, 1 when the list itself is
 * unusable (err says why, in Chinese and English), -1 on an internal
 * error.
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

/* An import as stored. */
struct import {
	int64_t	 id, user_id, created;
	char	*state, *params, *file_name, *file_path, *file_sha256;
	char	*format, *encoding, *delimiter, *headers;
	int64_t	 file_size;
	int	 phone_col, name_col;	/* phone_col -1: none was found */
	int64_t	 rows_read, valid, invalid, duplicates;
	int	 sheet;			/* the sheet read, from 0 */
	long	 header_line;		/* the header's row; 0: none */
	char	*sheets;	/* JSON [{"name","rows","hidden"}] */
	char	*head_rows;	/* JSON [{"line","text"}]: first rows */
};
/* 1 found, 0 not, -1 error; release with import_clear(). */
int	import_get(struct db *, int64_t id, struct import *);
void	import_clear(struct import *);

/* Make a task of a previewed import: batches of cfg->batch_size. Returns
 * the task id, 0 when the import cannot be confirmed (not in preview, or
 * no valid row), -1 on error. */
int64_t	import_confirm(struct db *, const struct config *,
	    const struct audit_actor *who, int64_t import_id,
	    const char *login_name);
/* Cancel an import in preview: its rows and file are removed. 1 done,
 * 0 not in preview, -1 error. */
int	import_cancel(struct db *, const struct audit_actor *who,
	    int64_t import_id);

/* Housekeeping (the worker runs it): previews nobody decided on within
 * preview_days are cancelled, their rows and files removed (audited as
 * list.cancelled by "system"); uploads left half-loaded by a worker that
 * died are removed, and so are kept uploads (below) past their time or
 * session. Returns how many imports and files went, -1 on error. */
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
int	import_drafts(struct db *, const struct draft_filter *, size_t max,
	    struct draft **out, size_t *n);
void	drafts_free(struct draft *, size_t n);
/* How many drafts user_id (0: everyone) has; -1 on error. */
int64_t	import_draft_count(struct db *, int64_t user_id);

/* A list file kept after a refused task form, so that the operator need
 * not choose it again: bound to one session, its user and one form token
 * (the form's hidden field). Its path is one dialdesk made (mkstemp in
 * upload_dir), never anything the browser sent. */
struct kept_upload {
	char	*file_name;	/* cleaned, for display */
	char	*file_path;
	int64_t	 file_size, created;
};
/* How long a kept upload stays. */
#define KEPT_UPLOAD_SECONDS	3600
/* Keep the file at path for (session, token); whatever was kept there
 * before is removed. 0, or -1 (nothing kept; the caller still owns the
 * file). */
int	kept_upload_put(struct db *, int64_t session_id, int64_t user_id,
	    const char *token, const char *path, const char *file_name,
	    int64_t size, int64_t now);
/* Look the kept file up without taking it: 1 found (k filled), 0 none or
 * too old (then removed), -1 error. Release k with kept_upload_clear(). */
int	kept_upload_get(struct db *, int64_t session_id, int64_t user_id,
	    const char *token, int64_t now, struct kept_upload *k);
/* Take it out of the store: 1 and the caller owns k->file_path (the file)
 * from now on, 0 none (a file too old is removed), -1 error. Taking is one
 * statement, so that two submissions of one form cannot both get it. */
int	kept_upload_take(struct db *, int64_t session_id, int64_t user_id,
	    const char *token, int64_t now, struct kept_upload *k);
/* Take it and remove the file: 1 done, 0 none, -1 error. */
int	kept_upload_drop(struct db *, int64_t session_id, int64_t user_id,
	    const char *token);
void	kept_upload_clear(struct kept_upload *);

/* A task as stored, with its creator's name. */
struct task_row {
	int64_t	 id, import_id, rows, batch_count, created;
	char	*creator, *name, *params, *login_name, *state;
};
/* 1 found, 0 not, -1 error; release with task_clear(). */
int	task_get(struct db *, int64_t id, struct task_row *);
void	task_clear(struct task_row *);

/* Cancel the task's queued batches. Returns how many, -1 on error. */
int	task_cancel(struct db *, const struct audit_actor *who,
	    int64_t task_id);
/* Queue an unknown or failed batch again, by a person's decision.
 * 1 done, 0 not in such a state, -1 error. */
int	batch_resend(struct db *, const struct audit_actor *who,
	    int64_t batch_id);
/* Recompute tasks.state from its batches (inside a transaction). */
int	task_refresh_state(struct db *, int64_t task_id);

/* Chinese labels of task and batch states. */
const char	*task_state_label(const char *state);
const char	*batch_state_label(const char *state);

#endif
