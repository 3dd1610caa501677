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
#include "db.h"
#include "export.h"
#include "http.h"
#include "pages.h"
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
	struct audit_actor who = { r->sess.user_id, r->sess.user_name,
	    r->remote_addr, r->user_agent };
	int	 rc;

	cJSON_AddStringToObject(d, "path", r->path);
	cJSON_AddStringToObject(d, "query", r->query);
	rc = audit_record(r->db, &who, action, object, d);
	cJSON_Delete(d);
	return rc;
}

void
page_tasks_export(struct request *r)
{
	static const char *const cols[] = { "编号", "任务名称", "创建人",
	    "创建时间", "号码数", "批次", "已完成批次", "状态" };
	struct export	 e;
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc;

	if (!tasks_filters_valid(r)) {
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
	if ((st = tasks_query(r, -1, 0)) != NULL) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			export_int(&e, sqlite3_column_int64(st, 0));
			export_text(&e, db_col_text(st, 1));
			export_text(&e, db_col_text(st, 2));
			export_time(&e, sqlite3_column_int64(st, 3));
			export_int(&e, sqlite3_column_int64(st, 4));
			export_int(&e, sqlite3_column_int64(st, 5));
			export_int(&e, sqlite3_column_int64(st, 7));
			export_text(&e, task_state_label(db_col_text(st, 6)));
			export_end_row(&e);
		}
		db_reset(st);
	}
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
