/* breakdown.c: loading a task's import figures. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breakdown.h"
#include "db.h"

int
breakdown_load(struct db *db, int64_t task_id, struct breakdown *b)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_TASK_BREAKDOWN);
	struct bd_row	*row, *grown;
	size_t		 i, cap = 0;
	int		 rc;

	memset(b, 0, sizeof(*b));
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, task_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (b->n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = realloc(b->rows, cap *
			    sizeof(*b->rows))) == NULL)
				break;
			b->rows = grown;
		}
		row = &b->rows[b->n++];
		memset(row, 0, sizeof(*row));
		row->batch_id = sqlite3_column_int64(st, 0);
		row->seq = sqlite3_column_int64(st, 1);
		snprintf(row->state, sizeof(row->state), "%s",
		    db_col_text(st, 2));
		row->rows = sqlite3_column_int64(st, 3);
		row->sent_at = sqlite3_column_int64(st, 4);
		row->pushed = sqlite3_column_type(st, 5) != SQLITE_NULL;
		row->pushes = sqlite3_column_int64(st, 22);
		if (strcmp(row->state, "sent") == 0)
			b->sent_rows += row->rows;
		if (!row->pushed)
			continue;
		row->received = sqlite3_column_int64(st, 6);
		row->ok = sqlite3_column_int(st, 7);
		if ((row->reason = strdup(db_col_text(st, 8))) == NULL)
			break;
		if (!row->ok)
			continue;
		for (i = 0; i < PF__MAX; i++) {
			row->fig[i] = sqlite3_column_int64(st, 9 + (int)i);
			b->total[i] += row->fig[i];
		}
		b->reported_rows += row->rows;
		b->with_figures++;
	}
	db_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
breakdown_clear(struct breakdown *b)
{
	size_t	 i;

	for (i = 0; i < b->n; i++)
		free(b->rows[i].reason);
	free(b->rows);
	memset(b, 0, sizeof(*b));
}
