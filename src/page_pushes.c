/* page_pushes.c: administrators' view of the vendor's pushes. GET
 * /pushes lists the pushes no batch matches yet and those refused as
 * unreadable; POST /pushes/{id}/link ties an unmatched push to a batch by
 * hand. The unmatched pushes are paged by key (before=, after=), the
 * newest 50 rejected ones shown. Statuses: 200, 303 (after linking), 400
 * (a page key that is not valid), 404 (no such unmatched push or batch),
 * 422 (no batch given), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "http.h"
#include "pages.h"
#include "push.h"
#include "store/pushes.h"
#include "tmpl.h"
#include "ui.h"
#include "utf8.h"

#define PER_PAGE	50

struct unmatched {
	struct request	*r;
	struct ui_list	 list;
};

/* What the push says, put together without printf: 50 rows a page. */
static void
summary(struct tdict *s, const struct push_row *p)
{
	static const char total[] = "导入总数 ", ok[] = "，成功 ",
	    failed[] = "导入失败：";
	char		 buf[sizeof(total) + sizeof(ok) + 48];
	size_t		 n;

	if (!p->ok) {
		tdict_setf(s, "PUSH_SUMMARY", "%s%s", failed, p->reason);
		return;
	}
	memcpy(buf, total, (n = sizeof(total) - 1));
	n += tmpl_int_text(p->total, buf + n);
	memcpy(buf + n, ok, sizeof(ok) - 1);
	n += sizeof(ok) - 1;
	n += tmpl_int_text(p->success, buf + n);
	tdict_setn(s, "PUSH_SUMMARY", buf, n);
}

static int
add_unmatched(void *arg, const struct push_row *p)
{
	struct unmatched *u = arg;
	struct tdict	*s;
	char		 when[32], link[48];
	size_t		 n;

	if (!ui_list_take(&u->list, p->id, PER_PAGE))
		return 1;
	s = tdict_add_section(u->list.body, "UNMATCHED");
	tdict_set_int(s, "PUSH_ID", p->id);
	ui_time(p->received, when);
	tdict_set(s, "PUSH_RECEIVED", when);
	tdict_set(s, "PUSH_ADDR", p->addr);
	tdict_set(s, "PUSH_SN", p->sn);
	summary(s, p);
	/* CSRF is the body's, one for every row's form. */
	n = sizeof("/pushes/") - 1;
	memcpy(link, "/pushes/", n);
	n += tmpl_int_text(p->id, link + n);
	memcpy(link + n, "/link", sizeof("/link"));
	tdict_setn(s, "LINK_ACTION", link, n + sizeof("/link") - 1);
	return 0;
}

static int
count_up(void *arg, const struct push_row *p)
{
	ui_upward_add(arg, p->id);
	return 0;
}

/* The unmatched pushes just above an after= key, for ui_pager_key(). */
static int
walk_up(struct request *r, int64_t after, struct ui_upward *u, void *arg)
{
	(void)arg;
	return store_pushes_unmatched(r->db, after, 1, PER_PAGE + 1, count_up,
	    u);
}

/* The unmatched pushes older than the page's key. */
static int
fill_unmatched(struct request *r, struct tdict *body)
{
	struct unmatched u = { r, { body, 0, 0, 0 } };
	int64_t		 key;

	tdict_set(body, "CSRF", r->sess.csrf);
	if (ui_pager_key(r, PER_PAGE, walk_up, NULL, &key) == -1 ||
	    store_pushes_unmatched(r->db, key, 0, PER_PAGE + 1, add_unmatched,
	    &u) == -1)
		return -1;
	if (u.list.n == 0)
		tdict_show(body, "NO_UNMATCHED");
	ui_fill_pager(r, body, "/pushes", NULL, 0, key != 0,
	    u.list.n > PER_PAGE, u.list.first, u.list.last);
	return 0;
}

static int
add_rejected(void *arg, const struct push_rejected_row *p)
{
	struct ui_list	*j = arg;
	struct tdict	*s;
	char		 when[32], *shown;

	s = tdict_add_section(j->body, "REJECTED");
	tdict_set_int(s, "REJ_ID", p->id);
	ui_time(p->received, when);
	tdict_set(s, "REJ_RECEIVED", when);
	tdict_set(s, "REJ_ADDR", p->addr);
	shown = utf8_sanitize(p->content_type, strlen(p->content_type), 200);
	tdict_set(s, "REJ_CTYPE", shown != NULL ? shown : "");
	free(shown);
	tdict_set_int(s, "REJ_LENGTH", p->length);
	/* Whatever bytes came, shown as text: escaping makes them
	 * harmless, but only valid UTF-8 is text. */
	shown = utf8_sanitize(p->body, p->len, 2000);
	tdict_set(s, "REJ_BODY", shown != NULL ? shown : "");
	free(shown);
	tdict_set(s, "REJ_REASON", p->reason);
	j->n++;
	return 0;
}

static int
fill_rejected(struct request *r, struct tdict *body)
{
	struct ui_list	 j = { body, 0, 0, 0 };

	if (store_pushes_rejected(r->db, 0, PER_PAGE, add_rejected, &j) == -1)
		return -1;
	if (j.n == 0)
		tdict_show(body, "NO_REJECTED");
	return 0;
}

void
page_pushes(struct request *r)
{
	struct tdict	*page, *body;

	if (!ui_pager_valid(r)) {
		ui_error(r, 400, "翻页位置无效",
		    "翻页位置（before、after）为正整数，且只给一个。");
		return;
	}
	page = ui_page(r, "供应商推送", "pushes.tpl", &body);
	if (fill_unmatched(r, body) == -1 ||
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
	int	 rc;

	if (r->fieldmap[KEY_BATCH] == NULL) {
		ui_error(r, 422, "请填写要关联的批次编号", NULL);
		return;
	}
	rc = push_link_manual(r->db, &r->actor, r->path_id,
	    r->fieldmap[KEY_BATCH]->parsed);
	if (rc == -1)
		ui_error(r, 500, "服务器内部错误", NULL);
	else if (rc == 0)
		ui_error(r, 404, "无法关联", "推送不存在或已关联，或批次编号不存在。");
	else
		http_redirect(r, "/pushes");
}
