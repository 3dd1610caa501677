/* router.c: which handler answers which method and path, for which roles
 * and, for a path with an id, on which object; 404, 405, 401 (a redirect
 * to the sign-in page), 403 (role, CSRF, owner) are decided here, before
 * any handler runs. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "access.h"
#include "audit.h"
#include "auth.h"
#include "config.h"
#include "store.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "pages.h"
#include "router.h"
#include "settings.h"
#include "ui.h"

#define M_GET	(1u << METHOD_GET | 1u << METHOD_HEAD)
#define M_POST	(1u << METHOD_POST)

/* A route without an id. */
#define PAGE(path, methods, roles, flags, handler)			\
	{ path, path, "", methods, roles, flags, OBJ_NONE, NEED_NONE,	\
	  handler }
/* A route whose path has an id: head, the id of an object of kind obj,
 * then tail. It must name the object and what it does to it (NEED_READ or
 * NEED_ACT): with OBJ_NONE or NEED_NONE the table does not compile. */
#define NAMED(type, v, none)						\
	((type)((v) + 0 * sizeof(struct { char c;			\
	    _Static_assert((v) != (none),					\
	    "a route with an id must name its object and need"); })))
#define ID_PAGE(head, obj, tail, does, methods, roles, flags, handler)	\
	{ head "#" tail, head, tail, methods, roles, flags,		\
	  NAMED(enum object, obj, OBJ_NONE),				\
	  NAMED(enum need, does, NEED_NONE), handler }

#define STAFF	(ROLE_ADMIN | ROLE_OPERATOR)

/* The routes on one kind of object share its head and, mostly, who reads
 * or acts on it and how: each of those is said once, here. An act is a
 * POST; a read a GET unless it says otherwise. */
#define USER_ACT(tail, handler)						\
	ID_PAGE("/users/", OBJ_USER, tail, NEED_ACT, M_POST, ROLE_ADMIN, 0,	\
	    handler)
#define TASK_READ(tail, handler)						\
	ID_PAGE("/tasks/", OBJ_TASK, tail, NEED_READ, M_GET, ROLE_ANY, 0,	\
	    handler)
#define IMPORT_READ(tail, methods, flags, handler)			\
	ID_PAGE("/imports/", OBJ_IMPORT, tail, NEED_READ, methods, ROLE_ANY,	\
	    flags, handler)
#define IMPORT_ACT(tail, handler)					\
	ID_PAGE("/imports/", OBJ_IMPORT, tail, NEED_ACT, M_POST, STAFF, 0,	\
	    handler)

/*
 * Every route. The role is checked first (403, audited as
 * permission.denied, reason "role"); then, for a route with an id, the
 * object is loaded once: 404 when there is none, 403 (permission.denied,
 * reason "owner") when the rule of access.c does not let this session
 * read or act on it. In short: administrators read and act on everything;
 * operators read every task with its batches and results but act only on
 * their own tasks, batches and previews; a preview and its error report
 * are read only by its uploader, administrators and auditors; auditors
 * never act; pushes are the administrators'. Handlers check no owner.
 * `dialdesk routes` prints every row with its macros expanded.
 */
