/* check_phone.c: what phone_normalise() accepts, what it refuses and why,
 * and how numbers are masked on screen. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "phone.h"
#include "unit.h"

#define MOB	PHONE_OK_MOBILE
#define ENC	PHONE_OK_ENCRYPTED

static const struct {
	const char		*in;
	enum phone_status	 want;
	const char		*out;	/* "" when invalid */
} cases[] = {
	/* plain and grouped the way people write them */
	{ "13500000001", MOB, "13500000001" },
	{ "19912345678", MOB, "19912345678" },
	{ "16600000000", MOB, "16600000000" },
	{ "  13500000001  ", MOB, "13500000001" },
	{ "\t13500000001\t", MOB, "13500000001" },
	{ "135 0000 0001", MOB, "13500000001" },
	{ "135-0000-0001", MOB, "13500000001" },
	{ "135.0000.0001", MOB, "13500000001" },
	{ "(135)00000001", MOB, "13500000001" },
	{ "135 - 0000 - 0001", MOB, "13500000001" },
	{ "135\xe3\x80\x80" "0000\xe3\x80\x80" "0001", MOB, "13500000001" },	/* U+3000 */
	{ "\xe3\x80\x80" "13500000001\xe3\x80\x80", MOB, "13500000001" },
	{ "135\xc2\xa0" "0000\xc2\xa0" "0001", MOB, "13500000001" },	/* no-break space */
	{ "\xef\xbb\xbf" "13500000001", MOB, "13500000001" },	/* stray BOM */
	{ "135\xe2\x80\x94" "0000\xe2\x80\x94" "0001", MOB, "13500000001" },	/* em dash */
	{ "13500000001\r\n", MOB, "13500000001" },
	/* full-width digits and punctuation */
	{ "１３５０００００００１", MOB, "13500000001" },
	{ "１３５－００００－０００１", MOB, "13500000001" },
	{ "（１３５）０００００００１", MOB, "13500000001" },
	{ "135０000０001", MOB, "13500000001" },
	{ "＋８６１３５０００００００１", MOB, "13500000001" },
	/* country code */
	{ "+8613500000001", MOB, "13500000001" },
	{ "+86 135 0000 0001", MOB, "13500000001" },
	{ "+86-13500000001", MOB, "13500000001" },
	{ "(+86)13500000001", MOB, "13500000001" },
	{ "008613500000001", MOB, "13500000001" },
	{ "0086 13500000001", MOB, "13500000001" },
	{ "0086-135-0000-0001", MOB, "13500000001" },
	{ "8613500000001", MOB, "13500000001" },
	{ "86 135 0000 0001", MOB, "13500000001" },
	{ "+8613500001", PHONE_TOO_SHORT, "" },
	{ "+86135000000011", PHONE_TOO_LONG, "" },
	{ "+14155551234", PHONE_NOT_MOBILE, "" },
	{ "+", PHONE_BAD_CHARS, "" },
	{ "135+00000001", PHONE_BAD_CHARS, "" },
	{ "++8613500000001", PHONE_BAD_CHARS, "" },
	{ "861350000000", PHONE_TOO_LONG, "" },	/* 12 digits: 86 not removed */
	{ "8601012345678", PHONE_NOT_MOBILE, "" },	/* 86 + a landline */
	/* numbers Excel has been at */
	{ "13500000001.0", MOB, "13500000001" },
	{ "13500000001.00", MOB, "13500000001" },
	{ "13500000001.", MOB, "13500000001" },
	{ "13500000001.01", PHONE_TOO_LONG, "" },	/* fraction is not zeros: dot is a separator */
	{ "1.35E+10", PHONE_SCIENTIFIC, "" },
	{ "1.35e10", PHONE_SCIENTIFIC, "" },
	{ "1.3500000001E+10", PHONE_SCIENTIFIC, "" },
	{ "1.35E10", PHONE_SCIENTIFIC, "" },
	{ "1E+10", PHONE_SCIENTIFIC, "" },
	{ " 1.35E+10 ", PHONE_SCIENTIFIC, "" },
	{ "１.３５Ｅ＋１０", PHONE_SCIENTIFIC, "" },
	{ "1.35E+", PHONE_BAD_CHARS, "" },
	{ "E+10", PHONE_BAD_CHARS, "" },
	/* empty */
	{ "", PHONE_EMPTY, "" },
	{ "   ", PHONE_EMPTY, "" },
	{ "\xe3\x80\x80", PHONE_EMPTY, "" },
	{ "--", PHONE_EMPTY, "" },
	{ "( )", PHONE_EMPTY, "" },
	/* characters that are not part of a number */
	{ "135abc00001", PHONE_BAD_CHARS, "" },
	{ "tel:13500000001", PHONE_BAD_CHARS, "" },
	{ "13500000001 张三", PHONE_BAD_CHARS, "" },
	{ "13500000001/13500000002", PHONE_BAD_CHARS, "" },
	{ "13500000001;", PHONE_BAD_CHARS, "" },
	{ "135，0000，0001", PHONE_BAD_CHARS, "" },	/* full-width comma */
	{ "135\x01" "00000001", PHONE_BAD_CHARS, "" },
	{ "null", PHONE_BAD_CHARS, "" },
	/* wrong length */
	{ "1350000000", PHONE_TOO_SHORT, "" },
	{ "135", PHONE_TOO_SHORT, "" },
	{ "0", PHONE_TOO_SHORT, "" },
	{ "135000000011", PHONE_TOO_LONG, "" },
	{ "12345678901234567890123456789", PHONE_TOO_LONG, "" },
	{ "0086135000000", PHONE_TOO_SHORT, "" },
	/* eleven digits that are not a mobile number */
	{ "12500000001", PHONE_NOT_MOBILE, "" },
	{ "10086000000", PHONE_NOT_MOBILE, "" },
	{ "23500000001", PHONE_NOT_MOBILE, "" },
	/* landlines and service numbers: their own reason */
	{ "010-12345678", PHONE_LANDLINE, "" },
	{ "01012345678", PHONE_LANDLINE, "" },
	{ "0755 1234 5678", PHONE_LANDLINE, "" },
	{ "(0571)8888888", PHONE_LANDLINE, "" },
	{ "0571-88888888", PHONE_LANDLINE, "" },
	{ "400-123-4567", PHONE_SERVICE, "" },
	{ "800 820 8820", PHONE_SERVICE, "" },
	{ "0012345678", PHONE_TOO_SHORT, "" },	/* 00: not an area code */
	{ "4001234567890", PHONE_TOO_LONG, "" },
	/* encrypted: 32 hex chars, lower-cased, only trimmed */
	{ "1427a04cae36a5b7161c0b04b9206fa4", ENC, "1427a04cae36a5b7161c0b04b9206fa4" },
	{ "1427A04CAE36A5B7161C0B04B9206FA4", ENC, "1427a04cae36a5b7161c0b04b9206fa4" },
	{ " 1427a04cae36a5b7161c0b04b9206fa4 ", ENC, "1427a04cae36a5b7161c0b04b9206fa4" },
	{ "00000000000000000000000000000000", ENC, "00000000000000000000000000000000" },
	{ "1427a04c-ae36a5b7161c0b04b9206fa4", PHONE_BAD_CHARS, "" },
	{ "1427a04cae36a5b7161c0b04b9206fa", PHONE_BAD_CHARS, "" },	/* 31 */
	{ "1427a04cae36a5b7161c0b04b9206fa4b", PHONE_BAD_CHARS, "" },	/* 33 */
	/* not UTF-8 (a GBK cell that escaped conversion, broken bytes) */
	{ "\xd5\xc5\xc8\xfd", PHONE_BAD_UTF8, "" },
	{ "13500000001\xff", PHONE_BAD_UTF8, "" },
	{ "\xc0\xb1" "3500000001", PHONE_BAD_UTF8, "" },	/* overlong '1' */
	{ "\xed\xa0\x80", PHONE_BAD_UTF8, "" },	/* surrogate */
	{ "\xe3\x80", PHONE_BAD_UTF8, "" },	/* truncated */
};

