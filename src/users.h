/* users.h: every change to an account, for the command line and the web
 * alike: create, role, disable/enable, passwords, sessions, vendor login.
 * Each change is one transaction with its audit entry (old -> new values,
 * never a password) and enforces the rules that keep the console usable:
 * the last enabled administrator can be neither disabled nor demoted, and
 * nobody disables themselves. */
#ifndef DIALDESK_USERS_H
#define DIALDESK_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "store/users.h"

struct audit_actor;
struct db;

enum users_result {
	USERS_OK = 0,
	USERS_ERROR,		/* the database failed: nothing changed */
	USERS_NOT_FOUND,
	USERS_EXISTS,		/* the name is taken */
	USERS_BAD_ROLE,
	USERS_BAD_NAME,
	USERS_BAD_LOGIN,	/* not a vendor account name */
	USERS_WEAK_PASSWORD,	/* see the password_problem */
	USERS_WRONG_PASSWORD,	/* the old password did not match */
	USERS_LAST_ADMIN,	/* would leave no enabled administrator */
	USERS_SELF,		/* one may not disable oneself */
	USERS_UNCHANGED,	/* already so */
	USERS__MAX
};
/* The reason in Chinese for pages and in English for the CLI. */
const char	*users_result_zh(enum users_result);
const char	*users_result_en(enum users_result);

/* The users page lists accounts with store_user_rows() and /account the
 * sessions with store_user_sessions() (store/users.h): reading needs no
 * rule. */

/* Room for users_generate_password()'s output and its NUL. */
#define USERS_GENPW_SIZE	21
/* A random password of 20 letters and digits that are not confused with
 * one another (no 0/O, 1/l/I), grouped by dashes: about 100 bits. */
void	users_generate_password(char out[USERS_GENPW_SIZE]);

/* A vendor account name: at most 64 of A-Z a-z 0-9 _ . @ -, or "". */
int	users_vendor_login_ok(const char *);

/* The changes. min_chars is password_min_length. *pw_problem (may be
 * NULL) says why a password was refused. */
enum users_result users_create(struct db *, const struct audit_actor *,
	    const char *name, enum role, const char *password, int must_change,
	    int min_chars, enum password_problem *pw_problem, int64_t *id);
enum users_result users_set_role(struct db *, const struct audit_actor *,
	    int64_t id, enum role);
enum users_result users_set_disabled(struct db *, const struct audit_actor *,
	    int64_t id, int disabled);
/* An administrator (or the CLI) sets a new password: the user's sessions
 * end; must_change asks them to choose their own at the next sign-in. */
enum users_result users_reset_password(struct db *, const struct audit_actor *,
	    int64_t id, const char *password, int must_change, int min_chars,
	    enum password_problem *pw_problem);
/* The user changes their own password, proving the old one; every other
 * session of theirs ends, keep_session (the one in use) stays. */
enum users_result users_change_own_password(struct db *,
	    const struct audit_actor *, int64_t id, const char *old_password,
	    const char *password, int min_chars, int64_t keep_session,
	    enum password_problem *pw_problem);
/* End the user's sessions but keep_session (0: all). *ended may be NULL. */
enum users_result users_end_sessions(struct db *, const struct audit_actor *,
	    int64_t id, int64_t keep_session, int *ended);
enum users_result users_set_vendor_login(struct db *,
	    const struct audit_actor *, int64_t id, const char *login);
/* May the user ask to see full phone numbers (each time with a reason,
 * audited)? Off for every new account, whatever its role. */
enum users_result users_set_phone_permission(struct db *,
	    const struct audit_actor *, int64_t id, int may);
/* Record a successful sign-in from addr at now: the last sign-in, the
 * address as one the account uses, and new_pwhash (NULL: none) when the
 * password was hashed again with the current parameters. Called by the
 * sign-in page inside its transaction; 0 or -1. */
int	users_signed_in(struct db *, int64_t id, const char *addr, int64_t now,
	    const char *new_pwhash);

#endif
