/* store/tasks.h: tasks and their batches. */
#ifndef DIALDESK_STORE_TASKS_H
#define DIALDESK_STORE_TASKS_H

#include "store.h"

/* The task a batch belongs to: 0 with *task set, 1 when there is no such
 * batch, -1 on an error (logged). */
int	store_batch_task(struct db *, int64_t batch_id, int64_t *task_id);

#endif
