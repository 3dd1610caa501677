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
#include "tmpl.h"
#include "ui.h"

#define PER_PAGE	25

static const enum key fkeys[] = { KEY_USER, KEY_ACTION, KEY_FROM, KEY_TO };

/* What the keys of an entry's details mean, for the 详情 column; a key not
 * here (nor a push figure, push_figures[]) is shown as it is. */
static const struct {
	const char	*key;
	const char	*label;
} detail_labels[] = {
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

static const char *
detail_label(const char *key)
{
	size_t	 i;

	for (i = 0; i < sizeof(detail_labels) / sizeof(detail_labels[0]); i++)
		if (strcmp(detail_labels[i].key, key) == 0)
			return detail_labels[i].label;
	for (i = 0; i < PF__MAX; i++)
		if (strcmp(push_figures[i].key, key) == 0)
			return push_figures[i].label;
	return key;
}

/* One value as text, written to f: numbers as written, true/false as
 * 是/否, an object as "label value" pairs, an array as its items. */
static void
detail_text(const cJSON *v, FILE *f)
{
	const cJSON	*c;

	if (cJSON_IsString(v)) {
		fputs(v->valuestring, f);
		return;
	}
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 9007199254740992.0) {
		fprintf(f, "%lld", (long long)v->valuedouble);
		return;
	}
	if (cJSON_IsNumber(v)) {
		fprintf(f, "%g", v->valuedouble);
		return;
	}
	if (cJSON_IsBool(v)) {
		fputs(cJSON_IsTrue(v) ? "是" : "否", f);
		return;
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
		fputs("—", f);
		return;
	}
	cJSON_ArrayForEach(c, v) {
		if (c != v->child)
			fputs("，", f);
		if (cJSON_IsObject(v))
			fprintf(f, "%s ", detail_label(c->string));
		detail_text(c, f);
	}
}

/* The details of an entry (a JSON object) as DETAIL sections of label and
 * value; text that is not an object is shown as one value. One buffer (a
 * memory stream) serves every value of the entry. -1 when out of
 * memory. */
