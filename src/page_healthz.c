/* page_healthz.c: GET /healthz, for load balancers and monitoring: no
 * sign-in, nothing secret, a JSON summary of the database, the worker and
 * the queue. */
#include "autoconf.h"

#include <stdlib.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "health.h"
#include "http.h"
#include "pages.h"

/* 200 with "status":"ok" when the database is reachable and migrated,
 * the worker's heartbeat is fresh and no batch has waited too long; 503
 * with "status":"fail" and the part that is not well otherwise; 500 when
 * the answer cannot be made. */
void
page_healthz(struct request *r)
{
	struct health	 h;
	cJSON		*o = cJSON_CreateObject(), *part;
	char		*text = NULL;
	int		 well = health_gather(r->db, r->cfg, r->now, &h);

	cJSON_AddStringToObject(o, "status", well ? "ok" : "fail");
	part = cJSON_AddObjectToObject(o, "database");
	cJSON_AddBoolToObject(part, "ok", h.db_ok);
	cJSON_AddNumberToObject(part, "schema", h.schema);
	cJSON_AddNumberToObject(part, "schema_wanted", h.schema_want);
	part = cJSON_AddObjectToObject(o, "worker");
	cJSON_AddBoolToObject(part, "ok", h.worker_ok);
	if (h.heartbeat_seen)
		cJSON_AddNumberToObject(part, "heartbeat_age_seconds",
		    (double)h.heartbeat_age);
	else
		cJSON_AddNullToObject(part, "heartbeat_age_seconds");
	cJSON_AddNumberToObject(part, "max_age_seconds",
	    r->cfg->health_heartbeat_max_seconds);
	part = cJSON_AddObjectToObject(o, "queue");
	cJSON_AddBoolToObject(part, "ok", h.queue_ok);
	cJSON_AddNumberToObject(part, "queued", (double)h.batches[BS_QUEUED]);
	cJSON_AddNumberToObject(part, "oldest_age_seconds",
	    (double)h.queue_oldest_age);
	cJSON_AddNumberToObject(part, "max_age_seconds",
	    r->cfg->health_queue_max_seconds);
	if (o == NULL || (text = cJSON_PrintUnformatted(o)) == NULL) {
		cJSON_Delete(o);
		http_open(r, 500, "application/json; charset=utf-8");
		http_puts(r, "{\"status\":\"fail\"}\n");
		return;
	}
	http_open(r, well ? 200 : 503, "application/json; charset=utf-8");
	http_puts(r, text);
	http_puts(r, "\n");
	cJSON_free(text);
	cJSON_Delete(o);
}
