/* page_audit.c: GET /audit — the audit log, newest first, 25 a page,
 * filtered by user, action and a date range (local dates), paged by key
 * (before=, after=; page= for the unfiltered log). Statuses: 200, 400 (a
 * filter or key that is not valid; the page says which), 500. */
#include "autoconf.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "push.h"
#include "store.h"
#include "store/audit.h"
#include "textbuf.h"
#include "tmpl.h"
#include "ui.h"

#define PER_PAGE	25

static const enum key fkeys[] = { KEY_USER, KEY_ACTION, KEY_FROM, KEY_TO };

/* What the keys of an entry's details mean, for the 详情 column; a key not
 * here (nor a push figure, push_figures[]) is shown as it is. */
static struct ui_text detail_labels[] = {
	{ "task", "任务" },
	{ "batch", "批次" },
	{ "seq", "批次序号" },
	{ "of", "批次总数" },
	{ "batches", "批次数" },
	{ "batch_size", "每批号码数" },
	{ "batches_cancelled", "取消的批次" },
	{ "rows", "号码数" },
	{ "valid", "有效" },
	{ "invalid", "无效" },
	{ "duplicates", "重复" },
	{ "unmatched", "未匹配" },
	{ "import", "上传" },
	{ "file", "文件" },
	{ "size", "文件大小（字节）" },
	{ "format", "格式" },
	{ "encoding", "编码" },
	{ "phone_col", "号码列" },
	{ "name_col", "姓名列" },
	{ "sha256", "文件 SHA-256" },
	{ "body_sha256", "请求体 SHA-256" },
	{ "loginName", "发送账号" },
	{ "vendor_login", "供应商账号" },
	{ "vendor", "供应商地址" },
	{ "http", "HTTP 状态" },
	{ "errCode", "错误码" },
	{ "taskId", "供应商任务 id" },
	{ "dial_task_main_sn", "供应商任务编号" },
	{ "push", "推送" },
	{ "duplicate", "重复推送" },
	{ "import_mark", "导入结果" },
	{ "import_failed", "导入失败原因" },
	{ "rejected", "拒收" },
	{ "length", "长度" },
	{ "reason", "原因" },
	{ "detail", "说明" },
	{ "role", "角色" },
	{ "change", "变更" },
	{ "password_rehashed", "密码已重新哈希" },
	{ "method", "请求方法" },
	{ "path", "路径" },
	{ "query", "查询参数" },
};

static struct ui_texts details = UI_TEXTS(detail_labels);

static const char *
detail_label(const char *key)
{
	static struct ui_text figure_labels[PF__MAX];
	static struct ui_texts figures = UI_TEXTS(figure_labels);
	const char	*t;
	size_t		 i;

	if ((t = ui_text_find(&details, key)) != NULL)
		return t;
	if (figure_labels[0].key == NULL)
		for (i = 0; i < PF__MAX; i++)
			figure_labels[i] = (struct ui_text){ push_figures[i].key,
			    push_figures[i].label };
	return (t = ui_text_find(&figures, key)) != NULL ? t : key;
}

static int
put_text(struct textbuf *b, const char *s)
{
	return textbuf_add(b, s, strlen(s), SIZE_MAX) == 0 ? 0 : -1;
}

/* One value as text, appended to b: numbers as written, true/false as
 * 是/否, an object as "label value" pairs, an array as its items. -1 when
 * out of memory. */
static int
detail_text(const cJSON *v, struct textbuf *b)
{
	const cJSON	*c;
	char		 num[32];

	if (cJSON_IsString(v))
		return put_text(b, v->valuestring);
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 9007199254740992.0) {
		tmpl_int_text((long long)v->valuedouble, num);
		return put_text(b, num);
	}
	if (cJSON_IsNumber(v)) {
		snprintf(num, sizeof(num), "%g", v->valuedouble);
		return put_text(b, num);
	}
	if (cJSON_IsBool(v))
		return put_text(b, cJSON_IsTrue(v) ? "是" : "否");
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return put_text(b, "—");
	cJSON_ArrayForEach(c, v) {
		if ((c != v->child && put_text(b, "，") == -1) ||
		    (cJSON_IsObject(v) && (put_text(b,
		    detail_label(c->string)) == -1 || put_text(b, " ") == -1)) ||
		    detail_text(c, b) == -1)
			return -1;
	}
	return 0;
}

/* The details of an entry (a JSON object) as DETAIL sections of label and
 * value; text that is not an object is shown as one value. The page's one
 * buffer b serves every value. -1 when out of memory. */
