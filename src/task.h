/* task.h: call tasks. An uploaded list becomes an import (rows stored,
 * counted and shown for preview); a confirmed import becomes a task split
 * into batches, which `dialdesk worker` sends. */
#ifndef DIALDESK_TASK_H
#define DIALDESK_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "calllist.h"
#include "dnc.h"
#include "store/tasks.h"
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

/* A task as stored (struct task_row, task_get), its batches and their
 * states are in store/tasks.h and state.h, included above. */

/* Cancel the task's queued batches (audited as task.cancelled). Returns
 * how many, -1 on error. */
int	task_cancel(struct db *, const struct audit_actor *who,
	    int64_t task_id);
/* Queue an unknown or failed batch again, by a person's decision (audited
 * as batch.resent). 1 done, 0 not in such a state, -1 error. */
int	batch_resend(struct db *, const struct audit_actor *who,
	    int64_t batch_id);

#endif
