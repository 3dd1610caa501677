/* check_log.c: log lines (src/log.c) and shared counters (src/metrics.c):
 * one event is one line in either format, a request id that could break a
 * line is dropped, and counters added in forked children are seen by the
 * parent, as serve's workers' are by /metrics. */
#include "autoconf.h"

#include <sys/wait.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../../src/config.h"
#include "../../src/log.h"
#include "../../src/metrics.h"
#include "unit.h"

/* What log_info(fmt, msg) writes on standard error. */
static char *
logged(const char *msg)
{
	static char	 buf[8192];
	int		 p[2], saved;
	ssize_t		 n;

	ck_assert_int_eq(pipe(p), 0);
	saved = dup(STDERR_FILENO);
	dup2(p[1], STDERR_FILENO);
	log_info("%s", msg);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static const struct { const char *msg, *want; } texts[] = {
	{ "plain", " msg=\"plain\"\n" },
	{ "say \"hi\"", " msg=\"say \\\"hi\\\"\"\n" },
	{ "two\nlines", " msg=\"two\\nlines\"\n" },
	{ "back\\slash", " msg=\"back\\\\slash\"\n" },
	{ "bell\a", " msg=\"bell\\x07\"\n" },
	{ "中文", " msg=\"中文\"\n" },
};

START_TEST(test_text)
{
	char	*out;

	log_set_json(0);
	log_set_request_id(NULL);
	out = logged(texts[_i].msg);
	ck_assert_msg(strncmp(out, "ts=", 3) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, " level=info prog=dialdesk pid="));
	ck_assert_msg(strlen(out) > strlen(texts[_i].want) &&
	    strcmp(out + strlen(out) - strlen(texts[_i].want),
	    texts[_i].want) == 0, "got %s, want ...%s", out, texts[_i].want);
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
}
END_TEST

static const struct { const char *id; int kept; } ids[] = {
	{ "0123456789abcdef0123456789abcdef", 1 },
	{ "req-1_A", 1 },
	{ "", 0 },
	{ "has space", 0 },
	{ "quo\"te", 0 },
	{ "new\nline", 0 },
	{ "x=y", 0 },
	{ "0123456789012345678901234567890123456789012345678901234567890123"
	  "4", 0 },
};

START_TEST(test_request_id)
{
	char	*out;

	log_set_json(0);
	log_set_request_id(ids[_i].id);
	out = logged("m");
	if (ids[_i].kept) {
		ck_assert_str_eq(log_request_id(), ids[_i].id);
		ck_assert_ptr_nonnull(strstr(out, " request_id="));
		ck_assert_ptr_nonnull(strstr(out, ids[_i].id));
	} else {
		ck_assert_ptr_null(log_request_id());
		ck_assert_ptr_null(strstr(out, "request_id"));
	}
	log_set_request_id(NULL);
}
END_TEST

START_TEST(test_json)
{
	cJSON	*o;
	char	*out;

	log_set_json(1);
	log_set_request_id("abc");
	out = logged("a \"quoted\"\nline");
	ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
	ck_assert_ptr_nonnull(o = cJSON_Parse(out));
	ck_assert_str_eq(cJSON_GetObjectItem(o, "level")->valuestring, "info");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "request_id")->valuestring,
	    "abc");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "msg")->valuestring,
	    "a \"quoted\"\nline");
	ck_assert_int_eq(cJSON_GetObjectItem(o, "pid")->valueint, getpid());
	cJSON_Delete(o);
	log_set_json(0);
	log_set_request_id(NULL);
}
END_TEST

/* Three children, as serve's workers, count requests; the parent sees the
 * sum. */
START_TEST(test_metrics_across_fork)
{
	struct metrics_snapshot	 s;
	pid_t			 pid;
	int			 i, k, status;

	ck_assert_int_eq(metrics_init(4), 0);
	for (i = 0; i < 3; i++) {
		if ((pid = fork()) == 0) {
			for (k = 0; k < 100; k++)
				metrics_request(1, 200, 2000);
			metrics_request(9, 404, 20 * 1000 * 1000);
			metrics_push(PUSH_RECEIVED);
			_exit(0);
		}
		ck_assert_int_gt(pid, 0);
	}
	for (i = 0; i < 3; i++) {
		ck_assert_int_gt(wait(&status), 0);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(metrics_snapshot(&s), 0);
	for (k = 0; k < (int)s.nstatus && s.statuses[k] != 200; k++)
		continue;
	ck_assert_uint_eq(s.requests[1 * s.nstatus + (size_t)k], 300);
	for (k = 0; k < (int)s.nstatus && s.statuses[k] != 404; k++)
		continue;
	/* A route past the table counts as "none", row nroutes. */
	ck_assert_uint_eq(s.requests[4 * s.nstatus + (size_t)k], 3);
	ck_assert_uint_eq(s.buckets[0], 300);	/* 2 ms <= 5 ms */
	ck_assert_uint_eq(s.over, 3);		/* 20 s > 10 s */
	ck_assert_uint_eq(s.usec_sum, 300 * 2000ULL + 3 * 20000000ULL);
	ck_assert_uint_eq(s.pushes[PUSH_RECEIVED], 3);
	metrics_snapshot_free(&s);
}
END_TEST

static const struct { const char *addr, *list; int allowed; } addrs[] = {
	{ "127.0.0.1", "127.0.0.1 ::1", 1 },
	{ "::1", "127.0.0.1 ::1", 1 },
	{ "0:0:0:0:0:0:0:1", "127.0.0.1 ::1", 1 },
	{ "10.0.0.1", "127.0.0.1 ::1", 0 },
	{ "127.0.0.10", "127.0.0.1", 0 },
	{ "not an address", "127.0.0.1", 0 },
	{ "127.0.0.1", "", 0 },
};

START_TEST(test_addr_allowed)
{
	ck_assert_int_eq(config_addr_listed(addrs[_i].list, addrs[_i].addr),
	    addrs[_i].allowed);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

int
main(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_text, 0, NELEM(texts));
	tcase_add_loop_test(tc, test_request_id, 0, NELEM(ids));
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_metrics_across_fork);
	tcase_add_loop_test(tc, test_addr_allowed, 0, NELEM(addrs));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
