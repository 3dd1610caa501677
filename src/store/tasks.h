/* store/tasks.h: tasks and their batches: the task, its batches and
 * figures for the pages, the task history, the dashboard's sums, and the
 * sender's claim, outcome and recovery of a batch. States are the enums of
 * state.h, converted when a row is read and bound as parameters. */
#ifndef DIALDESK_STORE_TASKS_H
#define DIALDESK_STORE_TASKS_H

#include "push.h"
#include "state.h"
#include "store.h"

/* A task as stored, with its creator's name; strings owned. */
struct task_row {
	int64_t		 id, import_id, user_id, rows, batch_count, created;
	char		*creator, *name, *params, *login_name;
	enum task_state	 state;
};
/* The task id: 1 found, 0 not, -1 error (logged); release t with
 * task_clear() in every case. (These two keep the names and returns they
 * had in task.h, where the task form's copy reads them.) */
int	task_get(struct db *, int64_t id, struct task_row *t);
void	task_clear(struct task_row *);

/* One batch of a task, for its page; strings borrowed. */
struct batch_row {
	int64_t		 id, seq, first_seq, rows, attempts, next_attempt;
	int64_t		 http_status, sent_at, updated;
	int		 has_err_code;
	int64_t		 err_code;
	enum batch_state state;
	const char	*body_sha256, *message, *vendor_task_id;
};
/* A page of the batches of a task by seq, by key: those after after_seq
 * (0: from the first), at most limit (0: all): cb per row, non-zero stops.
 * 0, or -1 on an error (logged) or when cb stopped it. */
int	store_task_batches(struct db *, int64_t task_id, int64_t after_seq,
	    int64_t limit, int (*cb)(void *arg, const struct batch_row *),
	    void *arg);

/* Which tasks the history lists: has_state 0, user_id 0, from and to 0
 * and name_part NULL or "" match everything; to is exclusive. */
struct task_filter {
	int		 has_state;
	enum task_state	 state;
	int64_t		 user_id;
	int64_t		 from, to;
	const char	*name_part;
};
/* A line of the task history; strings borrowed. batches_done: batches
 * settled (sent, refused, unknown or cancelled); 0 in store_task_latest. */
struct task_summary {
	int64_t		 id, created, rows, batch_count, batches_done;
	enum task_state	 state;
	const char	*name, *creator;
};
/* A page of the tasks f selects, by key: newer 0, those older than key
 * (0: from the newest), newest first; newer 1, those newer than key,
 * oldest first; at most limit (0: all of them): cb per row, non-zero
 * stops. 0, or -1. */
int	store_task_list(struct db *, const struct task_filter *f,
	    int64_t key, int newer, int64_t limit,
	    int (*cb)(void *arg, const struct task_summary *), void *arg);
/* The newest limit tasks of user_id (0: everyone's), as above. */
int	store_task_latest(struct db *, int64_t user_id, int64_t limit,
	    int (*cb)(void *arg, const struct task_summary *), void *arg);

/* A batch with its newest push, if any; reason borrowed. */
struct batch_figures {
	int64_t		 batch_id, seq, rows, sent_at;
	enum batch_state state;
	int		 pushed;	/* a push was received */
	int		 ok;		/* it held figures (else a failure) */
	const char	*reason;	/* the vendor's failure text */
	int64_t		 received;	/* the newest push */
	int64_t		 pushes;	/* how many were received */
	int64_t		 fig[PF__MAX];	/* when ok */
};
/* Every batch of the task by seq: cb per row, non-zero stops. 0, or -1. */
int	store_task_breakdown(struct db *, int64_t task_id,
	    int (*cb)(void *arg, const struct batch_figures *), void *arg);
/* The same for a page of them: those after after_seq, at most limit. */
int	store_task_breakdown_page(struct db *, int64_t task_id,
	    int64_t after_seq, int64_t limit,
	    int (*cb)(void *arg, const struct batch_figures *), void *arg);
/* What the task page says of all the batches of a task, from one
 * aggregate: how many, how many still queued or sending, the rows of those
 * sent, and, over the newest push of each batch that held figures, how
 * many batches those are, their rows and the figures summed. */
