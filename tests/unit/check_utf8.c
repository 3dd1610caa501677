/* check_utf8.c: what counts as well-formed text from outside. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "utf8.h"
#include "unit.h"

static const struct {
	const char	*in;
	size_t		 len;
	int		 valid;
	int		 control;
} cases[] = {
	{ "", 0, 1, 0 },
	{ "abc", 3, 1, 0 },
	{ "张三", 6, 1, 0 },
	{ "tab\there", 8, 1, 0 },
	{ "line\nbreak", 10, 1, 0 },
	{ "bell\a", 5, 1, 1 },
	{ "del\x7f", 4, 1, 1 },
	{ "nul\0x", 5, 0, 1 },
	{ "\xc0\xaf", 2, 0, 0 },		/* overlong '/' */
	{ "\xe0\x80\xaf", 3, 0, 0 },		/* overlong */
	{ "\xed\xa0\x80", 3, 0, 0 },		/* surrogate */
	{ "\xf4\x90\x80\x80", 4, 0, 0 },	/* past U+10FFFF */
	{ "\xf0\x9f\x98\x80", 4, 1, 0 },	/* emoji */
	{ "\xe5\xbc", 2, 0, 0 },		/* cut short */
	{ "\x80", 1, 0, 0 },			/* lone continuation */
	{ "\xff", 1, 0, 0 },
	{ "\xc2\xa0", 2, 1, 0 },		/* no-break space */
	{ "\xef\xbb\xbf" "x", 4, 1, 0 },	/* BOM */
};

START_TEST(test_valid)
{
	ck_assert_msg(utf8_valid(cases[_i].in, cases[_i].len) ==
	    cases[_i].valid, "case %d", _i);
	ck_assert_msg(utf8_has_control(cases[_i].in, cases[_i].len) ==
	    cases[_i].control, "case %d control", _i);
}
END_TEST

static const struct {
	const char	*in;
	size_t		 max;
	size_t		 prefix;
	size_t		 length;
} cuts[] = {
	{ "abc", 2, 2, 3 },
	{ "张三李四", 2, 6, 4 },
	{ "a张", 1, 1, 2 },
	{ "a张", 5, 4, 2 },
	{ "", 3, 0, 0 },
};

START_TEST(test_prefix)
{
	size_t len = strlen(cuts[_i].in);

	ck_assert_uint_eq(utf8_prefix(cuts[_i].in, len, cuts[_i].max),
	    cuts[_i].prefix);
	ck_assert_uint_eq(utf8_length(cuts[_i].in, len), cuts[_i].length);
}
END_TEST

static const struct {
	const char	*in;
	size_t		 len;
	size_t		 max;
	const char	*out;
} sanitized[] = {
	{ "abc", 3, 10, "abc" },
	{ "abc", 3, 2, "ab" },
	{ "\xff\xfe", 2, 10, "\xef\xbf\xbd\xef\xbf\xbd" },
	{ "a\xc3", 2, 10, "a\xef\xbf\xbd" },	/* cut short */
	{ "张三", 6, 4, "张" },			/* no half character */
	{ "张三", 6, 2, "" },
	{ "a\0b", 3, 10, "a\xef\xbf\xbd" "b" },	/* NUL is not text */
	{ "\xed\xa0\x80", 3, 20,
	  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },	/* surrogate */
};

START_TEST(test_sanitize)
{
	char	*got = utf8_sanitize(sanitized[_i].in, sanitized[_i].len,
	    sanitized[_i].max);

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, sanitized[_i].out) == 0, "case %d", _i);
	ck_assert(utf8_valid(got, strlen(got)));
	ck_assert_uint_le(strlen(got), sanitized[_i].max);
	free(got);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("utf8");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_valid, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, test_prefix, 0, sizeof(cuts) / sizeof(cuts[0]));
	tcase_add_loop_test(tc, test_sanitize, 0,
	    sizeof(sanitized) / sizeof(sanitized[0]));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
