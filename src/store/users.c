/* store/users.c: the statements of users, sessions and sign-in
 * throttling, and the typed functions over them (store/users.h). */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "db.h"
#include "log.h"
#include "store/rows.h"
#include "store/users.h"

STORE_SQL_TABLE(users) = {
	/* every user, by name: USER_NAME_* columns */
	[STMT_USER_LIST] =
	    "SELECT id, name FROM users ORDER BY name",
	/* (name): USER_* columns */
	[STMT_USER_BY_NAME] =
	    "SELECT id, name, role, pwhash, disabled, vendor_login, must_change,"
	    " last_login, last_login_addr, may_see_phones FROM users WHERE name = ?",
	/* (id): USER_* columns */
	[STMT_USER_BY_ID] =
	    "SELECT id, name, role, pwhash, disabled, vendor_login, must_change,"
	    " last_login, last_login_addr, may_see_phones FROM users WHERE id = ?",
	/* (name, role, pwhash, created, updated) */
	[STMT_USER_INSERT] =
	    "INSERT INTO users (name, role, pwhash, created, updated)"
	    " VALUES (?, ?, ?, ?, ?)",
	/* The setters: (value, now, user) */
	[STMT_USER_SET_PWHASH] =
	    "UPDATE users SET pwhash = ?, updated = ? WHERE id = ?",
	[STMT_USER_SET_DISABLED] =
	    "UPDATE users SET disabled = ?, updated = ? WHERE id = ?",
	[STMT_USER_SET_VENDOR_LOGIN] =
	    "UPDATE users SET vendor_login = ?, updated = ? WHERE id = ?",
	[STMT_USER_SET_ROLE] =
	    "UPDATE users SET role = ?, updated = ? WHERE id = ?",
	[STMT_USER_SET_MUST_CHANGE] =
	    "UPDATE users SET must_change = ?, updated = ? WHERE id = ?",
	[STMT_USER_SET_PHONES] =
	    "UPDATE users SET may_see_phones = ?, updated = ? WHERE id = ?",
	/* (time, address, user) */
	[STMT_USER_SET_LAST_LOGIN] =
	    "UPDATE users SET last_login = ?, last_login_addr = ? WHERE id = ?",
	/* (admin role, user): enabled admins but that user, one column */
	[STMT_USER_OTHER_ADMINS] =
	    "SELECT count(*) FROM users WHERE role = ? AND disabled = 0"
	    " AND id != ?",
	/* the users page, with each account's sessions: USER_ROW_* columns */
	[STMT_USER_ROWS] =
	    "SELECT u.id, u.name, u.role, u.disabled, u.vendor_login,"
	    " u.must_change, u.last_login, u.last_login_addr,"
	    " (SELECT count(*) FROM sessions AS s WHERE s.user_id = u.id),"
	    " u.may_see_phones"
	    " FROM users AS u ORDER BY u.name",
	/* (token hash, user, csrf, created, last seen, address, user agent) */
	[STMT_SESSION_INSERT] =
	    "INSERT INTO sessions (token_hash, user_id, csrf, created, last_seen,"
	    " addr, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* (token hash): SESSION_* columns, the settings' version with them
	 * (STMT_SETTINGS_VERSION's), which saves every signed-in request a
	 * round trip */
	[STMT_SESSION_GET] =
	    "SELECT s.id, s.user_id, s.csrf, s.created, s.last_seen,"
	    " u.name, u.role, u.disabled, u.vendor_login, u.must_change,"
	    " u.may_see_phones,"
	    " (SELECT coalesce(max(id), 0) FROM settings_history)"
	    " FROM sessions AS s JOIN users AS u ON u.id = s.user_id"
	    " WHERE s.token_hash = ?",
	/* (now, session) */
	[STMT_SESSION_TOUCH] =
	    "UPDATE sessions SET last_seen = ? WHERE id = ?",
	/* (session) */
	[STMT_SESSION_DELETE] =
	    "DELETE FROM sessions WHERE id = ?",
	/* (user) */
	[STMT_SESSION_DELETE_USER] =
	    "DELETE FROM sessions WHERE user_id = ?",
	/* (user, session kept) */
	[STMT_SESSION_DELETE_OTHERS] =
	    "DELETE FROM sessions WHERE user_id = ? AND id != ?",
	/* (user): USER_SESSION_* columns */
	[STMT_SESSION_LIST_USER] =
	    "SELECT id, created, last_seen, addr, user_agent FROM sessions"
	    " WHERE user_id = ? ORDER BY last_seen DESC, id DESC",
	/* (idle since, created before) */
	[STMT_SESSION_PURGE] =
	    "DELETE FROM sessions WHERE last_seen < ? OR created < ?",
	/* (key): FAIL_* columns */
	[STMT_FAIL_GET] =
	    "SELECT window_start, count, blocked_until FROM login_failures"
	    " WHERE key = ?",
	/* (key, window start, count, blocked until) */
	[STMT_FAIL_SET] =
	    "INSERT INTO login_failures (key, window_start, count, blocked_until)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE SET"
	    " window_start = ?2, count = ?3, blocked_until = ?4",
	/* (key) */
	[STMT_FAIL_CLEAR] =
	    "DELETE FROM login_failures WHERE key = ?",
	/* (windows that began before ?1, delays over by ?2) */
	[STMT_FAIL_PURGE] =
	    "DELETE FROM login_failures WHERE window_start < ?1"
	    " AND blocked_until <= ?2",
	/* (user, address, not before): a row when known, no column read */
	[STMT_KNOWN_GET] =
	    "SELECT 1 FROM login_known WHERE user_id = ? AND addr = ?"
	    " AND last_ok >= ?",
	/* (user, address, now) */
	[STMT_KNOWN_SET] =
	    "INSERT INTO login_known (user_id, addr, last_ok) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (user_id, addr) DO UPDATE SET last_ok = ?3",
	/* (last sign-in before) */
	[STMT_KNOWN_PURGE] =
	    "DELETE FROM login_known WHERE last_ok < ?",
};

enum { USER_NAME_ID, USER_NAME_NAME };
enum { USER_ID, USER_NAME, USER_ROLE, USER_PWHASH, USER_DISABLED,
    USER_VENDOR_LOGIN, USER_MUST_CHANGE, USER_LAST_LOGIN,
    USER_LAST_LOGIN_ADDR, USER_MAY_SEE_PHONES };
enum { USER_ROW_ID, USER_ROW_NAME, USER_ROW_ROLE, USER_ROW_DISABLED,
    USER_ROW_VENDOR_LOGIN, USER_ROW_MUST_CHANGE, USER_ROW_LAST_LOGIN,
    USER_ROW_LAST_LOGIN_ADDR, USER_ROW_SESSIONS, USER_ROW_MAY_SEE_PHONES };
enum { SESSION_ID, SESSION_USER_ID, SESSION_CSRF, SESSION_CREATED,
    SESSION_LAST_SEEN, SESSION_USER_NAME, SESSION_ROLE,
    SESSION_USER_DISABLED, SESSION_VENDOR_LOGIN, SESSION_MUST_CHANGE,
    SESSION_MAY_SEE_PHONES, SESSION_SETTINGS_VERSION };
enum { USER_SESSION_ID, USER_SESSION_CREATED, USER_SESSION_LAST_SEEN,
    USER_SESSION_ADDR, USER_SESSION_USER_AGENT };
enum { FAIL_WINDOW_START, FAIL_COUNT, FAIL_BLOCKED_UNTIL };

static char *
col_dup(const struct db_row *st, int col)
{
	return strdup(db_col_text(st, col));
}

/* The walk over user names, handed to a callback of (id, name). */
struct names_walk {
	int	(*cb)(void *, int64_t, const char *);
	void	*arg;
};

static int
user_name_row(void *arg, const struct db_row *st)
{
	struct names_walk *w = arg;

	return w->cb(w->arg, db_col_int(st, USER_NAME_ID),
	    db_col_text(st, USER_NAME_NAME));
}

int
store_user_names(struct db *db,
    int (*cb)(void *arg, int64_t id, const char *name), void *arg)
{
	struct names_walk w = { cb, arg };

	return db_each_params(db, STMT_USER_LIST, user_name_row, &w, NULL);
}

/* The one reader of a users row (USER_* columns): 0, or -1 out of memory
 * with nothing left to free. */
static int
user_fill(void *arg, const struct db_row *st)
{
	struct user	*u = arg;

	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, USER_ID);
	u->name = col_dup(st, USER_NAME);
	u->role = role_parse(db_col_text(st, USER_ROLE));
	u->pwhash = col_dup(st, USER_PWHASH);
	u->disabled = (int)db_col_int(st, USER_DISABLED);
	u->vendor_login = col_dup(st, USER_VENDOR_LOGIN);
	u->must_change = (int)db_col_int(st, USER_MUST_CHANGE);
	u->last_login = db_col_int(st, USER_LAST_LOGIN);
	u->last_login_addr = col_dup(st, USER_LAST_LOGIN_ADDR);
	u->may_see_phones = (int)db_col_int(st, USER_MAY_SEE_PHONES);
	if (u->name == NULL || u->pwhash == NULL || u->vendor_login == NULL ||
	    u->last_login_addr == NULL) {
		log_err("db: user: out of memory");
		user_clear(u);
		return -1;
	}
	return 0;
}

