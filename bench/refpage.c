/* refpage.c: the minimal C reference for the audit page of bench/run.sh:
 * what a C programmer writes by hand with libfcgi and SQLite alone. A
 * prefork FastCGI program like bench/hello.c (bench/prefork.c); each worker opens the
 * database read-only, prepares one statement per filter shape once, and
 * answers GET ?user=&action=&from=&to=&page= with the page of the log
 * newest first, ROWS a page, OFFSET paging, every value HTML-escaped as
 * it is written. It shows the columns dialdesk's page shows (time in
 * local time, actor, address, action label and code, object, details as
 * stored, the hash's first 12 digits) and its filter form and pager; it
 * checks no session and writes no log.
 *
 * usage: refpage SOCKET WORKERS DATABASE [ROWS]   (ROWS default 25)
 * SIGTERM or SIGINT stops the workers and removes the socket. */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sqlite3.h>

#include "prefork.h"

static long	 rows_per_page = 25;

/* The actions the bench's seed writes, with dialdesk's labels. */
static const char *const labels[][2] = {
	{ "login.ok", "登录成功" }, { "list.uploaded", "上传名单" },
	{ "task.confirmed", "确认任务" }, { "batch.sent", "发送批次" },
	{ "push.received", "收到导入推送" }, { "logout", "退出登录" },
	{ "login.failed", "登录失败" }, { "export.tasks", "导出任务列表" },
};
#define NLABELS	(sizeof(labels) / sizeof(labels[0]))

/* Write s HTML-escaped. */
static void
esc(FCGX_Stream *out, const char *s)
{
	const char	*run = s;

	for (; *s != '\0'; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		FCGX_PutStr(run, (int)(s - run), out);
		FCGX_PutS(e, out);
		run = s + 1;
	}
	FCGX_PutStr(run, (int)(s - run), out);
}

/* Decode a query value in place (%XX and +). */
static void
unescape(char *s)
{
	char	*w = s;

	for (; *s != '\0'; s++, w++) {
		if (*s == '+')
			*w = ' ';
		else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			char	 hex[3] = { s[1], s[2], '\0' };

			*w = (char)strtol(hex, NULL, 16);
			s += 2;
		} else
			*w = *s;
	}
	*w = '\0';
}

/* Filters: user, action, from, to (bit 0..3 of a statement's shape). */
struct query {
	char	*f[4];
	long	 page;
};

static const char *const fnames[4] = { "user", "action", "from", "to" };
static const char *const fsql[4] = { " AND actor = ?", " AND action = ?",
    " AND ts >= ?", " AND ts < ?" };

static void
parse_query(char *qs, struct query *q)
{
	char	*part, *save = NULL, *eq;
	int	 i;

	memset(q, 0, sizeof(*q));
	q->page = 1;
	for (part = strtok_r(qs, "&", &save); part != NULL;
	    part = strtok_r(NULL, "&", &save)) {
		if ((eq = strchr(part, '=')) == NULL)
			continue;
		*eq++ = '\0';
		unescape(eq);
		if (strcmp(part, "page") == 0) {
			q->page = strtol(eq, NULL, 10);
			if (q->page < 1)
				q->page = 1;
			continue;
		}
		for (i = 0; i < 4; i++)
			if (strcmp(part, fnames[i]) == 0 && *eq != '\0')
				q->f[i] = eq;
	}
}

/* YYYY-MM-DD plus days, local midnight, as an audit time (UTC). */
static int
day_utc(const char *date, int days, char out[32])
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (strptime(date, "%Y-%m-%d", &tm) == NULL)
		return -1;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	return 0;
}

static const char head[] = PREFORK_PAGE_START
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<title>审计日志</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
    "</head>\n<body>\n<header class=\"topbar\"><a href=\"/\">dialdesk</a>"
    "<nav><a href=\"/tasks\">任务</a> <a href=\"/audit\">审计日志</a>"
    "</nav></header>\n<main>\n<h1>审计日志</h1>\n";

