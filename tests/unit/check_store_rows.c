/* check_store_rows.c: what the store's fill functions share (store/rows.h):
 * a row's text columns copied and freed from one table, a list page's id
 * range and parameters, and the audit page that picks one statement per
 * filter shape and direction from its table, each shape and direction
 * against a temporary migrated database. */
#include "autoconf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "db.h"
#include "testdb.h"
#include "store/audit.h"
#include "store/rows.h"
#include "store/settings.h"
#include "unit.h"

static struct db *db;

static void
setup(void)
{
	db = testdb_open();
}

static void
teardown(void)
{
	testdb_close(db);
}

/* A row struct with owned texts around an integer, as the store's are. */
struct owned {
	char	*key;
	int64_t	 at;
	char	*value;
	char	*by;
};

/* STMT_SETTINGS_ALL's columns: key, value, changed_by, changed_at. */
static const struct row_text owned_texts[] = {
	ROW_TEXT(struct owned, key, 0),
	ROW_TEXT(struct owned, value, 1),
	ROW_TEXT(struct owned, by, 2),
};

static int
owned_fill(void *arg, const struct db_row *st)
{
	struct owned	*o = arg;

	o->at = db_col_int(st, 3);
	return row_texts_dup(o, sizeof(*o), st, owned_texts,
	    ROW_TEXTS(owned_texts));
}

START_TEST(texts_dup_and_clear)
{
	struct settings_row s = { "vendor.base_url", "http://127.0.0.1:9",
	    "admin", 1700000000 };
	struct owned	 o;
	struct owned	 zero;

	memset(&zero, 0, sizeof(zero));
	ck_assert_int_eq(store_settings_put(db, &s, 1), 0);
	memset(&o, 0x5a, sizeof(o));
	ck_assert_int_eq(db_one_row_params(db, STMT_SETTINGS_ALL, owned_fill,
	    &o, NULL), 1);
	ck_assert_str_eq(o.key, "vendor.base_url");
	ck_assert_str_eq(o.value, "http://127.0.0.1:9");
	ck_assert_str_eq(o.by, "admin");
	ck_assert_int_eq(o.at, 1700000000);
	/* Copies, not the engine's buffers. */
	ck_assert_ptr_ne(o.key, s.key);
	row_texts_clear(&o, sizeof(o), owned_texts, ROW_TEXTS(owned_texts));
	ck_assert_mem_eq(&o, &zero, sizeof(o));
}
END_TEST

START_TEST(page_range)
{
	static const struct {
		int64_t	 key;
		int	 newer;
		int64_t	 lo, hi;	/* before */
		int64_t	 want_lo, want_hi;
	} cases[] = {
		/* the first page: the range as it is */
		{ 0, 0, 0, INT64_MAX, 0, INT64_MAX },
		{ 0, 1, 0, INT64_MAX, 1, INT64_MAX },
		/* older than key 10: below it */
		{ 10, 0, 0, INT64_MAX, 0, 10 },
		/* newer than key 10: above it */
		{ 10, 1, 0, INT64_MAX, 11, INT64_MAX },
		/* a key outside a date range's ids keeps the range */
		{ 10, 1, 20, 30, 20, 30 },
		{ 40, 0, 20, 30, 20, 30 },
		/* past its far end: nothing is left */
		{ 10, 0, 20, 30, 20, 10 },
		{ 40, 1, 20, 30, 41, 30 },
		{ 25, 0, 20, 30, 20, 25 },
		{ 25, 1, 20, 30, 26, 30 },
	};
	size_t		 i;
	int64_t		 lo, hi;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		lo = cases[i].lo;
		hi = cases[i].hi;
		row_page_range(cases[i].key, cases[i].newer, &lo, &hi);
		ck_assert_msg(lo == cases[i].want_lo && hi == cases[i].want_hi,
		    "case %zu: [%lld, %lld)", i, (long long)lo, (long long)hi);
	}
}
END_TEST