int
store_user_by_name(struct db *db, const char *name, struct user *u)
{
	memset(u, 0, sizeof(*u));
	return db_found_0(db_one_row(db, STMT_USER_BY_NAME, user_fill, u,
	    DB_TEXT(name)));
}

int
store_user_by_id(struct db *db, int64_t id, struct user *u)
{
	memset(u, 0, sizeof(*u));
	return db_found_0(db_one_row(db, STMT_USER_BY_ID, user_fill, u,
	    DB_INT(id)));
}

int
store_user_insert(struct db *db, const char *name, enum role role,
    const char *pwhash, int64_t now, int64_t *id)
{
	struct user	 u;
	int64_t		 n;
	int		 found;

	if (db_prepared(db, STMT_USER_INSERT) == -1)
		return -1;
	/* PostgreSQL's text says ON CONFLICT DO NOTHING (an error would end
	 * the caller's transaction): no row is the name taken. */
	if ((n = db_run_changes(db, STMT_USER_INSERT, DB_TEXT(name),
	    DB_TEXT(role_name(role)), DB_TEXT(pwhash), DB_INT(now),
	    DB_INT(now))) == 0)
		return 1;
	if (n == -1) {
		/* Taken since the caller looked: the name is unique. Asked
		 * of the table, not of the engine's error code, which the
		 * rollback of a statement's own transaction clears. */
		if ((found = store_user_by_name(db, name, &u)) == 0)
			user_clear(&u);
		return found == 0 ? 1 : -1;
	}
	if (id != NULL)
		*id = db_last_insert_id(db);
	return 0;
}

