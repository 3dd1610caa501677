/* page_tasks.c: GET /tasks — task history, newest first, 50 a page,
 * filtered by state, creator, creation date range and a part of the name.
 * Above the tasks on the first page: the drafts (uploaded lists nobody has
 * confirmed, state 待确认), an operator's own or, for an administrator,
 * everyone's. Statuses: 200, 400 (a filter that is not valid), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "db.h"
#include "http.h"
#include "import.h"
#include "pages.h"
#include "store/users.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"

#define PER_PAGE	50

static const char *const states[] = {
	"queued", "sending", "sent", "attention", "cancelled", "preview",
};

/* Drafts shown on the first page at most. */
#define DRAFTS_MAX	50

static const enum key fkeys[] = { KEY_Q, KEY_STATUS, KEY_CREATOR, KEY_FROM,
    KEY_TO };

struct creators {
	struct tdict	*body;
	int64_t		 want;
};

static int
add_creator(void *arg, int64_t id, const char *name)
{
	struct creators	*c = arg;
	struct tdict	*s = tdict_add_section(c->body, "CREATOR_OPT");

	tdict_set_int(s, "OPT_VALUE", id);
	tdict_set(s, "OPT_LABEL", name);
	if (id == c->want)
		tdict_show(s, "OPT_SELECTED");
	return 0;
}

int
page_fill_creators(struct request *r, struct tdict *body, int64_t want)
{
	struct creators	 c = { body, want };

	return store_user_names(r->db, add_creator, &c);
}

sqlite3_stmt *
tasks_query(struct request *r, int64_t limit, int64_t offset)
{
	sqlite3_stmt	*st = db_stmt(r->db, STMT_TASK_LIST);
	const char	*q = http_field(r, KEY_Q), *state;

	if (st == NULL)
		return NULL;
	db_bind_text(st, 1, (state = http_field(r, KEY_STATUS)) ? state : "");
	db_bind_int(st, 2, r->fieldmap[KEY_CREATOR] ?
	    r->fieldmap[KEY_CREATOR]->parsed : 0);
	db_bind_int(st, 3, r->fieldmap[KEY_FROM] ?
	    ui_day_start(r->fieldmap[KEY_FROM]->parsed, 0) : 0);
	db_bind_int(st, 4, r->fieldmap[KEY_TO] ?
	    ui_day_start(r->fieldmap[KEY_TO]->parsed, 1) : 0);
	db_bind_text(st, 5, q != NULL ? q : "");
	db_bind_int(st, 6, limit);
	db_bind_int(st, 7, offset);
	return st;
}

int
tasks_filters_valid(const struct request *r)
{
	size_t	 i;

	for (i = 0; i < sizeof(fkeys) / sizeof(fkeys[0]); i++)
		if (r->fieldnmap[fkeys[i]] != NULL)
			return 0;
	return r->fieldnmap[KEY_PAGE] == NULL;
}

static int
fill_rows(struct request *r, struct tdict *body, int64_t page, int drafts,
    int *more)
{
	sqlite3_stmt	*st;
	struct tdict	*s;
	char		 when[32];
	int		 rc, n = 0;

	if ((st = tasks_query(r, PER_PAGE + 1, (page - 1) * PER_PAGE)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > PER_PAGE)
			break;
		s = tdict_add_section(body, "TASK");
		tdict_set_int(s, "TASK_ID", sqlite3_column_int64(st, 0));
		tdict_setf(s, "TASK_HREF", "/tasks/%lld",
		    (long long)sqlite3_column_int64(st, 0));
		tdict_set(s, "TASK_NAME", db_col_text(st, 1));
		tdict_set(s, "TASK_CREATOR", db_col_text(st, 2));
		ui_time(sqlite3_column_int64(st, 3), when);
		tdict_set(s, "TASK_CREATED", when);
		tdict_set_int(s, "TASK_ROWS", sqlite3_column_int64(st, 4));
		tdict_setf(s, "TASK_PROGRESS", "%lld/%lld 批",
		    (long long)sqlite3_column_int64(st, 7),
		    (long long)sqlite3_column_int64(st, 5));
		tdict_set(s, "TASK_STATE", db_col_text(st, 6));
		tdict_set(s, "TASK_STATE_LABEL",
		    task_state_label(db_col_text(st, 6)));
	}
	db_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	*more = n > PER_PAGE;
	if (n == 0 && drafts == 0)
		tdict_show(body, "EMPTY");
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
	const char	*state = http_field(r, KEY_STATUS);
	int64_t		 creator = r->fieldmap[KEY_CREATOR] ?
			    r->fieldmap[KEY_CREATOR]->parsed : 0;
	char		 when[32];
	size_t		 i, n;

	if (state != NULL && state[0] != '\0' && strcmp(state, "preview") != 0)
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
		tdict_set(s, "DRAFT_STATE_LABEL", task_state_label("preview"));
	}
	drafts_free(d, n);
	return (int)n;
}

