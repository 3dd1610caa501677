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

void
page_task_cancel(struct request *r)
{
	char	 loc[48];
	int	 n = task_cancel(r->db, &r->actor, r->path_id);

	if (n == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (n == 0) {
		ui_error(r, 409, "没有可以取消的批次",
		    "任务不存在，或批次都已发出。");
		return;
	}
	snprintf(loc, sizeof(loc), "/tasks/%lld", (long long)r->path_id);
	http_redirect(r, loc);
}

void
page_batch_resend(struct request *r)
{
	char		 loc[48];
	int		 rc = batch_resend(r->db, &r->actor, r->path_id);
	int64_t		 task = 0;

	if (rc == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (rc == 0) {
		ui_error(r, 409, "该批次不能重发",
		    "只有结果未知或被供应商拒绝的批次可以重发。");
		return;
	}
	if (store_batch_task(r->db, r->path_id, &task) != 0)
		task = 0;
	snprintf(loc, sizeof(loc), "/tasks/%lld", (long long)task);
	http_redirect(r, loc);
}
