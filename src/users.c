/* users.c: every change to an account (users.h), shared by the command
 * line and the web pages. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "log.h"
#include "params.h"
#include "store/users.h"
#include "users.h"

/* Each result in Chinese for pages and in English for the CLI: one row,
 * so that a new result cannot get one language and miss the other. */
static const struct {
	const char	*zh;
	const char	*en;
} results[USERS__MAX] = {
	[USERS_OK] = { "已保存", "done" },
	[USERS_ERROR] = { "服务器内部错误，未做任何修改", "database error, nothing changed" },
	[USERS_NOT_FOUND] = { "用户不存在", "no such user" },
	[USERS_EXISTS] = { "该用户名已被使用", "the user exists already" },
	[USERS_BAD_ROLE] = { "角色无效", "role must be admin, operator or auditor" },
	[USERS_BAD_NAME] = { "用户名须为 1 到 32 个小写字母、数字或 _ . -，以字母开头", "user names are 1 to 32 of a-z 0-9 _ . -, starting with a letter" },
	[USERS_BAD_LOGIN] = { "供应商账号最多 64 个字母、数字或 _ . @ -", "a vendor login is at most 64 of A-Z a-z 0-9 _ . @ -" },
	[USERS_WEAK_PASSWORD] = { "密码不符合要求", "the password is not acceptable" },
	[USERS_WRONG_PASSWORD] = { "当前密码不正确", "the current password is wrong" },
	[USERS_LAST_ADMIN] = { "这是最后一个启用的管理员，不能停用或降级", "this is the last enabled administrator: it cannot be disabled or demoted" },
	[USERS_SELF] = { "不能停用自己的账号", "nobody can disable their own account" },
	[USERS_UNCHANGED] = { "没有变化", "nothing to change" },
};

const char *
users_result_zh(enum users_result r)
{
	if ((unsigned)r >= USERS__MAX || results[r].zh == NULL)
		return "操作失败";
	return results[r].zh;
}

const char *
users_result_en(enum users_result r)
{
	if ((unsigned)r >= USERS__MAX || results[r].en == NULL)
		return "failed";
	return results[r].en;
}

void
users_generate_password(char out[USERS_GENPW_SIZE])
{
	static const char alphabet[] =
	    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	size_t	 i, j = 0;

	for (i = 0; i < 16; i++) {
		if (i > 0 && i % 4 == 0)
			out[j++] = '-';
		out[j++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	/* 16 of 57 symbols: log2(57) * 16 = 93 bits. */
	out[j] = '\0';
}

int
users_vendor_login_ok(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len > 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("_.@-", s[i])))
			return 0;
	return 1;
}

/* Hash pw after checking it; *hash is malloc()ed. */
static enum users_result
hash_new(const char *pw, int min_chars, const char *name,
    enum password_problem *problem, char **hash)
{
	enum password_problem p = password_check(pw, min_chars, name);

	*hash = NULL;
	if (problem != NULL)
		*problem = p;
	if (p != PW_OK)
		return USERS_WEAK_PASSWORD;
	if ((*hash = malloc(crypto_pwhash_STRBYTES)) == NULL ||
	    password_hash(pw, *hash, crypto_pwhash_STRBYTES) == -1) {
		free(*hash);
		*hash = NULL;
		return USERS_ERROR;
	}
	return USERS_OK;
}

static void
hash_free(char *hash)
{
	if (hash != NULL) {
		sodium_memzero(hash, strlen(hash));
		free(hash);
	}
}

/* The time of a change, as the updated column keeps it. */
static int64_t
now_s(void)
{
	return (int64_t)time(NULL);
}

/* Enabled administrators other than id (the last-admin rule): their
 * number, or -1 on an error. */
static int64_t
other_admins(struct db *db, int64_t id)
{
	int64_t	 n;

	return store_user_other_admins(db, id, &n) == 0 ? n : -1;
}

/* Begin a change of user id: the transaction is open and *u is loaded on
 * USERS_OK; otherwise nothing is open. */
static enum users_result
begin_user(struct db *db, int64_t id, struct user *u)
{
	int	 found;

	if (db_begin(db) == -1)
		return USERS_ERROR;
	if ((found = store_user_by_id(db, id, u)) != 0) {
		db_rollback(db);
		return found == 1 ? USERS_NOT_FOUND : USERS_ERROR;
	}
	return USERS_OK;
}

/* Append the audit entry, commit, and free u and d: the end of every
 * change. */
static enum users_result
finish(struct db *db, const struct audit_actor *who, const char *action,
    struct user *u, cJSON *d)
{
	enum users_result rc = USERS_OK;

	if (audit_append(db, who, action, u->name, d) == -1 ||
	    db_commit(db) == -1)
		rc = USERS_ERROR;
	db_rollback(db);
	cJSON_Delete(d);
	user_clear(u);
	return rc;
}

static enum users_result
abort_change(struct db *db, struct user *u, cJSON *d, enum users_result rc)
{
	db_rollback(db);
	cJSON_Delete(d);
	user_clear(u);
	return rc;
}

