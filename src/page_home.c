/* page_home.c: GET / — the dashboard: the drafts waiting for a decision
 * ("N 个名单待确认"), tasks and numbers sent in the last 7 and 30 days, the
 * import success rate, the summed breakdown as a chart and the latest
 * tasks, for everyone or one creator. Statuses: 200, 400 (a creator that
 * is not valid), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "chart.h"
#include "http.h"
#include "import.h"
#include "pages.h"
#include "push.h"
#include "store/tasks.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"

#define DAY	86400

static const struct ui_link cards[] = {
	{ "/tasks/new", "新建任务", "填写任务参数，上传名单（Excel 或 CSV），预览后发送。",
	  ROLE_ADMIN | ROLE_OPERATOR },
	{ "/tasks", "任务列表", "查看任务发送进度和供应商的导入结果，导出为 Excel。",
	  ROLE_ANY },
	{ "/audit", "审计日志", "谁在何时、从何处做了什么：登录、发送、导出均有记录，且不可悄悄修改。",
	  ROLE_ADMIN | ROLE_AUDITOR },
	{ "/pushes", "供应商推送", "未能匹配批次的推送和被拒收的推送。",
	  ROLE_ADMIN },
	{ "/settings", "系统设置", "回调地址与当前配置。", ROLE_ADMIN },
};

static int
fill_counts(struct request *r, struct tdict *body, int64_t creator)
{
	static const struct { int days; const char *tasks, *numbers; } w[] = {
		{ 7, "D7_TASKS", "D7_NUMBERS" },
		{ 30, "D30_TASKS", "D30_NUMBERS" },
	};
	int64_t		 tasks, numbers;
	size_t		 i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (store_dash_counts(r->db, r->now - w[i].days * DAY, creator,
		    &tasks, &numbers) == -1)
			return -1;
		tdict_set_int(body, w[i].tasks, tasks);
		tdict_set_int(body, w[i].numbers, numbers);
	}
	return 0;
}

static int
fill_figures(struct request *r, struct tdict *body, int64_t creator)
{
	struct chart_bar bars[PF__MAX - 1];
	int64_t		 fig[PF__MAX], batches;
	char		 pct[16], title[128];
	size_t		 i;

	if (store_dash_figures(r->db, r->now - 30 * DAY, creator, &batches,
	    fig) == -1)
		return -1;
	chart_pct(fig[PF_SUCCESS], fig[PF_TOTAL], pct);
	tdict_set(body, "SUCCESS_RATE", pct);
	tdict_setf(body, "SUCCESS_NOTE", "%lld 个批次有导入结果，导入总数 %lld",
	    (long long)batches, (long long)fig[PF_TOTAL]);
	for (i = 1; i < PF__MAX; i++) {
		bars[i - 1].label = push_figures[i].label;
		bars[i - 1].css = push_figures[i].css;
		bars[i - 1].value = fig[i];
	}
	snprintf(title, sizeof(title), "近 30 天导入结果（导入总数 %lld）",
	    (long long)fig[PF_TOTAL]);
	chart_fill(tdict_add_include(body, "CHART", "chart.tpl"),
	    "dash-chart", title, bars, PF__MAX - 1, fig[PF_TOTAL]);
	return 0;
}

static int
add_latest(void *arg, const struct task_summary *t)
{
	struct ui_list	*l = arg;

	ui_fill_task_summary(tdict_add_section(l->body, "LATEST"), t);
	l->n++;
	return 0;
}

static int
fill_latest(struct request *r, struct tdict *body, int64_t creator)
{
	struct ui_list	 l = { body, 0, 0, 0 };
	int		 rc;

	rc = store_task_latest(r->db, creator, 10, add_latest, &l);
	if (l.n == 0)
		tdict_show(body, "NO_LATEST");
	return rc;
}

/* Drafts: an operator's own, with a link to them in the task list; for
 * an administrator everyone's (or the chosen creator's); an auditor
 * sees how many wait but has nothing to decide, so no link. */
static int
fill_drafts(struct request *r, struct tdict *body, int64_t creator)
{
	struct tdict	*s;
	int64_t		 n;

	n = import_draft_count(r->db, r->sess.role == ROLE_OPERATOR ?
	    r->sess.user_id : creator);
	if (n == -1)
		return -1;
	if (n == 0)
		return 0;
	s = tdict_add_section(body, "DRAFTS");
	tdict_setf(s, "DRAFTS_TEXT", "%lld 个名单待确认", (long long)n);
	tdict_set_int(s, "DRAFTS_DAYS", import_preview_days(r->cfg));
	if (r->sess.role & (ROLE_ADMIN | ROLE_OPERATOR)) {
		if (r->sess.role == ROLE_ADMIN && creator != 0)
			tdict_setf(s, "DRAFTS_HREF",
			    "/tasks?status=%s&creator=%lld",
			    task_state_text(TASK_PREVIEW), (long long)creator);
		else
			tdict_setf(s, "DRAFTS_HREF", "/tasks?status=%s",
			    task_state_text(TASK_PREVIEW));
		tdict_show(s, "DRAFTS_LINK");
	} else
		tdict_show(s, "DRAFTS_NOLINK");
	return 0;
}

void
page_home(struct request *r)
{
	struct tdict	*page, *body;
	int64_t		 creator = r->fieldmap[KEY_CREATOR] ?
			    r->fieldmap[KEY_CREATOR]->parsed : 0;
	int		 status = r->fieldnmap[KEY_CREATOR] ? 400 : 200;

	page = ui_page(r, "首页", "home.tpl", &body);
	tdict_set(body, "USER_NAME", r->sess.user_name);
	tdict_set(body, "ROLE_LABEL", role_label(r->sess.role));
	ui_fill_links(body, "CARD", cards, sizeof(cards) / sizeof(cards[0]),
	    r->sess.role, -1);
	if (ui_fill_creators(r, body, creator) == -1 ||
	    fill_drafts(r, body, creator) == -1 ||
	    fill_counts(r, body, creator) == -1 ||
	    fill_figures(r, body, creator) == -1 ||
	    fill_latest(r, body, creator) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	ui_send(r, status, page);
}
