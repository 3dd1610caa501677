/* textbuf.h: a text buffer that grows up to a limit and is NUL-terminated
 * once it holds anything: the fields and header lines of an upload, the
 * vendor's reply. */
#ifndef DIALDESK_TEXTBUF_H
#define DIALDESK_TEXTBUF_H

#include <stddef.h>

/* All zero is empty; p is NULL until the first byte. free(p) when done. */
struct textbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* Append n bytes of d: 0; 1 when len would pass max (nothing appended);
 * -1 out of memory. */
int	textbuf_add(struct textbuf *, const void *d, size_t n, size_t max);

#endif
