/* page_audit.c: GET /audit — the audit log, newest first, 25 a page,
 * filtered by user, action and a date range (local dates), paged by key
 * (before=, after=; page= for the unfiltered log). Statuses: 200, 400 (a
 * filter or key that is not valid; the page says which), 500. */
#include "autoconf.h"

#include <math.h>
#include <stdarg.h>
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

/*
 * Rendered rows, per worker. An entry never changes once written (the
 * chain proves it), so the HTML of its row — an expansion of
 * audit_row.tpl, escaped by ctemplate like any page — can be kept and
 * reused: paging through the log then costs a query and a copy instead of
 * a dictionary per row. Direct-mapped by id; a slot is simply replaced.
 */
#define ROW_CACHE	2048

static struct {
	int64_t	 id;
	char	*html;
	size_t	 len;
} rowcache[ROW_CACHE];

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

/* Append printf-like text to *out (malloc()ed). -1 when out of memory. */
static int append(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
append(char **out, const char *fmt, ...)
{
	va_list	 ap;
	char	*more, *grown;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&more, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	n = asprintf(&grown, "%s%s", *out, more);
	free(more);
	if (n < 0)
		return -1;
	free(*out);
	*out = grown;
	return 0;
}

/* One value as text, appended to *out: numbers as written, true/false as
 * 是/否, an object as "label value" pairs, an array as its items. -1 when
 * out of memory. */
static int
detail_text(const cJSON *v, char **out)
{
	const cJSON	*c;

	if (cJSON_IsString(v))
		return append(out, "%s", v->valuestring);
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 9007199254740992.0)
		return append(out, "%lld", (long long)v->valuedouble);
	if (cJSON_IsNumber(v))
		return append(out, "%g", v->valuedouble);
	if (cJSON_IsBool(v))
		return append(out, "%s", cJSON_IsTrue(v) ? "是" : "否");
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return append(out, "—");
	cJSON_ArrayForEach(c, v) {
		if (c != v->child && append(out, "，") == -1)
			return -1;
		if (cJSON_IsObject(v) && append(out, "%s ",
		    detail_label(c->string)) == -1)
			return -1;
		if (detail_text(c, out) == -1)
			return -1;
	}
	return 0;
}

/* The details of an entry (a JSON object) as DETAIL sections of label and
 * value; text that is not an object is shown as one value. -1 when out of
 * memory. */
