/* auth.c: roles, passwords, sessions, throttling and tokens. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "db.h"
#include "log.h"
#include "utf8.h"

/* argon2id with t=3, m=32 MiB, p=1: above ASVS 5.0 appendix C's m=19 MiB,
 * t=2 in both cost and memory, while a worker that checks a password
 * stays within the 64 MiB it may use for an upload (libsodium's
 * "interactive" 64 MiB would not). Changing these makes
 * password_needs_rehash() true for older hashes, which are then rehashed
 * at the next sign-in. */
#define PW_OPSLIMIT	3
#define PW_MEMLIMIT	(32 * 1024 * 1024)

static const struct {
	enum role	 role;
	const char	*name;
	const char	*label;
} roles[] = {
	{ ROLE_ADMIN, "admin", "管理员" },
	{ ROLE_OPERATOR, "operator", "操作员" },
	{ ROLE_AUDITOR, "auditor", "审计员" },
};

enum role
role_parse(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(s, roles[i].name) == 0)
			return roles[i].role;
	return ROLE_NONE;
}

const char *
role_name(enum role r)
{
	size_t	 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == r)
			return roles[i].name;
	return "none";
}

const char *
role_label(enum role r)
{
	size_t	 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == r)
			return roles[i].label;
	return "";
}

static char *
xstrdup_col(sqlite3_stmt *st, int col)
{
	char	*s = strdup(db_col_text(st, col));

	if (s == NULL)
		log_err("auth: out of memory");
	return s;
}

static int
user_fetch(sqlite3_stmt *st, struct user *u)
{
	int	 rc;

	memset(u, 0, sizeof(*u));
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		db_reset(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		log_err("auth: user lookup: %s",
		    sqlite3_errmsg(sqlite3_db_handle(st)));
		db_reset(st);
		return -1;
	}
	u->id = sqlite3_column_int64(st, 0);
	u->name = xstrdup_col(st, 1);
	u->role = role_parse(db_col_text(st, 2));
	u->pwhash = xstrdup_col(st, 3);
	u->disabled = sqlite3_column_int(st, 4);
	u->vendor_login = xstrdup_col(st, 5);
	u->must_change = sqlite3_column_int(st, 6);
	u->last_login = sqlite3_column_int64(st, 7);
	u->last_login_addr = xstrdup_col(st, 8);
	u->may_see_phones = sqlite3_column_int(st, 9);
	db_reset(st);
	if (u->name == NULL || u->pwhash == NULL || u->vendor_login == NULL ||
	    u->last_login_addr == NULL) {
		user_clear(u);
		return -1;
	}
	return 1;
}

int
user_by_name(struct db *db, const char *name, struct user *u)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_USER_BY_NAME);

	if (st == NULL || db_bind_text(st, 1, name) != SQLITE_OK)
		return -1;
	return user_fetch(st, u);
}

int
user_by_id(struct db *db, int64_t id, struct user *u)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_USER_BY_ID);

	if (st == NULL || db_bind_int(st, 1, id) != SQLITE_OK)
		return -1;
	return user_fetch(st, u);
}

void
user_clear(struct user *u)
{
	free(u->name);
	if (u->pwhash != NULL)
		sodium_memzero(u->pwhash, strlen(u->pwhash));
	free(u->pwhash);
	free(u->vendor_login);
	free(u->last_login_addr);
	memset(u, 0, sizeof(*u));
}

/* Is pw one character, or one short run, said again ("aaaaaaaaaaaa",
 * "abcabcabcabc"), or a run of neighbouring keys or digits up or down
 * ("123456789012" counts: the digits wrap)? */
static int
password_trivial(const char *pw, size_t len)
{
	size_t	 unit, i;
	int	 step;

	for (unit = 1; unit <= 4 && unit < len; unit++) {
		for (i = unit; i < len && pw[i] == pw[i - unit]; i++)
			continue;
		if (i == len)
			return 1;
	}
	for (step = -1; step <= 1; step += 2) {
		for (i = 1; i < len; i++) {
			int d = (unsigned char)pw[i] - (unsigned char)pw[i - 1];
			int digits = pw[i] >= '0' && pw[i] <= '9' &&
			    pw[i - 1] >= '0' && pw[i - 1] <= '9';
			if (d != step && !(digits && d == -9 * step))
				break;
		}
		if (i == len)
			return 1;
	}
	return 0;
}

/* With every copy of the name taken out of low (len bytes), is what is
 * left less than half of it, or only a run or repeat ("alice2026",
 * "alice123456")? */
static int
name_is_most(const char *low, size_t len, const char *name)
{
	char		 rest[64];
	size_t		 nl = strlen(name), j = 0;
	const char	*p = low, *q;

	while ((q = strstr(p, name)) != NULL) {
		memcpy(rest + j, p, (size_t)(q - p));
		j += (size_t)(q - p);
		p = q + nl;
	}
	memcpy(rest + j, p, strlen(p) + 1);
	j += strlen(p);
	return j * 2 < len || j < 4 || password_trivial(rest, j);
}

