/* calllist_impl.h: what calllist.c shares with its two readers,
 * csvread.c and xlsxread.c; not for use outside the three. */
#ifndef DIALDESK_CALLLIST_IMPL_H
#define DIALDESK_CALLLIST_IMPL_H

#include <sys/types.h>

#include "calllist.h"

/* Bytes of file read at a time, and of XML handed to expat at a time. */
#define CL_CHUNK		(64 * 1024)
/* One record, all its cells together: far beyond any real call list,
 * small enough that a runaway quote cannot eat the server. */
#define CL_MAX_RECORD_BYTES	(1024 * 1024)
/* Excel's own limit (column XFD). */
#define CL_MAX_COLUMNS		16384

/* The reader state common to both formats: options, what was detected,
 * and the turning of records into rows for the callback. */
struct cl_reader {
	struct calllist_opts	 opts;
	int			(*cb)(void *, const struct calllist_row *);
	void			*arg;
	struct calllist_info	*info;
	struct calllist_error	*err;
	int			 seen_first;	/* header decided */
	const char		**vals;		/* row cells, padded */
	size_t			 valcap;
};

/*
 * Take one record of ncells UTF-8 cells found at line: the first decides
 * the header and columns, each other one becomes a row for the callback.
 * sparse: the format leaves out empty cells (.xlsx). Returns CL_OK to go
 * on, anything else to stop (err already filled for errors).
 */
enum calllist_status cl_record(struct cl_reader *, long line,
	    const char *const *cells, size_t ncells, int sparse);

/* Record the error (message texts are chosen from code) and return code.
 * arg is the number some messages show (a limit, a column, an errno). */
enum calllist_status cl_fail(struct cl_reader *, enum calllist_status code,
	    long line, long arg);

/* The two readers: fd is positioned at 0. They return CL_OK at the end
 * of the data, the status cl_record() stopped with, or an error. */
/* Read up to n bytes, fewer only at the end of the file; -1 on error. */
ssize_t	cl_read_full(int fd, unsigned char *buf, size_t n);
enum calllist_status csvread_fd(struct cl_reader *, int fd);
/* Takes ownership of fd. */
enum calllist_status xlsxread_fd(struct cl_reader *, int fd);

#endif