int
store_user_set_role(struct db *db, int64_t id, enum role role, int64_t now)
{
	return db_run(db, STMT_USER_SET_ROLE, DB_TEXT(role_name(role)),
	    DB_INT(now), DB_INT(id));
}

int
store_user_set_disabled(struct db *db, int64_t id, int disabled, int64_t now)
{
	return db_run(db, STMT_USER_SET_DISABLED, DB_INT(disabled ? 1 : 0),
	    DB_INT(now), DB_INT(id));
}

int
store_user_set_pwhash(struct db *db, int64_t id, const char *pwhash,
    int64_t now)
{
	return db_run(db, STMT_USER_SET_PWHASH, DB_TEXT(pwhash), DB_INT(now),
	    DB_INT(id));
}

int
store_user_set_must_change(struct db *db, int64_t id, int must_change,
    int64_t now)
{
	return db_run(db, STMT_USER_SET_MUST_CHANGE,
	    DB_INT(must_change ? 1 : 0), DB_INT(now), DB_INT(id));
}

int
store_user_set_vendor_login(struct db *db, int64_t id, const char *login,
    int64_t now)
{
	return db_run(db, STMT_USER_SET_VENDOR_LOGIN, DB_TEXT(login),
	    DB_INT(now), DB_INT(id));
}

int
store_user_set_phones(struct db *db, int64_t id, int may_see_phones,
    int64_t now)
{
	return db_run(db, STMT_USER_SET_PHONES, DB_INT(may_see_phones ? 1 : 0),
	    DB_INT(now), DB_INT(id));
}