static int
fill_details(struct tdict *d, const char *json)
{
	cJSON		*root = cJSON_Parse(json), *c;
	struct tdict	*s;
	char		*text;

	if (json[0] == '\0' || (root != NULL && cJSON_IsObject(root) &&
	    root->child == NULL)) {
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
		if ((text = strdup("")) == NULL || detail_text(c, &text) == -1) {
			free(text);
			cJSON_Delete(root);
			return -1;
		}
		s = tdict_add_section(d, "DETAIL");
		tdict_set(s, "DETAIL_KEY", c->string);
		tdict_set(s, "DETAIL_LABEL", detail_label(c->string));
		tdict_set(s, "DETAIL_VALUE", text);
		free(text);
	}
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

/* The row of entry e, from the cache or made now. NULL when out of memory
 * or the template fails. */
static const char *
row_html(const struct audit_row *e, size_t *len)
{
	struct tdict	*d;
	char		 when[32], shorthash[13], *out = NULL;
	size_t		 slot = (size_t)e->id % ROW_CACHE, outlen;

	if (rowcache[slot].id == e->id && rowcache[slot].html != NULL) {
		*len = rowcache[slot].len;
		return rowcache[slot].html;
	}
	d = tdict_new();
	tdict_set_int(d, "ROW_ID", e->id);
	ui_time_utc_text(e->ts, when);
	tdict_set(d, "ROW_TIME", when);
	tdict_set(d, "ROW_ACTOR", e->actor);
	tdict_set(d, "ROW_ADDR", e->addr);
	tdict_set(d, "ROW_UA", e->user_agent);
	tdict_set(d, "ROW_ACTION", e->action);
	tdict_set(d, "ROW_ACTION_LABEL", audit_action_label(e->action));
	tdict_set(d, "ROW_OBJECT", e->object);
	tdict_set(d, "ROW_HASH", e->hash);
	snprintf(shorthash, sizeof(shorthash), "%s", e->hash);
	tdict_set(d, "ROW_HASH_SHORT", shorthash);
	if (fill_details(d, e->details) == -1 ||
	    tmpl_expand("audit_row.tpl", d, &out, &outlen) == -1)
		out = NULL;
	tdict_free(d);
	if (out == NULL)
		return NULL;
	free(rowcache[slot].html);
	rowcache[slot].id = e->id;
	rowcache[slot].html = out;
	rowcache[slot].len = outlen;
	*len = outlen;
	return out;
}

/* The rows of a page being made: their HTML, one after the other. */
struct rows {
	char	*html;
	size_t	 used, cap;
	int	 n;		/* entries read, the one past the page too */
	int64_t	 first, last;	/* the ids shown first and last */
};

static int
add_row(void *arg, const struct audit_row *e)
{
	struct rows	*l = arg;
	const char	*html;
	char		*grown;
	size_t		 len;

	/* One past the page only says that a next page exists. */
	if (++l->n > PER_PAGE)
		return 0;
	if (l->n == 1)
		l->first = e->id;
	l->last = e->id;
	if ((html = row_html(e, &len)) == NULL)
		return -1;
	if (l->used + len + 1 > l->cap) {
		l->cap = (l->used + len + 1) * 2;
		if ((grown = realloc(l->html, l->cap)) == NULL)
			return -1;
		l->html = grown;
	}
	memcpy(l->html + l->used, html, len);
	l->used += len;
	l->html[l->used] = '\0';
	return 0;
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
	struct rows	 l = { NULL, 0, 0, 0, 0, 0 };
	char		 from[32], to[32];
	int64_t		 key;

	filter_of(r, &f, from, to);
	if (page_key(r, &f, newest, &key) == -1 ||
	    store_audit_page(r->db, &f, key, 0, PER_PAGE + 1, add_row,
	    &l) == -1) {
		free(l.html);
		return -1;
	}
	tdict_setn(body, "ROWS", l.html != NULL ? l.html : "", l.used);
	free(l.html);
	if (l.n == 0)
		tdict_show(body, "EMPTY");
	ui_fill_pager(r, body, "/audit", fkeys, sizeof(fkeys) / sizeof(fkeys[0]),
	    key != 0, l.n > PER_PAGE, l.first, l.last);
	return 0;
}

/*
 * Whole page bodies, per worker. A page of the log is a function of its
 * filters, its number and the newest entry's id (entries never change),
 * so one made for the same key is still right: a hit costs two indexed
 * queries and a copy.
 */
#define BODY_CACHE	8

static struct {
	char		*key;
	char		*html;
	size_t		 len;
	unsigned long	 used;
} bodycache[BODY_CACHE];
static unsigned long bodyclock;

static int
body_cached(const char *key, char **html, size_t *len)
{
	size_t	 i;

	for (i = 0; i < BODY_CACHE; i++)
		if (bodycache[i].key != NULL &&
		    strcmp(bodycache[i].key, key) == 0) {
			bodycache[i].used = ++bodyclock;
			*html = bodycache[i].html;
			*len = bodycache[i].len;
			return 1;
		}
	return 0;
}

/* Keep html under key, in place of the least recently used body. Takes
 * both strings. */
static void
body_keep(char *key, char *html, size_t len)
{
	size_t	 i, lru = 0;

	for (i = 1; i < BODY_CACHE; i++)
		if (bodycache[i].used < bodycache[lru].used)
			lru = i;
	free(bodycache[lru].key);
	free(bodycache[lru].html);
	bodycache[lru].key = key;
	bodycache[lru].html = html;
	bodycache[lru].len = len;
	bodycache[lru].used = ++bodyclock;
}

/* The page body: filters, rows and pager, expanded from audit.tpl;
 * newest is the newest entry's id, which pages the unfiltered log. */
static int
make_body(struct request *r, int64_t newest, char **html, size_t *len)
{
	struct tdict	*body = tdict_new();
	int		 rc = -1;

	fill_filters(r, body);
	if (fill_rows(r, body, newest) == -1)
		goto out;
	rc = tmpl_expand("audit.tpl", body, html, len);
out:
	tdict_free(body);
	return rc;
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
	const char	*v[4];
	char		*key = NULL, *html;
	size_t		 len, i;

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

	if (store_audit_max_id(r->db, &newest) == -1)
		goto fail;
	for (i = 0; i < 4; i++)
		v[i] = http_field(r, fkeys[i]) != NULL ?
		    http_field(r, fkeys[i]) : "";
	/* Filter values hold no "\n" (valid_line, valid_action, valid_date). */
	if (asprintf(&key, "%lld\n%lld\n%lld\n%lld\n%s\n%s\n%s\n%s",
	    (long long)newest, (long long)(r->fieldmap[KEY_PAGE] ?
	    r->fieldmap[KEY_PAGE]->parsed : 0), (long long)(r->fieldmap[KEY_BEFORE] ?
	    r->fieldmap[KEY_BEFORE]->parsed : 0), (long long)(r->fieldmap[KEY_AFTER] ?
	    r->fieldmap[KEY_AFTER]->parsed : 0), v[0], v[1], v[2], v[3]) < 0)
		goto fail;
	if (!body_cached(key, &html, &len)) {
		if (make_body(r, newest, &html, &len) == -1)
			goto fail;
		body_keep(key, html, len);
	} else
		free(key);
	ui_send(r, 200, ui_page_html(r, "审计日志", html, len));
	return;
fail:
	free(key);
	ui_error(r, 500, "服务器内部错误", "无法读取审计日志。");
}
