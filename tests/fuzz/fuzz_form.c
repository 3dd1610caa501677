/* fuzz_form.c: libFuzzer harness for the four parsers of src/form.c. Any
 * input must leave them without a crash or leak, and the multipart parser
 * must report the same events and result however the body is chunked.
 *
 * Built by `./configure --enable-fuzz` (tests/fuzz/README). Built with
 * -DFUZZ_FORM_MAIN instead of -fsanitize=fuzzer, it replays the files
 * named on its command line (any compiler will do). */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/form.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Events go into a running FNV-1a hash, byte by byte, so that file data
 * handed over in different pieces hashes the same. */
struct trace {
	uint64_t	 h;
};

static void
trace_add(struct trace *t, const void *p, size_t n)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < n; i++) {
		t->h ^= s[i];
		t->h *= 0x100000001b3ULL;
	}
}

static void
trace_str(struct trace *t, const char *s)
{
	trace_add(t, s, strlen(s) + 1);
}

static int
on_pair(void *arg, const char *key, size_t keylen, const char *val,
    size_t vallen)
{
	struct trace	*t = arg;

	if (key[keylen] != '\0' || val[vallen] != '\0')
		abort();
	trace_add(t, key, keylen);
	trace_add(t, val, vallen);
	return 0;
}

static int
on_field(void *arg, const char *name, const char *val, size_t vallen)
{
	struct trace	*t = arg;

	if (val[vallen] != '\0')
		abort();
	trace_str(t, "field");
	trace_str(t, name);
	trace_add(t, val, vallen);
	return 0;
}

static int
on_file_begin(void *arg, const char *name, const char *filename,
    const char *ctype)
{
	struct trace	*t = arg;

	trace_str(t, "file");
	trace_str(t, name);
	trace_str(t, filename);
	trace_str(t, ctype);
	return 0;
}

static int
on_file_data(void *arg, const char *data, size_t len)
{
	struct trace	*t = arg;

	if (len == 0)
		abort();
	trace_add(t, data, len);
	return 0;
}

static int
on_file_end(void *arg)
{
	trace_str(arg, "end");
	return 0;
}

static const struct multipart_cb cbs = {
	on_field, on_file_begin, on_file_data, on_file_end
};

/* Small limits, so that the fuzzer reaches them. */
static const struct multipart_limits lims = { 200, 100, 6 };

/* Feed body in pieces whose sizes come from seed (0: in one piece);
 * returns the result and the hash of the events. */
static int
run_multipart(const char *boundary, const char *body, size_t len,
    unsigned seed, uint64_t *hash)
{
	struct trace		 t = { 0xcbf29ce484222325ULL };
	struct multipart	*mp;
	size_t			 off = 0, n;
	int			 rc = MP_OK;

	if ((mp = multipart_new(boundary, &lims, &cbs, &t)) == NULL)
		abort();
	while (off < len && rc == MP_OK) {
		if (seed == 0)
			n = len - off;
		else {
			seed = seed * 1103515245u + 12345u;
			n = (seed >> 16) % 8;	/* 0 included */
			if (n > len - off)
				n = len - off;
		}
		rc = multipart_feed(mp, body + off, n);
		off += n;
	}
	if (rc == MP_OK)
		rc = multipart_finish(mp);
	if (multipart_feed(mp, "", 0) != rc || multipart_finish(mp) != rc)
		abort();
	if (multipart_strerror(rc) == NULL)
		abort();
	multipart_free(mp);
	*hash = t.h;
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace	 t = { 0 };
	const char	*in = (const char *)data;
	char		*str, out[72], small[5];
	uint64_t	 h1, h2;
	int		 r1, r2;

	(void)form_urlencoded(in, size, on_pair, &t);

	/* The header parsers take C strings. */
	if ((str = malloc(size + 1)) == NULL)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';
	(void)form_cookies(str, on_pair, &t);
	if (form_boundary(str, out, sizeof(out)) == 0 &&
	    (strlen(out) == 0 || strlen(out) > 70))
		abort();
	if (form_boundary(str, small, sizeof(small)) == 0 &&
	    strlen(small) >= sizeof(small))
		abort();
	free(str);

	/* A short fixed boundary, which the fuzzer finds easily; the first
	 * byte picks the chunking to compare with the whole body. */
	if (size == 0)
		return 0;
	r1 = run_multipart("xY", in + 1, size - 1, 0, &h1);
	r2 = run_multipart("xY", in + 1, size - 1, 1u + data[0], &h2);
	if (r1 != r2 || h1 != h2) {
		fprintf(stderr, "whole: %d %016llx, chunked: %d %016llx\n",
		    r1, (unsigned long long)h1, r2, (unsigned long long)h2);
		abort();
	}
	return 0;
}

#ifdef FUZZ_FORM_MAIN
/* Replay driver for builds without libFuzzer. */
int
main(int argc, char *argv[])
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, n;
	int	 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		len = 0;
		for (;;) {
			if (len == cap) {
				cap = cap != 0 ? cap * 2 : 4096;
				if ((buf = realloc(buf, cap)) == NULL)
					return 1;
			}
			if ((n = fread(buf + len, 1, cap - len, f)) == 0)
				break;
			len += n;
		}
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
		printf("%s: ok\n", argv[i]);
	}
	free(buf);
	return 0;
}
#endif
