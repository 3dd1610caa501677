/* committer.c: one process commits the pushes of all workers in batches,
 * and counts the refused ones.
 *
 * Frames on the socket, worker to committer: a 4-byte length, then the
 * FIELDS fields below, each behind a 4-byte length; text fields are sent
 * with their terminating NUL, so that the committer reads them in place.
 * Kind "push": a push the worker has read and checked (struct push), with
 * the body it was read from (stored whole); the committer stores it as
 * handed, without parsing the body again. The answer is one byte, '1'
 * stored, '0' duplicate, 'E' error. Kind "token" or "address": a push
 * refused for that reason (the fields after the user agent are empty),
 * counted per address and minute; the answer is 'F' (answer 403) or 'L'
 * (past callback_refusals_max: 429). A worker sends one frame and waits,
 * so each round takes at most one frame from each worker: all the pushes
 * go into one transaction, and if any of them cannot be stored none is
 * (every one is answered 'E', and the vendor sends them again).
 *
 * Refusals are written to the audit log as one push.forbidden entry per
 * address and minute, with the counts, when the minute is over (and when
 * the committer stops): a flood of wrong tokens costs one fsync a minute,
 * not one each. Only the committer sees every worker's refusals, so the
 * count is one for the whole server. */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "committer.h"
#include "config.h"
#include "fileio.h"
#include "store.h"
#include "log.h"
#include "push.h"
#include "signals.h"

#define CLIENTS_MAX	128
/* The fields of a frame, in order. */
enum field {
	FLD_KIND, FLD_ADDR, FLD_UA, FLD_CTYPE, FLD_BODY, FLD_SN,
	FLD_VENDOR_TASK, FLD_OK, FLD_REASON, FLD_FIGURES, FLD_EXTRA, FIELDS
};
/* Figures go as 8-byte big-endian integers, in push_figures[] order. */
#define FIGURES_LEN	(8 * PF__MAX)
/* Addresses counted a minute; past that, the rest share the last slot. */
#define REFUSALS_MAX	512
#define OTHERS		"(other addresses)"

static void
sock_path(const struct config *cfg, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	snprintf(sun->sun_path, sizeof(sun->sun_path), "%s.commit",
	    cfg->socket);
}

