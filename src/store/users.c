/* store/users.c: the statements of users, sessions and sign-in
 * throttling, and the typed functions over them. */
#include "autoconf.h"

#include "db.h"
#include "log.h"
#include "store/users.h"

const char *const store_sql_users[STMT__MAX] = {
	/* every user, by name: USER_NAME_* columns */
	[STMT_USER_LIST] =
	    "SELECT id, name FROM users ORDER BY name",
	/* (idle since, created before) */
	[STMT_SESSION_PURGE] =
	    "DELETE FROM sessions WHERE last_seen < ? OR created < ?",
};

enum { USER_NAME_ID, USER_NAME_NAME };

int
store_user_names(struct db *db,
    int (*cb)(void *arg, int64_t id, const char *name), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc, stop = 0;

	if ((st = db_stmt(db, STMT_USER_LIST)) == NULL)
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(arg, sqlite3_column_int64(st, USER_NAME_ID),
		    db_col_text(st, USER_NAME_NAME));
	db_reset(st);
	if (stop)
		return -1;
	if (rc != SQLITE_DONE) {
		log_err("db: users: %s", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

int
store_session_purge(struct db *db, int64_t idle_before, int64_t created_before)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_SESSION_PURGE)) == NULL)
		return -1;
	db_bind_int(st, 1, idle_before);
	db_bind_int(st, 2, created_before);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}
