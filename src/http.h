/* http.h: one request and its response, the same whether it came through
 * FastCGI or plain CGI. http.c reads the CGI variables, parses the query
 * string, cookies and body (urlencoded, or multipart streamed to a file in
 * upload_dir), runs the validators of params.c, and opens every response
 * with the same security headers. */
#ifndef DIALDESK_HTTP_H
#define DIALDESK_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "auth.h"
#include "params.h"

struct config;
struct db;

/* Where a request comes from and goes to: libfcgi streams or stdio. */
struct http_io {
	void	  *ctx;
	/* Read up to n bytes; 0 at end of body, -1 on error. */
	int	 (*read)(void *ctx, char *buf, int n);
	/* Write n bytes; 0 or -1. */
	int	 (*write)(void *ctx, const char *buf, int n);
	char	 **envp;	/* "NAME=value" strings */
};

enum method { METHOD_GET, METHOD_HEAD, METHOD_POST, METHOD_OTHER };

/* The largest urlencoded body: forms without files are small. */
#define FORM_MAX	(64 * 1024)

struct request {
	struct http_io		*io;
	const struct config	*cfg;
	struct db		*db;
	int64_t			 now;

	enum method		 method;
	const char		*method_name;
	char			*path;		/* decoded, checked */
	int64_t			 path_id;	/* a "#" segment of the route */
	int			 may_act;	/* on that object (router.c) */
	const char		*query;
	const char		*remote_addr;
	char			*user_agent;	/* checked UTF-8, cut short */
	const char		*host;
	const char		*origin;
	const char		*referer;
	const char		*content_type;
	long long		 content_length;
	int			 https;

	struct kpair		*fields;	/* every pair, in order */
	struct kpair		*fieldmap[KEY__MAX];	/* valid */
	struct kpair		*fieldnmap[KEY__MAX];	/* invalid */

	char			*cookie_session;
	char			*cookie_csrf;

	enum session_state	 sstate;
	struct session		 sess;		/* when SESSION_OK */
	/* Who this request acts as, for audit entries: set by the router
	 * once the session is known (anonymous before and without one). */
	struct audit_actor	 actor;

	/* response */
	char			*headers;	/* extra header lines */
	size_t			 headerssz;
	int			 opened;
	int			 status;
	int			 failed;	/* a write failed */
};

/* Fill r from the CGI variables of io. Returns 0, or an HTTP status (400)
 * when the request line itself is unusable. */
int	http_request_init(struct request *, struct http_io *,
	    const struct config *, struct db *);
/* Parse the query string and, for POST, the body (at most maxbody bytes;
 * files only when allow_files), then validate every known key. Returns
 * 0, or the HTTP status to answer with (400, 413, 415, 500). */
int	http_parse_input(struct request *, long long maxbody, int allow_files);
/* Free everything and unlink temporary upload files still owned. */
void	http_request_free(struct request *);

/* The value of a CGI variable, or NULL. */
const char *http_env(const struct request *, const char *name);

/* The value of a valid field, or NULL. */
const char *http_field(const struct request *, enum key);

/* Queue a response header (before http_open). Values holding CR or LF are
 * refused (logged) rather than written. */
void	http_header(struct request *, const char *name, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Set a cookie: HttpOnly, SameSite=Lax, Path=/; over HTTPS also Secure and
 * the __Host- prefix. max_age < 0 means a session cookie, 0 deletes. */
void	http_cookie(struct request *, const char *name, const char *value,
	    long max_age);
/* The name a cookie has on this request (adds __Host- over HTTPS). */
const char *http_cookie_name(const struct request *, const char *name);

/* Write the status line, the queued headers and the security headers
 * every response carries, and the blank line. */
void	http_open(struct request *, int status, const char *ctype);
int	http_write(struct request *, const char *buf, size_t len);
int	http_puts(struct request *, const char *);
/* 303 See Other to a path on this site. */
void	http_redirect(struct request *, const char *location);

const char *http_reason(int status);

/* %-encode s for a query value or path (RFC 3986 unreserved kept).
 * Returns a malloc()ed string or NULL. */
char	*http_urlencode(const char *s);

#endif
