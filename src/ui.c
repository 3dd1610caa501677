/* ui.c: page chrome shared by every page. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "fields.h"
#include "http.h"
#include "log.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"
#include "users.h"
#include "store/tasks.h"
#include "store/users.h"

/* The navigation, in order, with the roles that see each entry. */
static const struct ui_link nav[] = {
	{ "/", "首页", NULL, ROLE_ANY },
	{ "/tasks/new", "新建任务", NULL, ROLE_ADMIN | ROLE_OPERATOR },
	{ "/tasks", "任务列表", NULL, ROLE_ANY },
	{ "/dnc", "免打扰", NULL, ROLE_ANY },
	{ "/audit", "审计日志", NULL, ROLE_ADMIN | ROLE_AUDITOR },
	{ "/pushes", "供应商推送", NULL, ROLE_ADMIN },
	{ "/users", "用户", NULL, ROLE_ADMIN },
	{ "/settings", "设置", NULL, ROLE_ADMIN | ROLE_AUDITOR },
};
#define NNAV	(sizeof(nav) / sizeof(nav[0]))

void
ui_fill_links(struct tdict *d, const char *section,
    const struct ui_link *links, size_t n, unsigned role, int current)
{
	struct tdict	*s;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!(links[i].roles & role))
			continue;
		s = tdict_add_section(d, section);
		tdict_set(s, "LINK_HREF", links[i].href);
		tdict_set(s, "LINK_LABEL", links[i].label);
		if (links[i].text != NULL)
			tdict_set(s, "LINK_TEXT", links[i].text);
		if ((int)i == current)
			tdict_show(s, "LINK_CURRENT");
	}
}

/* The navigation of role (one of its bits) with entry cur current (-1:
 * none) as nav.tpl expands it: made once per worker, role and entry and
 * kept, since every page of a session has the same but for that. NULL
 * when the template fails. */
static const char *
nav_html(enum role role, int cur, size_t *len)
{
	static struct {
		char	*html;
		size_t	 len;
	}		 made[ROLE_ANY + 1][NNAV + 1];
	struct tdict	*d;
	unsigned	 k = (unsigned)role & ROLE_ANY;

	if (made[k][cur + 1].html == NULL) {
		d = tdict_new();
		ui_fill_links(d, "NAV", nav, NNAV, k, cur);
		if (tmpl_expand("nav.tpl", d, &made[k][cur + 1].html,
		    &made[k][cur + 1].len) == -1)
			made[k][cur + 1].html = NULL;
		tdict_free(d);
	}
	*len = made[k][cur + 1].len;
	return made[k][cur + 1].html;
}