int
store_user_set_last_login(struct db *db, int64_t id, const char *addr,
    int64_t now)
{
	return db_run(db, STMT_USER_SET_LAST_LOGIN, DB_INT(now), DB_TEXT(addr),
	    DB_INT(id));
}

int
store_user_other_admins(struct db *db, int64_t id, int64_t *n)
{
	*n = 0;
	/* count(*) always has its row. */
	return db_one_int(db, STMT_USER_OTHER_ADMINS, n,
	    DB_TEXT(role_name(ROLE_ADMIN)), DB_INT(id)) == 1 ? 0 : -1;
}

static int
user_row_fill(void *row, const struct db_row *st)
{
	struct user_row	*u = row;

	u->id = db_col_int(st, USER_ROW_ID);
	u->name = db_col_text(st, USER_ROW_NAME);
	u->role = role_parse(db_col_text(st, USER_ROW_ROLE));
	u->disabled = (int)db_col_int(st, USER_ROW_DISABLED);
	u->vendor_login = db_col_text(st, USER_ROW_VENDOR_LOGIN);
	u->must_change = (int)db_col_int(st, USER_ROW_MUST_CHANGE);
	u->last_login = db_col_int(st, USER_ROW_LAST_LOGIN);
	u->last_login_addr = db_col_text(st, USER_ROW_LAST_LOGIN_ADDR);
	u->sessions = db_col_int(st, USER_ROW_SESSIONS);
	u->may_see_phones = (int)db_col_int(st, USER_ROW_MAY_SEE_PHONES);
	return 0;
}

DB_ROW_WALK(user_row, struct user_row, user_row_fill)

int
store_user_rows(struct db *db,
    int (*cb)(void *arg, const struct user_row *), void *arg)
{
	return row_walk(db, STMT_USER_ROWS, user_row, cb, arg, NULL);
}

int
store_session_insert(struct db *db, const unsigned char *token_hash,
    size_t hash_len, int64_t user_id, const char *csrf, int64_t now,
    const char *addr, const char *user_agent)
{
	return db_run(db, STMT_SESSION_INSERT, DB_BLOB(token_hash, hash_len),
	    DB_INT(user_id), DB_TEXT(csrf), DB_INT(now), DB_INT(now),
	    DB_TEXT(addr), DB_TEXT(user_agent));
}

/* A session row and where to put its user's disabled flag. */
struct session_out {
	struct session	*s;
	int		*user_disabled;
};

/* The one reader of a session row (SESSION_* columns): 0, or -1 out of
 * memory with nothing left to free. */
static int
session_fill(void *arg, const struct db_row *st)
{
	struct session_out *o = arg;
	struct session	*s = o->s;

	memset(s, 0, sizeof(*s));
	s->id = db_col_int(st, SESSION_ID);
	s->user_id = db_col_int(st, SESSION_USER_ID);
	snprintf(s->csrf, sizeof(s->csrf), "%s", db_col_text(st, SESSION_CSRF));
	s->created = db_col_int(st, SESSION_CREATED);
	s->last_seen = db_col_int(st, SESSION_LAST_SEEN);
	s->user_name = col_dup(st, SESSION_USER_NAME);
	s->role = role_parse(db_col_text(st, SESSION_ROLE));
	*o->user_disabled = (int)db_col_int(st, SESSION_USER_DISABLED);
	s->vendor_login = col_dup(st, SESSION_VENDOR_LOGIN);
	s->must_change = (int)db_col_int(st, SESSION_MUST_CHANGE);
	s->may_see_phones = (int)db_col_int(st, SESSION_MAY_SEE_PHONES);
	s->settings_version = db_col_int(st, SESSION_SETTINGS_VERSION);
	if (s->user_name == NULL || s->vendor_login == NULL) {
		log_err("db: session: out of memory");
		session_clear(s);
		return -1;
	}
	return 0;
}

