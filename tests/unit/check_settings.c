/* check_settings.c: the settings page's store (src/settings.c): a form is
 * checked with the file's rules, only what differs is stored, a secret is
 * recorded without its value, and a process's copy follows every change
 * while the file's values stay its base. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "settings.h"
#include "store/users.h"
#include "unit.h"

static char	 path[64];
static struct config base;
static struct db *db;
static const struct audit_actor alice = { 7, "alice", "127.0.0.1", "test" };

static void
setup(void)
{
	char	 err[512];
	int	 fd;

	ck_assert_int_ne(sodium_init(), -1);
	snprintf(path, sizeof(path), "/tmp/check_settings.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	config_defaults(&base);
	free(base.database);
	base.database = strdup(path);
	ck_assert_int_eq(config_set(&base, "sign_key", "file-key", NULL), 0);
	ck_assert_msg(audit_open(&base, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(db = db_open(path, 1000));
	ck_assert_int_eq(db_migrate(db, err, sizeof(err)), 0);
}

static void
teardown(void)
{
	const char *const suffix[] = { "", "-wal", "-shm", ".audit-key",
	    ".audit-checkpoints" };
	char	 p[96];
	size_t	 i;

	db_close(db);
	audit_close();
	config_free(&base);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

/* The edits of a whole form, as the page makes them: every page key,
 * values from cur unless given in kv ("key", "value", ... NULL). */
static size_t
form(const struct config *cur, struct setting_edit *e, char **owned,
    const char *const *kv)
{
	const char	*key;
	size_t		 n, i;

	for (n = 0; (key = config_page_key(n)) != NULL; n++) {
		memset(&e[n], 0, sizeof(e[n]));
		e[n].key = key;
		owned[n] = config_key_secret(key) ? NULL : config_get(cur, key);
		e[n].value = owned[n];
		for (i = 0; kv[i] != NULL; i += 2)
			if (strcmp(kv[i], key) == 0)
				e[n].value = kv[i + 1];
	}
	return n;
}

static void
form_free(char **owned, size_t n)
{
	while (n > 0)
		free(owned[--n]);
}