static const struct route routes[] = {
	PAGE("/login", M_GET | M_POST, ROLE_ANY, ROUTE_ANON, page_login),
	/* The vendor, not a browser: its token is in the URL. */
	PAGE("/callback/import", M_POST, ROLE_ANY, ROUTE_ANON | ROUTE_RAW,
	    page_callback),
	PAGE("/logout", M_POST, ROLE_ANY, ROUTE_OWN_ACCOUNT, page_logout),
	PAGE("/account", M_GET, ROLE_ANY, ROUTE_OWN_ACCOUNT, page_account),
	PAGE("/account/password", M_POST, ROLE_ANY, ROUTE_OWN_ACCOUNT,
	    page_account_password),
	PAGE("/account/sessions", M_POST, ROLE_ANY, ROUTE_OWN_ACCOUNT,
	    page_account_sessions),
	PAGE("/users", M_GET | M_POST, ROLE_ADMIN, 0, page_users),
	ID_PAGE("/users/", OBJ_USER, "", NEED_READ,
	    M_GET, ROLE_ADMIN, 0, page_user),
	USER_ACT("/role", page_user_role),
	USER_ACT("/state", page_user_state),
	USER_ACT("/password", page_user_password),
	USER_ACT("/sessions", page_user_sessions),
	USER_ACT("/vendor-login", page_user_vendor_login),
	USER_ACT("/phones", page_user_phones),
	PAGE("/", M_GET, ROLE_ANY, 0, page_home),
	PAGE("/audit", M_GET, ROLE_ADMIN | ROLE_AUDITOR, 0, page_audit),
	PAGE("/tasks", M_GET, ROLE_ANY, 0, page_tasks),
	PAGE("/tasks.csv", M_GET, ROLE_ANY, 0, page_tasks_export),
	PAGE("/tasks.xlsx", M_GET, ROLE_ANY, 0, page_tasks_export),
	TASK_READ("/breakdown.csv", page_breakdown_export),
	TASK_READ("/breakdown.xlsx", page_breakdown_export),
	PAGE("/tasks/new", M_GET | M_POST, STAFF, ROUTE_UPLOAD,
	    page_task_new),
	TASK_READ("", page_task),
	ID_PAGE("/tasks/", OBJ_TASK, "/cancel", NEED_ACT,
	    M_POST, STAFF, 0, page_task_cancel),
	ID_PAGE("/batches/", OBJ_BATCH, "/resend", NEED_ACT,
	    M_POST, STAFF, 0, page_batch_resend),
	PAGE("/pushes", M_GET, ROLE_ADMIN, 0, page_pushes),
	ID_PAGE("/pushes/", OBJ_PUSH, "/link", NEED_ACT,
	    M_POST, ROLE_ADMIN, 0, page_push_link),
	/* Auditors read the settings; only administrators change them or
	 * see the next request (its sign). */
	PAGE("/settings", M_GET, ROLE_ADMIN | ROLE_AUDITOR, 0, page_settings),
	PAGE("/settings", M_POST, ROLE_ADMIN, 0, page_settings_save),
	PAGE("/settings/preview", M_GET, ROLE_ADMIN, 0,
	    page_settings_preview),
	IMPORT_READ("", M_GET, 0, page_import),
	IMPORT_READ("/errors.csv", M_GET, 0, page_import_errors),
	/* The same two with whole numbers: a POST with a reason, audited. */
	IMPORT_READ("/reveal", M_POST, ROUTE_FULL_PHONES, page_import_reveal),
	IMPORT_READ("/errors-full.csv", M_POST, ROUTE_FULL_PHONES,
	    page_import_errors_full),
	IMPORT_ACT("/confirm", page_import_confirm),
	IMPORT_ACT("/cancel", page_import_cancel),
	IMPORT_ACT("/mapping", page_import_mapping),
	/* Monitoring, not people: nothing secret; /metrics checks the
	 * address against metrics_allow itself. No form, so no CSRF. */
	PAGE("/healthz", M_GET, ROLE_ANY, ROUTE_ANON | ROUTE_RAW, page_healthz),
	PAGE("/metrics", M_GET, ROLE_ANY, ROUTE_ANON | ROUTE_RAW, page_metrics),
	/* The do-not-call list: read by all (masked), changed by
	 * administrators. The search is a POST: no number in a URL. */
	PAGE("/dnc", M_GET, ROLE_ANY, 0, page_dnc),
	PAGE("/dnc/search", M_POST, ROLE_ANY, 0, page_dnc_search),
	PAGE("/dnc/add", M_POST, ROLE_ADMIN, 0, page_dnc_add),
	PAGE("/dnc/upload", M_POST, ROLE_ADMIN, ROUTE_UPLOAD, page_dnc_upload),
	PAGE("/dnc.csv", M_GET, ROLE_ANY, 0, page_dnc_export),
	ID_PAGE("/dnc/", OBJ_DNC, "/remove", NEED_ACT,
	    M_POST, ROLE_ADMIN, 0, page_dnc_remove),
};

const struct route *
router_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}

/* Does path match rt? An id is one segment of digits without a leading
 * zero that fits in int64_t. */
