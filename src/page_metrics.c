/* page_metrics.c: GET /metrics in the Prometheus text format (version
 * 0.0.4), for the addresses of metrics_allow only. */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "health.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "pages.h"
#include "router.h"

/* The exposition, built in memory so that the status line can still say
 * 500 when anything fails. */
struct out {
	char	*buf;
	size_t	 len;
	FILE	*fp;
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vfprintf(o->fp, fmt, ap);
	va_end(ap);
}

static void
family(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
requests(struct out *o, const struct metrics_snapshot *s)
{
	const struct route	*rt;
	size_t			 n, i, j;
	uint64_t		 v, cum = 0;
	char			 status[8];

	rt = router_routes(&n);
	family(o, "dialdesk_http_requests_total", "counter",
	    "Requests answered, by route and HTTP status.");
	for (i = 0; i <= s->nroutes; i++)
		for (j = 0; j < s->nstatus; j++) {
			if ((v = s->requests[i * s->nstatus + j]) == 0)
				continue;
			if (s->statuses[j] != 0)
				snprintf(status, sizeof(status), "%d",
				    s->statuses[j]);
			else
				snprintf(status, sizeof(status), "other");
			/* Patterns are the table's own literals: no quote
			 * or backslash to escape. */
			put(o, "dialdesk_http_requests_total{route=\"%s\","
			    "status=\"%s\"} %llu\n", i < n && i < s->nroutes ?
			    rt[i].pattern : "none", status,
			    (unsigned long long)v);
		}
	family(o, "dialdesk_http_request_duration_seconds", "histogram",
	    "Time from a request's start to its answer.");
	for (i = 0; i < METRICS_BUCKETS; i++) {
		cum += s->buckets[i];
		put(o, "dialdesk_http_request_duration_seconds_bucket"
		    "{le=\"%g\"} %llu\n", metrics_bucket_le[i],
		    (unsigned long long)cum);
	}
	cum += s->over;
	put(o, "dialdesk_http_request_duration_seconds_bucket{le=\"+Inf\"} "
	    "%llu\n", (unsigned long long)cum);
	put(o, "dialdesk_http_request_duration_seconds_sum %.6f\n",
	    (double)s->usec_sum / 1e6);
	put(o, "dialdesk_http_request_duration_seconds_count %llu\n",
	    (unsigned long long)cum);
}

static void
store(struct out *o, const struct metrics_snapshot *s, const struct health *h)
{
	static const char *const outcome[PUSH__MAX] = {
		"received", "duplicate", "rejected",
	};
	int	 i;

	family(o, "dialdesk_pushes_total", "counter",
	    "Import pushes from the vendor, by outcome.");
	for (i = 0; i < PUSH__MAX; i++)
		put(o, "dialdesk_pushes_total{outcome=\"%s\"} %llu\n",
		    outcome[i], (unsigned long long)s->pushes[i]);
	family(o, "dialdesk_batches", "gauge", "Batches, by state.");
	for (i = 0; i < BS__MAX; i++)
		put(o, "dialdesk_batches{state=\"%s\"} %lld\n",
		    health_batch_states[i], (long long)h->batches[i]);
	family(o, "dialdesk_batches_unknown", "gauge",
	    "Batches whose outcome at the vendor is unknown (need a person).");
	put(o, "dialdesk_batches_unknown %lld\n",
	    (long long)h->batches[BS_UNKNOWN]);
	family(o, "dialdesk_queue_oldest_age_seconds", "gauge",
	    "How long the longest-waiting queued batch has waited.");
	put(o, "dialdesk_queue_oldest_age_seconds %lld\n",
	    (long long)h->queue_oldest_age);
	family(o, "dialdesk_worker_heartbeats_total", "counter",
	    "Rounds of the sender's loop since it started.");
	put(o, "dialdesk_worker_heartbeats_total %llu\n",
	    (unsigned long long)h->heartbeat_rounds);
	family(o, "dialdesk_worker_heartbeat_age_seconds", "gauge",
	    "Seconds since the sender's last round (-1: never).");
	put(o, "dialdesk_worker_heartbeat_age_seconds %lld\n",
	    h->heartbeat_seen ? (long long)h->heartbeat_age : -1LL);
	family(o, "dialdesk_database_bytes", "gauge",
	    "Size of the SQLite database file.");
	put(o, "dialdesk_database_bytes %lld\n", (long long)h->db_bytes);
	family(o, "dialdesk_database_ok", "gauge",
	    "1 when the database is reachable and at the schema needed.");
	put(o, "dialdesk_database_ok %d\n", h->db_ok);
}

/* 200 with the metrics; 403 for an address not in metrics_allow; 500
 * when they cannot be gathered. */
void
page_metrics(struct request *r)
{
	struct metrics_snapshot	 s;
	struct health		 h;
	struct out		 o = { NULL, 0, NULL };

	if (!config_addr_listed(r->cfg->metrics_allow, r->remote_addr)) {
		http_open(r, 403, "text/plain; charset=utf-8");
		http_puts(r, "403 forbidden: not in metrics_allow\n");
		return;
	}
	if (metrics_snapshot(&s) == -1 ||
	    (o.fp = open_memstream(&o.buf, &o.len)) == NULL) {
		metrics_snapshot_free(&s);
		http_open(r, 500, "text/plain; charset=utf-8");
		http_puts(r, "500 cannot gather the metrics\n");
		return;
	}
	(void)health_gather(r->db, r->cfg, r->now, &h);
	requests(&o, &s);
	store(&o, &s, &h);
	metrics_snapshot_free(&s);
	if (fclose(o.fp) != 0) {
		free(o.buf);
		http_open(r, 500, "text/plain; charset=utf-8");
		http_puts(r, "500 cannot gather the metrics\n");
		return;
	}
	http_open(r, 200, "text/plain; version=0.0.4; charset=utf-8");
	http_write(r, o.buf, o.len);
	free(o.buf);
}
