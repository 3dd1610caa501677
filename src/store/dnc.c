/* store/dnc.c: the statements of the do-not-call list, the numbers sent
 * and the duplicate rule of an import, and the typed functions over them. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store/dnc.h"

const char *const store_sql_dnc[STMT__MAX] = {
	/* (hash, today): an entry that still applies */
	[STMT_DNC_LISTED] =
	    "SELECT 1 FROM dnc WHERE hash = ?1"
	    " AND (expires IS NULL OR expires >= ?2)",
	/* (hash, since, user or 0) */
	[STMT_DNC_SENT_RECENTLY] =
	    "SELECT 1 FROM sent_numbers WHERE hash = ?1 AND sent_at >= ?2"
	    " AND (?3 = 0 OR user_id = ?3) LIMIT 1",
	/* nothing when the number is listed already */
	[STMT_DNC_INSERT] =
	    "INSERT INTO dnc (hash, masked, reason, expires, added_by, added_at)"
	    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
	/* (id) */
	[STMT_DNC_DELETE] =
	    "DELETE FROM dnc WHERE id = ? RETURNING masked",
	/* (hash): DNC_ENTRY_* columns */
	[STMT_DNC_BY_HASH] =
	    "SELECT d.id, d.masked, d.reason, coalesce(d.expires, ''),"
	    " coalesce(u.name, ''), d.added_at FROM dnc AS d"
	    " LEFT JOIN users AS u ON u.id = d.added_by WHERE d.hash = ?",
	/* (id): DNC_ENTRY_* columns */
	[STMT_DNC_BY_ID] =
	    "SELECT d.id, d.masked, d.reason, coalesce(d.expires, ''),"
	    " coalesce(u.name, ''), d.added_at FROM dnc AS d"
	    " LEFT JOIN users AS u ON u.id = d.added_by WHERE d.id = ?",
	/* (ids below, limit): newest first, by key; DNC_ENTRY_* columns */
	[STMT_DNC_PAGE] =
	    "SELECT d.id, d.masked, d.reason, coalesce(d.expires, ''),"
	    " coalesce(u.name, ''), d.added_at FROM dnc AS d"
	    " LEFT JOIN users AS u ON u.id = d.added_by WHERE d.id < ?"
	    " ORDER BY d.id DESC LIMIT ?",
	[STMT_DNC_COUNT] =
	    "SELECT count(*) FROM dnc",
	/* (hash, user, time) */
	[STMT_DNC_SENT_INSERT] =
	    "INSERT INTO sent_numbers (hash, user_id, sent_at) VALUES (?, ?, ?)"
	    " ON CONFLICT DO NOTHING",
	/* (sent before) */
	[STMT_DNC_SENT_PURGE] =
	    "DELETE FROM sent_numbers WHERE sent_at < ?",
	/* (scope, days, keep, import) */
	[STMT_DNC_RULE_SET] =
	    "UPDATE imports SET dup_scope = ?, dup_days = ?, dup_keep = ?"
	    " WHERE id = ?",
	/* (import): DNC_RULE_* columns */
	[STMT_DNC_RULE_GET] =
	    "SELECT dup_scope, dup_days, dup_keep, user_id, dnc_count,"
	    " recent_count FROM imports WHERE id = ?",
	/* (listed, recent, import) */
	[STMT_DNC_COUNTS_SET] =
	    "UPDATE imports SET dnc_count = ?, recent_count = ? WHERE id = ?",
	/* is the list empty (no lookups at all then)? */
	[STMT_DNC_ANY] =
	    "SELECT 1 FROM dnc LIMIT 1",
	/* (since): anything sent since? */
	[STMT_DNC_SENT_ANY] =
	    "SELECT 1 FROM sent_numbers WHERE sent_at >= ? LIMIT 1",
};

enum { DNC_ENTRY_ID, DNC_ENTRY_MASKED, DNC_ENTRY_REASON, DNC_ENTRY_EXPIRES,
    DNC_ENTRY_ADDED_BY, DNC_ENTRY_ADDED_AT };
enum { DNC_RULE_SCOPE, DNC_RULE_DAYS, DNC_RULE_KEEP, DNC_RULE_USER,
    DNC_RULE_LISTED, DNC_RULE_RECENT };
enum { DNC_DELETED_MASKED };

static void
dnc_entry_fill(sqlite3_stmt *st, struct dnc_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, DNC_ENTRY_ID);
	snprintf(e->masked, sizeof(e->masked), "%s",
	    db_col_text(st, DNC_ENTRY_MASKED));
	snprintf(e->reason, sizeof(e->reason), "%s",
	    db_col_text(st, DNC_ENTRY_REASON));
	snprintf(e->expires, sizeof(e->expires), "%s",
	    db_col_text(st, DNC_ENTRY_EXPIRES));
	snprintf(e->added_by, sizeof(e->added_by), "%s",
	    db_col_text(st, DNC_ENTRY_ADDED_BY));
	e->added_at = sqlite3_column_int64(st, DNC_ENTRY_ADDED_AT);
}

static void
dnc_rule_fill(sqlite3_stmt *st, struct dnc_rule_row *r)
{
	snprintf(r->scope, sizeof(r->scope), "%s",
	    db_col_text(st, DNC_RULE_SCOPE));
	r->days = sqlite3_column_int(st, DNC_RULE_DAYS);
	r->keep = sqlite3_column_int(st, DNC_RULE_KEEP);
	r->user_id = sqlite3_column_int64(st, DNC_RULE_USER);
	r->listed = sqlite3_column_int64(st, DNC_RULE_LISTED);
	r->recent = sqlite3_column_int64(st, DNC_RULE_RECENT);
}

