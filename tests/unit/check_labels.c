/* check_labels.c: the look-ups of the list pages: an action's index and
 * label by binary search over audit_actions[], texts by key (ui_text_find)
 * whatever order a table is written in, the pager's row counting, and the
 * local times of rows (ui_time with its kept offset) as strftime writes
 * them, across zones and their changes. */
#include "autoconf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "audit.h"
#include "tmpl.h"
#include "ui.h"
#include "unit.h"

START_TEST(test_every_action)
{
	size_t	 i, n = audit_actions_count();

	ck_assert_uint_gt(n, 20);
	ck_assert_ptr_null(audit_actions[n].action);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(audit_action_index(audit_actions[i].action),
		    (int)i);
		ck_assert_str_eq(audit_action_label(audit_actions[i].action),
		    audit_actions[i].label);
	}
}
END_TEST

static const char *const not_actions[] = { "", "login", "login.ok.", "a",
    "zzz", "Login.ok", "dnc.added2", "audit.keye" };

START_TEST(test_not_an_action)
{
	ck_assert_int_eq(audit_action_index(not_actions[_i]), -1);
	ck_assert_str_eq(audit_action_label(not_actions[_i]), not_actions[_i]);
}
END_TEST

START_TEST(test_null_action)
{
	ck_assert_int_eq(audit_action_index(NULL), -1);
}
END_TEST

/* Written in no order, as a page's table reads best. */
static struct ui_text texts[] = {
	{ "task", "任务" },
	{ "batch", "批次" },
	{ "zeta", "Z" },
	{ "alpha", "A" },
	{ "batch_size", "每批号码数" },
	{ "b", "B" },
};

START_TEST(test_texts)
{
	struct ui_texts	 tt = UI_TEXTS(texts);

	ck_assert_uint_eq(tt.n, 6);
	ck_assert_str_eq(ui_text_find(&tt, "task"), "任务");
	ck_assert_str_eq(ui_text_find(&tt, "batch"), "批次");
	ck_assert_str_eq(ui_text_find(&tt, "batch_size"), "每批号码数");
	ck_assert_str_eq(ui_text_find(&tt, "alpha"), "A");
	ck_assert_str_eq(ui_text_find(&tt, "zeta"), "Z");
	ck_assert_str_eq(ui_text_find(&tt, "b"), "B");
	ck_assert_ptr_null(ui_text_find(&tt, "batc"));
	ck_assert_ptr_null(ui_text_find(&tt, "zzz"));
	ck_assert_ptr_null(ui_text_find(&tt, ""));
	ck_assert_ptr_null(ui_text_find(&tt, NULL));
	/* Found again once sorted. */
	ck_assert_int_eq(tt.sorted, 1);
	ck_assert_str_eq(ui_text_find(&tt, "task"), "任务");
}
END_TEST

START_TEST(test_list_take)
{
	struct ui_list	 l = { NULL, 0, 0, 0 };
	int64_t		 id;

	for (id = 100; id > 97; id--)
		ck_assert_int_eq(ui_list_take(&l, id, 2), id > 98);
	ck_assert_int_eq(l.n, 3);
	ck_assert_int_eq(l.first, 100);
	ck_assert_int_eq(l.last, 99);
}
END_TEST

START_TEST(test_upward)
{
	struct ui_upward u = { 0, 0, 3 };
	int64_t		 id;

	for (id = 11; id <= 14; id++)
		ui_upward_add(&u, id);
	ck_assert_int_eq(u.n, 4);
	ck_assert_int_eq(u.top, 13);
}
END_TEST

/* Zones with changes of an hour, of half an hour (Lord Howe), none, and
 * a negative offset; each test runs in its own process (CK_FORK), since
 * ui_time keeps the offset of a day and a process never changes zone. */
static const char *const zones[] = { "Asia/Shanghai", "America/New_York",
    "Australia/Lord_Howe", "Europe/London", "UTC", "Asia/Kolkata" };

START_TEST(test_times)
{
	char		 want[32], got[32], utc[40];
	struct tm	 tm;
	time_t		 t;
	int64_t		 i;

	setenv("TZ", zones[_i], 1);
	tzset();
	/* 2026 and 2027, every 17 minutes and 13 seconds: through every
	 * change of these zones, rows of one day after another. */
	for (i = 0, t = 1767225600; i < 2 * 365 * 84; i++, t += 17 * 60 + 13) {
		ck_assert_ptr_nonnull(localtime_r(&t, &tm));
		strftime(want, sizeof(want), "%Y-%m-%d %H:%M:%S", &tm);
		ui_time((int64_t)t, got);
		ck_assert_msg(strcmp(got, want) == 0, "%s at %lld: %s, not %s",
		    zones[_i], (long long)t, got, want);
		ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
		strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%S.123Z", &tm);
		ui_time_utc_text(utc, got);
		ck_assert_msg(strcmp(got, want) == 0, "%s: %s, not %s", utc,
		    got, want);
	}
	/* Not the audit's format: as strptime reads it, or as it came. */
	ui_time_utc_text("2026-1-5T01:02:03", got);
	ck_assert_ptr_nonnull(strchr(got, ' '));
	ui_time_utc_text("not a time", got);
	ck_assert_str_eq(got, "not a time");
	ui_time_utc_text("2026-13-05T01:02:03.000Z", got);
	ck_assert_str_eq(got, "2026-13-05T01:02:03.000Z");
}
END_TEST

static const long long ints[] = { 0, 7, -1, 10, -10, 99, 100, 2026,
    1234567890123LL, -987654321LL, LLONG_MAX, LLONG_MIN };

START_TEST(test_int_text)
{
	char	 got[24], want[24];
	size_t	 n = tmpl_int_text(ints[_i], got);

	snprintf(want, sizeof(want), "%lld", ints[_i]);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(n, strlen(want));
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite	*s = suite_create("labels");
	TCase	*tc = tcase_create("lookups");

	tcase_add_test(tc, test_every_action);
	tcase_add_loop_test(tc, test_not_an_action, 0, NELEM(not_actions));
	tcase_add_test(tc, test_null_action);
	tcase_add_test(tc, test_texts);
	tcase_add_test(tc, test_list_take);
	tcase_add_test(tc, test_upward);
	tcase_add_loop_test(tc, test_int_text, 0, NELEM(ints));
	suite_add_tcase(s, tc);
	tc = tcase_create("times");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_times, 0, NELEM(zones));
	suite_add_tcase(s, tc);
	return unit_run_forked(s);
}
