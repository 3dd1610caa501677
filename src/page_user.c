/* page_user.c: GET /users/{id}, one account for administrators, with a
 * small form per change; and those forms: POST /users/{id}/role, .../state
 * (disable or enable), .../password (reset: typed, or generated and shown
 * once), .../sessions (end them all), .../vendor-login, .../phones (may
 * the account ask to see full phone numbers). The router has
 * checked the role and that the account exists. Each form answers 303
 * back to the page with a notice, or the page again with the reason:
 * 409 (the last administrator, oneself, nothing to change), 422 (a field),
 * 500. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "config.h"
#include "http.h"
#include "pages.h"
#include "store/users.h"
#include "tmpl.h"
#include "ui.h"
#include "users.h"

/* What the page says after a change, by the "done" query value. */
static struct ui_text notices[] = {
	{ "role", "角色已修改，该用户需要重新登录。" },
	{ "disabled", "账号已停用，会话已结束。" },
	{ "enabled", "账号已启用。" },
	{ "password", "密码已重置，该用户的会话已结束。" },
	{ "sessions", "该用户的会话已全部结束。" },
	{ "vendor_login", "供应商账号已保存。" },
	{ "phones_on", "已允许该用户查看完整号码（每次查看须填写原因，记入审计日志）。" },
	{ "phones_off", "已取消该用户查看完整号码的权限。" },
};
static struct ui_texts notice_texts = UI_TEXTS(notices);

/* The page being answered, filled from the account's row when the walk
 * over the accounts reaches it. */
struct user_page {
	struct request	*r;
	struct tdict	*page;
	int		 status;
	const char	*kind, *text;
};

static int
fill_page(void *arg, const struct user_row *u)
{
	struct user_page *p = arg;
	struct request	*r = p->r;
	struct tdict	*body, *s;
	const char	*done = http_field(r, KEY_ACTION);

	if (u->id != r->path_id)
		return 0;
	p->page = ui_page(r, u->name, "user.tpl", &body);
	ui_fill_user(body, u);
	tdict_set(body, "U_VENDOR_LOGIN_VALUE", u->vendor_login);
	tdict_set(body, "U_MUST_CHANGE", u->must_change ? "是" : "否");
	tdict_set(body, "CSRF", ui_csrf(r));
	tdict_set_int(body, "MIN_LENGTH", r->cfg->password_min_length);
	ui_fill_role_options(body, u->role);
	tdict_show(body, u->may_see_phones ? "PHONES_ON" : "PHONES_OFF");
	if (u->id == r->sess.user_id)
		tdict_show(body, "IS_SELF");
	else if (u->disabled)
		tdict_show(body, "CAN_ENABLE");
	else
		tdict_show(body, "CAN_DISABLE");
	if (p->text == NULL && p->status == 200 &&
	    (p->text = ui_text_find(&notice_texts, done)) != NULL)
		p->kind = "ok";
	if (p->text != NULL) {
		s = tdict_add_section(body, "NOTICE");
		tdict_set(s, "KIND", p->kind);
		tdict_set(s, "TEXT", p->text);
	}
	return 0;
}