/* Whether a bound statement has a row: 1, 0, -1 (logged). */
static int
has_row(sqlite3_stmt *st)
{
	return db_get_int(st, NULL);
}

/* The one entry of a bound statement: 1, 0, -1 (logged). */
static int
entry_one(sqlite3_stmt *st, struct dnc_entry *e)
{
	struct store_cursor *c = db_cursor(st);
	int		 rc;

	if ((rc = db_cursor_step(c, &st)) == 1)
		dnc_entry_fill(st, e);
	store_cursor_close(c);
	return rc;
}

static void
bind_hash(sqlite3_stmt *st, int idx, const unsigned char h[DNC_HASH_BYTES])
{
	sqlite3_bind_blob(st, idx, h, DNC_HASH_BYTES, SQLITE_STATIC);
}

int
store_dnc_listed(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    const char *today)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_LISTED)) == NULL)
		return -1;
	bind_hash(st, 1, h);
	db_bind_text(st, 2, today);
	return has_row(st);
}

int
store_dnc_sent_recently(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    int64_t since, int64_t user_id)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_SENT_RECENTLY)) == NULL)
		return -1;
	bind_hash(st, 1, h);
	db_bind_int(st, 2, since);
	db_bind_int(st, 3, user_id);
	return has_row(st);
}

int
store_dnc_any(struct db *db)
{
	sqlite3_stmt	*st;

	return (st = db_stmt(db, STMT_DNC_ANY)) == NULL ? -1 : has_row(st);
}

int
store_dnc_sent_any(struct db *db, int64_t since)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_SENT_ANY)) == NULL)
		return -1;
	db_bind_int(st, 1, since);
	return has_row(st);
}

int
store_dnc_insert(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    const char *masked, const char *reason, const char *expires,
    int64_t added_by, int64_t added_at, int64_t *id)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_INSERT)) == NULL)
		return -1;
	bind_hash(st, 1, h);
	db_bind_text(st, 2, masked);
	db_bind_text(st, 3, reason);
	db_bind_text(st, 4, expires);
	db_bind_int(st, 5, added_by);
	db_bind_int(st, 6, added_at);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	/* ON CONFLICT DO NOTHING changes no row when it is listed. */
	if (sqlite3_changes(db_handle(db)) != 1)
		return 0;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(db_handle(db));
	return 1;
}

int
store_dnc_delete(struct db *db, int64_t id, char *masked, size_t masksz)
{
	struct store_cursor *c;
	sqlite3_stmt	*st;
	int		 rc, found = 0;

	if ((st = db_stmt(db, STMT_DNC_DELETE)) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	c = db_cursor(st);
	while ((rc = db_cursor_step(c, &st)) == 1) {
		snprintf(masked, masksz, "%s",
		    db_col_text(st, DNC_DELETED_MASKED));
		found = 1;
	}
	store_cursor_close(c);
	return rc == -1 ? -1 : found;
}

int
store_dnc_by_hash(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    struct dnc_entry *e)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_BY_HASH)) == NULL)
		return -1;
	bind_hash(st, 1, h);
	return entry_one(st, e);
}

int
store_dnc_by_id(struct db *db, int64_t id, struct dnc_entry *e)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_BY_ID)) == NULL)
		return -1;
	db_bind_int(st, 1, id);
	return entry_one(st, e);
}

/* A walk over entries handed to a caller's callback. */
struct dnc_walk {
	int	(*cb)(void *, const struct dnc_entry *);
	void	*arg;
};

static int
dnc_page_row(void *arg, sqlite3_stmt *st)
{
	struct dnc_walk	*w = arg;
	struct dnc_entry e;

	dnc_entry_fill(st, &e);
	return w->cb(w->arg, &e);
}

int
store_dnc_page(struct db *db, int64_t before, int64_t limit,
    int (*cb)(void *arg, const struct dnc_entry *), void *arg)
{
	struct dnc_walk	 w = { cb, arg };
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_PAGE)) == NULL)
		return -1;
	db_bind_int(st, 1, before);
	db_bind_int(st, 2, limit);
	return db_each_row(st, dnc_page_row, &w);
}

int
store_dnc_count(struct db *db, int64_t *n)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_COUNT)) == NULL)
		return -1;
	return db_get_int(st, n) == 1 ? 0 : -1;
}

int
store_dnc_sent_insert(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    int64_t user_id, int64_t sent_at)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_SENT_INSERT)) == NULL)
		return -1;
	bind_hash(st, 1, h);
	db_bind_int(st, 2, user_id);
	db_bind_int(st, 3, sent_at);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int64_t
store_dnc_sent_purge(struct db *db, int64_t before)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_SENT_PURGE)) == NULL)
		return -1;
	db_bind_int(st, 1, before);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db_handle(db));
}

int
store_dnc_rule_get(struct db *db, int64_t import_id, struct dnc_rule_row *r)
{
	struct store_cursor *c;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_DNC_RULE_GET)) == NULL)
		return -1;
	db_bind_int(st, 1, import_id);
	c = db_cursor(st);
	if ((rc = db_cursor_step(c, &st)) == 1)
		dnc_rule_fill(st, r);
	store_cursor_close(c);
	return rc;
}

int
store_dnc_rule_set(struct db *db, int64_t import_id, const char *scope,
    int days, int keep)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_RULE_SET)) == NULL)
		return -1;
	db_bind_text(st, 1, scope);
	db_bind_int(st, 2, days);
	db_bind_int(st, 3, keep);
	db_bind_int(st, 4, import_id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
store_dnc_counts_set(struct db *db, int64_t import_id, int64_t listed,
    int64_t recent)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_DNC_COUNTS_SET)) == NULL)
		return -1;
	db_bind_int(st, 1, listed);
	db_bind_int(st, 2, recent);
	db_bind_int(st, 3, import_id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}
