/* signals.h: how the long-running processes (the server's master and its
 * workers, the committer, the sender) take signals. */
#ifndef DIALDESK_SIGNALS_H
#define DIALDESK_SIGNALS_H

/* fn for sig, without SA_RESTART: a blocking call (accept, poll,
 * sigsuspend, sleep) returns with EINTR, so that the loop around it sees
 * the flag fn sets. 0 or -1. */
int	signal_set(int sig, void (*fn)(int));
/* SIGTERM and SIGINT both to fn: how every loop is asked to stop. */
int	signal_on_stop(void (*fn)(int));

#endif
