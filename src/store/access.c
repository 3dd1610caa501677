/* store/access.c: the owner of each kind of object (store/access.h). */
#include "autoconf.h"

#include "db.h"
#include "log.h"
#include "store/access.h"
#include "store/rows.h"

/* The state of an import whose rows are still being stored: bound, not
 * written into the SQL (the import state table replaces it when there is
 * one). */
static const char import_loading[] = "loading";

STORE_SQL_TABLE(access) = {
	/* Each (object) gives one row, OWNER_* columns, when it exists. */
	[STMT_ACCESS_TASK_OWNER] =
	    "SELECT user_id FROM tasks WHERE id = ?",
	/* its task's owner */
	[STMT_ACCESS_BATCH_OWNER] =
	    "SELECT t.user_id FROM batches AS b JOIN tasks AS t ON t.id = b.task_id"
	    " WHERE b.id = ?",
	/* (object, loading state): one still loading is not there */
	[STMT_ACCESS_IMPORT_OWNER] =
	    "SELECT user_id FROM imports WHERE id = ? AND state <> ?",
	/* the vendor's, nobody's own */
	[STMT_ACCESS_PUSH_OWNER] =
	    "SELECT 0 FROM pushes WHERE id = ?",
	/* an account owns itself */
	[STMT_ACCESS_USER_OWNER] =
	    "SELECT id FROM users WHERE id = ?",
	/* the administrators', nobody's own */
	[STMT_ACCESS_DNC_OWNER] =
	    "SELECT 0 FROM dnc WHERE id = ?",
};

enum { OWNER_USER_ID };

static const enum stmt owner_stmts[OBJ__MAX] = {
	[OBJ_TASK] = STMT_ACCESS_TASK_OWNER,
	[OBJ_BATCH] = STMT_ACCESS_BATCH_OWNER,
	[OBJ_IMPORT] = STMT_ACCESS_IMPORT_OWNER,
	[OBJ_PUSH] = STMT_ACCESS_PUSH_OWNER,
	[OBJ_USER] = STMT_ACCESS_USER_OWNER,
	[OBJ_DNC] = STMT_ACCESS_DNC_OWNER,
};

int
store_owner(struct db *db, enum object obj, int64_t id, int64_t *owner)
{
	int	 rc;

	*owner = 0;
	/* A kind left out of owner_stmts holds 0, STMT_SCHEMA_CREATE, which
	 * is no owner statement. */
	if (obj <= OBJ_NONE || obj >= OBJ__MAX ||
	    owner_stmts[obj] == STMT_SCHEMA_CREATE) {
		log_err("db: owner of object kind %d: no such kind", (int)obj);
		return -1;
	}
	/* OWNER_USER_ID is the first column. */
	if (obj == OBJ_IMPORT)
		rc = db_one_int(db, owner_stmts[obj], owner, DB_INT(id),
		    DB_TEXT(import_loading));
	else
		rc = db_one_int(db, owner_stmts[obj], owner, DB_INT(id));
	if (rc == -1)
		log_err("db: owner of %s %lld", access_object_name(obj),
		    (long long)id);
	return db_found_0(rc);
}
