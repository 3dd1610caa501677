/* state.h: the states of tasks and batches, each an enum with one table
 * {enum, stored text, Chinese label, CSS class}. A state is converted from
 * its stored text once, when its row is read (src/store/), and bound back
 * as a parameter; no other code spells a state. */
#ifndef DIALDESK_STATE_H
#define DIALDESK_STATE_H

enum task_state {
	TASK_QUEUED,
	TASK_SENDING,
	TASK_SENT,
	TASK_ATTENTION,		/* a batch failed or its outcome is unknown */
	TASK_CANCELLED,
	/* Not a task yet: an import in preview, listed with the tasks (and
	 * a value of the task list's status filter); never stored in tasks. */
	TASK_PREVIEW,
	TASK_STATE__MAX
};

enum batch_state {
	BATCH_QUEUED,
	BATCH_SENDING,
	BATCH_SENT,
	BATCH_FAILED,		/* the vendor refused it */
	BATCH_UNKNOWN,		/* it may or may not have reached the vendor */
	BATCH_CANCELLED,
	BATCH_STATE__MAX
};

/* One row of a state table. css is the suffix of the badge's class
 * (badge-<css>) in the templates. */
struct state_def {
	int		 state;		/* the enum value: row i holds state i */
	const char	*text;		/* as stored in the database */
	const char	*label;		/* Chinese, for pages and exports */
	const char	*css;
};

extern const struct state_def task_states[TASK_STATE__MAX];
extern const struct state_def batch_states[BATCH_STATE__MAX];

/* The stored text to the enum: 0, or -1 when text names no state. */
int		 task_state_parse(const char *text, enum task_state *);
int		 batch_state_parse(const char *text, enum batch_state *);

/* The row of a state (an out-of-range value gets a row of "?" texts, never
 * NULL). */
const struct state_def *task_state_def(enum task_state);
const struct state_def *batch_state_def(enum batch_state);

/* Shorthands for the columns of a state's row. */
#define task_state_text(s)	(task_state_def(s)->text)
#define task_state_label(s)	(task_state_def(s)->label)
#define task_state_css(s)	(task_state_def(s)->css)
#define batch_state_text(s)	(batch_state_def(s)->text)
#define batch_state_label(s)	(batch_state_def(s)->label)
#define batch_state_css(s)	(batch_state_def(s)->css)

#endif
