/* health.c: the store's and the worker's state for /healthz and /metrics. */
#include "autoconf.h"

#include <string.h>

#include "config.h"
#include "health.h"
#include "metrics.h"
#include "store.h"
#include "store/maint.h"

const char *const health_batch_states[BS__MAX] = {
	"queued", "sending", "sent", "failed", "unknown", "cancelled",
};

static int
batch_count(void *arg, const char *state, int64_t n)
{
	struct health	*h = arg;
	int		 i;

	for (i = 0; i < BS__MAX; i++)
		if (strcmp(state, health_batch_states[i]) == 0)
			h->batches[i] = n;
	return 0;
}

static int
read_batches(struct db *db, int64_t now, struct health *h)
{
	int64_t	 at;
	int	 rc;

	if (store_batch_state_counts(db, batch_count, h) == -1 ||
	    (rc = store_batch_oldest_in(db, health_batch_states[BS_QUEUED],
	    &at)) == -1)
		return -1;
	if (rc == 1)
		h->queue_oldest_age = now - at;
	if (h->queue_oldest_age < 0)
		h->queue_oldest_age = 0;
	return store_size_bytes(db, &h->db_bytes);
}

int
health_gather(struct db *db, const struct config *cfg, int64_t now,
    struct health *h)
{
	memset(h, 0, sizeof(*h));
	h->schema_want = db_schema_latest();
	h->schema = db_schema_version(db);
	h->db_ok = h->schema == h->schema_want;
	/* Tables of a database behind (or unreadable) may not be there. */
	if (h->db_ok && read_batches(db, now, h) == -1)
		h->db_ok = 0;
	h->heartbeat_seen = heartbeat_read(config_local_base(cfg), now,
	    &h->heartbeat_age, &h->heartbeat_rounds) == 0;
	h->worker_ok = h->heartbeat_seen &&
	    h->heartbeat_age <= cfg->health_heartbeat_max_seconds;
	h->queue_ok = h->db_ok &&
	    h->queue_oldest_age <= cfg->health_queue_max_seconds;
	return h->db_ok && h->worker_ok && h->queue_ok;
}