static int
route_match(const struct route *rt, const char *path, int64_t *id)
{
	size_t	 hl = strlen(rt->head);
	int64_t	 v;

	if (strncmp(path, rt->head, hl) != 0)
		return 0;
	path += hl;
	if (rt->object == OBJ_NONE)
		return *path == '\0';
	if (*path < '1' || *path > '9')
		return 0;
	for (v = 0; *path >= '0' && *path <= '9'; path++) {
		if (v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (*path - '0');
	}
	if (strcmp(path, rt->tail) != 0)
		return 0;
	*id = v;
	return 1;
}

static struct audit_actor
actor_of(const struct request *r)
{
	struct audit_actor a = {
		0, "anonymous", r->remote_addr, r->user_agent,
	};

	if (r->sstate == SESSION_OK) {
		a.user_id = r->sess.user_id;
		a.name = r->sess.user_name;
	}
	return a;
}

/* Does src ("scheme://host[:port]" and, for a Referer, a path) name the
 * origin scheme://host? */
static int
origin_is(const char *src, int is_referer, const char *scheme,
    const char *host, size_t hl)
{
	size_t	 sl = strlen(scheme);

	if (hl == 0 || strncmp(src, scheme, sl) != 0 ||
	    strncmp(src + sl, host, hl) != 0)
		return 0;
	src += sl + hl;
	return is_referer ? (*src == '\0' || *src == '/') : *src == '\0';
}

/* Does Origin (or, without it, Referer) name this site? This site is the
 * Host the request came to — with SERVER_PORT added when the front end
 * passes a Host without its port, as nginx's $host does — or public_url.
 * Requests with neither header come from non-browser clients, which the
 * token still guards. */
static int
same_origin(const struct request *r)
{
	const char	*scheme = r->https ? "https://" : "http://";
	const char	*src = r->origin != NULL ? r->origin : r->referer;
	const char	*port = http_env(r, "SERVER_PORT");
	const char	*pub = r->cfg->public_url;
	char		 withport[300];
	int		 ref = r->origin == NULL;

	if (src == NULL)
		return 1;
	if (origin_is(src, ref, scheme, r->host, strlen(r->host)))
		return 1;
	if (strchr(r->host, ':') == NULL && port != NULL && *port != '\0' &&
	    snprintf(withport, sizeof(withport), "%s:%s", r->host, port) <
	    (int)sizeof(withport) &&
	    origin_is(src, ref, scheme, withport, strlen(withport)))
		return 1;
	/* public_url is "scheme://host[:port]" (config.c checks it). */
	if (strncmp(pub, "https://", 8) == 0)
		return origin_is(src, ref, "https://", pub + 8, strlen(pub + 8));
	if (strncmp(pub, "http://", 7) == 0)
		return origin_is(src, ref, "http://", pub + 7, strlen(pub + 7));
	return 0;
}

/* Record a refusal; for one by the rule on an object, which object. */
static void
deny(struct request *r, const char *action, const char *why,
    const struct route *rt)
{
	struct audit_actor	 who = actor_of(r);
	cJSON			*d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "method", r->method_name);
	cJSON_AddStringToObject(d, "path", r->path);
	cJSON_AddStringToObject(d, "reason", why);
	if (rt != NULL && rt->object != OBJ_NONE) {
		cJSON_AddStringToObject(d, "object",
		    access_object_name(rt->object));
		cJSON_AddNumberToObject(d, "id", (double)r->path_id);
		cJSON_AddStringToObject(d, "need", access_need_name(rt->need));
	}
	if (audit_record(r->db, &who, action, r->path, d) == -1)
		log_err("router: cannot record %s for %s", action, r->path);
	cJSON_Delete(d);
}

static void
to_login(struct request *r)
{
	char	*esc = NULL, *loc = NULL;

	/* Come back to the page after signing in: only GET can be redone. */
	if (r->method != METHOD_POST && strcmp(r->path, "/") != 0 &&
	    (esc = http_urlencode(r->path)) != NULL &&
	    asprintf(&loc, "/login?next=%s", esc) < 0)
		loc = NULL;
	http_redirect(r, loc != NULL ? loc : "/login");
	free(esc);
	free(loc);
}

/* Parse and validate the input, and for POST check the origin and the
 * CSRF token. Returns 1, or 0 with the answer sent. */
static int
input_ok(struct request *r, const struct route *rt)
{
	const char	*want;
	int		 rc;

	rc = http_parse_input(r, (rt->flags & ROUTE_UPLOAD) ?
	    r->cfg->upload_max_bytes : FORM_MAX, rt->flags & ROUTE_UPLOAD);
	switch (rc) {
	case 0:
		break;
	case 411:
		ui_error(r, 411, "请求缺少长度", NULL);
		return 0;
	case 413:
		ui_error(r, 413, "提交的内容太大", NULL);
		return 0;
	case 415:
		ui_error(r, 415, "不支持的提交格式", NULL);
		return 0;
	case 500:
		ui_error(r, 500, "服务器内部错误", "请稍后再试。");
		return 0;
	default:
		ui_error(r, 400, "请求格式错误", NULL);
		return 0;
	}

	if (r->method == METHOD_POST) {
		want = r->sstate == SESSION_OK ? r->sess.csrf : r->cookie_csrf;
		if (!same_origin(r)) {
			deny(r, "csrf.rejected", "origin", NULL);
			ui_error(r, 403, "请求来源不正确", "请从本站页面提交表单。");
			return 0;
		}
		if (!token_equal(http_field(r, KEY_CSRF), want)) {
			deny(r, "csrf.rejected", r->fieldmap[KEY_CSRF] ?
			    "token mismatch" : "token missing", NULL);
			ui_error(r, 403, "表单已失效",
			    "请返回上一页，刷新后重新提交。");
			return 0;
		}
	}
	return 1;
}

