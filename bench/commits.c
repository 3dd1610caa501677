/* commits.c: the floor under the callback benchmark: how many durable
 * one-row commits SQLite makes per second on this disk, as dialdesk
 * configures it (WAL, synchronous=FULL), one writer, one row per
 * BEGIN IMMEDIATE ... COMMIT.
 *
 * usage: commits DIR [N]
 *   DIR  the folder to measure (that of dialdesk's database: the same
 *        file system and disk)
 *   N    commits to make (default 2000)
 * Writes DIR/commits-bench.db and removes it (with its -wal and -shm)
 * afterwards. Prints: commits N seconds S rate R/s. */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "timing.h"

static int
exec(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "commits: %s: %s\n", sql,
		    err != NULL ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* Remove the database and what SQLite keeps beside it. */
static void
remove_db(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
	char	 name[4096];
	size_t	 i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", path, ext[i]);
		if (unlink(name) == -1 && errno != ENOENT)
			fprintf(stderr, "commits: unlink %s: %s\n", name,
			    strerror(errno));
	}
}

int
main(int argc, char *argv[])
{
	static const char body[] = "{\"dial_task_main_sn\":\"dial_task_main_sn"
	    "|0123456789abcdef0123456789abcdef\",\"import_mark\":{"
	    "\"totalCount\":10000,\"successCount\":9000}}";
	sqlite3		*db = NULL;
	sqlite3_stmt	*ins = NULL;
	char		*path = NULL, *end;
	double		 t0, t1;
	long		 n = 2000, i;
	int		 rc = 1;

	if (argc < 2 || argc > 3 || (argc == 3 &&
	    ((n = strtol(argv[2], &end, 10)) < 1 || n > 10000000 ||
	    *end != '\0'))) {
		fprintf(stderr, "usage: commits DIR [N]\n");
		return 2;
	}
	if (asprintf(&path, "%s/commits-bench.db", argv[1]) < 0)
		return 1;
	remove_db(path);
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "commits: %s: %s\n", path, sqlite3_errmsg(db));
		goto out;
	}
	if (exec(db, "PRAGMA journal_mode=WAL") == -1 ||
	    exec(db, "PRAGMA synchronous=FULL") == -1 ||
	    exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, received INTEGER"
	    " NOT NULL, body TEXT NOT NULL)") == -1)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO t (received, body)"
	    " VALUES (?, ?)", -1, &ins, NULL) != SQLITE_OK) {
		fprintf(stderr, "commits: %s\n", sqlite3_errmsg(db));
		goto out;
	}
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		if (exec(db, "BEGIN IMMEDIATE") == -1)
			goto out;
		sqlite3_bind_int64(ins, 1, (sqlite3_int64)time(NULL));
		sqlite3_bind_text(ins, 2, body, (int)sizeof(body) - 1,
		    SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			fprintf(stderr, "commits: insert: %s\n",
			    sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(ins);
		if (exec(db, "COMMIT") == -1)
			goto out;
	}
	t1 = bench_now();
	printf("commits %ld seconds %.3f rate %.0f/s\n", n, t1 - t0,
	    (double)n / (t1 - t0));
	rc = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_close(db);
	if (path != NULL)
		remove_db(path);
	free(path);
	return rc;
}
