/* hello.c: the yardstick of bench/run.sh: a prefork FastCGI hello world,
 * built like dialdesk's server (a master, N workers on one unix socket,
 * each serving one request at a time from FCGX_Accept_r) but doing
 * nothing per request, so that nginx and libfcgi alone set its rate
 * (the server is bench/prefork.c, which bench/refpage.c shares).
 *
 * usage: hello SOCKET WORKERS [BYTES]
 * BYTES (default: none) pads the page with table rows to about that size,
 * to tell what moving a page of that size costs from what making it
 * costs. The socket is made mode 0666 (it lives in the benchmark's private
 * folder, and nginx's workers may run as www-data). SIGTERM or SIGINT
 * stops the workers and removes the socket. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "prefork.h"

/* A small page with the headers a real one carries. */
static const char head[] = PREFORK_PAGE_START
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

/* A request: the page, nothing else. */
static void
serve(FCGX_Request *req, void *arg)
{
	(void)arg;
	FCGX_PutStr(page, (int)pagelen, req->out);
}

int
main(int argc, char *argv[])
{
	char	*end;
	long	 n, bytes = 0;
	int	 rc;

	if (argc < 3 || argc > 4 || (n = prefork_parse_workers(argv[2])) < 0 ||
	    (argc == 4 && ((bytes = strtol(argv[3], &end, 10)) < 0 ||
	    bytes > 1 << 24 || *end != '\0'))) {
		fprintf(stderr, "usage: hello SOCKET WORKERS (1-%d) "
		    "[BYTES]\n", PREFORK_WORKERS_MAX);
		return 2;
	}
	if (make_page(bytes) == -1) {
		fprintf(stderr, "hello: out of memory\n");
		return 1;
	}
	rc = prefork_run("hello", argv[1], n, NULL, serve, NULL);
	free(page);
	return rc;
}
