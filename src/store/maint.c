/* store/maint.c: the SQLite side of the store's upkeep (integrity check,
 * WAL checkpoint, online backup, the files beside the database, its size)
 * and the batch figures of the health report. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "store/maint.h"
#include "store/rows.h"

STORE_SQL_TABLE(maint) = {
	/* one row "ok", else the problems */
	[STMT_INTEGRITY_CHECK] =
	    "PRAGMA integrity_check",
	/* everything into the main file, -wal emptied: WAL_CHECKPOINT_* */
	[STMT_WAL_CHECKPOINT] =
	    "PRAGMA wal_checkpoint(TRUNCATE)",
	/* a copy that is one file, no -wal or -shm */
	[STMT_JOURNAL_DELETE] =
	    "PRAGMA journal_mode=DELETE",
	/* batches by state: BATCH_STATE_* columns */
	[STMT_HEALTH_BATCH_STATES] =
	    "SELECT state, count(*) FROM batches GROUP BY state",
	/* (state): when the longest-waiting batch in it got there */
	[STMT_HEALTH_QUEUE_OLDEST] =
	    "SELECT min(updated) FROM batches WHERE state = ?",
	/* bytes of the main file */
	[STMT_HEALTH_DB_SIZE] =
	    "SELECT page_count * page_size FROM pragma_page_count(),"
	    " pragma_page_size()",
};

enum { WAL_CHECKPOINT_BUSY, WAL_CHECKPOINT_LOG, WAL_CHECKPOINT_DONE };
enum { BATCH_STATE_NAME, BATCH_STATE_COUNT };

int
store_check_integrity(struct db *db, char *why, size_t whysz)
{
	struct store_cursor *c;
	const struct db_row *st;
	int		 rc;

	if (db_stmt(db, STMT_INTEGRITY_CHECK) == NULL ||
	    (c = db_bound(db, STMT_INTEGRITY_CHECK, NULL)) == NULL) {
		snprintf(why, whysz, "%s", db_is_pg(db) ? "SQLite only" :
		    sqlite3_errmsg(db_handle(db)));
		return -1;
	}
	if ((rc = db_cursor_step(c, &st)) != 1) {
		snprintf(why, whysz, "%s", rc == 0 ? "no answer" :
		    sqlite3_errmsg(db_handle(db)));
		store_cursor_close(c);
		return -1;
	}
	snprintf(why, whysz, "%s", db_col_text(st, 0));
	rc = strcmp(db_col_text(st, 0), "ok") == 0 ? 0 : 1;
	store_cursor_close(c);
	return rc;
}

int
store_checkpoint(struct db *db)
{
	struct store_cursor *c;
	const struct db_row *st;
	int		 rc;

	/* PostgreSQL checkpoints by itself; nothing sits beside a file. */
	if (db_is_pg(db))
		return 0;
	if ((c = db_bound(db, STMT_WAL_CHECKPOINT, NULL)) == NULL)
		return -1;
	rc = db_cursor_step(c, &st) == 1 &&
	    (int)db_col_int(st, WAL_CHECKPOINT_BUSY) == 0 ? 0 : -1;
	store_cursor_close(c);
	return rc;
}

int
store_single_file(struct db *db)
{
	/* One row: the journal mode now in force. */
	return db_one_int_params(db, STMT_JOURNAL_DELETE, NULL, NULL) == 1 ?
	    0 : -1;
}

int
store_size_bytes(struct db *db, int64_t *bytes)
{
	return db_one_int_params(db, STMT_HEALTH_DB_SIZE, bytes, NULL) == 1 ?
	    0 : -1;
}

/* Copy the whole of src (a handle) into the file at dst in one step, that
 * is inside one read transaction: a consistent snapshot, while writers go
 * on in WAL mode. */
static int
copy_into(sqlite3 *src, const char *dst, char *err, size_t errsz)
{
	sqlite3		*out = NULL;
	sqlite3_backup	*b;
	int		 rc;

	if (sqlite3_open_v2(dst, &out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "cannot create %s: %s", dst,
		    out != NULL ? sqlite3_errmsg(out) : "out of memory");
		sqlite3_close(out);
		return -1;
	}
	if ((b = sqlite3_backup_init(out, "main", src, "main")) == NULL) {
		snprintf(err, errsz, "cannot start the backup: %s",
		    sqlite3_errmsg(out));
		sqlite3_close(out);
		return -1;
	}
	/* busy_timeout does not cover the backup's own lock: retry. */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errsz, "backup failed: %s", sqlite3_errstr(rc));
		sqlite3_close(out);
		return -1;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		snprintf(err, errsz, "cannot close %s", dst);
		return -1;
	}
	return 0;
}

int
store_copy_db(struct db *db, const char *dst, char *err, size_t errsz)
{
	return copy_into(db_handle(db), dst, err, errsz);
}

int
store_copy_file(const char *src, const char *dst, char *err, size_t errsz)
{
	sqlite3	*in = NULL;
	int	 rc;

	if (sqlite3_open_v2(src, &in, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "cannot open %s: %s", src,
		    in != NULL ? sqlite3_errmsg(in) : "out of memory");
		sqlite3_close(in);
		return -1;
	}
	rc = copy_into(in, dst, err, errsz);
	sqlite3_close(in);
	return rc;
}

void
store_remove(const char *path)
{
	char	 side[4096];

	(void)unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	(void)unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	(void)unlink(side);
	snprintf(side, sizeof(side), "%s-journal", path);
	(void)unlink(side);
}

int
store_in_use(const char *path, long *pid)
{
	struct flock	 fl;
	char		 shm[4096];
	int		 fd;

	*pid = 0;
	snprintf(shm, sizeof(shm), "%s-shm", path);
	if ((fd = open(shm, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	/* Every SQLite connection to a WAL database holds a read lock on
	 * this byte of the -shm file (unix VFS, the "DMS" slot) for as long
	 * as it is open: one that a writer would collide with is another
	 * process's open connection. */
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 128;
	fl.l_len = 1;
	if (fcntl(fd, F_GETLK, &fl) == -1) {
		close(fd);
		return -1;
	}
	close(fd);
	if (fl.l_type == F_UNLCK)
		return 0;
	*pid = (long)fl.l_pid;
	return 1;
}

/* A walk over the states handed to a caller's callback. */
struct state_walk {
	int	(*cb)(void *, const char *, int64_t);
	void	*arg;
};

static int
batch_state_row(void *arg, const struct db_row *st)
{
	struct state_walk *w = arg;

	return w->cb(w->arg, db_col_text(st, BATCH_STATE_NAME),
	    db_col_int(st, BATCH_STATE_COUNT));
}

int
store_batch_state_counts(struct db *db,
    int (*cb)(void *arg, const char *state, int64_t n), void *arg)
{
	struct state_walk w = { cb, arg };

	return db_each_params(db, STMT_HEALTH_BATCH_STATES, batch_state_row,
	    &w, NULL);
}

int
store_batch_oldest_in(struct db *db, const char *state, int64_t *at)
{
	/* min() of no rows is one row holding NULL: none. */
	return db_one_int(db, STMT_HEALTH_QUEUE_OLDEST, at, DB_TEXT(state));
}