static void
page(FCGX_Request *req, sqlite3_stmt *const *stmts)
{
	FCGX_Stream	*out = req->out;
	const char	*qs = FCGX_GetParam("QUERY_STRING", req->envp);
	char		*copy = strdup(qs != NULL ? qs : "");
	char		 from[32], to[32], when[32], link[1024];
	struct query	 q;
	sqlite3_stmt	*st;
	struct tm	 tm;
	unsigned	 shape = 0;
	size_t		 i;
	int		 n = 0, k;

	if (copy == NULL)
		return;
	parse_query(copy, &q);
	if ((q.f[2] != NULL && day_utc(q.f[2], 0, from) == -1) ||
	    (q.f[3] != NULL && day_utc(q.f[3], 1, to) == -1)) {
		FCGX_PutS("Status: 400 Bad Request\r\nContent-Type: text/plain"
		    "\r\n\r\nbad date\n", out);
		free(copy);
		return;
	}
	for (k = 0; k < 4; k++)
		if (q.f[k] != NULL)
			shape |= 1u << k;
	st = stmts[shape];
	k = 1;
	if (q.f[0] != NULL)
		sqlite3_bind_text(st, k++, q.f[0], -1, SQLITE_STATIC);
	if (q.f[1] != NULL)
		sqlite3_bind_text(st, k++, q.f[1], -1, SQLITE_STATIC);
	if (q.f[2] != NULL)
		sqlite3_bind_text(st, k++, from, -1, SQLITE_STATIC);
	if (q.f[3] != NULL)
		sqlite3_bind_text(st, k++, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, k++, rows_per_page + 1);
	sqlite3_bind_int64(st, k, (q.page - 1) * rows_per_page);

	FCGX_PutStr(head, (int)sizeof(head) - 1, out);
	FCGX_PutS("<form method=\"get\" action=\"/audit\" class=\"filter-bar\">"
	    "<label>操作人 <input name=\"user\" value=\"", out);
	esc(out, q.f[0] != NULL ? q.f[0] : "");
	FCGX_PutS("\"></label> <label>操作 <select name=\"action\">"
	    "<option value=\"\">全部操作</option>", out);
	for (i = 0; i < NLABELS; i++) {
		FCGX_PutS("<option value=\"", out);
		esc(out, labels[i][0]);
		FCGX_PutS(q.f[1] != NULL && strcmp(q.f[1], labels[i][0]) == 0 ?
		    "\" selected>" : "\">", out);
		esc(out, labels[i][1]);
		FCGX_PutS("</option>", out);
	}
	FCGX_PutS("</select></label> <label>开始日期 <input type=\"date\" "
	    "name=\"from\" value=\"", out);
	esc(out, q.f[2] != NULL ? q.f[2] : "");
	FCGX_PutS("\"></label> <label>结束日期 <input type=\"date\" name=\"to\""
	    " value=\"", out);
	esc(out, q.f[3] != NULL ? q.f[3] : "");
	FCGX_PutS("\"></label> <button type=\"submit\">筛选</button></form>\n"
	    "<table class=\"data-table\"><thead><tr><th>时间</th><th>操作人</th>"
	    "<th>来源地址</th><th>操作</th><th>对象</th><th>详情</th><th>哈希"
	    "</th></tr></thead>\n<tbody>\n", out);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *ts = (const char *)sqlite3_column_text(st, 1);
		const char *action = (const char *)sqlite3_column_text(st, 5);
		const char *label = action;
		time_t	 t;

		if (++n > rows_per_page)
			break;
		memset(&tm, 0, sizeof(tm));
		if (strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) != NULL) {
			t = timegm(&tm);
			localtime_r(&t, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		} else
			snprintf(when, sizeof(when), "%s", ts);
		for (i = 0; i < NLABELS; i++)
			if (strcmp(labels[i][0], action) == 0)
				label = labels[i][1];
		FCGX_FPrintF(out, "<tr id=\"audit-%lld\"><td>%s</td><td>",
		    (long long)sqlite3_column_int64(st, 0), when);
		esc(out, (const char *)sqlite3_column_text(st, 2));
		FCGX_PutS("</td><td title=\"", out);
		esc(out, (const char *)sqlite3_column_text(st, 4));
		FCGX_PutS("\">", out);
		esc(out, (const char *)sqlite3_column_text(st, 3));
		FCGX_PutS("</td><td>", out);
		esc(out, label);
		FCGX_PutS(" <code>", out);
		esc(out, action);
		FCGX_PutS("</code></td><td>", out);
		esc(out, (const char *)sqlite3_column_text(st, 6));
		FCGX_PutS("</td><td>", out);
		esc(out, (const char *)sqlite3_column_text(st, 7));
		FCGX_FPrintF(out, "</td><td><code>%.12s</code></td></tr>\n",
		    (const char *)sqlite3_column_text(st, 8));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (n == 0)
		FCGX_PutS("<tr><td colspan=\"7\">没有符合条件的记录</td></tr>\n",
		    out);
	FCGX_PutS("</tbody></table>\n<nav class=\"pager\">", out);
	/* The links keep the filters: the query string with another page. */
	for (k = -1; k <= 1; k += 2) {
		size_t	 at = 0;
		int	 j;

		if ((k < 0 && q.page == 1) || (k > 0 && n <= rows_per_page))
			continue;
		for (j = 0; j < 4; j++)
			if (q.f[j] != NULL)
				at += (size_t)snprintf(link + at, sizeof(link) -
				    (at < sizeof(link) ? at : sizeof(link)),
				    "%s=%s&", fnames[j], q.f[j]);
		if (at >= sizeof(link))
			continue;
		snprintf(link + at, sizeof(link) - at, "page=%ld", q.page + k);
		FCGX_PutS("<a href=\"/audit?", out);
		esc(out, link);
		FCGX_PutS(k < 0 ? "\" rel=\"prev\">上一页</a>" :
		    "\" rel=\"next\">下一页</a>", out);
	}
	FCGX_FPrintF(out, " <span>第 %ld 页</span></nav>\n</main>\n</body>\n"
	    "</html>\n", q.page);
	free(copy);
}

