/* bench_import.c: how long calllist_read() takes, and how much memory,
 * on a 50,000-row CSV, a 50,000-row .xlsx, a 1,000,000-row CSV and a
 * 1,000,000-row .xlsx (bench/make-lists.py writes the .xls and .ods of
 * the same list; name them after -k's folder to time them here too).
 *
 * usage: bench_import [-r runs] [-k] [FILE...]
 *   -r runs  runs per file, the median is shown (default 5)
 *   -k       keep the generated files (their folder is printed)
 *   FILE     time these lists instead of generating the usual ones
 *
 * Each run is a fresh process (fork + exec of this program with --read)
 * of a parent kept small, so that its peak RSS (getrusage ru_maxrss, from
 * wait4) is that of one import alone, not of the generator or of earlier
 * runs. A run normalises
 * every phone and counts valid, invalid and duplicate numbers; it is
 * measured twice: with the duplicate set (what a caller would hold) and
 * without it (the reader alone). "wall s" is the run with the set, "CPU s"
 * the user + sys time of calllist_read() in the run without it: the
 * reader's own cost, which other load on the machine moves far less. */
#include "autoconf.h"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "calllist.h"
#include "phone.h"
#include "timing.h"

#define MAX_RUNS	21

/* What a run reports back to the parent, one line on a pipe. */
struct result {
	double	 secs;
	double	 cpu;		/* user + sys of calllist_read() alone */
	long	 rows, valid, invalid, dups;
	long	 rss_kib;
};

/* --- duplicates: open addressing over 64-bit keys, 0 = empty ----------- */

struct u64set {
	uint64_t	*slot;
	size_t		 mask;
	size_t		 n;
};

static size_t
u64_hash(uint64_t k, size_t mask)
{
	return (size_t)((k * 0x9e3779b97f4a7c15ULL) >> 17) & mask;
}

/* 1 when added, 0 when already there, -1 when out of memory. */
static int
u64set_add(struct u64set *s, uint64_t k)
{
	uint64_t	*old;
	size_t		 i, j, oldsize;

	if (s->slot == NULL || (s->n + 1) * 4 > (s->mask + 1) * 3) {
		old = s->slot;
		oldsize = old == NULL ? 0 : s->mask + 1;
		s->mask = oldsize == 0 ? 65535 : 2 * oldsize - 1;
		if ((s->slot = calloc(s->mask + 1, sizeof(*s->slot))) == NULL)
			return -1;
		s->n = 0;
		for (i = 0; i < oldsize; i++) {
			if (old[i] == 0)
				continue;
			for (j = u64_hash(old[i], s->mask); s->slot[j] != 0;
			    j = (j + 1) & s->mask)
				continue;
			s->slot[j] = old[i];
			s->n++;
		}
		free(old);
	}
	for (i = u64_hash(k, s->mask); s->slot[i] != 0; i = (i + 1) & s->mask)
		if (s->slot[i] == k)
			return 0;
	s->slot[i] = k;
	s->n++;
	return 1;
}

/* A mobile is its value (never 0: it starts with 1); an encrypted number
 * its FNV-1a hash with the top bit set, which no mobile has. */
static uint64_t
phone_key(const char *norm, enum phone_status st)
{
	uint64_t	 k = 0;

	if (st == PHONE_OK_MOBILE) {
		for (; *norm != '\0'; norm++)
			k = k * 10 + (uint64_t)(*norm - '0');
		return k;
	}
	k = 0xcbf29ce484222325ULL;
	for (; *norm != '\0'; norm++)
		k = (k ^ (unsigned char)*norm) * 0x100000001b3ULL;
	return k | (1ULL << 63);
}

/* --- one run ------------------------------------------------------------ */

struct count {
	struct u64set	 set;
	int		 dups_on;
	long		 valid, invalid, dups;
	int		 nomem;
};

static int
count_row(void *arg, const struct calllist_row *row)
{
	struct count		*c = arg;
	char			 norm[PHONE_NORM_SIZE];
	enum phone_status	 st;
	int			 added;

	st = phone_normalise(row->phone_raw, strlen(row->phone_raw), norm,
	    sizeof(norm));
	if (!phone_status_ok(st)) {
		c->invalid++;
		return 0;
	}
	c->valid++;
	if (!c->dups_on)
		return 0;
	if ((added = u64set_add(&c->set, phone_key(norm, st))) == -1) {
		c->nomem = 1;
		return 1;
	}
	c->dups += added == 0;
	return 0;
}