enum password_problem
password_check(const char *pw, int min_chars, const char *user_name)
{
	size_t	 len = strlen(pw), chars;
	char	 low[64];
	size_t	 i;

	if (len > 1024)
		return PW_TOO_LONG;
	if (!utf8_valid(pw, len) || utf8_has_control(pw, len))
		return PW_BAD_TEXT;
	/* Characters, not bytes: a Chinese pass phrase counts its words. */
	for (chars = 0, i = 0; i < len; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (chars < (size_t)(min_chars < PASSWORD_MIN_FLOOR ?
	    PASSWORD_MIN_FLOOR : min_chars))
		return PW_TOO_SHORT;
	if (password_trivial(pw, len))
		return PW_COMMON;
	if (len < sizeof(low)) {
		for (i = 0; i <= len; i++)
			low[i] = (char)(pw[i] >= 'A' && pw[i] <= 'Z' ?
			    pw[i] - 'A' + 'a' : pw[i]);
		if (password_is_common(low))
			return PW_COMMON;
		if (user_name != NULL && *user_name != '\0' &&
		    strstr(low, user_name) != NULL && name_is_most(low, len,
		    user_name))
			return PW_HAS_NAME;
	}
	return PW_OK;
}

const char *
password_problem_zh(enum password_problem p)
{
	switch (p) {
	case PW_OK:		return "";
	case PW_TOO_SHORT:	return "密码太短";
	case PW_TOO_LONG:	return "密码太长（最多 1024 字节）";
	case PW_BAD_TEXT:	return "密码含有无效字符";
	case PW_COMMON:		return "这是常见或有规律的密码，容易被猜中，请换一个";
	case PW_HAS_NAME:	return "密码主要由用户名组成，容易被猜中，请换一个";
	}
	return "密码无效";
}

const char *
password_problem_en(enum password_problem p)
{
	switch (p) {
	case PW_OK:		return "";
	case PW_TOO_SHORT:	return "password is too short";
	case PW_TOO_LONG:	return "password must be at most 1024 bytes long";
	case PW_BAD_TEXT:	return "password must be valid UTF-8 without control characters";
	case PW_COMMON:		return "password is a common or patterned one, easy to guess";
	case PW_HAS_NAME:	return "password is mostly the user name, easy to guess";
	}
	return "password is not acceptable";
}

int
password_hash(const char *pw, char *out, size_t outsz)
{
	if (outsz < crypto_pwhash_STRBYTES)
		return -1;
	if (crypto_pwhash_str(out, pw, strlen(pw), PW_OPSLIMIT,
	    PW_MEMLIMIT) != 0) {
		log_err("auth: argon2id hashing failed (out of memory?)");
		return -1;
	}
	return 0;
}

int
password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 ? 0 : -1;
}

int
password_needs_rehash(const char *hash)
{
	return crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT,
	    PW_MEMLIMIT) != 0;
}

void
password_verify_dummy(const char *pw)
{
	static char	 dummy[crypto_pwhash_STRBYTES];

	/* Made once per process, so that an unknown name costs what a known
	 * one costs and timing does not tell which names exist. */
	if (dummy[0] == '\0' &&
	    password_hash("dialdesk-dummy-password", dummy, sizeof(dummy)) == -1)
		return;
	(void)password_verify(dummy, pw);
}

