/* db.h: inside the store layer only (src/db.c and src/store/ files). The
 * connection's statements (SQLite's or PostgreSQL's, the same for both): every statement of the program is one
 * enum stmt entry below and one designated initializer in the table of
 * its subject (src/store/<subject>.c, store_sql_<subject>), next to the
 * column enum and the fill function that read its rows. db_prepare_all()
 * prepares every one, so that a typo fails when serve starts. Code
 * outside the store includes store.h (no SQLite type in it). */
#ifndef DIALDESK_DB_H
#define DIALDESK_DB_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "store.h"

enum stmt {
	STMT_SCHEMA_CREATE,
	STMT_SCHEMA_VERSION,
	STMT_SCHEMA_RECORD,
	STMT_USER_BY_NAME,
	STMT_USER_BY_ID,
	STMT_USER_INSERT,
	STMT_USER_SET_PWHASH,
	STMT_USER_SET_DISABLED,
	STMT_USER_SET_VENDOR_LOGIN,
	STMT_SESSION_INSERT,
	STMT_SESSION_GET,
	STMT_SESSION_TOUCH,
	STMT_SESSION_DELETE,
	STMT_SESSION_DELETE_USER,
	STMT_SESSION_PURGE,
	STMT_FAIL_GET,
	STMT_FAIL_SET,
	STMT_FAIL_CLEAR,
	STMT_AUDIT_LAST,
	STMT_AUDIT_INSERT,
	STMT_AUDIT_ALL,
	STMT_AUDIT_MAXID,
	STMT_AUDIT_PAGE,
	STMT_AUDIT_PAGE_NTH,
	STMT_USER_LIST,
	STMT_IMPORT_INSERT,
	STMT_IMPORT_RELOAD,
	STMT_IMPORT_ROWS_DELETE,
	STMT_IMPORT_DELETE,
	STMT_IMPORT_ROW_VALID,
	STMT_IMPORT_ROW_FIRST,
	STMT_IMPORT_ROW_BAD,
	STMT_IMPORT_FINISH,
	STMT_IMPORT_GET,
	STMT_IMPORT_SET_STATE,
	STMT_IMPORT_ROWS_RANGE,
	STMT_IMPORT_BAD_PAGE,
	STMT_IMPORT_TASK,
	STMT_TASK_INSERT,
	STMT_BATCH_INSERT,
	STMT_TASK_REFRESH,
	STMT_TASK_CANCEL_BATCHES,
	STMT_BATCH_RESEND,
	STMT_BATCH_CLAIM,
	STMT_BATCH_FINISH,
	STMT_BATCH_REQUEUE,
	STMT_BATCH_STALE,
	STMT_TASK_GET,
	STMT_TASK_BATCHES,
	STMT_TASK_LIST,
	STMT_TASK_FOR_SEND,
	STMT_BATCH_TASK,
	STMT_BATCH_BY_VENDOR_TASK,
	STMT_PUSH_INSERT,
	STMT_PUSH_REJECT,
	STMT_PUSH_LINK_AUTO,
	STMT_PUSH_LINK_MANUAL,
	STMT_PUSH_UNMATCHED,
	STMT_PUSH_REJECTED_LIST,
	STMT_TASK_BREAKDOWN,
	STMT_DASH_TASKS,
	STMT_DASH_FIGURES,
	STMT_TASK_LATEST,
	STMT_FAIL_PURGE,
	STMT_IMPORT_STALE,
	STMT_KNOWN_GET,
	STMT_KNOWN_SET,
	STMT_KNOWN_PURGE,
	STMT_USER_ROWS,
	STMT_USER_OTHER_ADMINS,
	STMT_USER_SET_ROLE,
	STMT_USER_SET_MUST_CHANGE,
	STMT_USER_SET_LAST_LOGIN,
	STMT_SESSION_LIST_USER,
	STMT_SESSION_DELETE_OTHERS,
	STMT_ACCESS_TASK_OWNER,
	STMT_ACCESS_BATCH_OWNER,
	STMT_ACCESS_IMPORT_OWNER,
	STMT_ACCESS_PUSH_OWNER,
	STMT_INTEGRITY_CHECK,
	STMT_WAL_CHECKPOINT,
	STMT_JOURNAL_DELETE,
	STMT_HEALTH_BATCH_STATES,
	STMT_HEALTH_QUEUE_OLDEST,
	STMT_HEALTH_DB_SIZE,
	STMT_ACCESS_USER_OWNER,
	STMT_AUDIT_HEAD,
	STMT_AUDIT_HASH_AT,
	STMT_AUDIT_MARKER,
	STMT_AUDIT_SIZE,
	STMT_USER_SET_PHONES,
	STMT_RETENTION_DUE,
	STMT_IMPORT_SET_PURGED,
	STMT_IMPORT_PURGED,
	STMT_BATCH_CLAIM_OPEN,
	STMT_DRAFT_LIST,
	STMT_DRAFT_COUNT,
	STMT_KEPT_INSERT,
	STMT_KEPT_GET,
	STMT_KEPT_TAKE,
	STMT_KEPT_STALE,
	STMT_SETTINGS_VERSION,
	STMT_SETTINGS_ALL,
	STMT_SETTINGS_PUT,
	STMT_SETTINGS_HISTORY_ADD,
	STMT_SETTINGS_HISTORY,
	STMT_BATCH_NEXT_QUEUED,
	STMT_DNC_LISTED,
	STMT_DNC_SENT_RECENTLY,
	STMT_DNC_INSERT,
	STMT_DNC_DELETE,
	STMT_DNC_BY_HASH,
	STMT_DNC_BY_ID,
	STMT_DNC_PAGE,
	STMT_DNC_COUNT,
	STMT_DNC_SENT_INSERT,
	STMT_DNC_SENT_PURGE,
	STMT_DNC_RULE_SET,
	STMT_DNC_RULE_GET,
	STMT_DNC_COUNTS_SET,
	STMT_ACCESS_DNC_OWNER,
	STMT_DNC_ANY,
	STMT_DNC_SENT_ANY,
	STMT_UPLOAD_CHUNK_PUT,
	STMT_UPLOAD_CHUNKS,
	STMT_UPLOAD_DELETE,
	/* the list pages by key (issue 12) */
	STMT_AUDIT_PAGE_UP,
	STMT_AUDIT_PAGE_ACTOR,
	STMT_AUDIT_PAGE_ACTOR_UP,
	STMT_AUDIT_PAGE_ACTION,
	STMT_AUDIT_PAGE_ACTION_UP,
	STMT_AUDIT_PAGE_BOTH,
	STMT_AUDIT_PAGE_BOTH_UP,
	STMT_AUDIT_ID_FROM,
	STMT_TASK_LIST_UP,
	STMT_TASK_LIST_STATE,
	STMT_TASK_LIST_STATE_UP,
	STMT_TASK_LIST_USER,
	STMT_TASK_LIST_USER_UP,
	STMT_TASK_LIST_BOTH,
	STMT_TASK_LIST_BOTH_UP,
	STMT_TASK_ID_FROM,
	STMT_PUSH_UNMATCHED_UP,
	STMT_IMPORT_BAD_PAGE_UP,
	STMT_TASK_TOTALS,
	STMT_TASK_BREAKDOWN_PAGE,
	STMT_DNC_PAGE_UP,
	STMT_IMPORT_ROWS_PUT,
	STMT_AUDIT_LOCK,
	STMT_PUSH_LINK_LOCK,
	STMT__MAX
};