static int
fill_details(struct tdict *d, const char *json)
{
	cJSON		*root, *c;
	struct tdict	*s;
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*f;

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
	if ((f = open_memstream(&text, &len)) == NULL) {
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach(c, root) {
		rewind(f);
		detail_text(c, f);
		if (fflush(f) != 0)
			break;
		s = tdict_add_section(d, "DETAIL");
		tdict_set(s, "DETAIL_KEY", c->string);
		tdict_set(s, "DETAIL_LABEL", detail_label(c->string));
		/* After rewind the stream's length is where it was written
		 * to, not the longest value it ever held. */
		tdict_setn(s, "DETAIL_VALUE", text, (size_t)ftell(f));
	}
	if (fclose(f) != 0 || c != NULL) {
		free(text);
		cJSON_Delete(root);
		return -1;
	}
	free(text);
	cJSON_Delete(root);
	return 0;
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

static void
fill_filters(struct request *r, struct tdict *body)
{
	const struct audit_action *a;
	const char	*action = http_field(r, KEY_ACTION);
	const char	*v;
	struct tdict	*s;

	tdict_set(body, "F_USER", (v = http_field(r, KEY_USER)) ? v : "");
	tdict_set(body, "F_FROM", (v = http_field(r, KEY_FROM)) ? v : "");
	tdict_set(body, "F_TO", (v = http_field(r, KEY_TO)) ? v : "");
	for (a = audit_actions; a->action != NULL; a++) {
		s = tdict_add_section(body, "ACTION_OPT");
		tdict_set(s, "OPT_VALUE", a->action);
		tdict_set(s, "OPT_LABEL", a->label);
		if (action != NULL && strcmp(action, a->action) == 0)
			tdict_show(s, "OPT_SELECTED");
	}
}

/* The rows of a page being made: sections of the page's one dictionary,
 * expanded with it in one go. */
struct rows {
	struct tdict	*body;
	int		 n;		/* entries read, the one past the page too */
	int64_t		 first, last;	/* the ids shown first and last */
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
	char		 shorthash[13];

	/* One past the page only says that a next page exists. */
	if (++l->n > PER_PAGE)
		return 0;
	if (l->n == 1)
		l->first = e->id;
	l->last = e->id;
	if ((d = tdict_add_section(l->body, "ROW")) == NULL)
		return -1;
	tdict_set_int(d, "ROW_ID", e->id);
	tdict_set(d, "ROW_TIME", row_time(l, e->ts));
	tdict_set(d, "ROW_ACTOR", e->actor);
	tdict_set(d, "ROW_ADDR", e->addr);
	tdict_set(d, "ROW_UA", e->user_agent);
	tdict_set(d, "ROW_ACTION", e->action);
	tdict_set(d, "ROW_ACTION_LABEL", audit_action_label(e->action));
	tdict_set(d, "ROW_OBJECT", e->object);
	/* The full hash is for `dialdesk audit verify`, not for the page. */
	snprintf(shorthash, sizeof(shorthash), "%s", e->hash);
	tdict_set(d, "ROW_HASH_SHORT", shorthash);
	return fill_details(d, e->details);
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

/* Walking up from an after= key: the id of the PER_PAGE-th entry. */
struct upward {
	int64_t	 top;
	int	 n;
};

static int
count_up(void *arg, const struct audit_row *e)
{
	struct upward	*u = arg;

	if (++u->n == PER_PAGE)
		u->top = e->id;
	return 0;
}

/* The page's key, older than which its rows are (0: the first page), for
 * a request of after= (the newer page), before= or page= (the unfiltered
 * log only: its ids are gap-free, the chain insists, so page N is an id
 * range). -1 on an error. */
static int
page_key(struct request *r, const struct audit_filter *f, int64_t newest,
    int64_t *key)
{
	struct upward	 u = { 0, 0 };
	int64_t		 page = r->fieldmap[KEY_PAGE] != NULL ?
			    r->fieldmap[KEY_PAGE]->parsed : 1;

	*key = 0;
	if (r->fieldmap[KEY_BEFORE] != NULL)
		*key = r->fieldmap[KEY_BEFORE]->parsed;
	else if (r->fieldmap[KEY_AFTER] != NULL) {
		/* A page of those just above the key, unless they are the
		 * newest: then the first page, full. */
		if (store_audit_page(r->db, f, r->fieldmap[KEY_AFTER]->parsed,
		    1, PER_PAGE + 1, count_up, &u) == -1)
			return -1;
		if (u.n > PER_PAGE)
			*key = u.top + 1;
	} else if (page > 1)
		*key = newest - (page - 1) * PER_PAGE + 1 > 1 ?
		    newest - (page - 1) * PER_PAGE + 1 : 1;
	return 0;
}

static int
fill_rows(struct request *r, struct tdict *body, int64_t newest)
{
	struct audit_filter f;
	struct rows	 l = { body, 0, 0, 0, "", "" };
	char		 from[32], to[32];
	int64_t		 key;

	filter_of(r, &f, from, to);
	if (page_key(r, &f, newest, &key) == -1 ||
	    store_audit_page(r->db, &f, key, 0, PER_PAGE + 1, add_row,
	    &l) == -1)
		return -1;
	if (l.n == 0)
		tdict_show(body, "EMPTY");
	ui_fill_pager(r, body, "/audit", fkeys, sizeof(fkeys) / sizeof(fkeys[0]),
	    key != 0, l.n > PER_PAGE, l.first, l.last);
	return 0;
}

/* The page body's dictionary: filters, rows and pager; newest is the
 * newest entry's id, which pages the unfiltered log. 0 or -1. */
static int
fill_body(struct request *r, struct tdict *body, int64_t newest)
{
	fill_filters(r, body);
	return fill_rows(r, body, newest);
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
	int64_t		 newest = 0;

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
	if (store_audit_max_id(r->db, &newest) == -1)
		goto fail;
	page = ui_page(r, "审计日志", "audit.tpl", &body);
	if (fill_body(r, body, newest) == -1) {
		tdict_free(page);
		goto fail;
	}
	ui_send(r, 200, page);
	return;
fail:
	ui_error(r, 500, "服务器内部错误", "无法读取审计日志。");
}
