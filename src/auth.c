/* auth.c: roles, passwords, sessions, throttling and tokens. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "log.h"
#include "store/users.h"
#include "utf8.h"

/* argon2id with t=3, m=32 MiB, p=1: above ASVS 5.0 appendix C's m=19 MiB,
 * t=2 in both cost and memory, while a worker that checks a password
 * stays within the 64 MiB it may use for an upload (libsodium's
 * "interactive" 64 MiB would not). Changing these makes
 * password_needs_rehash() true for older hashes, which are then rehashed
 * at the next sign-in. */
#define PW_OPSLIMIT	3
#define PW_MEMLIMIT	(32 * 1024 * 1024)

static const struct role_row {
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

/* What ROLE_NONE or a mix of roles reads as: named, with no label. */
static const struct role_row no_role = { ROLE_NONE, "none", "" };

/* The row of r, never NULL. */
static const struct role_row *
role_row(enum role r)
{
	size_t	 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == r)
			return &roles[i];
	return &no_role;
}

const char *
role_name(enum role r)
{
	return role_row(r)->name;
}

const char *
role_label(enum role r)
{
	return role_row(r)->label;
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

	token_new(token);
	token_new(csrf);
	(void)token_digest(token, digest);
	return store_session_insert(db, digest, sizeof(digest), user_id, csrf,
	    now, addr, user_agent);
}

enum session_state
session_lookup(struct db *db, const char *token, int64_t now,
    int idle_seconds, int max_seconds, struct session *s)
{
	unsigned char	 digest[crypto_hash_sha256_BYTES];
	int		 rc, disabled;

	memset(s, 0, sizeof(*s));
	if (token == NULL || token_digest(token, digest) == -1)
		return SESSION_NONE;
	if ((rc = store_session_get(db, digest, sizeof(digest), s,
	    &disabled)) != 0)
		return rc == 1 ? SESSION_NONE : SESSION_ERROR;
	if (disabled || s->role == ROLE_NONE ||
	    now - s->last_seen > idle_seconds ||
	    now - s->created > max_seconds) {
		(void)store_session_delete(db, s->id);
		session_clear(s);
		return SESSION_EXPIRED;
	}
	/* Touch at most once a minute: the idle timeout does not need
	 * second precision, and pages then cost no write. */
	if (now - s->last_seen >= 60 &&
	    store_session_touch(db, s->id, now) == 0)
		s->last_seen = now;
	return SESSION_OK;
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
	struct login_failures f;

	if (store_fail_get(db, key, &f) == -1)
		return -1;
	return f.blocked_until > now ? (int)(f.blocked_until - now) : 0;
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
	struct login_failures f;
	int64_t		 delay;
	int		 rc;

	if ((rc = store_fail_get(db, key, &f)) == -1)
		return -1;
	/* A window that began too long ago starts again at one. */
	if (rc == 0 && f.window_start >= now - rule->window)
		f.count++;
	else {
		f.window_start = now;
		f.count = 1;
	}
	delay = throttle_delay(rule, f.count);
	f.blocked_until = delay > 0 ? now + delay : 0;
	return store_fail_set(db, key, &f);
}

int
throttle_purge(struct db *db, int64_t now, int64_t window_before,
    int64_t known_before)
{
	if (store_fail_purge(db, window_before, now) == -1)
		return -1;
	return store_known_purge(db, known_before);
}
