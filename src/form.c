/* form.c: decoding of query strings, urlencoded bodies, Cookie headers and
 * streamed multipart/form-data bodies (the contract is in form.h). */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "textbuf.h"

/* RFC 2046 section 5.1.1: a boundary is 1 to 70 characters. */
#define BOUNDARY_MAX	70

/* ASCII only, whatever the locale says. */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Optional white space of RFC 7230. */
static int
is_ows(int c)
{
	return c == ' ' || c == '\t';
}

/* Is the span s[0..n) the literal lit, ignoring ASCII case? */
static int
span_is(const char *s, size_t n, const char *lit)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (lit[i] == '\0' || lower((unsigned char)s[i]) != lit[i])
			return 0;
	return lit[n] == '\0';
}

/*
 * Urlencoded input.
 */

/* Decode src[0..n) into dst (room for n + 1 bytes), NUL-terminated; the
 * decoded length goes to *outlen. Returns -1 on a malformed %-escape. */
static int
url_decode(char *dst, const char *src, size_t n, size_t *outlen)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < n; i++) {
		if (src[i] == '+')
			dst[o++] = ' ';
		else if (src[i] != '%')
			dst[o++] = src[i];
		else {
			if (n - i < 3 ||
			    (hi = hexval((unsigned char)src[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)src[i + 2])) < 0)
				return -1;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	dst[o] = '\0';
	*outlen = o;
	return 0;
}

int
form_urlencoded(const char *buf, size_t len, form_pair_cb cb, void *arg)
{
	const char	*piece, *eq;
	char		*kbuf, *vbuf;
	size_t		 pos = 0, n, kraw, klen, vlen;
	int		 rc;

	while (pos < len) {
		piece = buf + pos;
		for (n = 0; pos + n < len; n++)
			if (piece[n] == '&' || piece[n] == ';')
				break;
		pos += n + 1;
		if (n == 0)
			continue;

		/* Decoding only shrinks: one allocation holds both halves. */
		eq = memchr(piece, '=', n);
		kraw = eq != NULL ? (size_t)(eq - piece) : n;
		if ((kbuf = malloc(n + 2)) == NULL)
			return -1;
		vbuf = kbuf + kraw + 1;
		if (url_decode(kbuf, piece, kraw, &klen) == -1 ||
		    url_decode(vbuf, eq != NULL ? eq + 1 : "",
		    eq != NULL ? n - kraw - 1 : 0, &vlen) == -1) {
			free(kbuf);
			return -1;
		}
		/* A value without a name ("=b") cannot be asked for. */
		rc = klen == 0 ? 0 : cb(arg, kbuf, klen, vbuf, vlen);
		free(kbuf);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/*
 * Cookie header.
 */

int
form_cookies(const char *header, form_pair_cb cb, void *arg)
{
	const char	*p = header, *s, *e, *eq, *ke, *vs, *ve;
	char		*buf;
	size_t		 klen, vlen;
	int		 rc;

	if (p == NULL)
		return 0;
	while (*p != '\0') {
		s = p;
		if ((e = strchr(s, ';')) == NULL)
			e = s + strlen(s);
		p = *e != '\0' ? e + 1 : e;

		while (s < e && is_ows((unsigned char)*s))
			s++;
		while (e > s && is_ows((unsigned char)e[-1]))
			e--;
		if ((eq = memchr(s, '=', (size_t)(e - s))) == NULL)
			continue;
		for (ke = eq; ke > s && is_ows((unsigned char)ke[-1]); ke--)
			continue;
		if (ke == s)
			continue;
		for (vs = eq + 1; vs < e && is_ows((unsigned char)*vs); vs++)
			continue;
		ve = e;
		if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}

		klen = (size_t)(ke - s);
		vlen = (size_t)(ve - vs);
		if ((buf = malloc(klen + vlen + 2)) == NULL)
			return -1;
		memcpy(buf, s, klen);
		buf[klen] = '\0';
		memcpy(buf + klen + 1, vs, vlen);
		buf[klen + 1 + vlen] = '\0';
		rc = cb(arg, buf, klen, buf + klen + 1, vlen);
		free(buf);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/*
 * Header parameters: "type; name=value; name="quoted \" value"".
 */

struct param {
	const char	*name;
	size_t		 namelen;
	const char	*val;		/* without the quotes, still escaped */
	size_t		 vallen;
	int		 quoted;
};

/* Backslash escapes only '"' and '\': browsers send Windows paths with
 * bare backslashes ("C:\dir\a.txt"), which must come through unchanged. */
static int
is_escape(const char *p)
{
	return p[0] == '\\' && (p[1] == '"' || p[1] == '\\');
}

/* Unescape a quoted value src[0..n) into dst, which may be src itself
 * (the output never runs ahead of the input), or NULL to only count.
 * Returns the unescaped length. */
static size_t
unquote(char *dst, const char *src, size_t n)
{
	size_t	 i, o = 0;

	for (i = 0; i < n; i++, o++) {
		if (i + 1 < n && is_escape(src + i))
			i++;
		if (dst != NULL)
			dst[o] = src[i];
	}
	return o;
}

static const char *
skip_ows(const char *p)
{
	while (is_ows((unsigned char)*p))
		p++;
	return p;
}

/* The end of the type token or of a parameter, where one rule holds for
 * both: optional white space, then ';' (passed) or the end of the string.
 * Returns where what follows starts, or NULL when anything else does. */
static const char *
item_end(const char *p)
{
	p = skip_ows(p);
	if (*p == ';')
		return p + 1;
	return *p == '\0' ? p : NULL;
}

/* After the type token: nothing, or ';' and the parameters. Moves *cur
 * past the ';'. Returns -1 on anything else. */
static int
params_start(const char **cur)
{
	const char	*p;

	if ((p = item_end(*cur)) == NULL)
		return -1;
	*cur = p;
	return 0;
}

/* The next parameter at *cur, which moves past it and its trailing ';'.
 * Because *cur is already beyond it when this returns, the caller may
 * write a NUL right after the value it unquotes in place. Returns 1 with
 * *pm filled, 0 at the end of the string, -1 when malformed. */
static int
param_next(const char **cur, struct param *pm)
{
	const char	*p = *cur;

	for (;;) {
		p = skip_ows(p);
		if (*p != ';')
			break;
		p++;			/* empty parameter: "a; ;b" */
	}
	if (*p == '\0') {
		*cur = p;
		return 0;
	}

	pm->name = p;
	while (*p != '\0' && *p != '=' && *p != ';' && *p != '"' &&
	    !is_ows((unsigned char)*p))
		p++;
	if ((pm->namelen = (size_t)(p - pm->name)) == 0)
		return -1;
	p = skip_ows(p);
	if (*p++ != '=')
		return -1;
	p = skip_ows(p);

	if ((pm->quoted = *p == '"')) {
		pm->val = ++p;
		while (*p != '"') {
			if (*p == '\0')
				return -1;
			p += is_escape(p) ? 2 : 1;
		}
		pm->vallen = (size_t)(p++ - pm->val);
	} else {
		pm->val = p;
		while (*p != '\0' && *p != ';' && *p != '"' &&
		    !is_ows((unsigned char)*p))
			p++;
		pm->vallen = (size_t)(p - pm->val);
	}

	if ((p = item_end(p)) == NULL)
		return -1;
	*cur = p;
	return 1;
}

/*
 * Content-Type boundary.
 */

/* RFC 2046 allows a narrower set; we take any printable ASCII so that
 * odd but harmless clients work, and nothing that could break a line or a
 * C string. A trailing space is forbidden by the RFC. */
static int
boundary_valid(const char *b, size_t n)
{
	size_t	 i;

	if (n == 0 || n > BOUNDARY_MAX || b[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)b[i] < 0x20 || (unsigned char)b[i] > 0x7e)
			return 0;
	return 1;
}

int
form_boundary(const char *content_type, char *out, size_t outsz)
{
	const char	*p = content_type, *type;
	struct param	 pm, bnd = { NULL, 0, NULL, 0, 0 };
	size_t		 n;
	int		 rc, found = 0;

	if (out == NULL || outsz == 0)
		return -1;
	out[0] = '\0';
	if (p == NULL)
		return -1;

	p = skip_ows(p);
	type = p;
	while (*p != '\0' && *p != ';' && !is_ows((unsigned char)*p))
		p++;
	if (!span_is(type, (size_t)(p - type), "multipart/form-data") ||
	    params_start(&p) == -1)
		return -1;

	while ((rc = param_next(&p, &pm)) == 1) {
		if (!span_is(pm.name, pm.namelen, "boundary"))
			continue;
		/* Two boundaries: we cannot know which the sender meant. */
		if (found++)
			return -1;
		bnd = pm;
	}
	if (rc == -1 || !found)
		return -1;

	n = bnd.quoted ? unquote(NULL, bnd.val, bnd.vallen) : bnd.vallen;
	if (n == 0 || n > BOUNDARY_MAX || n >= outsz)
		return -1;
	if (bnd.quoted)
		unquote(out, bnd.val, bnd.vallen);
	else
		memcpy(out, bnd.val, n);
	out[n] = '\0';
	if (!boundary_valid(out, n)) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * Streaming multipart/form-data.
 */

/* Returns MP_OK, tl (the caller's "too long" code) when len would pass
 * max, or MP_ERR_NOMEM. */
static int
add_bytes(struct textbuf *b, const char *d, size_t n, size_t max, int tl)
{
	switch (textbuf_add(b, d, n, max)) {
	case 0:
		return MP_OK;
	case 1:
		return tl;
	default:
		return MP_ERR_NOMEM;
	}
}

enum mp_state {
	ST_PREAMBLE,	/* before the first delimiter: ignored */
	ST_AFTER_DELIM,	/* "--" closes the body, a line end opens a part */
	ST_PADDING,	/* white space after a delimiter, then a line end */
	ST_DELIM_CR,	/* CR after a delimiter: LF must follow */
	ST_CLOSE_DASH,	/* one '-' after a delimiter: another must follow */
	ST_HEADERS,	/* a part's header block, up to the blank line */
	ST_BODY,	/* a part's content, up to the next delimiter */
	ST_EPILOGUE,	/* after the closing delimiter: ignored */
};

struct multipart {
	struct multipart_limits	 lim;
	struct multipart_cb	 cb;
	void			*arg;

	/* The delimiter is CRLF "--" boundary; the CRLF belongs to it, not
	 * to the content before it. No other CR is in it (boundary_valid),
	 * so after a mismatch a new match can only start at a CR: no
	 * look-behind is needed beyond the count of matched bytes, which
	 * are the delimiter's own first bytes. */
	char			 delim[4 + BOUNDARY_MAX];
	size_t			 dlen;
	size_t			 match;

	enum mp_state		 state;
	int			 err;		/* once set, the parser is dead */
	size_t			 parts;

	struct textbuf		 hdr;		/* header lines, LF-ended */
	size_t			 hdr_raw;	/* bytes as sent, for the limit */
	size_t			 hdr_linelen;
	int			 hdr_cr;	/* the last byte was a CR */

	int			 is_file;
	const char		*name;		/* into hdr */
	struct textbuf		 field;
};

struct multipart *
multipart_new(const char *boundary, const struct multipart_limits *lim,
    const struct multipart_cb *cb, void *arg)
{
	struct multipart	*mp;
	size_t			 blen;

	if (boundary == NULL || lim == NULL || cb == NULL)
		return NULL;
	blen = strnlen(boundary, BOUNDARY_MAX + 1);
	if (!boundary_valid(boundary, blen))
		return NULL;
	if ((mp = calloc(1, sizeof(*mp))) == NULL)
		return NULL;
	mp->lim = *lim;
	mp->cb = *cb;
	mp->arg = arg;
	memcpy(mp->delim, "\r\n--", 4);
	memcpy(mp->delim + 4, boundary, blen);
	mp->dlen = 4 + blen;
	/* The first delimiter may open the body with no line end before
	 * it: behave as if one had been seen. */
	mp->match = 2;
	mp->state = ST_PREAMBLE;
	return mp;
}

void
multipart_free(struct multipart *mp)
{
	if (mp == NULL)
		return;
	free(mp->hdr.p);
	free(mp->field.p);
	free(mp);
}

const char *
multipart_strerror(int err)
{
	switch (err) {
	case MP_OK:
		return "no error";
	case MP_ERR_SYNTAX:
		return "malformed multipart body";
	case MP_ERR_HEADER_TOO_LONG:
		return "part header block too long";
	case MP_ERR_FIELD_TOO_LONG:
		return "form field value too long";
	case MP_ERR_TOO_MANY_PARTS:
		return "too many parts";
	case MP_ERR_TRUNCATED:
		return "multipart body truncated";
	case MP_ERR_CALLBACK:
		return "stopped by the receiver";
	case MP_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown multipart error";
	}
}

/* Content of the current part (or of the preamble, which is dropped). */
static int
part_data(struct multipart *mp, const char *d, size_t n)
{
	if (n == 0 || mp->state != ST_BODY)
		return MP_OK;
	if (!mp->is_file)
		return add_bytes(&mp->field, d, n, mp->lim.field_max,
		    MP_ERR_FIELD_TOO_LONG);
	if (mp->cb.file_data != NULL && mp->cb.file_data(mp->arg, d, n) != 0)
		return MP_ERR_CALLBACK;
	return MP_OK;
}

/* A delimiter ended the current part. */
static int
part_end(struct multipart *mp)
{
	int	 rc = 0;

	if (mp->is_file) {
		if (mp->cb.file_end != NULL)
			rc = mp->cb.file_end(mp->arg);
	} else if (mp->cb.field != NULL)
		rc = mp->cb.field(mp->arg, mp->name,
		    mp->field.p != NULL ? mp->field.p : "", mp->field.len);
	return rc != 0 ? MP_ERR_CALLBACK : MP_OK;
}

/* A line end after a delimiter opens the next part's header block. */
static int
part_begin(struct multipart *mp)
{
	if (++mp->parts > mp->lim.parts_max)
		return MP_ERR_TOO_MANY_PARTS;
	mp->hdr.len = 0;
	mp->hdr_raw = 0;
	mp->hdr_linelen = 0;
	mp->hdr_cr = 0;
	mp->name = NULL;
	mp->state = ST_HEADERS;
	return MP_OK;
}

/* Look for the delimiter in [*pp, end), handing the bytes before it to
 * part_data in as few calls as possible. On return *pp is just past the
 * delimiter (and match == dlen) or at end. */
static int
scan(struct multipart *mp, const char **pp, const char *end)
{
	const char	*p = *pp, *run = p, *mstart = NULL, *cr;
	int		 rc;

	/* Bytes [run, p) are not yet handed on. mstart is where the
	 * current match began in this chunk, NULL if it began earlier. */
	while (p < end) {
		if (mp->match == 0) {
			if ((cr = memchr(p, '\r', (size_t)(end - p))) == NULL) {
				p = end;
				break;
			}
			mstart = cr;
			mp->match = 1;
			p = cr + 1;
		} else if (*p == mp->delim[mp->match]) {
			p++;
			if (++mp->match == mp->dlen) {
				*pp = p;
				return mstart != NULL ?
				    part_data(mp, run, (size_t)(mstart - run)) :
				    MP_OK;
			}
		} else {
			/* Not the delimiter after all. A match carried over
			 * from an earlier chunk is the delimiter's prefix;
			 * one from this chunk is still inside [run, p). The
			 * byte at p is looked at again: it may be a CR. */
			if (mstart == NULL) {
				rc = part_data(mp, mp->delim, mp->match);
				if (rc != MP_OK)
					return rc;
				run = p;
			}
			mp->match = 0;
			mstart = NULL;
		}
	}
	*pp = end;
	if (mp->match == 0)
		return part_data(mp, run, (size_t)(end - run));
	return mstart != NULL ?
	    part_data(mp, run, (size_t)(mstart - run)) : MP_OK;
}

/* Content-Disposition: form-data; name="x"; filename="y". The value is
 * rewritten in place; *name and *filename point into it. */
static int
parse_disposition(char *v, const char **name, const char **filename)
{
	const char	*p = v, **slot;
	struct param	 pm;
	char		*w;
	size_t		 n;
	int		 rc;

	while (*p != '\0' && *p != ';' && !is_ows((unsigned char)*p))
		p++;
	if (!span_is(v, (size_t)(p - v), "form-data") ||
	    params_start(&p) == -1)
		return MP_ERR_SYNTAX;

	while ((rc = param_next(&p, &pm)) == 1) {
		if (span_is(pm.name, pm.namelen, "name"))
			slot = name;
		else if (span_is(pm.name, pm.namelen, "filename"))
			slot = filename;
		else
			continue;	/* filename* and the like */
		if (*slot != NULL)
			return MP_ERR_SYNTAX;
		w = v + (pm.val - v);
		n = pm.quoted ? unquote(w, pm.val, pm.vallen) : pm.vallen;
		w[n] = '\0';
		*slot = w;
	}
	return rc == 0 ? MP_OK : MP_ERR_SYNTAX;
}

/* The blank line ended the header block: find the name, whether this is
 * a file, and tell the receiver. */
static int
headers_done(struct multipart *mp)
{
	char		*s = mp->hdr.p, *line, *nl, *colon, *ne, *v, *ve;
	const char	*name = NULL, *filename = NULL, *ctype = NULL;
	size_t		 i;
	int		 rc, seen_cd = 0;

	if (s == NULL || mp->hdr.len == 0)
		return MP_ERR_SYNTAX;
	/* Obsolete line folding: a line that starts with white space goes
	 * on with the one before. */
	if (is_ows((unsigned char)s[0]))
		return MP_ERR_SYNTAX;
	for (i = 0; i + 1 < mp->hdr.len; i++)
		if (s[i] == '\n' && is_ows((unsigned char)s[i + 1]))
			s[i] = ' ';

	for (line = s; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			return MP_ERR_SYNTAX;
		*nl = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			return MP_ERR_SYNTAX;
		for (ne = colon; ne > line && is_ows((unsigned char)ne[-1]); )
			ne--;
		if (ne == line)
			return MP_ERR_SYNTAX;
		for (v = colon + 1; is_ows((unsigned char)*v); )
			v++;
		for (ve = nl; ve > v && is_ows((unsigned char)ve[-1]); )
			ve--;
		*ve = '\0';

		if (span_is(line, (size_t)(ne - line), "content-disposition")) {
			if (seen_cd++)
				return MP_ERR_SYNTAX;
			rc = parse_disposition(v, &name, &filename);
			if (rc != MP_OK)
				return rc;
		} else if (span_is(line, (size_t)(ne - line),
		    "content-type")) {
			if (ctype != NULL)
				return MP_ERR_SYNTAX;
			ctype = v;
		}
	}

	if (name == NULL || *name == '\0')
		return MP_ERR_SYNTAX;
	mp->name = name;
	mp->state = ST_BODY;
	mp->match = 0;
	if ((mp->is_file = filename != NULL)) {
		if (mp->cb.file_begin != NULL &&
		    mp->cb.file_begin(mp->arg, name, filename,
		    ctype != NULL ? ctype : "") != 0)
			return MP_ERR_CALLBACK;
	} else {
		/* The buffer of the last field is reused: an empty value
		 * must not show the old one. */
		mp->field.len = 0;
		if (mp->field.p != NULL)
			mp->field.p[0] = '\0';
	}
	return MP_OK;
}

/* One byte of a header block. Lines are stored LF-terminated whatever
 * their ending was (CRLF, or a bare LF); hdr_raw counts them as sent. */
static int
header_byte(struct multipart *mp, char c)
{
	if (c == '\n') {
		if (mp->hdr_linelen == 0) {
			mp->hdr_cr = 0;
			return headers_done(mp);
		}
		mp->hdr_raw += mp->hdr_cr ? 2 : 1;
		mp->hdr_cr = 0;
		mp->hdr_linelen = 0;
	} else if (mp->hdr_cr || c == '\0') {
		/* A CR not before LF, or a byte no C string can hold. */
		return MP_ERR_SYNTAX;
	} else if (c == '\r') {
		mp->hdr_cr = 1;
		return MP_OK;
	} else {
		mp->hdr_raw++;
		mp->hdr_linelen++;
	}
	if (mp->hdr_raw > mp->lim.header_max)
		return MP_ERR_HEADER_TOO_LONG;
	return add_bytes(&mp->hdr, &c, 1, SIZE_MAX - 1, MP_ERR_NOMEM);
}

/* One byte after a delimiter. */
static int
delim_byte(struct multipart *mp, char c)
{
	switch (mp->state) {
	case ST_AFTER_DELIM:
		if (c == '-') {
			mp->state = ST_CLOSE_DASH;
			return MP_OK;
		}
		/* FALLTHROUGH */
	case ST_PADDING:
		if (is_ows((unsigned char)c)) {
			mp->state = ST_PADDING;
			return MP_OK;
		}
		if (c == '\r') {
			mp->state = ST_DELIM_CR;
			return MP_OK;
		}
		/* A bare LF, as in header lines. */
		return c == '\n' ? part_begin(mp) : MP_ERR_SYNTAX;
	case ST_DELIM_CR:
		return c == '\n' ? part_begin(mp) : MP_ERR_SYNTAX;
	case ST_CLOSE_DASH:
		if (c != '-')
			return MP_ERR_SYNTAX;
		mp->state = ST_EPILOGUE;
		return MP_OK;
	default:
		return MP_ERR_SYNTAX;
	}
}

int
multipart_feed(struct multipart *mp, const char *data, size_t len)
{
	const char	*p = data, *end = data + len;
	int		 rc = MP_OK;

	if (mp->err != MP_OK)
		return mp->err;
	if (len == 0)
		return MP_OK;

	while (p < end && rc == MP_OK) {
		switch (mp->state) {
		case ST_PREAMBLE:
		case ST_BODY:
			rc = scan(mp, &p, end);
			if (rc == MP_OK && mp->match == mp->dlen) {
				mp->match = 0;
				if (mp->state == ST_BODY)
					rc = part_end(mp);
				mp->state = ST_AFTER_DELIM;
			}
			break;
		case ST_HEADERS:
			while (p < end && rc == MP_OK &&
			    mp->state == ST_HEADERS)
				rc = header_byte(mp, *p++);
			break;
		case ST_EPILOGUE:
			p = end;
			break;
		default:
			rc = delim_byte(mp, *p++);
			break;
		}
	}
	return mp->err = rc;
}

int
multipart_finish(struct multipart *mp)
{
	if (mp->err != MP_OK)
		return mp->err;
	if (mp->state == ST_EPILOGUE)
		return MP_OK;
	mp->err = mp->state == ST_PREAMBLE ?
	    MP_ERR_SYNTAX : MP_ERR_TRUNCATED;
	return mp->err;
}
