/* page_pushes.c: administrators' view of the vendor's pushes. GET
 * /pushes lists the pushes no batch matches yet and those refused as
 * unreadable; POST /pushes/{id}/link ties an unmatched push to a batch by
 * hand. Statuses: 200, 303 (after linking), 404 (no such unmatched push
 * or batch), 422 (no batch given), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "pages.h"
#include "push.h"
#include "tmpl.h"
#include "ui.h"
#include "utf8.h"

#define PER_PAGE	50

static int
fill_unmatched(struct request *r, struct tdict *body, int64_t page)
{
	sqlite3_stmt	*st = db_stmt(r->db, STMT_PUSH_UNMATCHED);
	struct tdict	*s;
	char		 when[32];
	int		 rc, n = 0;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, PER_PAGE + 1);
	db_bind_int(st, 2, (page - 1) * PER_PAGE);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++n > PER_PAGE)
			break;
		s = tdict_add_section(body, "UNMATCHED");
		tdict_set_int(s, "PUSH_ID", sqlite3_column_int64(st, 0));
		ui_time(sqlite3_column_int64(st, 1), when);
		tdict_set(s, "PUSH_RECEIVED", when);
		tdict_set(s, "PUSH_ADDR", db_col_text(st, 2));
		tdict_set(s, "PUSH_SN", db_col_text(st, 3));
		if (sqlite3_column_int(st, 4))
			tdict_setf(s, "PUSH_SUMMARY", "导入总数 %lld，成功 %lld",
			    (long long)sqlite3_column_int64(st, 6),
			    (long long)sqlite3_column_int64(st, 7));
		else
			tdict_setf(s, "PUSH_SUMMARY", "导入失败：%s",
			    db_col_text(st, 5));
		tdict_set(s, "CSRF", r->sess.csrf);
		tdict_setf(s, "LINK_ACTION", "/pushes/%lld/link",
		    (long long)sqlite3_column_int64(st, 0));
	}
	db_reset(st);
	if (n == 0)
		tdict_show(body, "NO_UNMATCHED");
	if (page > 1) {
		s = tdict_add_section(body, "UNMATCHED_PREV");
		tdict_setf(s, "UNMATCHED_PREV_HREF", "/pushes?page=%lld",
		    (long long)(page - 1));
	}
	if (n > PER_PAGE) {
		s = tdict_add_section(body, "UNMATCHED_NEXT");
		tdict_setf(s, "UNMATCHED_NEXT_HREF", "/pushes?page=%lld",
		    (long long)(page + 1));
	}
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int
fill_rejected(struct request *r, struct tdict *body)
{
	sqlite3_stmt	*st = db_stmt(r->db, STMT_PUSH_REJECTED_LIST);
	struct tdict	*s;
	char		 when[32], *shown;
	int		 rc, n = 0;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, PER_PAGE);
	db_bind_int(st, 2, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = tdict_add_section(body, "REJECTED");
		tdict_set_int(s, "REJ_ID", sqlite3_column_int64(st, 0));
		ui_time(sqlite3_column_int64(st, 1), when);
		tdict_set(s, "REJ_RECEIVED", when);
		tdict_set(s, "REJ_ADDR", db_col_text(st, 2));
		shown = utf8_sanitize(db_col_text(st, 3),
		    strlen(db_col_text(st, 3)), 200);
		tdict_set(s, "REJ_CTYPE", shown != NULL ? shown : "");
		free(shown);
		tdict_set_int(s, "REJ_LENGTH", sqlite3_column_int64(st, 4));
		/* Whatever bytes came, shown as text: escaping makes them
		 * harmless, but only valid UTF-8 is text. */
		shown = utf8_sanitize(sqlite3_column_blob(st, 5),
		    (size_t)sqlite3_column_bytes(st, 5), 2000);
		tdict_set(s, "REJ_BODY", shown != NULL ? shown : "");
		free(shown);
		tdict_set(s, "REJ_REASON", db_col_text(st, 6));
		n++;
	}
	db_reset(st);
	if (n == 0)
		tdict_show(body, "NO_REJECTED");
	return rc == SQLITE_DONE ? 0 : -1;
}

void
page_pushes(struct request *r)
{
	struct tdict	*page, *body;
	int64_t		 pageno = r->fieldmap[KEY_PAGE] ?
			    r->fieldmap[KEY_PAGE]->parsed : 1;

	page = ui_page(r, "供应商推送", "pushes.tpl", &body);
	if (fill_unmatched(r, body, pageno) == -1 ||
	    fill_rejected(r, body) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	ui_send(r, 200, page);
}

void
page_push_link(struct request *r)
{
	struct audit_actor who = { r->sess.user_id, r->sess.user_name,
	    r->remote_addr, r->user_agent };
	int	 rc;

	if (r->fieldmap[KEY_BATCH] == NULL) {
		ui_error(r, 422, "请填写要关联的批次编号", NULL);
		return;
	}
	rc = push_link_manual(r->db, &who, r->path_id,
	    r->fieldmap[KEY_BATCH]->parsed);
	if (rc == -1)
		ui_error(r, 500, "服务器内部错误", NULL);
	else if (rc == 0)
		ui_error(r, 404, "无法关联", "推送不存在或已关联，或批次编号不存在。");
	else
		http_redirect(r, "/pushes");
}
