/* state.c: the tables of task and batch states. */
#include "autoconf.h"

#include <string.h>

#include "state.h"

const struct state_def task_states[TASK_STATE__MAX] = {
	[TASK_QUEUED] =    { TASK_QUEUED, "queued", "排队中", "queued" },
	[TASK_SENDING] =   { TASK_SENDING, "sending", "发送中", "sending" },
	[TASK_SENT] =      { TASK_SENT, "sent", "已发送", "sent" },
	[TASK_ATTENTION] = { TASK_ATTENTION, "attention", "需处理", "attention" },
	[TASK_CANCELLED] = { TASK_CANCELLED, "cancelled", "已取消", "cancelled" },
	[TASK_PREVIEW] =   { TASK_PREVIEW, "preview", "待确认", "preview" },
};

const struct state_def batch_states[BATCH_STATE__MAX] = {
	[BATCH_QUEUED] =    { BATCH_QUEUED, "queued", "排队中", "queued" },
	[BATCH_SENDING] =   { BATCH_SENDING, "sending", "发送中", "sending" },
	[BATCH_SENT] =      { BATCH_SENT, "sent", "已发送", "sent" },
	[BATCH_FAILED] =    { BATCH_FAILED, "failed", "供应商拒绝", "failed" },
	[BATCH_UNKNOWN] =   { BATCH_UNKNOWN, "unknown", "结果未知", "unknown" },
	[BATCH_CANCELLED] = { BATCH_CANCELLED, "cancelled", "已取消",
	    "cancelled" },
};

/* What an enum value outside its table reads as: visible, never a crash. */
static const struct state_def no_state = { -1, "?", "?", "unknown-state" };

static int
parse(const struct state_def *tab, int n, const char *text)
{
	int	 i;

	for (i = 0; i < n; i++)
		if (strcmp(tab[i].text, text) == 0)
			return i;
	return -1;
}

int
task_state_parse(const char *text, enum task_state *s)
{
	int	 i = parse(task_states, TASK_STATE__MAX, text);

	if (i == -1)
		return -1;
	*s = (enum task_state)i;
	return 0;
}

int
batch_state_parse(const char *text, enum batch_state *s)
{
	int	 i = parse(batch_states, BATCH_STATE__MAX, text);

	if (i == -1)
		return -1;
	*s = (enum batch_state)i;
	return 0;
}

const struct state_def *
task_state_def(enum task_state s)
{
	return (int)s >= 0 && s < TASK_STATE__MAX ? &task_states[s] : &no_state;
}

const struct state_def *
batch_state_def(enum batch_state s)
{
	return (int)s >= 0 && s < BATCH_STATE__MAX ? &batch_states[s] :
	    &no_state;
}
