/* check_auth.c: password rules, argon2id parameters, sessions (idle and
 * absolute expiry, one-way token storage) and sign-in throttling. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "auth.h"
#include "store/users.h"
#include "users.h"
#include "unit.h"

static char	 path[64];
static struct db *db;

static void
setup(void)
{
	char	 err[256];
	int	 fd;
	int64_t	 id;

	ck_assert_int_ge(sodium_init(), 0);
	snprintf(path, sizeof(path), "/tmp/check_auth.XXXXXX");
	fd = mkstemp(path);
	close(fd);
	db = db_open(path, 1000);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(db_migrate(db, err, sizeof(err)), 0);
	ck_assert_int_eq(store_user_insert(db, "alice", ROLE_OPERATOR, "x", 0,
	    &id), 0);
	ck_assert_int_eq(id, 1);
	ck_assert_int_eq(store_user_insert(db, "bob", ROLE_AUDITOR, "x", 1,
	    &id), 0);
	ck_assert_int_eq(id, 2);
}

static void
teardown(void)
{
	char	 p[80];

	db_close(db);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static const struct {
	const char		*pw;
	int			 min;
	const char		*name;
	enum password_problem	 want;
} policy[] = {
	{ "short", 12, NULL, PW_TOO_SHORT },
	{ "elevenchars", 12, NULL, PW_TOO_SHORT },
	{ "twelve chars", 12, NULL, PW_OK },
	{ "十二个汉字的密码也可以用的", 12, NULL, PW_OK },
	{ "七个汉字的密码", 8, NULL, PW_TOO_SHORT },	/* characters count */
	{ "八个汉字组成的密码", 8, NULL, PW_OK },
	{ "with\x01control...", 12, NULL, PW_BAD_TEXT },
	{ "bad utf8 \xff\xfe here", 12, NULL, PW_BAD_TEXT },
	{ "eightchr", 4, NULL, PW_OK },		/* never below the floor of 8 */
	{ "sevench", 4, NULL, PW_TOO_SHORT },
	/* The shipped list, whatever the case. */
	{ "password1234", 12, NULL, PW_COMMON },
	{ "PassWord1234", 12, NULL, PW_COMMON },
	{ "woaini5201314", 12, NULL, PW_COMMON },
	{ "qwertyuiop123", 12, NULL, PW_COMMON },
	/* Rules: repeats, runs up and down (digits wrap). */
	{ "aaaaaaaaaaaa", 12, NULL, PW_COMMON },
	{ "abcabcabcabc", 12, NULL, PW_COMMON },
	{ "123456789012", 12, NULL, PW_COMMON },
	{ "210987654321", 12, NULL, PW_COMMON },
	{ "abcdefghijklm", 12, NULL, PW_COMMON },
	{ "abcabcabcabx", 12, NULL, PW_OK },
	/* Mostly the user's own name. */
	{ "alice.alice1", 12, "alice", PW_HAS_NAME },
	{ "alice1234567", 12, "alice", PW_HAS_NAME },
	{ "alice likes green tea", 12, "alice", PW_OK },
};

START_TEST(test_policy)
{
	enum password_problem got = password_check(policy[_i].pw,
	    policy[_i].min, policy[_i].name);

	ck_assert_msg(got == policy[_i].want, "case %d (%s): got %d, want %d",
	    _i, policy[_i].pw, got, policy[_i].want);
	ck_assert_str_ne(password_problem_zh(got), "密码无效");
	ck_assert_ptr_nonnull(password_problem_en(got));
}
END_TEST