void
token_new(char out[TOKEN_HEX])
{
	unsigned char	 raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, TOKEN_HEX, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

static int
token_wellformed(const char *s)
{
	size_t	 i;

	for (i = 0; i < TOKEN_HEX - 1; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

int
token_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL || !token_wellformed(a) ||
	    !token_wellformed(b))
		return 0;
	return sodium_memcmp(a, b, TOKEN_HEX - 1) == 0;
}

/* SHA-256 of the token text: what the database keeps. */
static int
token_digest(const char *token, unsigned char out[crypto_hash_sha256_BYTES])
{
	if (!token_wellformed(token))
		return -1;
	crypto_hash_sha256(out, (const unsigned char *)token, TOKEN_HEX - 1);
	return 0;
}

int
session_create(struct db *db, int64_t user_id, const char *addr,
    const char *user_agent, int64_t now, char token[TOKEN_HEX])
{
	unsigned char	 digest[crypto_hash_sha256_BYTES];
	char		 csrf[TOKEN_HEX];
	sqlite3_stmt	*st;

	token_new(token);
	token_new(csrf);
	(void)token_digest(token, digest);
	if ((st = db_stmt(db, STMT_SESSION_INSERT)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, digest, sizeof(digest), SQLITE_TRANSIENT);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, csrf);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, now);
	db_bind_text(st, 6, addr);
	db_bind_text(st, 7, user_agent);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

enum session_state
session_lookup(struct db *db, const char *token, int64_t now,
    int idle_seconds, int max_seconds, struct session *s)
{
	unsigned char	 digest[crypto_hash_sha256_BYTES];
	sqlite3_stmt	*st;
	int		 rc, disabled;

	memset(s, 0, sizeof(*s));
	if (token == NULL || token_digest(token, digest) == -1)
		return SESSION_NONE;
	if ((st = db_stmt(db, STMT_SESSION_GET)) == NULL)
		return SESSION_ERROR;
	sqlite3_bind_blob(st, 1, digest, sizeof(digest), SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		db_reset(st);
		return rc == SQLITE_DONE ? SESSION_NONE : SESSION_ERROR;
	}
	s->id = sqlite3_column_int64(st, 0);
	s->user_id = sqlite3_column_int64(st, 1);
	snprintf(s->csrf, sizeof(s->csrf), "%s", db_col_text(st, 2));
	s->created = sqlite3_column_int64(st, 3);
	s->last_seen = sqlite3_column_int64(st, 4);
	s->user_name = strdup(db_col_text(st, 5));
	s->role = role_parse(db_col_text(st, 6));
	disabled = sqlite3_column_int(st, 7);
	s->vendor_login = strdup(db_col_text(st, 8));
	s->must_change = sqlite3_column_int(st, 9);
	s->may_see_phones = sqlite3_column_int(st, 10);
	db_reset(st);
	if (s->user_name == NULL || s->vendor_login == NULL) {
		session_clear(s);
		return SESSION_ERROR;
	}

	if (disabled || s->role == ROLE_NONE ||
	    now - s->last_seen > idle_seconds ||
	    now - s->created > max_seconds) {
		(void)session_delete(db, s->id);
		session_clear(s);
		return SESSION_EXPIRED;
	}
	/* Touch at most once a minute: the idle timeout does not need
	 * second precision, and pages then cost no write. */
	if (now - s->last_seen >= 60) {
		if ((st = db_stmt(db, STMT_SESSION_TOUCH)) == NULL)
			return SESSION_OK;
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, s->id);
		if (db_exec_stmt(st) == SQLITE_DONE)
			s->last_seen = now;
	}
	return SESSION_OK;
}

int
session_delete(struct db *db, int64_t id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_SESSION_DELETE);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
session_delete_user(struct db *db, int64_t user_id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_SESSION_DELETE_USER);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, user_id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

void
session_clear(struct session *s)
{
	free(s->user_name);
	free(s->vendor_login);
	sodium_memzero(s, sizeof(*s));
}

int
throttle_wait(struct db *db, const char *key, int64_t now)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_FAIL_GET);
	int64_t		 until = 0;
	int		 rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		until = sqlite3_column_int64(st, 2);
	db_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return until > now ? (int)(until - now) : 0;
}

/* The delay after the n-th failure of a key under rule: none before the
 * max-th, then delay, 2 x delay, 4 x delay ... up to the window. */
static int64_t
throttle_delay(const struct throttle_rule *rule, int64_t n)
{
	int64_t	 d = rule->delay;
	int64_t	 k;

	if (n < rule->max)
		return 0;
	for (k = n - rule->max; k > 0 && d < rule->window; k--)
		d *= 2;
	return d < rule->window ? d : rule->window;
}

int
throttle_fail(struct db *db, const char *key, int64_t now,
    const struct throttle_rule *rule)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_FAIL_GET);
	int64_t		 start = now, count = 1, delay;
	int		 rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	/* A window that began too long ago starts again at one. */
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) >= now - rule->window) {
		start = sqlite3_column_int64(st, 0);
		count = sqlite3_column_int64(st, 1) + 1;
	}
	db_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	delay = throttle_delay(rule, count);
	if ((st = db_stmt(db, STMT_FAIL_SET)) == NULL)
		return -1;
	db_bind_text(st, 1, key);
	db_bind_int(st, 2, start);
	db_bind_int(st, 3, count);
	db_bind_int(st, 4, delay > 0 ? now + delay : 0);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
throttle_purge(struct db *db, int64_t now, int64_t window_before,
    int64_t known_before)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_FAIL_PURGE)) == NULL)
		return -1;
	db_bind_int(st, 1, window_before);
	db_bind_int(st, 2, now);
	if (db_exec_stmt(st) != SQLITE_DONE ||
	    (st = db_stmt(db, STMT_KNOWN_PURGE)) == NULL)
		return -1;
	db_bind_int(st, 1, known_before);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
login_known(struct db *db, int64_t user_id, const char *addr, int64_t since)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_KNOWN_GET);
	int		 rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, addr);
	db_bind_int(st, 3, since);
	rc = sqlite3_step(st);
	db_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return rc == SQLITE_ROW;
}

int
login_remember(struct db *db, int64_t user_id, const char *addr, int64_t now)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_KNOWN_SET);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, user_id);
	db_bind_text(st, 2, addr);
	db_bind_int(st, 3, now);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
throttle_clear(struct db *db, const char *key)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_FAIL_CLEAR);

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, key);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}
