/* page_users.c: GET /users lists every account for administrators, with
 * the form that creates one; POST /users creates it (the password typed,
 * or generated and shown once). Statuses: 200, 303 to the list, 409 (the
 * name is taken), 422 (a field the form must correct), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "config.h"
#include "http.h"
#include "pages.h"
#include "tmpl.h"
#include "ui.h"
#include "users.h"

/* The list being filled: one section per account. */
struct user_list {
	struct tdict		*body;
	const struct request	*r;
};

static int
add_user(void *arg, const struct user_row *u)
{
	struct user_list *l = arg;
	struct tdict	*s = tdict_add_section(l->body, "USER_ROW");

	ui_fill_user(s, u);
	if (u->id == l->r->sess.user_id)
		tdict_show(s, "U_SELF");
	return 0;
}

static void
show(struct request *r, int status, const char *error)
{
	struct tdict	*page, *body;
	struct user_list l;
	const char	*name = http_field(r, KEY_USERNAME);
	const char	*role = http_field(r, KEY_ROLE);

	page = ui_page(r, "用户管理", "users.tpl", &body);
	l.body = body;
	l.r = r;
	if (store_user_rows(r->db, add_user, &l) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	/* A refused form comes back as it was sent, but for the password. */
	tdict_set(body, "CSRF", ui_csrf(r));
	tdict_set(body, "USERNAME_VALUE", error != NULL && name != NULL ?
	    name : "");
	ui_fill_role_options(body, error != NULL && role != NULL ?
	    role_parse(role) : ROLE_OPERATOR);
	tdict_set_int(body, "MIN_LENGTH", r->cfg->password_min_length);
	if (error != NULL) {
		tdict_set(tdict_add_section(body, "FORM_ERROR"), "TEXT", error);
		if (r->fieldmap[KEY_GENERATE] && r->fieldmap[KEY_GENERATE]->parsed)
			tdict_show(body, "GENERATE_CHECKED");
		if (r->fieldmap[KEY_MUST_CHANGE] &&
		    r->fieldmap[KEY_MUST_CHANGE]->parsed)
			tdict_show(body, "MUST_CHANGE_CHECKED");
	}
	ui_send(r, status, page);
}

static void
create(struct request *r)
{
	const char	*name = http_field(r, KEY_USERNAME);
	const char	*role = http_field(r, KEY_ROLE);
	const char	*typed = http_field(r, KEY_PASSWORD);
	int		 generate = r->fieldmap[KEY_GENERATE] != NULL &&
			    r->fieldmap[KEY_GENERATE]->parsed;
	int		 must_change = r->fieldmap[KEY_MUST_CHANGE] != NULL &&
			    r->fieldmap[KEY_MUST_CHANGE]->parsed;
	char		 gen[USERS_GENPW_SIZE], why[200];
	enum password_problem p = PW_OK;
	enum users_result rc;
	struct tdict	*page, *body;
	int64_t		 id = 0;

	if (name == NULL) {
		show(r, 422, users_result_zh(USERS_BAD_NAME));
		return;
	}
	if (role == NULL) {
		show(r, 422, users_result_zh(USERS_BAD_ROLE));
		return;
	}
	if (generate && typed != NULL && *typed != '\0') {
		show(r, 422, "请输入初始密码，或勾选由系统生成，二者选一");
		return;
	}
	if (!generate && typed == NULL) {
		show(r, 422, "请输入初始密码，或勾选由系统生成");
		return;
	}
	if (generate)
		users_generate_password(gen);
	rc = users_create(r->db, &r->actor, name, role_parse(role),
	    generate ? gen : typed, must_change, r->cfg->password_min_length,
	    &p, &id);
	if (rc != USERS_OK) {
		if (rc == USERS_WEAK_PASSWORD)
			snprintf(why, sizeof(why), "%s：%s",
			    users_result_zh(rc), password_problem_zh(p));
		else
			snprintf(why, sizeof(why), "%s", users_result_zh(rc));
		sodium_memzero(gen, sizeof(gen));
		show(r, rc == USERS_ERROR ? 500 : rc == USERS_EXISTS ? 409 :
		    422, why);
		return;
	}
	if (!generate) {
		http_redirect(r, "/users");
		return;
	}
	/* Shown this once, on this answer only (Cache-Control: no-store). */
	page = ui_page(r, "新用户的密码", "password_once.tpl", &body);
	tdict_set(body, "HEADING", "已创建用户");
	tdict_set(body, "USER_NAME", name);
	tdict_set_int(body, "USER_ID", id);
	tdict_set(body, "PASSWORD", gen);
	if (must_change)
		tdict_show(body, "MUST_CHANGE");
	sodium_memzero(gen, sizeof(gen));
	ui_send(r, 200, page);
}

void
page_users(struct request *r)
{
	if (r->method == METHOD_POST)
		create(r);
	else
		show(r, 200, NULL);
}