START_TEST(test_hash_verify)
{
	char	 h[crypto_pwhash_STRBYTES];
	char	 weak[crypto_pwhash_STRBYTES];

	ck_assert_int_eq(password_hash("correct horse", h, sizeof(h)), 0);
	ck_assert(strncmp(h, "$argon2id$", 10) == 0);
	ck_assert_int_eq(password_verify(h, "correct horse"), 0);
	ck_assert_int_eq(password_verify(h, "correct horsE"), -1);
	ck_assert_int_eq(password_needs_rehash(h), 0);
	/* Parameters below today's are rehashed at the next sign-in. */
	ck_assert_int_eq(crypto_pwhash_str(weak, "pw", 2,
	    crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
	ck_assert_int_eq(password_needs_rehash(weak), 1);
	ck_assert_int_eq(password_hash("x", h, 10), -1);
}
END_TEST

START_TEST(test_tokens)
{
	char	 a[TOKEN_HEX], b[TOKEN_HEX];

	token_new(a);
	token_new(b);
	ck_assert_uint_eq(strlen(a), 64);
	ck_assert_str_ne(a, b);
	ck_assert(token_equal(a, a));
	ck_assert(!token_equal(a, b));
	ck_assert(!token_equal(a, NULL));
	ck_assert(!token_equal("abc", "abc"));
	b[0] = 'G';
	ck_assert(!token_equal(b, b));
}
END_TEST

START_TEST(test_session_life)
{
	char		 tok[TOKEN_HEX];
	unsigned char	 digest[crypto_hash_sha256_BYTES];
	struct session	 s;
	int64_t		 t0 = 1000000;
	int		 disabled;

	ck_assert_int_eq(session_create(db, 1, "127.0.0.1", "ua", t0, tok), 0);
	/* Only the hash is stored: the token itself finds nothing, its
	 * SHA-256 finds the session, whose CSRF token is another one. */
	ck_assert_int_eq(store_session_get(db, (const unsigned char *)tok,
	    TOKEN_HEX - 1, &s, &disabled), 1);
	crypto_hash_sha256(digest, (const unsigned char *)tok, TOKEN_HEX - 1);
	ck_assert_int_eq(store_session_get(db, digest, sizeof(digest), &s,
	    &disabled), 0);
	ck_assert_str_ne(s.csrf, tok);
	session_clear(&s);

	ck_assert_int_eq(session_lookup(db, tok, t0 + 60, 1800, 43200, &s),
	    SESSION_OK);
	ck_assert_str_eq(s.user_name, "alice");
	ck_assert_int_eq(s.role, ROLE_OPERATOR);
	ck_assert_uint_eq(strlen(s.csrf), 64);
	session_clear(&s);
	/* Idle for 29 minutes from the last touch: still fine. */
	ck_assert_int_eq(session_lookup(db, tok, t0 + 60 + 1740, 1800, 43200,
	    &s), SESSION_OK);
	session_clear(&s);
	/* 31 idle minutes: gone, and gone for good. */
	ck_assert_int_eq(session_lookup(db, tok, t0 + 1800 + 1860 + 10, 1800,
	    43200, &s), SESSION_EXPIRED);
	ck_assert_int_eq(session_lookup(db, tok, t0 + 1800 + 1870, 1800,
	    43200, &s), SESSION_NONE);
}
END_TEST

START_TEST(test_session_absolute)
{
	char		 tok[TOKEN_HEX];
	struct session	 s;
	int64_t		 t, t0 = 2000000;

	ck_assert_int_eq(session_create(db, 1, "a", "u", t0, tok), 0);
	/* Busy all day long still ends after 12 hours. */
	for (t = t0 + 600; t <= t0 + 43200; t += 600) {
		ck_assert_int_eq(session_lookup(db, tok, t, 1800, 43200, &s),
		    SESSION_OK);
		session_clear(&s);
	}
	ck_assert_int_eq(session_lookup(db, tok, t0 + 43201, 1800, 43200, &s),
	    SESSION_EXPIRED);
}
END_TEST

START_TEST(test_session_disabled_user)
{
	char		 tok[TOKEN_HEX];
	struct session	 s;

	ck_assert_int_eq(session_create(db, 2, "a", "u", 100, tok), 0);
	ck_assert_int_eq(store_user_set_disabled(db, 2, 1, 101), 0);
	ck_assert_int_eq(session_lookup(db, tok, 101, 1800, 43200, &s),
	    SESSION_EXPIRED);
	ck_assert_int_eq(session_lookup(db, "nothex", 101, 1800, 43200, &s),
	    SESSION_NONE);
}
END_TEST

START_TEST(test_throttle)
{
	/* 5 failures, then 30 s doubling, never over the 900 s window. */
	const struct throttle_rule rule = { 5, 900, 30 };
	static const struct {
		int64_t	 at;	/* time of the failure */
		int	 wait;	/* seconds to wait right after it */
	} steps[] = {
		{ 1000, 0 }, { 1001, 0 }, { 1002, 0 }, { 1003, 0 },
		{ 1004, 30 },	/* the 5th: the first delay */
		{ 1040, 60 }, { 1100, 120 }, { 1220, 240 }, { 1460, 480 },
		{ 1890, 900 },	/* capped at the window */
	};
	size_t	 i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		ck_assert_int_eq(throttle_fail(db, "pair:alice|a", steps[i].at,
		    &rule), 0);
		ck_assert_msg(throttle_wait(db, "pair:alice|a", steps[i].at) ==
		    steps[i].wait, "failure %zu: wait %d, want %d", i + 1,
		    throttle_wait(db, "pair:alice|a", steps[i].at),
		    steps[i].wait);
	}
	/* The wait runs down; other keys never waited. */
	ck_assert_int_eq(throttle_wait(db, "pair:alice|a", 1890 + 899), 1);
	ck_assert_int_eq(throttle_wait(db, "pair:alice|a", 1890 + 900), 0);
	ck_assert_int_eq(throttle_wait(db, "pair:bob|a", 1891), 0);
	/* A window that began too long ago starts again at one. */
	ck_assert_int_eq(throttle_fail(db, "pair:alice|a", 1000 + 901 + 2000,
	    &rule), 0);
	ck_assert_int_eq(throttle_wait(db, "pair:alice|a", 1000 + 901 + 2000),
	    0);
	/* Purging keeps a key whose delay is not over yet. */
	ck_assert_int_eq(throttle_fail(db, "user:carol", 5000, &(struct
	    throttle_rule){ 1, 900, 600 }), 0);
	ck_assert_int_eq(throttle_purge(db, 5001, 6000, 0), 0);
	ck_assert_int_eq(throttle_wait(db, "user:carol", 5001), 599);
	ck_assert_int_eq(throttle_purge(db, 5600, 6000, 0), 0);
	ck_assert_int_eq(throttle_wait(db, "user:carol", 5001), 0);
	ck_assert_int_eq(throttle_fail(db, "pair:alice|a", 5000, &rule), 0);
	ck_assert_int_eq(throttle_fail(db, "pair:alice|a", 5001, &rule), 0);
	ck_assert_int_eq(store_fail_clear(db, "pair:alice|a"), 0);
	/* Cleared, the key counts from one again: no delay at the 5th. */
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(throttle_fail(db, "pair:alice|a",
		    5002 + (int64_t)i, &rule), 0);
	ck_assert_int_eq(throttle_wait(db, "pair:alice|a", 5005), 0);
}
END_TEST

/* store_known_get: 0 known, 1 not. */
START_TEST(test_known_address)
{
	ck_assert_int_eq(store_known_get(db, 2, "10.0.0.1", 0), 1);
	ck_assert_int_eq(store_known_set(db, 2, "10.0.0.1", 1000), 0);
	ck_assert_int_eq(store_known_get(db, 2, "10.0.0.1", 900), 0);
	ck_assert_int_eq(store_known_get(db, 2, "10.0.0.2", 900), 1);
	ck_assert_int_eq(store_known_get(db, 3, "10.0.0.1", 900), 1);
	/* Known only since the last sign-in that recent. */
	ck_assert_int_eq(store_known_get(db, 2, "10.0.0.1", 1001), 1);
	ck_assert_int_eq(store_known_set(db, 2, "10.0.0.1", 2000), 0);
	ck_assert_int_eq(store_known_get(db, 2, "10.0.0.1", 1001), 0);
	ck_assert_int_eq(throttle_purge(db, 3000, 0, 2001), 0);
	ck_assert_int_eq(store_known_get(db, 2, "10.0.0.1", 0), 1);
}
END_TEST

/* A sign-in records when and where, the address as known, and a hash
 * made again with today's parameters (only when there is one). */
START_TEST(test_signed_in)
{
	struct user	 u;

	ck_assert_int_eq(users_signed_in(db, 1, "10.0.0.5", 5000, NULL), 0);
	ck_assert_int_eq(store_user_by_id(db, 1, &u), 0);
	ck_assert_str_eq(u.pwhash, "x");
	ck_assert_int_eq(u.last_login, 5000);
	ck_assert_str_eq(u.last_login_addr, "10.0.0.5");
	user_clear(&u);
	ck_assert_int_eq(store_known_get(db, 1, "10.0.0.5", 5000), 0);
	ck_assert_int_eq(users_signed_in(db, 1, "10.0.0.6", 6000,
	    "rehashed"), 0);
	ck_assert_int_eq(store_user_by_id(db, 1, &u), 0);
	ck_assert_str_eq(u.pwhash, "rehashed");
	ck_assert_int_eq(u.last_login, 6000);
	ck_assert_str_eq(u.last_login_addr, "10.0.0.6");
	user_clear(&u);
	ck_assert_int_eq(store_known_get(db, 1, "10.0.0.6", 6000), 0);
	/* The other account is untouched. */
	ck_assert_int_eq(store_user_by_id(db, 2, &u), 0);
	ck_assert_str_eq(u.pwhash, "x");
	ck_assert_int_eq(u.last_login, 0);
	user_clear(&u);
}
END_TEST

START_TEST(test_roles)
{
	ck_assert_int_eq(role_parse("admin"), ROLE_ADMIN);
	ck_assert_int_eq(role_parse("auditor"), ROLE_AUDITOR);
	ck_assert_int_eq(role_parse("root"), ROLE_NONE);
	ck_assert_int_eq(role_parse(NULL), ROLE_NONE);
	ck_assert_str_eq(role_label(ROLE_OPERATOR), "操作员");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("auth");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_policy, 0,
	    sizeof(policy) / sizeof(policy[0]));
	tcase_add_test(tc, test_hash_verify);
	tcase_add_test(tc, test_tokens);
	tcase_add_test(tc, test_session_life);
	tcase_add_test(tc, test_session_absolute);
	tcase_add_test(tc, test_session_disabled_user);
	tcase_add_test(tc, test_throttle);
	tcase_add_test(tc, test_known_address);
	tcase_add_test(tc, test_signed_in);
	tcase_add_test(tc, test_roles);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
