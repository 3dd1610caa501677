/* calllist_impl.h: what calllist.c shares with its readers (csvread.c,
 * xlsxread.c, odsread.c, xlsread.c) and with zipxml.c; not for use
 * outside them. */
#ifndef DIALDESK_CALLLIST_IMPL_H
#define DIALDESK_CALLLIST_IMPL_H

#include <sys/types.h>

#include <time.h>

#include <expat.h>
#include <zip.h>

#include "calllist.h"

/* Bytes of file read at a time, and of XML handed to expat at a time. */
#define CL_CHUNK		(64 * 1024)
/* One record, all its cells together: far beyond any real call list,
 * small enough that a runaway quote cannot eat the server. */
#define CL_MAX_RECORD_BYTES	(1024 * 1024)
/* Excel's own limits (column XFD, row 1,048,576). */
#define CL_MAX_COLUMNS		16384
#define CL_MAX_ROWS		1048576
/* Room for one cell's text made from a number or a date. */
#define CL_NUM_SIZE		64

/* A record kept until the header is decided: one allocation, the cell
 * pointers first, then their texts. */
struct cl_held {
	long		 line;
	size_t		 ncells;
	char		**cells;
};

/* The reader state common to every format: options, what was detected,
 * the sheet being read, and the turning of records into rows. */
struct cl_reader {
	struct calllist_opts	 opts;
	int			(*cb)(void *, const struct calllist_row *);
	void			*arg;
	struct calllist_info	*info;
	struct calllist_error	*err;
	const char		**vals;		/* row cells, padded */
	size_t			 valcap;

	int			 cur;		/* sheet index, -1 before one */
	int			 reading;	/* its rows go to the caller */
	int			 seen;		/* it had a non-blank record */
	int			 again;		/* cl_sheet_again() said yes */
	int			 sparse;	/* the format leaves out empty cells */
	int			 decided;	/* header and columns known */
	int			 no_phone;	/* none found: rows only counted */
	struct cl_held		 held[CALLLIST_HEAD_ROWS];
	size_t			 nheld;
};

/*
 * Sheets. A reader announces each sheet (idx counts from 0, in workbook
 * order; announcing one again is harmless), then goes over it between
 * cl_sheet_begin() and cl_sheet_end(), handing every record to
 * cl_record(). begin says whether the records are read for the caller
 * (1) or only counted (0); a reader may skip the cell decoding of what is
 * only counted as long as it still calls cl_record() for non-blank rows.
 * When all sheets were gone over, cl_sheet_again() says whether the
 * reader must go over them once more (no visible sheet had rows, a
 * hidden one has).
 */
enum calllist_status cl_sheet_add(struct cl_reader *, size_t idx,
	    const char *name, int hidden);
int	cl_sheet_begin(struct cl_reader *, size_t idx);
enum calllist_status cl_sheet_end(struct cl_reader *);
int	cl_sheet_again(struct cl_reader *);

/*
 * Take one record of ncells UTF-8 cells found at line (the row number):
 * the first ones decide the header and columns, the others become rows
 * for the callback. sparse: the format leaves out empty cells. Returns
 * CL_OK to go on, anything else to stop (err already filled for errors).
 */
enum calllist_status cl_record(struct cl_reader *, long line,
	    const char *const *cells, size_t ncells, int sparse);

/* Record the error (message texts are chosen from code) and return code.
 * arg is the number some messages show (a limit, a column, an errno). */
enum calllist_status cl_fail(struct cl_reader *, enum calllist_status code,
	    long line, long arg);

/* The same message outside a reader (calllist_ahead.c): arg 0. */
void	cl_error_set(struct calllist_error *, enum calllist_status code,
	    long line);

/* Cell texts as a sheet shows them, for every spreadsheet format. */
/* A number: integers digit for digit (13500000001, however it was
 * stored), others with the 15 significant digits Excel shows. */
