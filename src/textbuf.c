/* textbuf.c: how a bounded text buffer grows (see textbuf.h). */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"

int
textbuf_add(struct textbuf *b, const void *d, size_t n, size_t max)
{
	size_t	 need, cap;
	char	*np;

	if (n > max || b->len > max - n)
		return 1;
	if (b->len + n == SIZE_MAX)
		return -1;
	need = b->len + n + 1;
	if (need > b->cap) {
		/* Doubling keeps a byte-at-a-time writer linear; the buffer
		 * never grows past what max allows. */
		cap = b->cap != 0 ? b->cap : 64;
		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		if (max < SIZE_MAX && cap > max + 1)
			cap = max + 1;
		if ((np = realloc(b->p, cap)) == NULL)
			return -1;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}
