/* metrics.c: shared counters for /metrics and the worker's heartbeat. */
#include "autoconf.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"

const double metrics_bucket_le[METRICS_BUCKETS] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

/* The statuses dialdesk answers with; anything else counts as "other". */
static const int statuses[] = {
	200, 301, 302, 303, 304, 400, 401, 403, 404, 405, 411, 413, 415,
	429, 500, 502, 503, 0,
};
#define NSTATUS	(sizeof(statuses) / sizeof(statuses[0]))

struct shared {
	_Atomic uint64_t	 buckets[METRICS_BUCKETS + 1];
	_Atomic uint64_t	 usec_sum;
	_Atomic uint64_t	 pushes[PUSH__MAX];
	_Atomic uint64_t	 requests[];	/* (nroutes + 1) * NSTATUS */
};

static struct shared	*shm;
static size_t		 shm_routes;

int
metrics_init(size_t nroutes)
{
	size_t	 sz = sizeof(struct shared) +
	    (nroutes + 1) * NSTATUS * sizeof(_Atomic uint64_t);
	void	*p;

	if (shm != NULL)
		return 0;
	/* Shared and anonymous: inherited across fork, gone with the last
	 * process; zero-filled by the kernel. */
	p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		log_err("metrics: mmap: %s", strerror(errno));
		return -1;
	}
	shm = p;
	shm_routes = nroutes;
	return 0;
}

static size_t
status_slot(int status)
{
	size_t	 i;

	for (i = 0; i + 1 < NSTATUS; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void
metrics_request(size_t route, int status, uint64_t usec)
{
	size_t	 b;

	if (shm == NULL)
		return;
	if (route > shm_routes)
		route = shm_routes;
	atomic_fetch_add_explicit(&shm->requests[route * NSTATUS +
	    status_slot(status)], 1, memory_order_relaxed);
	for (b = 0; b < METRICS_BUCKETS; b++)
		if ((double)usec <= metrics_bucket_le[b] * 1e6)
			break;
	atomic_fetch_add_explicit(&shm->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&shm->usec_sum, usec, memory_order_relaxed);
}

void
metrics_push(enum push_outcome o)
{
	if (shm != NULL && o < PUSH__MAX)
		atomic_fetch_add_explicit(&shm->pushes[o], 1,
		    memory_order_relaxed);
}

int
metrics_snapshot(struct metrics_snapshot *s)
{
	uint64_t	*req;
	size_t		 i, n;

	memset(s, 0, sizeof(*s));
	s->statuses = statuses;
	s->nstatus = NSTATUS;
	s->nroutes = shm_routes;
	n = (shm_routes + 1) * NSTATUS;
	if ((req = calloc(n, sizeof(*req))) == NULL)
		return -1;
	s->requests = req;
	if (shm == NULL)
		return 0;
	for (i = 0; i < n; i++)
		req[i] = atomic_load_explicit(&shm->requests[i],
		    memory_order_relaxed);
	for (i = 0; i < METRICS_BUCKETS; i++)
		s->buckets[i] = atomic_load_explicit(&shm->buckets[i],
		    memory_order_relaxed);
	s->over = atomic_load_explicit(&shm->buckets[METRICS_BUCKETS],
	    memory_order_relaxed);
	s->usec_sum = atomic_load_explicit(&shm->usec_sum,
	    memory_order_relaxed);
	for (i = 0; i < PUSH__MAX; i++)
		s->pushes[i] = atomic_load_explicit(&shm->pushes[i],
		    memory_order_relaxed);
	return 0;
}

void
metrics_snapshot_free(struct metrics_snapshot *s)
{
	free((void *)s->requests);
	s->requests = NULL;
}

int
heartbeat_path(const char *database, char *buf, size_t bufsz)
{
	const char	*slash = strrchr(database, '/');
	int		 n;

	if (slash == NULL)
		n = snprintf(buf, bufsz, "worker.heartbeat");
	else
		n = snprintf(buf, bufsz, "%.*s/worker.heartbeat",
		    (int)(slash - database), database);
	return n < 0 || (size_t)n >= bufsz ? -1 : 0;
}

int
heartbeat_open(const char *database)
{
	char	 path[4096];
	int	 fd;

	if (heartbeat_path(database, path, sizeof(path)) == -1) {
		log_err("heartbeat: path too long");
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640)) == -1)
		log_err("heartbeat %s: %s", path, strerror(errno));
	return fd;
}

void
heartbeat_beat(int fd, uint64_t n)
{
	char	 buf[32];
	int	 len;

	if (fd < 0)
		return;
	/* Fixed width, written in place: a reader never sees a short file. */
	len = snprintf(buf, sizeof(buf), "%020llu\n", (unsigned long long)n);
	(void)!pwrite(fd, buf, (size_t)len, 0);
}

int
heartbeat_read(const char *database, int64_t now, int64_t *age,
    uint64_t *rounds)
{
	char		 path[4096], buf[32];
	struct stat	 st;
	ssize_t		 got;
	int		 fd;

	*age = 0;
	*rounds = 0;
	if (heartbeat_path(database, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return -1;
	}
	got = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	buf[got > 0 ? got : 0] = '\0';
	*rounds = strtoull(buf, NULL, 10);
	*age = now - (int64_t)st.st_mtime;
	if (*age < 0)
		*age = 0;
	return 0;
}

