/* page_login.c: GET /login shows the sign-in form; POST /login signs in.
 * Statuses: 200 form, 303 signed in (to "next" or "/"), 400 unusable
 * input, 401 wrong name or password (one message for every cause), 429
 * too many failures for the account or the address, 500. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "store/users.h"
#include "tmpl.h"
#include "ui.h"
#include "users.h"

/* The one message for a failed sign-in: it must not tell whether the name
 * exists, is disabled, or the password was wrong. */
static const char generic_failure[] = "用户名或密码错误";

static void
show_form(struct request *r, int status, const char *error)
{
	struct tdict	*page, *body, *s;
	const char	*next = http_field(r, KEY_NEXT);
	const char	*name = http_field(r, KEY_USERNAME);

	page = ui_page(r, "登录", "login.tpl", &body);
	tdict_set(body, "CSRF", ui_csrf(r));
	tdict_set(body, "NEXT", next != NULL ? next : "/");
	tdict_set(body, "USERNAME", name != NULL ? name : "");
	if (error != NULL) {
		s = tdict_add_section(body, "ERROR");
		tdict_set(s, "ERROR_TEXT", error);
	}
	ui_send(r, status, page);
}

/* The throttling keys of one attempt: this account from this address,
 * this account from anywhere, this address for any account. A name is at
 * most 32 bytes (valid_username) and an address at most 45: the keys fit. */
struct login_keys {
	char	 pair[160];
	char	 user[96];
	char	 addr[64];
};

static void
login_keys(const struct request *r, const char *name, struct login_keys *k)
{
	snprintf(k->pair, sizeof(k->pair), "pair:%s|%s", name, r->remote_addr);
	snprintf(k->user, sizeof(k->user), "user:%s", name);
	snprintf(k->addr, sizeof(k->addr), "addr:%s", r->remote_addr);
}

/*
 * The actor of a sign-in's audit entries. Not r->actor: there is no
 * session yet (the router's actor is "anonymous", or the account this
 * browser was signed in as before), and the entry must name the account
 * being signed in to, user_id 0 when the name is no account.
 */
static struct audit_actor
signing_in(const struct request *r, int64_t user_id, const char *name)
{
	struct audit_actor who = { user_id, name, r->remote_addr,
	    r->user_agent };

	return who;
}

/* Record a refused sign-in and count it against the three keys (only the
 * address when there is no usable name), in one transaction. */
static int
record_failure(struct request *r, const char *name, int64_t user_id,
    const char *why)
{
	const struct config *c = r->cfg;
	struct audit_actor who = signing_in(r, user_id,
	    name != NULL ? name : "");
	int	 window = c->login_window_minutes * 60;
	struct throttle_rule pair = { c->login_max_failures, window,
	    c->login_delay_seconds };
	struct throttle_rule user = { c->login_max_failures_account, window,
	    c->login_delay_seconds };
	struct throttle_rule addr = { c->login_max_failures_addr, window,
	    c->login_delay_seconds };
	struct login_keys k;
	cJSON	*d = cJSON_CreateObject();
	int	 rc = -1;

	login_keys(r, name != NULL ? name : "", &k);
	cJSON_AddStringToObject(d, "reason", why);
	if (db_begin(r->db) == -1)
		goto out;
	if (name != NULL &&
	    (throttle_fail(r->db, k.pair, r->now, &pair) == -1 ||
	    throttle_fail(r->db, k.user, r->now, &user) == -1))
		goto out;
	if (throttle_fail(r->db, k.addr, r->now, &addr) == -1 ||
	    audit_append(r->db, &who, "login.failed",
	    name != NULL ? name : "", d) == -1)
		goto out;
	rc = db_commit(r->db);
out:
	db_rollback(r->db);
	cJSON_Delete(d);
	return rc;
}

/*
 * Seconds this attempt must still wait, 0 when it may go on, -1 on error.
 * Failures of this account from this address always count. Failures of
 * the account from elsewhere, or of other accounts from this address,
 * count only when the account has not signed in from this address lately:
 * whoever fails against an account from their own machine slows only
 * themselves, and the owner keeps signing in from where they always do.
 */