static int
fill_details(struct tdict *d, const char *json, struct textbuf *b)
{
	cJSON		*root, *c;
	struct tdict	*s;

	if (json[0] == '\0' || strcmp(json, "{}") == 0)
		return 0;
	root = cJSON_Parse(json);
	if (root != NULL && cJSON_IsObject(root) && root->child == NULL) {
		cJSON_Delete(root);
		return 0;
	}
	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		s = tdict_add_section(d, "DETAIL");
		tdict_set(s, "DETAIL_LABEL", "详情");
		tdict_set(s, "DETAIL_VALUE", json);
		return 0;
	}
	cJSON_ArrayForEach(c, root) {
		b->len = 0;
		if (detail_text(c, b) == -1)
			break;
		s = tdict_add_section(d, "DETAIL");
		tdict_set(s, "DETAIL_KEY", c->string);
		tdict_set(s, "DETAIL_LABEL", detail_label(c->string));
		tdict_setn(s, "DETAIL_VALUE", b->p, b->len);
	}
	cJSON_Delete(root);
	return c != NULL ? -1 : 0;
}

/* The UTC timestamp text of local midnight of yyyymmdd plus days. */
static void
day_start_utc(int64_t yyyymmdd, int days, char out[32])
{
	struct tm	 tm;
	time_t		 t = (time_t)ui_day_start(yyyymmdd, days);

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

/* The action <option>s as audit_actions.tpl expands them with option i
 * selected (none when i is -1): made once per worker and selection, since
 * the list is the same on every page but for that. NULL when out of
 * memory or the template fails. */
static const char *
action_options(int i, size_t *len)
{
	static struct {
		char	*html;
		size_t	 len;
	}		*made;
	size_t		 n = audit_actions_count(), j;
	struct tdict	*d, *s;

	if (made == NULL && (made = calloc(n + 1, sizeof(*made))) == NULL)
		return NULL;
	if (made[i + 1].html == NULL) {
		d = tdict_new();
		for (j = 0; j < n; j++) {
			s = tdict_add_section(d, "ACTION_OPT");
			tdict_set(s, "OPT_VALUE", audit_actions[j].action);
			tdict_set(s, "OPT_LABEL", audit_actions[j].label);
			if ((int)j == i)
				tdict_show(s, "OPT_SELECTED");
		}
		if (tmpl_expand("audit_actions.tpl", d, &made[i + 1].html,
		    &made[i + 1].len) == -1)
			made[i + 1].html = NULL;
		tdict_free(d);
	}
	*len = made[i + 1].len;
	return made[i + 1].html;
}

static void
fill_filters(struct request *r, struct tdict *body)
{
	const char	*v, *opts;
	size_t		 len;

	tdict_set(body, "F_USER", (v = http_field(r, KEY_USER)) ? v : "");
	tdict_set(body, "F_FROM", (v = http_field(r, KEY_FROM)) ? v : "");
	tdict_set(body, "F_TO", (v = http_field(r, KEY_TO)) ? v : "");
	if ((opts = action_options(audit_action_index(http_field(r,
	    KEY_ACTION)), &len)) != NULL)
		tdict_setn(body, "ACTION_OPTIONS", opts, len);
}

/* The rows of a page being made: sections of the page's one dictionary,
 * expanded with it in one go. */
struct rows {
	struct ui_list	 list;		/* its sections, ids first and last */
	struct textbuf	 text;		/* the details' values, one by one */
	char		 minute[17];	/* the UTC minute when was made for */
	char		 when[32];	/* its local time text */
};

/* The local time text of an audit time (UTC, "2026-11-21T12:00:05.123Z"),
 * formatted once a minute of the page: rows are newest first and many
 * share a minute, and within a UTC minute the local time differs only by
 * the seconds (every zone's offset and change is in whole minutes). */
static const char *
row_time(struct rows *l, const char *ts)
{
	if (strlen(ts) >= 19 && ts[16] == ':' && strncmp(l->minute, ts,
	    16) == 0 && l->when[16] == ':') {
		memcpy(l->when + 17, ts + 17, 2);
		return l->when;
	}
	ui_time_utc_text(ts, l->when);
	l->minute[0] = '\0';
	if (strlen(ts) >= 19 && strlen(l->when) == 19) {
		memcpy(l->minute, ts, 16);
		l->minute[16] = '\0';
	}
	return l->when;
}

static int
add_row(void *arg, const struct audit_row *e)
{
	struct rows	*l = arg;
	struct tdict	*d;

	int		 a;

	/* One past the page only says that a next page exists. */
	if (!ui_list_take(&l->list, e->id, PER_PAGE))
		return 0;
	if ((d = tdict_add_section(l->list.body, "ROW")) == NULL)
		return -1;
	tdict_set_int(d, "ROW_ID", e->id);
	tdict_set(d, "ROW_TIME", row_time(l, e->ts));
	tdict_set(d, "ROW_ACTOR", e->actor);
	tdict_set(d, "ROW_ADDR", e->addr);
	tdict_set(d, "ROW_UA", e->user_agent);
	tdict_set(d, "ROW_ACTION", e->action);
	a = audit_action_index(e->action);
	tdict_set(d, "ROW_ACTION_LABEL", a >= 0 ? audit_actions[a].label :
	    e->action);
	tdict_set(d, "ROW_OBJECT", e->object);
	/* The full hash is for `dialdesk audit verify`, not for the page. */
	tdict_setn(d, "ROW_HASH_SHORT", e->hash, strnlen(e->hash, 12));
	return fill_details(d, e->details, &l->text);
}

/* The filter of the request, its times in from[] and to[]. */
static void
filter_of(struct request *r, struct audit_filter *f, char from[32],
    char to[32])
{
	from[0] = to[0] = '\0';
	if (r->fieldmap[KEY_FROM] != NULL)
		day_start_utc(r->fieldmap[KEY_FROM]->parsed, 0, from);
	if (r->fieldmap[KEY_TO] != NULL)
		day_start_utc(r->fieldmap[KEY_TO]->parsed, 1, to);
	*f = (struct audit_filter){ http_field(r, KEY_USER),
	    http_field(r, KEY_ACTION), from, to };
}

static int
count_up(void *arg, const struct audit_row *e)
{
	ui_upward_add(arg, e->id);
	return 0;
}

/* The entries just above an after= key, for ui_pager_key(). */
static int
walk_up(struct request *r, int64_t after, struct ui_upward *u, void *f)
{
	return store_audit_page(r->db, f, after, 1, PER_PAGE + 1, count_up, u);
}

/* page= of the unfiltered log (its ids are gap-free, the chain insists,
 * so page N is an id range below the newest), 1 for none or another
 * key. */
static int64_t
page_number(const struct request *r)
{
	if (r->fieldmap[KEY_PAGE] == NULL || r->fieldmap[KEY_BEFORE] != NULL ||
	    r->fieldmap[KEY_AFTER] != NULL)
		return 1;
	return r->fieldmap[KEY_PAGE]->parsed;
}

static int
fill_rows(struct request *r, struct tdict *body)
{
	struct audit_filter f;
	struct rows	 l = { { body, 0, 0, 0 }, { NULL, 0, 0 }, "", "" };
	char		 from[32], to[32];
	int64_t		 key = 0, page = page_number(r);
	int		 rc;

	filter_of(r, &f, from, to);
	/* Page N finds the newest id in its own statement: one round trip. */
	if (page > 1)
		rc = store_audit_page_nth(r->db, (page - 1) * PER_PAGE,
		    PER_PAGE + 1, add_row, &l);
	else
		rc = ui_pager_key(r, PER_PAGE, walk_up, &f, &key) == -1 ||
		    store_audit_page(r->db, &f, key, 0, PER_PAGE + 1, add_row,
		    &l) == -1 ? -1 : 0;
	free(l.text.p);
	if (rc == -1)
		return -1;
	if (l.list.n == 0)
		tdict_show(body, "EMPTY");
	ui_fill_pager(r, body, "/audit", fkeys, sizeof(fkeys) / sizeof(fkeys[0]),
	    key != 0 || page > 1, l.list.n > PER_PAGE, l.list.first,
	    l.list.last);
	return 0;
}

/* The page body's dictionary: filters, rows and pager. 0 or -1. */
static int
fill_body(struct request *r, struct tdict *body)
{
	fill_filters(r, body);
	return fill_rows(r, body);
}

/* A filter is set: page= (an id range of the whole log) does not apply. */
static int
filtered(const struct request *r)
{
	size_t	 i;

	for (i = 0; i < sizeof(fkeys) / sizeof(fkeys[0]); i++)
		if (http_field(r, fkeys[i]) != NULL &&
		    *http_field(r, fkeys[i]) != '\0')
			return 1;
	return 0;
}

void
page_audit(struct request *r)
{
	struct tdict	*page, *body, *s;

	if (r->fieldnmap[KEY_USER] || r->fieldnmap[KEY_ACTION] ||
	    r->fieldnmap[KEY_FROM] || r->fieldnmap[KEY_TO] ||
	    r->fieldnmap[KEY_PAGE] || !ui_pager_valid(r) ||
	    (r->fieldmap[KEY_PAGE] != NULL &&
	    r->fieldmap[KEY_PAGE]->parsed > 1 && (r->fieldmap[KEY_BEFORE] ||
	    r->fieldmap[KEY_AFTER] || filtered(r)))) {
		/* Say so rather than show an unfiltered list as if filtered. */
		page = ui_page(r, "审计日志", "audit.tpl", &body);
		fill_filters(r, body);
		s = tdict_add_section(page, "FLASH");
		tdict_set(s, "FLASH_KIND", "error");
		tdict_set(s, "FLASH_TEXT",
		    "筛选条件无效：日期请用 YYYY-MM-DD；翻页位置（before、"
		    "after）为正整数且只给一个；页码（page）为正整数，"
		    "只用于未筛选的日志，筛选后请用上一页、下一页。");
		tdict_show(body, "EMPTY");
		ui_send(r, 400, page);
		return;
	}

	/* Every page is made afresh: a page kept per worker (until the
	 * next entry) answered only the same request again, which is the
	 * benchmark's habit and not a person's. */
	page = ui_page(r, "审计日志", "audit.tpl", &body);
	if (fill_body(r, body) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", "无法读取审计日志。");
		return;
	}
	ui_send(r, 200, page);
}
