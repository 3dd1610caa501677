/* store/audit.c: the statements of the audit log and the typed functions
 * over them. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>

#include "db.h"
#include "log.h"
#include "store/audit.h"
#include "store/rows.h"

STORE_SQL_TABLE(audit) = {
	/* the newest entry: AUDIT_LAST_* columns */
	[STMT_AUDIT_LAST] =
	    "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
	/* before AUDIT_LAST in an append's transaction: SQLite's BEGIN
	 * IMMEDIATE serialises the writers already (store/pgsql.c) */
	[STMT_AUDIT_LOCK] =
	    "SELECT 1",
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
	/*
	 * A page of the log, by key: (lowest id, id ceiling excluded, from,
	 * to, limit), then the actor and/or the action of the filter's shape.
	 * One statement per shape and direction, so that each walks one index
	 * in id order from the key (no OR of "no filter", which no planner can
	 * take to an index, and no OFFSET): the id range stands for the date
	 * range too (store_audit_page), the times staying as exact bounds.
	 * AUDIT_PAGE_* columns.
	 */
#define AUDIT_PAGE_SELECT \
	    "SELECT id, ts, actor, addr, user_agent, action, object, details, hash" \
	    " FROM audit WHERE id >= ?1 AND id < ?2 AND ts >= ?3 AND ts < ?4"
/* A shape's two statements: newest first (older pages), oldest first. */
#define AUDIT_PAGES(older, newer, where) \
	[older] = AUDIT_PAGE_SELECT where " ORDER BY id DESC LIMIT ?5", \
	[newer] = AUDIT_PAGE_SELECT where " ORDER BY id LIMIT ?5"
	AUDIT_PAGES(STMT_AUDIT_PAGE, STMT_AUDIT_PAGE_UP, ""),
	AUDIT_PAGES(STMT_AUDIT_PAGE_ACTOR, STMT_AUDIT_PAGE_ACTOR_UP,
	    " AND actor = ?6"),
	AUDIT_PAGES(STMT_AUDIT_PAGE_ACTION, STMT_AUDIT_PAGE_ACTION_UP,
	    " AND action = ?6"),
	AUDIT_PAGES(STMT_AUDIT_PAGE_BOTH, STMT_AUDIT_PAGE_BOTH_UP,
	    " AND actor = ?6 AND action = ?7"),
	/* (entries skipped, limit): page N of the whole log, newest first,
	 * its newest id found in the same statement (the log's ids are
	 * gap-free: the chain insists) */
	[STMT_AUDIT_PAGE_NTH] =
	    "SELECT id, ts, actor, addr, user_agent, action, object, details, hash"
	    " FROM audit WHERE id <= (SELECT coalesce(max(id), 0) FROM audit) - ?1"
	    " ORDER BY id DESC LIMIT ?2",
	/* (time): the first entry written at or after it, by audit_ts */
	[STMT_AUDIT_ID_FROM] =
	    "SELECT id FROM audit WHERE ts >= ?1 ORDER BY ts, id LIMIT 1",
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

/* Where each field of struct audit_row is in a statement's row; -1: the
 * statement does not select it (0 or ""). */
struct audit_cols {
	int	 id, ts, actor_id, actor, addr, user_agent, action, object;
	int	 details, prev_hash, hash;
};
static const struct audit_cols entry_cols = { AUDIT_ENTRY_ID,
    AUDIT_ENTRY_TS, AUDIT_ENTRY_ACTOR_ID, AUDIT_ENTRY_ACTOR, AUDIT_ENTRY_ADDR,
    AUDIT_ENTRY_UA, AUDIT_ENTRY_ACTION, AUDIT_ENTRY_OBJECT,
    AUDIT_ENTRY_DETAILS, AUDIT_ENTRY_PREV_HASH, AUDIT_ENTRY_HASH };
static const struct audit_cols page_cols = { AUDIT_PAGE_ID, AUDIT_PAGE_TS,
    -1, AUDIT_PAGE_ACTOR, AUDIT_PAGE_ADDR, AUDIT_PAGE_UA, AUDIT_PAGE_ACTION,
    AUDIT_PAGE_OBJECT, AUDIT_PAGE_DETAILS, -1, AUDIT_PAGE_HASH };

