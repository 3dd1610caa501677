/* check_journal.c: the vendor journal's format and file: what is written
 * reads back the same, a torn or damaged line is ignored (never misread),
 * appends from several processes all land, and compaction keeps what it
 * is told to, drops torn lines and loses no append made meanwhile. */
#include "autoconf.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "journal.h"
#include "unit.h"

static char	 dir[64];
static char	 path[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_journal.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vendor-journal", dir);
}

static void
teardown(void)
{
	char		 p[512];
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* The answers of the tests: one of each outcome, with the texts that
 * could break a line-based format. */
static void
answer(int i, struct journal_answer *a)
{
	struct vendor_result *r = &a->res;

	memset(a, 0, sizeof(*a));
	a->batch_id = 1000 + i;
	a->attempt = 1 + i % 3;
	a->task_id = 7;
	a->seq = i + 1;
	a->rows = 10000;
	a->at = 1796000000 + i;
	snprintf(a->worker, sizeof(a->worker), "host-%d:%d", i, 4242 + i);
	snprintf(a->body_sha256, sizeof(a->body_sha256), "%064x", i);
	switch (i % 4) {
	case 0:
		r->outcome = VENDOR_ACCEPTED;
		r->http_status = 200;
		r->has_err_code = 1;
		r->err_code = 0;
		snprintf(r->task_id, sizeof(r->task_id),
		    "dial_task_main_sn|%032x", i);
		snprintf(r->message, sizeof(r->message), "已提交");
		snprintf(r->detail, sizeof(r->detail), "errCode 0");
		break;
	case 1:
		r->outcome = VENDOR_REFUSED;
		r->http_status = 200;
		r->has_err_code = 1;
		r->err_code = -4;
		snprintf(r->message, sizeof(r->message),
		    "错误码 -4：您的可用额度不足，请联系商务进行充值");
		snprintf(r->detail, sizeof(r->detail), "errCode -4");
		break;
	case 2:
		r->outcome = VENDOR_NOT_SENT;
		snprintf(r->message, sizeof(r->message), "连接供应商失败");
		snprintf(r->detail, sizeof(r->detail), "Couldn't connect");
		break;
	default:
		r->outcome = VENDOR_UNKNOWN;
		r->http_status = 500;
		snprintf(r->message, sizeof(r->message), "结果未知\n\"第二行\"");
		snprintf(r->detail, sizeof(r->detail),
		    "HTTP 500:\r\n<html>\t\\ dvj1 0123</html>");
		break;
	}
	r->seconds = 0.25 * i;
}

static void
ck_same(const struct journal_answer *a, const struct journal_answer *b)
{
	ck_assert_int_eq(a->batch_id, b->batch_id);
	ck_assert_int_eq(a->attempt, b->attempt);
	ck_assert_int_eq(a->task_id, b->task_id);
	ck_assert_int_eq(a->seq, b->seq);
	ck_assert_int_eq(a->rows, b->rows);
	ck_assert_int_eq(a->at, b->at);
	ck_assert_str_eq(a->worker, b->worker);
	ck_assert_str_eq(a->body_sha256, b->body_sha256);
	ck_assert_int_eq(a->res.outcome, b->res.outcome);
	ck_assert_int_eq(a->res.http_status, b->res.http_status);
	ck_assert_int_eq(a->res.has_err_code, b->res.has_err_code);
	ck_assert_int_eq(a->res.err_code, b->res.err_code);
	ck_assert_str_eq(a->res.task_id, b->res.task_id);
	ck_assert_str_eq(a->res.message, b->res.message);
	ck_assert_str_eq(a->res.detail, b->res.detail);
	ck_assert(a->res.seconds == b->res.seconds);
}

/* Records read, collected. */
struct seen {
	struct journal_answer	 a[256];
	int			 n;
};

static int
collect(void *arg, const struct journal_answer *a)
{
	struct seen	*s = arg;

	ck_assert_int_lt(s->n, 256);
	s->a[s->n++] = *a;
	return 0;
}

static void
read_all(struct seen *s)
{
	char	 err[256];

	s->n = 0;
	ck_assert_msg(journal_read(path, collect, s, err, sizeof(err)) ==
	    s->n, "%s", err);
}

static void
put(int i)
{
	struct journal_answer	 a;
	char			 err[256];

	answer(i, &a);
	ck_assert_msg(journal_append(path, &a, err, sizeof(err)) == 0, "%s",
	    err);
}

/* Raw bytes at the end of the file, as a crash leaves them. */
static void
put_raw(const char *s, size_t len)
{
	FILE	*f = fopen(path, "a");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_round_trip)
{
	struct journal_answer	 a, b;
	char			*line;
	size_t			 len;

	answer(_i, &a);
	line = journal_format(&a, &len);
	ck_assert_ptr_nonnull(line);
	ck_assert_uint_eq(len, strlen(line));
	ck_assert_int_eq(strncmp(line, "dvj1 ", 5), 0);
	/* One line: the newline ends it and is its only one. */
	ck_assert_ptr_eq(strchr(line, '\n'), line + len - 1);
	ck_assert_int_eq(journal_parse(line, len - 1, &b), 0);
	ck_same(&a, &b);
	free(line);
}
END_TEST

START_TEST(test_append_read)
{
	struct journal_answer	 a;
	struct seen		 s;
	struct stat		 st;
	int			 i;

	for (i = 0; i < 4; i++)
		put(i);
	read_all(&s);
	ck_assert_int_eq(s.n, 4);
	for (i = 0; i < 4; i++) {
		answer(i, &a);
		ck_same(&a, &s.a[i]);
	}
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
}
END_TEST

START_TEST(test_missing)
{
	struct seen	 s;
	char		 err[256];

	read_all(&s);
	ck_assert_int_eq(s.n, 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(journal_append("/nonexistent/dir/j", &s.a[0], err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/j"));
}
END_TEST

/* The last record cut anywhere: only the first one is read. */
START_TEST(test_torn_tail)
{
	struct journal_answer	 a, b;
	struct seen		 s;
	char			*l1, *l2;
	size_t			 n1, n2, cut;

	answer(0, &a);
	answer(_i, &b);
	l1 = journal_format(&a, &n1);
	l2 = journal_format(&b, &n2);
	ck_assert_ptr_nonnull(l1);
	ck_assert_ptr_nonnull(l2);
	for (cut = 0; cut < n2; cut++) {
		unlink(path);
		put_raw(l1, n1);
		put_raw(l2, cut);
		read_all(&s);
		ck_assert_msg(s.n == 1, "cut after %zu of %zu bytes: %d read",
		    cut, n2, s.n);
		ck_same(&a, &s.a[0]);
	}
	free(l1);
	free(l2);
}
END_TEST

/* A torn record, then more appends: they share its line, and are read. */
START_TEST(test_torn_then_append)
{
	struct journal_answer	 a, b, c;
	struct seen		 s;
	char			*l;
	size_t			 n;

	answer(0, &a);
	answer(1, &b);
	answer(2, &c);
	put(0);
	l = journal_format(&b, &n);
	ck_assert_ptr_nonnull(l);
	put_raw(l, (size_t)_i * (n - 1) / 8 + 1);
	free(l);
	put(2);
	put(3);
	read_all(&s);
	ck_assert_int_eq(s.n, 3);
	ck_same(&a, &s.a[0]);
	ck_same(&c, &s.a[1]);
	ck_assert_int_eq(s.a[2].batch_id, 1003);
}
END_TEST

/* Any one byte changed, newline included: the record is not read. */
START_TEST(test_damage)
{
	struct journal_answer	 a;
	struct seen		 s;
	char			*l;
	size_t			 n, i;

	answer(_i, &a);
	l = journal_format(&a, &n);
	ck_assert_ptr_nonnull(l);
	for (i = 0; i < n; i++) {
		l[i] ^= 0x01;
		unlink(path);
		put_raw(l, n);
		read_all(&s);
		ck_assert_msg(s.n == 0, "byte %zu of %zu changed, still read",
		    i, n);
		l[i] ^= 0x01;
	}
	free(l);
}
END_TEST

static int
keep_odd(void *arg, const struct journal_answer *a)
{
	(void)arg;
	return a->batch_id % 2;
}

static int
give_up(void *arg, const struct journal_answer *a)
{
	(void)arg;
	(void)a;
	return -1;
}

static char *
slurp(size_t *len)
{
	FILE	*f = fopen(path, "r");
	char	*buf = NULL;
	size_t	 size = 0;
	ssize_t	 n;

	ck_assert_ptr_nonnull(f);
	n = getdelim(&buf, &size, '\0', f);
	fclose(f);
	*len = n < 0 ? 0 : (size_t)n;
	return buf;
}

/* Nothing but the journal in the folder: no temporary file left. */
static void
ck_alone(void)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			ck_assert_str_eq(e->d_name, "vendor-journal");
			n++;
		}
	closedir(d);
	ck_assert_int_eq(n, 1);
}

START_TEST(test_rewrite)
{
	struct journal_answer	 a;
	struct seen		 s;
	char			 err[256], *before, *after;
	size_t			 nb, na;
	int			 i;

	for (i = 0; i < 5; i++)
		put(i);
	put_raw("dvj1 0123456789abcdef", 21);	/* torn */
	before = slurp(&nb);
	ck_assert_int_eq(journal_rewrite(path, give_up, NULL, err,
	    sizeof(err)), -1);
	after = slurp(&na);
	ck_assert_uint_eq(na, nb);
	ck_assert_int_eq(memcmp(before, after, nb), 0);
	free(after);
	ck_alone();

	ck_assert_msg(journal_rewrite(path, keep_odd, NULL, err,
	    sizeof(err)) == 2, "%s", err);
	read_all(&s);
	ck_assert_int_eq(s.n, 2);
	answer(1, &a);
	ck_same(&a, &s.a[0]);
	answer(3, &a);
	ck_same(&a, &s.a[1]);
	after = slurp(&na);
	ck_assert_uint_gt(na, 0);
	ck_assert_int_eq(after[na - 1], '\n');	/* the torn tail went */
	ck_assert_ptr_null(strstr(after, "dvj1 0123456789abcdef"));
	free(after);
	free(before);
	ck_alone();
	/* Appends go on in the new file. */
	put(5);
	read_all(&s);
	ck_assert_int_eq(s.n, 3);
	ck_assert_int_eq(s.a[2].batch_id, 1005);
}
END_TEST

START_TEST(test_rewrite_creates)
{
	struct stat	 st;
	char		 err[256];

	ck_assert_int_eq(journal_rewrite(path, keep_odd, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_alone();
	ck_assert_int_eq(journal_rewrite("/nonexistent/dir/j", keep_odd, NULL,
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/j"));
}
END_TEST

#define WRITERS	4
#define EACH	40

START_TEST(test_concurrent_appends)
{
	struct seen	 s;
	pid_t		 pid[WRITERS];
	int		 w, k, status, count[WRITERS * EACH] = { 0 };

	for (w = 0; w < WRITERS; w++) {
		ck_assert_int_ne(pid[w] = fork(), -1);
		if (pid[w] == 0) {
			struct journal_answer	 a;

			for (k = 0; k < EACH; k++) {
				answer(k, &a);
				a.batch_id = w * EACH + k;
				if (journal_append(path, &a, NULL, 0) == -1)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (w = 0; w < WRITERS; w++) {
		ck_assert_int_eq(waitpid(pid[w], &status, 0), pid[w]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	read_all(&s);
	ck_assert_int_eq(s.n, WRITERS * EACH);
	for (k = 0; k < s.n; k++) {
		ck_assert_int_lt(s.a[k].batch_id, WRITERS * EACH);
		count[s.a[k].batch_id]++;
	}
	for (k = 0; k < WRITERS * EACH; k++)
		ck_assert_int_eq(count[k], 1);
}
END_TEST

/* A worker that appends while another compacts: its record lands in the
 * new file, not in the one the rename replaced. */
static pid_t	 appender;

static int
keep_and_append(void *arg, const struct journal_answer *a)
{
	(void)arg;
	if (appender == 0) {
		ck_assert_int_ne(appender = fork(), -1);
		if (appender == 0) {
			struct journal_answer	 b;
			int			 fd;

			/* A worker of its own: not with our descriptor,
			 * which shares our lock. */
			for (fd = 3; fd < 1024; fd++)
				close(fd);
			answer(9, &b);
			_exit(journal_append(path, &b, NULL, 0) == -1);
		}
		/* Let it open the old file and wait for its lock. */
		usleep(300000);
	}
	(void)a;
	return 1;
}

START_TEST(test_append_during_rewrite)
{
	struct seen	 s;
	char		 err[256];
	int		 status;

	put(0);
	put(1);
	appender = 0;
	ck_assert_msg(journal_rewrite(path, keep_and_append, NULL, err,
	    sizeof(err)) == 2, "%s", err);
	ck_assert_int_eq(waitpid(appender, &status, 0), appender);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	read_all(&s);
	ck_assert_int_eq(s.n, 3);
	ck_assert_int_eq(s.a[0].batch_id, 1000);
	ck_assert_int_eq(s.a[1].batch_id, 1001);
	ck_assert_int_eq(s.a[2].batch_id, 1009);
}
END_TEST

/* Lines that are not records. */
START_TEST(test_not_records)
{
	static const char *const bad[] = {
		"",
		"dvj1 ",
		"dvj1 00000000000000000000000000000000 {}",
		"dvj2 00000000000000000000000000000000 {\"batch\":1}",
		"hello world",
	};
	struct journal_answer	 a;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(journal_parse(bad[i], strlen(bad[i]), &a), -1);
}
END_TEST

/* Numbers past int64_t are refused before any conversion (found by
 * tests/fuzz/fuzz_journal: UBSan stopped at the cast of inf). The records
 * carry their right hash so that the parser reaches the fields. */
START_TEST(test_huge_numbers)
{
	static const char *const json[] = {
		"{\"batch\":1e400}",
		"{\"batch\":-1e400}",
		"{\"batch\":9.3e18}",
		"{\"batch\":1,\"attempt\":1,\"task\":1,\"seq\":1,"
		    "\"rows\":1,\"at\":1e400}",
	};
	struct journal_answer	 a;
	unsigned char		 h[16];
	char			 line[512], hex[33];
	size_t			 i;
	int			 n;

	for (i = 0; i < sizeof(json) / sizeof(json[0]); i++) {
		crypto_generichash(h, sizeof(h),
		    (const unsigned char *)json[i], strlen(json[i]), NULL, 0);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		n = snprintf(line, sizeof(line), "dvj1 %s %s", hex, json[i]);
		ck_assert_int_eq(journal_parse(line, (size_t)n, &a), -1);
	}
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("journal");
	TCase	*tc = tcase_create("file");

	if (sodium_init() < 0)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_round_trip, 0, 8);
	tcase_add_test(tc, test_append_read);
	tcase_add_test(tc, test_missing);
	tcase_add_loop_test(tc, test_torn_tail, 1, 4);
	tcase_add_loop_test(tc, test_torn_then_append, 0, 8);
	tcase_add_loop_test(tc, test_damage, 0, 4);
	tcase_add_test(tc, test_rewrite);
	tcase_add_test(tc, test_rewrite_creates);
	tcase_add_test(tc, test_concurrent_appends);
	tcase_add_test(tc, test_append_during_rewrite);
	tcase_add_test(tc, test_not_records);
	tcase_add_test(tc, test_huge_numbers);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
