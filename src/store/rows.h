/* store/rows.h: what the store's fill functions share, over either engine:
 * the text columns a row struct owns, named once in a table that both its
 * fill and its clear read, and the walk of a list through DB_ROW_WALK. */
#ifndef DIALDESK_STORE_ROWS_H
#define DIALDESK_STORE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* The definition of a subject's statement table, declared in db.h:
 * STORE_SQL_TABLE(audit) = { [STMT_AUDIT_LAST] = "...", ... } defines
 * store_sql_audit. */
#define STORE_SQL_TABLE(subject)	\
	const char *const store_sql_##subject[STMT__MAX]

/* A char * field of a row struct (offsetof) and the column it is copied
 * from. ROW_TEXT does not compile for a field of another type. */
struct row_text {
	size_t	 field;
	int	 col;
};
#define ROW_TEXT(type, field, col)					\
	{ offsetof(type, field) +					\
	    0 * sizeof(_Generic(((type *)0)->field, char *: 0)), (col) }
#define ROW_TEXTS(table)		(sizeof(table) / sizeof((table)[0]))

/* Copy each text column of st into its field of row (rowsz bytes): 0, or
 * -1 out of memory with the whole row freed and zeroed. */
int	row_texts_dup(void *row, size_t rowsz, const struct db_row *st,
	    const struct row_text *texts, size_t n);
/* Free each text field of row and zero the whole row. */
void	row_texts_clear(void *row, size_t rowsz, const struct row_text *texts,
	    size_t n);

/* db_each_params() of s over DB_ROW_WALK(name, ...)'s row function, each
 * row handed to cb(arg, row); params as db_each_params() takes them
 * (DB_PARAMS(...) or NULL). */
#define row_walk(db, s, name, cb, arg, params)				\
	db_each_params((db), (s), name##_row,				\
	    &(struct name##_walk){ (cb), (arg), 0 }, (params))

/* A list page by key over ids [*lo, *hi): the range narrowed to the ids
 * past key, above it for a newer page, below it for an older one (key 0:
 * the newest page). */
void	row_page_range(int64_t key, int newer, int64_t *lo, int64_t *hi);
/* Append the parameters of list (ended by DB_P_END) to p after its first
 * n and end p after them: the new count. p has room for them and the end:
 * a page's shared parameters, then those of the filter's shape. */
size_t	row_params_add(struct db_param *p, size_t n,
	    const struct db_param *list);

#endif
