/* check_form.c: what the request input parsers of src/form.c must make of
 * query strings, Cookie headers, Content-Types and multipart bodies. */
#include "autoconf.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/form.h"
#include "unit.h"

/*
 * What a parser reported, written out as text so that a table can say
 * what is expected. Control bytes, DEL and '\' are written \xNN; so are
 * the characters given in `also`, where they would be ambiguous.
 */
struct out {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
out_raw(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->p = realloc(o->p, o->cap);
		ck_assert_ptr_nonnull(o->p);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
out_str(struct out *o, const char *s)
{
	out_raw(o, s, strlen(s));
}

static void
out_esc(struct out *o, const char *s, size_t n, const char *also)
{
	char		 hex[5];
	unsigned char	 c;
	size_t		 i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\' ||
		    (c != '\0' && strchr(also, c) != NULL)) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			out_raw(o, hex, 4);
		} else
			out_raw(o, s + i, 1);
	}
}

/* The text so far; "" when nothing was reported. */
static const char *
out_text(const struct out *o)
{
	return o->p != NULL ? o->p : "";
}

static void
out_reset(struct out *o)
{
	free(o->p);
	memset(o, 0, sizeof(*o));
}

/* form_pair_cb: "key=value|" per pair. Also proves the promised NUL after
 * key and value. */
static int
pair_cb(void *arg, const char *key, size_t keylen, const char *val,
    size_t vallen)
{
	struct out	*o = arg;

	ck_assert_int_eq(key[keylen], '\0');
	ck_assert_int_eq(val[vallen], '\0');
	out_esc(o, key, keylen, "=|");
	out_str(o, "=");
	out_esc(o, val, vallen, "|");
	out_str(o, "|");
	return 0;
}

/* form_pair_cb that stops at the second pair. */
static int
stop_cb(void *arg, const char *key, size_t keylen, const char *val,
    size_t vallen)
{
	int	*n = arg;

	(void)key;
	(void)keylen;
	(void)val;
	(void)vallen;
	return ++*n == 2;
}

/*
 * form_urlencoded
 */

static const struct {
	const char	*in;
	const char	*want;
} url_valid[] = {
	{ "", "" },
	{ "a", "a=|" },
	{ "a=", "a=|" },
	{ "=b", "" },				/* no name: skipped */
	{ "=", "" },
	{ "a=1", "a=1|" },
	{ "a=1&b=2", "a=1|b=2|" },
	{ "a=1;b=2", "a=1|b=2|" },
	{ "a=1&&b=2", "a=1|b=2|" },
	{ "&&;&", "" },
	{ "a=1&", "a=1|" },
	{ ";a", "a=|" },
	{ "a=1&a=2", "a=1|a=2|" },		/* repeats are all reported */
	{ "a==b", "a==b|" },			/* value "=b" */
	{ "+", " =|" },
	{ "a=b+c", "a=b c|" },
	{ "a=%2B", "a=+|" },
	{ "a=%00b", "a=\\x00b|" },		/* NUL inside a value */
	{ "a%00=1", "a\\x00=1|" },		/* and inside a key */
	{ "a=%41%62%6a%6A", "a=Abjj|" },	/* either case of hex */
	{ "a=%e4%b8%ad%E6%96%87", "a=中文|" },	/* UTF-8 escapes */
	{ "%E5%90%8D=x", "名=x|" },		/* keys are decoded too */
	{ "a%3Db=c", "a\\x3db=c|" },		/* an escaped '=' is data */
	{ "a=%26%3B", "a=&;|" },		/* so are escaped separators */
	{ "a=%2526", "a=%26|" },		/* decoded once only */
	{ "a%20b=c%20d", "a b=c d|" },
	{ "a=b%0D%0A", "a=b\\x0d\\x0a|" },
	{ "a=%ff", "a=\xff|" },			/* bytes, not checked here */
	{ "x=%22%3Cscript%3E", "x=\"<script>|" },
};

START_TEST(test_url_valid)
{
	struct out	 o = { NULL, 0, 0 };

	ck_assert_msg(form_urlencoded(url_valid[_i].in,
	    strlen(url_valid[_i].in), pair_cb, &o) == 0, "%s",
	    url_valid[_i].in);
	ck_assert_str_eq(out_text(&o), url_valid[_i].want);
	out_reset(&o);
}
END_TEST

/* Each of these makes the whole call fail. */
static const char *const url_invalid[] = {
	"%",
	"%4",
	"%zz",
	"a=%",
	"a=%4",
	"a=%G0",
	"a=%0G",
	"a=% 1",
	"a=%+1",
	"%%",
	"a=1&b=%",
	"=%zz",			/* even where the pair would be skipped */
	"a%x=1",
};

