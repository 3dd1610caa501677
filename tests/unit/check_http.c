/* check_http.c: a request read through http.c's public functions, from
 * CGI variables and a body fed in small pieces: the request line and its
 * headers, the query string, urlencoded and multipart bodies (fields and
 * files, boundaries split across reads), the limits, the encodings it
 * refuses; and the response's head. */
#include "autoconf.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "config.h"
#include "http.h"
#include "unit.h"

/* The body, handed out at most step bytes a read; what is written kept. */
struct memio {
	const char	*body;
	size_t		 len, off, step;
	char		 out[8192];
	size_t		 outlen;
};

static int
mem_read(void *ctx, char *buf, int n)
{
	struct memio	*m = ctx;
	size_t		 k = m->len - m->off;

	if (k > (size_t)n)
		k = (size_t)n;
	if (k > m->step)
		k = m->step;
	memcpy(buf, m->body + m->off, k);
	m->off += k;
	return (int)k;
}

static int
mem_write(void *ctx, const char *buf, int n)
{
	struct memio	*m = ctx;

	if (m->outlen + (size_t)n >= sizeof(m->out))
		return -1;
	memcpy(m->out + m->outlen, buf, (size_t)n);
	m->outlen += (size_t)n;
	m->out[m->outlen] = '\0';
	return 0;
}

static struct config	 cfg;
static char		 updir[64];
static struct memio	 mio;
static struct http_io	 io;
static struct request	 r;
static char		*env[16];

