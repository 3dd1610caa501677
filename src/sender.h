/* sender.h: `dialdesk worker`, the background sender of queued batches. */
#ifndef DIALDESK_SENDER_H
#define DIALDESK_SENDER_H

#include <stddef.h>
#include <stdint.h>

struct config;

/* Send batches until SIGTERM/SIGINT (or, with once, until none is due).
 * Several workers may run at once: each batch is claimed by one. Returns
 * the exit status. */
int	sender_run(const struct config *, int once);

/* What sender_preview() built a body for. */
struct sender_preview {
	int	 sample;	/* no batch is queued: two made-up rows */
	int64_t	 batch_id, task_id, seq, batch_count, rows;
};
/* The request body the next queued batch would be sent with under cfg,
 * or with none queued a sample batch of two made-up people, built and
 * signed as the worker builds it; nothing is sent. Returns the body
 * (free() it; its length in *len) or NULL with an English reason in
 * err. */
struct db;
char	*sender_preview(struct db *, const struct config *,
	    struct sender_preview *, size_t *len, char *err, size_t errsz);

#endif