/* Each subject's table (see sql_tables in db.c). */
extern const char *const store_sql_core[STMT__MAX];
extern const char *const store_sql_imports[STMT__MAX];
extern const char *const store_sql_tasks[STMT__MAX];
extern const char *const store_sql_users[STMT__MAX];
extern const char *const store_sql_access[STMT__MAX];
extern const char *const store_sql_audit[STMT__MAX];
extern const char *const store_sql_settings[STMT__MAX];
extern const char *const store_sql_dnc[STMT__MAX];
extern const char *const store_sql_maint[STMT__MAX];
extern const char *const store_sql_pushes[STMT__MAX];
/* PostgreSQL's own text of the statements where the dialects differ
 * (src/store/pgsql.c, sparse); the others are shared. */
extern const char *const store_sql_pg[STMT__MAX];
/* The statements PostgreSQL plans with each execution's values (store/pgsql.c). */
extern const unsigned char store_pg_plan_each[STMT__MAX];

/* One result row (see db_col_int below); opaque outside db.c. */
struct db_row;

/* The SQL text of s (NULL, logged, when the tables are inconsistent);
 * db_sql_pg: the text PostgreSQL runs (its override, else the shared). */
const char	*db_sql(enum stmt s);
const char	*db_sql_pg(enum stmt s);
/* Whether the connection is PostgreSQL's. */
int		 db_is_pg(const struct db *);
/* Prepare s now: 0, or -1 (logged). */
int		 db_prepared(struct db *, enum stmt s);

/* Whether the request's read snapshot (db_read_begin) is open now. */
int		 db_read_snapshot(const struct db *);