static void
setup(void)
{
	config_defaults(&cfg);
	snprintf(updir, sizeof(updir), "/tmp/check_http.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(updir));
	free(cfg.upload_dir);
	cfg.upload_dir = strdup(updir);
}

static void
teardown(void)
{
	http_request_free(&r);
	ck_assert_int_eq(rmdir(updir), 0);	/* no upload left behind */
	config_free(&cfg);
}

/* Start a request from "NAME=value" strings (NULL-terminated) and a body
 * read step bytes at a time. Returns http_request_init's answer. */
static int
start(const char *const *vars, const char *body, size_t step)
{
	size_t	 i;

	for (i = 0; vars[i] != NULL && i + 1 < sizeof(env) / sizeof(env[0]);
	    i++)
		env[i] = (char *)vars[i];
	env[i] = NULL;
	memset(&mio, 0, sizeof(mio));
	mio.body = body != NULL ? body : "";
	mio.len = strlen(mio.body);
	mio.step = step;
	io = (struct http_io){ &mio, mem_read, mem_write, env };
	return http_request_init(&r, &io, &cfg, NULL);
}

/* The request line and headers. */
static const struct init_case {
	const char	*vars[6];
	int		 status;
	enum method	 method;
	const char	*path;
	long long	 length;
} inits[] = {
	{ { "REQUEST_METHOD=GET", "DOCUMENT_URI=/tasks" }, 0, METHOD_GET,
	  "/tasks", -1 },
	{ { "REQUEST_METHOD=HEAD", "PATH_INFO=/a" }, 0, METHOD_HEAD, "/a",
	  -1 },
	{ { "REQUEST_METHOD=POST", "DOCUMENT_URI=/x", "PATH_INFO=/y",
	    "CONTENT_LENGTH=12" }, 0, METHOD_POST, "/x", 12 },
	{ { "REQUEST_METHOD=DELETE" }, 0, METHOD_OTHER, "/", -1 },
	{ { "CONTENT_LENGTH=" }, 0, METHOD_GET, "/", -1 },
	{ { "CONTENT_LENGTH=-1" }, 400, METHOD_GET, "/", -1 },
	{ { "CONTENT_LENGTH=12x" }, 400, METHOD_GET, "/", 12 },
	{ { "CONTENT_LENGTH=99999999999999999999" }, 400, METHOD_GET, "/", 0 },
	{ { "DOCUMENT_URI=tasks" }, 400, METHOD_GET, "tasks", -1 },
	{ { "DOCUMENT_URI=/a/../b" }, 400, METHOD_GET, "/a/../b", -1 },
	{ { "DOCUMENT_URI=/a/./b" }, 400, METHOD_GET, "/a/./b", -1 },
	{ { "DOCUMENT_URI=/a/.." }, 400, METHOD_GET, "/a/..", -1 },
	{ { "DOCUMENT_URI=//a" }, 400, METHOD_GET, "//a", -1 },
	{ { "DOCUMENT_URI=/\xff" }, 400, METHOD_GET, "/\xff", -1 },
	{ { "DOCUMENT_URI=/a\x01" }, 400, METHOD_GET, "/a\x01", -1 },
	{ { "DOCUMENT_URI=/a/.b/c..d" }, 0, METHOD_GET, "/a/.b/c..d", -1 },
	{ { "DOCUMENT_URI=/任务" }, 0, METHOD_GET, "/任务", -1 },
};

START_TEST(test_init)
{
	const struct init_case *c = &inits[_i];

	ck_assert_int_eq(start(c->vars, NULL, 1), c->status);
	ck_assert_int_eq(r.method, c->method);
	ck_assert_str_eq(r.path, c->path);
	if (c->status == 0)
		ck_assert_int_eq(r.content_length, c->length);
}
END_TEST

START_TEST(test_headers)
{
	const char *const vars[] = { "REMOTE_ADDR=192.0.2.1",
	    "HTTP_USER_AGENT=agent\x01", "HTTP_HOST=console.example",
	    "HTTP_ORIGIN=https://console.example", "QUERY_STRING=a=1", NULL };
	char	 ua[1000];

	ck_assert_int_eq(start(vars, NULL, 1), 0);
	ck_assert_str_eq(r.remote_addr, "192.0.2.1");
	ck_assert_str_eq(r.user_agent, "(invalid)");	/* control character */
	ck_assert_str_eq(r.host, "console.example");
	ck_assert_str_eq(r.origin, "https://console.example");
	ck_assert_ptr_null(r.referer);
	ck_assert_str_eq(r.query, "a=1");
	ck_assert_str_eq(r.content_type, "");
	ck_assert_int_eq(r.https, 0);
	ck_assert_str_eq(http_env(&r, "HTTP_HOST"), "console.example");
	http_request_free(&r);

	/* A long user agent is cut to 300 characters, not bytes. */
	snprintf(ua, sizeof(ua), "HTTP_USER_AGENT=");
	while (strlen(ua) + 3 < sizeof(ua))
		strcat(ua, "浏");
	{
		const char *const v2[] = { ua, "HTTPS=on", NULL };
		ck_assert_int_eq(start(v2, NULL, 1), 0);
	}
	ck_assert_uint_eq(strlen(r.user_agent), 900);
	ck_assert_int_eq(r.https, 1);
}
END_TEST

#define TOK	"0123456789abcdef0123456789abcdef" \
		"0123456789abcdef0123456789abcdef"

/* Only our two cookies, of the token's length, under the name the scheme
 * gives them (__Host- over HTTPS), the first of each. */
static const struct cookie_case {
	const char	*https, *cookie;
	int		 session, csrf;
} cookies[] = {
	{ "HTTPS=off", "HTTP_COOKIE=dd_session=" TOK "; dd_csrf=" TOK, 1, 1 },
	{ "HTTPS=off", "HTTP_COOKIE=dd_session=" TOK "0", 0, 0 },
	{ "HTTPS=off", "HTTP_COOKIE=dd_session=abc; other=" TOK, 0, 0 },
	{ "HTTPS=on", "HTTP_COOKIE=dd_session=" TOK "; dd_csrf=" TOK, 0, 0 },
	{ "HTTPS=on", "HTTP_COOKIE=__Host-dd_session=" TOK
	  ";__Host-dd_csrf=" TOK, 1, 1 },
	{ "HTTPS=1", "HTTP_COOKIE=__Host-dd_csrf=" TOK, 0, 1 },
};

START_TEST(test_cookies)
{
	const struct cookie_case *c = &cookies[_i];
	const char *const vars[] = { c->https, c->cookie, NULL };

	ck_assert_int_eq(start(vars, NULL, 1), 0);
	if (c->session)
		ck_assert_str_eq(r.cookie_session, TOK);
	else
		ck_assert_ptr_null(r.cookie_session);
	if (c->csrf)
		ck_assert_str_eq(r.cookie_csrf, TOK);
	else
		ck_assert_ptr_null(r.cookie_csrf);
}
END_TEST

/* Parse a GET with this query: http_parse_input's answer. */
static int
get(const char *query)
{
	char		 q[512];
	const char *const vars[] = { "REQUEST_METHOD=GET", q, NULL };

	snprintf(q, sizeof(q), "QUERY_STRING=%s", query);
	ck_assert_int_eq(start(vars, NULL, 1), 0);
	return http_parse_input(&r, 0, 0);
}

START_TEST(test_query)
{
	ck_assert_int_eq(get("page=2&batch=13&unknown=x"), 0);
	ck_assert_int_eq(r.fieldmap[KEY_PAGE]->parsed, 2);
	ck_assert_int_eq(r.fieldmap[KEY_BATCH]->parsed, 13);
	ck_assert_str_eq(http_field(&r, KEY_BATCH), "13");
	ck_assert_ptr_null(http_field(&r, KEY_Q));
	http_request_free(&r);

	/* Invalid values go to fieldnmap; the first of a repeated key
	 * counts; empty is absent; + and %XX decode. */
	ck_assert_int_eq(get("batch=abc&page=3&page=4&q=&name=a+b%E4%BB%BB"),
	    0);
	ck_assert_ptr_null(r.fieldmap[KEY_BATCH]);
	ck_assert_str_eq(r.fieldnmap[KEY_BATCH]->val, "abc");
	ck_assert_int_eq(r.fieldmap[KEY_PAGE]->parsed, 3);
	ck_assert_ptr_null(r.fieldmap[KEY_Q]);
	ck_assert_ptr_null(r.fieldnmap[KEY_Q]);
	ck_assert_str_eq(http_field(&r, KEY_NAME), "a b任");
	http_request_free(&r);

	ck_assert_int_eq(get("page=0"), 0);
	ck_assert_ptr_null(r.fieldmap[KEY_PAGE]);
	ck_assert_ptr_nonnull(r.fieldnmap[KEY_PAGE]);
	http_request_free(&r);
	ck_assert_int_eq(get("page=%zz"), 400);
	http_request_free(&r);
	ck_assert_int_eq(get("page=%2"), 400);
	http_request_free(&r);
	/* Bytes that are not UTF-8 never reach a handler as valid text. */
	ck_assert_int_eq(get("name=%FF%FE"), 0);
	ck_assert_ptr_null(r.fieldmap[KEY_NAME]);
}
END_TEST

/* POST body with this content type, length (-1: the body's own) and read
 * size: http_parse_input's answer with maxbody. */
static int
post(const char *ctype, const char *body, long long length, size_t step,
    long long maxbody, int files)
{
	static char	 ct[256], cl[64];
	const char *const vars[] = { "REQUEST_METHOD=POST", ct, cl, NULL };

	snprintf(ct, sizeof(ct), "CONTENT_TYPE=%s", ctype);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%lld",
	    length >= 0 ? length : (long long)strlen(body));
	ck_assert_int_eq(start(vars, body, step), 0);
	return http_parse_input(&r, maxbody, files);
}

