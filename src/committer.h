/* committer.h: group commit for the vendor's pushes. Every acknowledged
 * push must be durable (synchronous=FULL) before the 200; one commit costs
 * one fsync, so a single process that commits what all workers have
 * waiting at once answers many pushes per fsync. Workers hand it each push
 * over a unix socket and wait for its word. It also counts the refused
 * pushes of every worker, per address and minute. */
#ifndef DIALDESK_COMMITTER_H
#define DIALDESK_COMMITTER_H

#include <stddef.h>

#include "audit.h"
#include "push.h"

struct config;
struct db;

/* The listening socket, made by the master before it forks (beside the
 * FastCGI socket, mode 0600). Returns the fd or -1 (logged). */
int	committer_listen(const struct config *);
/* The committer process: never returns. */
void	committer_main(const struct config *, int listen_fd)
	    __attribute__((noreturn));

/* Hand a push the worker has read (p, from body) to the committer and
 * wait until it is committed. Returns 1 stored, 0 stored before (same
 * body), -1 the committer could not store it, -2 no committer to ask (the
 * caller stores the same p itself). */
int	committer_submit(const struct config *, const struct audit_actor *,
	    const char *ctype, const char *body, size_t len,
	    const struct push *p);

/* Inside the transaction the caller began: store every handed push
 * (push_store_group_tx) and commit, one fsync for all. results[i] is 1 stored, 0 stored before.
 * Returns 0, or -1 when any of them could not be stored or the commit
 * failed: then nothing is stored and every result is -1 (none may be
 * acknowledged). The transaction is over either way. */
int	committer_commit(struct db *, const struct push_handed *, size_t n,
	    int *results);
/* Count a refused push (wrong token, or address not allowed when
 * address is 1) towards its address's minute. Returns 0 answer 403, 1
 * past callback_refusals_max this minute (answer 429), -2 no committer. */
int	committer_refused(const struct config *, const struct audit_actor *,
	    int address);
/* The push gate's file (db_gate_open), beside the socket. 0 or -1. */
int	committer_gate_path(const struct config *, char *buf, size_t sz);

#endif
