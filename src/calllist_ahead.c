/* calllist_ahead.c: calllist_read_ahead(): the list read in a thread of
 * its own while the caller's thread takes its rows, so that parsing a
 * sheet and storing its rows use two cores. Rows go over in chunks
 * through a ring of CHUNKS buffers, reused: memory stays bounded however
 * long the list, and neither side waits on the other for every row. */
#include "autoconf.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calllist.h"
#include "calllist_impl.h"

/* Chunks in the ring: the reader may be up to CHUNKS - 1 chunks ahead. */
#define CHUNKS		4
/* A chunk is handed over at this many rows or cell bytes, whichever comes
 * first (one row over CHUNK_BYTES is a chunk of its own). */
#define CHUNK_ROWS	512
#define CHUNK_BYTES	(128 * 1024)

struct ahead_row {
	long	 line;
	size_t	 ncols, nvals;
	size_t	 cell;		/* its first cell in off[] */
};

/* Rows as the reader made them; what the rows need of the info is
 * copied in (the reader goes on changing its own). */
struct chunk {
	struct calllist_info shape;
	struct ahead_row *rows;
	size_t		 nrows, rowcap;
	size_t		*off;		/* each cell's text in text[] */
	size_t		 noff, offcap;
	char		*text;
	size_t		 len, cap;
};

struct ahead {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct chunk	 ring[CHUNKS];
	size_t		 head;		/* the oldest full chunk */
	size_t		 full;		/* full chunks, from head on */
	struct chunk	*filling;	/* the reader's, not yet handed over */
	int		 stop;		/* the taker wants no more rows */
	int		 done;		/* the reader has ended */
	int		 nomem;		/* a chunk could not grow */
	long		 nomem_line;
	enum calllist_status status;	/* calllist_read()'s */

	const char	*path;
	const struct calllist_opts *opts;
	struct calllist_info *info;
	struct calllist_error *err;
};

/* Growth without a limit of its own: what is copied was within the
 * reader's limits already. */
static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	return cl_grow(p, cap, need, size, SIZE_MAX / size);
}

/* Copy one row into the chunk: 0, or -1 out of memory. */
static int
chunk_add(struct chunk *c, const struct calllist_row *row)
{
	struct ahead_row *r;
	size_t		 i, n, bytes = 0;

	for (i = 0; i < row->nvals; i++)
		bytes += strlen(row->cols[i]) + 1;
	if (grow((void **)&c->rows, &c->rowcap, c->nrows + 1,
	    sizeof(*c->rows)) == -1 ||
	    grow((void **)&c->off, &c->offcap, c->noff + row->nvals,
	    sizeof(*c->off)) == -1 ||
	    grow((void **)&c->text, &c->cap, c->len + bytes, 1) == -1)
		return -1;
	r = &c->rows[c->nrows++];
	r->line = row->line;
	r->ncols = row->ncols;
	r->nvals = row->nvals;
	r->cell = c->noff;
	for (i = 0; i < row->nvals; i++) {
		n = strlen(row->cols[i]) + 1;
		memcpy(c->text + c->len, row->cols[i], n);
		c->off[c->noff++] = c->len;
		c->len += n;
	}
	return 0;
}