/* SQLite only (the maintenance commands): the connection and the
 * prepared statement for s, reset; NULL (logged) on an error or on
 * PostgreSQL. */
sqlite3		*db_handle(struct db *);
sqlite3_stmt	*db_stmt(struct db *, enum stmt s);
void		 db_reset(sqlite3_stmt *);

/* SQL that is no statement of the tables (db copy, the tests' fixtures),
 * one or more statements without parameters: 0, or -1 with err. */
int		 db_exec_sql(struct db *, const char *sql, char *err,
		    size_t errsz);
/* PostgreSQL: every identity column's sequence set past the largest id in
 * its table (after rows were written with their ids); 0 on SQLite, which
 * takes the next rowid from the table itself. 0, or -1 (logged). */
int		 db_sync_ids(struct db *);
/* The connection's last error, for messages. */
const char	*db_errmsg(struct db *);
/* The first column of the first row of a query that is no statement of
 * the tables (the tests' questions), as text into out ("" for NULL): 1,
 * 0 when there is no row, -1 with the error in out. */
int		 db_query_value(struct db *, const char *sql, char *out,
		    size_t outsz);

/* A statement with its parameters bound (db_bound), handed out as a
 * cursor; step it with db_cursor_step(): 1 with *st at a row, 0 at the
 * end, -1 on an error (logged). store_cursor_close() resets it. NULL in,
 * NULL out (an error already logged). */
struct store_cursor *db_cursor(struct store_cursor *);
int		 db_cursor_step(struct store_cursor *,
		    const struct db_row **row);
/* The next row of a cursor filled by fill(row, st) (db_one_row's fill):
 * 1 filled, 0 at the end, -1 on an error (logged) or when fill failed. */
int		 db_cursor_next(struct store_cursor *,
		    int (*fill)(void *row, const struct db_row *), void *row);

/* The first column of a bound statement's first row, as an integer, and
 * reset it: 1 with *v, 0 when there is no row or the value is NULL, -1 on
 * an error (logged). v may be NULL (whether a row exists). */
int		 db_get_int(struct store_cursor *, int64_t *v);
/* Step a bound statement, calling row() on each of its rows, and reset
 * it: 0, or -1 on an error (logged) or when row() returned non-zero. */
int		 db_each_row(struct store_cursor *,
		    int (*row)(void *arg, const struct db_row *), void *arg);

/*
 * Running a statement from its parameters, in one call: the parameters
 * are a list of typed values, so that the compiler checks each one's
 * type (a varargs list with a type string would take an int where an
 * int64_t is read without a word). For example
 *	db_run(db, STMT_FAIL_SET, DB_TEXT(key), DB_INT(f->count))
 * binds ?1 and ?2 and runs it. DB_TEXT is copied; the bytes of DB_TEXTN
 * and DB_BLOB are not (they must outlive the call, or the cursor).
 */
/* DB_P_END is 0: a zeroed element ends a list. */
enum db_param_type { DB_P_END, DB_P_INT, DB_P_NULL, DB_P_TEXT, DB_P_TEXTN,
    DB_P_BLOB };
struct db_param {
	enum db_param_type	 type;
	int64_t			 i;
	const void		*p;	/* text (NULL: SQL NULL), blob */
	size_t			 len;	/* DB_P_TEXTN, DB_P_BLOB */
};
#define DB_INT(v)	((struct db_param){ DB_P_INT, (v), NULL, 0 })
#define DB_NULL		((struct db_param){ DB_P_NULL, 0, NULL, 0 })
#define DB_TEXT(s)	((struct db_param){ DB_P_TEXT, 0, \
			    (const char *){ (s) }, 0 })
/* text of n bytes */
#define DB_TEXTN(s, n)	((struct db_param){ DB_P_TEXTN, 0, \
			    (const char *){ (s) }, (n) })
/* n bytes; NULL or n == 0 is an empty blob, not SQL NULL */
#define DB_BLOB(b, n)	((struct db_param){ DB_P_BLOB, 0, (b), (n) })
#define DB_PARAMS(...)	((const struct db_param[]){ __VA_ARGS__, \
			    { DB_P_END, 0, NULL, 0 } })

/* SQLite: bind params (ended by DB_P_END; NULL: none) to ?1, ?2, ...: 0,
 * or -1 (logged). */
int		 db_bind_params(sqlite3_stmt *, const struct db_param *);
/* The statement s with params bound (on PostgreSQL: run), as a cursor;
 * NULL (logged) on an error. */
struct store_cursor *db_bound(struct db *, enum stmt s,
		    const struct db_param *);

/* Run s, its rows not wanted: 0, or -1 (logged). A write outside a
 * transaction gets one of its own (SQLite: BEGIN IMMEDIATE). */