static int
throttle_seconds(struct request *r, const char *name, const struct user *u)
{
	int64_t	 since = r->now - r->cfg->login_known_days * 86400LL;
	struct login_keys k;
	int	 w, unknown = 1, most;

	login_keys(r, name, &k);
	if ((most = throttle_wait(r->db, k.pair, r->now)) == -1)
		return -1;
	if (u != NULL && (unknown = store_known_get(r->db, u->id,
	    r->remote_addr, since)) == -1)
		return -1;
	if (!unknown)
		return most;
	if ((w = throttle_wait(r->db, k.user, r->now)) == -1)
		return -1;
	most = w > most ? w : most;
	if ((w = throttle_wait(r->db, k.addr, r->now)) == -1)
		return -1;
	return w > most ? w : most;
}

static void
sign_in(struct request *r, const struct user *u, const char *pw)
{
	struct audit_actor who = signing_in(r, u->id, u->name);
	char		 token[TOKEN_HEX];
	char		 newhash[crypto_pwhash_STRBYTES];
	struct login_keys k;
	cJSON		*d = cJSON_CreateObject();
	int		 rehash = password_needs_rehash(u->pwhash);
	const char	*next = http_field(r, KEY_NEXT);

	if (rehash && password_hash(pw, newhash, sizeof(newhash)) == -1)
		rehash = 0;	/* keep the old hash; try again next time */
	cJSON_AddStringToObject(d, "role", role_name(u->role));
	if (rehash)
		cJSON_AddTrueToObject(d, "password_rehashed");
	if (db_begin(r->db) == -1)
		goto fail;
	/* The cookie this browser had (if any) must not outlive sign-in. */
	if (r->sstate == SESSION_OK &&
	    store_session_delete(r->db, r->sess.id) == -1)
		goto fail;
	/* The account's own failures from here are forgotten; what others
	 * did against it from elsewhere still counts for other addresses. */
	login_keys(r, u->name, &k);
	if (store_fail_clear(r->db, k.pair) == -1 ||
	    users_signed_in(r->db, u->id, r->remote_addr, r->now,
	    rehash ? newhash : NULL) == -1 ||
	    session_create(r->db, u->id, r->remote_addr, r->user_agent,
	    r->now, token) == -1 ||
	    audit_append(r->db, &who, "login.ok", u->name, d) == -1 ||
	    db_commit(r->db) == -1)
		goto fail;
	cJSON_Delete(d);
	sodium_memzero(newhash, sizeof(newhash));
	http_cookie(r, "dd_session", token, -1);
	sodium_memzero(token, sizeof(token));
	/* An account that must choose its own password goes there first
	 * (the router sends it back until it has). */
	http_redirect(r, u->must_change ? "/account" :
	    next != NULL ? next : "/");
	return;
fail:
	db_rollback(r->db);
	cJSON_Delete(d);
	ui_error(r, 500, "服务器内部错误", "登录未能完成，请稍后再试。");
}

static void
post(struct request *r)
{
	const char	*name = http_field(r, KEY_USERNAME);
	const char	*pw = http_field(r, KEY_PASSWORD);
	struct user	 u;
	int		 missing, found, rc;

	if (name == NULL || pw == NULL) {
		if (record_failure(r, NULL, 0, "malformed") == -1)
			log_err("login: cannot record a failure");
		show_form(r, 400, "请输入有效的用户名和密码");
		return;
	}
	if ((missing = store_user_by_name(r->db, name, &u)) == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	found = !missing;
	if ((rc = throttle_seconds(r, name, found ? &u : NULL)) != 0) {
		struct audit_actor who = signing_in(r, 0, name);
		if (found)
			user_clear(&u);
		if (rc == -1 || audit_record(r->db, &who, "login.rate_limited",
		    name, NULL) == -1) {
			ui_error(r, 500, "服务器内部错误", NULL);
			return;
		}
		http_header(r, "Retry-After", "%d", rc);
		show_form(r, 429, "登录尝试过于频繁，请稍后再试");
		return;
	}
	if (!found) {
		password_verify_dummy(pw);
		rc = record_failure(r, name, 0, "unknown user");
	} else if (password_verify(u.pwhash, pw) != 0) {
		rc = record_failure(r, name, u.id, "wrong password");
	} else if (u.disabled) {
		rc = record_failure(r, name, u.id, "disabled");
	} else {
		sign_in(r, &u, pw);
		user_clear(&u);
		return;
	}
	if (found)
		user_clear(&u);
	if (rc == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	show_form(r, 401, generic_failure);
}

void
page_login(struct request *r)
{
	if (r->method == METHOD_POST) {
		post(r);
		return;
	}
	if (r->sstate == SESSION_OK) {
		http_redirect(r, "/");
		return;
	}
	show_form(r, 200, NULL);
}
