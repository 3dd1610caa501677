/* store/audit.c: the statements of the audit log and the typed functions
 * over them. */
#include "autoconf.h"

#include <stdio.h>

#include "db.h"
#include "log.h"
#include "store/audit.h"

const char *const store_sql_audit[STMT__MAX] = {
	/* the newest entry: AUDIT_LAST_* columns */
	[STMT_AUDIT_LAST] =
	    "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
	[STMT_AUDIT_INSERT] =
	    "INSERT INTO audit (id, ts, actor_id, actor, addr, user_agent, action,"
	    " object, details, prev_hash, hash)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	/* every entry: AUDIT_ENTRY_* columns */
	[STMT_AUDIT_ALL] =
	    "SELECT id, ts, actor_id, actor, addr, user_agent, action, object,"
	    " details, prev_hash, hash FROM audit ORDER BY id",
	[STMT_AUDIT_MAXID] =
	    "SELECT coalesce(max(id), 0) FROM audit",
	/* (actor, action, from, to, id ceiling, limit, offset): empty
	 * filters match everything. Without filters the caller pages by id
	 * ceiling, which the chain keeps gap-free, so that page 500 costs
	 * what page 1 costs. AUDIT_PAGE_* columns */
	[STMT_AUDIT_PAGE] =
	    "SELECT id, ts, actor, addr, user_agent, action, object, details, hash"
	    " FROM audit WHERE id <= ?5"
	    " AND (?1 = '' OR actor = ?1) AND (?2 = '' OR action = ?2)"
	    " AND (?3 = '' OR ts >= ?3) AND (?4 = '' OR ts < ?4)"
	    " ORDER BY id DESC LIMIT ?6 OFFSET ?7",
	/* the newest entry, whole (audit.c checks its HMAC): AUDIT_ENTRY_* */
	[STMT_AUDIT_HEAD] =
	    "SELECT id, ts, actor_id, actor, addr, user_agent, action, object,"
	    " details, prev_hash, hash FROM audit ORDER BY id DESC LIMIT 1",
	/* (id): AUDIT_HASH_AT_* columns */
	[STMT_AUDIT_HASH_AT] =
	    "SELECT hash, ts FROM audit WHERE id = ?",
	/* (action): the first entry with that action */
	[STMT_AUDIT_MARKER] =
	    "SELECT id FROM audit WHERE action = ? ORDER BY id LIMIT 1",
	/* entries and the newest id: AUDIT_SIZE_* columns */
	[STMT_AUDIT_SIZE] =
	    "SELECT count(*), coalesce(max(id), 0) FROM audit",
};

enum { AUDIT_LAST_ID, AUDIT_LAST_HASH };
enum { AUDIT_ENTRY_ID, AUDIT_ENTRY_TS, AUDIT_ENTRY_ACTOR_ID,
    AUDIT_ENTRY_ACTOR, AUDIT_ENTRY_ADDR, AUDIT_ENTRY_UA, AUDIT_ENTRY_ACTION,
    AUDIT_ENTRY_OBJECT, AUDIT_ENTRY_DETAILS, AUDIT_ENTRY_PREV_HASH,
    AUDIT_ENTRY_HASH };
enum { AUDIT_PAGE_ID, AUDIT_PAGE_TS, AUDIT_PAGE_ACTOR, AUDIT_PAGE_ADDR,
    AUDIT_PAGE_UA, AUDIT_PAGE_ACTION, AUDIT_PAGE_OBJECT, AUDIT_PAGE_DETAILS,
    AUDIT_PAGE_HASH };
enum { AUDIT_HASH_AT_HASH, AUDIT_HASH_AT_TS };
enum { AUDIT_SIZE_COUNT, AUDIT_SIZE_LAST };

/* An entry of STMT_AUDIT_ALL or STMT_AUDIT_HEAD. */
static void
audit_entry_fill(sqlite3_stmt *st, struct audit_row *e)
{
	e->id = sqlite3_column_int64(st, AUDIT_ENTRY_ID);
	e->ts = db_col_text(st, AUDIT_ENTRY_TS);
	e->actor_id = sqlite3_column_int64(st, AUDIT_ENTRY_ACTOR_ID);
	e->actor = db_col_text(st, AUDIT_ENTRY_ACTOR);
	e->addr = db_col_text(st, AUDIT_ENTRY_ADDR);
	e->user_agent = db_col_text(st, AUDIT_ENTRY_UA);
	e->action = db_col_text(st, AUDIT_ENTRY_ACTION);
	e->object = db_col_text(st, AUDIT_ENTRY_OBJECT);
	e->details = db_col_text(st, AUDIT_ENTRY_DETAILS);
	e->prev_hash = db_col_text(st, AUDIT_ENTRY_PREV_HASH);
	e->hash = db_col_text(st, AUDIT_ENTRY_HASH);
}

/* A row of STMT_AUDIT_PAGE: what the page shows. */
static void
audit_page_fill(sqlite3_stmt *st, struct audit_row *e)
{
	e->id = sqlite3_column_int64(st, AUDIT_PAGE_ID);
	e->ts = db_col_text(st, AUDIT_PAGE_TS);
	e->actor_id = 0;
	e->actor = db_col_text(st, AUDIT_PAGE_ACTOR);
	e->addr = db_col_text(st, AUDIT_PAGE_ADDR);
	e->user_agent = db_col_text(st, AUDIT_PAGE_UA);
	e->action = db_col_text(st, AUDIT_PAGE_ACTION);
	e->object = db_col_text(st, AUDIT_PAGE_OBJECT);
	e->details = db_col_text(st, AUDIT_PAGE_DETAILS);
	e->prev_hash = "";
	e->hash = db_col_text(st, AUDIT_PAGE_HASH);
}

