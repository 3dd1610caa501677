/* health.c: the store's and the worker's state for /healthz and /metrics. */
#include "autoconf.h"

#include <string.h>

#include "config.h"
#include "db.h"
#include "health.h"
#include "metrics.h"

const char *const health_batch_states[BS__MAX] = {
	"queued", "sending", "sent", "failed", "unknown", "cancelled",
};

static int
read_batches(struct db *db, int64_t now, struct health *h)
{
	sqlite3_stmt	*st;
	const char	*state;
	int		 i, rc;

	if ((st = db_stmt(db, STMT_HEALTH_BATCH_STATES)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		state = db_col_text(st, 0);
		for (i = 0; i < BS__MAX; i++)
			if (strcmp(state, health_batch_states[i]) == 0)
				h->batches[i] = sqlite3_column_int64(st, 1);
	}
	db_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if ((st = db_stmt(db, STMT_HEALTH_QUEUE_OLDEST)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		h->queue_oldest_age = now - sqlite3_column_int64(st, 0);
	db_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (h->queue_oldest_age < 0)
		h->queue_oldest_age = 0;
	if ((st = db_stmt(db, STMT_HEALTH_DB_SIZE)) == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		h->db_bytes = sqlite3_column_int64(st, 0);
	db_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
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
	h->heartbeat_seen = heartbeat_read(cfg->database, now,
	    &h->heartbeat_age, &h->heartbeat_rounds) == 0;
	h->worker_ok = h->heartbeat_seen &&
	    h->heartbeat_age <= cfg->health_heartbeat_max_seconds;
	h->queue_ok = h->db_ok &&
	    h->queue_oldest_age <= cfg->health_queue_max_seconds;
	return h->db_ok && h->worker_ok && h->queue_ok;
}
