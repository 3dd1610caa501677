/* calllist.h: reading an uploaded call list (CSV in UTF-8 or GB18030,
 * Excel .xlsx or .xls, OpenDocument .ods) one row at a time, cells as the
 * sheet shows them, finding the sheet, the header row and the phone column
 * on the way. Memory does not grow with the file, except for .xls, which
 * libfreexl holds whole (the upload limit bounds it). Used by the import
 * (preview) and by tests and benchmarks. */
#ifndef DIALDESK_CALLLIST_H
#define DIALDESK_CALLLIST_H

#include <stddef.h>

/* Column options: a 0-based index, or one of these. */
#define CALLLIST_DETECT	(-1)	/* find it from the header or the values */
#define CALLLIST_NONE	(-2)	/* name_col only: the list has no names */

/* Defaults applied when an option is 0. */
#define CALLLIST_MAX_UNCOMPRESSED	((size_t)200 * 1024 * 1024)
#define CALLLIST_MAX_STRINGS		((size_t)32 * 1024 * 1024)
/* Non-blank rows at the top of a sheet among which the header row is
 * looked for, kept for the preview to offer as header rows. */
#define CALLLIST_HEAD_ROWS		10

struct calllist_opts {
	/* .xlsx: bytes we may decompress, over all parts read (zip bombs). */
	size_t	 max_bytes_uncompressed;
	/* .xlsx: memory for the shared-strings table, which must be held
	 * whole because cells refer to it by index. */
	size_t	 max_bytes_strings;
	long	 max_rows;	/* data rows; 0 = no limit */
	int	 phone_col;	/* CALLLIST_DETECT or an index */
	int	 name_col;	/* CALLLIST_DETECT, CALLLIST_NONE or an index */
	int	 header;	/* -1 detect, 0 no header row, 1 first row is one */
	/* > 0: the header is the first non-blank row at or after this line
	 * (row number), which must be among the CALLLIST_HEAD_ROWS first
	 * non-blank rows; rows above it are not data. Overrides header. */
	long	 header_line;
	/* -1: the first visible sheet holding rows (failing that the first
	 * hidden one); else the 0-based index of the sheet to read. */
	int	 sheet;
};

/* A sheet of the workbook (a CSV has one, without a name). */
struct calllist_sheet {
	char	*name;
	long	 rows;		/* non-blank rows, header and titles too */
	int	 hidden;	/* .xls: never known (libfreexl does not say) */
};

/* One of the first non-blank rows of the sheet read, for the preview. */
struct calllist_head {
	long	 line;
	char	*text;		/* its non-empty cells joined by " | ", cut */
};

/* Everything detected; filled before the first row is handed over. */
struct calllist_info {
	enum calllist_format {
		CL_CSV,
		CL_XLSX,
		CL_XLS,
		CL_ODS,
	} format;
	enum calllist_encoding {
		CL_UTF8,
		CL_UTF8_BOM,
		CL_GB18030,
	} encoding;		/* spreadsheets: always CL_UTF8 */
	char	 delimiter;	/* ',', '\t' or ';'; '\0' for spreadsheets */
	size_t	 ncols;		/* cells in the header row, or in the first row */
	char	**headers;	/* ncols titles; 列1, 列2… where there are none */
	int	 phone_col;	/* -1 until known, and when none was found */
	int	 name_col;	/* -1 when there is none */
	int	 has_header;
	long	 header_line;	/* the header's row number; 0: none */
	long	 rows;		/* data rows handed to the callback */
	struct calllist_sheet *sheets;	/* every sheet, in workbook order */
	size_t	 nsheets;
	int	 sheet;		/* the one read; -1 when none was */
	struct calllist_head head[CALLLIST_HEAD_ROWS];
	size_t	 nhead;
};

struct calllist_row {
	/* CSV: the physical line where the record starts (a quoted cell can
	 * span lines), counting blank lines; .xlsx: the row number. */
	long		 line;
	const char	*phone_raw;	/* "" when the row has no such cell */
	const char	*name;		/* "" when there is no name */
	/* Cells the record has. CSV: compare with info->ncols to flag rows
	 * with missing or extra cells. .xlsx does not store empty cells, so
	 * there it is never less than info->ncols. */
	size_t		 ncols;
	/* cols has nvals = max(ncols, info->ncols) entries, missing cells
	 * being "": cols[i] for i < info->ncols is always safe. */
	size_t		 nvals;
	const char *const *cols;	/* UTF-8, NUL-terminated */
	const struct calllist_info *info;
};