static int
nav_current(const char *path, const char *href)
{
	size_t	 n = strlen(href);

	if (strcmp(href, "/") == 0)
		return strcmp(path, "/") == 0;
	return strncmp(path, href, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

const char *
ui_csrf(struct request *r)
{
	char	 tok[TOKEN_HEX];

	if (r->sstate == SESSION_OK)
		return r->sess.csrf;
	if (r->cookie_csrf == NULL) {
		token_new(tok);
		if ((r->cookie_csrf = strdup(tok)) == NULL)
			return "";
		/* A browser-session cookie: the form it pairs with is on
		 * the page being served now. */
		http_cookie(r, "dd_csrf", tok, -1);
	}
	return r->cookie_csrf;
}

/* The layout's dictionary, without the page's body. An error page is
 * no entry's page: mark_current 0 marks none. */
static struct tdict *
layout(struct request *r, const char *title, int mark_current)
{
	struct tdict	*d = tdict_new(), *s;
	const char	*html;
	size_t		 i, len;
	int		 cur = -1;

	tdict_set(d, "TITLE", title);
	if (r->sstate == SESSION_OK) {
		s = tdict_add_section(d, "USER");
		tdict_set(s, "USER_NAME", r->sess.user_name);
		tdict_set(s, "ROLE_LABEL", role_label(r->sess.role));
		tdict_set(s, "CSRF", r->sess.csrf);
		/* The current entry is the longest that holds the path:
		 * /tasks/new is "新建任务", not also "任务列表", even for a
		 * role that does not see 新建任务 (then none is current). */
		for (i = 0; mark_current && i < NNAV; i++)
			if (nav_current(r->path, nav[i].href) &&
			    (cur < 0 || strlen(nav[i].href) >
			    strlen(nav[cur].href)))
				cur = (int)i;
		if (cur >= 0 && !(nav[cur].roles & r->sess.role))
			cur = -1;
		if ((html = nav_html(r->sess.role, cur, &len)) != NULL)
			tdict_setn(s, "NAV_HTML", html, len);
	}
	return d;
}

struct tdict *
ui_page(struct request *r, const char *title, const char *body_tpl,
    struct tdict **body)
{
	struct tdict	*d = layout(r, title, 1);

	*body = tdict_add_include(d, "BODY", body_tpl);
	return d;
}

void
ui_send(struct request *r, int status, struct tdict *page)
{
	const char	*out;
	size_t		 len;

	if (tmpl_expand_kept("layout.tpl", page, &out, &len) == -1) {
		log_err("ui: cannot expand the page for %s", r->path);
		tdict_free(page);
		if (!r->opened) {
			http_open(r, 500, "text/plain; charset=utf-8");
			http_puts(r, "500 服务器内部错误\n");
		}
		return;
	}
	tdict_free(page);
	http_open(r, status, "text/html; charset=utf-8");
	http_write(r, out, len);
}

void
ui_error(struct request *r, int status, const char *message,
    const char *detail)
{
	struct tdict	*page, *body, *s;
	char		 title[64];

	snprintf(title, sizeof(title), "%d %s", status, message);
	page = layout(r, title, 0);
	body = tdict_add_include(page, "BODY", "error.tpl");
	tdict_set_int(body, "STATUS", status);
	tdict_set(body, "MESSAGE", message);
	if (detail != NULL) {
		s = tdict_add_section(body, "DETAIL");
		tdict_set(s, "DETAIL_TEXT", detail);
	}
	ui_send(r, status, page);
}

/* The zone's offset east of UTC (seconds) at t. Kept for one UTC day
 * whose first and last second have the same offset: zones change a few
 * times a year, so none changes within such a day, and a list's rows
 * (newest first) mostly share a few days. A day with a change is looked
 * up second by second. */
static long
utc_offset(time_t t)
{
	static time_t	 day = -1;
	static long	 off;
	struct tm	 a, b;
	time_t		 d = t - ((t % 86400) + 86400) % 86400, e = d + 86399;

	if (d == day)
		return off;
	if (localtime_r(&d, &a) == NULL || localtime_r(&e, &b) == NULL)
		return 0;
	if (a.tm_gmtoff != b.tm_gmtoff) {
		day = -1;
		return localtime_r(&t, &a) != NULL ? a.tm_gmtoff : 0;
	}
	day = d;
	off = a.tm_gmtoff;
	return off;
}

/* n as width digits, zero-padded, at p. */
static char *
digits(char *p, int n, int width)
{
	int	 i;

	for (i = width - 1; i >= 0; i--, n /= 10)
		p[i] = (char)('0' + n % 10);
	return p + width;
}

void
ui_time(int64_t t, char out[32])
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	char		*p = out;

	/* gmtime_r of the local time: arithmetic, no zone look-up. */
	tt += utc_offset(tt);
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 < 1000 ||
	    tm.tm_year + 1900 > 9999) {
		/* Outside four-digit years: as strftime writes them. */
		tt = (time_t)t;
		if (localtime_r(&tt, &tm) == NULL ||
		    strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm) == 0)
			snprintf(out, 32, "-");
		return;
	}
	p = digits(p, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = digits(p, tm.tm_mday, 2);
	*p++ = ' ';
	p = digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = digits(p, tm.tm_sec, 2);
	*p = '\0';
}

