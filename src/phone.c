/* phone.c: phone cell normalisation and masking (rules in phone.h). */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "phone.h"
#include "utf8.h"

/* What fold() makes of a character that is neither ASCII nor one of the
 * look-alikes we accept; never equal to a char we test for. */
#define CH_OTHER	0x100
#define CH_BADUTF8	0x101

/* Mainland numbers have 11 digits; a few more are kept so that the
 * prefix rules can look at them; the rest are only counted. */
#define DIGITS_KEPT	24

static const struct {
	const char	*zh;
	const char	*code;
} reasons[PHONE__MAX] = {
	{ "有效的手机号码", "ok_mobile" },		/* PHONE_OK_MOBILE */
	{ "已加密的号码", "ok_encrypted" },		/* PHONE_OK_ENCRYPTED */
	{ "号码为空", "empty" },			/* PHONE_EMPTY */
	{ "Excel 科学计数法丢失了位数", "scientific" },	/* PHONE_SCIENTIFIC */
	{ "含有非数字字符", "bad_chars" },		/* PHONE_BAD_CHARS */
	{ "位数不足", "too_short" },			/* PHONE_TOO_SHORT */
	{ "位数过多", "too_long" },			/* PHONE_TOO_LONG */
	{ "不是有效的手机号码", "not_mobile" },	/* PHONE_NOT_MOBILE */
	{ "不是有效的 UTF-8 文本", "bad_utf8" },	/* PHONE_BAD_UTF8 */
	{ "固定电话，不是手机号", "landline" },	/* PHONE_LANDLINE */
	{ "400/800 客服号码，不是手机号", "service" },	/* PHONE_SERVICE */
};

/*
 * Decode one UTF-8 sequence at *p (advancing it) and fold it to the ASCII
 * character it stands for: full-width forms U+FF01..U+FF5E become their
 * ASCII twins (０ → 0, （ → (, － → -), the spaces people paste from web
 * pages and Word (U+3000, U+00A0, U+200B, U+FEFF) become ' ', dashes
 * U+2010..U+2015 and U+2212 become '-'. Control characters other than
 * tab, CR and LF, and everything else, are CH_OTHER. Invalid UTF-8
 * (overlong, surrogate, truncated, beyond U+10FFFF) is CH_BADUTF8.
 */
static int
fold_next(const unsigned char **p, const unsigned char *end)
{
	const unsigned char	*s = *p;
	unsigned long		 cp, min;
	size_t			 n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		if (s[0] < 0x20 && s[0] != '\t' && s[0] != '\r' &&
		    s[0] != '\n')
			return CH_OTHER;
		return s[0] == 0x7f ? CH_OTHER : s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		*p = s + 1;
		return CH_BADUTF8;
	}
	if ((size_t)(end - s) < n) {
		*p = end;
		return CH_BADUTF8;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + i;
			return CH_BADUTF8;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*p = s + n;
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return CH_BADUTF8;
	if (cp >= 0xff01 && cp <= 0xff5e)
		return (int)(cp - 0xfee0);
	if (cp == 0x3000 || cp == 0x00a0 || cp == 0x200b || cp == 0xfeff)
		return ' ';
	if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212)
		return '-';
	return CH_OTHER;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Removed wherever they appear: people group digits with them. */
