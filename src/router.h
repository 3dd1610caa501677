/* router.h: the route table and the checks made before any handler. */
#ifndef DIALDESK_ROUTER_H
#define DIALDESK_ROUTER_H

#include <stddef.h>
#include <stdio.h>

#include "access.h"

struct config;
struct db;
struct http_io;
struct request;

enum route_flag {
	ROUTE_ANON = 1 << 0,	/* no sign-in needed */
	ROUTE_UPLOAD = 1 << 1,	/* takes files, up to upload_max_bytes */
	ROUTE_RAW = 1 << 2,	/* reads its own body; no form, no CSRF */
	ROUTE_OWN_ACCOUNT = 1 << 3,	/* open while the password must change */
	ROUTE_FULL_PHONES = 1 << 4,	/* shows whole numbers: needs the
					 * account's may_see_phones */
};

/* One row of the table. A route that names an object matches head, an id
 * (digits, into r->path_id), then tail; any other matches head alone.
 * So an id reaches a handler only through a route that names what it is
 * the id of, and the router has checked the rule for it (access.h). */
struct route {
	const char	*pattern;	/* as printed: "#" is the id */
	const char	*head, *tail;
	unsigned	 methods;	/* bits 1u << enum method */
	unsigned	 roles;		/* enum role bits */
	unsigned	 flags;		/* enum route_flag bits */
	enum object	 object;	/* what the id is, OBJ_NONE for none */
	enum need	 need;		/* what the route does to it */
	void		(*handler)(struct request *);
};

/* Answer one request read from io. Never fails: every outcome is a
 * response, worst case a 500 page. */
void	router_handle(struct http_io *, const struct config *, struct db *);
/* The same for the callback pool: only paths under /callback/, anything
 * else 404 (nginx sends it nothing else). */
void	router_handle_callback(struct http_io *, const struct config *,
	    struct db *);

/* The route table and its length. */
const struct route *router_routes(size_t *n);

/* Check what the compiler cannot: no route without an object has a "#"
 * in its pattern, every route with one has exactly one and reads or acts.
 * `dialdesk serve` refuses to start otherwise. Returns 0, or -1 with an
 * English message in err. */
int	router_check(char *err, size_t errsz);

/* The table for `dialdesk routes`: one route a line, tab-separated:
 * methods, pattern, roles, object, need (read, act, -), and who of those
 * roles may (a role, or a role "(owner)" when only on its own objects).
 * Returns 0, or -1 when the output cannot be written. */
int	router_print(FILE *);

#endif
