/* auth.h: who may do what. Roles, argon2id passwords, server-side
 * sessions, sign-in throttling and CSRF tokens. */
#ifndef DIALDESK_AUTH_H
#define DIALDESK_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct db;

enum role {
	ROLE_NONE = 0,
	ROLE_ADMIN = 1 << 0,
	ROLE_OPERATOR = 1 << 1,
	ROLE_AUDITOR = 1 << 2,
};
#define ROLE_ANY	(ROLE_ADMIN | ROLE_OPERATOR | ROLE_AUDITOR)

enum role	 role_parse(const char *);	/* ROLE_NONE if unknown */
const char	*role_name(enum role);		/* "admin", ... */
const char	*role_label(enum role);		/* 管理员, ... */

/* Hex of 32 random bytes plus the NUL. */
#define TOKEN_HEX	65

/* A user as stored (store/users.h reads and writes it). */
struct user {
	int64_t		 id;
	char		*name;
	enum role	 role;
	char		*pwhash;
	int		 disabled;
	char		*vendor_login;
	int		 must_change;	/* sent to /account until changed */
	int64_t		 last_login;	/* unix time, 0 never */
	char		*last_login_addr;
	int		 may_see_phones;	/* may ask to see full numbers */
};
/* Free what a user owns (its password hash wiped) and zero it. */
void	user_clear(struct user *);

/* Password rules at ASVS 5.0 V6.2: at least min_chars characters (never
 * fewer than PASSWORD_MIN_FLOOR), at most 1024 bytes of UTF-8 without
 * control characters, no composition rules; refused when it is on the list
 * of common passwords shipped with the program (passwords_common.c), one
 * character or short run said again, a run of neighbouring digits or
 * letters, or mostly the user's own name (user_name may be NULL). */
#define PASSWORD_MIN_FLOOR	8
enum password_problem {
	PW_OK = 0,
	PW_TOO_SHORT,
	PW_TOO_LONG,
	PW_BAD_TEXT,
	PW_COMMON,
	PW_HAS_NAME,
};
enum password_problem password_check(const char *pw, int min_chars,
	    const char *user_name);
const char *password_problem_zh(enum password_problem);	/* for pages */
const char *password_problem_en(enum password_problem);	/* for the CLI */
/* 1 when the lower-cased pw is on the shipped list of common passwords. */
int	password_is_common(const char *lower);
/* argon2id via crypto_pwhash_str at t=3, m=32 MiB (above the ASVS 5.0
 * appendix C minimum of m=19 MiB, t=2, p=1). out must hold
 * crypto_pwhash_STRBYTES. Returns 0 or -1 (out of memory). */
int	password_hash(const char *pw, char *out, size_t outsz);
/* 0 when pw matches hash, -1 otherwise. */
int	password_verify(const char *hash, const char *pw);
/* 1 when hash was made with weaker parameters than the current ones. */
int	password_needs_rehash(const char *hash);
/* Burn the same time as a real verification, for unknown users. */
void	password_verify_dummy(const char *pw);

/* A signed-in session joined with its user. */
struct session {
	int64_t		 id;
	int64_t		 user_id;
	char		 csrf[TOKEN_HEX];
	int64_t		 created;
	int64_t		 last_seen;
	char		*user_name;
	enum role	 role;
	char		*vendor_login;
	int		 must_change;
	int		 may_see_phones;
	/* the settings page's version, read in the same statement (the
	 * router settles the settings with it: settings_live_settle) */
	int64_t		 settings_version;
};

enum session_state { SESSION_NONE, SESSION_OK, SESSION_EXPIRED, SESSION_ERROR };

/* Start a session for user_id: writes a new random token (hex) to token,
 * of which only the SHA-256 is stored. Call inside a transaction. */
int	session_create(struct db *, int64_t user_id, const char *addr,
	    const char *user_agent, int64_t now, char token[TOKEN_HEX]);
/* Look a cookie token up. An idle or too old session is deleted and
 * SESSION_EXPIRED returned; last_seen is written at most once a minute so
 * that reading pages costs no write. Free s with session_clear(). */
enum session_state session_lookup(struct db *, const char *token,
	    int64_t now, int idle_seconds, int max_seconds, struct session *s);
void	session_clear(struct session *);
/* Ending sessions, clearing a throttling key and the addresses an account
 * signed in from are plain store calls (store/users.h). */

/*
 * Sign-in throttling that slows an attacker without locking the owner out
 * (ASVS 5.0 V6.3). Failures are counted per key ("pair:NAME|ADDRESS",
 * "user:NAME", "addr:ADDRESS") within a window of rule->window seconds
 * from its first failure. From the rule->max-th failure on, each failure
 * sets a delay of rule->delay seconds, doubled for every further failure
 * and never longer than the window, during which the key's attempts are
 * refused without looking at the password.
 */
struct throttle_rule {
	int	 max;		/* failures before delays begin */
	int	 window;	/* seconds failures are counted over */
	int	 delay;		/* first delay, in seconds */
};
/* Seconds still to wait before key may try again: 0 when it may now,
 * -1 on error. */
int	throttle_wait(struct db *, const char *key, int64_t now);
/* Count one failure of key. 0 or -1. */
int	throttle_fail(struct db *, const char *key, int64_t now,
	    const struct throttle_rule *);
/* Forget windows that began before window_before and whose delay is over
 * at now, and known addresses last used before known_before. */
int	throttle_purge(struct db *, int64_t now, int64_t window_before,
	    int64_t known_before);

/* 32 random bytes as 64 lower-case hex digits. */
void	token_new(char out[TOKEN_HEX]);
/* Constant-time comparison of two tokens; 1 when equal and well formed. */
int	token_equal(const char *a, const char *b);

#endif
