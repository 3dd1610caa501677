/* db.h: the SQLite store. One connection per process, opened after fork;
 * WAL, busy_timeout and foreign keys on. Every statement the program runs
 * is declared once in db.c (enum stmt below), prepared on first use and
 * kept for the life of the process. Writes happen between db_begin()
 * (BEGIN IMMEDIATE) and db_commit(). */
#ifndef DIALDESK_DB_H
#define DIALDESK_DB_H

#include <stdint.h>
#include <sqlite3.h>

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
	STMT_IMPORT_ROWS_PURGE,
	STMT_IMPORT_SET_PURGED,
	STMT_IMPORT_PURGED,
	STMT_BATCH_CLAIM_OPEN,
	STMT_DRAFT_LIST,
	STMT_DRAFT_COUNT,
	STMT_KEPT_INSERT,
	STMT_KEPT_GET,
	STMT_KEPT_TAKE,
	STMT_KEPT_STALE,
	STMT_IMPORT_SET_READ,
	STMT_IMPORT_GET_READ,
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
	STMT__MAX
};

struct db;

/* Open (creating if need be) the database at path. Returns NULL and logs
 * why on failure. */
struct db	*db_open(const char *path, int busy_timeout_ms);
void		 db_close(struct db *);
sqlite3		*db_handle(struct db *);

/* The prepared statement for s, reset and with its bindings cleared; NULL
 * (logged) if it cannot be prepared. Reset it with db_reset() as soon as
 * its rows are read: an open statement pins a WAL snapshot. */
sqlite3_stmt	*db_stmt(struct db *, enum stmt s);
void		 db_reset(sqlite3_stmt *);

/* Run a statement whose rows, if any, are not wanted, and reset it. A write
 * outside a transaction gets its own BEGIN IMMEDIATE ... COMMIT. Returns
 * SQLITE_DONE on success, the error otherwise (logged). */
int		 db_exec_stmt(sqlite3_stmt *);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. begin and commit return 0 or -1
 * (logged); rollback is always safe to call, also without a transaction. */
int		 db_begin(struct db *);
/* Share the push gate at path with every process that opens it (serve's
 * workers and committer): db_begin() then waits while a push is being
 * committed. 0 or -1 (logged). */
int		 db_gate_open(struct db *, const char *path);
/* The committer's BEGIN: takes the gate and holds it, over as many
 * transactions as it likes, until db_gate_release(), so that other
 * writers let it in after their current transaction and wait meanwhile. */
int		 db_begin_first(struct db *);
void		 db_gate_release(struct db *);
/* The committer's commits leave the WAL checkpoint (SQLite's automatic
 * one, at 1,000 pages) to db_checkpoint_due(), which it calls once its
 * pushes are answered. */
void		 db_defer_checkpoints(struct db *);
void		 db_checkpoint_due(struct db *);
int		 db_commit(struct db *);
void		 db_rollback(struct db *);
/* BEGIN IMMEDIATE for a caller that waits and tries again: 0, 1 when
 * another connection held the write lock for longer than busy_timeout (not
 * logged), -1 on any other error (logged). */
int		 db_try_begin(struct db *);

/* Bind helpers that treat NULL text as SQL NULL. */
int		 db_bind_text(sqlite3_stmt *, int idx, const char *);
int		 db_bind_int(sqlite3_stmt *, int idx, int64_t);
/* Column text as a C string, "" for NULL. */
const char	*db_col_text(sqlite3_stmt *, int col);

/* Schema: the version the database is at (0 when new), the version this
 * binary carries, and applying what is missing, each migration in its own
 * transaction. migrate returns 0 or -1 with an English message. */
int		 db_schema_version(struct db *);
int		 db_schema_latest(void);
int		 db_migrate(struct db *, char *err, size_t errsz);

#endif
