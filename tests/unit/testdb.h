/* testdb.h: the unit tests' store fixture. testdb_open() hands a fresh,
 * migrated store: a temporary SQLite file, or, when DD_TEST_PG_URI names a
 * PostgreSQL database whose role may create databases, a new database
 * with a unique name made through it (dropped by testdb_close()). The
 * same test thus runs on both engines. Rows are poked and questions asked
 * with engine-neutral SQL through testdb_exec()/testdb_int()/
 * testdb_text(). */
#ifndef DIALDESK_TESTS_TESTDB_H
#define DIALDESK_TESTS_TESTDB_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "config.h"
#include "db.h"

static char	 testdb_name[256];	/* the path, or the URI */
static char	 testdb_pgname[64];	/* PostgreSQL: the database's name */
static char	 testdb_dir[64];	/* PostgreSQL: state_dir */

/* Whether the tests run on PostgreSQL. */
static inline int
testdb_is_pg(void)
{
	const char	*u = getenv("DD_TEST_PG_URI");

	return u != NULL && u[0] != '\0';
}

/* Each test on PostgreSQL makes and drops a database (a second or more on
 * a busy machine): Check's 4 s per test become 60, unless set. Runs
 * before main(), thus before the test cases are made. */
__attribute__((constructor)) static void
testdb_timeout(void)
{
	if (testdb_is_pg())
		setenv("CK_DEFAULT_TIMEOUT", "60", 0);
}

/* uri with its database (the path after the host) replaced by name. */
static inline void
testdb_uri_for(const char *uri, const char *name, char *out, size_t outsz)
{
	const char	*host = strstr(uri, "://");
	const char	*path, *query;

	ck_assert_ptr_nonnull(host);
	host += 3;
	path = host + strcspn(host, "/?");
	query = path + strcspn(path, "?");
	snprintf(out, outsz, "%.*s/%s%s", (int)(path - uri), uri, name, query);
}

/* A statement through the admin URI (CREATE and DROP DATABASE). */
static inline void
testdb_admin(const char *sql)
{
	struct db	*a;
	char		 err[512];

	ck_assert_ptr_nonnull(a = db_open(getenv("DD_TEST_PG_URI"), 5000));
	ck_assert_msg(db_exec_sql(a, sql, err, sizeof(err)) == 0, "%s: %s",
	    sql, err);
	db_close(a);
}

/* The same, failing softly: 0, or -1 with err. */
static inline int
testdb_admin_try(const char *sql, char *err, size_t errsz)
{
	struct db	*a;
	int		 rc;

	if ((a = db_open(getenv("DD_TEST_PG_URI"), 5000)) == NULL) {
		snprintf(err, errsz, "cannot connect");
		return -1;
	}
	rc = db_exec_sql(a, sql, err, errsz);
	db_close(a);
	return rc;
}

