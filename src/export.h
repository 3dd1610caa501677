/* export.h: one table, written as CSV (csvout.h) or as .xlsx through
 * libxlsxwriter, so that each export is written once for both formats. */
#ifndef DIALDESK_EXPORT_H
#define DIALDESK_EXPORT_H

#include <stdint.h>

#include "csvout.h"

struct request;

enum export_format { EXPORT_CSV, EXPORT_XLSX };

struct export {
	enum export_format	 format;
	struct request		*r;
	struct csvout		 csv;
	void			*wb, *ws, *bold;	/* libxlsxwriter */
	char			*path;		/* .xlsx being written */
	char			*filename;
	int			 row, col;
	int			 failed;
};

/* Start an export named base (".csv" or ".xlsx" is added). 0 or -1 (then
 * nothing was sent and the caller answers with an error page). */
int	export_begin(struct export *, struct request *, enum export_format,
	    const char *base);
void	export_text(struct export *, const char *);
void	export_int(struct export *, int64_t);
/* A text cell that is a percentage or a label: kept as text. */
void	export_end_row(struct export *);
/* Send (.xlsx) and release. 0 or -1 (a 500 page was sent if possible). */
int	export_finish(struct export *);

#endif