const char	*cl_number_text(double, char *out, size_t outsz);
/* The same from text ("1.3500000001E10"); v itself when not a number. */
const char	*cl_number_str(const char *v, char *out, size_t outsz);
/* What a date cell shows. */
enum cl_when {
	CL_WHEN_DATE,		/* 2026-11-28 */
	CL_WHEN_DATETIME,	/* 2026-11-28 14:30, seconds when not :00 */
	CL_WHEN_TIME,		/* 14:30, seconds when not :00 */
};
/* t: seconds since 1970-01-01 00:00 of the sheet's own clock. */
const char	*cl_when_text(time_t t, enum cl_when, char *out, size_t outsz);
/* ISO 8601 text (2026-11-28, 2026-11-28T14:30:00.5) the same way; iso
 * itself when it is not such a text. */
const char	*cl_iso_text(const char *iso, char *out, size_t outsz);

/* Read up to n bytes, fewer only at the end of the file; -1 on error. */
ssize_t	cl_read_full(int fd, unsigned char *buf, size_t n);

/* --- zip + expat, for .xlsx and .ods (zipxml.c) ------------------------ */

/* expat joins namespace URI and local name with this. */
#define CL_NS_SEP	'|'

struct cl_zip {
	struct cl_reader	*r;
	zip_t			*za;
	XML_Parser		 parser;	/* the one running */
	size_t			 budget;	/* bytes we may still inflate */
	enum calllist_status	 status;	/* first failure */
	/* No namespace processing: names as written ("table:table-cell"),
	 * for a reader that resolves the prefixes it needs itself. */
	int			 plain_names;
};

/* Stream one part through expat, the handlers getting z as their user
 * data (so a reader's state starts with its struct cl_zip), counting every inflated byte against the budget and refusing DTDs
 * (entity expansion). Returns z->status. */
enum calllist_status cl_zip_parse(struct cl_zip *, const char *part,
	    XML_StartElementHandler, XML_EndElementHandler,
	    XML_CharacterDataHandler);
int	cl_zip_has(struct cl_zip *, const char *part);
/* Record the first failure and stop the running parser. */
void	cl_zip_stop(struct cl_zip *, enum calllist_status);
void	cl_zip_fail(struct cl_zip *, enum calllist_status code, long line,
	    long arg);
/* "ns|local" → "local". */
const char	*cl_xml_local(const char *name);
/* The value of attribute name (as expat names it), or NULL. */
const char	*cl_xml_attr(const char **atts, const char *name);
/* Capacity for need elements of size bytes, never past limit elements;
 * 0, or -1 when over the limit or out of memory. */
int	cl_grow(void **p, size_t *cap, size_t need, size_t size,
	    size_t limit);

/* A row of a zipped sheet (.xlsx, .ods): cells come in column order,
 * some left out; their texts in one buffer. Zeroed is empty. */
struct cl_row {
	char		*buf;
	size_t		 len, cap;
	size_t		*coloff;	/* per column: 1 + offset, 0 = none */
	size_t		 ncol, colcap;
	const char	**cellv;
	size_t		 cellvcap;
};
/* The cell text s (n bytes with its NUL) in column col: CL_OK, or the
 * error to fail with (too many columns, row too long, out of memory). */
enum calllist_status cl_row_put(struct cl_row *, size_t col, const char *s,
	    size_t n);
/* Its ncol cells, the missing ones "" (NULL: out of memory), valid until
 * the next put. */
const char	**cl_row_cells(struct cl_row *);
/* Empty again for the next row; free: all it holds. */
void	cl_row_clear(struct cl_row *);
void	cl_row_free(struct cl_row *);

/* --- the readers: they return CL_OK at the end of the data, the status
 * cl_record() stopped with, or an error. ----------------------------- */
/* fd is positioned at 0. */
enum calllist_status csvread_fd(struct cl_reader *, int fd);
/* The zip is the caller's. */
enum calllist_status xlsxread_zip(struct cl_reader *, zip_t *);
enum calllist_status odsread_zip(struct cl_reader *, zip_t *);
enum calllist_status xlsread_path(struct cl_reader *, const char *path);

#endif
