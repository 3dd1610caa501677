/* page_dnc.c: the do-not-call list. GET /dnc lists it (masked, newest
 * first, paged by key) to everyone, with the forms an administrator uses;
 * POST /dnc/search looks one whole number up (a POST, so that the number
 * is in no URL or access log); POST /dnc/add adds one; POST /dnc/upload
 * adds a file of numbers; POST /dnc/{id}/remove removes one; GET /dnc.csv
 * exports the list as it is stored: masked. Statuses: 200, 303 to /dnc,
 * 403 (by the router), 404, 409 (listed already), 422 (a field the form
 * must correct, an unusable file), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "auth.h"
#include "config.h"
#include "csvout.h"
#include "dnc.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "phone.h"
#include "tmpl.h"
#include "ui.h"

#define DNC_PER_PAGE	50

/* What a POST adds to the list page. */
struct outcome {
	const char		*flash;
	const char		*page_error, *add_error, *upload_error;
	const char		*search_error;
	const struct dnc_entry	*hit;		/* a search that found */
	const char		*miss;		/* masked, a search that did not */
	const struct dnc_upload	*upload;
};

static int
fill_entries(struct request *r, struct tdict *body, int can_edit)
{
	struct dnc_entry *rows;
	struct tdict	*s;
	char		 when[32];
	int64_t		 before = r->fieldmap[KEY_BEFORE] ?
			    r->fieldmap[KEY_BEFORE]->parsed : 0;
	size_t		 n, i;
	int		 more;

	if (r->fieldmap[KEY_AFTER] != NULL && dnc_page_before(r->db,
	    r->fieldmap[KEY_AFTER]->parsed, DNC_PER_PAGE, &before) == -1)
		return -1;
	if ((rows = calloc(DNC_PER_PAGE, sizeof(*rows))) == NULL)
		return -1;
	if (dnc_page(r->db, before, DNC_PER_PAGE, rows, &n, &more) == -1) {
		free(rows);
		return -1;
	}
	if (n == 0)
		tdict_show(body, "NO_ENTRY");
	else
		tdict_show(body, "HAS_ENTRIES");
	if (can_edit)
		tdict_show(body, "CAN_EDIT_COL");
	for (i = 0; i < n; i++) {
		s = tdict_add_section(body, "ENTRY");
		tdict_set_int(s, "E_ID", rows[i].id);
		tdict_set(s, "E_MASKED", rows[i].masked);
		tdict_set(s, "E_REASON", rows[i].reason);
		tdict_set(s, "E_EXPIRES", rows[i].expires[0] != '\0' ?
		    rows[i].expires : "长期");
		if (dnc_expired(rows[i].expires))
			tdict_show(s, "E_EXPIRED");
		tdict_set(s, "E_BY", rows[i].added_by);
		ui_time(rows[i].added_at, when);
		tdict_set(s, "E_AT", when);
		if (can_edit) {
			s = tdict_add_section(s, "E_REMOVE");
			tdict_set_int(s, "E_ID", rows[i].id);
		}
	}
	if (n > 0)
		ui_fill_pager(r, body, "/dnc", NULL, 0, before != 0, more,
		    rows[0].id, rows[n - 1].id);
	free(rows);
	return 0;
}

static void
fill_upload(struct tdict *body, const struct dnc_upload *u)
{
	struct tdict	*s = tdict_add_section(body, "UPLOAD_RESULT"), *l, *b;
	size_t		 i;

	tdict_set_int(s, "ROWS", u->rows);
	tdict_set_int(s, "ADDED", u->added);
	tdict_set_int(s, "ALREADY", u->already);
	tdict_set_int(s, "INVALID", u->invalid);
	if (u->nbad == 0)
		return;
	l = tdict_add_section(s, "UPLOAD_BAD_LIST");
	for (i = 0; i < u->nbad; i++) {
		b = tdict_add_section(l, "UPLOAD_BAD");
		tdict_set_int(b, "LINE", u->bad[i].line);
		tdict_set(b, "CELL", u->bad[i].cell);
		tdict_set(b, "WHY", u->bad[i].why);
	}
	if ((int64_t)u->nbad < u->invalid)
		tdict_set_int(tdict_add_section(l, "UPLOAD_BAD_MORE"), "SHOWN",
		    (long long)u->nbad);
}