int
committer_listen(const struct config *cfg)
{
	struct sockaddr_un sun;
	mode_t	 old;
	int	 fd;

	sock_path(cfg, &sun);
	if (strlen(cfg->socket) + 8 > sizeof(sun.sun_path)) {
		log_err("committer: socket path too long");
		return -1;
	}
	(void)unlink(sun.sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	old = umask(0177);	/* our own workers only */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, CLIENTS_MAX) == -1) {
		umask(old);
		log_err("committer: %s: %s", sun.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	return fd;
}

int
committer_gate_path(const struct config *cfg, char *buf, size_t sz)
{
	int	 n = snprintf(buf, sz, "%s.gate", cfg->socket);

	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

/* One connected worker and what it has sent so far. */
struct client {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
};

static uint32_t
get32(const char *p)
{
	return (uint32_t)(unsigned char)p[0] << 24 |
	    (uint32_t)(unsigned char)p[1] << 16 |
	    (uint32_t)(unsigned char)p[2] << 8 | (uint32_t)(unsigned char)p[3];
}

static void
put32(char *p, uint32_t v)
{
	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
}

/* The strings of a complete frame, each with its length. */
static int
frame_fields(struct client *c, char *f[FIELDS], size_t flen[FIELDS],
    size_t *framelen)
{
	size_t	 total, off = 4, i;

	if (c->len < 4)
		return 0;
	total = get32(c->buf);
	if (c->len < 4 + total)
		return 0;
	for (i = 0; i < FIELDS; i++) {
		if (off + 4 > 4 + total)
			return -1;
		flen[i] = get32(c->buf + off);
		if (off + 4 + flen[i] > 4 + total)
			return -1;
		f[i] = c->buf + off + 4;
		off += 4 + flen[i];
	}
	*framelen = 4 + total;
	return 1;
}

static void
drop(struct client *c)
{
	close(c->fd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* The text of field i, NULL when it is not NUL-terminated. */
static char *
field_text(char *f[FIELDS], size_t flen[FIELDS], enum field i)
{
	if (flen[i] == 0 || f[i][flen[i] - 1] != '\0')
		return NULL;
	return f[i];
}

/* A push frame as handed: every string points into the frame (borrowed,
 * never push_clear()ed). 0, or -1 when the frame is not a push's. */
static int
frame_push(char *f[FIELDS], size_t flen[FIELDS], struct push_handed *h)
{
	struct push	*p = &h->push;
	size_t		 i, j;
	uint64_t	 v;

	memset(h, 0, sizeof(*h));
	h->who.name = "vendor";
	if ((h->who.addr = field_text(f, flen, FLD_ADDR)) == NULL ||
	    (h->who.user_agent = field_text(f, flen, FLD_UA)) == NULL ||
	    (h->ctype = field_text(f, flen, FLD_CTYPE)) == NULL ||
	    (p->sn = field_text(f, flen, FLD_SN)) == NULL ||
	    (p->vendor_task_id = field_text(f, flen, FLD_VENDOR_TASK)) ==
	    NULL ||
	    (p->extra = field_text(f, flen, FLD_EXTRA)) == NULL ||
	    flen[FLD_OK] != 1 || (f[FLD_OK][0] != '0' && f[FLD_OK][0] != '1') ||
	    flen[FLD_FIGURES] != FIGURES_LEN)
		return -1;
	h->body = f[FLD_BODY];
	h->len = flen[FLD_BODY];
	p->ok = f[FLD_OK][0] == '1';
	if (!p->ok && (p->reason = field_text(f, flen, FLD_REASON)) == NULL)
		return -1;
	for (i = 0; i < PF__MAX; i++) {
		for (v = 0, j = 0; j < 8; j++)
			v = v << 8 | (unsigned char)f[FLD_FIGURES][8 * i + j];
		p->fig[i] = (int64_t)v;
	}
	return 0;
}

int
committer_commit(struct db *db, const struct push_handed *h, size_t n,
    int *results)
{
	size_t		 i;
	int		 ok;

	ok = push_store_group_tx(db, h, n, results, NULL) == 0;
	if (ok && db_commit(db) == -1)
		ok = 0;
	db_rollback(db);
	if (!ok)
		for (i = 0; i < n; i++)
			results[i] = -1;
	return ok ? 0 : -1;
}

/* --- refused pushes, counted per address and minute ---------------------- */

struct refusal {
	char		 addr[64];
	char		 user_agent[128];
	unsigned long	 token, address, limited;
};

static struct refusal	 refusals[REFUSALS_MAX];
static size_t		 nrefusals;
static time_t		 refusals_minute;	/* start of the minute counted */

/* Write the minute's counts, one audit entry per address, in one
 * transaction. On a database error they are logged instead: the counts
 * are not worth blocking the pushes behind them. */
static void
refusals_flush(struct db *db)
{
	struct audit_actor who;
	struct refusal	*e;
	cJSON		*d;
	size_t		 i;
	int		 ok;

	if (nrefusals == 0)
		return;
	ok = db_begin(db) == 0;
	for (i = 0; i < nrefusals; i++) {
		e = &refusals[i];
		log_warn("callback: refused %lu push(es) from %s in the minute "
		    "from %lld (wrong token %lu, address not allowed %lu, "
		    "answered 429 %lu)", e->token + e->address, e->addr,
		    (long long)refusals_minute, e->token, e->address,
		    e->limited);
		if (!ok)
			continue;
		who = (struct audit_actor){ 0, "vendor", e->addr,
		    e->user_agent };
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "count",
		    (double)(e->token + e->address));
		cJSON_AddNumberToObject(d, "wrong_token", (double)e->token);
		cJSON_AddNumberToObject(d, "address_not_allowed",
		    (double)e->address);
		cJSON_AddNumberToObject(d, "answered_429", (double)e->limited);
		cJSON_AddNumberToObject(d, "minute_start",
		    (double)refusals_minute);
		cJSON_AddNumberToObject(d, "seconds", 60);
		if (audit_append(db, &who, "push.forbidden", e->addr, d) == -1)
			ok = 0;
		cJSON_Delete(d);
	}
	if (ok && db_commit(db) == -1)
		ok = 0;
	db_rollback(db);
	if (!ok)
		log_err("committer: cannot record %zu refused address(es)",
		    nrefusals);
	nrefusals = 0;
}

/* Count one refusal; 'F' or, past the limit, 'L'. */
static char
refusal_count(struct db *db, const struct config *cfg, char *f[FIELDS],
    size_t flen[FIELDS])
{
	struct refusal	*e = NULL;
	const char	*addr = field_text(f, flen, FLD_ADDR);
	const char	*ua = field_text(f, flen, FLD_UA);
	time_t		 minute = time(NULL) / 60 * 60;
	size_t		 i, alen;

	if (addr == NULL)
		addr = "";
	if (ua == NULL)
		ua = "";
	alen = strlen(addr) < 63 ? strlen(addr) : 63;

	if (minute != refusals_minute) {
		refusals_flush(db);
		refusals_minute = minute;
	}
	for (i = 0; i < nrefusals; i++)
		if (strlen(refusals[i].addr) == alen &&
		    memcmp(refusals[i].addr, addr, alen) == 0) {
			e = &refusals[i];
			break;
		}
	if (e == NULL) {
		if (nrefusals < REFUSALS_MAX) {
			e = &refusals[nrefusals++];
			memset(e, 0, sizeof(*e));
			memcpy(e->addr, addr, alen);
			if (nrefusals == REFUSALS_MAX)
				snprintf(e->addr, sizeof(e->addr), OTHERS);
		} else
			e = &refusals[REFUSALS_MAX - 1];
		snprintf(e->user_agent, sizeof(e->user_agent), "%s", ua);
	}
	if (flen[FLD_KIND] == 8 && memcmp(f[FLD_KIND], "address", 8) == 0)
		e->address++;
	else
		e->token++;
	if (e->token + e->address > (unsigned long)cfg->callback_refusals_max) {
		e->limited++;
		return 'L';
	}
	return 'F';
}

/* Milliseconds until the counted minute is over, -1 when none is. */
static int
refusals_timeout(void)
{
	time_t	 now = time(NULL), left;

	if (nrefusals == 0)
		return -1;
	left = refusals_minute + 60 - now;
	return left <= 0 ? 0 : (int)(left * 1000);
}

/* How long the committer keeps the push gate after its last push, and at
 * most in one go before it lets the other writers have a turn. */
#define GATE_IDLE_MS	5
#define GATE_MAX_MS	1000

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static volatile sig_atomic_t	 committer_stopping;

static void
on_term(int sig)
{
	(void)sig;
	committer_stopping = 1;
}

static int
is_push(char *f[FIELDS], size_t flen[FIELDS])
{
	return flen[FLD_KIND] == 5 && memcmp(f[FLD_KIND], "push", 5) == 0;
}

/* Read what worker i has sent: when a whole frame is in, it is ready
 * (ready[i], counted in *nready); a push's goes to handed[*npush] (from
 * says whose), one that is not a push's readable answered 'E'. A worker
 * that went away or sent what is not a frame is dropped. */
static void
take(const struct config *cfg, struct client *c, int i,
    char *f[][FIELDS], size_t flen[][FIELDS], size_t *framelen, int *ready,
    int *nready, struct push_handed *handed, int *from, int *npush,
    char *answer)
{
	ssize_t	 got;
	int	 n;

	for (;;) {
		if (c[i].cap - c[i].len < 65536) {
			char *g = realloc(c[i].buf, c[i].cap + 65536);
			if (g == NULL)
				break;
			c[i].buf = g;
			c[i].cap += 65536;
		}
		got = read(c[i].fd, c[i].buf + c[i].len, c[i].cap - c[i].len);
		if (got > 0) {
			c[i].len += (size_t)got;
			/* A worker sends one frame, then waits: once it is
			 * all in, there is nothing more to read for now. */
			if (c[i].len >= 4 && c[i].len - 4 >= get32(c[i].buf))
				break;
			continue;
		}
		if (got == 0 || errno != EAGAIN)
			c[i].len = (size_t)-1;
		break;
	}
	if (c[i].len == (size_t)-1) {
		drop(&c[i]);
		return;
	}
	/* A frame over the largest push allowed (its body, and the unknown
	 * fields kept, which as JSON text may take a few times the body) is
	 * not ours. */
	if (c[i].len >= 4 && get32(c[i].buf) >
	    (uint64_t)cfg->callback_max_bytes * 4 + 4096) {
		drop(&c[i]);
		return;
	}
	n = frame_fields(&c[i], f[i], flen[i], &framelen[i]);
	if (n == -1)
		drop(&c[i]);
	else if (n == 1) {
		ready[i] = 1;
		(*nready)++;
		if (!is_push(f[i], flen[i]))
			return;
		if (frame_push(f[i], flen[i], &handed[*npush]) == -1)
			answer[i] = 'E';
		else
			from[(*npush)++] = i;
	}
}

/* How long a round waits at most for the pushes of the other workers. A
 * commit costs an fsync, several milliseconds: a push that comes a little
 * after the round began is answered sooner by waiting for it than by the
 * next round. */
#define ROUND_WAIT_US	1000

/* Take the frames of the workers not ready yet, until the round has
 * want pushes or ROUND_WAIT_US have passed. */
static void
gather(const struct config *cfg, struct client *c, char *f[][FIELDS],
    size_t flen[][FIELDS], size_t *framelen, int *ready, int *nready,
    struct push_handed *handed, int *from, int *npush, char *answer,
    int want)
{
	struct pollfd	 pfd[CLIENTS_MAX];
	struct timespec	 end, now, left;
	int		 i, n;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_nsec += ROUND_WAIT_US * 1000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	while (*npush < want && *npush < CLIENTS_MAX) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0)
			return;
		for (i = 0; i < CLIENTS_MAX; i++)
			pfd[i] = (struct pollfd){ ready[i] ? -1 : c[i].fd,
			    POLLIN, 0 };
		if ((n = ppoll(pfd, CLIENTS_MAX, &left, NULL)) <= 0)
			return;		/* the time is up (or a signal) */
		for (i = 0; i < CLIENTS_MAX; i++)
			if (pfd[i].fd != -1 && (pfd[i].revents &
			    (POLLIN | POLLHUP | POLLERR)))
				take(cfg, c, i, f, flen, framelen, ready,
				    nready, handed, from, npush, answer);
	}
}

void
committer_main(const struct config *cfg, int lfd)
{
	struct client	 c[CLIENTS_MAX];
	struct pollfd	 pfd[CLIENTS_MAX + 1];
	struct db	*db;
	static struct push_handed handed[CLIENTS_MAX];
	char		 answer[CLIENTS_MAX], *f[CLIENTS_MAX][FIELDS];
	char		 gate[512];
	size_t		 flen[CLIENTS_MAX][FIELDS], framelen[CLIENTS_MAX];
	int		 ready[CLIENTS_MAX], from[CLIENTS_MAX];
	int		 result[CLIENTS_MAX], i, n, npush, nready, fd, ok;
	int		 timeout, held = 0, yield = 0, last_round = 0, largest = 0;
	long long	 rounds = 0, pushes = 0;
	long long	 held_since = 0;
	sigset_t	 none;

	/* SIGTERM (from the master, after the last worker) ends the loop
	 * so that the minute's refusals are written first. */
	signal_on_stop(on_term);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL)
		_exit(1);
	if (committer_gate_path(cfg, gate, sizeof(gate)) == -1 ||
	    db_gate_open(db, gate) == -1)
		_exit(1);
	db_defer_checkpoints(db);
	/* Accept every waiting worker in one go, then return to poll(). */
	if (fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) == -1)
		_exit(1);
	for (i = 0; i < CLIENTS_MAX; i++)
		c[i] = (struct client){ -1, NULL, 0, 0 };

	while (!committer_stopping) {
		pfd[0] = (struct pollfd){ lfd, POLLIN, 0 };
		for (i = 0; i < CLIENTS_MAX; i++)
			pfd[i + 1] = (struct pollfd){ c[i].fd, POLLIN, 0 };
		timeout = refusals_timeout();
		if (held && (timeout < 0 || timeout > GATE_IDLE_MS))
			timeout = GATE_IDLE_MS;
		if ((n = poll(pfd, CLIENTS_MAX + 1, timeout)) == -1) {
			if (errno == EINTR)
				continue;
			log_err("committer: poll: %s", strerror(errno));
			_exit(1);
		}
		/* No push for a while, or long enough ahead of the others:
		 * the uploads may go on. */
		if (held && (n == 0 || now_ms() - held_since > GATE_MAX_MS)) {
			db_gate_release(db);
			yield = n > 0;
			held = 0;
		}
		if (!held)
			db_checkpoint_due(db);
		if (refusals_timeout() == 0)
			refusals_flush(db);
		if (n == 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			while ((fd = accept4(lfd, NULL, NULL,
			    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
				for (i = 0; i < CLIENTS_MAX && c[i].fd != -1;
				    i++)
					continue;
				if (i == CLIENTS_MAX) {
					close(fd);	/* it falls back */
					break;
				}
				c[i].fd = fd;
			}
		}
		nready = npush = 0;
		for (i = 0; i < CLIENTS_MAX; i++) {
			ready[i] = 0;
			if (c[i].fd != -1 && (pfd[i + 1].revents &
			    (POLLIN | POLLHUP | POLLERR)))
				take(cfg, c, i, f, flen, framelen, ready,
				    &nready, handed, from, &npush, answer);
		}
		/* Pushes are coming from several workers at once (the last
		 * round had more than this one yet): wait a little for the
		 * others, so that they share this round's fsync rather than
		 * each waiting a whole commit for the next. */
		if (npush > 0 && npush < last_round)
			gather(cfg, c, f, flen, framelen, ready, &nready,
			    handed, from, &npush, answer, last_round);
		if (nready == 0)
			continue;

		/* One transaction, one fsync, for every push waiting; the
		 * refusals are only counted. The gate stays taken while pushes
		 * keep coming, except for one round after a long hold. */
		if (npush == 0)
			ok = 1;
		else if (yield) {
			ok = db_begin_push(db) == 0;
			yield = 0;
		} else {
			if (!held)
				held_since = now_ms();
			ok = db_begin_first(db) == 0;
			held = ok;
		}
		if (npush > 0 && ok)
			(void)committer_commit(db, handed, (size_t)npush,
			    result);
		else
			db_rollback(db);
		for (i = 0; i < npush; i++)
			answer[from[i]] = !ok || result[i] == -1 ? 'E' :
			    result[i] == 1 ? '1' : '0';
		if (npush > 0) {
			last_round = npush;
			rounds++;
			pushes += npush;
			if (npush > largest)
				largest = npush;
		}
		for (i = 0; i < CLIENTS_MAX; i++) {
			if (!ready[i])
				continue;
			if (!is_push(f[i], flen[i]))
				answer[i] = refusal_count(db, cfg, f[i],
				    flen[i]);
			memmove(c[i].buf, c[i].buf + framelen[i],
			    c[i].len - framelen[i]);
			c[i].len -= framelen[i];
			if (write(c[i].fd, &answer[i], 1) != 1)
				drop(&c[i]);
		}
	}
	db_gate_release(db);
	refusals_flush(db);
	/* What the rounds were like: how many pushes shared a commit, and
	 * what a round cost in waits for the database (docs/SCALING.md). */
	log_info("committer: %lld pushes in %lld rounds (at most %d in one), "
	    "%lld database round trips", pushes, rounds, largest,
	    (long long)db_round_trips(db));
	db_close(db);
	_exit(0);
}

/* The worker's side: one connection, kept for the life of the worker. */
static int	 cfd = -1;

/* Send one frame and read the one-byte answer: the byte, or -2 when there
 * is no committer to ask or it went away mid-way. The frame goes in one
 * write, so that the committer wakes once for it, not once a field. */
static int
ask(const struct config *cfg, const char *s[FIELDS], const size_t sl[FIELDS])
{
	struct sockaddr_un sun;
	size_t		 total = 0, i, off;
	char		*frame, ans;
	ssize_t		 r;
	int		 sent;

	for (i = 0; i < FIELDS; i++)
		total += 4 + sl[i];
	if (cfd == -1) {
		sock_path(cfg, &sun);
		if ((cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
		    -1)
			return -2;
		if (connect(cfd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
			close(cfd);
			cfd = -1;
			return -2;
		}
	}
	if ((frame = malloc(4 + total)) == NULL)
		return -2;
	put32(frame, (uint32_t)total);
	for (i = 0, off = 4; i < FIELDS; i++) {
		put32(frame + off, (uint32_t)sl[i]);
		if (sl[i] > 0)
			memcpy(frame + off + 4, s[i], sl[i]);
		off += 4 + sl[i];
	}
	sent = fileio_write_all(cfd, frame, off);
	free(frame);
	if (sent == -1)
		goto lost;
	while ((r = read(cfd, &ans, 1)) == -1 && errno == EINTR)
		continue;
	if (r != 1)
		goto lost;
	return (unsigned char)ans;
lost:
	close(cfd);
	cfd = -1;
	return -2;
}

int
committer_submit(const struct config *cfg, const struct audit_actor *who,
    const char *ctype, const char *body, size_t len, const struct push *p)
{
	char		 figures[FIGURES_LEN];
	const char	*reason = p->ok ? "" : p->reason;
	const char	*s[FIELDS] = { "push", who->addr, who->user_agent,
	    ctype, body, p->sn, p->vendor_task_id, p->ok ? "1" : "0", reason,
	    figures, p->extra };
	size_t		 sl[FIELDS] = { 5, strlen(who->addr) + 1,
	    strlen(who->user_agent) + 1, strlen(ctype) + 1, len,
	    strlen(p->sn) + 1, strlen(p->vendor_task_id) + 1, 1,
	    strlen(reason) + 1, FIGURES_LEN, strlen(p->extra) + 1 };
	size_t		 i, j;
	int		 ans;

	for (i = 0; i < PF__MAX; i++)
		for (j = 0; j < 8; j++)
			figures[8 * i + j] = (char)((uint64_t)p->fig[i] >>
			    (56 - 8 * j));
	/* -2, gone mid-way: whether it committed is unknown, so the caller
	 * stores it itself; the same body then counts as a duplicate. */
	if ((ans = ask(cfg, s, sl)) == -2)
		return -2;
	return ans == '1' ? 1 : ans == '0' ? 0 : -1;
}

int
committer_refused(const struct config *cfg, const struct audit_actor *who,
    int address)
{
	const char	*kind = address ? "address" : "token";
	const char	*s[FIELDS] = { kind, who->addr, who->user_agent };
	size_t		 sl[FIELDS] = { strlen(kind) + 1, strlen(who->addr) + 1,
	    strlen(who->user_agent) + 1 };
	int		 ans = ask(cfg, s, sl);

	return ans == -2 ? -2 : ans == 'L' ? 1 : 0;
}