/* The object of the route's id: load its owner once, answer 404 when it
 * does not exist and 403 when the rule does not let this session do what
 * the route does; else tell the handler whether it may also act on it
 * (r->may_act: which forms to show). Returns 1, or 0 with the answer
 * sent. After the CSRF check, so that a forged request learns nothing of
 * what exists. */
static int
object_ok(struct request *r, const struct route *rt)
{
	unsigned	 role = r->sstate == SESSION_OK ? r->sess.role : 0;
	int64_t		 uid = r->sstate == SESSION_OK ? r->sess.user_id : 0;
	int64_t		 owner;
	int		 exists;

	if (access_owner(r->db, rt->object, r->path_id, &owner, &exists) ==
	    -1) {
		ui_error(r, 500, "服务器内部错误", "请稍后再试。");
		return 0;
	}
	if (!exists) {
		ui_error(r, 404, access_missing_zh(rt->object), NULL);
		return 0;
	}
	if (!access_allowed(rt->object, rt->need, role, uid, owner)) {
		deny(r, "permission.denied", "owner", rt);
		ui_error(r, 403, access_denied_zh(rt->object, rt->need), NULL);
		return 0;
	}
	r->may_act = access_allowed(rt->object, NEED_ACT, role, uid, owner);
	return 1;
}

static void
dispatch(struct request *r)
{
	const struct route	*rt = NULL;
	size_t			 i;
	unsigned		 allowed = 0;
	int			 idle, maxage;

	/* A path may have a row per method (GET and POST for different
	 * roles): the row of this method, else 405 with every method the
	 * path's rows take. */
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (route_match(&routes[i], r->path, &r->path_id)) {
			allowed |= routes[i].methods;
			if (routes[i].methods & (1u << r->method)) {
				rt = &routes[i];
				break;
			}
		}
	if (rt == NULL && allowed == 0) {
		ui_error(r, 404, "页面不存在", NULL);
		return;
	}
	if (rt == NULL) {
		http_header(r, "Allow", "%s%s%s",
		    allowed & M_GET ? "GET, HEAD" : "",
		    (allowed & M_GET) && (allowed & M_POST) ? ", " : "",
		    allowed & M_POST ? "POST" : "");
		ui_error(r, 405, "不支持该请求方法", NULL);
		return;
	}

	idle = r->cfg->session_idle_minutes * 60;
	maxage = r->cfg->session_max_hours * 3600;
	if (r->cookie_session != NULL)
		r->sstate = session_lookup(r->db, r->cookie_session, r->now,
		    idle, maxage, &r->sess);
	/* Before anything reads the settings page's keys: the version came
	 * with the session, else it is asked for alone. */
	settings_live_settle(r->db, r->sstate == SESSION_OK ?
	    r->sess.settings_version : -1);
	if (r->sstate == SESSION_ERROR) {
		ui_error(r, 500, "服务器内部错误", "请稍后再试。");
		return;
	}
	r->actor = actor_of(r);
	if (!(rt->flags & ROUTE_ANON)) {
		if (r->sstate != SESSION_OK) {
			to_login(r);
			return;
		}
		if (!(rt->roles & r->sess.role)) {
			deny(r, "permission.denied", "role", rt);
			ui_error(r, 403, "没有权限访问该页面", NULL);
			return;
		}
		/* Whole phone numbers only for accounts allowed them. */
		if ((rt->flags & ROUTE_FULL_PHONES) && !r->sess.may_see_phones) {
			deny(r, "permission.denied", "phones", rt);
			ui_error(r, 403, "没有查看完整号码的权限",
			    "请管理员在用户管理中开启该权限。");
			return;
		}
		/* An account given a password by an administrator chooses
		 * its own before anything else. */
		if (r->sess.must_change && !(rt->flags & ROUTE_OWN_ACCOUNT)) {
			http_redirect(r, "/account");
			return;
		}
	}

	if (!(rt->flags & ROUTE_RAW) && !input_ok(r, rt))
		return;
	if (rt->object != OBJ_NONE && !object_ok(r, rt))
		return;
	rt->handler(r);
}

/* The row of the table that path matches, or the table's length. */
static size_t
route_slot(const char *path)
{
	size_t	 i, n = sizeof(routes) / sizeof(routes[0]);
	int64_t	 id;

	for (i = 0; path != NULL && i < n; i++)
		if (route_match(&routes[i], path, &id))
			return i;
	return n;
}

