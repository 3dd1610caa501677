/* fuzz.c: helpers shared by the harnesses (see fuzz.h). */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "calllist.h"
#include "fuzz.h"
#include "phone.h"
#include "utf8.h"

int
fuzz_file(const void *data, size_t size, char *path, size_t pathsz)
{
	const char	*p = data;
	ssize_t		 n;
	int		 fd;

	if ((fd = memfd_create("fuzz", MFD_CLOEXEC)) == -1)
		return -1;
	while (size > 0) {
		if ((n = write(fd, p, size)) <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		size -= (size_t)n;
	}
	snprintf(path, pathsz, "/proc/self/fd/%d", fd);
	return fd;
}

struct rows {
	const struct calllist_info *info;
	long	 seen, stop_after;
	long	 last_line;
	uint64_t h;	/* FNV-1a of what was handed over */
};

static void
hash_add(uint64_t *h, const void *p, size_t n)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < n; i++) {
		*h ^= s[i];
		*h *= 0x100000001b3ULL;
	}
}

static void
hash_long(uint64_t *h, long v)
{
	hash_add(h, &v, sizeof(v));
}

static void
hash_str(uint64_t *h, const char *s)
{
	hash_add(h, s, strlen(s) + 1);
}

static int
row_cb(void *arg, const struct calllist_row *row)
{
	struct rows	*rs = arg;
	char		 norm[PHONE_NORM_SIZE];
	size_t		 i;

	if (row->info != rs->info || row->phone_raw == NULL ||
	    row->name == NULL || row->cols == NULL || row->line < 1 ||
	    row->nvals != (row->ncols > row->info->ncols ? row->ncols :
	    row->info->ncols))
		abort();
	/* CSV lines only go forward; .xlsx rows carry their own numbers but
	 * leave out no cell that the header row has (calllist.h). */
	if (row->info->format == CL_CSV && row->line <= rs->last_line)
		abort();
	if (row->info->format == CL_XLSX && row->ncols < row->info->ncols)
		abort();
	rs->last_line = row->line;
	/* Cells go to SQLite and the pages as they are: UTF-8 text. */
	for (i = 0; i < row->nvals; i++)
		if (row->cols[i] == NULL ||
		    !utf8_valid(row->cols[i], strlen(row->cols[i])))
			abort();
	(void)phone_normalise(row->phone_raw, strlen(row->phone_raw), norm,
	    sizeof(norm));
	hash_long(&rs->h, row->line);
	hash_long(&rs->h, (long)row->ncols);
	for (i = 0; i < row->nvals; i++)
		hash_str(&rs->h, row->cols[i]);
	hash_str(&rs->h, row->phone_raw);
	hash_str(&rs->h, row->name);
	rs->seen++;
	return rs->stop_after > 0 && rs->seen >= rs->stop_after;
}

uint64_t
fuzz_calllist(const char *path, const struct calllist_opts *opts,
    long stop_after, enum calllist_encoding *enc)
{
	struct calllist_info	 info;
	struct calllist_error	 err;
	struct rows		 rs = { &info, 0, stop_after, 0,
				    0xcbf29ce484222325ULL };
	enum calllist_status	 st;
	size_t			 i;

	st = calllist_read(path, opts, row_cb, &rs, &info, &err);
	if (st >= CL_STATUS__MAX || calllist_status_code(st) == NULL ||
	    err.code != st || memchr(err.zh, '\0', sizeof(err.zh)) == NULL ||
	    memchr(err.en, '\0', sizeof(err.en)) == NULL)
		abort();
	if (st == CL_OK && (rs.seen == 0 || info.rows != rs.seen))
		abort();
	if (st == CL_STOPPED && rs.seen != stop_after)
		abort();
	for (i = 0; info.headers != NULL && i < info.ncols; i++)
		if (info.headers[i] == NULL ||
		    !utf8_valid(info.headers[i], strlen(info.headers[i])))
			abort();
		else
			hash_str(&rs.h, info.headers[i]);
	hash_long(&rs.h, st);
	hash_long(&rs.h, err.line);
	hash_str(&rs.h, err.en);
	hash_long(&rs.h, (long)info.ncols);
	hash_long(&rs.h, info.phone_col);
	hash_long(&rs.h, info.name_col);
	hash_long(&rs.h, info.has_header);
	hash_long(&rs.h, info.rows);
	hash_long(&rs.h, info.delimiter);
	if (enc != NULL)
		*enc = info.encoding;
	calllist_info_free(&info);
	return rs.h;
}

/* http_io's read: hand out the body in pieces of at most n bytes. */
static int
body_read(void *ctx, char *buf, int n)
{
	struct fuzz_request	*fr = ctx;
	size_t			 k = fr->bodylen - fr->off;

	if (n <= 0)
		return 0;
	if (k > (size_t)n)
		k = (size_t)n;
	memcpy(buf, fr->body + fr->off, k);
	fr->off += k;
	return (int)k;
}

static int
body_write(void *ctx, const char *buf, int n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return 0;
}

void
fuzz_request_init(struct fuzz_request *fr, const char *body, size_t bodylen)
{
	memset(fr, 0, sizeof(*fr));
	fr->io.ctx = fr;
	fr->io.read = body_read;
	fr->io.write = body_write;
	fr->io.envp = fr->env;
	fr->body = body;
	fr->bodylen = body != NULL ? bodylen : 0;
}

int
fuzz_request_env(struct fuzz_request *fr, const char *name, const char *value)
{
	/* keep the last slot for the terminating NULL */
	if (fr->nenv + 1 >= sizeof(fr->env) / sizeof(fr->env[0]) ||
	    asprintf(&fr->env[fr->nenv], "%s=%s", name, value) < 0)
		return -1;
	fr->nenv++;
	return 0;
}

void
fuzz_request_free(struct fuzz_request *fr)
{
	size_t	 i;

	for (i = 0; i < fr->nenv; i++)
		free(fr->env[i]);
	memset(fr, 0, sizeof(*fr));
}

static char	 tmpdir[4096];

static void
tmpdir_remove(void)
{
	(void)rmdir(tmpdir);
}

const char *
fuzz_tmpdir(void)
{
	const char	*t;

	if (tmpdir[0] == '\0') {
		if ((t = getenv("TMPDIR")) == NULL || *t == '\0')
			t = "/tmp";
		snprintf(tmpdir, sizeof(tmpdir), "%s/dd-fuzz-XXXXXX", t);
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			abort();
		}
		atexit(tmpdir_remove);
	}
	return tmpdir;
}