/* n digits of s as a number, -1 when one is not a digit. */
static int
number(const char *s, int n)
{
	int	 v = 0;

	for (; n > 0; n--, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar
 * (timegm's arithmetic without its normalizing). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
ui_time_utc_text(const char *utc, char out[32])
{
	struct tm	 tm;
	const char	*end;

	memset(&tm, 0, sizeof(tm));
	/* The audit's own format, "2026-11-21T12:00:05.123Z", read by
	 * hand (strptime is most of the time of a row); else strptime. */
	if (strlen(utc) >= 19 && utc[4] == '-' && utc[7] == '-' &&
	    utc[10] == 'T' && utc[13] == ':' && utc[16] == ':' &&
	    (tm.tm_year = number(utc, 4)) >= 0 &&
	    (tm.tm_mon = number(utc + 5, 2)) >= 1 && tm.tm_mon <= 12 &&
	    (tm.tm_mday = number(utc + 8, 2)) >= 1 && tm.tm_mday <= 31 &&
	    (tm.tm_hour = number(utc + 11, 2)) >= 0 && tm.tm_hour <= 23 &&
	    (tm.tm_min = number(utc + 14, 2)) >= 0 && tm.tm_min <= 59 &&
	    (tm.tm_sec = number(utc + 17, 2)) >= 0 && tm.tm_sec <= 60) {
		ui_time(days_from_civil(tm.tm_year, tm.tm_mon, tm.tm_mday) *
		    86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec, out);
		return;
	} else {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(utc, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL) {
			snprintf(out, 32, "%s", utc);
			return;
		}
	}
	ui_time((int64_t)timegm(&tm), out);
}

int64_t
ui_day_start(int64_t yyyymmdd, int days)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(yyyymmdd / 10000) - 1900;
	tm.tm_mon = (int)(yyyymmdd / 100 % 100) - 1;
	tm.tm_mday = (int)(yyyymmdd % 100) + days;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* path with the filters of fkeys set in r, after first (already in href,
 * "path?..." ending in '?' or in a parameter). NULL when out of memory. */
static char *
add_filters(const struct request *r, char *href, const enum key *fkeys,
    size_t n)
{
	char	*grown, *esc;
	size_t	 i;
	int	 bare = href[strlen(href) - 1] == '?';

	for (i = 0; i < n; i++) {
		const char *v = http_field(r, fkeys[i]);
		if (v == NULL || *v == '\0')
			continue;
		if ((esc = http_urlencode(v)) == NULL ||
		    asprintf(&grown, "%s%s%s=%s", href, bare ? "" : "&",
		    keys[fkeys[i]].name, esc) < 0) {
			free(esc);
			free(href);
			return NULL;
		}
		bare = 0;
		free(esc);
		free(href);
		href = grown;
	}
	if (bare)
		href[strlen(href) - 1] = '\0';
	return href;
}

char *
ui_key_href(const struct request *r, const char *path,
    const enum key *fkeys, size_t n, enum key which, int64_t key)
{
	char	*href;
	int	 rc;

	if (which == KEY__MAX)
		rc = asprintf(&href, "%s?", path);
	else
		rc = asprintf(&href, "%s?%s=%lld", path, keys[which].name,
		    (long long)key);
	return rc < 0 ? NULL : add_filters(r, href, fkeys, n);
}

int
ui_pager_valid(const struct request *r)
{
	return r->fieldnmap[KEY_BEFORE] == NULL &&
	    r->fieldnmap[KEY_AFTER] == NULL &&
	    (r->fieldmap[KEY_BEFORE] == NULL || r->fieldmap[KEY_AFTER] == NULL);
}

void
ui_fill_pager(const struct request *r, struct tdict *body, const char *path,
    const enum key *fkeys, size_t n, int newer, int older, int64_t first,
    int64_t last)
{
	char	*href;

	if (newer && (href = ui_key_href(r, path, fkeys, n, KEY__MAX,
	    0)) != NULL) {
		tdict_set(tdict_add_section(body, "FIRST"), "FIRST_HREF", href);
		free(href);
	}
	if (newer && (href = ui_key_href(r, path, fkeys, n, KEY_AFTER,
	    first)) != NULL) {
		tdict_set(tdict_add_section(body, "PREV"), "PREV_HREF", href);
		free(href);
	}
	if (older && (href = ui_key_href(r, path, fkeys, n, KEY_BEFORE,
	    last)) != NULL) {
		tdict_set(tdict_add_section(body, "NEXT"), "NEXT_HREF", href);
		free(href);
	}
	if (!newer)
		tdict_set(body, "PAGE_LABEL", "第 1 页");
	else
		tdict_setf(body, "PAGE_LABEL", "编号 %lld 至 %lld",
		    (long long)first, (long long)last);
}

int
ui_list_take(struct ui_list *l, int64_t key, int per_page)
{
	if (++l->n > per_page)
		return 0;
	if (l->n == 1)
		l->first = key;
	l->last = key;
	return 1;
}

void
ui_upward_add(struct ui_upward *u, int64_t key)
{
	if (++u->n == u->per_page)
		u->top = key;
}

int
ui_pager_key(struct request *r, int per_page,
    int (*up)(struct request *, int64_t, struct ui_upward *, void *),
    void *arg, int64_t *key)
{
	struct ui_upward u = { 0, 0, per_page };

	*key = 0;
	if (r->fieldmap[KEY_BEFORE] != NULL)
		*key = r->fieldmap[KEY_BEFORE]->parsed;
	else if (r->fieldmap[KEY_AFTER] != NULL) {
		if (up(r, r->fieldmap[KEY_AFTER]->parsed, &u, arg) == -1)
			return -1;
		if (u.n > per_page)
			*key = u.top + 1;
	}
	return 0;
}

static int
text_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ui_text *)a)->key,
	    ((const struct ui_text *)b)->key);
}

