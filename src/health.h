/* health.h: what GET /healthz and GET /metrics report about the store and
 * the worker, read from the database (no write) and the worker's
 * heartbeat file. */
#ifndef DIALDESK_HEALTH_H
#define DIALDESK_HEALTH_H

#include <stdint.h>

struct config;
struct db;

/* The batch states, in the order of struct health's batches[]. */
enum batch_state_slot {
	BS_QUEUED, BS_SENDING, BS_SENT, BS_FAILED, BS_UNKNOWN, BS_CANCELLED,
	BS__MAX
};
extern const char *const health_batch_states[BS__MAX];

struct health {
	int		 db_ok;		/* reachable, at the schema we need */
	int		 schema, schema_want;
	int		 worker_ok;	/* heartbeat within its limit */
	int		 heartbeat_seen;	/* the file exists */
	int64_t		 heartbeat_age;	/* seconds */
	uint64_t	 heartbeat_rounds;
	int		 queue_ok;	/* oldest queued batch within its limit */
	int64_t		 queue_oldest_age;	/* seconds, 0 when none */
	int64_t		 batches[BS__MAX];
	int64_t		 db_bytes;
};

/* Fill h. Returns 1 when everything is well, 0 when not (h says what). */
int	health_gather(struct db *, const struct config *, int64_t now,
	    struct health *h);

#endif