START_TEST(test_normalise)
{
	char			 out[PHONE_NORM_SIZE];
	enum phone_status	 st;

	st = phone_normalise(cases[_i].in, strlen(cases[_i].in), out,
	    sizeof(out));
	ck_assert_msg(st == cases[_i].want, "case %d \"%s\": got %s, want %s",
	    _i, cases[_i].in, phone_reason_code(st),
	    phone_reason_code(cases[_i].want));
	ck_assert_str_eq(out, cases[_i].out);
}
END_TEST

/* The length is the caller's: a NUL is a character, bytes past len are
 * not looked at. */
START_TEST(test_length_not_nul)
{
	char	 out[PHONE_NORM_SIZE];

	ck_assert_int_eq(phone_normalise("13500000001999", 11, out,
	    sizeof(out)), PHONE_OK_MOBILE);
	ck_assert_str_eq(out, "13500000001");
	ck_assert_int_eq(phone_normalise("135\0" "0000001", 11, out,
	    sizeof(out)), PHONE_BAD_CHARS);
	ck_assert_int_eq(phone_normalise(NULL, 0, out, sizeof(out)),
	    PHONE_EMPTY);
}
END_TEST

START_TEST(test_small_out)
{
	char	 out[12];

	/* Still classified, but nothing half-written. */
	ck_assert_int_eq(phone_normalise("13500000001", 11, out, sizeof(out)),
	    PHONE_OK_MOBILE);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(phone_normalise("13500000001", 11, NULL, 0),
	    PHONE_OK_MOBILE);
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;
} masks[] = {
	{ "13500000001", "135****0001" },
	{ "1427a04cae36a5b7161c0b04b9206fa4", "1427…6fa4" },
	{ "", "****" },
	{ "1350000000", "****" },
	{ "abcdefghijk", "****" },
};