static int
is_separator(int c)
{
	return is_space(c) || c == '-' || c == '.' || c == '(' || c == ')';
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* [+-]digits[.digits](e|E)[+-]digits: what Excel shows for a long number
 * in a General cell, and what it writes to CSV. */
static int
is_scientific(const unsigned char *p, const unsigned char *end)
{
	int	 c, mantissa = 0, exponent = 0;

	c = p < end ? fold_next(&p, end) : 0;
	if (c == '+' || c == '-')
		c = p < end ? fold_next(&p, end) : 0;
	for (; is_digit(c); c = p < end ? fold_next(&p, end) : 0)
		mantissa++;
	if (c == '.')
		for (c = p < end ? fold_next(&p, end) : 0; is_digit(c);
		    c = p < end ? fold_next(&p, end) : 0)
			mantissa++;
	if (mantissa == 0 || (c != 'e' && c != 'E'))
		return 0;
	c = p < end ? fold_next(&p, end) : 0;
	if (c == '+' || c == '-')
		c = p < end ? fold_next(&p, end) : 0;
	for (; is_digit(c); c = p < end ? fold_next(&p, end) : 0)
		exponent++;
	return exponent > 0 && c == 0 && p == end;
}

/* digits '.' zeros: a number cell Excel wrote with a fraction. Returns the
 * number of bytes of the integer part (all ASCII or full-width digits), 0
 * when the text is not of that form. */
static size_t
excel_integer(const unsigned char *start, const unsigned char *end)
{
	const unsigned char	*p = start, *dot = NULL;
	int			 c, intdigits = 0, zeros = 0;

	while (p < end) {
		const unsigned char *at = p;

		c = fold_next(&p, end);
		if (is_digit(c) && dot == NULL)
			intdigits++;
		else if (c == '0' && dot != NULL)
			zeros++;
		else if (c == '.' && dot == NULL && intdigits > 0)
			dot = at;
		else
			return 0;
	}
	return dot != NULL && zeros > 0 ? (size_t)(dot - start) : 0;
}

enum phone_status
phone_normalise(const char *in, size_t len, char *out, size_t outsz)
{
	const unsigned char	*p = (const unsigned char *)in;
	const unsigned char	*end = p + len, *first = NULL, *last = NULL;
	char			 d[DIGITS_KEPT];
	size_t			 ndig = 0, skip = 0, intlen, i;
	int			 c, plus = 0;

	if (out != NULL && outsz > 0)
		out[0] = '\0';

	/* Validate the whole cell and find it without surrounding spaces. */
	while (p < end) {
		const unsigned char *at = p;

		c = fold_next(&p, end);
		if (c == CH_BADUTF8)
			return PHONE_BAD_UTF8;
		if (!is_space(c)) {
			if (first == NULL)
				first = at;
			last = p;
		}
	}
	if (first == NULL)
		return PHONE_EMPTY;

	/* Encrypted numbers are opaque: no other clean-up applies. */
	if (last - first == PHONE_NORM_SIZE - 1) {
		for (p = first; p < last && is_hex(*p); p++)
			continue;
		if (p == last) {
			if (out == NULL || outsz < PHONE_NORM_SIZE)
				return PHONE_OK_ENCRYPTED;
			for (i = 0; i < PHONE_NORM_SIZE - 1; i++)
				out[i] = (first[i] >= 'A' && first[i] <= 'F') ?
				    (char)(first[i] - 'A' + 'a') : (char)first[i];
			out[i] = '\0';
			return PHONE_OK_ENCRYPTED;
		}
	}

	if (is_scientific(first, last))
		return PHONE_SCIENTIFIC;
	if ((intlen = excel_integer(first, last)) > 0)
		last = first + intlen;

	for (p = first; p < last; ) {
		c = fold_next(&p, last);
		if (is_digit(c)) {
			if (ndig < sizeof(d))
				d[ndig] = (char)c;
			ndig++;
		} else if (c == '+' && ndig == 0 && !plus)
			plus = 1;
		else if (!is_separator(c))
			return PHONE_BAD_CHARS;
	}
	if (ndig == 0)
		return plus ? PHONE_BAD_CHARS : PHONE_EMPTY;

	/* Country code: +86 and 0086 are unambiguous, bare 86 only when a
	 * whole mobile number follows it. Another +code is not ours. */
	if (plus) {
		if (ndig < 2 || d[0] != '8' || d[1] != '6')
			return PHONE_NOT_MOBILE;
		skip = 2;
	} else if (ndig > 4 && memcmp(d, "0086", 4) == 0)
		skip = 4;
	else if (ndig == 13 && d[0] == '8' && d[1] == '6')
		skip = 2;
	ndig -= skip;

	/* Landlines are 0, a 2-3 digit area code (010, 0755) and a 7-8
	 * digit number; service numbers 400 or 800 and 7 digits. Said so,
	 * not "too long", so that the operator knows what the row is. */
	if (skip == 0 && ndig >= 10 && ndig <= 12 && d[0] == '0' &&
	    d[1] != '0')
		return PHONE_LANDLINE;
	if (skip == 0 && ndig == 10 && (memcmp(d, "400", 3) == 0 ||
	    memcmp(d, "800", 3) == 0))
		return PHONE_SERVICE;
	if (ndig < 11)
		return PHONE_TOO_SHORT;
	if (ndig > 11)
		return PHONE_TOO_LONG;
	if (d[skip] != '1' || d[skip + 1] < '3')
		return PHONE_NOT_MOBILE;
	if (out != NULL && outsz >= PHONE_NORM_SIZE) {
		memcpy(out, d + skip, 11);
		out[11] = '\0';
	}
	return PHONE_OK_MOBILE;
}

const char *
phone_reason_zh(enum phone_status st)
{
	if ((unsigned)st >= PHONE__MAX)
		return "未知原因";
	return reasons[st].zh;
}

const char *
phone_reason_code(enum phone_status st)
{
	if ((unsigned)st >= PHONE__MAX)
		return "unknown";
	return reasons[st].code;
}

void
phone_mask(const char *s, char *out, size_t outsz)
{
	size_t	 n, i;

	if (out == NULL || outsz == 0)
		return;
	n = s == NULL ? 0 : strlen(s);
	for (i = 0; i < n && (n == 11 ? is_digit(s[i]) : is_hex(s[i])); i++)
		continue;
	if (n == 11 && i == n)
		snprintf(out, outsz, "%.3s****%s", s, s + 7);
	else if (n == PHONE_NORM_SIZE - 1 && i == n)
		snprintf(out, outsz, "%.4s…%s", s, s + n - 4);
	else
		snprintf(out, outsz, "****");
}

void
phone_mask_cell(const char *v, char *out, size_t outsz)
{
	size_t	 len = v == NULL ? 0 : strlen(v);

	if (out == NULL || outsz == 0)
		return;
	if (len == 11 || len == PHONE_NORM_SIZE - 1) {
		phone_mask(v, out, outsz);
		return;
	}
	if (len < 7) {
		snprintf(out, outsz, "%s", len > 0 ? v : "");
		return;
	}
	/* Only the ends show; a cut inside a character (the text may be
	 * Chinese) shows nothing. */
	snprintf(out, outsz, "%.3s****%s", v, v + len - 2);
	if (!utf8_valid(out, strlen(out)))
		snprintf(out, outsz, "****");
}