static void
hand_over(struct ahead *a)
{
	pthread_mutex_lock(&a->mu);
	a->full++;
	a->filling = NULL;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/* The reader's row callback: into the chunk being filled. */
static int
reader_row(void *arg, const struct calllist_row *row)
{
	struct ahead	*a = arg;
	struct chunk	*c;

	if (a->filling == NULL) {
		pthread_mutex_lock(&a->mu);
		while (a->full == CHUNKS && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			return 1;
		}
		/* head + full stays put while the taker frees chunks. */
		c = &a->ring[(a->head + a->full) % CHUNKS];
		pthread_mutex_unlock(&a->mu);
		c->nrows = c->noff = c->len = 0;
		memset(&c->shape, 0, sizeof(c->shape));
		c->shape.format = row->info->format;
		c->shape.encoding = row->info->encoding;
		c->shape.delimiter = row->info->delimiter;
		c->shape.ncols = row->info->ncols;
		c->shape.phone_col = row->info->phone_col;
		c->shape.name_col = row->info->name_col;
		c->shape.has_header = row->info->has_header;
		c->shape.header_line = row->info->header_line;
		c->shape.sheet = row->info->sheet;
		a->filling = c;
	}
	c = a->filling;
	if (chunk_add(c, row) == -1) {
		a->nomem = 1;
		a->nomem_line = row->line;
		return 1;
	}
	if (c->nrows >= CHUNK_ROWS || c->len >= CHUNK_BYTES)
		hand_over(a);
	return 0;
}

static void *
reader_main(void *arg)
{
	struct ahead		*a = arg;
	enum calllist_status	 st;

	st = calllist_read(a->path, a->opts, reader_row, a, a->info, a->err);
	if (a->filling != NULL && a->filling->nrows > 0 && !a->nomem)
		hand_over(a);
	pthread_mutex_lock(&a->mu);
	a->filling = NULL;
	a->status = st;
	a->done = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* The rows of one chunk to the caller's callback: 0, or 1 it stopped. */
static int
take_chunk(const struct chunk *c, const char ***vals, size_t *valcap,
    int (*row_cb)(void *, const struct calllist_row *), void *arg)
{
	struct calllist_row	 row;
	const struct ahead_row	*r;
	size_t			 i, k;

	for (i = 0; i < c->nrows; i++) {
		r = &c->rows[i];
		if (grow((void **)vals, valcap, r->nvals, sizeof(**vals)) == -1)
			return -1;
		for (k = 0; k < r->nvals; k++)
			(*vals)[k] = c->text + c->off[r->cell + k];
		memset(&row, 0, sizeof(row));
		row.line = r->line;
		row.ncols = r->ncols;
		row.nvals = r->nvals;
		row.cols = *vals;
		row.phone_raw = (*vals)[c->shape.phone_col];
		row.name = c->shape.name_col >= 0 ?
		    (*vals)[c->shape.name_col] : "";
		row.info = &c->shape;
		if (row_cb(arg, &row) != 0)
			return 1;
	}
	return 0;
}

/* The reader's own state, and what calllist_ahead_start() was given. */
struct calllist_ahead {
	struct ahead	 a;
	pthread_t	 th;
	int		 threaded;	/* else read in calllist_ahead_finish */
};

struct calllist_ahead *
calllist_ahead_start(const char *path, const struct calllist_opts *opts,
    struct calllist_info *info, struct calllist_error *err)
{
	struct calllist_ahead	*h;
	sigset_t		 all, old;
	int			 rc;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->a.path = path;
	h->a.opts = opts;
	h->a.info = info;
	h->a.err = err;
	if (pthread_mutex_init(&h->a.mu, NULL) != 0)
		return h;
	if (pthread_cond_init(&h->a.cv, NULL) != 0) {
		pthread_mutex_destroy(&h->a.mu);
		return h;
	}
	/* Signals stay with the caller's thread, which handles them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&h->th, NULL, reader_main, &h->a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&h->a.cv);
		pthread_mutex_destroy(&h->a.mu);
		return h;
	}
	h->threaded = 1;
	return h;
}

/* Take the rows from the ring until the reader ends or row_cb (NULL: at
 * once) stops: 0, 1 stopped, -1 out of memory. */
static int
take_all(struct ahead *a, int (*row_cb)(void *, const struct calllist_row *),
    void *arg)
{
	const char	**vals = NULL;
	size_t		 valcap = 0;
	int		 taken = row_cb == NULL;

	pthread_mutex_lock(&a->mu);
	while (!taken) {
		while (a->full == 0 && !a->done)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->full == 0)
			break;
		pthread_mutex_unlock(&a->mu);
		taken = take_chunk(&a->ring[a->head], &vals, &valcap, row_cb,
		    arg);
		pthread_mutex_lock(&a->mu);
		a->head = (a->head + 1) % CHUNKS;
		a->full--;
		pthread_cond_broadcast(&a->cv);
	}
	if (taken != 0) {
		a->stop = 1;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	free(vals);
	return taken;
}

enum calllist_status
calllist_ahead_finish(struct calllist_ahead *h,
    int (*row_cb)(void *, const struct calllist_row *), void *arg)
{
	struct ahead		*a;
	struct calllist_error	 err_local, *err;
	enum calllist_status	 st;
	size_t			 i;
	int			 taken;

	if (h == NULL)
		return CL_ERR_NOMEM;
	a = &h->a;
	err = a->err != NULL ? a->err : &err_local;
	if (!h->threaded) {
		st = row_cb == NULL ? CL_STOPPED : calllist_read(a->path,
		    a->opts, row_cb, arg, a->info, err);
		free(h);
		return st;
	}
	taken = take_all(a, row_cb, arg);
	pthread_join(h->th, NULL);
	for (i = 0; i < CHUNKS; i++) {
		free(a->ring[i].rows);
		free(a->ring[i].off);
		free(a->ring[i].text);
	}
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	st = a->status;
	if (taken == 1 || (st == CL_STOPPED && !a->nomem)) {
		/* As calllist_read() after its callback stopped it, whatever
		 * the reader met ahead of the rows taken. */
		memset(err, 0, sizeof(*err));
		err->code = st = CL_STOPPED;
	} else if (taken == -1 || a->nomem) {
		cl_error_set(err, CL_ERR_NOMEM, taken == -1 ? 0 : a->nomem_line);
		st = CL_ERR_NOMEM;
	}
	free(h);
	return st;
}

enum calllist_status
calllist_read_ahead(const char *path, const struct calllist_opts *opts,
    int (*row_cb)(void *, const struct calllist_row *), void *arg,
    struct calllist_info *info, struct calllist_error *err)
{
	struct calllist_ahead	*h;

	if ((h = calllist_ahead_start(path, opts, info, err)) == NULL)
		return calllist_read(path, opts, row_cb, arg, info, err);
	return calllist_ahead_finish(h, row_cb, arg);
}