static const char *
text_at(const struct db_row *st, int col)
{
	return col < 0 ? "" : db_col_text(st, col);
}

static void
audit_fill(const struct db_row *st, const struct audit_cols *c, struct audit_row *e)
{
	e->id = db_col_int(st, c->id);
	e->ts = text_at(st, c->ts);
	e->actor_id = c->actor_id < 0 ? 0 :
	    db_col_int(st, c->actor_id);
	e->actor = text_at(st, c->actor);
	e->addr = text_at(st, c->addr);
	e->user_agent = text_at(st, c->user_agent);
	e->action = text_at(st, c->action);
	e->object = text_at(st, c->object);
	e->details = text_at(st, c->details);
	e->prev_hash = text_at(st, c->prev_hash);
	e->hash = text_at(st, c->hash);
}

/* An id and a hash, or a hash and a time stamp, read from one row. */
struct audit_hash_out {
	int64_t	*id;
	char	*hash;
	char	*ts;	/* NULL: not wanted */
};

static int
audit_last_fill(void *arg, const struct db_row *st)
{
	struct audit_hash_out *o = arg;

	*o->id = db_col_int(st, AUDIT_LAST_ID);
	snprintf(o->hash, 65, "%s", db_col_text(st, AUDIT_LAST_HASH));
	return 0;
}

int
store_audit_last(struct db *db, int64_t *id, char hash[65])
{
	struct audit_hash_out o = { id, hash, NULL };

	if (db_one_int_params(db, STMT_AUDIT_LOCK, NULL, NULL) == -1)
		return -1;
	return db_one_row_params(db, STMT_AUDIT_LAST, audit_last_fill, &o,
	    NULL);
}

int
store_audit_insert(struct db *db, const struct audit_row *e)
{
	return db_run(db, STMT_AUDIT_INSERT, DB_INT(e->id), DB_TEXT(e->ts),
	    e->actor_id > 0 ? DB_INT(e->actor_id) : DB_NULL, DB_TEXT(e->actor),
	    DB_TEXT(e->addr), DB_TEXT(e->user_agent), DB_TEXT(e->action),
	    DB_TEXT(e->object), DB_TEXT(e->details), DB_TEXT(e->prev_hash),
	    DB_TEXT(e->hash));
}

struct store_cursor *
store_audit_all(struct db *db)
{
	return db_cursor(db_bound(db, STMT_AUDIT_ALL, NULL));
}

struct store_cursor *
store_audit_head(struct db *db)
{
	return db_cursor(db_bound(db, STMT_AUDIT_HEAD, NULL));
}

static int
audit_entry_fill(void *row, const struct db_row *st)
{
	audit_fill(st, &entry_cols, row);
	return 0;
}

int
store_audit_next(struct store_cursor *c, struct audit_row *e)
{
	return db_cursor_next(c, audit_entry_fill, e);
}

int
store_audit_max_id(struct db *db, int64_t *id)
{
	*id = 0;
	return db_one_int_params(db, STMT_AUDIT_MAXID, id, NULL) == -1 ? -1 : 0;
}

static int
audit_size_fill(void *arg, const struct db_row *st)
{
	int64_t	**out = arg;

	*out[0] = db_col_int(st, AUDIT_SIZE_COUNT);
	*out[1] = db_col_int(st, AUDIT_SIZE_LAST);
	return 0;
}

int
store_audit_size(struct db *db, int64_t *count, int64_t *last)
{
	int64_t	*out[2] = { count, last };

	return db_one_row_params(db, STMT_AUDIT_SIZE, audit_size_fill, out,
	    NULL) == 1 ? 0 : -1;
}

static int
audit_hash_at_fill(void *arg, const struct db_row *st)
{
	struct audit_hash_out *o = arg;

	snprintf(o->hash, 65, "%s", db_col_text(st, AUDIT_HASH_AT_HASH));
	if (o->ts != NULL)
		snprintf(o->ts, 32, "%s", db_col_text(st, AUDIT_HASH_AT_TS));
	return 0;
}

