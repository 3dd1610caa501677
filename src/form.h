/* form.h: parsers for the parts of an HTTP request that carry input:
 * query strings and urlencoded bodies, the Cookie header, and streamed
 * multipart/form-data bodies. They know nothing of FastCGI or of our keys;
 * http.c feeds them and params.c validates what they find. */
#ifndef DIALDESK_FORM_H
#define DIALDESK_FORM_H

#include <stddef.h>

/* Called once per decoded pair. key and val are NUL-terminated copies owned
 * by the parser and valid only during the call; val may contain NUL bytes,
 * which is why its length is given. Return non-zero to stop parsing. */
typedef int (*form_pair_cb)(void *arg, const char *key, size_t keylen,
    const char *val, size_t vallen);

/* Query string or application/x-www-form-urlencoded body: '&' (and ';')
 * separated, '+' is a space, %XX decoded. Empty pairs are skipped, and so
 * are pairs with an empty key ("=b"); a key without '=' has an empty
 * value. Returns 0, or -1 when a %-escape is malformed (anywhere, even in a
 * skipped pair), memory ran out, or the callback stopped the parse. */
int form_urlencoded(const char *buf, size_t len, form_pair_cb cb, void *arg);

/* Cookie request header ("a=1; b=2"): values are not %-decoded (RFC 6265),
 * surrounding double quotes are removed. Returns 0, or -1 when the callback
 * stopped the parse or memory ran out. Malformed pieces (no '=', empty
 * name) are skipped; a NULL header has no cookies. */
int form_cookies(const char *header, form_pair_cb cb, void *arg);

/* The boundary parameter of a multipart/form-data Content-Type, quoted or
 * not, copied into out. Returns 0, or -1 when the type is not
 * multipart/form-data, has no boundary, or the boundary is longer than 70
 * bytes (RFC 2046) or does not fit. Only printable ASCII is accepted in a
 * boundary, and it may not end with a space. out is "" after a failure. */
int form_boundary(const char *content_type, char *out, size_t outsz);

/* Limits of the streaming multipart parser. */
struct multipart_limits {
	size_t	header_max;	/* bytes of one part's header block: its
				 * lines with their line ends, not the
				 * blank line that ends it */
	size_t	field_max;	/* bytes of one non-file field's value */
	size_t	parts_max;	/* parts in one body */
};

/* What the multipart parser reports. A part with a filename= parameter is a
 * file and is streamed through file_begin/file_data/file_end; any other part
 * is a field, buffered up to field_max and reported through field. A
 * callback returns 0 to go on, non-zero to stop with MP_ERR_CALLBACK.
 * Strings are valid only during the call. val is NUL-terminated but may
 * hold NUL bytes. ctype is the whole trimmed Content-Type value, or "" when
 * the part has none. filename may be "" (still a file part). When the body
 * fails inside a file, file_end is not called. Any callback may be NULL. */
struct multipart_cb {
	int	(*field)(void *arg, const char *name, const char *val,
		    size_t vallen);
	int	(*file_begin)(void *arg, const char *name,
		    const char *filename, const char *ctype);
	int	(*file_data)(void *arg, const char *data, size_t len);
	int	(*file_end)(void *arg);
};

enum multipart_err {
	MP_OK = 0,
	MP_ERR_SYNTAX = -1,	/* no opening boundary, bad part header */
	MP_ERR_HEADER_TOO_LONG = -2,
	MP_ERR_FIELD_TOO_LONG = -3,
	MP_ERR_TOO_MANY_PARTS = -4,
	MP_ERR_TRUNCATED = -5,	/* body ended before the closing boundary */
	MP_ERR_CALLBACK = -6,
	MP_ERR_NOMEM = -7,
};

struct multipart;

/* NULL when out of memory, or when the boundary is not one form_boundary
 * accepts (empty, over 70 bytes, not printable ASCII). */
struct multipart *multipart_new(const char *boundary,
    const struct multipart_limits *, const struct multipart_cb *, void *arg);
/* Feed the next chunk of the body, of any size (including 1 byte). Returns
 * MP_OK or a negative enum multipart_err; after an error the parser is dead
 * and every further call returns the same error. */
int multipart_feed(struct multipart *, const char *data, size_t len);
/* The body has ended: MP_OK when the closing boundary was seen. */
int multipart_finish(struct multipart *);
/* English text for an error code, for logs. */
const char *multipart_strerror(int err);
void multipart_free(struct multipart *);

#endif