#define URLENC	"application/x-www-form-urlencoded"

START_TEST(test_urlencoded)
{
	char	*big;

	ck_assert_int_eq(post(URLENC, "batch=5&name=%E4%BB%BB%E5%8A%A1", -1,
	    3, 1000, 0), 0);
	ck_assert_int_eq(r.fieldmap[KEY_BATCH]->parsed, 5);
	ck_assert_str_eq(http_field(&r, KEY_NAME), "任务");
	http_request_free(&r);
	ck_assert_int_eq(post(URLENC "; charset=UTF-8", "batch=6", -1, 100,
	    1000, 0), 0);
	ck_assert_int_eq(r.fieldmap[KEY_BATCH]->parsed, 6);
	http_request_free(&r);

	/* Over the route's limit, over the form limit, cut short. */
	ck_assert_int_eq(post(URLENC, "batch=5", -1, 100, 6, 0), 413);
	http_request_free(&r);
	ck_assert_int_eq(post(URLENC, "batch=5", FORM_MAX + 1, 100,
	    10 * FORM_MAX, 0), 413);
	http_request_free(&r);
	ck_assert_int_eq(post(URLENC, "batch=5", 100, 100, 1000, 0), 400);
	http_request_free(&r);
	/* Bad encodings. */
	ck_assert_int_eq(post(URLENC, "batch=%G1", -1, 100, 1000, 0), 400);
	http_request_free(&r);
	/* A form of its largest size is read. */
	ck_assert_ptr_nonnull(big = malloc(FORM_MAX + 1));
	memset(big, 'a', FORM_MAX);
	memcpy(big, "batch=7&x=", 10);
	big[FORM_MAX] = '\0';
	ck_assert_int_eq(post(URLENC, big, -1, 4096, FORM_MAX, 0), 0);
	ck_assert_int_eq(r.fieldmap[KEY_BATCH]->parsed, 7);
	free(big);
	http_request_free(&r);

	/* No body, or no length: nothing to read. */
	ck_assert_int_eq(post(URLENC, "", -1, 1, 1000, 0), 0);
	ck_assert_ptr_null(r.fields);
	http_request_free(&r);
	ck_assert_int_eq(post("text/plain", "batch=5", -1, 100, 1000, 0), 415);
	http_request_free(&r);
	ck_assert_int_eq(post("application/x-www-form-urlencodedx", "batch=5",
	    -1, 100, 1000, 0), 415);
}
END_TEST

