/* store.h: the database as the rest of the program sees it. One
 * connection per process, opened after fork. Nothing here names SQLite:
 * the typed functions of each subject are declared in src/store/<subject>.h
 * and take and return C structs; only src/db.c and src/store/ see SQL.
 *
 * Conventions of the typed functions:
 *  - they return 0 on success and -1 on an error (logged in English), and
 *    1 where a row may be missing ("not found" is not an error);
 *  - a getter fills a caller's struct whose strings it owns (freed by the
 *    subject's *_free function) unless the struct says otherwise;
 *  - a list calls a callback per row; the row's strings are borrowed and
 *    valid only during that call, so rows are never copied;
 *  - writes outside db_begin()/db_commit() run in a transaction of their
 *    own. */
#ifndef DIALDESK_STORE_H
#define DIALDESK_STORE_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* Open (creating if need be) the database at path. Returns NULL and logs
 * why on failure. */
struct db	*db_open(const char *path, int busy_timeout_ms);
void		 db_close(struct db *);

/* Prepare every statement of the program now (serve and worker call it
 * once the schema is current): 0, or -1 with the first failure logged. */
int		 db_prepare_all(struct db *);

/* A cursor over the rows of one query (each subject's *_next function
 * reads it); close it as soon as its rows are read. NULL is ignored. */
struct store_cursor;
void		 store_cursor_close(struct store_cursor *);

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
/* A transaction that stores pushes without holding the gate (the
 * committer's round after it let go of it, a worker's push when there is
 * no committer): on SQLite db_begin(), on PostgreSQL db_begin_first()'s
 * (durable whatever the server's default, not behind the writers' lock). */
int		 db_begin_push(struct db *);
void		 db_gate_release(struct db *);
/* The committer's commits leave the WAL checkpoint (SQLite's automatic
 * one, at 1,000 pages) to db_checkpoint_due(), which it calls once its
 * pushes are answered. */
void		 db_defer_checkpoints(struct db *);
void		 db_checkpoint_due(struct db *);
int		 db_commit(struct db *);
/* The commit of one part of a longer write whose last commit is a
 * db_commit() (an import's chunks): on PostgreSQL it does not wait for
 * the disk, the last one's wait making it durable with everything before;
 * on SQLite db_commit(). 0 or -1 (logged, rolled back). */
int		 db_commit_part(struct db *);
void		 db_rollback(struct db *);
/* How often a PostgreSQL connection waited for its server (0 on SQLite):
 * what the tests count, and the committer's last log line. */
int64_t		 db_round_trips(const struct db *);
/* BEGIN IMMEDIATE for a caller that waits and tries again: 0, 1 when
 * another connection held the write lock for longer than busy_timeout (not
 * logged), -1 on any other error (logged). */
int		 db_try_begin(struct db *);
/* A request's reads in one snapshot (issue 12): from db_read_begin() to
 * db_read_end() every read outside db_begin() shares one read transaction
 * on SQLite, opened at the first read, closed before any write and opened
 * again at the next read (which so sees the write). A no-op on PostgreSQL,
 * where a BEGIN costs a round trip. */
void		 db_read_begin(struct db *);
void		 db_read_end(struct db *);

/* Schema: the version the database is at (0 when new), the version this
 * binary carries, and applying what is missing, each migration in its own
 * transaction. migrate returns 0 or -1 with an English message. */
int		 db_schema_version(struct db *);
int		 db_schema_latest(void);
int		 db_migrate(struct db *, char *err, size_t errsz);

#endif
