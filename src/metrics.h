/* metrics.h: counters of every serve process, summed across the prefork
 * workers, for GET /metrics. The serve master maps one small shared
 * anonymous segment before it forks (metrics_init); workers and the push
 * committer inherit it and add to it with atomic operations, so a counter
 * is one memory write per request (no database write, no lock) and
 * survives the restart of a worker. Without metrics_init (the CLI) every
 * function does nothing. */
#ifndef DIALDESK_METRICS_H
#define DIALDESK_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum push_outcome {
	PUSH_RECEIVED,		/* stored: new figures */
	PUSH_DUPLICATE,		/* the same body came before */
	PUSH_REJECTED,		/* unreadable, too large, wrong type */
	PUSH__MAX
};

/* The upper bounds of the request duration histogram, in seconds. */
#define METRICS_BUCKETS	11
extern const double metrics_bucket_le[METRICS_BUCKETS];

/* Map the shared segment for up to nroutes routes. Call once, before
 * fork. Returns 0 or -1 (logged). */
int	metrics_init(size_t nroutes);

/* One answered request: route is its row in the route table (nroutes for
 * none), status its HTTP status, usec how long it took. */
void	metrics_request(size_t route, int status, uint64_t usec);
void	metrics_push(enum push_outcome);

/* What has been counted (zeros without metrics_init). */
struct metrics_snapshot {
	size_t		 nroutes;
	size_t		 nstatus;
	const int	*statuses;		/* nstatus codes; 0 = other */
	/* requests[route * nstatus + s], route up to nroutes inclusive */
	const uint64_t	*requests;
	uint64_t	 buckets[METRICS_BUCKETS];	/* not cumulative */
	uint64_t	 over;			/* above the last bound */
	uint64_t	 usec_sum;
	uint64_t	 pushes[PUSH__MAX];
};
/* Fill s; s->requests points into a buffer the caller frees with
 * metrics_snapshot_free. Returns 0 or -1 (out of memory). */
int	metrics_snapshot(struct metrics_snapshot *s);
void	metrics_snapshot_free(struct metrics_snapshot *s);

/* The worker's heartbeat file: the sender writes it on every round of its
 * loop (how many rounds so far, in text); /healthz and /metrics read its
 * age. Its path is the folder of the database + "/worker.heartbeat". */
int	heartbeat_path(const char *database, char *buf, size_t bufsz);
/* Open (creating) the file for writing: a descriptor or -1 (logged). */
int	heartbeat_open(const char *database);
/* Write round n into fd; failures are ignored (health shows them). */
void	heartbeat_beat(int fd, uint64_t n);
/* The heartbeat's age in seconds and its round count: 0, or -1 when
 * there is no heartbeat file. */
int	heartbeat_read(const char *database, int64_t now, int64_t *age,
	    uint64_t *rounds);

#endif