struct task_totals {
	int64_t		 batches, pending, sent_rows;
	int64_t		 with_figures, reported_rows;
	int64_t		 fig[PF__MAX];
};
/* 0, or -1 (logged). */
int	store_task_totals(struct db *, int64_t task_id, struct task_totals *);

/* The dashboard since a time, for user_id's tasks (0: everyone's): tasks
 * created, and numbers in batches the vendor accepted. 0, or -1. */
int	store_dash_counts(struct db *, int64_t since, int64_t user_id,
	    int64_t *tasks, int64_t *numbers);
/* The newest push of each batch sent since then that held figures,
 * summed, and how many batches those were. 0, or -1. */
int	store_dash_figures(struct db *, int64_t since, int64_t user_id,
	    int64_t *batches, int64_t fig[PF__MAX]);

/* Recompute the task's state from its batches (inside a transaction):
 * 0, or -1. */
int	store_task_refresh(struct db *, int64_t task_id);
/* Cancel the task's queued batches: how many, or -1. */
int	store_task_cancel_batches(struct db *, int64_t task_id, int64_t now);

/* Which batch, of which task. */
struct batch_ref {
	int64_t		 batch_id, task_id, seq;
};
/* Queue again a batch whose outcome is unknown or that was refused: 0 with
 * *ref set, 1 when the batch is in no such state (or none), -1. */
int	store_batch_resend(struct db *, int64_t batch_id, int64_t now,
	    struct batch_ref *ref);
/* The task a batch belongs to: 0 with *task set, 1 when there is no such
 * batch, -1 on an error (logged). */
int	store_batch_task(struct db *, int64_t batch_id, int64_t *task_id);

/* A batch as the sender takes it: its rows are first_seq .. first_seq +
 * rows - 1 of the task's import; attempts counts this one. */
struct batch_claim {
	int64_t		 batch_id, task_id, seq, first_seq, rows, attempts;
};
/* Claim the oldest queued batch that is due at now for worker (inside
 * the caller's BEGIN IMMEDIATE, so that no two workers get it): 0 with *c
 * set, 1 when none is due, -1. */
int	store_batch_claim(struct db *, const char *worker, int64_t now,
	    struct batch_claim *c);
/* The batch store_batch_claim() would take at now, else the queued one
 * due soonest; nothing is claimed (attempts is 0). 0, 1 none queued, -1. */
int	store_batch_next_queued(struct db *, int64_t now,
	    struct batch_claim *c);
/* Is the claim that made attempt of the batch still waiting for its
 * outcome? 1 yes, 0 no, -1 error. */
int	store_batch_claim_open(struct db *, int64_t batch_id,
	    int64_t attempt);

/* What became of a claimed batch (sent, failed or unknown). */
struct batch_outcome {
	int64_t		 batch_id;
	enum batch_state state;
	int64_t		 http_status;
	int		 has_err_code;
	int64_t		 err_code;
	const char	*message;
	const char	*vendor_task_id;	/* NULL unless accepted */
	const char	*body_sha256;
	int64_t		 sent_at;	/* when the vendor answered */
	int64_t		 now;
};
/* Store it, if the batch is still being sent: 0, or -1. */
int	store_batch_finish(struct db *, const struct batch_outcome *);
/* Put a batch being sent back in the queue, due at next_attempt, with
 * why: 0, or -1. */
int	store_batch_requeue(struct db *, int64_t batch_id,
	    int64_t next_attempt, const char *message, int64_t now);
/* Batches claimed before claimed_before and still being sent (their
 * worker died) become unknown with message: up to max of them in out.
 * Returns how many were written to out, or -1. */
int	store_batches_stale(struct db *, const char *message, int64_t now,
	    int64_t claimed_before, struct batch_ref *out, size_t max);

/* What sending a task's batch needs of the task and its list; strings
 * owned. headers: the list's header row as a JSON array of strings. */
struct task_send {
	char		*name, *params, *login_name, *headers;
	int64_t		 import_id, batch_count;
	int		 phone_col, name_col;
};
/* 0, 1 no such task, -1; release with task_send_clear() in every case. */
int	store_task_for_send(struct db *, int64_t task_id, struct task_send *);
void	task_send_clear(struct task_send *);

#endif