static void
handle(struct http_io *io, const struct config *cfg, struct db *db,
    int callback_pool)
{
	struct request	 r;
	struct timespec	 t0, t1;
	int		 rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = http_request_init(&r, io, cfg, db);
	/* nginx's $request_id (fastcgi_param REQUEST_ID): in every log line
	 * and audit entry of this request. */
	log_set_request_id(http_env(&r, "REQUEST_ID"));
	if (rc != 0)
		ui_error(&r, rc, rc == 400 ? "请求格式错误" : "服务器内部错误",
		    NULL);
	else if (callback_pool && strncmp(r.path, "/callback/", 10) != 0)
		ui_error(&r, 404, "页面不存在", NULL);
	else
		dispatch(&r);
	if (!r.opened)	/* a handler that forgot to answer is a bug */
		ui_error(&r, 500, "服务器内部错误", NULL);
	/* Never leave a transaction open into the next request. */
	db_rollback(db);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	metrics_request(route_slot(r.path), r.status,
	    (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000LL +
	    (t1.tv_nsec - t0.tv_nsec) / 1000));
	http_request_free(&r);
	log_set_request_id(NULL);
}

int
router_check(char *err, size_t errsz)
{
	const struct route	*rt;
	const char		*hash;
	size_t			 i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		rt = &routes[i];
		hash = strchr(rt->pattern, '#');
		if (rt->object == OBJ_NONE && hash != NULL) {
			snprintf(err, errsz, "route %s has an id but names no "
			    "object: write it with ID_PAGE", rt->pattern);
			return -1;
		}
		if (rt->object != OBJ_NONE && (hash == NULL ||
		    strchr(hash + 1, '#') != NULL || strchr(rt->head, '#') ||
		    strchr(rt->tail, '#'))) {
			snprintf(err, errsz, "route %s must have exactly one "
			    "id", rt->pattern);
			return -1;
		}
		if (rt->object != OBJ_NONE && rt->need != NEED_READ &&
		    rt->need != NEED_ACT) {
			snprintf(err, errsz, "route %s neither reads nor acts "
			    "on its %s", rt->pattern,
			    access_object_name(rt->object));
			return -1;
		}
		if (rt->object != OBJ_NONE &&
		    strcmp(access_object_name(rt->object), "-") == 0) {
			snprintf(err, errsz, "route %s: object kind %d has no "
			    "rule in access.c", rt->pattern, (int)rt->object);
			return -1;
		}
	}
	return 0;
}

/* "admin,operator": the names of the roles in mask. */
static void
roles_text(unsigned mask, char *buf, size_t bufsz)
{
	static const unsigned order[] = { ROLE_ADMIN, ROLE_OPERATOR,
	    ROLE_AUDITOR };
	size_t	 i, len = 0;
	int	 n;

	buf[0] = '\0';
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(mask & order[i]) || len >= bufsz)
			continue;
		n = snprintf(buf + len, bufsz - len, "%s%s", len > 0 ? "," : "",
		    role_name((enum role)order[i]));
		if (n > 0)
			len += (size_t)n;
	}
	if (buf[0] == '\0')
		snprintf(buf, bufsz, "nobody");
}

int
router_print(FILE *fp)
{
	const struct route	*rt;
	char			 roles[64], who[128];
	size_t			 i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		rt = &routes[i];
		if (rt->flags & ROUTE_ANON)
			snprintf(roles, sizeof(roles), "anyone");
		else
			roles_text(rt->roles, roles, sizeof(roles));
		if (rt->object != OBJ_NONE)
			access_rule_text(rt->object, rt->need,
			    (rt->flags & ROUTE_ANON) ? 0 : rt->roles, who,
			    sizeof(who));
		else
			snprintf(who, sizeof(who), "-");
		fprintf(fp, "%s%s%s\t%s\t%s\t%s\t%s\t%s\n",
		    rt->methods & M_GET ? "GET,HEAD" : "",
		    (rt->methods & M_GET) && (rt->methods & M_POST) ? "," : "",
		    rt->methods & M_POST ? "POST" : "", rt->pattern, roles,
		    access_object_name(rt->object), access_need_name(rt->need),
		    who);
	}
	return fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
}

void
router_handle(struct http_io *io, const struct config *cfg, struct db *db)
{
	handle(io, cfg, db, 0);
}

void
router_handle_callback(struct http_io *io, const struct config *cfg,
    struct db *db)
{
	handle(io, cfg, db, 1);
}