int
store_audit_last(struct db *db, int64_t *id, char hash[65])
{
	struct store_cursor *c;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_AUDIT_LAST)) == NULL)
		return -1;
	c = db_cursor(st);
	if ((rc = db_cursor_step(c, &st)) == 1) {
		*id = sqlite3_column_int64(st, AUDIT_LAST_ID);
		snprintf(hash, 65, "%s", db_col_text(st, AUDIT_LAST_HASH));
	}
	store_cursor_close(c);
	return rc;
}

int
store_audit_insert(struct db *db, const struct audit_row *e)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_AUDIT_INSERT)) == NULL)
		return -1;
	db_bind_int(st, 1, e->id);
	db_bind_text(st, 2, e->ts);
	if (e->actor_id > 0)
		db_bind_int(st, 3, e->actor_id);
	db_bind_text(st, 4, e->actor);
	db_bind_text(st, 5, e->addr);
	db_bind_text(st, 6, e->user_agent);
	db_bind_text(st, 7, e->action);
	db_bind_text(st, 8, e->object);
	db_bind_text(st, 9, e->details);
	db_bind_text(st, 10, e->prev_hash);
	db_bind_text(st, 11, e->hash);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

struct store_cursor *
store_audit_all(struct db *db)
{
	sqlite3_stmt	*st;

	return (st = db_stmt(db, STMT_AUDIT_ALL)) == NULL ? NULL :
	    db_cursor(st);
}

struct store_cursor *
store_audit_head(struct db *db)
{
	sqlite3_stmt	*st;

	return (st = db_stmt(db, STMT_AUDIT_HEAD)) == NULL ? NULL :
	    db_cursor(st);
}

int
store_audit_next(struct store_cursor *c, struct audit_row *e)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((rc = db_cursor_step(c, &st)) == 1)
		audit_entry_fill(st, e);
	return rc;
}

int
store_audit_max_id(struct db *db, int64_t *id)
{
	struct store_cursor *c;
	sqlite3_stmt	*st;
	int		 rc;

	*id = 0;
	if ((st = db_stmt(db, STMT_AUDIT_MAXID)) == NULL)
		return -1;
	c = db_cursor(st);
	if ((rc = db_cursor_step(c, &st)) == 1)
		*id = sqlite3_column_int64(st, 0);
	store_cursor_close(c);
	return rc == 1 ? 0 : -1;
}

int
store_audit_size(struct db *db, int64_t *count, int64_t *last)
{
	struct store_cursor *c;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_AUDIT_SIZE)) == NULL)
		return -1;
	c = db_cursor(st);
	if ((rc = db_cursor_step(c, &st)) == 1) {
		*count = sqlite3_column_int64(st, AUDIT_SIZE_COUNT);
		*last = sqlite3_column_int64(st, AUDIT_SIZE_LAST);
	}
	store_cursor_close(c);
	return rc == 1 ? 0 : -1;
}

int
store_audit_hash_at(struct db *db, int64_t id, char hash[65], char ts[32])
{
	struct store_cursor *c;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_AUDIT_HASH_AT)) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	c = db_cursor(st);
	if ((rc = db_cursor_step(c, &st)) == 1) {
		snprintf(hash, 65, "%s", db_col_text(st, AUDIT_HASH_AT_HASH));
		if (ts != NULL)
			snprintf(ts, 32, "%s", db_col_text(st,
			    AUDIT_HASH_AT_TS));
	}
	store_cursor_close(c);
	return rc;
}

int
store_audit_marker(struct db *db, const char *action, int64_t *id)
{
	struct store_cursor *c;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_AUDIT_MARKER)) == NULL)
		return -1;
	db_bind_text(st, 1, action);
	c = db_cursor(st);
	if ((rc = db_cursor_step(c, &st)) == 1)
		*id = sqlite3_column_int64(st, 0);
	store_cursor_close(c);
	return rc;
}

int
store_audit_page(struct db *db, const struct audit_filter *f, int64_t max_id,
    int64_t limit, int64_t offset,
    int (*cb)(void *arg, const struct audit_row *), void *arg)
{
	struct store_cursor *c;
	struct audit_row e;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_AUDIT_PAGE)) == NULL)
		return -1;
	db_bind_text(st, 1, f->actor != NULL ? f->actor : "");
	db_bind_text(st, 2, f->action != NULL ? f->action : "");
	db_bind_text(st, 3, f->from != NULL ? f->from : "");
	db_bind_text(st, 4, f->to != NULL ? f->to : "");
	db_bind_int(st, 5, max_id);
	db_bind_int(st, 6, limit);
	db_bind_int(st, 7, offset);
	c = db_cursor(st);
	while ((rc = db_cursor_step(c, &st)) == 1) {
		audit_page_fill(st, &e);
		if (cb(arg, &e) != 0) {
			rc = -1;
			break;
		}
	}
	store_cursor_close(c);
	return rc == 0 ? 0 : -1;
}
