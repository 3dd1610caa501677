/* server.h: how requests reach router_handle(): a prefork FastCGI server
 * on a unix socket, or one request as a plain CGI program. */
#ifndef DIALDESK_SERVER_H
#define DIALDESK_SERVER_H

struct config;

/* The master: open the sockets, start cfg->workers workers and
 * cfg->callback_workers for the pushes, restart any that dies, drain on
 * SIGTERM/SIGINT, read path (may be NULL) again on SIGHUP and replace the
 * workers. Returns the exit status. */
int	server_run(const struct config *, const char *path);
/* Answer the one request in the CGI environment and standard input. */
int	server_cgi(const struct config *);
/* Everything a process serving requests needs before the first one:
 * templates loaded and frozen, upload folder present, database at the
 * schema this binary carries. 0 or -1 (logged). */
int	server_prepare(const struct config *);

#endif
