/* page_audit.c: GET /audit — the audit log, newest first, 50 a page,
 * filtered by user, action and a date range (local dates). Statuses: 200,
 * 400 (a filter that is not valid; the page says which), 500. */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "tmpl.h"
#include "ui.h"

#define PER_PAGE	50

static const enum key fkeys[] = { KEY_USER, KEY_ACTION, KEY_FROM, KEY_TO };

/* The UTC timestamp text of local midnight of yyyymmdd plus days. */
static void
day_start_utc(int64_t yyyymmdd, int days, char out[32])
{
	struct tm	 tm;
	time_t		 t = (time_t)ui_day_start(yyyymmdd, days);

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static void
fill_filters(struct request *r, struct tdict *body)
{
	const struct audit_action *a;
	const char	*action = http_field(r, KEY_ACTION);
	const char	*v;
	struct tdict	*s;

	tdict_set(body, "F_USER", (v = http_field(r, KEY_USER)) ? v : "");
	tdict_set(body, "F_FROM", (v = http_field(r, KEY_FROM)) ? v : "");
	tdict_set(body, "F_TO", (v = http_field(r, KEY_TO)) ? v : "");
	for (a = audit_actions; a->action != NULL; a++) {
		s = tdict_add_section(body, "ACTION_OPT");
		tdict_set(s, "OPT_VALUE", a->action);
		tdict_set(s, "OPT_LABEL", a->label);
		if (action != NULL && strcmp(action, a->action) == 0)
			tdict_show(s, "OPT_SELECTED");
	}
}

static int
fill_rows(struct request *r, struct tdict *body, int64_t page, int *more)
{
	const char	*user = http_field(r, KEY_USER);
	const char	*action = http_field(r, KEY_ACTION);
	char		 from[32] = "", to[32] = "", when[32], shorthash[13];
	int64_t		 ceiling = INT64_MAX, offset = (page - 1) * PER_PAGE;
	sqlite3_stmt	*st;
	struct tdict	*s;
	int		 rc, n = 0;

	if (r->fieldmap[KEY_FROM] != NULL)
		day_start_utc(r->fieldmap[KEY_FROM]->parsed, 0, from);
	if (r->fieldmap[KEY_TO] != NULL)
		day_start_utc(r->fieldmap[KEY_TO]->parsed, 1, to);
	if (user == NULL)
		user = "";
	if (action == NULL)
		action = "";

	/* Without filters, ids are gap-free (the chain's verification
	 * insists), so a page is an id range and costs the same at any
	 * depth; filtered pages skip with OFFSET. */
	if (*user == '\0' && *action == '\0' && *from == '\0' && *to == '\0') {
		if ((st = db_stmt(r->db, STMT_AUDIT_MAXID)) == NULL)
			return -1;
		if (sqlite3_step(st) == SQLITE_ROW)
			ceiling = sqlite3_column_int64(st, 0) - offset;
		db_reset(st);
		offset = 0;
	}
	if ((st = db_stmt(r->db, STMT_AUDIT_PAGE)) == NULL)
		return -1;
	db_bind_text(st, 1, user);
	db_bind_text(st, 2, action);
	db_bind_text(st, 3, from);
	db_bind_text(st, 4, to);
	db_bind_int(st, 5, ceiling);
	db_bind_int(st, 6, PER_PAGE + 1);
	db_bind_int(st, 7, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > PER_PAGE)
			break;
		s = tdict_add_section(body, "ROW");
		tdict_set_int(s, "ROW_ID", sqlite3_column_int64(st, 0));
		ui_time_utc_text(db_col_text(st, 1), when);
		tdict_set(s, "ROW_TIME", when);
		tdict_set(s, "ROW_ACTOR", db_col_text(st, 2));
		tdict_set(s, "ROW_ADDR", db_col_text(st, 3));
		tdict_set(s, "ROW_UA", db_col_text(st, 4));
		tdict_set(s, "ROW_ACTION", db_col_text(st, 5));
		tdict_set(s, "ROW_ACTION_LABEL",
		    audit_action_label(db_col_text(st, 5)));
		tdict_set(s, "ROW_OBJECT", db_col_text(st, 6));
		tdict_set(s, "ROW_DETAILS", db_col_text(st, 7));
		tdict_set(s, "ROW_HASH", db_col_text(st, 8));
		snprintf(shorthash, sizeof(shorthash), "%s",
		    db_col_text(st, 8));
		tdict_set(s, "ROW_HASH_SHORT", shorthash);
	}
	db_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	*more = n > PER_PAGE;
	if (n == 0)
		tdict_show(body, "EMPTY");
	return 0;
}

void
page_audit(struct request *r)
{
	struct tdict	*page, *body, *s;
	int64_t		 pageno = 1;
	int		 more = 0, status = 200;
	char		*href;

	if (r->fieldmap[KEY_PAGE] != NULL)
		pageno = r->fieldmap[KEY_PAGE]->parsed;
	page = ui_page(r, "审计日志", "audit.tpl", &body);
	fill_filters(r, body);
	if (r->fieldnmap[KEY_USER] || r->fieldnmap[KEY_ACTION] ||
	    r->fieldnmap[KEY_FROM] || r->fieldnmap[KEY_TO] ||
	    r->fieldnmap[KEY_PAGE]) {
		/* Say so rather than show an unfiltered list as if filtered. */
		s = tdict_add_section(page, "FLASH");
		tdict_set(s, "FLASH_KIND", "error");
		tdict_set(s, "FLASH_TEXT",
		    "筛选条件无效：日期请用 YYYY-MM-DD，页码为正整数。");
		tdict_show(body, "EMPTY");
		status = 400;
	} else if (fill_rows(r, body, pageno, &more) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", "无法读取审计日志。");
		return;
	}
	tdict_set_int(body, "PAGE", pageno);
	if (status == 200 && pageno > 1 && (href = ui_filter_href(r, "/audit", fkeys,
	    sizeof(fkeys) / sizeof(fkeys[0]), pageno - 1))) {
		s = tdict_add_section(body, "PREV");
		tdict_set(s, "PREV_HREF", href);
		free(href);
	}
	if (more && (href = ui_filter_href(r, "/audit", fkeys,
	    sizeof(fkeys) / sizeof(fkeys[0]), pageno + 1)) != NULL) {
		s = tdict_add_section(body, "NEXT");
		tdict_set(s, "NEXT_HREF", href);
		free(href);
	}
	ui_send(r, status, page);
}
