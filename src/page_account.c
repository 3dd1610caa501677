/* page_account.c: GET /account, every signed-in user's own account: the
 * password form and the devices signed in; POST /account/password changes
 * the password (the old one required; the other sessions end), POST
 * /account/sessions ends the sessions but this one. An account that must
 * change its password is held here by the router. Statuses: 200, 303 back
 * to /account with a notice, 422 (the form, with the reason beside the
 * field), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "http.h"
#include "pages.h"
#include "store/users.h"
#include "tmpl.h"
#include "ui.h"
#include "users.h"

/* A short name for the device a User-Agent describes: "Chrome · Windows".
 * Only for people to recognise their own sessions; never a decision. */
static void
device_label(const char *ua, char *out, size_t outsz)
{
	static const struct { const char *needle, *name; } browsers[] = {
		{ "Edg/", "Edge" }, { "MicroMessenger", "微信" },
		{ "Firefox/", "Firefox" }, { "Chrome/", "Chrome" },
		{ "Safari/", "Safari" }, { "curl/", "curl" },
	}, systems[] = {
		{ "Windows", "Windows" }, { "Android", "Android" },
		{ "iPhone", "iPhone" }, { "iPad", "iPad" },
		{ "Mac OS X", "macOS" }, { "Linux", "Linux" },
	};
	const char	*b = NULL, *o = NULL;
	size_t		 i;

	for (i = 0; b == NULL && i < sizeof(browsers) / sizeof(browsers[0]);
	    i++)
		if (strstr(ua, browsers[i].needle) != NULL)
			b = browsers[i].name;
	for (i = 0; o == NULL && i < sizeof(systems) / sizeof(systems[0]); i++)
		if (strstr(ua, systems[i].needle) != NULL)
			o = systems[i].name;
	if (b == NULL && o == NULL)
		snprintf(out, outsz, "%s", *ua != '\0' ? "其他设备" : "未知设备");
	else
		snprintf(out, outsz, "%s%s%s", b != NULL ? b : "",
		    b != NULL && o != NULL ? " · " : "", o != NULL ? o : "");
}

struct field_errors {
	const char	*old, *new, *again;
};

/* The sessions being listed: one section each, and how many. */
struct session_list {
	struct tdict		*body;
	const struct request	*r;
	size_t			 n;
};

static int
add_session(void *arg, const struct user_session *v)
{
	struct session_list *l = arg;
	struct tdict	*s = tdict_add_section(l->body, "SESSION");
	char		 when[32], dev[64];

	device_label(v->user_agent, dev, sizeof(dev));
	tdict_set(s, "S_DEVICE", dev);
	tdict_set(s, "S_ADDR", v->addr);
	ui_time(v->created, when);
	tdict_set(s, "S_CREATED", when);
	ui_time(v->last_seen, when);
	tdict_set(s, "S_LAST_SEEN", when);
	if (v->id == l->r->sess.id)
		tdict_show(s, "S_CURRENT");
	l->n++;
	return 0;
}

static void
show(struct request *r, int status, const struct field_errors *fe)
{
	struct tdict		*page, *body, *s;
	struct session_list	 l;
	const char		*done = http_field(r, KEY_ACTION);

	page = ui_page(r, "我的账号", "account.tpl", &body);
	l.body = body;
	l.r = r;
	l.n = 0;
	if (store_user_sessions(r->db, r->sess.user_id, add_session,
	    &l) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	tdict_set(body, "USER_NAME", r->sess.user_name);
	tdict_set(body, "ROLE_NAME", role_label(r->sess.role));
	tdict_set(body, "CSRF", ui_csrf(r));
	tdict_set_int(body, "MIN_LENGTH", r->cfg->password_min_length);
	if (r->sess.must_change)
		tdict_show(body, "MUST_CHANGE");
	if (l.n > 1)
		tdict_show(body, "HAS_OTHERS");
	if (fe != NULL) {
		if (fe->old != NULL)
			tdict_set(tdict_add_section(body, "OLD_ERROR"), "TEXT",
			    fe->old);
		if (fe->new != NULL)
			tdict_set(tdict_add_section(body, "NEW_ERROR"), "TEXT",
			    fe->new);
		if (fe->again != NULL)
			tdict_set(tdict_add_section(body, "AGAIN_ERROR"),
			    "TEXT", fe->again);
	} else if (done != NULL) {
		s = tdict_add_section(body, "NOTICE");
		tdict_set(s, "KIND", "ok");
		tdict_set(s, "TEXT", strcmp(done, "password") == 0 ?
		    "密码已修改，其他设备上的登录已结束。" :
		    "其他设备上的登录已结束。");
	}
	ui_send(r, status, page);
}

void
page_account(struct request *r)
{
	show(r, 200, NULL);
}

void
page_account_password(struct request *r)
{
	const char		*old = http_field(r, KEY_OLD_PASSWORD);
	const char		*pw = http_field(r, KEY_PASSWORD);
	const char		*again = http_field(r, KEY_PASSWORD2);
	struct field_errors	 fe = { NULL, NULL, NULL };
	enum password_problem	 p = PW_OK;
	enum users_result	 rc;

	if (old == NULL)
		fe.old = "请输入当前密码";
	if (pw == NULL)
		fe.new = "请输入新密码";
	else if (again == NULL || strcmp(pw, again) != 0)
		fe.again = "两次输入的新密码不一致";
	if (fe.old != NULL || fe.new != NULL || fe.again != NULL) {
		show(r, 422, &fe);
		return;
	}
	rc = users_change_own_password(r->db, &r->actor, r->sess.user_id, old,
	    pw, r->cfg->password_min_length, r->sess.id, &p);
	switch (rc) {
	case USERS_OK:
		http_redirect(r, "/account?action=password");
		return;
	case USERS_WRONG_PASSWORD:
		fe.old = users_result_zh(rc);
		break;
	case USERS_WEAK_PASSWORD:
		fe.new = password_problem_zh(p);
		break;
	default:
		ui_error(r, 500, "服务器内部错误", "密码没有修改，请稍后再试。");
		return;
	}
	show(r, 422, &fe);
}

void
page_account_sessions(struct request *r)
{
	if (users_end_sessions(r->db, &r->actor, r->sess.user_id, r->sess.id,
	    NULL) != USERS_OK) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	http_redirect(r, "/account?action=sessions");
}
