/* bench_load.c: import_load() alone, the part of an upload after the
 * multipart body is on disk: the file's digest and bytes stored, the
 * list read, every row screened and stored, the import finished. One
 * import per run into a fresh migrated database in a temporary folder, as
 * the web worker makes it (WAL, synchronous=FULL), with its CPU time and
 * wall time; for `perf record` of the loading without nginx.
 *
 * usage: bench_load [-r runs] FILE...
 * prints per file: rows read, valid, and the median of the runs' wall and
 * CPU (user + sys) seconds; the log lines of each setup (migrations, key
 * files) go to stderr. */
#include "autoconf.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "dnc.h"
#include "import.h"
#include "store.h"
#include "timing.h"

#define MAX_RUNS	21

static void
remove_dir(const char *dir)
{
	static const char *const names[] = { "db", "db-wal", "db-shm",
	    "db.audit-key", "db.audit-checkpoints", "db.dnc-key" };
	char	 p[512];
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/up", dir);
	rmdir(p);
	rmdir(dir);
}

/* One import of file: 0 with the figures, -1 on a failure (said). */
static int
one_run(const char *file, double *wall, double *cpu, long *rows, long *valid)
{
	struct audit_actor who = { 1, "bench", "127.0.0.1", "bench" };
	struct calllist_error err;
	struct task_params params;
	struct config	 cfg;
	struct import	 im;
	struct db	*db = NULL;
	char		 dir[] = "/tmp/bench_load.XXXXXX", p[512], msg[512];
	int64_t		 id = 0;
	double		 w0, c0;
	int		 rc = -1;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	config_defaults(&cfg);
	snprintf(p, sizeof(p), "%s/db", dir);
	free(cfg.database);
	cfg.database = strdup(p);
	snprintf(p, sizeof(p), "%s/up", dir);
	if (mkdir(p, 0700) == -1)
		goto out;
	free(cfg.upload_dir);
	cfg.upload_dir = strdup(p);
	cfg.max_rows = 2000000;
	if (audit_open(&cfg, 1, msg, sizeof(msg)) != 0 ||
	    dnc_open(&cfg, 1, msg, sizeof(msg)) != 0 ||
	    (db = db_open(cfg.database, 5000)) == NULL ||
	    db_migrate(db, msg, sizeof(msg)) != 0 || db_prepare_all(db) != 0 ||
	    sqlite3_exec(db_handle(db), "INSERT INTO users (id, name, role,"
	    " pwhash, created, updated) VALUES (1, 'bench', 'operator', 'x', 0,"
	    " 0)", NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_load: setting up: %s\n", msg);
		goto out;
	}
	memset(&params, 0, sizeof(params));
	params.text[FIELD_NAME] = (char *)"bench";
	w0 = bench_now();
	c0 = bench_cpu();
	if (import_load(db, &cfg, &who, 1, file, "list", &params,
	    CALLLIST_DETECT, CALLLIST_DETECT, &id, &err) != 0) {
		fprintf(stderr, "bench_load: %s: %s\n", file, err.en);
		goto out;
	}
	*cpu = bench_cpu() - c0;
	*wall = bench_now() - w0;
	if (import_get(db, id, &im) != 1)
		goto out;
	*rows = (long)im.rows_read;
	*valid = (long)im.valid;
	import_clear(&im);
	rc = 0;
out:
	db_close(db);
	dnc_close();
	audit_close();
	config_free(&cfg);
	remove_dir(dir);
	return rc;
}

int
main(int argc, char *argv[])
{
	double	 wall[MAX_RUNS], cpu[MAX_RUNS];
	long	 rows = 0, valid = 0;
	int	 runs = 5, c, i;

	while ((c = getopt(argc, argv, "r:")) != -1)
		switch (c) {
		case 'r':
			runs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	if (optind >= argc || runs < 1 || runs > MAX_RUNS)
		goto usage;
	if (sodium_init() == -1)
		return 1;
	printf("%-20s %8s %8s %8s %8s\n", "file", "rows", "valid", "wall s",
	    "CPU s");
	for (; optind < argc; optind++) {
		for (i = 0; i < runs; i++)
			if (one_run(argv[optind], &wall[i], &cpu[i], &rows,
			    &valid) == -1)
				return 1;
		qsort(wall, (size_t)runs, sizeof(double), bench_cmp_double);
		qsort(cpu, (size_t)runs, sizeof(double), bench_cmp_double);
		printf("%-20s %8ld %8ld %8.3f %8.3f\n", argv[optind], rows,
		    valid, wall[runs / 2], cpu[runs / 2]);
		fflush(stdout);
	}
	return 0;
usage:
	fprintf(stderr, "usage: bench_load [-r runs] FILE...\n");
	return 2;
}