START_TEST(test_url_invalid)
{
	struct out	 o = { NULL, 0, 0 };

	ck_assert_msg(form_urlencoded(url_invalid[_i],
	    strlen(url_invalid[_i]), pair_cb, &o) == -1, "%s",
	    url_invalid[_i]);
	out_reset(&o);
}
END_TEST

/* The length bounds the input: nothing past it is read. */
START_TEST(test_url_length)
{
	struct out	 o = { NULL, 0, 0 };
	char		 buf[] = { 'a', '=', '1', '&', 'b', '%' };

	ck_assert_int_eq(form_urlencoded(buf, 3, pair_cb, &o), 0);
	ck_assert_str_eq(out_text(&o), "a=1|");
	ck_assert_int_eq(form_urlencoded(buf, sizeof(buf), pair_cb, &o), -1);
	ck_assert_int_eq(form_urlencoded(NULL, 0, pair_cb, &o), 0);
	out_reset(&o);
}
END_TEST

/* No fixed-size buffer: a 300 KiB key and value come through whole. */
START_TEST(test_url_long)
{
	size_t		 n = 300 * 1024, i;
	char		*in = malloc(2 * n + 1);
	struct out	 o = { NULL, 0, 0 };

	ck_assert_ptr_nonnull(in);
	for (i = 0; i < n; i++)
		in[i] = in[n + 1 + i] = 'a' + (char)(i % 26);
	in[n] = '=';
	ck_assert_int_eq(form_urlencoded(in, 2 * n + 1, pair_cb, &o), 0);
	ck_assert_uint_eq(o.len, 2 * n + 2);
	ck_assert_int_eq(memcmp(o.p, in, 2 * n + 1), 0);
	free(in);
	out_reset(&o);
}
END_TEST

START_TEST(test_url_stop)
{
	int	 n = 0;

	ck_assert_int_eq(form_urlencoded("a=1&b=2&c=3", 11, stop_cb, &n), -1);
	ck_assert_int_eq(n, 2);
}
END_TEST

/*
 * form_cookies
 */

static const struct {
	const char	*in;
	const char	*want;
} cookies[] = {
	{ "", "" },
	{ "a=1", "a=1|" },
	{ "a=1; b=2", "a=1|b=2|" },
	{ "a=1;b=2", "a=1|b=2|" },
	{ "  a = 1 ;\tb=2  ", "a=1|b=2|" },
	{ "a=\"x y\"", "a=x y|" },		/* quotes removed */
	{ "a=\"\"", "a=|" },
	{ "a=\"", "a=\"|" },			/* a lone quote is data */
	{ "a=\"x", "a=\"x|" },
	{ "a=", "a=|" },
	{ "a=%41+b", "a=%41+b|" },		/* no decoding */
	{ "a=b=c", "a=b=c|" },			/* first '=' splits */
	{ "flag; a=1", "a=1|" },		/* no '=': skipped */
	{ "=x; a=1", "a=1|" },			/* no name: skipped */
	{ " =x;a=1", "a=1|" },
	{ "a=1;;; b=2;", "a=1|b=2|" },
	{ "a=1, b=2", "a=1, b=2|" },		/* ',' does not separate */
	{ "sid=abc; sid=def", "sid=abc|sid=def|" },
	{ "名=值", "名=值|" },
};

START_TEST(test_cookies)
{
	struct out	 o = { NULL, 0, 0 };

	ck_assert_int_eq(form_cookies(cookies[_i].in, pair_cb, &o), 0);
	ck_assert_str_eq(out_text(&o), cookies[_i].want);
	out_reset(&o);
}
END_TEST

START_TEST(test_cookies_edge)
{
	int	 n = 0;

	ck_assert_int_eq(form_cookies(NULL, stop_cb, &n), 0);
	ck_assert_int_eq(form_cookies("a=1; b=2; c=3", stop_cb, &n), -1);
	ck_assert_int_eq(n, 2);
}
END_TEST

/*
 * form_boundary
 */

#define B70 "1234567890123456789012345678901234567890" \
	    "123456789012345678901234567890"