/* The database to open (a path or a URI), made empty, not migrated. */
static inline const char *
testdb_create(void)
{
	static int	 n;
	char		 q[256];
	int		 fd;

	if (!testdb_is_pg()) {
		snprintf(testdb_name, sizeof(testdb_name),
		    "/tmp/check_testdb.XXXXXX");
		ck_assert_int_ne(fd = mkstemp(testdb_name), -1);
		close(fd);
		return testdb_name;
	}
	snprintf(testdb_pgname, sizeof(testdb_pgname), "dd_test_%ld_%d",
	    (long)getpid(), n++);
	snprintf(q, sizeof(q), "CREATE DATABASE %s ENCODING 'UTF8' "
	    "LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0", testdb_pgname);
	testdb_admin(q);
	testdb_uri_for(getenv("DD_TEST_PG_URI"), testdb_pgname, testdb_name,
	    sizeof(testdb_name));
	snprintf(testdb_dir, sizeof(testdb_dir), "/tmp/check_testdb.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(testdb_dir));
	return testdb_name;
}

/* A fresh migrated store. */
static inline struct db *
testdb_open(void)
{
	struct db	*db;
	char		 err[512];

	ck_assert_ptr_nonnull(db = db_open(testdb_create(), 1000));
	ck_assert_msg(db_migrate(db, err, sizeof(err)) == 0, "%s", err);
	return db;
}

/* The database as config's `database` (and state_dir) name it. */
static inline void
testdb_config(struct config *cfg)
{
	free(cfg->database);
	ck_assert_ptr_nonnull(cfg->database = strdup(testdb_name));
	if (testdb_is_pg()) {
		free(cfg->state_dir);
		ck_assert_ptr_nonnull(cfg->state_dir = strdup(testdb_dir));
	}
}

/* Remove a file and the files SQLite or the fixture put beside it. */
static inline void
testdb_unlink(const char *base)
{
	static const char *const side[] = { "", "-wal", "-shm", "-journal",
	    ".audit-key", ".audit-checkpoints", ".dnc-key", ".vendor-journal",
	    ".sock" };
	char		 p[320];
	size_t		 i;

	for (i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", base, side[i]);
		unlink(p);
	}
}

/* Close the store (NULL: already closed) and remove its database. */
static inline void
testdb_close(struct db *db)
{
	char	 q[128], p[128], err[512];
	int	 i;

	db_close(db);
	if (!testdb_is_pg()) {
		testdb_unlink(testdb_name);
		return;
	}
	/* A connection of a child just gone may linger a moment: the drop is
	 * tried again, and a database left over is only reported. */
	snprintf(q, sizeof(q), "DROP DATABASE IF EXISTS %s", testdb_pgname);
	for (i = 0; i < 50 && testdb_admin_try(q, err, sizeof(err)) == -1; i++)
		usleep(100 * 1000);
	if (i == 50)
		fprintf(stderr, "testdb: %s: %s\n", q, err);
	snprintf(p, sizeof(p), "%s/dialdesk", testdb_dir);
	testdb_unlink(p);
	snprintf(p, sizeof(p), "%s/worker.heartbeat", testdb_dir);
	unlink(p);
	rmdir(testdb_dir);
}

/* Run SQL that both engines take (rows poked with their ids: the
 * sequences follow them on PostgreSQL). */
static inline void
testdb_exec(struct db *db, const char *sql)
{
	char	 err[512];

	ck_assert_msg(db_exec_sql(db, sql, err, sizeof(err)) == 0, "%s: %s",
	    sql, err);
	ck_assert_int_eq(db_sync_ids(db), 0);
}

/* An operator (user 1) and n imports of theirs (ids 1..n) still loading:
 * what the tests of an import's rows store their rows under. */
static inline void
testdb_loading_imports(struct db *db, int n)
{
	char	 sql[512];
	int	 i;

	testdb_exec(db,
	    "INSERT INTO users (id, name, role, pwhash, created, updated) VALUES"
	    " (1, 'op', 'operator', 'x', 0, 0)");
	for (i = 1; i <= n; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO imports (id, user_id,"
		    " created, state, params, file_name, file_path, file_size,"
		    " file_sha256, format, encoding, delimiter, headers,"
		    " phone_col, name_col) VALUES (%d, 1, 0, 'loading', '{}',"
		    " 'list%d.csv', '', 0, '', '', '', '', '[]', 0, 0)", i, i);
		testdb_exec(db, sql);
	}
}

/* Whether SQL fails (a trigger or a constraint refuses it). */
static inline int
testdb_fails(struct db *db, const char *sql)
{
	char	 err[512];

	return db_exec_sql(db, sql, err, sizeof(err)) == -1;
}

/* The first column of a query's first row. */
static inline void
testdb_text(struct db *db, const char *q, char *out, size_t outsz)
{
	ck_assert_msg(db_query_value(db, q, out, outsz) == 1, "%s: %s", q,
	    out);
}

static inline int64_t
testdb_int(struct db *db, const char *q)
{
	char	 v[512];

	testdb_text(db, q, v, sizeof(v));
	return strtoll(v, NULL, 10);
}

#endif
