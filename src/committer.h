/* committer.h: group commit for the vendor's pushes. Every acknowledged
 * push must be durable (synchronous=FULL) before the 200; one commit costs
 * one fsync, so a single process that commits what all workers have
 * waiting at once answers many pushes per fsync. Workers hand it each push
 * over a unix socket and wait for its word. */
#ifndef DIALDESK_COMMITTER_H
#define DIALDESK_COMMITTER_H

#include <stddef.h>

struct audit_actor;
struct config;

/* The listening socket, made by the master before it forks (beside the
 * FastCGI socket, mode 0600). Returns the fd or -1 (logged). */
int	committer_listen(const struct config *);
/* The committer process: never returns. */
void	committer_main(const struct config *, int listen_fd)
	    __attribute__((noreturn));

/* Hand a readable push to the committer and wait until it is committed.
 * Returns 1 stored, 0 stored before (same body), -1 the committer could
 * not store it, -2 no committer to ask (the caller stores it itself). */
int	committer_submit(const struct config *, const struct audit_actor *,
	    const char *ctype, const char *body, size_t len);

#endif
