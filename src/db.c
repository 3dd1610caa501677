/* db.c: the store's connection (SQLite here, PostgreSQL through db_pg.c),
 * the merged statement tables, and the schema migrations. */
#include "autoconf.h"

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "db_pg.h"
#include "log.h"
#include "migrations.h"

static int	 migration_run(struct db *, const char *, char *, size_t);

extern const struct migration migrations_postgresql[];
extern const int migrations_postgresql_count;

/*
 * A cursor over one statement's rows; a row is the cursor at a row. On
 * SQLite it steps the statement; on PostgreSQL the statement ran when it
 * was bound and the cursor walks its result (PQexecPrepared gives the
 * rows whole), so that another statement may run while it is open.
 */
struct db_row {
	sqlite3_stmt	*st;		/* SQLite, or NULL */
	PGresult	*res;		/* PostgreSQL */
	int		 i;		/* its row */
	struct store_cursor *c;
};
struct store_cursor {
	struct db_row	 row;
	unsigned char	*blobs[8];	/* bytea decoded for this row */
	size_t		 nblobs;
};

struct db {
	sqlite3		*h;		/* NULL on PostgreSQL */
	struct pg	*pg;		/* NULL on SQLite */
	int64_t		 pg_changes;	/* the last statement's, on PG */
	int64_t		 pg_last_id;	/* the last INSERT ... RETURNING id */
	sqlite3_stmt	*stmts[STMT__MAX];
	struct store_cursor curs[STMT__MAX];
	int		 gate;		/* the push gate (db_gate_open), or -1 */
	int		 gate_held;	/* db_begin_first holds it */
	int		 busy_ms;	/* busy_timeout */
	struct gate_shared *shared;	/* the gate file, mapped */
	int		 wal_frames;	/* db_defer_checkpoints: WAL size */
	int		 read_wanted;	/* db_read_begin: reads share a snapshot */
	int		 read_open;	/* its BEGIN DEFERRED is open */
	sqlite3_stmt	*read_begin;	/* BEGIN DEFERRED, prepared once */
	sqlite3_stmt	*read_end;	/* COMMIT, prepared once */
};

/* Shared by every process that opened the gate: writers waiting for
 * SQLite's write lock. */
struct gate_shared {
	atomic_int	 waiting;
};

/*
 * The statements not yet moved next to their typed functions in
 * src/store/, indexed by enum stmt. Only ? placeholders.
 */