const char *
ui_text_find(struct ui_texts *tt, const char *key)
{
	struct ui_text	 want = { key, NULL };
	const struct ui_text *hit;

	if (key == NULL)
		return NULL;
	if (!tt->sorted) {
		qsort(tt->t, tt->n, sizeof(tt->t[0]), text_cmp);
		tt->sorted = 1;
	}
	hit = bsearch(&want, tt->t, tt->n, sizeof(tt->t[0]), text_cmp);
	return hit != NULL ? hit->text : NULL;
}

char *
ui_filter_href(const struct request *r, const char *path,
    const enum key *fkeys, size_t n, int64_t page)
{
	char	*href;

	if (asprintf(&href, "%s?page=%lld", path, (long long)page) < 0)
		return NULL;
	return add_filters(r, href, fkeys, n);
}

void
ui_fill_role_options(struct tdict *d, enum role selected)
{
	static const enum role roles[] = { ROLE_OPERATOR, ROLE_AUDITOR,
	    ROLE_ADMIN };
	struct tdict	*s;
	size_t		 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		s = tdict_add_section(d, "ROLE_OPT");
		tdict_set(s, "OPT_VALUE", role_name(roles[i]));
		tdict_set(s, "OPT_LABEL", role_label(roles[i]));
		if (roles[i] == selected)
			tdict_show(s, "OPT_SELECTED");
	}
}

void
ui_fill_task_summary(struct tdict *s, const struct task_summary *t)
{
	char	 when[32];

	tdict_set_int(s, "TASK_ID", t->id);
	tdict_set(s, "TASK_NAME", t->name);
	tdict_set(s, "TASK_CREATOR", t->creator);
	ui_time(t->created, when);
	tdict_set(s, "TASK_CREATED", when);
	tdict_set_int(s, "TASK_ROWS", t->rows);
	tdict_set(s, "TASK_STATE", task_state_css(t->state));
	tdict_set(s, "TASK_STATE_LABEL", task_state_label(t->state));
}

