/* users.c: every change to an account (users.h), shared by the command
 * line and the web pages. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "auth.h"
#include "db.h"
#include "log.h"
#include "params.h"
#include "users.h"

const char *
users_result_zh(enum users_result r)
{
	switch (r) {
	case USERS_OK:			return "已保存";
	case USERS_ERROR:		return "服务器内部错误，未做任何修改";
	case USERS_NOT_FOUND:		return "用户不存在";
	case USERS_EXISTS:		return "该用户名已被使用";
	case USERS_BAD_ROLE:		return "角色无效";
	case USERS_BAD_NAME:		return "用户名须为 1 到 32 个小写字母、数字或 _ . -，以字母开头";
	case USERS_BAD_LOGIN:		return "供应商账号最多 64 个字母、数字或 _ . @ -";
	case USERS_WEAK_PASSWORD:	return "密码不符合要求";
	case USERS_WRONG_PASSWORD:	return "当前密码不正确";
	case USERS_LAST_ADMIN:		return "这是最后一个启用的管理员，不能停用或降级";
	case USERS_SELF:		return "不能停用自己的账号";
	case USERS_UNCHANGED:		return "没有变化";
	}
	return "操作失败";
}

const char *
users_result_en(enum users_result r)
{
	switch (r) {
	case USERS_OK:			return "done";
	case USERS_ERROR:		return "database error, nothing changed";
	case USERS_NOT_FOUND:		return "no such user";
	case USERS_EXISTS:		return "the user exists already";
	case USERS_BAD_ROLE:		return "role must be admin, operator or auditor";
	case USERS_BAD_NAME:		return "user names are 1 to 32 of a-z 0-9 _ . -, starting with a letter";
	case USERS_BAD_LOGIN:		return "a vendor login is at most 64 of A-Z a-z 0-9 _ . @ -";
	case USERS_WEAK_PASSWORD:	return "the password is not acceptable";
	case USERS_WRONG_PASSWORD:	return "the current password is wrong";
	case USERS_LAST_ADMIN:		return "this is the last enabled administrator: it cannot be disabled or demoted";
	case USERS_SELF:		return "nobody can disable their own account";
	case USERS_UNCHANGED:		return "nothing to change";
	}
	return "failed";
}

static char *
col_dup(sqlite3_stmt *st, int col)
{
	return strdup(db_col_text(st, col));
}

int
users_rows(struct db *db, struct user_row **rows, size_t *n)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_USER_ROWS);
	struct user_row	*v = NULL, *nv, *u;
	size_t		 cap = 0;
	int		 rc;

	*rows = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		u = &v[(*n)++];
		memset(u, 0, sizeof(*u));
		u->id = sqlite3_column_int64(st, 0);
		u->name = col_dup(st, 1);
		u->role = role_parse(db_col_text(st, 2));
		u->disabled = sqlite3_column_int(st, 3);
		u->vendor_login = col_dup(st, 4);
		u->must_change = sqlite3_column_int(st, 5);
		u->last_login = sqlite3_column_int64(st, 6);
		u->last_login_addr = col_dup(st, 7);
		u->sessions = sqlite3_column_int64(st, 8);
		u->may_see_phones = sqlite3_column_int(st, 9);
		if (u->name == NULL || u->vendor_login == NULL ||
		    u->last_login_addr == NULL)
			break;
	}
	db_reset(st);
	*rows = v;
	if (rc != SQLITE_DONE) {
		users_rows_free(v, *n);
		*rows = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
users_rows_free(struct user_row *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].vendor_login);
		free(v[i].last_login_addr);
	}
	free(v);
}

int
users_sessions(struct db *db, int64_t user_id, struct user_session **out,
    size_t *n)
{
	sqlite3_stmt		*st = db_stmt(db, STMT_SESSION_LIST_USER);
	struct user_session	*v = NULL, *nv, *s;
	size_t			 cap = 0;
	int			 rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, user_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		s = &v[(*n)++];
		s->id = sqlite3_column_int64(st, 0);
		s->created = sqlite3_column_int64(st, 1);
		s->last_seen = sqlite3_column_int64(st, 2);
		s->addr = col_dup(st, 3);
		s->user_agent = col_dup(st, 4);
		if (s->addr == NULL || s->user_agent == NULL)
			break;
	}
	db_reset(st);
	*out = v;
	if (rc != SQLITE_DONE) {
		users_sessions_free(v, *n);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

void
users_sessions_free(struct user_session *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].addr);
		free(v[i].user_agent);
	}
	free(v);
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

/* Run one prepared statement with (value, now, id) bindings. */
static int
set3_int(struct db *db, enum stmt s, int64_t value, int64_t id)
{
	sqlite3_stmt	*st = db_stmt(db, s);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, value);
	db_bind_int(st, 2, (int64_t)time(NULL));
	db_bind_int(st, 3, id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

static int
set3_text(struct db *db, enum stmt s, const char *value, int64_t id)
{
	sqlite3_stmt	*st = db_stmt(db, s);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, value);
	db_bind_int(st, 2, (int64_t)time(NULL));
	db_bind_int(st, 3, id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

/* Enabled administrators other than id: the last-admin rule. */
static int64_t
other_admins(struct db *db, int64_t id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_USER_OTHER_ADMINS);
	int64_t		 n = -1;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	db_reset(st);
	return n;
}

/* Begin a change of user id: the transaction is open and *u is loaded on
 * USERS_OK; otherwise nothing is open. */
static enum users_result
begin_user(struct db *db, int64_t id, struct user *u)
{
	int	 found;

	if (db_begin(db) == -1)
		return USERS_ERROR;
	if ((found = user_by_id(db, id, u)) != 1) {
		db_rollback(db);
		return found == 0 ? USERS_NOT_FOUND : USERS_ERROR;
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
	sqlite3_stmt	*st;
	cJSON		*d;
	char		*hash;
	enum users_result rc;
	int		 found;
	int64_t		 now = (int64_t)time(NULL);

	if (!username_ok(name))
		return USERS_BAD_NAME;
	if (role != ROLE_ADMIN && role != ROLE_OPERATOR && role != ROLE_AUDITOR)
		return USERS_BAD_ROLE;
	if ((found = user_by_name(db, name, &u)) != 0) {
		if (found == 1)
			user_clear(&u);
		return found == 1 ? USERS_EXISTS : USERS_ERROR;
	}
	if ((rc = hash_new(password, min_chars, name, problem, &hash)) !=
	    USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "role", role_name(role));
	if (must_change)
		cJSON_AddTrueToObject(d, "must_change");
	rc = USERS_ERROR;
	if (db_begin(db) == -1 || (st = db_stmt(db, STMT_USER_INSERT)) == NULL)
		goto out;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, role_name(role));
	db_bind_text(st, 3, hash);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, now);
	if (db_exec_stmt(st) != SQLITE_DONE) {
		/* Someone took the name since the look-up. */
		if (sqlite3_extended_errcode(db_handle(db)) ==
		    SQLITE_CONSTRAINT_UNIQUE)
			rc = USERS_EXISTS;
		goto out;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	if ((must_change && set3_int(db, STMT_USER_SET_MUST_CHANGE, 1,
	    sqlite3_last_insert_rowid(db_handle(db))) == -1) ||
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
	if (set3_text(db, STMT_USER_SET_ROLE, role_name(role), id) == -1 ||
	    session_delete_user(db, id) == -1)
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
	if (set3_int(db, STMT_USER_SET_DISABLED, disabled ? 1 : 0, id) == -1 ||
	    (disabled && session_delete_user(db, id) == -1))
		return abort_change(db, &u, d, USERS_ERROR);
	return finish(db, who, disabled ? "user.disabled" : "user.enabled",
	    &u, d);
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

	if ((rc = begin_user(db, id, &u)) != USERS_OK)
		return rc;
	/* Hashing takes a while: do it outside the write lock. */
	db_rollback(db);
	rc = hash_new(password, min_chars, u.name, problem, &hash);
	user_clear(&u);
	if (rc != USERS_OK)
		return rc;
	if ((rc = begin_user(db, id, &u)) != USERS_OK) {
		hash_free(hash);
		return rc;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "change", "password");
	if (must_change)
		cJSON_AddTrueToObject(d, "must_change");
	if (set3_text(db, STMT_USER_SET_PWHASH, hash, id) == -1 ||
	    set3_int(db, STMT_USER_SET_MUST_CHANGE, must_change ? 1 : 0,
	    id) == -1 || session_delete_user(db, id) == -1) {
		hash_free(hash);
		return abort_change(db, &u, d, USERS_ERROR);
	}
	hash_free(hash);
	return finish(db, who, "user.password_reset", &u, d);
}

enum users_result
users_change_own_password(struct db *db, const struct audit_actor *who,
    int64_t id, const char *old_password, const char *password,
    int min_chars, int64_t keep_session, enum password_problem *problem)
{
	struct user	 u;
	sqlite3_stmt	*st;
	cJSON		*d;
	char		*hash;
	enum users_result rc;
	int		 found;

	if ((found = user_by_id(db, id, &u)) != 1)
		return found == 0 ? USERS_NOT_FOUND : USERS_ERROR;
	if (password_verify(u.pwhash, old_password) != 0) {
		user_clear(&u);
		return USERS_WRONG_PASSWORD;
	}
	rc = hash_new(password, min_chars, u.name, problem, &hash);
	user_clear(&u);
	if (rc != USERS_OK)
		return rc;
	if ((rc = begin_user(db, id, &u)) != USERS_OK) {
		hash_free(hash);
		return rc;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "change", "own password");
	if (set3_text(db, STMT_USER_SET_PWHASH, hash, id) == -1 ||
	    set3_int(db, STMT_USER_SET_MUST_CHANGE, 0, id) == -1 ||
	    (st = db_stmt(db, STMT_SESSION_DELETE_OTHERS)) == NULL) {
		hash_free(hash);
		return abort_change(db, &u, d, USERS_ERROR);
	}
	hash_free(hash);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, keep_session);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return abort_change(db, &u, d, USERS_ERROR);
	cJSON_AddNumberToObject(d, "sessions_ended",
	    sqlite3_changes(db_handle(db)));
	return finish(db, who, "account.password_changed", &u, d);
}

enum users_result
users_end_sessions(struct db *db, const struct audit_actor *who, int64_t id,
    int64_t keep_session, int *ended)
{
	struct user	 u;
	sqlite3_stmt	*st;
	cJSON		*d;
	enum users_result rc;
	int		 n;

	if ((rc = begin_user(db, id, &u)) != USERS_OK)
		return rc;
	d = cJSON_CreateObject();
	if ((st = db_stmt(db, STMT_SESSION_DELETE_OTHERS)) == NULL)
		return abort_change(db, &u, d, USERS_ERROR);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, keep_session);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return abort_change(db, &u, d, USERS_ERROR);
	n = sqlite3_changes(db_handle(db));
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
	if (set3_text(db, STMT_USER_SET_VENDOR_LOGIN, login, id) == -1)
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
	if (set3_int(db, STMT_USER_SET_PHONES, may ? 1 : 0, id) == -1)
		return abort_change(db, &u, d, USERS_ERROR);
	return finish(db, who, "user.phone_permission", &u, d);
}

int
users_signed_in(struct db *db, int64_t id, const char *addr, int64_t now)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_USER_SET_LAST_LOGIN);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now);
	db_bind_text(st, 2, addr);
	db_bind_int(st, 3, id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}