enum users_result
users_create(struct db *db, const struct audit_actor *who, const char *name,
    enum role role, const char *password, int must_change, int min_chars,
    enum password_problem *problem, int64_t *id)
{
	struct user	 u;
	cJSON		*d;
	char		*hash;
	enum users_result rc;
	int		 found;
	int64_t		 now = now_s(), new_id;

	if (!username_ok(name))
		return USERS_BAD_NAME;
	if (role != ROLE_ADMIN && role != ROLE_OPERATOR && role != ROLE_AUDITOR)
		return USERS_BAD_ROLE;
	if ((found = store_user_by_name(db, name, &u)) != 1) {
		if (found == 0)
			user_clear(&u);
		return found == 0 ? USERS_EXISTS : USERS_ERROR;
	}
	if ((rc = hash_new(password, min_chars, name, problem, &hash)) !=
	    USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "role", role_name(role));
	if (must_change)
		cJSON_AddTrueToObject(d, "must_change");
	rc = USERS_ERROR;
	if (db_begin(db) == -1)
		goto out;
	if ((found = store_user_insert(db, name, role, hash, now,
	    &new_id)) != 0) {
		/* Someone took the name since the look-up. */
		if (found == 1)
			rc = USERS_EXISTS;
		goto out;
	}
	if (id != NULL)
		*id = new_id;
	if ((must_change &&
	    store_user_set_must_change(db, new_id, 1, now) == -1) ||
	    audit_append(db, who, "user.created", name, d) == -1 ||
	    db_commit(db) == -1)
		goto out;
	rc = USERS_OK;
out:
	db_rollback(db);
	cJSON_Delete(d);
	hash_free(hash);
	return rc;
}

enum users_result
users_set_role(struct db *db, const struct audit_actor *who, int64_t id,
    enum role role)
{
	struct user	 u;
	cJSON		*d;
	enum users_result rc;
	int64_t		 others;