void
page_tasks(struct request *r)
{
	struct tdict	*page, *body, *s;
	const char	*v, *state = http_field(r, KEY_STATUS);
	int64_t		 pageno = r->fieldmap[KEY_PAGE] ?
			    r->fieldmap[KEY_PAGE]->parsed : 1;
	int		 more = 0, status = 200, drafts = 0;
	size_t		 i;
	char		*href;

	page = ui_page(r, "任务列表", "tasks.tpl", &body);
	if (r->sess.role & (ROLE_ADMIN | ROLE_OPERATOR))
		tdict_show(body, "CAN_CREATE");
	tdict_set(body, "Q_VALUE", (v = http_field(r, KEY_Q)) ? v : "");
	tdict_set(body, "FROM_VALUE", (v = http_field(r, KEY_FROM)) ? v : "");
	tdict_set(body, "TO_VALUE", (v = http_field(r, KEY_TO)) ? v : "");
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		/* An auditor is shown no drafts: no filter for them. */
		if (r->sess.role == ROLE_AUDITOR &&
		    strcmp(states[i], "preview") == 0)
			continue;
		s = tdict_add_section(body, "STATUS_OPT");
		tdict_set(s, "OPT_VALUE", states[i]);
		tdict_set(s, "OPT_LABEL", task_state_label(states[i]));
		if (state != NULL && strcmp(state, states[i]) == 0)
			tdict_show(s, "OPT_SELECTED");
	}
	if (!tasks_filters_valid(r)) {
		status = 400;
		s = tdict_add_section(body, "FILTER_ERROR");
		tdict_set(s, "TEXT", "筛选条件无效：日期请用 YYYY-MM-DD，"
		    "名称不超过 200 个字符。");
		tdict_show(body, "EMPTY");
	} else if (page_fill_creators(r, body, r->fieldmap[KEY_CREATOR] ?
	    r->fieldmap[KEY_CREATOR]->parsed : 0) == -1 ||
	    (pageno == 1 && (drafts = fill_drafts(r, body)) == -1) ||
	    fill_rows(r, body, pageno, drafts, &more) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	tdict_set_int(body, "PAGE", pageno);
	if (status == 200 && (href = ui_filter_href(r, "/tasks", fkeys,
	    sizeof(fkeys) / sizeof(fkeys[0]), 1)) != NULL) {
		/* The same filters, as a download: /tasks.csv?page=1&... */
		s = tdict_add_section(body, "EXPORTS");
		tdict_setf(s, "EXPORT_CSV_HREF", "/tasks.csv%s",
		    strchr(href, '?'));
		tdict_setf(s, "EXPORT_XLSX_HREF", "/tasks.xlsx%s",
		    strchr(href, '?'));
		free(href);
	}
	if (status == 200 && pageno > 1 && (href = ui_filter_href(r, "/tasks", fkeys,
	    sizeof(fkeys) / sizeof(fkeys[0]), pageno - 1))) {
		s = tdict_add_section(body, "PREV");
		tdict_set(s, "PREV_HREF", href);
		free(href);
	}
	if (more && (href = ui_filter_href(r, "/tasks", fkeys,
	    sizeof(fkeys) / sizeof(fkeys[0]), pageno + 1)) != NULL) {
		s = tdict_add_section(body, "NEXT");
		tdict_set(s, "NEXT_HREF", href);
		free(href);
	}
	ui_send(r, status, page);
}