/* A worker's database and its statements, one per filter shape. */
struct ref {
	const char	*dbpath;
	sqlite3_stmt	*stmts[16];
};

/* In each worker: the database opened read-only, the statements
 * prepared once. */
static int
open_db(void *arg)
{
	struct ref	*ref = arg;
	sqlite3		*db;
	char		 sql[512];
	unsigned	 shape;
	int		 k;

	if (sqlite3_open_v2(ref->dbpath, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "refpage: %s: %s\n", ref->dbpath,
		    sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_busy_timeout(db, 5000);
	for (shape = 0; shape < 16; shape++) {
		size_t	 at = (size_t)snprintf(sql, sizeof(sql),
		    "SELECT id, ts, actor, addr, user_agent, action, object,"
		    " details, hash FROM audit WHERE 1 = 1");

		for (k = 0; k < 4; k++)
			if (shape & (1u << k))
				at += (size_t)snprintf(sql + at,
				    sizeof(sql) - at, "%s", fsql[k]);
		snprintf(sql + at, sizeof(sql) - at,
		    " ORDER BY id DESC LIMIT ? OFFSET ?");
		if (sqlite3_prepare_v2(db, sql, -1, &ref->stmts[shape], NULL) !=
		    SQLITE_OK) {
			fprintf(stderr, "refpage: %s\n", sqlite3_errmsg(db));
			return -1;
		}
	}
	return 0;
}

static void
serve(FCGX_Request *req, void *arg)
{
	struct ref	*ref = arg;

	page(req, ref->stmts);
}

int
main(int argc, char *argv[])
{
	struct ref	 ref = { NULL, { NULL } };
	char		*end;
	long		 n;

	if (argc < 4 || argc > 5 || (n = prefork_parse_workers(argv[2])) < 0 ||
	    (argc == 5 && ((rows_per_page = strtol(argv[4], &end, 10)) < 1 ||
	    rows_per_page > 1000 || *end != '\0'))) {
		fprintf(stderr, "usage: refpage SOCKET WORKERS (1-%d) DATABASE "
		    "[ROWS]\n", PREFORK_WORKERS_MAX);
		return 2;
	}
	ref.dbpath = argv[3];
	return prefork_run("refpage", argv[1], n, open_db, serve, &ref);
}