static const struct {
	const char	*in;
	const char	*want;		/* NULL: must fail */
} boundaries[] = {
	{ "multipart/form-data; boundary=----abc", "----abc" },
	{ "multipart/form-data; charset=utf-8; boundary=\"a b\"", "a b" },
	{ "Multipart/Form-Data; BOUNDARY=xyz", "xyz" },
	{ "multipart/form-data;boundary=xyz", "xyz" },
	{ "  multipart/form-data ; boundary=xyz ; charset=utf-8", "xyz" },
	{ "multipart/form-data; boundary=xyz;", "xyz" },
	{ "multipart/form-data; boundary=\"a\\\"b\"", "a\"b" },
	{ "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
	  "----WebKitFormBoundary7MA4YWxkTrZu0gW" },
	{ "multipart/form-data; boundary=----=_Part_0_1.2", "----=_Part_0_1.2" },
	{ "multipart/form-data; x=\"q;boundary=bad\"; boundary=good", "good" },
	{ "multipart/form-data; boundary=" B70, B70 },
	{ "", NULL },
	{ "text/plain; boundary=x", NULL },
	{ "multipart/mixed; boundary=x", NULL },
	{ "multipart/form-datax; boundary=x", NULL },
	{ "multipart/form-data", NULL },
	{ "multipart/form-data; charset=utf-8", NULL },
	{ "multipart/form-data; boundary", NULL },
	{ "multipart/form-data; boundary=", NULL },
	{ "multipart/form-data; boundary=\"\"", NULL },
	{ "multipart/form-data; boundary=" B70 "1", NULL },	/* 71 bytes */
	{ "multipart/form-data; boundary=\"abc", NULL },	/* unclosed */
	{ "multipart/form-data; boundary=a b", NULL },
	{ "multipart/form-data; boundary=x; boundary=y", NULL },
	{ "multipart/form-data; boundary=\"ab \"", NULL },	/* ends in space */
	{ "multipart/form-data; boundary=\"a\tb\"", NULL },	/* control */
	{ "multipart/form-data; boundary=\"\xe4\xb8\xad\"", NULL },
	{ "multipart/form-data x; boundary=abc", NULL },
};

START_TEST(test_boundary)
{
	char	 out[80];
	int	 rc;

	rc = form_boundary(boundaries[_i].in, out, sizeof(out));
	if (boundaries[_i].want == NULL) {
		ck_assert_msg(rc == -1, "accepted %s", boundaries[_i].in);
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_msg(rc == 0, "refused %s", boundaries[_i].in);
		ck_assert_str_eq(out, boundaries[_i].want);
	}
}
END_TEST

/* "does not fit": out needs room for the boundary and its NUL. */
START_TEST(test_boundary_fit)
{
	char	 out[8];

	ck_assert_int_eq(form_boundary("multipart/form-data; boundary=abcdef",
	    out, 6), -1);
	ck_assert_int_eq(form_boundary("multipart/form-data; boundary=abcdef",
	    out, 7), 0);
	ck_assert_str_eq(out, "abcdef");
	ck_assert_int_eq(form_boundary("multipart/form-data; boundary=\"a\\\\b\"",
	    out, 4), 0);
	ck_assert_str_eq(out, "a\\b");
	ck_assert_int_eq(form_boundary(NULL, out, sizeof(out)), -1);
	ck_assert_int_eq(form_boundary("multipart/form-data; boundary=a",
	    out, 0), -1);
}
END_TEST

/*
 * multipart: events are written out as
 *	name=value;				a field
 *	name(filename,content-type)[data];	a file
 * where "[data" without "];" is a file that was never ended.
 */

struct mp_rec {
	struct out	 o;
	int		 events;
	int		 stop_at;	/* event number that stops, 0: none */
};

static int
rec_event(struct mp_rec *r)
{
	return r->stop_at != 0 && ++r->events == r->stop_at;
}

static int
rec_field(void *arg, const char *name, const char *val, size_t vallen)
{
	struct mp_rec	*r = arg;

	ck_assert_int_eq(val[vallen], '\0');
	out_esc(&r->o, name, strlen(name), "");
	out_str(&r->o, "=");
	out_esc(&r->o, val, vallen, "");
	out_str(&r->o, ";");
	return rec_event(r);
}

static int
rec_file_begin(void *arg, const char *name, const char *filename,
    const char *ctype)
{
	struct mp_rec	*r = arg;

	out_esc(&r->o, name, strlen(name), "");
	out_str(&r->o, "(");
	out_esc(&r->o, filename, strlen(filename), "");
	out_str(&r->o, ",");
	out_esc(&r->o, ctype, strlen(ctype), "");
	out_str(&r->o, ")[");
	return rec_event(r);
}

static int
rec_file_data(void *arg, const char *data, size_t len)
{
	struct mp_rec	*r = arg;

	ck_assert_uint_gt(len, 0);
	out_esc(&r->o, data, len, "");
	return 0;
}

static int
rec_file_end(void *arg)
{
	struct mp_rec	*r = arg;

	out_str(&r->o, "];");
	return rec_event(r);
}

static const struct multipart_cb rec_cb = {
	rec_field, rec_file_begin, rec_file_data, rec_file_end
};

