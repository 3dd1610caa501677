/* store/tasks.c: the statements of tasks and batches, and the typed
 * functions over them. */
#include "autoconf.h"

#include "db.h"
#include "log.h"
#include "store/tasks.h"

const char *const store_sql_tasks[STMT__MAX] = {
	/* (batch): task id */
	[STMT_BATCH_TASK] =
	    "SELECT task_id FROM batches WHERE id = ?",
};

int
store_batch_task(struct db *db, int64_t batch_id, int64_t *task_id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_BATCH_TASK)) == NULL)
		return -1;
	db_bind_int(st, 1, batch_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*task_id = sqlite3_column_int64(st, 0);
	db_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_err("db: batch %lld: %s", (long long)batch_id, sqlite3_errstr(rc));
	return -1;
}
