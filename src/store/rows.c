/* store/rows.c: the text columns of a row struct, copied and freed from
 * one table, and the id range of a list page (see store/rows.h). */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "store/rows.h"

static char **
text_field(void *row, const struct row_text *t)
{
	return (char **)(void *)((char *)row + t->field);
}

int
row_texts_dup(void *row, size_t rowsz, const struct db_row *st,
    const struct row_text *texts, size_t n)
{
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < n; i++)
		if ((*text_field(row, &texts[i]) =
		    strdup(db_col_text(st, texts[i].col))) == NULL)
			rc = -1;
	if (rc == -1)
		row_texts_clear(row, rowsz, texts, n);
	return rc;
}

void
row_texts_clear(void *row, size_t rowsz, const struct row_text *texts,
    size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(*text_field(row, &texts[i]));
	memset(row, 0, rowsz);
}

void
row_page_range(int64_t key, int newer, int64_t *lo, int64_t *hi)
{
	if (newer && key >= *lo)
		*lo = key + 1;
	else if (!newer && key > 0 && key < *hi)
		*hi = key;
}

size_t
row_params_add(struct db_param *p, size_t n, const struct db_param *list)
{
	for (; list->type != DB_P_END; list++)
		p[n++] = *list;
	p[n] = *list;
	return n;
}
