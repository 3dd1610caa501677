/* page_task_actions.c: the forms of the task page. POST
 * /tasks/{id}/cancel cancels the batches not yet sent; POST
 * /batches/{id}/resend queues again a batch whose outcome was unknown or
 * refused — a person's decision, recorded in the audit log. The router
 * lets only the task's creator or an administrator. Statuses: 303 back to
 * the task, 403, 404, 409 (nothing to do in that state), 500. */
#include "autoconf.h"

#include <stdio.h>

#include "http.h"
#include "pages.h"
#include "store/tasks.h"
#include "task.h"
#include "ui.h"

/* Both forms answer alike: done (n > 0) goes back to the task's page,
 * nothing to do (0) is a 409 saying why, an error (-1) a 500. */
static void
answer(struct request *r, int n, int64_t task, const char *none,
    const char *why)
{
	char	 loc[48];

	if (n == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (n == 0) {
		ui_error(r, 409, none, why);
		return;
	}
	snprintf(loc, sizeof(loc), "/tasks/%lld", (long long)task);
	http_redirect(r, loc);
}

void
page_task_cancel(struct request *r)
{
	answer(r, task_cancel(r->db, &r->actor, r->path_id), r->path_id,
	    "没有可以取消的批次", "任务不存在，或批次都已发出。");
}

void
page_batch_resend(struct request *r)
{
	int	 rc = batch_resend(r->db, &r->actor, r->path_id);
	int64_t	 task = 0;

	if (rc > 0 && store_batch_task(r->db, r->path_id, &task) != 0)
		task = 0;
	answer(r, rc, task, "该批次不能重发",
	    "只有结果未知或被供应商拒绝的批次可以重发。");
}
