/* export.h: one table, written as CSV (csvout.h) or as .xlsx through
 * libxlsxwriter, so that each export is written once for both formats. */
#ifndef DIALDESK_EXPORT_H
#define DIALDESK_EXPORT_H

#include <stdint.h>

#include "csvout.h"

struct request;

enum export_format { EXPORT_CSV, EXPORT_XLSX };

/* Columns whose width is fitted to what they hold; any further column
 * keeps Excel's default width. */
#define EXPORT_FIT_COLS	64

struct export {
	enum export_format	 format;
	struct request		*r;
	struct csvout		 csv;
	void			*wb, *ws;	/* libxlsxwriter */
	void			*bold, *when, *pct;	/* cell formats */
	char			*path;		/* .xlsx being written */
	char			*filename;
	int			 row, col;
	int			 failed;
	int			 width[EXPORT_FIT_COLS];	/* widest cell,
						 * in Excel's character units */
};

/* Start an export named base (".csv" or ".xlsx" is added); an .xlsx holds
 * one worksheet named sheet (at most 31 characters, none of []:*?/\), its
 * header row (the first) bold and frozen. 0 or -1 (then nothing was sent
 * and the caller answers with an error page). */
int	export_begin(struct export *, struct request *, enum export_format,
	    const char *base, const char *sheet);
void	export_text(struct export *, const char *);
void	export_int(struct export *, int64_t);
/* A moment (Unix time), shown in local time: text "YYYY-MM-DD HH:MM:SS"
 * in CSV, a date cell of that format in .xlsx. */
void	export_time(struct export *, int64_t);
/* part of whole: text "12.5%" in CSV, the number 0.125 formatted 0.0% in
 * .xlsx; "—" in both when whole is not positive. */
void	export_pct(struct export *, int64_t part, int64_t whole);
void	export_end_row(struct export *);
/* Send (.xlsx) and release. 0 or -1 (a 500 page was sent if possible). */
int	export_finish(struct export *);

#endif