START_TEST(test_mask)
{
	char	 out[PHONE_MASK_SIZE];

	phone_mask(masks[_i].in, out, sizeof(out));
	ck_assert_str_eq(out, masks[_i].out);
}
END_TEST

START_TEST(test_mask_truncates)
{
	char	 out[5];

	phone_mask("13500000001", out, sizeof(out));
	ck_assert_str_eq(out, "135*");
	phone_mask(NULL, out, sizeof(out));
	ck_assert_str_eq(out, "****");
}
END_TEST

static int
has_non_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s > 0x7f)
			return 1;
	return 0;
}

/* Every status has both texts, and the ones operators read are Chinese. */
START_TEST(test_reasons)
{
	enum phone_status	 st = (enum phone_status)_i;

	ck_assert_ptr_nonnull(phone_reason_zh(st));
	ck_assert_ptr_nonnull(phone_reason_code(st));
	ck_assert_int_gt(strlen(phone_reason_code(st)), 0);
	ck_assert(has_non_ascii(phone_reason_zh(st)));
}
END_TEST

START_TEST(test_reason_texts)
{
	ck_assert_str_eq(phone_reason_zh(PHONE_EMPTY), "号码为空");
	ck_assert_str_eq(phone_reason_zh(PHONE_SCIENTIFIC),
	    "Excel 科学计数法丢失了位数");
	ck_assert_str_eq(phone_reason_zh(PHONE_BAD_CHARS), "含有非数字字符");
	ck_assert_str_eq(phone_reason_zh(PHONE_TOO_SHORT), "位数不足");
	ck_assert_str_eq(phone_reason_zh(PHONE_TOO_LONG), "位数过多");
	ck_assert_str_eq(phone_reason_zh(PHONE_LANDLINE), "固定电话，不是手机号");
	ck_assert_str_eq(phone_reason_code(PHONE_LANDLINE), "landline");
	ck_assert_str_eq(phone_reason_zh(PHONE_NOT_MOBILE),
	    "不是有效的手机号码");
	ck_assert_str_eq(phone_reason_zh(PHONE_BAD_UTF8),
	    "不是有效的 UTF-8 文本");
	ck_assert_str_eq(phone_reason_code(PHONE__MAX), "unknown");
	ck_assert_str_eq(phone_reason_zh(PHONE__MAX), "未知原因");
	ck_assert(phone_status_ok(PHONE_OK_MOBILE));
	ck_assert(phone_status_ok(PHONE_OK_ENCRYPTED));
	ck_assert(!phone_status_ok(PHONE_EMPTY));
}
END_TEST

static Suite *
phone_suite(void)
{
	Suite	*s = suite_create("phone");
	TCase	*tc = tcase_create("phone");

	tcase_add_loop_test(tc, test_normalise, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_length_not_nul);
	tcase_add_test(tc, test_small_out);
	tcase_add_loop_test(tc, test_mask, 0,
	    (int)(sizeof(masks) / sizeof(masks[0])));
	tcase_add_test(tc, test_mask_truncates);
	tcase_add_loop_test(tc, test_reasons, 0, PHONE__MAX);
	tcase_add_test(tc, test_reason_texts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(phone_suite());
}
