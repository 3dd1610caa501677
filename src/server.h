/* server.h: how requests reach router_handle(): a prefork FastCGI server
 * on a unix socket, or one request as a plain CGI program. */
#ifndef DIALDESK_SERVER_H
#define DIALDESK_SERVER_H

struct config;

/* The master: open the socket, start cfg->workers workers, restart any
 * that dies, drain on SIGTERM/SIGINT. Returns the exit status. */
int	server_run(const struct config *);
/* Answer the one request in the CGI environment and standard input. */
int	server_cgi(const struct config *);
/* Everything a process serving requests needs before the first one:
 * templates loaded and frozen, upload folder present, database at the
 * schema this binary carries. 0 or -1 (logged). */
int	server_prepare(const struct config *);

#endif
