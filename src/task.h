/* task.h: call tasks. An uploaded list becomes an import (rows stored,
 * counted and shown for preview); a confirmed import becomes a task split
 * into batches, which `dialdesk worker` sends. */
#ifndef DIALDESK_TASK_H
#define DIALDESK_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "calllist.h"
#include "dnc.h"

struct audit_actor;
struct cJSON;
struct config;
struct db;

/* What a person chose on the task form: the vendor's parameters. */
struct task_params {
	char	*name;
	char	*video_bot_id;
	int	 is_voice_divide;
	char	*audio_bot_id;
	int	 is_relate_send_message;
	char	*msg_template_id;
	char	*msg_title;
	int	 send_message_phase;		/* 0: not given */
	int	 is_relate_video_message;
	char	*video_message_template_id;
	int	 send_video_message_phase;	/* 0: not given */
	/* Not a vendor parameter: the duplicate rule across tasks, stored
	 * with the import (dnc.h), never in the JSON above. */
	struct dup_rule dup;
};

/* The chosen parameters as stored (JSON with the API's names) and back. */
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

/*
 * Read the list at file_path into a new import (import_id 0) or again
 * into an existing one with another column mapping. Rows are written in
 * chunks; on any failure everything of this import is removed and
 * nothing stays. who/details: the audit entry "list.uploaded" is written
 * in the transaction that makes the import visible. Returns 0 and sets
 * *import_id, 1 when the list itself is unusable (err says why, in
 * Chinese and English), -1 on an internal error.
 */
int	import_load(struct db *, const struct config *,
	    const struct audit_actor *who, int64_t user_id,
	    const char *file_path, const char *file_name,
	    const struct task_params *, int phone_col, int name_col,
	    int64_t *import_id, struct calllist_error *err);

/* Would the list at path read with these columns? Reads only its start;
 * 0 yes, 1 no (err says why). For a new mapping of a previewed list,
 * before anything stored is touched. */
int	import_check_mapping(const char *path, int phone_col, int name_col,
	    struct calllist_error *err);

/* An import as stored. */
struct import {
	int64_t	 id, user_id, created;
	char	*state, *params, *file_name, *file_path, *file_sha256;
	char	*format, *encoding, *delimiter, *headers;
	int64_t	 file_size;
	int	 phone_col, name_col;
	int64_t	 rows_read, valid, invalid, duplicates;
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
 * died are removed. Returns how many imports went, -1 on error. */
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
