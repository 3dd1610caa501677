/* store/users.h: users, sessions, sign-in throttling and the addresses
 * each account signed in from. Rows are the structs of auth.h (struct
 * user, struct session) and the list rows below; roles are stored as
 * their names and read back as enum role. Return values as in store.h:
 * 0, 1 where a row may be missing, -1 on an error (logged). Times are
 * Unix seconds given by the caller. */
#ifndef DIALDESK_STORE_USERS_H
#define DIALDESK_STORE_USERS_H

#include <stddef.h>

#include "auth.h"
#include "store.h"

/* Every user's id and name, by name: cb is called for each (name borrowed)
 * and stops the walk by returning non-zero. 0, or -1 on an error (logged)
 * or when cb stopped it. */
int	store_user_names(struct db *,
	    int (*cb)(void *arg, int64_t id, const char *name), void *arg);

/* One user, whole: 0 with *u filled (its strings owned: user_clear()),
 * 1 when there is none (*u zeroed), -1 on an error. */
int	store_user_by_name(struct db *, const char *name, struct user *u);
int	store_user_by_id(struct db *, int64_t id, struct user *u);

/* A new account, enabled, created and updated at now: 0 with *id (may be
 * NULL), 1 when the name is taken, -1 on an error. */
int	store_user_insert(struct db *, const char *name, enum role,
	    const char *pwhash, int64_t now, int64_t *id);
/* One field of user id, its update time set to now: 0 (also when there is
 * no such user) or -1. */
int	store_user_set_role(struct db *, int64_t id, enum role, int64_t now);
int	store_user_set_disabled(struct db *, int64_t id, int disabled,
	    int64_t now);
int	store_user_set_pwhash(struct db *, int64_t id, const char *pwhash,
	    int64_t now);
int	store_user_set_must_change(struct db *, int64_t id, int must_change,
	    int64_t now);
int	store_user_set_vendor_login(struct db *, int64_t id, const char *login,
	    int64_t now);
int	store_user_set_phones(struct db *, int64_t id, int may_see_phones,
	    int64_t now);
/* A sign-in from addr at now (the update time stays). 0 or -1. */
int	store_user_set_last_login(struct db *, int64_t id, const char *addr,
	    int64_t now);
/* How many enabled administrators there are besides user id: 0 with *n,
 * or -1. */
int	store_user_other_admins(struct db *, int64_t id, int64_t *n);

/* A row of the users page: an account and how many sessions it has.
 * Strings are borrowed. */
struct user_row {
	int64_t		 id;
	const char	*name;
	enum role	 role;
	int		 disabled;
	int		 must_change;
	const char	*vendor_login;
	int64_t		 last_login;
	const char	*last_login_addr;
	int64_t		 sessions;
	int		 may_see_phones;
};
/* Every account, by name: cb per row, as store_user_names(). */
int	store_user_rows(struct db *,
	    int (*cb)(void *arg, const struct user_row *), void *arg);

/* A new session of user_id: the SHA-256 of its token (token_hash, hash_len
 * bytes, never the token), its CSRF token, its start at now, the address
 * and browser. 0 or -1. */
int	store_session_insert(struct db *, const unsigned char *token_hash,
	    size_t hash_len, int64_t user_id, const char *csrf, int64_t now,
	    const char *addr, const char *user_agent);
/* The session of a token hash joined with its user: 0 with *s (strings
 * owned: session_clear()) and *user_disabled, 1 when there is none, -1. */
int	store_session_get(struct db *, const unsigned char *token_hash,
	    size_t hash_len, struct session *s, int *user_disabled);
/* Seen at now. 0 or -1. */
int	store_session_touch(struct db *, int64_t id, int64_t now);
/* End one session, or every session of a user. 0 or -1. */
int	store_session_delete(struct db *, int64_t id);
int	store_session_delete_user(struct db *, int64_t user_id);
/* End every session of user_id but keep (0: none kept): 0 with *ended
 * (may be NULL) the number ended, or -1. */
int	store_session_delete_others(struct db *, int64_t user_id, int64_t keep,
	    int *ended);

/* One of a user's sessions, for /account. Strings are borrowed. */
struct user_session {
	int64_t		 id;
	int64_t		 created;
	int64_t		 last_seen;
	const char	*addr;
	const char	*user_agent;
};
/* The sessions of user_id, the most recently seen first: cb per row, as
 * store_user_names(). */
int	store_user_sessions(struct db *, int64_t user_id,
	    int (*cb)(void *arg, const struct user_session *), void *arg);

/* End the sessions idle since before idle_before or made before
 * created_before: 0 or -1 (logged). */
int	store_session_purge(struct db *, int64_t idle_before,
	    int64_t created_before);

/* The failures counted against a throttling key (auth.h). */
struct login_failures {
	int64_t		 window_start;	/* the window's first failure */
	int64_t		 count;
	int64_t		 blocked_until;	/* 0: no delay */
};
/* 0 with *f, 1 when the key has none (*f zeroed), -1. */
int	store_fail_get(struct db *, const char *key, struct login_failures *f);
/* Write the key's figures, made or replaced. 0 or -1. */
int	store_fail_set(struct db *, const char *key,
	    const struct login_failures *f);
int	store_fail_clear(struct db *, const char *key);
/* Forget the keys whose window began before window_before and whose delay
 * is over at now. 0 or -1. */
int	store_fail_purge(struct db *, int64_t window_before, int64_t now);

/* Has user_id signed in from addr at since or later? 0 yes, 1 no, -1. */
int	store_known_get(struct db *, int64_t user_id, const char *addr,
	    int64_t since);
/* user_id signed in from addr at now. 0 or -1. */
int	store_known_set(struct db *, int64_t user_id, const char *addr,
	    int64_t now);
/* Forget the addresses last signed in from before `before`. 0 or -1. */
int	store_known_purge(struct db *, int64_t before);

#endif
