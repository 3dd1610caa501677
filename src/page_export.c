/* page_export.c: downloads that open in Excel. GET /tasks.csv and
 * /tasks.xlsx: the task history with the filters of /tasks; GET
 * /tasks/{id}/breakdown.csv and .xlsx: a task's import figures per batch
 * and in total. Each export is recorded in the audit log. Statuses: 200,
 * 400 (a filter that is not valid), 404, 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "breakdown.h"
#include "export.h"
#include "http.h"
#include "pages.h"
#include "store/tasks.h"
#include "task.h"
#include "ui.h"

static enum export_format
format_of(const char *path)
{
	size_t	 n = strlen(path);

	return n > 5 && strcmp(path + n - 5, ".xlsx") == 0 ?
	    EXPORT_XLSX : EXPORT_CSV;
}

static int
record(struct request *r, const char *action, const char *object,
    cJSON *d)
{
	int	 rc;

	cJSON_AddStringToObject(d, "path", r->path);
	cJSON_AddStringToObject(d, "query", r->query);
	rc = audit_record(r->db, &r->actor, action, object, d);
	cJSON_Delete(d);
	return rc;
}

static int
export_task(void *arg, const struct task_summary *t)
{
	struct export	*e = arg;

	export_int(e, t->id);
	export_text(e, t->name);
	export_text(e, t->creator);
	export_time(e, t->created);
	export_int(e, t->rows);
	export_int(e, t->batch_count);
	export_int(e, t->batches_done);
	export_text(e, task_state_label(t->state));
	export_end_row(e);
	return 0;
}

void
page_tasks_export(struct request *r)
{
	static const char *const cols[] = { "编号", "任务名称", "创建人",
	    "创建时间", "号码数", "批次", "已完成批次", "状态" };
	struct task_filter f;
	struct export	 e;
	size_t		 i;

	if (!ui_tasks_filters_valid(r)) {
		ui_error(r, 400, "筛选条件无效", NULL);
		return;
	}
	if (record(r, "export.tasks", "tasks", cJSON_CreateObject()) == -1 ||
	    export_begin(&e, r, format_of(r->path), "任务列表",
	    "任务列表") == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		export_text(&e, cols[i]);
	export_end_row(&e);
	ui_tasks_filter(r, &f);
	/* Headers are out already: a failure (logged) ends the file short,
	 * as it did before. */
	store_task_list(r->db, &f, 0, 0, 0, export_task, &e);
	export_finish(&e);
}

static void
figure_row(struct export *e, const int64_t *fig)
{
	size_t	 i;

	for (i = 0; i < PF__MAX; i++)
		export_int(e, fig[i]);
	for (i = 1; i < PF__MAX; i++)
		export_pct(e, fig[i], fig[PF_TOTAL]);
}

void
page_breakdown_export(struct request *r)
{
	struct breakdown b;
	struct task_row	 t;
	struct export	 e;
	cJSON		*d;
	char		 base[200], label[64];
	size_t		 i;
	int		 found;

	if ((found = task_get(r->db, r->path_id, &t)) != 1) {
		if (found == 0)
			ui_error(r, 404, "任务不存在", NULL);
		else
			ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (breakdown_load(r->db, r->path_id, &b) == -1) {
		breakdown_clear(&b);
		task_clear(&t);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "task", (double)r->path_id);
	snprintf(base, sizeof(base), "%.150s-导入结果", t.name);
	if (record(r, "export.breakdown", t.name, d) == -1 ||
	    export_begin(&e, r, format_of(r->path), base,
	    "导入结果") == -1) {
		breakdown_clear(&b);
		task_clear(&t);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	export_text(&e, "批次");
	export_text(&e, "号码数");
	export_text(&e, "推送状态");
	export_text(&e, "失败原因");
	for (i = 0; i < PF__MAX; i++)
		export_text(&e, push_figures[i].label);
	for (i = 1; i < PF__MAX; i++) {
		snprintf(label, sizeof(label), "%s占比", push_figures[i].label);
		export_text(&e, label);
	}
	export_end_row(&e);
	for (i = 0; i < b.n; i++) {
		const struct bd_row *br = &b.rows[i];
		snprintf(label, sizeof(label), "%lld/%zu", (long long)br->seq,
		    b.n);
		export_text(&e, label);
		export_int(&e, br->rows);
		export_text(&e, !br->pushed ? "等待推送" : br->ok ? "已推送" :
		    "导入失败");
		export_text(&e, br->pushed && !br->ok ? br->reason : "");
		if (br->pushed && br->ok)
			figure_row(&e, br->fig);
		export_end_row(&e);
	}
	export_text(&e, "合计");
	export_int(&e, b.sent_rows);
	export_text(&e, "");
	export_text(&e, "");
	figure_row(&e, b.total);
	export_end_row(&e);
	export_finish(&e);
	breakdown_clear(&b);
	task_clear(&t);
}