/* The child: read one file, print the figures. */
static int
run_one(const char *path, int dups_on)
{
	struct count		 c;
	struct calllist_info	 info;
	struct calllist_error	 err;
	struct timespec		 t0, t1, c0, c1;
	struct rusage		 ru;
	enum calllist_status	 st;

	memset(&c, 0, sizeof(c));
	c.dups_on = dups_on;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = calllist_read(path, NULL, count_row, &c, &info, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	if (st != CL_OK || c.nomem) {
		fprintf(stderr, "bench_import: %s: %s\n", path,
		    c.nomem ? "out of memory" : err.en);
		calllist_info_free(&info);
		free(c.set.slot);
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("%.6f %.6f %ld %ld %ld %ld %ld\n",
	    (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	    (double)(c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9,
	    info.rows, c.valid, c.invalid, c.dups, ru.ru_maxrss);
	calllist_info_free(&info);
	free(c.set.slot);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* The parent: one run in a fresh process. */
static int
spawn_run(const char *path, int dups_on, struct result *res)
{
	struct rusage	 ru;
	FILE		*in;
	pid_t		 pid;
	int		 fds[2], status, n;

	if (pipe(fds) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		char *const args[] = { (char *)"bench_import",
		    (char *)(dups_on ? "--read" : "--read-nodups"),
		    (char *)path, NULL };

		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) == -1)
			_exit(127);
		execv("/proc/self/exe", args);
		_exit(127);
	}
	close(fds[1]);
	if ((in = fdopen(fds[0], "r")) == NULL) {
		close(fds[0]);
		waitpid(pid, NULL, 0);
		return -1;
	}
	n = fscanf(in, "%lf %lf %ld %ld %ld %ld %ld", &res->secs, &res->cpu,
	    &res->rows,
	    &res->valid, &res->invalid, &res->dups, &res->rss_kib);
	fclose(in);
	if (wait4(pid, &status, 0, &ru) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || n != 7)
		return -1;
	res->rss_kib = ru.ru_maxrss;	/* the same figure, from the kernel */
	return 0;
}

/* --- the lists ---------------------------------------------------------- */

static const char *const cities[] = {
	"北京", "上海", "广州", "深圳", "成都", "杭州", "武汉", "西安"
};

/* The phone of row i as offices write them: mostly plain, some grouped
 * or with +86, one in ten turned into 1.35E+10 by Excel, one in twenty a
 * repeat of the row before. */
static void
phone_text(long i, char *buf, size_t size)
{
	long	 n = i % 20 == 19 ? i - 1 : i;

	switch (i % 10) {
	case 3:
		snprintf(buf, size, "135 %04ld %04ld", n / 10000 % 10000,
		    n % 10000);
		break;
	case 5:
		snprintf(buf, size, "+86 135%08ld", n);
		break;
	case 7:
		snprintf(buf, size, "1.35E+10");
		break;
	default:
		snprintf(buf, size, "135%08ld", n);
		break;
	}
}

static int
make_csv(const char *path, long rows)
{
	char	 phone[32];
	FILE	*f;
	long	 i;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "手机号,姓名,城市,备注\n");
	for (i = 0; i < rows; i++) {
		phone_text(i, phone, sizeof(phone));
		fprintf(f, "%s,客户%ld,%s,\"第 %ld 位, 老客户\"\n", phone, i,
		    cities[i % 8], i);
	}
	return fclose(f);
}

/* Written the way Excel writes: shared strings, phones as numbers. */
static int
make_xlsx(const char *path, long rows)
{
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	char		 phone[32], name[32];
	long		 i;

	if ((wb = workbook_new(path)) == NULL ||
	    (ws = workbook_add_worksheet(wb, NULL)) == NULL)
		return -1;
	worksheet_write_string(ws, 0, 0, "手机号", NULL);
	worksheet_write_string(ws, 0, 1, "姓名", NULL);
	worksheet_write_string(ws, 0, 2, "城市", NULL);
	for (i = 0; i < rows; i++) {
		phone_text(i, phone, sizeof(phone));
		snprintf(name, sizeof(name), "客户%ld", i);
		if (i % 10 == 0 || i % 10 == 1)
			worksheet_write_number(ws, (lxw_row_t)i + 1, 0,
			    strtod(phone, NULL), NULL);
		else
			worksheet_write_string(ws, (lxw_row_t)i + 1, 0, phone,
			    NULL);
		worksheet_write_string(ws, (lxw_row_t)i + 1, 1, name, NULL);
		worksheet_write_string(ws, (lxw_row_t)i + 1, 2,
		    cities[i % 8], NULL);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
}

/* Generate in a child of its own: Linux carries the peak RSS over fork
 * and exec, so the parent, from which every run is forked, must stay
 * small (libxlsxwriter keeps a whole sheet in memory). */
static int
generate(int (*make)(const char *, long), const char *path, long rows)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0)
		_exit(make(path, rows) == 0 ? 0 : 1);
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void
print_head(void)
{
	printf("%-14s %8s %8s %8s %7s %9s %9s %12s %14s\n", "file", "rows",
	    "valid", "invalid", "dups", "wall s", "CPU s", "peak RSS MiB",
	    "w/o dup set MiB");
}

/* runs of one file, each with and without the duplicate set; 0 or 1. */
static int
time_file(const char *name, const char *path, int runs)
{
	struct result	 res;
	double		 secs[MAX_RUNS], cpu[MAX_RUNS], rss[MAX_RUNS];
	double		 rss_nodup[MAX_RUNS];
	int		 r;

	memset(&res, 0, sizeof(res));
	for (r = 0; r < runs; r++) {
		if (spawn_run(path, 0, &res) == -1)
			break;
		rss_nodup[r] = res.rss_kib / 1024.0;
		cpu[r] = res.cpu;
		if (spawn_run(path, 1, &res) == -1)
			break;
		secs[r] = res.secs;
		rss[r] = res.rss_kib / 1024.0;
	}
	if (r < runs) {
		fprintf(stderr, "bench_import: a run on %s failed\n", path);
		return 1;
	}
	printf("%-14s %8ld %8ld %8ld %7ld %9.3f %9.3f %12.1f %14.1f\n", name,
	    res.rows, res.valid, res.invalid, res.dups,
	    bench_median(secs, runs), bench_median(cpu, runs),
	    bench_median(rss, runs), bench_median(rss_nodup, runs));
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	static const struct {
		const char	*name;
		long		 rows;
		int		(*make)(const char *, long);
	} files[] = {
		{ "list-50k.csv", 50000, make_csv },
		{ "list-50k.xlsx", 50000, make_xlsx },
		{ "list-1m.csv", 1000000, make_csv },
		{ "list-1m.xlsx", 1000000, make_xlsx },
	};
	char		 dir[] = "/tmp/bench_import.XXXXXX", path[256];
	size_t		 i;
	int		 runs = 5, keep = 0, c, fail = 0;

	if (argc == 3 && strcmp(argv[1], "--read") == 0)
		return run_one(argv[2], 1);
	if (argc == 3 && strcmp(argv[1], "--read-nodups") == 0)
		return run_one(argv[2], 0);
	while ((c = getopt(argc, argv, "kr:")) != -1) {
		if (c == 'k')
			keep = 1;
		else if (c == 'r' && (runs = atoi(optarg)) >= 1 &&
		    runs <= MAX_RUNS)
			continue;
		else {
			fprintf(stderr, "usage: bench_import [-r 1..%d] [-k]\n",
			    MAX_RUNS);
			return 2;
		}
	}
	if (optind < argc) {
		printf("median of %d runs\n", runs);
		print_head();
		for (; optind < argc && !fail; optind++)
			fail = time_file(argv[optind], argv[optind], runs);
		return fail;
	}
	if (mkdtemp(dir) == NULL) {
		perror("bench_import: mkdtemp");
		return 1;
	}
	printf("median of %d runs; files in %s\n", runs, dir);
	print_head();
	for (i = 0; i < sizeof(files) / sizeof(files[0]) && !fail; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		if (generate(files[i].make, path, files[i].rows) != 0) {
			fprintf(stderr, "bench_import: cannot write %s\n", path);
			fail = 1;
			break;
		}
		fail = time_file(files[i].name, path, runs);
		if (!keep)
			unlink(path);
	}
	if (!keep && rmdir(dir) == -1)
		fprintf(stderr, "bench_import: rmdir %s: %s\n", dir,
		    strerror(errno));
	return fail;
}
