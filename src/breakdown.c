/* breakdown.c: loading a task's import figures. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "breakdown.h"
#include "store/tasks.h"

static int
add_batch(void *arg, const struct batch_figures *f)
{
	struct breakdown *b = arg;
	struct bd_row	*row, *grown;
	size_t		 i, cap;

	if (b->n == b->cap) {
		cap = b->cap ? b->cap * 2 : 16;
		if ((grown = realloc(b->rows, cap * sizeof(*b->rows))) == NULL)
			return -1;
		b->rows = grown;
		b->cap = cap;
	}
	/* What every batch has; the rest stays zero until a push says. */
	row = &b->rows[b->n++];
	*row = (struct bd_row){ .batch_id = f->batch_id, .seq = f->seq,
	    .state = f->state, .rows = f->rows, .sent_at = f->sent_at,
	    .pushed = f->pushed, .pushes = f->pushes };
	if (f->state == BATCH_SENT)
		b->sent_rows += row->rows;
	if (!row->pushed)
		return 0;
	row->received = f->received;
	row->ok = f->ok;
	if ((row->reason = strdup(f->reason)) == NULL)
		return -1;
	if (!row->ok)
		return 0;
	for (i = 0; i < PF__MAX; i++) {
		row->fig[i] = f->fig[i];
		b->total[i] += row->fig[i];
	}
	b->reported_rows += row->rows;
	b->with_figures++;
	return 0;
}

int
breakdown_load(struct db *db, int64_t task_id, struct breakdown *b)
{
	memset(b, 0, sizeof(*b));
	return store_task_breakdown(db, task_id, add_batch, b);
}

void
breakdown_clear(struct breakdown *b)
{
	size_t	 i;

	for (i = 0; i < b->n; i++)
		free(b->rows[i].reason);
	free(b->rows);
	memset(b, 0, sizeof(*b));
}