void
ui_fill_user(struct tdict *s, const struct user_row *u)
{
	char	 when[32];

	tdict_set_int(s, "U_ID", u->id);
	tdict_set(s, "U_NAME", u->name);
	tdict_set(s, "U_ROLE", role_label(u->role));
	tdict_set(s, "U_STATE", u->disabled ? "已停用" : "启用");
	tdict_set(s, "U_STATE_CLASS", u->disabled ? "cancelled" : "sent");
	if (u->must_change)
		tdict_show(s, "U_MUST_CHANGE");
	if (u->last_login > 0) {
		ui_time(u->last_login, when);
		tdict_set(s, "U_LAST_LOGIN", when);
		tdict_set(tdict_add_section(s, "U_LAST_ADDR"), "ADDR",
		    u->last_login_addr);
	} else
		tdict_set(s, "U_LAST_LOGIN", "从未登录");
	tdict_set(s, "U_VENDOR_LOGIN", u->vendor_login[0] != '\0' ?
	    u->vendor_login : "（使用默认 login_name）");
	tdict_set_int(s, "U_SESSIONS", u->sessions);
	tdict_set(s, "U_PHONES", u->may_see_phones ? "可查看完整号码" :
	    "仅掩码");
}

static void
fill_param(struct tdict *body, const char *label, const char *value)
{
	struct tdict	*s = tdict_add_section(body, "PARAM");

	tdict_set(s, "PARAM_LABEL", label);
	tdict_set(s, "PARAM_VALUE", value);
}

void
ui_fill_params(struct tdict *body, const char *json, int with_name)
{
	struct task_params p;
	enum field	 f;

	if (task_params_parse(json, &p) == -1)
		return;
	for (f = 0; f < FIELD__MAX; f++) {
		const struct field_row *fd = &fields[f];
		if (!field_in_force(f, p.num) ||
		    (f == FIELD_NAME && !with_name))
			continue;
		switch (fd->kind) {
		case FIELD_KIND_TEXT:
			if (fd->required || p.text[f][0] != '\0')
				fill_param(body, fd->label, p.text[f]);
			break;
		case FIELD_KIND_SWITCH:
			fill_param(body, fd->label, p.num[f] ? fd->shown_on :
			    fd->shown_off);
			break;
		case FIELD_KIND_PHASE:
			fill_param(body, fd->label, p.num[f] != 0 ?
			    task_phase_label(p.num[f]) : "不指定");
			break;
		case FIELD_KIND_CONST:
			fill_param(body, fd->label, fd->shown);
			break;
		case FIELD_KIND_SUPPLIED:
			break;	/* settings and the list, not the task's */
		}
	}
	task_params_free(&p);
}

/* The task history's filters, shared by the list, its export and the home
 * page's search form. */
const enum key task_filter_keys[NTASK_FILTER_KEYS] = { KEY_Q, KEY_STATUS,
    KEY_CREATOR, KEY_FROM, KEY_TO };

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
ui_fill_creators(struct request *r, struct tdict *body, int64_t want)
{
	struct creators	 c = { body, want };

	return store_user_names(r->db, add_creator, &c);
}

void
ui_tasks_filter(const struct request *r, struct task_filter *f)
{
	const struct kpair *p;

	memset(f, 0, sizeof(*f));
	/* parsed: the enum task_state, -1 for "" (valid_task_state). */
	if ((p = r->fieldmap[KEY_STATUS]) != NULL && p->parsed >= 0) {
		f->has_state = 1;
		f->state = (enum task_state)p->parsed;
	}
	f->user_id = r->fieldmap[KEY_CREATOR] ?
	    r->fieldmap[KEY_CREATOR]->parsed : 0;
	f->from = r->fieldmap[KEY_FROM] ?
	    ui_day_start(r->fieldmap[KEY_FROM]->parsed, 0) : 0;
	f->to = r->fieldmap[KEY_TO] ?
	    ui_day_start(r->fieldmap[KEY_TO]->parsed, 1) : 0;
	f->name_part = http_field(r, KEY_Q);
}

int
ui_tasks_filters_valid(const struct request *r)
{
	size_t	 i;

	for (i = 0; i < NTASK_FILTER_KEYS; i++)
		if (r->fieldnmap[task_filter_keys[i]] != NULL)
			return 0;
	return r->fieldnmap[KEY_PAGE] == NULL;
}
