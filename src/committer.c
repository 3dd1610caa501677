/* committer.c: one process commits the pushes of all workers in batches.
 *
 * Frames on the socket, worker to committer: a 4-byte length, then four
 * strings each behind a 4-byte length: address, user agent, content type,
 * body. The answer is one byte: '1' stored, '0' duplicate, 'E' error.
 * A worker sends one frame and waits, so each round takes at most one
 * frame from each worker: all of them go into one transaction. */
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
#include <unistd.h>

#include "audit.h"
#include "committer.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "push.h"

#define CLIENTS_MAX	128

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

/* The four strings of a complete frame (NUL-terminated in place: each
 * length field is overwritten by the previous string's NUL). */
static int
frame_fields(struct client *c, char *f[4], size_t flen[4], size_t *framelen)
{
	size_t	 total, off = 4, i;

	if (c->len < 4)
		return 0;
	total = get32(c->buf);
	if (c->len < 4 + total)
		return 0;
	for (i = 0; i < 4; i++) {
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

/* Store one frame inside the open transaction. Returns the answer. */
static char
store_one(struct db *db, char *f[4], size_t flen[4])
{
	struct audit_actor who;
	struct push	 p;
	char		 why[256], *s[3];
	int64_t		 id;
	size_t		 i;
	int		 rc;

	/* Copies with NULs for the three short strings. */
	for (i = 0; i < 3; i++)
		if ((s[i] = strndup(f[i], flen[i])) == NULL) {
			while (i-- > 0)
				free(s[i]);
			return 'E';
		}
	who = (struct audit_actor){ 0, "vendor", s[0], s[1] };
	if (push_parse(s[2], f[3], flen[3], &p, why, sizeof(why)) == -1)
		rc = -1;	/* the worker parsed it already: cannot be */
	else {
		rc = push_store_tx(db, &who, s[2], f[3], flen[3], &p, &id);
		push_clear(&p);
	}
	for (i = 0; i < 3; i++)
		free(s[i]);
	return rc == 1 ? '1' : rc == 0 ? '0' : 'E';
}

void
committer_main(const struct config *cfg, int lfd)
{
	struct client	 c[CLIENTS_MAX];
	struct pollfd	 pfd[CLIENTS_MAX + 1];
	struct db	*db;
	char		 answer[CLIENTS_MAX], *f[CLIENTS_MAX][4];
	size_t		 flen[CLIENTS_MAX][4], framelen[CLIENTS_MAX];
	int		 ready[CLIENTS_MAX], i, n, nready, fd, ok;
	ssize_t		 got;
	sigset_t	 none;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL)
		_exit(1);
	/* Accept every waiting worker in one go, then return to poll(). */
	if (fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) == -1)
		_exit(1);
	for (i = 0; i < CLIENTS_MAX; i++)
		c[i] = (struct client){ -1, NULL, 0, 0 };

	for (;;) {
		pfd[0] = (struct pollfd){ lfd, POLLIN, 0 };
		for (i = 0; i < CLIENTS_MAX; i++)
			pfd[i + 1] = (struct pollfd){ c[i].fd, POLLIN, 0 };
		if (poll(pfd, CLIENTS_MAX + 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			log_err("committer: poll: %s", strerror(errno));
			_exit(1);
		}
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
		nready = 0;
		for (i = 0; i < CLIENTS_MAX; i++) {
			ready[i] = 0;
			if (c[i].fd == -1 || !(pfd[i + 1].revents &
			    (POLLIN | POLLHUP | POLLERR)))
				continue;
			for (;;) {
				if (c[i].cap - c[i].len < 65536) {
					char *g = realloc(c[i].buf,
					    c[i].cap + 65536);
					if (g == NULL)
						break;
					c[i].buf = g;
					c[i].cap += 65536;
				}
				got = read(c[i].fd, c[i].buf + c[i].len,
				    c[i].cap - c[i].len);
				if (got > 0) {
					c[i].len += (size_t)got;
					continue;
				}
				if (got == 0 || errno != EAGAIN)
					c[i].len = (size_t)-1;
				break;
			}
			if (c[i].len == (size_t)-1) {
				drop(&c[i]);
				continue;
			}
			/* A frame over the largest push allowed is not ours. */
			if (c[i].len >= 4 && get32(c[i].buf) >
			    (uint32_t)cfg->callback_max_bytes + 4096) {
				drop(&c[i]);
				continue;
			}
			n = frame_fields(&c[i], f[i], flen[i], &framelen[i]);
			if (n == -1)
				drop(&c[i]);
			else if (n == 1) {
				ready[i] = 1;
				nready++;
			}
		}
		if (nready == 0)
			continue;

		/* One transaction, one fsync, for every push waiting. */
		ok = db_begin(db) == 0;
		for (i = 0; i < CLIENTS_MAX; i++)
			if (ready[i])
				answer[i] = ok ? store_one(db, f[i], flen[i]) :
				    'E';
		if (ok && db_commit(db) == -1)
			ok = 0;
		db_rollback(db);
		for (i = 0; i < CLIENTS_MAX; i++) {
			if (!ready[i])
				continue;
			if (!ok)
				answer[i] = 'E';
			memmove(c[i].buf, c[i].buf + framelen[i],
			    c[i].len - framelen[i]);
			c[i].len -= framelen[i];
			if (write(c[i].fd, &answer[i], 1) != 1)
				drop(&c[i]);
		}
	}
}

/* The worker's side: one connection, kept for the life of the worker. */
static int	 cfd = -1;

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
committer_submit(const struct config *cfg, const struct audit_actor *who,
    const char *ctype, const char *body, size_t len)
{
	struct sockaddr_un sun;
	const char	*s[4] = { who->addr, who->user_agent, ctype, body };
	size_t		 sl[4], total = 0, i;
	char		 hdr[4], ans;
	ssize_t		 r;

	sl[0] = strlen(s[0]);
	sl[1] = strlen(s[1]);
	sl[2] = strlen(s[2]);
	sl[3] = len;
	for (i = 0; i < 4; i++)
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
	put32(hdr, (uint32_t)total);
	if (write_all(cfd, hdr, 4) == -1)
		goto lost;
	for (i = 0; i < 4; i++) {
		put32(hdr, (uint32_t)sl[i]);
		if (write_all(cfd, hdr, 4) == -1 ||
		    write_all(cfd, s[i], sl[i]) == -1)
			goto lost;
	}
	while ((r = read(cfd, &ans, 1)) == -1 && errno == EINTR)
		continue;
	if (r != 1)
		goto lost;
	return ans == '1' ? 1 : ans == '0' ? 0 : -1;
lost:
	/* Gone mid-way: whether it committed is unknown, so the caller
	 * stores it itself; the same body then counts as a duplicate. */
	close(cfd);
	cfd = -1;
	return -2;
}
