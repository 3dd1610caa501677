/* router.h: the route table and the checks made before any handler. */
#ifndef DIALDESK_ROUTER_H
#define DIALDESK_ROUTER_H

struct config;
struct db;
struct http_io;

/* Answer one request read from io. Never fails: every outcome is a
 * response, worst case a 500 page. */
void	router_handle(struct http_io *, const struct config *, struct db *);
/* The same for the callback pool: only paths under /callback/, anything
 * else 404 (nginx sends it nothing else). */
void	router_handle_callback(struct http_io *, const struct config *,
	    struct db *);

#endif
