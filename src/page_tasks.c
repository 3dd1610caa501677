/* page_tasks.c: GET /tasks — task history, newest first, 50 a page,
 * filtered by state, creator, creation date range and a part of the name,
 * paged by key (before=, after=).
 * Above the tasks on the first page: the drafts (uploaded lists nobody has
 * confirmed, state 待确认), an operator's own or, for an administrator,
 * everyone's. Statuses: 200, 400 (a filter that is not valid), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "http.h"
#include "import.h"
#include "pages.h"
#include "store/tasks.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"

#define PER_PAGE	50

/* Drafts shown on the first page at most. */
#define DRAFTS_MAX	50

static int
add_row(void *arg, const struct task_summary *t)
{
	struct ui_list	*rs = arg;
	struct tdict	*s;

	/* The one more than a page: there is a next page. */
	if (!ui_list_take(rs, t->id, PER_PAGE))
		return 0;
	s = tdict_add_section(rs->body, "TASK");
	ui_fill_task_summary(s, t);
	tdict_set_int(s, "TASK_DONE", t->batches_done);
	tdict_set_int(s, "TASK_BATCHES", t->batch_count);
	return 0;
}

static int
count_up(void *arg, const struct task_summary *t)
{
	ui_upward_add(arg, t->id);
	return 0;
}

/* The tasks just above an after= key, for ui_pager_key(). */
static int
walk_up(struct request *r, int64_t after, struct ui_upward *u, void *f)
{
	return store_task_list(r->db, f, after, 1, PER_PAGE + 1, count_up, u);
}

static int
fill_rows(struct request *r, struct tdict *body, int64_t key, int drafts)
{
	struct task_filter f;
	struct ui_list	 rs = { body, 0, 0, 0 };

	ui_tasks_filter(r, &f);
	if (store_task_list(r->db, &f, key, 0, PER_PAGE + 1, add_row,
	    &rs) == -1)
		return -1;
	if (rs.n == 0 && drafts == 0)
		tdict_show(body, "EMPTY");
	ui_fill_pager(r, body, "/tasks", task_filter_keys, NTASK_FILTER_KEYS,
	    key != 0, rs.n > PER_PAGE, rs.first, rs.last);
	return 0;
}

/* The drafts this session may see and the filters select: an operator's
 * own (a preview holds personal data its uploader has not sent), every
 * one for an administrator, none for an auditor. Returns how many rows. */
static int
fill_drafts(struct request *r, struct tdict *body)
{
	struct draft_filter f;
	struct draft	*d;
	struct tdict	*s;
	const struct kpair *state = r->fieldmap[KEY_STATUS];
	int64_t		 creator = r->fieldmap[KEY_CREATOR] ?
			    r->fieldmap[KEY_CREATOR]->parsed : 0;
	char		 when[32];
	size_t		 i, n;

	if (state != NULL && state->parsed >= 0 &&
	    state->parsed != TASK_PREVIEW)
		return 0;
	memset(&f, 0, sizeof(f));
	if (r->sess.role == ROLE_OPERATOR) {
		if (creator != 0 && creator != r->sess.user_id)
			return 0;
		f.user_id = r->sess.user_id;
	} else if (r->sess.role == ROLE_ADMIN)
		f.user_id = creator;
	else
		return 0;
	f.from = r->fieldmap[KEY_FROM] ?
	    ui_day_start(r->fieldmap[KEY_FROM]->parsed, 0) : 0;
	f.to = r->fieldmap[KEY_TO] ?
	    ui_day_start(r->fieldmap[KEY_TO]->parsed, 1) : 0;
	f.name_part = http_field(r, KEY_Q);
	if (import_drafts(r->db, &f, DRAFTS_MAX, &d, &n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		s = tdict_add_section(body, "DRAFT");
		tdict_set_int(s, "DRAFT_ID", d[i].import_id);
		tdict_setf(s, "DRAFT_HREF", "/imports/%lld",
		    (long long)d[i].import_id);
		tdict_set(s, "DRAFT_NAME", d[i].name);
		tdict_set(s, "DRAFT_FILE", d[i].file_name);
		tdict_set(s, "DRAFT_CREATOR", d[i].creator);
		ui_time(d[i].created, when);
		tdict_set(s, "DRAFT_CREATED", when);
		tdict_set_int(s, "DRAFT_ROWS", d[i].valid);
		ui_time(d[i].created + import_preview_days(r->cfg) * 86400LL,
		    when);
		tdict_set(s, "DRAFT_EXPIRES", when);
		tdict_set(s, "DRAFT_STATE_LABEL", task_state_label(TASK_PREVIEW));
	}
	drafts_free(d, n);
	return (int)n;
}

void
page_tasks(struct request *r)
{
	struct tdict	*page, *body, *s;
	struct task_filter f;
	const struct kpair *state = r->fieldmap[KEY_STATUS];
	const char	*v;
	int64_t		 key = 0;
	int		 status = 200, drafts = 0;
	enum task_state	 i;
	char		*href;

	page = ui_page(r, "任务列表", "tasks.tpl", &body);
	if (r->sess.role & (ROLE_ADMIN | ROLE_OPERATOR))
		tdict_show(body, "CAN_CREATE");
	tdict_set(body, "Q_VALUE", (v = http_field(r, KEY_Q)) ? v : "");
	tdict_set(body, "FROM_VALUE", (v = http_field(r, KEY_FROM)) ? v : "");
	tdict_set(body, "TO_VALUE", (v = http_field(r, KEY_TO)) ? v : "");
	for (i = 0; i < TASK_STATE__MAX; i++) {
		/* An auditor is shown no drafts: no filter for them. */
		if (r->sess.role == ROLE_AUDITOR && i == TASK_PREVIEW)
			continue;
		s = tdict_add_section(body, "STATUS_OPT");
		tdict_set(s, "OPT_VALUE", task_state_text(i));
		tdict_set(s, "OPT_LABEL", task_state_label(i));
		if (state != NULL && state->parsed == (int64_t)i)
			tdict_show(s, "OPT_SELECTED");
	}
	ui_tasks_filter(r, &f);
	if (!ui_tasks_filters_valid(r) || !ui_pager_valid(r)) {
		status = 400;
		s = tdict_add_section(body, "FILTER_ERROR");
		tdict_set(s, "TEXT", "筛选条件无效：日期请用 YYYY-MM-DD，"
		    "名称不超过 200 个字符，翻页位置（before、after）为正整数"
		    "且只给一个。");
		tdict_show(body, "EMPTY");
	} else if (ui_fill_creators(r, body, r->fieldmap[KEY_CREATOR] ?
	    r->fieldmap[KEY_CREATOR]->parsed : 0) == -1 ||
	    ui_pager_key(r, PER_PAGE, walk_up, &f, &key) == -1 ||
	    (key == 0 && (drafts = fill_drafts(r, body)) == -1) ||
	    fill_rows(r, body, key, drafts) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (status == 200 && (href = ui_filter_href(r, "/tasks", task_filter_keys,
	    NTASK_FILTER_KEYS, 1)) != NULL) {
		/* The same filters, as a download: /tasks.csv?page=1&... */
		s = tdict_add_section(body, "EXPORTS");
		tdict_setf(s, "EXPORT_CSV_HREF", "/tasks.csv%s",
		    strchr(href, '?'));
		tdict_setf(s, "EXPORT_XLSX_HREF", "/tasks.xlsx%s",
		    strchr(href, '?'));
		free(href);
	}
	ui_send(r, status, page);
}
