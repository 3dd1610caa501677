/* hello.c: the yardstick of bench/run.sh: a prefork FastCGI hello world,
 * built like dialdesk's server (a master, N workers on one unix socket,
 * each serving one request at a time from FCGX_Accept_r) but doing
 * nothing per request, so that nginx and libfcgi alone set its rate.
 *
 * usage: hello SOCKET WORKERS [BYTES]
 * BYTES (default: none) pads the page with table rows to about that size,
 * to tell what moving a page of that size costs from what making it
 * costs. The socket is made mode 0666 (it lives in the benchmark's private
 * folder, and nginx's workers may run as www-data). SIGTERM or SIGINT
 * stops the workers and removes the socket. */
#include "autoconf.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#define WORKERS_MAX	64

static volatile sig_atomic_t stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static int
set_signal(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: accept() and sigsuspend() must see the signal. */
	return sigaction(sig, &sa, NULL);
}

/* A small page with the headers a real one carries. */
static const char head[] =
    "Status: 200 OK\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "\r\n"
    "<!doctype html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\">"
    "<title>hello</title></head>\n<body><p>你好,FastCGI。</p>\n";
static const char row[] =
    "<tr><td>2026-11-21 20:00:00</td><td>admin</td><td>127.0.0.1</td>"
    "<td>登录成功</td><td>task:1</td><td>{\"seq\":1}</td></tr>\n";
static const char tail[] = "</body>\n</html>\n";

static char	*page;
static size_t	 pagelen;

/* The page: head, rows up to about bytes, tail. */
static int
make_page(long bytes)
{
	size_t	 rows = 0, i, at;

	while (bytes > 0 && sizeof(head) + sizeof(tail) + rows *
	    (sizeof(row) - 1) < (size_t)bytes)
		rows++;
	pagelen = sizeof(head) - 1 + rows * (sizeof(row) - 1) +
	    sizeof(tail) - 1;
	if ((page = malloc(pagelen)) == NULL)
		return -1;
	memcpy(page, head, sizeof(head) - 1);
	at = sizeof(head) - 1;
	for (i = 0; i < rows; i++, at += sizeof(row) - 1)
		memcpy(page + at, row, sizeof(row) - 1);
	memcpy(page + at, tail, sizeof(tail) - 1);
	return 0;
}

static void __attribute__((noreturn))
worker(int fd)
{
	FCGX_Request	 req;
	sigset_t	 none;

	set_signal(SIGTERM, on_stop);
	set_signal(SIGINT, on_stop);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the master blocked them */
	if (FCGX_InitRequest(&req, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		_exit(1);
	while (!stopping && FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(page, (int)pagelen, req.out);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int
main(int argc, char *argv[])
{
	pid_t	 pids[WORKERS_MAX];
	sigset_t	 block, old;
	char	*end;
	long	 n, bytes = 0;
	int	 fd, i, alive;

	if (argc < 3 || argc > 4 || (n = strtol(argv[2], &end, 10)) < 1 ||
	    n > WORKERS_MAX || *end != '\0' || (argc == 4 &&
	    ((bytes = strtol(argv[3], &end, 10)) < 0 || bytes > 1 << 24 ||
	    *end != '\0'))) {
		fprintf(stderr, "usage: hello SOCKET WORKERS (1-%d) "
		    "[BYTES]\n", WORKERS_MAX);
		return 2;
	}
	if (make_page(bytes) == -1) {
		fprintf(stderr, "hello: out of memory\n");
		return 1;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "hello: FCGX_Init failed\n");
		return 1;
	}
	(void)unlink(argv[1]);
	/* libfcgi takes a path without ':' as a unix socket. */
	if ((fd = FCGX_OpenSocket(argv[1], 128)) < 0 ||
	    chmod(argv[1], 0666) == -1) {
		fprintf(stderr, "hello: cannot listen on %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	/* Blocked until sigsuspend(), so that a stop between the test of
	 * `stopping` and the wait is not lost. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	set_signal(SIGTERM, on_stop);
	set_signal(SIGINT, on_stop);
	for (i = 0; i < n; i++) {
		if ((pids[i] = fork()) == -1) {
			fprintf(stderr, "hello: fork: %s\n", strerror(errno));
			n = i;
			stopping = 1;
			break;
		}
		if (pids[i] == 0)
			worker(fd);
	}
	/* A worker that dies leaves the others serving: the master only
	 * waits for the word to stop. */
	while (!stopping)
		sigsuspend(&old);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (alive = (int)n; alive > 0;) {
		if (wait(NULL) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		alive--;
	}
	close(fd);
	unlink(argv[1]);
	free(page);
	return 0;
}