/* An urlencoded form of more pairs than any of ours has is refused. */
START_TEST(test_too_many_pairs)
{
	static char	 body[300 * 4 + 1];
	size_t		 i;

	for (i = 0; i < 300; i++)
		memcpy(body + 4 * i, "a=1&", 4);
	body[sizeof(body) - 2] = '\0';
	ck_assert_int_eq(post(URLENC, body, -1, 100, FORM_MAX, 0), 400);
}
END_TEST

#define MP	"multipart/form-data; boundary=XyZ"
#define MPBODY \
	"--XyZ\r\n" \
	"Content-Disposition: form-data; name=\"batch\"\r\n\r\n" \
	"9\r\n" \
	"--XyZ\r\n" \
	"Content-Disposition: form-data; name=\"list\";" \
	" filename=\"名单.csv\"\r\n" \
	"Content-Type: text/csv\r\n\r\n" \
	"phone\r\n--XyQ\r\n-\r\n13800000000\r\n" \
	"--XyZ--\r\n"

/* The file as written, "" when there is none. */
static void
file_is(const struct kpair *p, const char *want)
{
	char	 buf[256];
	FILE	*fp;
	size_t	 n;

	ck_assert_ptr_nonnull(p->file);
	ck_assert_ptr_nonnull(fp = fopen(p->file, "rb"));
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(p->filesize, (int64_t)strlen(want));
}

START_TEST(test_multipart)
{
	static const size_t steps[] = { 1, 2, 7, 64 * 1024 };
	const char	*want = "phone\r\n--XyQ\r\n-\r\n13800000000";
	size_t		 i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		ck_assert_int_eq(post(MP, MPBODY, -1, steps[i], 1 << 20, 1), 0);
		ck_assert_int_eq(r.fieldmap[KEY_BATCH]->parsed, 9);
		ck_assert_ptr_nonnull(r.fieldmap[KEY_LIST]);
		ck_assert_str_eq(r.fieldmap[KEY_LIST]->filename, "名单.csv");
		ck_assert_str_eq(r.fieldmap[KEY_LIST]->ctype, "text/csv");
		file_is(r.fieldmap[KEY_LIST], want);
		http_request_free(&r);
	}
	/* The boundary quoted. */
	ck_assert_int_eq(post("multipart/form-data; boundary=\"XyZ\"", MPBODY,
	    -1, 5, 1 << 20, 1), 0);
	file_is(r.fieldmap[KEY_LIST], want);
	http_request_free(&r);
	/* A form that takes no file ignores one, and writes nothing. */
	ck_assert_int_eq(post(MP, MPBODY, -1, 5, 1 << 20, 0), 0);
	ck_assert_int_eq(r.fieldmap[KEY_BATCH]->parsed, 9);
	ck_assert_ptr_null(r.fieldmap[KEY_LIST]);
	ck_assert_ptr_null(r.fieldnmap[KEY_LIST]);
}
END_TEST

static const struct mp_bad {
	const char	*ctype, *body;
	long long	 length;
	int		 status;
} mp_bads[] = {
	{ "multipart/form-data", MPBODY, -1, 400 },
	{ "multipart/form-data; boundary=", MPBODY, -1, 400 },
	{ "multipart/form-data; boundary=" "0123456789012345678901234567890123"
	  "4567890123456789012345678901234567", MPBODY, -1, 400 },
	{ MP, MPBODY, sizeof(MPBODY) + 100, 400 },	/* cut short */
	{ MP, "--XyZ\r\nContent-Disposition: form-data; name=\"batch\"\r\n\r\n"
	  "9\r\n", -1, 400 },				/* never closed */
	{ MP, "garbage", -1, 400 },
	{ MP, "--XyZ\r\nContent-Type: text/plain\r\n\r\n9\r\n--XyZ--\r\n", -1,
	  400 },					/* no name */
	{ MP, MPBODY, -1, 413 },			/* over maxbody */
};

START_TEST(test_multipart_bad)
{
	const struct mp_bad *c = &mp_bads[_i];

	ck_assert_int_eq(post(c->ctype, c->body, c->length, 3,
	    c->status == 413 ? 10 : 1 << 20, 1), c->status);
}
END_TEST