const char *const store_sql_core[STMT__MAX] = {
	[STMT_SCHEMA_CREATE] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	    " applied INTEGER NOT NULL)",
	[STMT_SCHEMA_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_migrations",
	[STMT_SCHEMA_RECORD] =
	    "INSERT INTO schema_migrations (version, name, applied)"
	    " VALUES (?, ?, unixepoch())",
};

/*
 * Every subject's statement table: each is indexed by enum stmt and holds
 * only its own statements (designated initializers), so that the SQL sits
 * next to the column enum and the fill function that read it. Every
 * statement must be in exactly one table; sql_merge() checks that once.
 */
static const char *const *const sql_tables[] = {
	store_sql_core,
	store_sql_imports,
	store_sql_tasks,
	store_sql_users,
	store_sql_access,
	store_sql_audit,
	store_sql_settings,
	store_sql_dnc,
	store_sql_maint,
	store_sql_pushes,
};

static const char	*sql[STMT__MAX];

static int
sql_merge(void)
{
	static int	 merged;	/* 1 done, -1 broken */
	size_t		 i, t;

	if (merged != 0)
		return merged > 0 ? 0 : -1;
	merged = 1;
	for (i = 0; i < STMT__MAX; i++) {
		for (t = 0; t < sizeof(sql_tables) / sizeof(sql_tables[0]);
		    t++) {
			if (sql_tables[t][i] == NULL)
				continue;
			if (sql[i] != NULL) {
				log_err("db: statement %zu is defined twice", i);
				merged = -1;
			}
			sql[i] = sql_tables[t][i];
		}
		if (sql[i] == NULL) {
			log_err("db: statement %zu has no SQL", i);
			merged = -1;
		}
	}
	return merged > 0 ? 0 : -1;
}

const char *
db_sql(enum stmt s)
{
	return sql_merge() == 0 ? sql[s] : NULL;
}

const char *
db_sql_pg(enum stmt s)
{
	if (sql_merge() == -1)
		return NULL;
	return store_sql_pg[s] != NULL ? store_sql_pg[s] : sql[s];
}

int
db_is_pg(const struct db *db)
{
	return db->pg != NULL;
}

struct pg *
db_pg(struct db *db)
{
	return db->pg;
}

int
db_prepare_all(struct db *db)
{
	size_t	 i;

	for (i = 0; i < STMT__MAX; i++)
		if (db_prepared(db, (enum stmt)i) == -1)
			return -1;
	return 0;
}

int
db_prepared(struct db *db, enum stmt s)
{
	if (db->pg != NULL) {
		if (db_sql_pg(s) == NULL)
			return -1;
		return pg_prepare(db->pg, (int)s, db_sql_pg(s));
	}
	return db_stmt(db, s) == NULL ? -1 : 0;
}

struct db *
db_open(const char *path, int busy_timeout_ms)
{
	struct db	*db;
	int		 rc;

	if ((db = calloc(1, sizeof(*db))) == NULL) {
		log_err("db: out of memory");
		return NULL;
	}
	db->gate = -1;
	if (pg_is_uri(path)) {
		if ((db->pg = pg_open(path, busy_timeout_ms)) == NULL) {
			free(db);
			return NULL;
		}
		return db;
	}
	if (strncmp(path, "sqlite:", 7) == 0)
		path += 7;
	rc = sqlite3_open_v2(path, &db->h,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		log_err("db: cannot open %s: %s", path,
		    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return NULL;
	}
	db->gate = -1;
	db->busy_ms = busy_timeout_ms;
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, busy_timeout_ms);
	/* WAL lets readers go on while one writer commits; NORMAL is not
	 * enough where a reply promises durability, so FULL. */
	if (sqlite3_exec(db->h, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;", NULL, NULL, NULL) != SQLITE_OK) {
		log_err("db: cannot set up %s: %s", path, sqlite3_errmsg(db->h));
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++) {
		store_cursor_close(&db->curs[i]);
		sqlite3_finalize(db->stmts[i]);
	}
	sqlite3_finalize(db->read_begin);
	sqlite3_finalize(db->read_end);
	sqlite3_close(db->h);
	pg_close(db->pg);
	if (db->shared != NULL)
		munmap(db->shared, sizeof(struct gate_shared));
	if (db->gate != -1)
		close(db->gate);
	free(db);
}

sqlite3 *
db_handle(struct db *db)
{
	return db->h;
}

sqlite3_stmt *
db_stmt(struct db *db, enum stmt s)
{
	sqlite3_stmt	*st = db->stmts[s];

	if (db->pg != NULL) {
		log_err("db: statement %d is SQLite's only", (int)s);
		return NULL;
	}
	if (st == NULL) {
		if (db_sql(s) == NULL)
			return NULL;
		if (sqlite3_prepare_v3(db->h, sql[s], -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			log_err("db: cannot prepare statement %d: %s",
			    (int)s, sqlite3_errmsg(db->h));
			return NULL;
		}
		db->stmts[s] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Decoded bytea of the current row, freed when the cursor moves. */
static void
cursor_free_blobs(struct store_cursor *c)
{
	while (c->nblobs > 0)
		PQfreemem(c->blobs[--c->nblobs]);
}

int
db_cursor_step(struct store_cursor *c, const struct db_row **rowp)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (c == NULL)
		return -1;
	*rowp = &c->row;
	if (c->row.res != NULL) {
		cursor_free_blobs(c);
		if (c->row.i + 1 >= PQntuples(c->row.res))
			return 0;
		c->row.i++;
		return 1;
	}
	if ((st = c->row.st) == NULL)
		return 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	log_err("db: %s: %s", sqlite3_sql(st), sqlite3_errstr(rc));
	return -1;
}

int
db_cursor_next(struct store_cursor *c,
    int (*fill)(void *, const struct db_row *), void *row)
{
	const struct db_row *st;
	int		 rc;

	if ((rc = db_cursor_step(c, &st)) == 1 && fill(row, st) != 0)
		rc = -1;
	return rc;
}

void
store_cursor_close(struct store_cursor *c)
{
	if (c == NULL)
		return;
	if (c->row.st != NULL)
		sqlite3_reset(c->row.st);
	cursor_free_blobs(c);
	PQclear(c->row.res);
	c->row.res = NULL;
	c->row.i = -1;
}

struct store_cursor *
db_cursor(struct store_cursor *c)
{
	return c;
}

int
db_get_int(struct store_cursor *c, int64_t *v)
{
	const struct db_row *r;
	int		 rc;

	if (c == NULL)
		return -1;
	if ((rc = db_cursor_step(c, &r)) == 1) {
		if (db_col_is_null(r, 0))
			rc = 0;
		else if (v != NULL)
			*v = db_col_int(r, 0);
	}
	store_cursor_close(c);
	return rc;
}

int
db_each_row(struct store_cursor *c,
    int (*row)(void *arg, const struct db_row *), void *arg)
{
	const struct db_row *r;
	int		 rc;

	if (c == NULL)
		return -1;
	while ((rc = db_cursor_step(c, &r)) == 1)
		if (row(arg, r) != 0) {
			rc = -1;
			break;
		}
	store_cursor_close(c);
	return rc == 0 ? 0 : -1;
}

void
db_reset(sqlite3_stmt *st)
{
	if (st != NULL)
		sqlite3_reset(st);
}

/*
 * A request's reads in one transaction (SQLite; db_read_begin). In
 * autocommit every statement takes and drops the shared lock, finds its
 * WAL snapshot again and, when another process wrote, drops its page
 * cache; inside one BEGIN DEFERRED it does that once. The transaction opens
 * at the first read and closes before any write, so that no write upgrades
 * a snapshot older than the last commit (SQLITE_BUSY_SNAPSHOT, which no
 * busy handler waits out) and a read after a write, in a snapshot of its
 * own, sees it.
 */
static int
read_step(struct db *db, sqlite3_stmt **st, const char *text)
{
	int	 rc;

	if (*st == NULL && sqlite3_prepare_v3(db->h, text, -1,
	    SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		log_err("db: %s: %s", text, sqlite3_errmsg(db->h));
		return -1;
	}
	rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	if (rc == SQLITE_DONE)
		return 0;
	log_err("db: %s: %s", text, sqlite3_errstr(rc));
	return -1;
}

/* Before a write, and at the end of the request: the snapshot let go. */
static void
read_close(struct db *db)
{
	if (!db->read_open)
		return;
	db->read_open = 0;
	if (sqlite3_get_autocommit(db->h))
		return;		/* a ROLLBACK ended it */
	if (read_step(db, &db->read_end, "COMMIT") == -1 &&
	    !sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* Before the statement st: a read opens the request's snapshot if it has
 * none (else, on an error, runs in autocommit as it would have); a write
 * closes it. */
static void
read_around(struct db *db, sqlite3_stmt *st)
{
	if (!sqlite3_stmt_readonly(st)) {
		read_close(db);
		return;
	}
	if (db->read_wanted && !db->read_open &&
	    sqlite3_get_autocommit(db->h) &&
	    read_step(db, &db->read_begin, "BEGIN DEFERRED") == 0)
		db->read_open = 1;
}

void
db_read_begin(struct db *db)
{
	if (db->pg == NULL)	/* PostgreSQL: a BEGIN would cost a trip */
		db->read_wanted = 1;
}

void
db_read_end(struct db *db)
{
	db->read_wanted = 0;
	if (db->pg == NULL)
		read_close(db);
}

int
db_read_snapshot(const struct db *db)
{
	return db->read_open;
}

static int
db_exec_stmt(sqlite3_stmt *st)
{
	sqlite3	*h = sqlite3_db_handle(st);
	int	 rc, own;

	/* Every write runs in BEGIN IMMEDIATE: a lone statement gets its own,
	 * so that it never upgrades a read lock half way (SQLITE_BUSY that
	 * busy_timeout cannot wait out). */
	own = sqlite3_get_autocommit(h) && !sqlite3_stmt_readonly(st);
	if (own && sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		log_err("db: begin: %s", sqlite3_errmsg(h));
		return SQLITE_ERROR;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		continue;
	if (rc != SQLITE_DONE)
		log_err("db: %s: %s", sqlite3_sql(st), sqlite3_errmsg(h));
	sqlite3_reset(st);
	if (own) {
		if (rc == SQLITE_DONE &&
		    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			log_err("db: commit: %s", sqlite3_errmsg(h));
			rc = SQLITE_ERROR;
		}
		if (!sqlite3_get_autocommit(h))
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

/*
 * The push gate. SQLite's write lock is not fair: a writer that commits
 * and begins again at once (an upload storing its rows chunk by chunk)
 * takes it back before a waiter's busy handler wakes up, so a push could
 * wait out the whole upload. The committer holds this file lock
 * (exclusive) from before its BEGIN until pushes stop coming; every other
 * writer passes through it (shared, at once released) before its BEGIN, so
 * it waits while pushes are being committed, and a burst of pushes waits
 * for one chunk at most. flock() locks belong to an open file: each process opens the
 * file itself.
 *
 * Writers among themselves: the same unfairness lets an upload between
 * two chunks starve another upload's first BEGIN past busy_timeout. So
 * the gate file also holds a count of the writers waiting for the lock
 * (their busy handler looks again every millisecond), and a writer that
 * commits while some wait gives them a few milliseconds to take the lock
 * before it begins again.
 */
static int
busy_poll(void *arg, int tries)
{
	const struct db		*db = arg;
	struct timespec		 ms = { 0, 1000 * 1000 };

	if (tries >= db->busy_ms)
		return 0;
	nanosleep(&ms, NULL);
	return 1;
}

int
db_gate_open(struct db *db, const char *path)
{
	struct stat	 st;
	void		*m;

	if (db->gate != -1 || db->pg != NULL)
		return 0;	/* PostgreSQL: no single write lock to share */
	if ((db->gate = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) ==
	    -1) {
		log_err("db: push gate %s: %s", path, strerror(errno));
		return -1;
	}
	/* Without the shared count the gate still works for pushes. */
	if (fstat(db->gate, &st) == 0 &&
	    (st.st_size >= (off_t)sizeof(struct gate_shared) ||
	    ftruncate(db->gate, sizeof(struct gate_shared)) == 0) &&
	    (m = mmap(NULL, sizeof(struct gate_shared), PROT_READ |
	    PROT_WRITE, MAP_SHARED, db->gate, 0)) != MAP_FAILED)
		db->shared = m;
	sqlite3_busy_handler(db->h, busy_poll, db);
	return 0;
}

/* PostgreSQL's BEGIN for a caller that does not wait and try again. */
static int
pg_begin_logged(struct pg *pg, int durable)
{
	int	 rc;

	if ((rc = pg_begin(pg, durable)) == 1)
		log_err("db: begin: another transaction held the writers' lock "
		    "for longer than busy_timeout_ms");
	return rc == 0 ? 0 : -1;
}

/* BEGIN IMMEDIATE, counted among the waiting writers. */
static int
begin_counted(struct db *db)
{
	int	 rc;

	if (db->shared != NULL)
		atomic_fetch_add(&db->shared->waiting, 1);
	rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (db->shared != NULL)
		atomic_fetch_sub(&db->shared->waiting, 1);
	return rc;
}

/* After a COMMIT: while writers wait, up to 5 ms for one to get in. */
static void
let_waiters_in(struct db *db)
{
	struct timespec	 tick = { 0, 100 * 1000 };
	int		 w, i;

	if (db->shared == NULL ||
	    (w = atomic_load(&db->shared->waiting)) <= 0)
		return;
	for (i = 0; i < 50 && atomic_load(&db->shared->waiting) >= w; i++)
		nanosleep(&tick, NULL);
}

static void
gate_pass(struct db *db)
{
	if (db->gate == -1 || db->gate_held || !sqlite3_get_autocommit(db->h))
		return;
	while (flock(db->gate, LOCK_SH) == -1 && errno == EINTR)
		continue;
	(void)flock(db->gate, LOCK_UN);
}

void
db_gate_release(struct db *db)
{
	if (db->gate_held) {
		(void)flock(db->gate, LOCK_UN);
		db->gate_held = 0;
	}
}

int
db_begin_first(struct db *db)
{
	/* PostgreSQL: the pushes are answered once their commit is durable,
	 * whatever the server's default (with a synchronous standby: on both
	 * machines). */
	if (db->pg != NULL)
		return pg_begin_logged(db->pg, 1);
	read_close(db);
	if (db->gate != -1 && !db->gate_held) {
		while (flock(db->gate, LOCK_EX) == -1)
			if (errno != EINTR) {
				log_err("db: push gate: %s", strerror(errno));
				return db_begin(db);
			}
		db->gate_held = 1;
	}
	/* Its busy handler (db_gate_open) looks again every millisecond,
	 * where SQLite's own backs off to 100 ms, so that it takes the lock
	 * as soon as the chunk in progress is committed. */
	if (begin_counted(db) != SQLITE_OK) {
		log_err("db: begin: %s", sqlite3_errmsg(db->h));
		db_gate_release(db);
		return -1;
	}
	return 0;
}

/*
 * SQLite checkpoints the WAL in the connection whose commit makes it pass
 * 1,000 pages, before that COMMIT returns. While uploads write hundreds
 * of megabytes, that is often the committer's commit: its pushes would
 * wait for a checkpoint of the uploads' pages. The committer takes over
 * the checkpoints of its own commits and runs them when it has answered.
 */
static int
wal_count(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	((struct db *)arg)->wal_frames = frames;
	return SQLITE_OK;
}

void
db_defer_checkpoints(struct db *db)
{
	if (db->pg != NULL)
		return;
	sqlite3_wal_hook(db->h, wal_count, db);
}

void
db_checkpoint_due(struct db *db)
{
	if (db->wal_frames < 1000)
		return;
	db->wal_frames = 0;
	/* PASSIVE: copies what no reader needs, never waits for anyone. */
	(void)sqlite3_wal_checkpoint_v2(db->h, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

int
db_begin_push(struct db *db)
{
	/* PostgreSQL has no gate: the push's transaction is the committer's
	 * kind, durable and outside the writers' lock. */
	if (db->pg != NULL)
		return pg_begin_logged(db->pg, 1);
	return db_begin(db);
}

int
db_begin(struct db *db)
{
	if (db->pg != NULL)
		return pg_begin_logged(db->pg, 0);
	read_close(db);
	gate_pass(db);
	if (begin_counted(db) != SQLITE_OK) {
		log_err("db: begin: %s", sqlite3_errmsg(db->h));
		return -1;
	}
	return 0;
}

int
db_try_begin(struct db *db)
{
	int	 rc;

	if (db->pg != NULL)
		return pg_begin(db->pg, 0);
	read_close(db);
	rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return 1;
	log_err("db: begin: %s", sqlite3_errmsg(db->h));
	return -1;
}

int
db_commit(struct db *db)
{
	if (db->pg != NULL) {
		if (pg_commit(db->pg) == -1) {
			db_rollback(db);
			return -1;
		}
		return 0;
	}
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_err("db: commit: %s", sqlite3_errmsg(db->h));
		db_rollback(db);
		return -1;
	}
	/* The committer keeps the gate until db_gate_release(); others
	 * make way. */
	if (!db->gate_held)
		let_waiters_in(db);
	return 0;
}

int
db_commit_part(struct db *db)
{
	if (db->pg != NULL && pg_command(db->pg,
	    "SET LOCAL synchronous_commit = off", NULL, 0) == -1) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

void
db_rollback(struct db *db)
{
	if (db->pg != NULL) {
		pg_rollback(db->pg);
		return;
	}
	db->read_open = 0;
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

int
db_bind_int(sqlite3_stmt *st, int idx, int64_t v)
{
	return sqlite3_bind_int64(st, idx, v);
}

int
db_bind_params(sqlite3_stmt *st, const struct db_param *p)
{
	int	 i, rc = SQLITE_OK;

	for (i = 1; p != NULL && p->type != DB_P_END && rc == SQLITE_OK;
	    i++, p++)
		switch (p->type) {
		case DB_P_INT:
			rc = sqlite3_bind_int64(st, i, p->i);
			break;
		case DB_P_TEXT:
			rc = db_bind_text(st, i, p->p);
			break;
		case DB_P_TEXTN:
			rc = sqlite3_bind_text(st, i, p->p, (int)p->len,
			    SQLITE_STATIC);
			break;
		case DB_P_BLOB:
			/* An empty blob is a blob, not SQL NULL. */
			rc = sqlite3_bind_blob(st, i, p->len > 0 ? p->p : "",
			    (int)p->len, SQLITE_STATIC);
			break;
		default:
			rc = sqlite3_bind_null(st, i);
			break;
		}
	if (rc == SQLITE_OK)
		return 0;
	log_err("db: %s: parameter %d: %s", sqlite3_sql(st), i - 1,
	    sqlite3_errstr(rc));
	db_reset(st);
	return -1;
}

struct store_cursor *
db_bound(struct db *db, enum stmt s, const struct db_param *p)
{
	struct store_cursor *c = &db->curs[s];
	sqlite3_stmt	*st;
	PGresult	*res;

	store_cursor_close(c);
	c->row.c = c;
	if (db->pg != NULL) {
		if ((res = pg_exec(db->pg, (int)s, p)) == NULL)
			return NULL;
		c->row.res = res;
		c->row.i = -1;
		return c;
	}
	if ((st = db_stmt(db, s)) == NULL)
		return NULL;
	read_around(db, st);
	if (db_bind_params(st, p) == -1)
		return NULL;
	c->row.st = st;
	return c;
}

/* PostgreSQL: a statement run for its effect, its changes and the id of
 * an INSERT ... RETURNING id (the first column of its first row) kept. */
static int
pg_run(struct db *db, enum stmt s, const struct db_param *p)
{
	PGresult	*res;
	const char	*n;

	if ((res = pg_exec(db->pg, (int)s, p)) == NULL)
		return -1;
	n = PQcmdTuples(res);
	db->pg_changes = n[0] != '\0' ? strtoll(n, NULL, 10) : 0;
	if (strncmp(PQcmdStatus(res), "INSERT", 6) == 0 &&
	    PQntuples(res) > 0 && PQnfields(res) > 0)
		db->pg_last_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int
db_run_params(struct db *db, enum stmt s, const struct db_param *p)
{
	struct store_cursor *c;

	if (db->pg != NULL)
		return pg_run(db, s, p);
	if ((c = db_bound(db, s, p)) == NULL)
		return -1;
	return db_exec_stmt(c->row.st) == SQLITE_DONE ? 0 : -1;
}

int64_t
db_run_changes_params(struct db *db, enum stmt s, const struct db_param *p)
{
	if (db_run_params(db, s, p) == -1)
		return -1;
	return db->pg != NULL ? db->pg_changes : sqlite3_changes64(db->h);
}

int64_t
db_last_insert_id(struct db *db)
{
	return db->pg != NULL ? db->pg_last_id :
	    sqlite3_last_insert_rowid(db->h);
}

int
db_one_int_params(struct db *db, enum stmt s, int64_t *v,
    const struct db_param *p)
{
	return db_get_int(db_bound(db, s, p), v);
}

int
db_one_row_params(struct db *db, enum stmt s,
    int (*fill)(void *arg, const struct db_row *), void *arg,
    const struct db_param *p)
{
	struct store_cursor *c;
	const struct db_row *r;
	int		 rc;

	if ((c = db_bound(db, s, p)) == NULL)
		return -1;
	if ((rc = db_cursor_step(c, &r)) == 1 && fill(arg, r) != 0)
		rc = -1;
	store_cursor_close(c);
	return rc;
}

int
db_found_0(int rc)
{
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

int
db_each_params(struct db *db, enum stmt s,
    int (*row)(void *arg, const struct db_row *), void *arg,
    const struct db_param *p)
{
	return db_each_row(db_bound(db, s, p), row, arg);
}

int
db_each_ahead(struct db *db, enum stmt s, const struct db_param *const *p,
    size_t n, int (*row)(void *arg, size_t i, const struct db_row *),
    void *arg)
{
	struct store_cursor *c, one;
	const struct db_row *r;
	PGresult	**res;
	size_t		 i;
	int		 rc = 0, step;

	if (db->pg == NULL) {
		for (i = 0; i < n && rc == 0; i++) {
			if ((c = db_bound(db, s, p[i])) == NULL)
				return -1;
			while (rc == 0 && (step = db_cursor_step(c, &r)) != 0)
				if (step == -1 || row(arg, i, r) != 0)
					rc = -1;
			store_cursor_close(c);
		}
		return rc;
	}
	if ((res = calloc(n > 0 ? n : 1, sizeof(*res))) == NULL) {
		log_err("db: out of memory");
		return -1;
	}
	if (pg_exec_ahead(db->pg, (int)s, p, n, res) == -1)
		rc = -1;
	for (i = 0; i < n; i++) {
		memset(&one, 0, sizeof(one));
		one.row = (struct db_row){ NULL, res[i], -1, &one };
		while (rc == 0 && res[i] != NULL &&
		    db_cursor_step(&one, &r) == 1)
			if (row(arg, i, r) != 0)
				rc = -1;
		store_cursor_close(&one);
	}
	free(res);
	return rc;
}

int64_t
db_round_trips(const struct db *db)
{
	return db->pg != NULL ? pg_round_trips(db->pg) : 0;
}

/* PostgreSQL's text of a value; booleans (a comparison selected as a
 * column) read as SQLite's 1 and 0. */
int64_t
db_col_int(const struct db_row *r, int col)
{
	const char	*v;

	if (r->st != NULL)
		return sqlite3_column_int64(r->st, col);
	v = PQgetvalue(r->res, r->i, col);
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

const char *
db_col_text(const struct db_row *r, int col)
{
	const unsigned char *s;

	if (r->st == NULL)
		return PQgetvalue(r->res, r->i, col);	/* "" for NULL */
	s = sqlite3_column_text(r->st, col);
	return s == NULL ? "" : (const char *)s;
}

int
db_col_is_null(const struct db_row *r, int col)
{
	if (r->st == NULL)
		return PQgetisnull(r->res, r->i, col);
	return sqlite3_column_type(r->st, col) == SQLITE_NULL;
}

const void *
db_col_blob(const struct db_row *r, int col, size_t *n)
{
	struct store_cursor *c = r->c;
	const void	*b;
	unsigned char	*u;

	if (r->st == NULL) {
		/* bytea in text: \x and hex digits, decoded until the
		 * cursor moves */
		*n = 0;
		if (PQgetisnull(r->res, r->i, col) ||
		    c->nblobs == sizeof(c->blobs) / sizeof(c->blobs[0]) ||
		    (u = PQunescapeBytea((const unsigned char *)
		    PQgetvalue(r->res, r->i, col), n)) == NULL) {
			if (!PQgetisnull(r->res, r->i, col))
				log_err("db: cannot read a bytea column");
			*n = 0;
			return "";
		}
		c->blobs[c->nblobs++] = u;
		return u;
	}
	/* blob before bytes: the order SQLite documents for one column */
	b = sqlite3_column_blob(r->st, col);
	*n = (size_t)sqlite3_column_bytes(r->st, col);
	return b != NULL ? b : "";
}

int
db_schema_latest(void)
{
	return migrations_count > 0 ?
	    migrations[migrations_count - 1].version : 0;
}

/* The version of the schema: 0 for a new database, -1 on error. */
int
db_schema_version(struct db *db)
{
	int64_t	 v = 0;

	/* The table may not exist yet; creating it is harmless. */
	if (db_run_params(db, STMT_SCHEMA_CREATE, NULL) == -1 ||
	    db_one_int_params(db, STMT_SCHEMA_VERSION, &v, NULL) == -1)
		return -1;
	return (int)v;
}

const char *
db_errmsg(struct db *db)
{
	return db->pg != NULL ? pg_error(db->pg) : sqlite3_errmsg(db->h);
}

int
db_sync_ids(struct db *db)
{
	/* One server-side loop over the identity columns of the schema: each
	 * sequence's next value is past the table's largest id (1 when the
	 * table is empty). */
	static const char sync[] =
	    "DO $$ DECLARE r record; m bigint; BEGIN"
	    " FOR r IN SELECT table_name, column_name"
	    "  FROM information_schema.columns"
	    "  WHERE table_schema = current_schema() AND is_identity = 'YES'"
	    " LOOP"
	    "  EXECUTE format('SELECT coalesce(max(%I), 0) FROM %I',"
	    "   r.column_name, r.table_name) INTO m;"
	    "  PERFORM setval(pg_get_serial_sequence(quote_ident(r.table_name),"
	    "   r.column_name), greatest(m, 1), m > 0);"
	    " END LOOP; END $$";

	if (db->pg == NULL)
		return 0;
	return pg_command(db->pg, sync, NULL, 0);
}

int
db_query_value(struct db *db, const char *sql, char *out, size_t outsz)
{
	sqlite3_stmt	*st;
	PGresult	*res;
	int		 rc;

	if (db->pg != NULL) {
		res = PQexec(pg_conn(db->pg), sql);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			snprintf(out, outsz, "%s",
			    pg_msg(PQresultErrorMessage(res)));
			rc = -1;
		} else if ((rc = PQntuples(res) > 0) == 1)
			/* a boolean reads as SQLite's 1 or 0 (16: bool) */
			snprintf(out, outsz, "%s", PQftype(res, 0) != 16 ?
			    PQgetvalue(res, 0, 0) : PQgetvalue(res, 0, 0)[0] ==
			    't' ? "1" : "0");
		PQclear(res);
		return rc;
	}
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(out, outsz, "%s", sqlite3_errmsg(db->h));
		return -1;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(out, outsz, "%s", sqlite3_column_text(st, 0) != NULL ?
		    (const char *)sqlite3_column_text(st, 0) : "");
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else {
		snprintf(out, outsz, "%s", sqlite3_errmsg(db->h));
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int
db_exec_sql(struct db *db, const char *sql, char *err, size_t errsz)
{
	return migration_run(db, sql, err, errsz);
}

/* Run one migration's statements: 0, or -1 with err. */
static int
migration_run(struct db *db, const char *text, char *err, size_t errsz)
{
	char	*msg = NULL;

	if (db->pg != NULL)
		return pg_command(db->pg, text, err, errsz);
	if (sqlite3_exec(db->h, text, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	snprintf(err, errsz, "%s", msg ? msg : sqlite3_errmsg(db->h));
	sqlite3_free(msg);
	return -1;
}

int
db_migrate(struct db *db, char *err, size_t errsz)
{
	const struct migration *list = migrations;
	char		 why[512];
	int		 i, have, n = migrations_count;

	if (db->pg != NULL) {
		list = migrations_postgresql;
		n = migrations_postgresql_count;
	}
	if ((have = db_schema_version(db)) < 0) {
		snprintf(err, errsz, "cannot read the schema version: %s",
		    db_errmsg(db));
		return -1;
	}
	if (have > db_schema_latest()) {
		snprintf(err, errsz, "database is at version %d, newer than "
		    "this dialdesk (%d)", have, db_schema_latest());
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (list[i].version <= have)
			continue;
		/* DDL is transactional in SQLite and PostgreSQL: a migration
		 * that fails half way leaves the database as it was. */
		if (db_begin(db) == -1) {
			snprintf(err, errsz, "%s: cannot begin: %s",
			    list[i].name, db_errmsg(db));
			return -1;
		}
		if (migration_run(db, list[i].sql, why, sizeof(why)) == -1) {
			snprintf(err, errsz, "%s: %s", list[i].name, why);
			db_rollback(db);
			return -1;
		}
		if (db_run(db, STMT_SCHEMA_RECORD, DB_INT(list[i].version),
		    DB_TEXT(list[i].name)) == -1 || db_commit(db) == -1) {
			snprintf(err, errsz, "%s: cannot record it: %s",
			    list[i].name, db_errmsg(db));
			db_rollback(db);
			return -1;
		}
		log_info("migrated to %s", list[i].name);
	}
	return 0;
}
