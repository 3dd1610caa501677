/* store/dnc.c: the statements of the do-not-call list, the numbers sent
 * and the duplicate rule of an import, and the typed functions over them. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store/rows.h"
#include "store/dnc.h"

STORE_SQL_TABLE(dnc) = {
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
	/* (ids above, limit): oldest first, by key; DNC_ENTRY_* columns */
	[STMT_DNC_PAGE_UP] =
	    "SELECT d.id, d.masked, d.reason, coalesce(d.expires, ''),"
	    " coalesce(u.name, ''), d.added_at FROM dnc AS d"
	    " LEFT JOIN users AS u ON u.id = d.added_by WHERE d.id > ?"
	    " ORDER BY d.id LIMIT ?",
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

static int
dnc_entry_fill(void *arg, const struct db_row *st)
{
	struct dnc_entry *e = arg;

	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, DNC_ENTRY_ID);
	snprintf(e->masked, sizeof(e->masked), "%s",
	    db_col_text(st, DNC_ENTRY_MASKED));
	snprintf(e->reason, sizeof(e->reason), "%s",
	    db_col_text(st, DNC_ENTRY_REASON));
	snprintf(e->expires, sizeof(e->expires), "%s",
	    db_col_text(st, DNC_ENTRY_EXPIRES));
	snprintf(e->added_by, sizeof(e->added_by), "%s",
	    db_col_text(st, DNC_ENTRY_ADDED_BY));
	e->added_at = db_col_int(st, DNC_ENTRY_ADDED_AT);
	return 0;
}

static int
dnc_rule_fill(void *arg, const struct db_row *st)
{
	struct dnc_rule_row *r = arg;

	snprintf(r->scope, sizeof(r->scope), "%s",
	    db_col_text(st, DNC_RULE_SCOPE));
	r->days = (int)db_col_int(st, DNC_RULE_DAYS);
	r->keep = (int)db_col_int(st, DNC_RULE_KEEP);
	r->user_id = db_col_int(st, DNC_RULE_USER);
	r->listed = db_col_int(st, DNC_RULE_LISTED);
	r->recent = db_col_int(st, DNC_RULE_RECENT);
	return 0;
}

/* A number's hash as a bound parameter. */
#define DNC_HASH(h)	DB_BLOB((h), DNC_HASH_BYTES)

/* Each of the lookups below: whether its statement has a row, 1, 0, -1
 * (logged). */
int
store_dnc_listed(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    const char *today)
{
	return db_one_int(db, STMT_DNC_LISTED, NULL, DNC_HASH(h),
	    DB_TEXT(today));
}

int
store_dnc_sent_recently(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    int64_t since, int64_t user_id)
{
	return db_one_int(db, STMT_DNC_SENT_RECENTLY, NULL, DNC_HASH(h),
	    DB_INT(since), DB_INT(user_id));
}

int
store_dnc_any(struct db *db)
{
	return db_one_int_params(db, STMT_DNC_ANY, NULL, NULL);
}

int
store_dnc_sent_any(struct db *db, int64_t since)
{
	return db_one_int(db, STMT_DNC_SENT_ANY, NULL, DB_INT(since));
}

int
store_dnc_insert(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    const char *masked, const char *reason, const char *expires,
    int64_t added_by, int64_t added_at, int64_t *id)
{
	int64_t	 n;

	if ((n = db_run_changes(db, STMT_DNC_INSERT, DNC_HASH(h),
	    DB_TEXT(masked), DB_TEXT(reason), DB_TEXT(expires),
	    DB_INT(added_by), DB_INT(added_at))) == -1)
		return -1;
	/* ON CONFLICT DO NOTHING changes no row when it is listed. */
	if (n != 1)
		return 0;
	if (id != NULL)
		*id = db_last_insert_id(db);
	return 1;
}

/* Where the masked number of a deleted entry goes. */
struct masked_out {
	char	*masked;
	size_t	 masksz;
	int	 found;
};

static int
deleted_row(void *arg, const struct db_row *st)
{
	struct masked_out *m = arg;

	snprintf(m->masked, m->masksz, "%s",
	    db_col_text(st, DNC_DELETED_MASKED));
	m->found = 1;
	return 0;
}

int
store_dnc_delete(struct db *db, int64_t id, char *masked, size_t masksz)
{
	struct masked_out m = { masked, masksz, 0 };

	if (db_each(db, STMT_DNC_DELETE, deleted_row, &m, DB_INT(id)) == -1)
		return -1;
	return m.found;
}

int
store_dnc_by_hash(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    struct dnc_entry *e)
{
	return db_one_row(db, STMT_DNC_BY_HASH, dnc_entry_fill, e,
	    DNC_HASH(h));
}

int
store_dnc_by_id(struct db *db, int64_t id, struct dnc_entry *e)
{
	return db_one_row(db, STMT_DNC_BY_ID, dnc_entry_fill, e, DB_INT(id));
}

DB_ROW_WALK(dnc_page, struct dnc_entry, dnc_entry_fill)

int
store_dnc_page(struct db *db, int64_t before, int64_t limit,
    int (*cb)(void *arg, const struct dnc_entry *), void *arg)
{
	return row_walk(db, STMT_DNC_PAGE, dnc_page, cb, arg,
	    DB_PARAMS(DB_INT(before), DB_INT(limit)));
}

int
store_dnc_page_newer(struct db *db, int64_t after, int64_t limit,
    int (*cb)(void *arg, const struct dnc_entry *), void *arg)
{
	return row_walk(db, STMT_DNC_PAGE_UP, dnc_page, cb, arg,
	    DB_PARAMS(DB_INT(after), DB_INT(limit)));
}

int
store_dnc_count(struct db *db, int64_t *n)
{
	return db_one_int_params(db, STMT_DNC_COUNT, n, NULL) == 1 ? 0 : -1;
}

int
store_dnc_sent_insert(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    int64_t user_id, int64_t sent_at)
{
	return db_run(db, STMT_DNC_SENT_INSERT, DNC_HASH(h), DB_INT(user_id),
	    DB_INT(sent_at));
}

int64_t
store_dnc_sent_purge(struct db *db, int64_t before)
{
	return db_run_changes(db, STMT_DNC_SENT_PURGE, DB_INT(before));
}

int
store_dnc_rule_get(struct db *db, int64_t import_id, struct dnc_rule_row *r)
{
	return db_one_row(db, STMT_DNC_RULE_GET, dnc_rule_fill, r,
	    DB_INT(import_id));
}

int
store_dnc_rule_set(struct db *db, int64_t import_id, const char *scope,
    int days, int keep)
{
	return db_run(db, STMT_DNC_RULE_SET, DB_TEXT(scope), DB_INT(days),
	    DB_INT(keep), DB_INT(import_id));
}

int
store_dnc_counts_set(struct db *db, int64_t import_id, int64_t listed,
    int64_t recent)
{
	return db_run(db, STMT_DNC_COUNTS_SET, DB_INT(listed), DB_INT(recent),
	    DB_INT(import_id));
}