/* A field longer than a form may be is refused as too large. */
START_TEST(test_multipart_field_limit)
{
	static const char head[] = "--XyZ\r\nContent-Disposition: form-data;"
	    " name=\"name\"\r\n\r\n";
	char	*body;
	size_t	 n = sizeof(head) - 1 + FORM_MAX + 1;

	ck_assert_ptr_nonnull(body = malloc(n + 16));
	memcpy(body, head, sizeof(head) - 1);
	memset(body + sizeof(head) - 1, 'a', FORM_MAX + 1);
	strcpy(body + n, "\r\n--XyZ--\r\n");
	ck_assert_int_eq(post(MP, body, -1, 4096, 1 << 20, 1), 413);
	free(body);
}
END_TEST

START_TEST(test_response)
{
	const char *const vars[] = { "REQUEST_METHOD=HEAD", "HTTPS=on", NULL };

	ck_assert_int_eq(start(vars, NULL, 1), 0);
	http_header(&r, "X-Test", "a%sb", "\r\nInjected: 1");
	http_header(&r, "Bad:Name", "x");
	http_header(&r, "Retry-After", "%d", 60);
	http_cookie(&r, "dd_session", "v", 0);
	http_open(&r, 429, "application/json");
	ck_assert_int_eq(http_puts(&r, "not sent for HEAD"), 0);
	ck_assert_ptr_nonnull(strstr(mio.out, "Status: 429 Too Many"
	    " Requests\r\nContent-Type: application/json\r\n"));
	ck_assert_ptr_nonnull(strstr(mio.out, "\r\nX-Content-Type-Options:"
	    " nosniff\r\n"));
	ck_assert_ptr_nonnull(strstr(mio.out, "\r\nX-Frame-Options: DENY\r\n"));
	ck_assert_ptr_nonnull(strstr(mio.out,
	    "\r\nStrict-Transport-Security:"));
	ck_assert_ptr_nonnull(strstr(mio.out, "\r\nRetry-After: 60\r\n"));
	ck_assert_ptr_nonnull(strstr(mio.out, "\r\nSet-Cookie:"
	    " __Host-dd_session=v; Path=/; HttpOnly; SameSite=Lax; Secure;"
	    " Max-Age=0\r\n"));
	ck_assert_ptr_null(strstr(mio.out, "Injected"));
	ck_assert_ptr_null(strstr(mio.out, "Bad:Name"));
	ck_assert_ptr_null(strstr(mio.out, "not sent"));
	ck_assert_int_eq(mio.out[mio.outlen - 1], '\n');
	ck_assert_ptr_nonnull(strstr(mio.out, "\r\n\r\n"));
	/* Opened once only. */
	http_open(&r, 200, NULL);
	ck_assert_ptr_null(strstr(mio.out, "Status: 200"));
}
END_TEST

START_TEST(test_redirect_and_helpers)
{
	const char *const vars[] = { "REQUEST_METHOD=POST", NULL };
	char	*e;

	ck_assert_int_eq(start(vars, NULL, 1), 0);
	http_redirect(&r, "/pushes");
	ck_assert_ptr_nonnull(strstr(mio.out, "Status: 303 See Other\r\n"));
	ck_assert_ptr_nonnull(strstr(mio.out, "\r\nLocation: /pushes\r\n"));
	ck_assert_ptr_null(strstr(mio.out, "Strict-Transport-Security"));
	ck_assert_str_eq(http_reason(413), "Content Too Large");
	ck_assert_str_eq(http_reason(299), "Unknown");
	ck_assert_ptr_nonnull(e = http_urlencode("a b/任~-._"));
	ck_assert_str_eq(e, "a%20b%2F%E4%BB%BB~-._");
	free(e);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("http");
	TCase	*tc = tcase_create("http");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_init, 0, sizeof(inits) / sizeof(inits[0]));
	tcase_add_test(tc, test_headers);
	tcase_add_loop_test(tc, test_cookies, 0,
	    sizeof(cookies) / sizeof(cookies[0]));
	tcase_add_test(tc, test_query);
	tcase_add_test(tc, test_urlencoded);
	tcase_add_test(tc, test_too_many_pairs);
	tcase_add_test(tc, test_multipart);
	tcase_add_loop_test(tc, test_multipart_bad, 0,
	    sizeof(mp_bads) / sizeof(mp_bads[0]));
	tcase_add_test(tc, test_multipart_field_limit);
	tcase_add_test(tc, test_response);
	tcase_add_test(tc, test_redirect_and_helpers);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