START_TEST(params_add)
{
	struct db_param	 p[5];
	size_t		 n;

	n = row_params_add(p, 0, DB_PARAMS(DB_INT(7), DB_TEXT("a")));
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(p[2].type, DB_P_END);
	n = row_params_add(p, n, DB_PARAMS(DB_INT(9), DB_NULL));
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(p[0].type, DB_P_INT);
	ck_assert_int_eq(p[0].i, 7);
	ck_assert_int_eq(p[1].type, DB_P_TEXT);
	ck_assert_str_eq(p[1].p, "a");
	ck_assert_int_eq(p[2].type, DB_P_INT);
	ck_assert_int_eq(p[2].i, 9);
	ck_assert_int_eq(p[3].type, DB_P_NULL);
	ck_assert_int_eq(p[4].type, DB_P_END);
}
END_TEST

/* The ids a page walk saw, in order. */
struct seen {
	int64_t	 id[16];
	size_t	 n;
};

static int
seen_row(void *arg, const struct audit_row *e)
{
	struct seen	*s = arg;

	if (s->n < 16)
		s->id[s->n++] = e->id;
	return 0;
}

/* The ids of a page as "1,2,3". */
static void
page_ids(const struct audit_filter *f, int64_t key, int newer, char *out,
    size_t outsz)
{
	struct seen	 s = { { 0 }, 0 };
	size_t		 i, len = 0;

	ck_assert_int_eq(store_audit_page(db, f, key, newer, 10, seen_row, &s),
	    0);
	out[0] = '\0';
	for (i = 0; i < s.n; i++)
		len += (size_t)snprintf(out + len, outsz - len, "%s%lld",
		    i > 0 ? "," : "", (long long)s.id[i]);
}

START_TEST(audit_page_shapes)
{
	/* id: actor, action */
	static const struct { const char *actor, *action; } log[] = {
		{ "ann", "login" },	/* 1 */
		{ "bob", "login" },	/* 2 */
		{ "ann", "export" },	/* 3 */
		{ "bob", "export" },	/* 4 */
		{ "ann", "login" },	/* 5 */
		{ "ann", "export" },	/* 6 */
	};
	static const struct {
		const char	*actor, *action;
		int64_t		 key;
		int		 newer;
		const char	*want;
	} cases[] = {
		{ NULL, NULL, 0, 0, "6,5,4,3,2,1" },
		{ NULL, NULL, 4, 0, "3,2,1" },
		{ NULL, NULL, 4, 1, "5,6" },
		{ "ann", NULL, 0, 0, "6,5,3,1" },
		{ "ann", NULL, 5, 0, "3,1" },
		{ "ann", NULL, 1, 1, "3,5,6" },
		{ NULL, "export", 0, 0, "6,4,3" },
		{ NULL, "export", 4, 0, "3" },
		{ NULL, "export", 3, 1, "4,6" },
		{ "ann", "login", 0, 0, "5,1" },
		{ "ann", "login", 5, 0, "1" },
		{ "ann", "login", 1, 1, "5" },
		{ "bob", "export", 0, 1, "4" },
	};
	struct audit_row e;
	char		 ts[32], got[128], prev[65], hash[65];
	size_t		 i;

	for (i = 0; i < sizeof(log) / sizeof(log[0]); i++) {
		memset(&e, 0, sizeof(e));
		snprintf(ts, sizeof(ts), "2026-12-01T10:00:0%zu.000Z", i);
		e.id = (int64_t)i + 1;
		e.ts = ts;
		e.actor = log[i].actor;
		e.addr = "127.0.0.1";
		e.user_agent = "check";
		e.action = log[i].action;
		e.object = "";
		e.details = "";
		/* The chain's trigger wants the next id and the newest hash. */
		if (i == 0)
			snprintf(prev, sizeof(prev), "%064d", 0);
		else
			snprintf(prev, sizeof(prev), "h%zu", i);
		snprintf(hash, sizeof(hash), "h%zu", i + 1);
		e.prev_hash = prev;
		e.hash = hash;
		ck_assert_int_eq(store_audit_insert(db, &e), 0);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct audit_filter f = { cases[i].actor, cases[i].action,
		    NULL, NULL };

		page_ids(&f, cases[i].key, cases[i].newer, got, sizeof(got));
		ck_assert_msg(strcmp(got, cases[i].want) == 0,
		    "case %zu: got %s, want %s", i, got, cases[i].want);
	}
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("store_rows");
	TCase	*tc = tcase_create("rows");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, texts_dup_and_clear);
	tcase_add_test(tc, page_range);
	tcase_add_test(tc, params_add);
	tcase_add_test(tc, audit_page_shapes);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