static void
show(struct request *r, int status, const char *kind, const char *text)
{
	struct user_page p = { r, NULL, status, kind, text };

	if (store_user_rows(r->db, fill_page, &p) == -1) {
		if (p.page != NULL)
			tdict_free(p.page);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (p.page == NULL) {	/* gone since the router looked */
		ui_error(r, 404, "用户不存在", NULL);
		return;
	}
	ui_send(r, status, p.page);
}

void
page_user(struct request *r)
{
	show(r, 200, NULL, NULL);
}

/* The answer to one form: back to the page, or the page with why. */
static void
answer(struct request *r, enum users_result rc, const char *done,
    enum password_problem p)
{
	char	 loc[80], why[200];

	if (rc == USERS_OK) {
		snprintf(loc, sizeof(loc), "/users/%lld?action=%s",
		    (long long)r->path_id, done);
		http_redirect(r, loc);
		return;
	}
	if (rc == USERS_WEAK_PASSWORD)
		snprintf(why, sizeof(why), "%s：%s", users_result_zh(rc),
		    password_problem_zh(p));
	else
		snprintf(why, sizeof(why), "%s", users_result_zh(rc));
	show(r, rc == USERS_ERROR ? 500 : rc == USERS_NOT_FOUND ? 404 :
	    rc == USERS_LAST_ADMIN || rc == USERS_SELF ||
	    rc == USERS_UNCHANGED ? 409 : 422, "error", why);
}

void
page_user_role(struct request *r)
{
	const char	*role = http_field(r, KEY_ROLE);

	answer(r, role == NULL ? USERS_BAD_ROLE : users_set_role(r->db,
	    &r->actor, r->path_id, role_parse(role)), "role", PW_OK);
}

void
page_user_state(struct request *r)
{
	int		 disable;
	enum users_result rc;

	if (r->fieldmap[KEY_DISABLE] == NULL) {
		answer(r, USERS_UNCHANGED, "", PW_OK);
		return;
	}
	disable = r->fieldmap[KEY_DISABLE]->parsed != 0;
	rc = users_set_disabled(r->db, &r->actor, r->path_id, disable);
	answer(r, rc, disable ? "disabled" : "enabled", PW_OK);
}

void
page_user_password(struct request *r)
{
	const char	*typed = http_field(r, KEY_PASSWORD);
	int		 generate = r->fieldmap[KEY_GENERATE] != NULL &&
			    r->fieldmap[KEY_GENERATE]->parsed;
	int		 must_change = r->fieldmap[KEY_MUST_CHANGE] != NULL &&
			    r->fieldmap[KEY_MUST_CHANGE]->parsed;
	char		 gen[USERS_GENPW_SIZE];
	enum password_problem p = PW_OK;
	enum users_result rc;
	struct tdict	*page, *body;
	struct user	 u;

	if (generate == (typed != NULL && *typed != '\0')) {
		show(r, 422, "error", "请输入新密码，或勾选由系统生成，二者选一");
		return;
	}
	if (generate)
		users_generate_password(gen);
	rc = users_reset_password(r->db, &r->actor, r->path_id,
	    generate ? gen : typed, must_change, r->cfg->password_min_length,
	    &p);
	if (rc != USERS_OK || !generate) {
		sodium_memzero(gen, sizeof(gen));
		answer(r, rc, "password", p);
		return;
	}
	if (store_user_by_id(r->db, r->path_id, &u) != 0) {
		sodium_memzero(gen, sizeof(gen));
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	/* Shown this once, on this answer only (Cache-Control: no-store). */
	page = ui_page(r, "新密码", "password_once.tpl", &body);
	tdict_set(body, "HEADING", "密码已重置");
	tdict_set(body, "USER_NAME", u.name);
	tdict_set_int(body, "USER_ID", u.id);
	tdict_set(body, "PASSWORD", gen);
	if (must_change)
		tdict_show(body, "MUST_CHANGE");
	sodium_memzero(gen, sizeof(gen));
	user_clear(&u);
	ui_send(r, 200, page);
}

void
page_user_sessions(struct request *r)
{
	/* One's own too: this session ends with the others. */
	answer(r, users_end_sessions(r->db, &r->actor, r->path_id, 0, NULL),
	    "sessions", PW_OK);
}

void
page_user_vendor_login(struct request *r)
{
	const char	*login = http_field(r, KEY_VENDOR_LOGIN);

	if (login == NULL && r->fieldnmap[KEY_VENDOR_LOGIN] != NULL) {
		answer(r, USERS_BAD_LOGIN, "", PW_OK);
		return;
	}
	answer(r, users_set_vendor_login(r->db, &r->actor, r->path_id,
	    login != NULL ? login : ""), "vendor_login", PW_OK);
}

void
page_user_phones(struct request *r)
{
	int	 may;

	if (r->fieldmap[KEY_MAY_SEE_PHONES] == NULL) {
		answer(r, USERS_UNCHANGED, "", PW_OK);
		return;
	}
	may = r->fieldmap[KEY_MAY_SEE_PHONES]->parsed != 0;
	answer(r, users_set_phone_permission(r->db, &r->actor, r->path_id, may),
	    may ? "phones_on" : "phones_off", PW_OK);
}