int
store_audit_hash_at(struct db *db, int64_t id, char hash[65], char ts[32])
{
	struct audit_hash_out o = { NULL, hash, ts };

	return db_one_row(db, STMT_AUDIT_HASH_AT, audit_hash_at_fill, &o,
	    DB_INT(id));
}

int
store_audit_marker(struct db *db, const char *action, int64_t *id)
{
	return db_one_int(db, STMT_AUDIT_MARKER, id, DB_TEXT(action));
}

static int
audit_page_fill(void *row, const struct db_row *st)
{
	audit_fill(st, &page_cols, row);
	return 0;
}

DB_ROW_WALK(audit_page, struct audit_row, audit_page_fill)

/* The audit times that bound no date range: before and after any entry. */
#define TS_NONE_FROM	"0000-01-01T00:00:00.000Z"
#define TS_NONE_TO	"9999-12-31T23:59:59.999Z"

/* The first id at or after time ts into *id (INT64_MAX: none is): 0, -1. */
static int
id_from(struct db *db, const char *ts, int64_t *id)
{
	int	 rc = db_one_int(db, STMT_AUDIT_ID_FROM, id, DB_TEXT(ts));

	if (rc == 0)
		*id = INT64_MAX;
	return rc == -1 ? -1 : 0;
}

int
store_audit_page(struct db *db, const struct audit_filter *f, int64_t key,
    int newer, int64_t limit,
    int (*cb)(void *arg, const struct audit_row *), void *arg)
{
	/* By shape (actor given: 1, action given: 2, both: 3), older and
	 * newer pages; each takes the actor and then the action that are
	 * given after the five parameters all share. */
	static const enum stmt shapes[4][2] = {
		{ STMT_AUDIT_PAGE, STMT_AUDIT_PAGE_UP },
		{ STMT_AUDIT_PAGE_ACTOR, STMT_AUDIT_PAGE_ACTOR_UP },
		{ STMT_AUDIT_PAGE_ACTION, STMT_AUDIT_PAGE_ACTION_UP },
		{ STMT_AUDIT_PAGE_BOTH, STMT_AUDIT_PAGE_BOTH_UP },
	};
	const char	*actor = f->actor != NULL ? f->actor : "";
	const char	*action = f->action != NULL ? f->action : "";
	const char	*from = f->from != NULL && *f->from != '\0' ? f->from :
			    TS_NONE_FROM;
	const char	*to = f->to != NULL && *f->to != '\0' ? f->to :
			    TS_NONE_TO;
	int64_t		 lo = 0, hi = INT64_MAX;
	int		 shape = (*actor != '\0') | (*action != '\0') << 1;
	struct db_param	 p[8];
	size_t		 n;

	/*
	 * Entries are appended one transaction each with the time of their
	 * writing, so the ids of a date range are one range too: the first
	 * entry at or after "from" up to the first at or after "to". The
	 * times stay in the statement: an entry out of time order (a clock
	 * stepped back) is never shown outside the range.
	 */
	if (f->from != NULL && *f->from != '\0' && id_from(db, from, &lo) == -1)
		return -1;
	if (f->to != NULL && *f->to != '\0' && id_from(db, to, &hi) == -1)
		return -1;
	row_page_range(key, newer, &lo, &hi);
	n = row_params_add(p, 0, DB_PARAMS(DB_INT(lo), DB_INT(hi),
	    DB_TEXT(from), DB_TEXT(to), DB_INT(limit)));
	if (*actor != '\0')
		n = row_params_add(p, n, DB_PARAMS(DB_TEXT(actor)));
	if (*action != '\0')
		n = row_params_add(p, n, DB_PARAMS(DB_TEXT(action)));
	return row_walk(db, shapes[shape][newer != 0], audit_page, cb, arg, p);
}

int
store_audit_page_nth(struct db *db, int64_t skip, int64_t limit,
    int (*cb)(void *arg, const struct audit_row *), void *arg)
{
	return row_walk(db, STMT_AUDIT_PAGE_NTH, audit_page, cb, arg,
	    DB_PARAMS(DB_INT(skip), DB_INT(limit)));
}
