/* check_chart.c: chart_pct writes what "%.1f%%" writes of the share, for
 * every part of every whole up to 400, at the ties and for wholes and
 * parts of up to ten digits; "—" of nothing. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "chart.h"
#include "unit.h"

/* What printf writes of part in whole. */
static void
printf_pct(int64_t part, int64_t whole, char out[32])
{
	snprintf(out, 32, "%.1f%%", 100.0 * (double)part / (double)whole);
}

static void
same(int64_t part, int64_t whole)
{
	char	 got[16], want[32];

	chart_pct(part, whole, got);
	printf_pct(part, whole, want);
	ck_assert_msg(strcmp(got, want) == 0, "%lld of %lld: '%s', printf '%s'",
	    (long long)part, (long long)whole, got, want);
}

START_TEST(test_small)
{
	int64_t	 w, p;

	for (w = 1; w <= 400; w++)
		for (p = 0; p <= w + 3; p++)
			same(p, w);
}
END_TEST

START_TEST(test_ties)
{
	/* 1/8 = 12.5 %, 1/16 = 6.25 %, 1/80 = 1.25 %: exact ties in tenths. */
	same(1, 16);
	same(1, 80);
	same(3, 80);
	same(1, 2000);
	same(5, 400);
	same(1, 8);
}
END_TEST

START_TEST(test_large)
{
	uint64_t x = 88172645463325252ULL;
	int	 i;
	int64_t	 w, p;

	for (i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w = (int64_t)(x % 9999999999ULL) + 1;
		p = (int64_t)((x >> 20) % (uint64_t)w);
		same(p, w);
		same(w / 3, w);
	}
	same(123456789012LL, 123456789013LL);
	same(7, 1);
	same(9999999LL, 1);
}
END_TEST

START_TEST(test_none)
{
	char	 got[16];

	chart_pct(5, 0, got);
	ck_assert_str_eq(got, "—");
	chart_pct(0, -3, got);
	ck_assert_str_eq(got, "—");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("chart");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_small);
	tcase_add_test(tc, test_ties);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_none);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
