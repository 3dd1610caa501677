/* csvout.h: CSV downloads that open cleanly in Excel: UTF-8 with a BOM
 * (else Excel reads Chinese as the local code page), CRLF rows, every text
 * cell quoted, and text that Excel would take for a formula (= + - @ tab
 * CR at the start) made inert with a leading apostrophe. */
#ifndef DIALDESK_CSVOUT_H
#define DIALDESK_CSVOUT_H

#include <stdint.h>

struct request;

struct csvout {
	struct request	*r;
	int		 cells;	/* in the current row */
};

/* Open the response as a download named filename (UTF-8). */
void	csv_begin(struct csvout *, struct request *, const char *filename);
void	csv_text(struct csvout *, const char *);
void	csv_int(struct csvout *, int64_t);
void	csv_end_row(struct csvout *);

/* The quoted, neutralised form of one text cell; malloc()ed or NULL. */
char	*csv_escape(const char *);

#endif
