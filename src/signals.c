/* signals.c: signal handlers installed one way (see signals.h). */
#include "autoconf.h"

#include <signal.h>
#include <string.h>

#include "signals.h"

int
signal_set(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

int
signal_on_stop(void (*fn)(int))
{
	if (signal_set(SIGTERM, fn) == -1 || signal_set(SIGINT, fn) == -1)
		return -1;
	return 0;
}