static void
show(struct request *r, int status, const struct outcome *o)
{
	struct tdict	*page, *body, *s;
	int		 can_edit = r->sess.role == ROLE_ADMIN;
	int64_t		 total = dnc_count(r->db);

	if (total == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	page = ui_page(r, "免打扰名单", "dnc.tpl", &body);
	tdict_set(body, "CSRF", ui_csrf(r));
	tdict_set_int(body, "TOTAL", total);
	if (fill_entries(r, body, can_edit) == -1) {
		tdict_free(page);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (can_edit)
		tdict_show(body, "CAN_EDIT");
	if (o == NULL) {
		ui_send(r, status, page);
		return;
	}
	if (o->flash != NULL)
		tdict_set(tdict_add_section(body, "FLASH"), "TEXT", o->flash);
	if (o->page_error != NULL)
		tdict_set(tdict_add_section(body, "PAGE_ERROR"), "TEXT",
		    o->page_error);
	if (o->add_error != NULL) {
		tdict_set(tdict_add_section(body, "ADD_ERROR"), "TEXT",
		    o->add_error);
		/* Refill all but the number, which no page shows. */
		tdict_set(body, "REASON_VALUE", http_field(r, KEY_REASON) ?
		    http_field(r, KEY_REASON) : "");
		tdict_set(body, "EXPIRES_VALUE", http_field(r, KEY_EXPIRES) ?
		    http_field(r, KEY_EXPIRES) : "");
	}
	if (o->upload_error != NULL)
		tdict_set(tdict_add_section(body, "UPLOAD_ERROR"), "TEXT",
		    o->upload_error);
	if (o->upload != NULL)
		fill_upload(body, o->upload);
	if (o->search_error != NULL)
		tdict_set(tdict_add_section(body, "SEARCH_ERROR"), "TEXT",
		    o->search_error);
	if (o->hit != NULL) {
		s = tdict_add_section(body, "SEARCH_HIT");
		tdict_set(s, "MASKED", o->hit->masked);
		if (o->hit->reason[0] != '\0')
			tdict_set(tdict_add_section(s, "HIT_REASON"), "REASON",
			    o->hit->reason);
		if (o->hit->expires[0] != '\0') {
			tdict_set(tdict_add_section(s, "HIT_EXPIRES"),
			    "EXPIRES", o->hit->expires);
			if (dnc_expired(o->hit->expires))
				tdict_show(s, "HIT_EXPIRED");
		}
	}
	if (o->miss != NULL)
		tdict_set(tdict_add_section(body, "SEARCH_MISS"), "MASKED",
		    o->miss);
	ui_send(r, status, page);
}

void
page_dnc(struct request *r)
{
	struct outcome	 o = { 0 };

	if (!ui_pager_valid(r)) {
		o.page_error = "翻页位置（before、after）为正整数，且只给一个。";
		show(r, 400, &o);
		return;
	}
	show(r, 200, NULL);
}

/* The number of the phone field, normalised: 0, or a Chinese reason. */
static const char *
number_of(const struct request *r, char norm[PHONE_NORM_SIZE])
{
	const struct kpair *p = r->fieldmap[KEY_PHONE];
	enum phone_status ps;

	if (p == NULL)
		return r->fieldnmap[KEY_PHONE] != NULL ? "号码格式不正确" :
		    "请填写手机号";
	ps = phone_normalise(p->val, p->valsz, norm, PHONE_NORM_SIZE);
	if (ps == PHONE_OK_ENCRYPTED)
		return "请填写手机号本身，不是加密后的号码";
	if (ps != PHONE_OK_MOBILE)
		return phone_reason_zh(ps);
	return NULL;
}

void
page_dnc_search(struct request *r)
{
	struct outcome	 o = { 0 };
	struct dnc_entry e;
	char		 norm[PHONE_NORM_SIZE], masked[PHONE_MASK_SIZE];
	const char	*why;
	int		 rc;

	if ((why = number_of(r, norm)) != NULL) {
		o.search_error = why;
		show(r, 422, &o);
		return;
	}
	if ((rc = dnc_find(r->db, norm, &e)) == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	phone_mask(norm, masked, sizeof(masked));
	if (rc == 1)
		o.hit = &e;
	else
		o.miss = masked;
	show(r, 200, &o);
}

/* reason and expires of an add or upload form: 0, or a Chinese reason. */
static const char *
extras_of(const struct request *r, const char **reason,
    const char **expires)
{
	*reason = http_field(r, KEY_REASON);
	*expires = http_field(r, KEY_EXPIRES);
	if (r->fieldnmap[KEY_REASON] != NULL)
		return "原因为 2 到 200 个字，不能换行";
	if (r->fieldnmap[KEY_EXPIRES] != NULL)
		return "有效期请填写日期（年-月-日）";
	if (dnc_expired(*expires))
		return "有效期不能早于今天";
	return NULL;
}

void
page_dnc_add(struct request *r)
{
	struct outcome	 o = { 0 };
	char		 norm[PHONE_NORM_SIZE];
	const char	*why, *reason, *expires;
	int64_t		 id;
	int		 rc;

	if ((why = number_of(r, norm)) != NULL ||
	    (why = extras_of(r, &reason, &expires)) != NULL) {
		o.add_error = why;
		show(r, 422, &o);
		return;
	}
	if ((rc = dnc_add(r->db, &r->actor, norm, reason, expires, &id)) ==
	    -1) {
		ui_error(r, 500, "服务器内部错误", "号码未能加入，请稍后再试。");
		return;
	}
	if (rc == 0) {
		o.add_error = "该号码已在免打扰名单中";
		show(r, 409, &o);
		return;
	}
	http_redirect(r, "/dnc");
}

void
page_dnc_upload(struct request *r)
{
	struct outcome	 o = { 0 };
	struct dnc_upload *u;
	struct kpair	*list = r->fieldmap[KEY_LIST];
	const char	*why, *reason, *expires;
	int		 rc;

	if (list == NULL) {
		o.upload_error = r->fieldnmap[KEY_LIST] != NULL ?
		    "文件是空的" : "请选择号码文件";
		show(r, 422, &o);
		return;
	}
	if ((why = extras_of(r, &reason, &expires)) != NULL) {
		o.upload_error = why;
		show(r, 422, &o);
		return;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	rc = dnc_upload(r->db, r->cfg, &r->actor, list->file,
	    list->filename != NULL ? list->filename : "名单", reason, expires,
	    u);
	if (rc == -1)
		ui_error(r, 500, "服务器内部错误", "号码未能加入，请稍后再试。");
	else if (rc == 1) {
		o.upload_error = u->error_zh;
		show(r, 422, &o);
	} else {
		o.upload = u;
		show(r, 200, &o);
	}
	free(u);
}

void
page_dnc_remove(struct request *r)
{
	int	 rc = dnc_remove(r->db, &r->actor, r->path_id);

	if (rc == -1)
		ui_error(r, 500, "服务器内部错误", NULL);
	else if (rc == 0)
		ui_error(r, 404, "免打扰号码不存在", NULL);
	else
		http_redirect(r, "/dnc");
}

static int
export_row(void *arg, const struct dnc_entry *e)
{
	struct csvout	*c = arg;
	char		 when[32];

	csv_text(c, e->masked);
	csv_text(c, e->reason);
	csv_text(c, e->expires);
	csv_text(c, e->added_by);
	ui_time(e->added_at, when);
	csv_text(c, when);
	csv_end_row(c);
	return 0;
}

void
page_dnc_export(struct request *r)
{
	struct csvout	 c;
	cJSON		*d = cJSON_CreateObject();
	int64_t		 n = dnc_count(r->db);
	int		 rc;

	/* The list holds no number: the export cannot carry one either. */
	cJSON_AddNumberToObject(d, "rows", (double)n);
	cJSON_AddBoolToObject(d, "full_numbers", 0);
	rc = n == -1 ? -1 : audit_record(r->db, &r->actor, "dnc.exported",
	    "dnc.csv", d);
	cJSON_Delete(d);
	if (rc == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	csv_begin(&c, r, "免打扰名单.csv");
	csv_text(&c, "号码（打码）");
	csv_text(&c, "原因");
	csv_text(&c, "有效期至");
	csv_text(&c, "添加人");
	csv_text(&c, "添加时间");
	csv_end_row(&c);
	if (dnc_each(r->db, export_row, &c) == -1)
		log_err("dnc: export cut short");
}
