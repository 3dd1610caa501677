/* http.c: reading a request and opening its response. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "config.h"
#include "form.h"
#include "http.h"
#include "log.h"
#include "utf8.h"

/* Pairs in one request: enough for any form of ours, small enough that a
 * hostile body cannot make us allocate without bound. */
#define PAIRS_MAX	256

static const struct {
	int		 code;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" }, { 303, "See Other" }, { 304, "Not Modified" },
	{ 400, "Bad Request" }, { 401, "Unauthorized" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" },
	{ 411, "Length Required" }, { 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" }, { 422, "Unprocessable Content" },
	{ 429, "Too Many Requests" }, { 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

const char *
http_reason(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == status)
			return reasons[i].reason;
	return "Unknown";
}

const char *
http_env(const struct request *r, const char *name)
{
	return FCGX_GetParam(name, r->io->envp);
}

static const char *
env_or(const struct request *r, const char *name, const char *dflt)
{
	const char *v = http_env(r, name);

	return v != NULL ? v : dflt;
}

/* A path is served only when it is clean: decoded UTF-8, absolute, and
 * without "." or ".." segments (nginx normalises them already; a CGI
 * server might not). */
static int
path_clean(const char *p)
{
	size_t	 len = strlen(p);
	const char *seg;

	if (len == 0 || len > 2048 || p[0] != '/' || !utf8_valid(p, len) ||
	    utf8_has_control(p, len))
		return 0;
	for (seg = p; seg != NULL; seg = strchr(seg + 1, '/')) {
		if (strncmp(seg, "/./", 3) == 0 || strcmp(seg, "/.") == 0 ||
		    strncmp(seg, "/../", 4) == 0 || strcmp(seg, "/..") == 0 ||
		    strncmp(seg, "//", 2) == 0)
			return 0;
	}
	return 1;
}

/* Keep the user agent for the audit log, but only as valid text of a
 * sensible length: it is chosen by the client. */
static char *
ua_clean(const char *ua)
{
	size_t	 len;

	if (ua == NULL)
		return strdup("");
	len = strlen(ua);
	if (!utf8_valid(ua, len) || utf8_has_control(ua, len))
		return strdup("(invalid)");
	return strndup(ua, utf8_prefix(ua, len, 300));
}

static int
cookie_cb(void *arg, const char *key, size_t keylen, const char *val,
    size_t vallen)
{
	struct request	*r = arg;
	char		**slot = NULL;

	(void)keylen;
	if (strcmp(key, http_cookie_name(r, "dd_session")) == 0)
		slot = &r->cookie_session;
	else if (strcmp(key, http_cookie_name(r, "dd_csrf")) == 0)
		slot = &r->cookie_csrf;
	if (slot != NULL && *slot == NULL && vallen == TOKEN_HEX - 1)
		*slot = strndup(val, vallen);
	return 0;
}

int
http_request_init(struct request *r, struct http_io *io,
    const struct config *cfg, struct db *db)
{
	const char	*m, *p, *cl, *https;
	char		*end;

	memset(r, 0, sizeof(*r));
	r->io = io;
	r->cfg = cfg;
	r->db = db;
	r->now = (int64_t)time(NULL);

	m = env_or(r, "REQUEST_METHOD", "GET");
	r->method_name = m;
	if (strcmp(m, "GET") == 0)
		r->method = METHOD_GET;
	else if (strcmp(m, "HEAD") == 0)
		r->method = METHOD_HEAD;
	else if (strcmp(m, "POST") == 0)
		r->method = METHOD_POST;
	else
		r->method = METHOD_OTHER;

	/* nginx gives the decoded, normalised path in DOCUMENT_URI; a CGI
	 * server gives PATH_INFO. */
	if ((p = http_env(r, "DOCUMENT_URI")) == NULL &&
	    (p = http_env(r, "PATH_INFO")) == NULL)
		p = "/";
	r->path = strdup(p);
	r->query = env_or(r, "QUERY_STRING", "");
	r->remote_addr = env_or(r, "REMOTE_ADDR", "");
	r->user_agent = ua_clean(http_env(r, "HTTP_USER_AGENT"));
	r->host = env_or(r, "HTTP_HOST", "");
	r->origin = http_env(r, "HTTP_ORIGIN");
	r->referer = http_env(r, "HTTP_REFERER");
	r->content_type = env_or(r, "CONTENT_TYPE", "");
	https = http_env(r, "HTTPS");
	r->https = https != NULL && (strcmp(https, "on") == 0 ||
	    strcmp(https, "1") == 0);
	if (r->path == NULL || r->user_agent == NULL)
		return 500;

	r->content_length = -1;
	if ((cl = http_env(r, "CONTENT_LENGTH")) != NULL && *cl != '\0') {
		errno = 0;
		r->content_length = strtoll(cl, &end, 10);
		if (errno != 0 || *end != '\0' || r->content_length < 0)
			return 400;
	}
	if (!path_clean(r->path))
		return 400;
	if ((p = http_env(r, "HTTP_COOKIE")) != NULL)
		(void)form_cookies(p, cookie_cb, r);
	return 0;
}

/* Append a pair; its values are copied. Returns the pair, or NULL when
 * out of memory or over PAIRS_MAX. */
static struct kpair *
pair_add(struct request *r, const char *key, const char *val, size_t vallen)
{
	struct kpair	*p, **tail;
	size_t		 n = 0;

	for (tail = &r->fields; *tail != NULL; tail = &(*tail)->next)
		n++;
	if (n >= PAIRS_MAX || (p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->key = strdup(key)) == NULL ||
	    (p->val = malloc(vallen + 1)) == NULL) {
		free(p->key);
		free(p);
		return NULL;
	}
	memcpy(p->val, val, vallen);
	p->val[vallen] = '\0';
	p->valsz = vallen;
	*tail = p;
	return p;
}

static int
pair_cb(void *arg, const char *key, size_t keylen, const char *val,
    size_t vallen)
{
	(void)keylen;
	return pair_add(arg, key, val, vallen) == NULL ? -1 : 0;
}

/* Multipart state: the file being written, if any. */
struct upload {
	struct request	*r;
	int		 allow_files;
	int		 fd;
	struct kpair	*pair;
	int		 failed;	/* local I/O error: 500, not 400 */
};

static int
mp_field(void *arg, const char *name, const char *val, size_t vallen)
{
	struct upload	*u = arg;

	return pair_add(u->r, name, val, vallen) == NULL ? -1 : 0;
}

static int
mp_file_begin(void *arg, const char *name, const char *filename,
    const char *ctype)
{
	struct upload	*u = arg;
	struct kpair	*p;
	char		*path;

	u->pair = NULL;
	if (!u->allow_files)
		return 0;	/* not a form that takes files: ignore it */
	if ((p = pair_add(u->r, name, "", 0)) == NULL)
		return -1;
	if (asprintf(&path, "%s/upload-XXXXXX", u->r->cfg->upload_dir) < 0) {
		u->failed = 1;
		return -1;
	}
	if ((u->fd = mkstemp(path)) == -1) {
		log_err("http: cannot create a file in %s: %s",
		    u->r->cfg->upload_dir, strerror(errno));
		free(path);
		u->failed = 1;
		return -1;
	}
	p->file = path;
	p->filename = strdup(filename);
	p->ctype = strdup(ctype != NULL ? ctype : "");
	if (p->filename == NULL || p->ctype == NULL) {
		u->failed = 1;
		return -1;
	}
	u->pair = p;
	return 0;
}

static int
mp_file_data(void *arg, const char *data, size_t len)
{
	struct upload	*u = arg;
	ssize_t		 n;

	if (u->pair == NULL)
		return 0;
	while (len > 0) {
		if ((n = write(u->fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			log_err("http: writing %s: %s", u->pair->file,
			    strerror(errno));
			u->failed = 1;
			return -1;
		}
		data += n;
		len -= (size_t)n;
		u->pair->filesize += n;
	}
	return 0;
}

static int
mp_file_end(void *arg)
{
	struct upload	*u = arg;

	if (u->pair == NULL)
		return 0;
	u->pair = NULL;
	if (close(u->fd) == -1) {
		u->fd = -1;
		u->failed = 1;
		return -1;
	}
	u->fd = -1;
	return 0;
}

static int
read_multipart(struct request *r, int allow_files)
{
	static const struct multipart_limits lim = {
		.header_max = 8 * 1024,
		.field_max = FORM_MAX,
		.parts_max = 64,
	};
	static const struct multipart_cb cb = {
		mp_field, mp_file_begin, mp_file_data, mp_file_end,
	};
	struct upload	 u = { r, allow_files, -1, NULL, 0 };
	struct multipart *mp;
	char		 boundary[80], *buf;
	long long	 left = r->content_length;
	int		 n, rc = MP_OK;

	if (form_boundary(r->content_type, boundary, sizeof(boundary)) == -1)
		return 400;
	if ((buf = malloc(64 * 1024)) == NULL ||
	    (mp = multipart_new(boundary, &lim, &cb, &u)) == NULL) {
		free(buf);
		return 500;
	}
	while (left > 0 && rc == MP_OK) {
		n = r->io->read(r->io->ctx, buf,
		    left < 64 * 1024 ? (int)left : 64 * 1024);
		if (n <= 0)
			break;
		left -= n;
		rc = multipart_feed(mp, buf, (size_t)n);
	}
	if (rc == MP_OK)
		rc = left > 0 ? MP_ERR_TRUNCATED : multipart_finish(mp);
	if (u.fd != -1)
		close(u.fd);
	multipart_free(mp);
	free(buf);
	if (rc == MP_OK)
		return 0;
	log_warn("http: multipart body refused: %s", multipart_strerror(rc));
	if (u.failed || rc == MP_ERR_NOMEM)
		return 500;
	return rc == MP_ERR_FIELD_TOO_LONG ? 413 : 400;
}

static int
read_urlencoded(struct request *r)
{
	char		*buf;
	long long	 got = 0;
	int		 n, rc;

	if ((buf = malloc((size_t)r->content_length + 1)) == NULL)
		return 500;
	while (got < r->content_length) {
		n = r->io->read(r->io->ctx, buf + got,
		    (int)(r->content_length - got));
		if (n <= 0)
			break;
		got += n;
	}
	if (got < r->content_length) {
		free(buf);
		return 400;	/* the client stopped sending */
	}
	rc = form_urlencoded(buf, (size_t)got, pair_cb, r);
	free(buf);
	return rc == 0 ? 0 : 400;
}

/* Put each pair with a known key through its validator. */
static void
validate(struct request *r)
{
	struct kpair	*p, **map;
	size_t		 i;

	for (p = r->fields; p != NULL; p = p->next) {
		for (i = 0; i < KEY__MAX; i++)
			if (strcmp(p->key, keys[i].name) == 0)
				break;
		if (i == KEY__MAX)
			continue;	/* unknown keys are ignored */
		if (p->valsz == 0 && p->file == NULL)
			continue;	/* empty is absent (params.h) */
		map = keys[i].valid(p) ? r->fieldmap : r->fieldnmap;
		/* The first of repeated keys counts. */
		if (map[i] == NULL)
			map[i] = p;
	}
}

static int
ctype_is(const char *ct, const char *want)
{
	size_t	 n = strlen(want);

	return strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

int
http_parse_input(struct request *r, long long maxbody, int allow_files)
{
	int	 rc = 0;

	if (form_urlencoded(r->query, strlen(r->query), pair_cb, r) == -1)
		return 400;
	if (r->method == METHOD_POST) {
		/* nginx reads a chunked body whole and passes its length; no
		 * length at all means no body (RFC 9112, 6.3). */
		if (r->content_length < 0)
			r->content_length = 0;
		if (r->content_length > maxbody)
			return 413;
		if (r->content_length == 0)
			rc = 0;
		else if (ctype_is(r->content_type,
		    "application/x-www-form-urlencoded"))
			rc = r->content_length > FORM_MAX ? 413 :
			    read_urlencoded(r);
		else if (ctype_is(r->content_type, "multipart/form-data"))
			rc = read_multipart(r, allow_files);
		else
			rc = 415;
		if (rc != 0)
			return rc;
	}
	validate(r);
	return 0;
}

const char *
http_field(const struct request *r, enum key k)
{
	return r->fieldmap[k] != NULL ? r->fieldmap[k]->val : NULL;
}

void
http_request_free(struct request *r)
{
	struct kpair	*p, *next;

	for (p = r->fields; p != NULL; p = next) {
		next = p->next;
		if (p->file != NULL && unlink(p->file) == -1 && errno != ENOENT)
			log_warn("http: cannot remove %s: %s", p->file,
			    strerror(errno));
		free(p->key);
		free(p->val);
		free(p->file);
		free(p->filename);
		free(p->ctype);
		free(p);
	}
	free(r->path);
	free(r->user_agent);
	free(r->cookie_session);
	free(r->cookie_csrf);
	free(r->headers);
	session_clear(&r->sess);
	memset(r, 0, sizeof(*r));
}

void
http_header(struct request *r, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	char	*val, *line, *grown;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (strpbrk(val, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL) {
		log_err("http: refusing header %s with a line break", name);
		free(val);
		return;
	}
	n = asprintf(&line, "%s: %s\r\n", name, val);
	free(val);
	if (n < 0)
		return;
	if ((grown = realloc(r->headers, r->headerssz + n + 1)) == NULL) {
		free(line);
		return;
	}
	memcpy(grown + r->headerssz, line, (size_t)n + 1);
	r->headers = grown;
	r->headerssz += n;
	free(line);
}

const char *
http_cookie_name(const struct request *r, const char *name)
{
	/* Over HTTPS the __Host- prefix makes the browser refuse a cookie
	 * planted by a sibling domain or over plain HTTP. */
	if (!r->https)
		return name;
	if (strcmp(name, "dd_session") == 0)
		return "__Host-dd_session";
	if (strcmp(name, "dd_csrf") == 0)
		return "__Host-dd_csrf";
	return name;
}

void
http_cookie(struct request *r, const char *name, const char *value,
    long max_age)
{
	char	 age[48] = "";

	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
	http_header(r, "Set-Cookie", "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
	    http_cookie_name(r, name), value, r->https ? "; Secure" : "", age);
}

static int
put(struct request *r, const char *s, size_t len)
{
	if (r->failed)
		return -1;
	while (len > 0) {
		int n = len > 1 << 30 ? 1 << 30 : (int)len;
		if (r->io->write(r->io->ctx, s, n) == -1) {
			r->failed = 1;
			return -1;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

void
http_open(struct request *r, int status, const char *ctype)
{
	char	 line[64];

	if (r->opened) {
		log_err("http: response opened twice (%d)", status);
		return;
	}
	r->opened = 1;
	r->status = status;
	snprintf(line, sizeof(line), "Status: %d %s\r\n", status,
	    http_reason(status));
	put(r, line, strlen(line));
	if (ctype != NULL) {
		put(r, "Content-Type: ", 14);
		put(r, ctype, strlen(ctype));
		put(r, "\r\n", 2);
	}
	/* The same strict headers on every answer: no sniffing, no framing,
	 * no inline script or style, no referrer to other sites, and no copy
	 * of a page in any cache (they hold personal data and CSRF tokens). */
	static const char sec[] =
	    "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Content-Security-Policy: default-src 'self'; script-src 'self'; "
	    "style-src 'self'; img-src 'self' data:; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "Cross-Origin-Opener-Policy: same-origin\r\n"
	    "Permissions-Policy: camera=(), microphone=(), geolocation=()\r\n"
	    "Cache-Control: no-store\r\n";
	put(r, sec, sizeof(sec) - 1);
	if (r->https)
		put(r, "Strict-Transport-Security: max-age=31536000\r\n", 45);
	if (r->headers != NULL)
		put(r, r->headers, r->headerssz);
	put(r, "\r\n", 2);
}

int
http_write(struct request *r, const char *buf, size_t len)
{
	if (!r->opened)
		http_open(r, 200, "text/html; charset=utf-8");
	if (r->method == METHOD_HEAD)
		return 0;
	return put(r, buf, len);
}

int
http_puts(struct request *r, const char *s)
{
	return http_write(r, s, strlen(s));
}

void
http_redirect(struct request *r, const char *location)
{
	http_header(r, "Location", "%s", location);
	http_open(r, 303, "text/plain; charset=utf-8");
}

char *
http_urlencode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char	*out, *q;

	if ((out = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	for (q = out; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			*q++ = (char)c;
			continue;
		}
		*q++ = '%';
		*q++ = hex[c >> 4];
		*q++ = hex[c & 15];
	}
	*q = '\0';
	return out;
}
