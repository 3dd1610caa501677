/* prefork.c: the prefork FastCGI server of the bench's own pages
 * (bench/hello.c, bench/refpage.c); see prefork.h. */
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

#include "prefork.h"

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

long
prefork_parse_workers(const char *s)
{
	char	*end;
	long	 n;

	n = strtol(s, &end, 10);
	if (n < 1 || n > PREFORK_WORKERS_MAX || *end != '\0')
		return -1;
	return n;
}

static void __attribute__((noreturn))
worker(int fd, prefork_init_fn *init, prefork_serve_fn *serve, void *arg)
{
	FCGX_Request	 req;
	sigset_t	 none;

	set_signal(SIGTERM, on_stop);
	set_signal(SIGINT, on_stop);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);	/* the master blocked them */
	if (init != NULL && init(arg) == -1)
		_exit(1);
	if (FCGX_InitRequest(&req, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		_exit(1);
	while (!stopping && FCGX_Accept_r(&req) >= 0) {
		serve(&req, arg);
		FCGX_Finish_r(&req);
	}
	_exit(0);
}

int
prefork_run(const char *prog, const char *socket, long workers,
    prefork_init_fn *init, prefork_serve_fn *serve, void *arg)
{
	pid_t		 pids[PREFORK_WORKERS_MAX];
	sigset_t	 block, old;
	long		 n = workers;
	int		 fd, i, alive;

	if (n < 1 || n > PREFORK_WORKERS_MAX)
		return 2;
	if (FCGX_Init() != 0) {
		fprintf(stderr, "%s: FCGX_Init failed\n", prog);
		return 1;
	}
	(void)unlink(socket);
	/* libfcgi takes a path without ':' as a unix socket. */
	if ((fd = FCGX_OpenSocket(socket, 128)) < 0 ||
	    chmod(socket, 0666) == -1) {
		fprintf(stderr, "%s: cannot listen on %s: %s\n", prog, socket,
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
			fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
			n = i;
			stopping = 1;
			break;
		}
		if (pids[i] == 0)
			worker(fd, init, serve, arg);
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
	unlink(socket);
	return 0;
}
