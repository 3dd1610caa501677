/* router.c: which handler answers which method and path, for which roles;
 * 404, 405, 401 (a redirect to the sign-in page), 403 and the CSRF check
 * are decided here, before any handler runs. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "router.h"
#include "ui.h"

#define M_GET	(1u << METHOD_GET | 1u << METHOD_HEAD)
#define M_POST	(1u << METHOD_POST)

enum route_flag {
	ROUTE_ANON = 1 << 0,	/* no sign-in needed */
	ROUTE_UPLOAD = 1 << 1,	/* takes files, up to upload_max_bytes */
	ROUTE_RAW = 1 << 2,	/* reads its own body; no form, no CSRF */
};

/* "#" in a pattern stands for one segment of digits (r->path_id). */
static const struct route {
	const char	*pattern;
	unsigned	 methods;
	unsigned	 roles;
	unsigned	 flags;
	void		(*handler)(struct request *);
} routes[] = {
	{ "/login", M_GET | M_POST, ROLE_ANY, ROUTE_ANON, page_login },
	/* The vendor, not a browser: its token is in the URL. */
	{ "/callback/import", M_POST, ROLE_ANY, ROUTE_ANON | ROUTE_RAW,
	  page_callback },
	{ "/logout", M_POST, ROLE_ANY, 0, page_logout },
	{ "/", M_GET, ROLE_ANY, 0, page_home },
	{ "/audit", M_GET, ROLE_ADMIN | ROLE_AUDITOR, 0, page_audit },
	{ "/tasks", M_GET, ROLE_ANY, 0, page_tasks },
	{ "/tasks.csv", M_GET, ROLE_ANY, 0, page_tasks_export },
	{ "/tasks.xlsx", M_GET, ROLE_ANY, 0, page_tasks_export },
	{ "/tasks/#/breakdown.csv", M_GET, ROLE_ANY, 0,
	  page_breakdown_export },
	{ "/tasks/#/breakdown.xlsx", M_GET, ROLE_ANY, 0,
	  page_breakdown_export },
	{ "/tasks/new", M_GET | M_POST, ROLE_ADMIN | ROLE_OPERATOR,
	  ROUTE_UPLOAD, page_task_new },
	{ "/tasks/#", M_GET, ROLE_ANY, 0, page_task },
	{ "/tasks/#/cancel", M_POST, ROLE_ADMIN | ROLE_OPERATOR, 0,
	  page_task_cancel },
	{ "/batches/#/resend", M_POST, ROLE_ADMIN | ROLE_OPERATOR, 0,
	  page_batch_resend },
	{ "/pushes", M_GET, ROLE_ADMIN, 0, page_pushes },
	{ "/pushes/#/link", M_POST, ROLE_ADMIN, 0, page_push_link },
	{ "/settings", M_GET, ROLE_ADMIN, 0, page_settings },
	{ "/imports/#", M_GET, ROLE_ANY, 0, page_import },
	{ "/imports/#/errors.csv", M_GET, ROLE_ANY, 0, page_import_errors },
	{ "/imports/#/confirm", M_POST, ROLE_ADMIN | ROLE_OPERATOR, 0,
	  page_import_confirm },
	{ "/imports/#/cancel", M_POST, ROLE_ADMIN | ROLE_OPERATOR, 0,
	  page_import_cancel },
	{ "/imports/#/mapping", M_POST, ROLE_ADMIN | ROLE_OPERATOR, 0,
	  page_import_mapping },
};

static int
route_match(const char *pattern, const char *path, int64_t *id)
{
	int64_t	 v;

	while (*pattern != '\0') {
		if (*pattern == '#') {
			if (*path < '1' || *path > '9')
				return 0;
			for (v = 0; *path >= '0' && *path <= '9'; path++) {
				if (v > (INT64_MAX - 9) / 10)
					return 0;
				v = v * 10 + (*path - '0');
			}
			*id = v;
			pattern++;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *path == '\0';
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

static void
deny(struct request *r, const char *action, const char *why)
{
	struct audit_actor	 who = actor_of(r);
	cJSON			*d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "method", r->method_name);
	cJSON_AddStringToObject(d, "path", r->path);
	cJSON_AddStringToObject(d, "reason", why);
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

static void
dispatch(struct request *r)
{
	const struct route	*rt = NULL;
	size_t			 i;
	unsigned		 allowed = 0;
	int			 rc, idle, maxage;
	const char		*want;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (route_match(routes[i].pattern, r->path, &r->path_id)) {
			rt = &routes[i];
			break;
		}
	if (rt == NULL) {
		ui_error(r, 404, "页面不存在", NULL);
		return;
	}
	if (!(rt->methods & (1u << r->method))) {
		allowed = rt->methods;
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
	if (r->sstate == SESSION_ERROR) {
		ui_error(r, 500, "服务器内部错误", "请稍后再试。");
		return;
	}
	if (!(rt->flags & ROUTE_ANON)) {
		if (r->sstate != SESSION_OK) {
			to_login(r);
			return;
		}
		if (!(rt->roles & r->sess.role)) {
			deny(r, "permission.denied", "role");
			ui_error(r, 403, "没有权限访问该页面", NULL);
			return;
		}
	}

	if (rt->flags & ROUTE_RAW) {
		rt->handler(r);
		return;
	}
	rc = http_parse_input(r, (rt->flags & ROUTE_UPLOAD) ?
	    r->cfg->upload_max_bytes : FORM_MAX, rt->flags & ROUTE_UPLOAD);
	switch (rc) {
	case 0:
		break;
	case 411:
		ui_error(r, 411, "请求缺少长度", NULL);
		return;
	case 413:
		ui_error(r, 413, "提交的内容太大", NULL);
		return;
	case 415:
		ui_error(r, 415, "不支持的提交格式", NULL);
		return;
	case 500:
		ui_error(r, 500, "服务器内部错误", "请稍后再试。");
		return;
	default:
		ui_error(r, 400, "请求格式错误", NULL);
		return;
	}

	if (r->method == METHOD_POST) {
		want = r->sstate == SESSION_OK ? r->sess.csrf : r->cookie_csrf;
		if (!same_origin(r)) {
			deny(r, "csrf.rejected", "origin");
			ui_error(r, 403, "请求来源不正确", "请从本站页面提交表单。");
			return;
		}
		if (!token_equal(http_field(r, KEY_CSRF), want)) {
			deny(r, "csrf.rejected", r->fieldmap[KEY_CSRF] ?
			    "token mismatch" : "token missing");
			ui_error(r, 403, "表单已失效",
			    "请返回上一页，刷新后重新提交。");
			return;
		}
	}
	rt->handler(r);
}

static void
handle(struct http_io *io, const struct config *cfg, struct db *db,
    int callback_pool)
{
	struct request	 r;
	int		 rc;

	if ((rc = http_request_init(&r, io, cfg, db)) != 0)
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
	http_request_free(&r);
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