int
store_session_get(struct db *db, const unsigned char *token_hash,
    size_t hash_len, struct session *s, int *user_disabled)
{
	struct session_out o = { s, user_disabled };

	memset(s, 0, sizeof(*s));
	*user_disabled = 0;
	return db_found_0(db_one_row(db, STMT_SESSION_GET, session_fill,
	    &o, DB_BLOB(token_hash, hash_len)));
}

int
store_session_touch(struct db *db, int64_t id, int64_t now)
{
	return db_run(db, STMT_SESSION_TOUCH, DB_INT(now), DB_INT(id));
}

int
store_session_delete(struct db *db, int64_t id)
{
	return db_run(db, STMT_SESSION_DELETE, DB_INT(id));
}

int
store_session_delete_user(struct db *db, int64_t user_id)
{
	return db_run(db, STMT_SESSION_DELETE_USER, DB_INT(user_id));
}

int
store_session_delete_others(struct db *db, int64_t user_id, int64_t keep,
    int *ended)
{
	int64_t	 n;

	if (ended != NULL)
		*ended = 0;
	if ((n = db_run_changes(db, STMT_SESSION_DELETE_OTHERS,
	    DB_INT(user_id), DB_INT(keep))) == -1)
		return -1;
	if (ended != NULL)
		*ended = (int)n;
	return 0;
}

static int
user_session_fill(void *row, const struct db_row *st)
{
	struct user_session *s = row;

	s->id = db_col_int(st, USER_SESSION_ID);
	s->created = db_col_int(st, USER_SESSION_CREATED);
	s->last_seen = db_col_int(st, USER_SESSION_LAST_SEEN);
	s->addr = db_col_text(st, USER_SESSION_ADDR);
	s->user_agent = db_col_text(st, USER_SESSION_USER_AGENT);
	return 0;
}

DB_ROW_WALK(user_session, struct user_session, user_session_fill)

int
store_user_sessions(struct db *db, int64_t user_id,
    int (*cb)(void *arg, const struct user_session *), void *arg)
{
	return row_walk(db, STMT_SESSION_LIST_USER, user_session, cb, arg,
	    DB_PARAMS(DB_INT(user_id)));
}

int
store_session_purge(struct db *db, int64_t idle_before, int64_t created_before)
{
	return db_run(db, STMT_SESSION_PURGE, DB_INT(idle_before),
	    DB_INT(created_before));
}

static int
fail_fill(void *arg, const struct db_row *st)
{
	struct login_failures *f = arg;

	f->window_start = db_col_int(st, FAIL_WINDOW_START);
	f->count = db_col_int(st, FAIL_COUNT);
	f->blocked_until = db_col_int(st, FAIL_BLOCKED_UNTIL);
	return 0;
}

int
store_fail_get(struct db *db, const char *key, struct login_failures *f)
{
	memset(f, 0, sizeof(*f));
	return db_found_0(db_one_row(db, STMT_FAIL_GET, fail_fill, f,
	    DB_TEXT(key)));
}

int
store_fail_set(struct db *db, const char *key, const struct login_failures *f)
{
	return db_run(db, STMT_FAIL_SET, DB_TEXT(key), DB_INT(f->window_start),
	    DB_INT(f->count), DB_INT(f->blocked_until));
}

int
store_fail_clear(struct db *db, const char *key)
{
	return db_run(db, STMT_FAIL_CLEAR, DB_TEXT(key));
}

int
store_fail_purge(struct db *db, int64_t window_before, int64_t now)
{
	return db_run(db, STMT_FAIL_PURGE, DB_INT(window_before), DB_INT(now));
}

int
store_known_get(struct db *db, int64_t user_id, const char *addr,
    int64_t since)
{
	/* 0 known, 1 not: whether the statement has a row. */
	return db_found_0(db_one_int(db, STMT_KNOWN_GET, NULL,
	    DB_INT(user_id), DB_TEXT(addr), DB_INT(since)));
}

int
store_known_set(struct db *db, int64_t user_id, const char *addr,
    int64_t now)
{
	return db_run(db, STMT_KNOWN_SET, DB_INT(user_id), DB_TEXT(addr),
	    DB_INT(now));
}

int
store_known_purge(struct db *db, int64_t before)
{
	return db_run(db, STMT_KNOWN_PURGE, DB_INT(before));
}