	if (role != ROLE_ADMIN && role != ROLE_OPERATOR && role != ROLE_AUDITOR)
		return USERS_BAD_ROLE;
	if ((rc = begin_user(db, id, &u)) != USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	if (u.role == role)
		return abort_change(db, &u, d, USERS_UNCHANGED);
	if (u.role == ROLE_ADMIN && !u.disabled) {
		if ((others = other_admins(db, id)) == -1)
			return abort_change(db, &u, d, USERS_ERROR);
		if (others == 0)
			return abort_change(db, &u, d, USERS_LAST_ADMIN);
	}
	cJSON_AddStringToObject(d, "old_role", role_name(u.role));
	cJSON_AddStringToObject(d, "new_role", role_name(role));
	/* Sessions carry the role: they end, so that the new role applies
	 * from the next request on. */
	if (store_user_set_role(db, id, role, now_s()) == -1 ||
	    store_session_delete_user(db, id) == -1)
		return abort_change(db, &u, d, USERS_ERROR);
	return finish(db, who, "user.role_changed", &u, d);
}

enum users_result
users_set_disabled(struct db *db, const struct audit_actor *who, int64_t id,
    int disabled)
{
	struct user	 u;
	cJSON		*d;
	enum users_result rc;
	int64_t		 others;

	if (disabled && who->user_id == id)
		return USERS_SELF;
	if ((rc = begin_user(db, id, &u)) != USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	if (!u.disabled == !disabled)
		return abort_change(db, &u, d, USERS_UNCHANGED);
	if (disabled && u.role == ROLE_ADMIN) {
		if ((others = other_admins(db, id)) == -1)
			return abort_change(db, &u, d, USERS_ERROR);
		if (others == 0)
			return abort_change(db, &u, d, USERS_LAST_ADMIN);
	}
	cJSON_AddBoolToObject(d, "old_disabled", u.disabled);
	cJSON_AddBoolToObject(d, "new_disabled", disabled);
	if (store_user_set_disabled(db, id, disabled, now_s()) == -1 ||
	    (disabled && store_session_delete_user(db, id) == -1))
		return abort_change(db, &u, d, USERS_ERROR);
	return finish(db, who, disabled ? "user.disabled" : "user.enabled",
	    &u, d);
}

/*
 * Begin a change of user id's password: check old_password when not NULL,
 * check and hash the new one outside the write lock (hashing takes a
 * while), then open the transaction. USERS_OK with *u loaded and *hash set
 * (hash_free); otherwise nothing is open or left to free.
 */
static enum users_result
begin_password(struct db *db, int64_t id, const char *old_password,
    const char *password, int min_chars, enum password_problem *problem,
    struct user *u, char **hash)
{
	enum users_result rc;
	int		 found;

	*hash = NULL;
	if ((found = store_user_by_id(db, id, u)) != 0)
		return found == 1 ? USERS_NOT_FOUND : USERS_ERROR;
	if (old_password != NULL &&
	    password_verify(u->pwhash, old_password) != 0) {
		user_clear(u);
		return USERS_WRONG_PASSWORD;
	}
	rc = hash_new(password, min_chars, u->name, problem, hash);
	user_clear(u);
	if (rc != USERS_OK)
		return rc;
	if ((rc = begin_user(db, id, u)) != USERS_OK) {
		hash_free(*hash);
		*hash = NULL;
	}
	return rc;
}

/* Write the new hash (freed here) and must_change, and end the user's
 * sessions but keep_session (0: all of them): 0 with *ended, or -1. */
static int
set_password(struct db *db, int64_t id, char *hash, int must_change,
    int64_t keep_session, int *ended)
{
	int64_t	 now = now_s();
	int	 rc = 0;

	if (store_user_set_pwhash(db, id, hash, now) == -1 ||
	    store_user_set_must_change(db, id, must_change, now) == -1 ||
	    store_session_delete_others(db, id, keep_session, ended) == -1)
		rc = -1;
	hash_free(hash);
	return rc;
}

enum users_result
users_reset_password(struct db *db, const struct audit_actor *who,
    int64_t id, const char *password, int must_change, int min_chars,
    enum password_problem *problem)
{
	struct user	 u;
	cJSON		*d;
	char		*hash;
	enum users_result rc;

	if ((rc = begin_password(db, id, NULL, password, min_chars, problem,
	    &u, &hash)) != USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "change", "password");
	if (must_change)
		cJSON_AddTrueToObject(d, "must_change");
	if (set_password(db, id, hash, must_change, 0, NULL) == -1)
		return abort_change(db, &u, d, USERS_ERROR);
	return finish(db, who, "user.password_reset", &u, d);
}

enum users_result
users_change_own_password(struct db *db, const struct audit_actor *who,
    int64_t id, const char *old_password, const char *password,
    int min_chars, int64_t keep_session, enum password_problem *problem)
{
	struct user	 u;
	cJSON		*d;
	char		*hash;
	enum users_result rc;
	int		 ended;

	if ((rc = begin_password(db, id, old_password, password, min_chars,
	    problem, &u, &hash)) != USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "change", "own password");
	if (set_password(db, id, hash, 0, keep_session, &ended) == -1)
		return abort_change(db, &u, d, USERS_ERROR);
	cJSON_AddNumberToObject(d, "sessions_ended", ended);
	return finish(db, who, "account.password_changed", &u, d);
}

enum users_result
users_end_sessions(struct db *db, const struct audit_actor *who, int64_t id,
    int64_t keep_session, int *ended)
{
	struct user	 u;
	cJSON		*d;
	enum users_result rc;
	int		 n;

	if ((rc = begin_user(db, id, &u)) != USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	if (store_session_delete_others(db, id, keep_session, &n) == -1)
		return abort_change(db, &u, d, USERS_ERROR);
	if (ended != NULL)
		*ended = n;
	cJSON_AddNumberToObject(d, "sessions_ended", n);
	if (keep_session != 0)
		cJSON_AddTrueToObject(d, "kept_current");
	return finish(db, who, "user.sessions_ended", &u, d);
}

enum users_result
users_set_vendor_login(struct db *db, const struct audit_actor *who,
    int64_t id, const char *login)
{
	struct user	 u;
	cJSON		*d;
	enum users_result rc;

	if (!users_vendor_login_ok(login))
		return USERS_BAD_LOGIN;
	if ((rc = begin_user(db, id, &u)) != USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	if (strcmp(u.vendor_login, login) == 0)
		return abort_change(db, &u, d, USERS_UNCHANGED);
	cJSON_AddStringToObject(d, "old_vendor_login", u.vendor_login);
	cJSON_AddStringToObject(d, "new_vendor_login", login);
	if (store_user_set_vendor_login(db, id, login, now_s()) == -1)
		return abort_change(db, &u, d, USERS_ERROR);
	return finish(db, who, "user.changed", &u, d);
}

enum users_result
users_set_phone_permission(struct db *db, const struct audit_actor *who,
    int64_t id, int may)
{
	struct user	 u;
	cJSON		*d;
	enum users_result rc;

	if ((rc = begin_user(db, id, &u)) != USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	if (!u.may_see_phones == !may)
		return abort_change(db, &u, d, USERS_UNCHANGED);
	cJSON_AddBoolToObject(d, "old_may_see_phones", u.may_see_phones);
	cJSON_AddBoolToObject(d, "new_may_see_phones", may);
	if (store_user_set_phones(db, id, may, now_s()) == -1)
		return abort_change(db, &u, d, USERS_ERROR);
	return finish(db, who, "user.phone_permission", &u, d);
}

int
users_signed_in(struct db *db, int64_t id, const char *addr, int64_t now,
    const char *new_pwhash)
{
	if (new_pwhash != NULL &&
	    store_user_set_pwhash(db, id, new_pwhash, now) == -1)
		return -1;
	if (store_known_set(db, id, addr, now) == -1)
		return -1;
	return store_user_set_last_login(db, id, addr, now);
}