static int64_t
count(const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 n = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

START_TEST(test_save_and_follow)
{
	static const char *const good[] = { "batch_size", "500",
	    "sign_key", "page-key", "vendor_url", "https://v.example/", NULL };
	static const char *const bad[] = { "batch_size", "0",
	    "vendor_timeout", "x", NULL };
	struct setting_edit	 e[32];
	char			*owned[32];
	struct settings_live	 live;
	struct setting_change	*h;
	struct config		 next;
	const struct config	*now;
	size_t			 n, nh, i;
	int			 changed;

	settings_live_init(&live, &base);
	now = settings_live_refresh(&live, db);
	ck_assert_ptr_eq(now, &base);	/* nothing changed yet: the file's */

	/* A refused form: each bad field marked, nothing to store. */
	n = form(now, e, owned, bad);
	ck_assert_int_eq(settings_check(now, e, n, &next), 2);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(e[i].bad, strcmp(e[i].key, "batch_size") == 0 ||
		    strcmp(e[i].key, "vendor_timeout") == 0);
	form_free(owned, n);

	n = form(now, e, owned, good);
	ck_assert_int_eq(settings_check(now, e, n, &next), 0);
	form_free(owned, n);
	ck_assert_int_eq(settings_save(db, &alice, now, &next, &changed),
	    SETTINGS_OK);
	ck_assert_int_eq(changed, 3);
	ck_assert_int_eq(settings_save(db, &alice, &next, &next, &changed),
	    SETTINGS_UNCHANGED);
	config_free(&next);

	now = settings_live_refresh(&live, db);
	ck_assert_ptr_ne(now, &base);
	ck_assert_int_eq(now->batch_size, 500);
	ck_assert_str_eq(now->sign_key, "page-key");
	ck_assert_str_eq(now->vendor_url, "https://v.example");
	ck_assert_int_eq(base.batch_size, 10000);	/* the base stays */
	ck_assert_str_eq(base.sign_key, "file-key");
	ck_assert_ptr_eq(settings_live_refresh(&live, db), now);

	ck_assert_int_eq(settings_history(db, 50, &h, &nh), 0);
	ck_assert_uint_eq(nh, 3);
	for (i = 0; i < nh; i++)
		if (strcmp(h[i].key, "sign_key") == 0) {
			ck_assert_str_eq(h[i].change, "replaced");
			ck_assert_ptr_null(h[i].old_value);
			ck_assert_ptr_null(h[i].new_value);
		} else
			ck_assert_ptr_nonnull(h[i].new_value);
	settings_history_free(h, nh);
	ck_assert_int_eq(count("SELECT count(*) FROM audit WHERE action ="
	    " 'settings.changed' AND instr(details, 'file-key') = 0 AND"
	    " instr(details, 'page-key') = 0 AND json_extract(details,"
	    " '$.sign_key') = 'replaced' AND json_extract(details,"
	    " '$.batch_size.new') = '500'"), 1);
	settings_live_free(&live);
}
END_TEST

/* A server worker: after its first request the version comes with the
 * session, and the settings handed out before it are brought up to it in
 * place; a request without a session asks for the version itself. */
START_TEST(test_settle_with_session)
{
	static const char *const change[] = { "batch_size", "700", NULL };
	struct setting_edit	 e[32];
	char			*owned[32], tok[TOKEN_HEX];
	struct settings_live	 live;
	struct session		 s;
	struct config		 next;
	const struct config	*first, *now;
	int64_t			 uid;
	size_t			 n;
	int			 changed;

	ck_assert_int_eq(store_user_insert(db, "carol", ROLE_ADMIN, "x", 0,
	    &uid), 0);
	ck_assert_int_eq(session_create(db, uid, "127.0.0.1", "ua", 1000, tok),
	    0);
	settings_live_init(&live, &base);
	/* The first request looks itself; its settle finds nothing to do. */
	first = settings_live_refresh(&live, db);
	ck_assert_ptr_eq(first, &base);
	settings_live_settle(db, -1);

	/* From now on refresh waits: the file's, in a copy of its own. */
	now = settings_live_refresh(&live, db);
	ck_assert_ptr_ne(now, &base);
	ck_assert_int_eq(now->batch_size, 10000);
	ck_assert_int_eq(session_lookup(db, tok, 1000, 1800, 43200, &s),
	    SESSION_OK);
	ck_assert_int_eq(s.settings_version, 0);
	settings_live_settle(db, s.settings_version);
	session_clear(&s);
	ck_assert_int_eq(now->batch_size, 10000);

	/* Another host changes a setting. */
	n = form(now, e, owned, change);
	ck_assert_int_eq(settings_check(now, e, n, &next), 0);
	form_free(owned, n);
	ck_assert_int_eq(settings_save(db, &alice, now, &next, &changed),
	    SETTINGS_OK);
	config_free(&next);

	/* The next request: the same pointer, up to date once settled with
	 * the version its session statement read. */
	ck_assert_ptr_eq(settings_live_refresh(&live, db), now);
	ck_assert_int_eq(session_lookup(db, tok, 1001, 1800, 43200, &s),
	    SESSION_OK);
	ck_assert_int_eq(s.settings_version, 1);
	settings_live_settle(db, s.settings_version);
	session_clear(&s);
	ck_assert_int_eq(now->batch_size, 700);

	/* A request without a session: the version is asked for alone. */
	n = form(now, e, owned, (const char *const[]){ "batch_size", "800",
	    NULL });
	ck_assert_int_eq(settings_check(now, e, n, &next), 0);
	form_free(owned, n);
	ck_assert_int_eq(settings_save(db, &alice, now, &next, &changed),
	    SETTINGS_OK);
	config_free(&next);
	ck_assert_ptr_eq(settings_live_refresh(&live, db), now);
	settings_live_settle(db, -1);
	ck_assert_int_eq(now->batch_size, 800);
	ck_assert_int_eq(base.batch_size, 10000);
	settings_live_free(&live);
}
END_TEST

/* A secret left empty or typed as blanks keeps its value; 清除 empties it
 * unless a rule across keys needs it. */
START_TEST(test_secrets)
{
	static const char *const blanks[] = { "sign_key", "   ", NULL };
	static const char *const aes[] = { "phone_encryption", "aes-128-ecb",
	    "phone_key", "000102030405060708090a0b0c0d0e0f", NULL };
	static const char *const none[] = { NULL };
	struct setting_edit	 e[32];
	char			*owned[32];
	struct config		 next, cur;
	size_t			 n, i;

	n = form(&base, e, owned, blanks);
	ck_assert_int_eq(settings_check(&base, e, n, &next), 0);
	ck_assert_str_eq(next.sign_key, "file-key");
	config_free(&next);
	form_free(owned, n);

	n = form(&base, e, owned, aes);
	ck_assert_int_eq(settings_check(&base, e, n, &cur), 0);
	form_free(owned, n);
	n = form(&cur, e, owned, none);
	for (i = 0; i < n; i++)
		e[i].clear = strcmp(e[i].key, "phone_key") == 0;
	ck_assert_int_eq(settings_check(&cur, e, n, &next), 1);
	for (i = 0; i < n; i++)
		if (e[i].bad)
			ck_assert_str_eq(e[i].key, "phone_key");
	form_free(owned, n);
	config_free(&cur);
}
END_TEST

static Suite *
settings_suite(void)
{
	Suite	*s = suite_create("settings");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_save_and_follow);
	tcase_add_test(tc, test_settle_with_session);
	tcase_add_test(tc, test_secrets);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(settings_suite());
}
