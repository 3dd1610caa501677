/* bench_send.c: how long one full push takes: building and signing a
 * 50,000-row body (names and two otherInfo columns, AES off and on) and
 * POSTing it to a local responder that reads all of it and answers
 * errCode 0. Usage: bench_send [runs] (default 5); prints every run and
 * the medians. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"
#include "vendor.h"

#define ROWS		VENDOR_MAX_ROWS
#define MAX_RUNS	101

/* The list: distinct phones and names, two extra columns. */
struct list {
	size_t		 at;
	char		 name[48], phone[32], note[64];
	const char	*values[2];
};

static const char *const titles[] = { "城市", "备注" };

static int
next_row(void *arg, struct vendor_row *row)
{
	static const char *const cities[] = { "上海", "北京", "深圳", "成都" };
	struct list	*l = arg;

	if (l->at == ROWS)
		return 0;
	snprintf(l->name, sizeof(l->name), "用户%05zu", l->at);
	snprintf(l->phone, sizeof(l->phone), "135%08zu", l->at);
	snprintf(l->note, sizeof(l->note), "春季回访 第%zu批", l->at / 10000 + 1);
	l->values[0] = cities[l->at % 4];
	l->values[1] = l->note;
	row->name = l->name;
	row->phone = l->phone;
	row->nother = 2;
	row->titles = titles;
	row->values = l->values;
	l->at++;
	return 1;
}

/* The responder: one connection after another, each request read to the
 * last byte of its Content-Length, then answered. Runs until killed. */
static void __attribute__((noreturn))
serve(int lfd)
{
	static const char	 ok[] =
	    "{\"errCode\":0,\"result\":{\"taskId\":\"B-1\"}}";
	char		 answer[256], head[16384], chunk[65536];
	const char	*end, *cl;
	size_t		 hlen, body, got;
	ssize_t		 n;
	int		 fd;

	signal(SIGPIPE, SIG_IGN);
	snprintf(answer, sizeof(answer), "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", strlen(ok), ok);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		hlen = 0;
		end = NULL;
		while (end == NULL && hlen < sizeof(head) - 1) {
			if ((n = read(fd, head + hlen, sizeof(head) - 1 -
			    hlen)) <= 0)
				break;
			hlen += (size_t)n;
			head[hlen] = '\0';
			end = strstr(head, "\r\n\r\n");
		}
		if (end == NULL) {
			close(fd);
			continue;
		}
		cl = strcasestr(head, "\r\nContent-Length:");
		body = cl != NULL && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
		got = hlen - (size_t)(end + 4 - head);
		while (got < body && (n = read(fd, chunk, sizeof(chunk))) > 0)
			got += (size_t)n;
		if (got == body)
			(void)!write(fd, answer, strlen(answer));
		close(fd);
	}
}

/* runs pushes with AES on or off; 0, or -1 when one failed. */
static int
bench(const char *url, int aes, int runs)
{
	struct vendor_cfg	 cfg = {
		.url = url, .org_code = "spcd_org", .login_name = "bench",
		.sign_key = "k3y", .sign_recipe = "{orgCode}{loginName}{key}",
		.phone_aes = aes, .phone_key = "000102030405060708090a0b0c0d0e0f",
		.connect_timeout = 5, .timeout = 60,
	};
	struct vendor_task	 task = {
		.text[FIELD_NAME] = "春季回访 (1/1)",
		.text[FIELD_VIDEOBOTID] = "6375dd1293941036cf3a4a5b",
		.num[FIELD_ISRELATESENDMESSAGE] = 1,
		.text[FIELD_MSGTEMPLATEID] = "600184215",
		.text[FIELD_MSGTITLE] = "甜新科技",
		.num[FIELD_SENDMESSAGEPHASE] = 1,
	};
	struct vendor_result	 res;
	struct list		 l;
	double			 build[MAX_RUNS], send[MAX_RUNS], total[MAX_RUNS];
	double			 t0, t1, t2;
	char			 err[256];
	char			*body;
	size_t			 len = 0;
	int			 i;

	for (i = 0; i < runs; i++) {
		memset(&l, 0, sizeof(l));
		t0 = bench_now();
		body = vendor_body(&cfg, NULL, &task, next_row, &l, &len, err,
		    sizeof(err));
		t1 = bench_now();
		if (body == NULL) {
			fprintf(stderr, "bench_send: body: %s\n", err);
			return -1;
		}
		if (vendor_send(&cfg, body, len, &res) != 0) {
			fprintf(stderr, "bench_send: send: %s: %s\n",
			    vendor_outcome_name(res.outcome), res.detail);
			free(body);
			return -1;
		}
		t2 = bench_now();
		free(body);
		build[i] = t1 - t0;
		send[i] = t2 - t1;
		total[i] = t2 - t0;
		printf("AES %-3s run %d: build %.3f s, send %.3f s, total "
		    "%.3f s, body %zu bytes\n", aes ? "on" : "off", i + 1,
		    build[i], send[i], total[i], len);
	}
	printf("AES %-3s median of %d: build %.3f s, send %.3f s, total "
	    "%.3f s, body %zu bytes (%.1f MiB), %d rows\n", aes ? "on" : "off",
	    runs, bench_median(build, runs), bench_median(send, runs),
	    bench_median(total, runs), len, (double)len / (1024 * 1024), ROWS);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sa;
	socklen_t		 sl = sizeof(sa);
	char			 url[64];
	pid_t			 pid;
	int			 lfd, runs = 5, rc;

	if (argc > 1 && ((runs = atoi(argv[1])) < 1 || runs > MAX_RUNS)) {
		fprintf(stderr, "usage: bench_send [runs 1-%d]\n", MAX_RUNS);
		return 2;
	}
	/* The responder is local: no proxy from the environment. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	if (vendor_init() != 0) {
		fprintf(stderr, "bench_send: vendor_init failed\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(lfd, 8) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) != 0) {
		perror("bench_send: listen");
		return 1;
	}
	if ((pid = fork()) < 0) {
		perror("bench_send: fork");
		return 1;
	}
	if (pid == 0)
		serve(lfd);
	close(lfd);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sa.sin_port));

	rc = bench(url, 0, runs) == 0 && bench(url, 1, runs) == 0 ? 0 : 1;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return rc;
}
