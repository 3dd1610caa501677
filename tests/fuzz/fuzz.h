/* fuzz.h: what the libFuzzer harnesses of tests/fuzz share: handing the
 * input to an API that wants a file, or a whole HTTP request. */
#ifndef DIALDESK_FUZZ_H
#define DIALDESK_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "calllist.h"
#include "http.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The input as a file in memory (memfd), named by path ("/proc/self/fd/N",
 * which the parsers open() like any file). Returns the fd to close(), or
 * -1, in which case the harness skips the input. */
int	fuzz_file(const void *data, size_t size, char *path, size_t pathsz);

/* Read the list at path with calllist_read() as the preview does, with
 * opts (NULL: detect everything), checking what it hands over; rows after
 * stop_after are refused (0: none). Aborts on a broken promise of
 * calllist.h. Returns a hash of everything read but the encoding, which
 * goes to enc (may be NULL). */
uint64_t fuzz_calllist(const char *path, const struct calllist_opts *opts,
	    long stop_after, enum calllist_encoding *enc);

/* A request as FastCGI hands it over: CGI variables and a body. */
struct fuzz_request {
	struct http_io	 io;
	char		*env[16];
	size_t		 nenv;
	const char	*body;
	size_t		 bodylen, off;
};

/* Start a request with body (not copied; may be NULL). */
void	fuzz_request_init(struct fuzz_request *, const char *body,
	    size_t bodylen);
/* Add a variable: "NAME=value" from name and value (copied); 0 or -1. */
int	fuzz_request_env(struct fuzz_request *, const char *name,
	    const char *value);
void	fuzz_request_free(struct fuzz_request *);

/* A folder of our own under $TMPDIR for uploads: made on the first call,
 * removed at exit (it is empty by then unless a harness failed). */
const char *fuzz_tmpdir(void);

#endif
