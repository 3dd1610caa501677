/* sender.h: `dialdesk worker`, the background sender of queued batches. */
#ifndef DIALDESK_SENDER_H
#define DIALDESK_SENDER_H

struct config;

/* Send batches until SIGTERM/SIGINT (or, with once, until none is due).
 * Several workers may run at once: each batch is claimed by one. Returns
 * the exit status. */
int	sender_run(const struct config *, int once);

#endif