#define BND	"dd-7MA4YWxk"
#define DASH	"--" BND
#define OPEN	DASH "\r\n"
#define CLOSE	"\r\n" DASH "--\r\n"
#define NEXT	"\r\n" DASH "\r\n"
#define CD(n)	"Content-Disposition: form-data; name=\"" n "\"\r\n"
#define CDF(n, f) \
	"Content-Disposition: form-data; name=\"" n "\"; filename=\"" f "\"\r\n"
#define BODY(s)	s, sizeof(s) - 1

static const struct multipart_limits lim_default = { 4096, 1024, 16 };

static const struct mp_case {
	const char			*what;
	const char			*body;
	size_t				 len;
	struct multipart_limits		 lim;	/* all 0: lim_default */
	int				 rc;	/* of feed, or else finish */
	const char			*want;
} mp_cases[] = {
	/* Bodies that are whole and well formed. */
	{ "one field",
	  BODY(OPEN CD("a") "\r\n" "1" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a=1;" },
	{ "fields and a file",
	  BODY(OPEN CD("task") "\r\n" "春季回访" NEXT
	      CDF("list", "名单.csv") "Content-Type: text/csv\r\n\r\n"
	      "phone,name\r\n13800000000,张三\r\n" NEXT
	      CD("send") "\r\n" "1" CLOSE),
	  { 0, 0, 0 }, MP_OK,
	  "task=春季回访;list(名单.csv,text/csv)"
	  "[phone,name\\x0d\\x0a13800000000,张三\\x0d\\x0a];send=1;" },
	{ "preamble and epilogue are ignored",
	  BODY("This is a preamble.\r\n--not-it\r\n" OPEN CD("a") "\r\n" "x"
	      CLOSE "epilogue\r\n" DASH "\r\n" "more"),
	  { 0, 0, 0 }, MP_OK, "a=x;" },
	{ "a line end before the first boundary",
	  BODY("\r\n" OPEN CD("a") "\r\n" "x" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a=x;" },
	{ "empty value",
	  BODY(OPEN CD("a") "\r\n" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a=;" },
	{ "empty value after a longer one",
	  BODY(OPEN CD("a") "\r\n" "long value" NEXT CD("b") "\r\n" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a=long value;b=;" },
	{ "empty filename is still a file, no Content-Type gives \"\"",
	  BODY(OPEN CDF("f", "") "\r\n" CLOSE),
	  { 0, 0, 0 }, MP_OK, "f(,)[];" },
	{ "value with NUL, CR, LF, and near-delimiters",
	  BODY(OPEN CD("a") "\r\n" "x\0y\r\n\r\n-\r\n--\r\n--dd-7MA4YWx\r\r\n-"
	      "\r" CLOSE),
	  { 0, 0, 0 }, MP_OK,
	  "a=x\\x00y\\x0d\\x0a\\x0d\\x0a-\\x0d\\x0a--\\x0d\\x0a--dd-7MA4YWx"
	  "\\x0d\\x0d\\x0a-\\x0d;" },
	{ "file content with near-delimiters",
	  BODY(OPEN CDF("f", "a.bin")
	      "Content-Type: application/octet-stream\r\n\r\n"
	      "\r\n--dd-7MA4YWxK\r\n--d\r\r\n--dd-\n--dd-7MA4YWxk" CLOSE),
	  { 0, 0, 0 }, MP_OK,
	  "f(a.bin,application/octet-stream)[\\x0d\\x0a--dd-7MA4YWxK\\x0d\\x0a"
	  "--d\\x0d\\x0d\\x0a--dd-\\x0a--dd-7MA4YWxk];" },
	{ "header names and parameters in any case, other headers ignored",
	  BODY(OPEN "X-Trace: 1\r\ncontent-disposition: FORM-DATA; NAME=\"a\""
	      "\r\nCONTENT-TYPE:text/plain\r\n\r\n" "v" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a=v;" },
	{ "bare LF in the boundary line and part headers",
	  BODY(DASH "\n" "Content-Disposition: form-data; name=a\n\n" "v"
	      "\r\n" DASH "\n" "Content-Disposition: form-data; name=b\r\n\n"
	      "w" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a=v;b=w;" },
	{ "escaped quotes, bare backslashes in a filename",
	  BODY(OPEN CDF("f", "say \\\"hi\\\".txt") "\r\n" "1" NEXT
	      CDF("g", "C:\\dir\\g.txt") "\r\n" "2" CLOSE),
	  { 0, 0, 0 }, MP_OK,
	  "f(say \"hi\".txt,)[1];g(C:\\x5cdir\\x5cg.txt,)[2];" },
	{ "filename* is ignored, other parameters too",
	  BODY(OPEN "Content-Disposition: form-data; name=\"f\"; "
	      "filename*=UTF-8''%E5%90%8D.csv; filename=\"x.csv\"; size=3\r\n"
	      "\r\n" "abc" CLOSE),
	  { 0, 0, 0 }, MP_OK, "f(x.csv,)[abc];" },
	{ "unquoted parameters, white space around",
	  BODY(OPEN "Content-Disposition :  form-data ;name=a ;  "
	      "filename = b.txt  \r\nContent-Type:  image/png ; x=1  \r\n\r\n"
	      "P" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a(b.txt,image/png ; x=1)[P];" },
	{ "folded header line",
	  BODY(OPEN "Content-Disposition: form-data;\r\n\tname=\"a\"\r\n\r\n"
	      "v" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a=v;" },
	{ "padding after a boundary",
	  BODY(DASH " \t\r\n" CD("a") "\r\n" "v" "\r\n" DASH "--"),
	  { 0, 0, 0 }, MP_OK, "a=v;" },
	{ "closing boundary without a line end",
	  BODY(OPEN CD("a") "\r\n" "v" "\r\n" DASH "--"),
	  { 0, 0, 0 }, MP_OK, "a=v;" },
	{ "no parts at all",
	  BODY(DASH "--\r\n"),
	  { 0, 0, 0 }, MP_OK, "" },
	{ "Content-Type of a field is ignored",
	  BODY(OPEN CD("a") "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	      "v" CLOSE),
	  { 0, 0, 0 }, MP_OK, "a=v;" },

	/* Limits, each at the edge and one past it. */
	{ "header block exactly at the limit",
	  BODY(OPEN CD("a") "\r\n" "v" CLOSE),
	  { sizeof(CD("a")) - 1, 1024, 16 }, MP_OK, "a=v;" },
	{ "header block over the limit",
	  BODY(OPEN CD("a") "\r\n" "v" CLOSE),
	  { sizeof(CD("a")) - 2, 1024, 16 }, MP_ERR_HEADER_TOO_LONG, "" },
	{ "endless header line",
	  BODY(OPEN "Content-Disposition: form-data; name=\"aaaaaaaaaaaaaaaaaa"
	      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	  { 40, 1024, 16 }, MP_ERR_HEADER_TOO_LONG, "" },
	{ "field exactly at the limit",
	  BODY(OPEN CD("a") "\r\n" "12345" CLOSE),
	  { 4096, 5, 16 }, MP_OK, "a=12345;" },
	{ "field over the limit",
	  BODY(OPEN CD("a") "\r\n" "123456" CLOSE),
	  { 4096, 5, 16 }, MP_ERR_FIELD_TOO_LONG, "" },
	{ "files are not bound by the field limit",
	  BODY(OPEN CDF("f", "x") "\r\n" "123456" CLOSE),
	  { 4096, 5, 16 }, MP_OK, "f(x,)[123456];" },
	{ "parts exactly at the limit",
	  BODY(OPEN CD("a") "\r\n" "1" NEXT CD("b") "\r\n" "2" CLOSE),
	  { 4096, 1024, 2 }, MP_OK, "a=1;b=2;" },
	{ "too many parts",
	  BODY(OPEN CD("a") "\r\n" "1" NEXT CD("b") "\r\n" "2" CLOSE),
	  { 4096, 1024, 1 }, MP_ERR_TOO_MANY_PARTS, "a=1;" },

	/* Bodies that are cut short. */
	{ "empty body", BODY(""), { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "no boundary in the body",
	  BODY("a=1&b=2\r\n--other\r\n\r\n"),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "only part of the first boundary",
	  BODY("--dd-7MA"), { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "first boundary line cut",
	  BODY(DASH), { 0, 0, 0 }, MP_ERR_TRUNCATED, "" },
	{ "truncated headers",
	  BODY(OPEN "Content-Disp"), { 0, 0, 0 }, MP_ERR_TRUNCATED, "" },
	{ "headers without the blank line",
	  BODY(OPEN CD("a")), { 0, 0, 0 }, MP_ERR_TRUNCATED, "" },
	{ "truncated field",
	  BODY(OPEN CD("a") "\r\n" "abc"),
	  { 0, 0, 0 }, MP_ERR_TRUNCATED, "" },
	{ "truncated file",
	  BODY(OPEN CDF("f", "x") "\r\n" "abc"),
	  { 0, 0, 0 }, MP_ERR_TRUNCATED, "f(x,)[abc" },
	{ "truncated inside the closing boundary",
	  BODY(OPEN CDF("f", "x") "\r\n" "abc\r\n--dd-7M"),
	  { 0, 0, 0 }, MP_ERR_TRUNCATED, "f(x,)[abc" },
	{ "closing boundary missing its second dash",
	  BODY(OPEN CD("a") "\r\n" "v" "\r\n" DASH "-"),
	  { 0, 0, 0 }, MP_ERR_TRUNCATED, "a=v;" },
	{ "delimiter and nothing after it",
	  BODY(OPEN CD("a") "\r\n" "v" "\r\n" DASH),
	  { 0, 0, 0 }, MP_ERR_TRUNCATED, "a=v;" },

	/* Bodies that are malformed. */
	{ "part without a name",
	  BODY(OPEN "Content-Disposition: form-data; filename=\"x\"\r\n\r\n"
	      "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "part with an empty name",
	  BODY(OPEN CD("") "\r\n" "v" CLOSE), { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "part without headers",
	  BODY(OPEN "\r\n" "v" CLOSE), { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "part without Content-Disposition",
	  BODY(OPEN "Content-Type: text/plain\r\n\r\n" "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "disposition other than form-data",
	  BODY(OPEN "Content-Disposition: attachment; name=\"a\"\r\n\r\n"
	      "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "two Content-Disposition headers",
	  BODY(OPEN CD("a") CD("b") "\r\n" "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "name given twice",
	  BODY(OPEN "Content-Disposition: form-data; name=a; name=b\r\n\r\n"
	      "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "unterminated quote",
	  BODY(OPEN "Content-Disposition: form-data; name=\"a\r\n\r\n"
	      "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "header line without a colon",
	  BODY(OPEN CD("a") "garbage\r\n\r\n" "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "NUL in a header",
	  BODY(OPEN "Content-Disposition: form-data; name=\"a\0b\"\r\n\r\n"
	      "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "bare CR in a header",
	  BODY(OPEN "Content-Disposition: form-data;\r name=\"a\"\r\n\r\n"
	      "v" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "junk after the boundary",
	  BODY(OPEN CD("a") "\r\n" "v" "\r\n" DASH "x\r\n" CD("b") "\r\n"
	      "w" CLOSE),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "a=v;" },
	{ "CR not followed by LF after the boundary",
	  BODY(DASH "\rx"), { 0, 0, 0 }, MP_ERR_SYNTAX, "" },
	{ "dashes after padding",
	  BODY(OPEN CD("a") "\r\n" "v" "\r\n" DASH " --\r\n"),
	  { 0, 0, 0 }, MP_ERR_SYNTAX, "a=v;" },
};

/* The first error of a feed, or else the result of finish. After an
 * error every further call must give the same error. */
static int
mp_run(const struct mp_case *c, const size_t *cuts, size_t ncuts,
    struct mp_rec *r)
{
	const struct multipart_limits	*lim = &c->lim;
	struct multipart		*mp;
	size_t				 i, from = 0, to;
	int				 rc = MP_OK;

	if (lim->header_max == 0 && lim->field_max == 0 &&
	    lim->parts_max == 0)
		lim = &lim_default;
	mp = multipart_new(BND, lim, &rec_cb, r);
	ck_assert_ptr_nonnull(mp);
	for (i = 0; i <= ncuts && rc == MP_OK; i++, from = to) {
		to = i < ncuts ? cuts[i] : c->len;
		rc = multipart_feed(mp, c->body + from, to - from);
	}
	if (rc == MP_OK)
		rc = multipart_finish(mp);
	if (rc != MP_OK) {
		ck_assert_int_eq(multipart_feed(mp, "x", 1), rc);
		ck_assert_int_eq(multipart_finish(mp), rc);
	}
	multipart_free(mp);
	return rc;
}

static void
mp_expect(const struct mp_case *c, const size_t *cuts, size_t ncuts,
    const char *how)
{
	struct mp_rec	 r;
	int		 rc;

	memset(&r, 0, sizeof(r));
	rc = mp_run(c, cuts, ncuts, &r);
	ck_assert_msg(rc == c->rc, "%s, %s: got %d (%s), want %d", c->what,
	    how, rc, multipart_strerror(rc), c->rc);
	ck_assert_msg(strcmp(out_text(&r.o), c->want) == 0,
	    "%s, %s: got \"%s\", want \"%s\"", c->what, how, out_text(&r.o),
	    c->want);
	out_reset(&r.o);
}

/* (a) the body in one piece. */
START_TEST(test_mp_whole)
{
	mp_expect(&mp_cases[_i], NULL, 0, "whole");
}
END_TEST

/* (b) one byte at a time. */
START_TEST(test_mp_bytes)
{
	const struct mp_case	*c = &mp_cases[_i];
	size_t			*cuts, i;

	if (c->len < 2)
		return;
	cuts = calloc(c->len - 1, sizeof(*cuts));
	ck_assert_ptr_nonnull(cuts);
	for (i = 0; i + 1 < c->len; i++)
		cuts[i] = i + 1;
	mp_expect(c, cuts, c->len - 1, "byte by byte");
	free(cuts);
}
END_TEST

/* (c) in two pieces, split at every position (an empty piece included). */
START_TEST(test_mp_splits)
{
	const struct mp_case	*c = &mp_cases[_i];
	char			 how[32];
	size_t			 at;

	for (at = 0; at <= c->len; at++) {
		snprintf(how, sizeof(how), "split at %zu", at);
		mp_expect(c, &at, 1, how);
	}
}
END_TEST

/*
 * A 1 MiB file of random bytes with many planted near-delimiters (CRLF
 * "--" and a proper prefix of the boundary, then a wrong byte) must come
 * out byte-identical, and must come out as it goes in: after each chunk
 * at most a delimiter's length of it may be held back.
 */

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct sink {
	unsigned char	*p;
	size_t		 len;
	size_t		 cap;
	int		 begun;
	int		 ended;
};

static int
sink_begin(void *arg, const char *name, const char *filename,
    const char *ctype)
{
	struct sink	*s = arg;

	ck_assert_str_eq(name, "list");
	ck_assert_str_eq(filename, "big.bin");
	ck_assert_str_eq(ctype, "application/octet-stream");
	s->begun++;
	return 0;
}

static int
sink_data(void *arg, const char *data, size_t len)
{
	struct sink	*s = arg;

	ck_assert_uint_le(s->len + len, s->cap);
	memcpy(s->p + s->len, data, len);
	s->len += len;
	return 0;
}

static int
sink_end(void *arg)
{
	struct sink	*s = arg;

	s->ended++;
	return 0;
}

#define BIG_HEAD	OPEN CDF("list", "big.bin") \
			"Content-Type: application/octet-stream\r\n\r\n"
#define BIG_TAIL	CLOSE

static const struct multipart_cb sink_cb = {
	NULL, sink_begin, sink_data, sink_end
};

START_TEST(test_mp_big_file)
{
	const size_t		 n = 1 << 20, blen = strlen(BND);
	const size_t		 head = sizeof(BIG_HEAD) - 1;
	const size_t		 dlen = 4 + blen;
	static const size_t	 steps[] = { 0, 1, 7, 4096 };
	struct multipart	*mp;
	struct sink		 sink;
	uint64_t		 seed = 0x2545F4914F6CDD1DULL;
	unsigned char		*body, *file;
	size_t			 len, pos, k, fed, step, infile, planted = 0;
	size_t			 m;

	len = head + n + sizeof(BIG_TAIL) - 1;
	body = malloc(len);
	ck_assert_ptr_nonnull(body);
	memcpy(body, BIG_HEAD, head);
	file = body + head;
	memcpy(file + n, BIG_TAIL, sizeof(BIG_TAIL) - 1);
	for (pos = 0; pos < n; pos++)
		file[pos] = (unsigned char)(xorshift(&seed) >> 24);
	for (pos = xorshift(&seed) % 64; pos + dlen < n;
	    pos += dlen + xorshift(&seed) % 200, planted++) {
		k = xorshift(&seed) % blen;
		memcpy(file + pos, "\r\n--", 4);
		memcpy(file + pos + 4, BND, k);
		/* A CR as the wrong byte also starts a new match. */
		file[pos + 4 + k] = xorshift(&seed) % 4 == 0 ? '\r' :
		    (unsigned char)(BND[k] ^ (1 + xorshift(&seed) % 255));
	}
	ck_assert_uint_gt(planted, 5000);
	ck_assert_ptr_null(memmem(file, n, "\r\n" DASH, dlen));

	sink.cap = n;
	sink.p = malloc(n);
	ck_assert_ptr_nonnull(sink.p);
	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		sink.len = 0;
		sink.begun = sink.ended = 0;
		mp = multipart_new(BND, &lim_default, &sink_cb, &sink);
		ck_assert_ptr_nonnull(mp);
		for (fed = 0; fed < len; fed += step) {
			/* 0: random sizes from 1 to 8 KiB. */
			step = steps[k] != 0 ? steps[k] :
			    1 + xorshift(&seed) % 8192;
			if (step > len - fed)
				step = len - fed;
			ck_assert_int_eq(multipart_feed(mp,
			    (const char *)body + fed, step), MP_OK);
			m = fed + step;
			infile = m < head ? 0 : m - head > n ? n : m - head;
			ck_assert_uint_le(sink.len, infile);
			ck_assert_uint_le(infile, sink.len + dlen);
		}
		ck_assert_int_eq(multipart_finish(mp), MP_OK);
		multipart_free(mp);
		ck_assert_int_eq(sink.begun, 1);
		ck_assert_int_eq(sink.ended, 1);
		ck_assert_uint_eq(sink.len, n);
		ck_assert_msg(memcmp(sink.p, file, n) == 0,
		    "file differs, step %zu", steps[k]);
	}
	free(sink.p);
	free(body);
}
END_TEST

/* A callback that returns non-zero stops the parse for good. */
START_TEST(test_mp_callback_stop)
{
	static const char	 body[] = OPEN CD("a") "\r\n" "1" NEXT
				    CDF("f", "x") "\r\n" "2" CLOSE;
	static const char *const want[] = { "a=1;", "a=1;f(x,)[",
					    "a=1;f(x,)[2];" };
	struct multipart	*mp;
	struct mp_rec		 r;
	int			 stop;

	for (stop = 1; stop <= 3; stop++) {
		memset(&r, 0, sizeof(r));
		r.stop_at = stop;
		mp = multipart_new(BND, &lim_default, &rec_cb, &r);
		ck_assert_ptr_nonnull(mp);
		ck_assert_int_eq(multipart_feed(mp, body, sizeof(body) - 1),
		    MP_ERR_CALLBACK);
		ck_assert_int_eq(multipart_finish(mp), MP_ERR_CALLBACK);
		ck_assert_str_eq(out_text(&r.o), want[stop - 1]);
		multipart_free(mp);
		out_reset(&r.o);
	}
}
END_TEST

/* multipart_new refuses what form_boundary would refuse. */
START_TEST(test_mp_new)
{
	struct mp_rec	 r;

	ck_assert_ptr_null(multipart_new("", &lim_default, &rec_cb, &r));
	ck_assert_ptr_null(multipart_new(B70 "1", &lim_default, &rec_cb, &r));
	ck_assert_ptr_null(multipart_new("a\r\nb", &lim_default, &rec_cb, &r));
	ck_assert_ptr_null(multipart_new(NULL, &lim_default, &rec_cb, &r));
	ck_assert_ptr_null(multipart_new("abc", NULL, &rec_cb, &r));
	ck_assert_ptr_null(multipart_new("abc", &lim_default, NULL, &r));
	multipart_free(multipart_new(B70, &lim_default, &rec_cb, &r));
	multipart_free(NULL);
}
END_TEST

START_TEST(test_mp_strerror)
{
	static const int	 codes[] = { MP_OK, MP_ERR_SYNTAX,
	    MP_ERR_HEADER_TOO_LONG, MP_ERR_FIELD_TOO_LONG,
	    MP_ERR_TOO_MANY_PARTS, MP_ERR_TRUNCATED, MP_ERR_CALLBACK,
	    MP_ERR_NOMEM };
	const char		*unknown = multipart_strerror(-100);
	size_t			 i, j;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		ck_assert_str_ne(multipart_strerror(codes[i]), unknown);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(multipart_strerror(codes[i]),
			    multipart_strerror(codes[j]));
	}
}
END_TEST

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
form_suite(void)
{
	Suite	*s = suite_create("form");
	TCase	*tc;

	tc = tcase_create("urlencoded");
	tcase_add_loop_test(tc, test_url_valid, 0, NELEM(url_valid));
	tcase_add_loop_test(tc, test_url_invalid, 0, NELEM(url_invalid));
	tcase_add_test(tc, test_url_length);
	tcase_add_test(tc, test_url_long);
	tcase_add_test(tc, test_url_stop);
	suite_add_tcase(s, tc);

	tc = tcase_create("cookies");
	tcase_add_loop_test(tc, test_cookies, 0, NELEM(cookies));
	tcase_add_test(tc, test_cookies_edge);
	suite_add_tcase(s, tc);

	tc = tcase_create("boundary");
	tcase_add_loop_test(tc, test_boundary, 0, NELEM(boundaries));
	tcase_add_test(tc, test_boundary_fit);
	suite_add_tcase(s, tc);

	tc = tcase_create("multipart");
	tcase_set_timeout(tc, 120);	/* 1 MiB byte by byte under ASan */
	tcase_add_loop_test(tc, test_mp_whole, 0, NELEM(mp_cases));
	tcase_add_loop_test(tc, test_mp_bytes, 0, NELEM(mp_cases));
	tcase_add_loop_test(tc, test_mp_splits, 0, NELEM(mp_cases));
	tcase_add_test(tc, test_mp_big_file);
	tcase_add_test(tc, test_mp_callback_stop);
	tcase_add_test(tc, test_mp_new);
	tcase_add_test(tc, test_mp_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(form_suite());
}