#define db_run(db, s, ...) \
	db_run_params((db), (s), DB_PARAMS(__VA_ARGS__))
int		 db_run_params(struct db *, enum stmt, const struct db_param *);
/* Run s: how many rows it changed, or -1 (logged). */
#define db_run_changes(db, s, ...) \
	db_run_changes_params((db), (s), DB_PARAMS(__VA_ARGS__))
int64_t		 db_run_changes_params(struct db *, enum stmt,
		    const struct db_param *);
/* The id of the row the last INSERT added (on PostgreSQL the INSERT
 * says RETURNING id, in its text in store_sql_pg). */
int64_t		 db_last_insert_id(struct db *);
/* db_get_int() of s: 1 with *v, 0 no row (or NULL), -1 (logged). */
#define db_one_int(db, s, v, ...) \
	db_one_int_params((db), (s), (v), DB_PARAMS(__VA_ARGS__))
int		 db_one_int_params(struct db *, enum stmt, int64_t *v,
		    const struct db_param *);
/* The first row of s handed to fill(): 1 filled, 0 no row, -1 on an
 * error (logged) or when fill() returned non-zero. Reset after. */
#define db_one_row(db, s, fill, arg, ...) \
	db_one_row_params((db), (s), (fill), (arg), DB_PARAMS(__VA_ARGS__))
int		 db_one_row_params(struct db *, enum stmt,
		    int (*fill)(void *arg, const struct db_row *), void *arg,
		    const struct db_param *);
/* db_one_row()'s or db_one_int()'s 1 found, 0 none as 0 found, 1 none
 * (-1 stays): the contract of the lookups that return 0 on success. */
int		 db_found_0(int rc);
/* db_each_row() over s: 0, or -1 (logged, or row() non-zero). */
#define db_each(db, s, row, arg, ...) \
	db_each_params((db), (s), (row), (arg), DB_PARAMS(__VA_ARGS__))
int		 db_each_params(struct db *, enum stmt,
		    int (*row)(void *arg, const struct db_row *), void *arg,
		    const struct db_param *);
/* s run once for each of n parameter lists (p[i]), row(arg, i, r) called
 * for each row of the i-th: on PostgreSQL all are sent ahead at once and
 * answered in one round trip (pipeline mode), on SQLite run in turn.
 * 0, or -1 (logged, or row() non-zero). */
int		 db_each_ahead(struct db *, enum stmt,
		    const struct db_param *const *p, size_t n,
		    int (*row)(void *arg, size_t i, const struct db_row *),
		    void *arg);
/*
 * DB_ROW_WALK(name, type, fill) defines struct name_walk { cb, arg } and
 * name_row(), the row function of db_each() for a list handed to a
 * caller's callback one row at a time: it fills a type on the stack with
 * fill(&row, st) (an int function of (void *, const struct db_row *), the same
 * that db_one_row() takes) and calls cb(arg, &row). stopped says whether
 * cb stopped the walk (db_each() then returns -1).
 */
#define DB_ROW_WALK(name, type, fill)					\
struct name##_walk {							\
	int	(*cb)(void *, const type *);				\
	void	*arg;							\
	int	 stopped;						\
};									\
static int								\
name##_row(void *arg, const struct db_row *st)				\
{									\
	struct name##_walk *w = arg;					\
	type		 r;						\
									\
	if (fill(&r, st) != 0)						\
		return -1;						\
	return w->stopped = w->cb(w->arg, &r) != 0;			\
}

/* s as a cursor (db_cursor), NULL (logged) on an error. */
#define db_open_cursor(db, s, ...) \
	db_cursor(db_bound((db), (s), DB_PARAMS(__VA_ARGS__)))

/* SQLite bind helpers that treat NULL text as SQL NULL. */
int		 db_bind_text(sqlite3_stmt *, int idx, const char *);
int		 db_bind_int(sqlite3_stmt *, int idx, int64_t);
/*
 * Reading a row. Fill and row functions get a struct db_row: one result
 * row of whichever engine ran the statement, read only through these, so
 * that the same fill function serves SQLite and PostgreSQL.
 */
/* Column as an integer (0 for NULL). */
int64_t		 db_col_int(const struct db_row *, int col);
/* Column text as a C string, "" for NULL; valid until the next step. */
const char	*db_col_text(const struct db_row *, int col);
/* Whether the column is SQL NULL. */
int		 db_col_is_null(const struct db_row *, int col);
/* Column bytes (never NULL: "" when empty) and their length in *n. */
const void	*db_col_blob(const struct db_row *, int col, size_t *n);

#endif