enum calllist_status {
	CL_OK = 0,		/* the whole list was read */
	CL_STOPPED,		/* the row callback returned non-zero */
	CL_ERR_IO,		/* the file could not be opened or read */
	CL_ERR_NOMEM,
	CL_ERR_EMPTY,		/* no bytes, or only blank lines */
	CL_ERR_HEADER_ONLY,
	CL_ERR_BINARY,		/* neither text nor a spreadsheet */
	CL_ERR_PROTECTED,	/* a password: an .xls, or an .xlsx in OLE2 */
	CL_ERR_UTF16,		/* Excel's "Unicode text" */
	CL_ERR_NOT_XLSX,	/* a zip or OLE2 file without a workbook */
	CL_ERR_XLSX_CORRUPT,	/* bad zip, BIFF or XML data (any workbook) */
	CL_ERR_XLSX_TOO_BIG,	/* over max_bytes_uncompressed (.xlsx, .ods) */
	CL_ERR_XLSX_STRINGS,	/* over max_bytes_strings */
	CL_ERR_QUOTE,		/* line: where the unbalanced quote opened */
	CL_ERR_ENCODING,	/* line: neither UTF-8 nor GB18030 */
	CL_ERR_BAD_UTF8,	/* line: a UTF-8 file with broken bytes */
	CL_ERR_ROW_TOO_LONG,	/* line: a record over 1 MiB */
	CL_ERR_TOO_MANY_COLUMNS,	/* line: more than 16384 cells */
	CL_ERR_TOO_MANY_ROWS,	/* line: the first row over max_rows */
	/* line: the first data row. Everything else was read: info has the
	 * sheets, the header and the first rows, for a column picker. */
	CL_ERR_NO_PHONE_COLUMN,
	CL_ERR_BAD_COLUMN,	/* a forced column the list does not have */
	CL_ERR_BAD_SHEET,	/* a forced sheet the workbook does not have */
	CL_ERR_BAD_HEADER_ROW,	/* a forced header line not among the first */
	CL_STATUS__MAX
};

struct calllist_error {
	enum calllist_status code;
	long	 line;		/* 0 when the error is not about one line */
	char	 zh[256];	/* for operators: 第 3 行引号不成对 */
	char	 en[256];	/* for logs: line 3: unbalanced quote */
};

/* Fill with the defaults: detect everything, no row limit. */
void	calllist_opts_init(struct calllist_opts *);

/*
 * Read the list at path, calling row_cb once per data row, in order;
 * blank rows, and rows above the header, are skipped. The format is found
 * from the content, not the name. The header is the first of the
 * CALLLIST_HEAD_ROWS first non-blank rows with a phone-like title
 * (手机号, 电话, phone...), else the row above the first that holds a
 * phone number; the phone column is the titled one, else the one holding
 * most phone numbers in those rows. Cells come as the sheet shows them:
 * dates and times as ISO text (2026-11-28, 2026-11-28 14:30), numbers in
 * full (13500000001, not 1.35E+10), booleans TRUE/FALSE, formulas by their
 * cached value. opts may be NULL (defaults), info_out and err_out too.
 * Returns CL_OK, CL_STOPPED, or an error described in err_out. Rows may
 * have been handed over before an error: the caller discards them.
 * info_out is filled as far as reading got, also on error (so that the
 * preview can offer a column mapping after CL_ERR_NO_PHONE_COLUMN);
 * release it with calllist_info_free() whatever the result.
 */
enum calllist_status calllist_read(const char *path,
	    const struct calllist_opts *opts,
	    int (*row_cb)(void *arg, const struct calllist_row *row),
	    void *arg, struct calllist_info *info_out,
	    struct calllist_error *err_out);

/*
 * The same, with the list read in a thread of its own, a few chunks of
 * rows ahead of row_cb, which runs in the caller's thread, in order, as
 * with calllist_read(): the same rows, the same result, the same err;
 * info is the reader's until the call returns. When row_cb stops it, the
 * reader stops too (CL_STOPPED, whatever it met ahead). Memory stays
 * bounded (a few hundred rows in flight). Without a thread to be had, it
 * is calllist_read() itself.
 */
enum calllist_status calllist_read_ahead(const char *path,
	    const struct calllist_opts *opts,
	    int (*row_cb)(void *arg, const struct calllist_row *row),
	    void *arg, struct calllist_info *info_out,
	    struct calllist_error *err_out);

/*
 * calllist_read_ahead() in two steps, so that the caller's thread can do
 * other work (store the upload) while the list is being read: start
 * begins reading (NULL: out of memory); finish takes the rows to row_cb
 * (NULL: none, the reading stopped: CL_STOPPED) and ends it, returning
 * what calllist_read_ahead() would. path, opts, info and err are the
 * reader's until finish returns; every start needs its finish.
 */
struct calllist_ahead;
struct calllist_ahead *calllist_ahead_start(const char *path,
	    const struct calllist_opts *opts, struct calllist_info *info_out,
	    struct calllist_error *err_out);
enum calllist_status calllist_ahead_finish(struct calllist_ahead *,
	    int (*row_cb)(void *arg, const struct calllist_row *row),
	    void *arg);

void	calllist_info_free(struct calllist_info *);

/* Stable short English name of a status for logs: "quote", "empty". */
const char	*calllist_status_code(enum calllist_status);

#endif
