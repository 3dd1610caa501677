/* page_task_new.c: GET /tasks/new shows the task form, or with ?copy={id}
 * the form filled from that task's parameters (not its list); POST
 * /tasks/new (multipart: the vendor parameters and the list file) checks
 * the form against the vendor's rules, reads the list and answers with a
 * redirect to its preview. A refused form keeps its file on the server,
 * bound to the session and to the form's upload_token (kept_upload in
 * task.h), so that the next submission needs no file. Statuses: 200 form,
 * 303 to /imports/{id}, 400 a copy id that is not valid, 404 no task to
 * copy, 413 (by the router), 422 a refused form (filled in again, each
 * reason next to its field), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "auth.h"
#include "config.h"
#include "fields.h"
#include "http.h"
#include "import.h"
#include "log.h"
#include "pages.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"
#include "utf8.h"

/* What the form shows: the values, the reasons, the kept file. */
struct form_view {
	struct task_params	 vals;
	int			 errs[FIELD__MAX];	/* 0 fine, 1 missing,
							 * 2 invalid, 3 blank */
	int			 nerrors;
	const char		*list_error;
	char			*notice;
	char			 token[TOKEN_HEX];	/* the form's upload token */
	struct kept_upload	 kept;		/* file_path NULL: none */
};

static void
view_free(struct form_view *v)
{
	task_params_free(&v->vals);
	free(v->notice);
	kept_upload_clear(&v->kept);
}

static int
on(const struct request *r, enum key k)
{
	return r->fieldmap[k] != NULL && r->fieldmap[k]->parsed == 1;
}

static void
field_error(struct tdict *body, const char *tpl, const char *text)
{
	char		 name[64];
	struct tdict	*s;

	snprintf(name, sizeof(name), "%s_ERROR", tpl);
	s = tdict_add_section(body, name);
	tdict_set(s, "TEXT", text);
}

static void
human_size(long long n, char out[32])
{
	if (n >= 1024 * 1024)
		snprintf(out, 32, "%lld MiB", n / (1024 * 1024));
	else if (n >= 1024)
		snprintf(out, 32, "%lld KiB", n / 1024);
	else
		snprintf(out, 32, "%lld 字节", n);
}

/* The values as sent (valid or not, so that what was typed comes back),
 * and the form's upload token: the one it carried, else a new one. */
static int
view_from_request(const struct request *r, struct form_view *v)
{
	const struct kpair *p;
	const char	*tok = http_field(r, KEY_UPLOAD_TOKEN);
	enum field	 f;

	memset(v, 0, sizeof(*v));
	for (f = 0; f < FIELD__MAX; f++) {
		enum key k = fields[f].key;
		switch (fields[f].kind) {
		case FIELD_KIND_TEXT:
			p = r->fieldmap[k] ? r->fieldmap[k] : r->fieldnmap[k];
			if ((v->vals.text[f] = strdup(p != NULL &&
			    p->file == NULL ? p->val : "")) == NULL) {
				view_free(v);
				return -1;
			}
			break;
		case FIELD_KIND_SWITCH:
			v->vals.num[f] = on(r, k);
			break;
		case FIELD_KIND_PHASE:
			p = r->fieldmap[k];
			v->vals.num[f] = p != NULL ? (int)p->parsed : 0;
			break;
		case FIELD_KIND_CONST:
		case FIELD_KIND_SUPPLIED:
			break;
		}
	}
	if (tok != NULL)
		snprintf(v->token, sizeof(v->token), "%s", tok);
	else
		token_new(v->token);
	return 0;
}

/* The form, filled from v. */
/* The duplicate rule chosen, or the defaults: 0, -1 a forged value. */
static int
dup_rule_of(const struct request *r, struct dup_rule *d)
{
	d->scope = r->fieldmap[KEY_DUP_SCOPE] ?
	    (enum dup_scope)r->fieldmap[KEY_DUP_SCOPE]->parsed : DUP_LIST;
	d->days = r->fieldmap[KEY_DUP_DAYS] ?
	    (int)r->fieldmap[KEY_DUP_DAYS]->parsed : r->cfg->dup_days_default;
	d->keep = r->fieldmap[KEY_DUP_ACTION] ?
	    (int)r->fieldmap[KEY_DUP_ACTION]->parsed : 0;
	return r->fieldnmap[KEY_DUP_SCOPE] || r->fieldnmap[KEY_DUP_DAYS] ||
	    r->fieldnmap[KEY_DUP_ACTION] ? -1 : 0;
}

/* The form's duplicate-rule fields (dnc.h), as chosen. */
static void
fill_dup_rule(const struct request *r, struct tdict *body)
{
	static const char *const scopes[] = { "DUP_SCOPE_LIST",
	    "DUP_SCOPE_MINE", "DUP_SCOPE_ALL" };
	struct dup_rule	 d;

	if (dup_rule_of(r, &d) == -1)
		field_error(body, "DUP", "查重天数为 1 到 365 天；"
		    "范围和处理方式请从选项中选择");
	tdict_show(body, scopes[d.scope]);
	tdict_set_int(body, "DUP_DAYS_VALUE", d.days);
	tdict_set_int(body, "DUP_DAYS_DEFAULT", r->cfg->dup_days_default);
	tdict_show(body, d.keep ? "DUP_KEEP" : "DUP_EXCLUDE");
}

/* One field of the form from its row (fields.h): a text field or a
 * phase is task_new.tpl's include of its id, drawn by
 * task_field_text.tpl or task_field_phase.tpl; a switch's checkbox is the
 * page's own (<ID>_CHECKED), as it heads the group of what it governs. */
static void
fill_field(struct tdict *body, const struct form_view *v, enum field f)
{
	const struct field_row *fd = &fields[f];
	struct tdict	*d, *s;
	const char	*why;
	char		 name[64];
	int		 ph;

	switch (fd->kind) {
	case FIELD_KIND_TEXT:
		d = tdict_add_include(body, fd->tpl, "task_field_text.tpl");
		tdict_set(d, "API", fd->api);
		tdict_set(d, "LABEL", fd->label);
		tdict_set(d, "VALUE", v->vals.text[f] != NULL ?
		    v->vals.text[f] : "");
		tdict_set_int(d, "MAXLENGTH", fd->maxlength);
		if (fd->required && fd->depends == FIELD_NONE)
			tdict_show(d, "REQUIRED");
		if (fd->required)
			tdict_set(tdict_add_section(d, "BADGE"), "TEXT",
			    fd->depends == FIELD_NONE ? "必填" :
			    fields[fd->depends].badge);
		if (!fd->words)
			tdict_show(d, "NO_SPELLCHECK");
		why = v->errs[f] == 1 ? fd->missing :
		    v->errs[f] == 2 ? fd->invalid :
		    v->errs[f] == 3 ? fd->blank : NULL;
		if (why != NULL)
			tdict_set(tdict_add_section(d, "ERROR"), "TEXT", why);
		break;
	case FIELD_KIND_SWITCH:
		snprintf(name, sizeof(name), "%s_CHECKED", fd->tpl);
		if (v->vals.num[f])
			tdict_show(body, name);
		break;
	case FIELD_KIND_PHASE:
		d = tdict_add_include(body, fd->tpl, "task_field_phase.tpl");
		tdict_set(d, "API", fd->api);
		tdict_set(d, "LABEL", fd->label);
		for (ph = 1; ph <= 3; ph++) {
			s = tdict_add_section(d, "OPT");
			tdict_set_int(s, "OPT_VALUE", ph);
			tdict_set(s, "OPT_LABEL", task_phase_label(ph));
			if (v->vals.num[f] == ph)
				tdict_show(s, "OPT_SELECTED");
		}
		if (v->errs[f] != 0)
			tdict_set(tdict_add_section(d, "ERROR"), "TEXT",
			    fd->invalid);
		break;
	case FIELD_KIND_CONST:
	case FIELD_KIND_SUPPLIED:
		break;
	}
}

static void
show_form(struct request *r, int status, const struct form_view *v)
{
	struct tdict	*page, *body, *s;
	char		 size[32];
	enum field	 f;

	page = ui_page(r, "新建外呼任务", "task_new.tpl", &body);
	tdict_show(page, "FORM_SCRIPT");
	tdict_set(body, "CSRF", ui_csrf(r));
	tdict_set(body, "UPLOAD_TOKEN", v->token);
	tdict_set(body, "LOGIN_NAME", r->sess.vendor_login[0] != '\0' ?
	    r->sess.vendor_login : r->cfg->login_name);
	tdict_set_int(body, "BATCH_SIZE", r->cfg->batch_size);
	tdict_set_int(body, "MAX_ROWS", r->cfg->max_rows);
	human_size(r->cfg->upload_max_bytes, size);
	tdict_set(body, "UPLOAD_MAX", size);
	if (r->cfg->vendor_url[0] == '\0') {
		s = tdict_add_section(body, "VENDOR_WARNING");
		tdict_set(s, "TEXT", "尚未配置供应商接口地址（vendor_url）："
		    "任务会保存并排队，配置后才会发出。");
	}
	if (v->notice != NULL) {
		s = tdict_add_section(body, "NOTICE");
		tdict_set(s, "TEXT", v->notice);
	}
	if (v->nerrors > 0) {
		s = tdict_add_section(body, "FORM_ERROR");
		tdict_setf(s, "TEXT", "有 %d 处需要修改，请查看标出的字段。",
		    v->nerrors);
	}
	for (f = 0; f < FIELD__MAX; f++)
		fill_field(body, v, f);
	if (v->kept.file_path != NULL) {
		/* The file input is not required then: sending the form
		 * without a new file uses the kept one. */
		s = tdict_add_section(body, "KEPT");
		tdict_set(s, "KEPT_NAME", v->kept.file_name);
		human_size(v->kept.file_size, size);
		tdict_set(s, "KEPT_SIZE", size);
	} else
		tdict_show(body, "LIST_REQUIRED");
	if (v->list_error != NULL)
		field_error(body, "LIST", v->list_error);
	fill_dup_rule(r, body);
	ui_send(r, status, page);
}

/* Check the form into v; returns how many things are to be changed. */
static int
check_form(const struct request *r, struct form_view *v)
{
	const struct kpair *bad, *file;
	enum field	 f;
	enum key	 k;

	v->nerrors = 0;
	for (f = 0; f < FIELD__MAX; f++) {
		v->errs[f] = 0;
		if (!field_on_form(f))
			continue;
		k = fields[f].key;
		bad = r->fieldnmap[k];
		if (fields[f].kind == FIELD_KIND_SWITCH) {
			if (bad != NULL)
				v->nerrors++;	/* forged: the box shows
						 * unticked */
			continue;
		}
		if (!field_in_force(f, v->vals.num))
			continue;	/* not sent: not checked */
		if (fields[f].kind == FIELD_KIND_PHASE)
			v->errs[f] = bad != NULL ? 2 : 0;
		else if (r->fieldmap[k] != NULL)
			continue;
		else if (bad != NULL && bad->valsz > 0)
			v->errs[f] = fields[f].blank != NULL &&
			    blank_text(bad->val, bad->valsz) ? 3 : 2;
		else if (fields[f].required)
			v->errs[f] = 1;
		v->nerrors += v->errs[f] != 0;
	}
	v->list_error = NULL;
	if (r->fieldmap[KEY_LIST] == NULL && v->kept.file_path == NULL) {
		/* A browser sends an empty part, named "", for no file. */
		file = r->fieldnmap[KEY_LIST];
		v->list_error = file != NULL && file->file != NULL &&
		    file->filename != NULL && file->filename[0] != '\0' ?
		    "文件是空的" : "请选择呼叫名单文件";
		v->nerrors++;
	}
	if (dup_rule_of(r, &v->vals.dup) == -1)
		v->nerrors++;
	return v->nerrors;
}

/* The name the browser gave the file, as something safe to store and
 * show: no folders (old browsers send a full path), valid text, short. */
static char *
clean_filename(const char *given)
{
	const char	*base = given, *p;
	size_t		 len;

	if (given == NULL)
		return strdup("名单");
	for (p = given; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	len = strlen(base);
	if (len == 0 || !utf8_valid(base, len) || utf8_has_control(base, len))
		return strdup("名单");
	return strndup(base, utf8_prefix(base, len, 100));
}

/* Keep the new file of a refused form for its next submission: its bytes
 * go to the database, the file stays the request's (removed with it).
 * Only a form that carried its token (ours) gets this. */
static void
keep_file(struct request *r, struct form_view *v, struct kpair *list)
{
	char	*fname, *none;

	if (http_field(r, KEY_UPLOAD_TOKEN) == NULL)
		return;
	if ((fname = clean_filename(list->filename)) == NULL)
		return;
	if ((none = strdup("")) == NULL || kept_upload_put(r->db, r->sess.id,
	    r->sess.user_id, v->token, list->file, fname, list->filesize,
	    r->now) == -1) {
		log_warn("task_new: cannot keep the uploaded file");
		free(none);
		free(fname);
		return;
	}
	v->kept.file_path = none;
	v->kept.file_name = fname;
	v->kept.file_size = list->filesize;
	v->kept.created = r->now;
}

static void
post(struct request *r)
{
	struct form_view	 v;
	struct kept_upload	 k;
	struct calllist_error	 err;
	struct kpair		*list = r->fieldmap[KEY_LIST];
	const char		*tok = http_field(r, KEY_UPLOAD_TOKEN);
	char			*path, *scratch = NULL, *fname, loc[48];
	enum field		 f;
	int			 rc = 0;
	int64_t			 id = 0;

	if (view_from_request(r, &v) == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	/* Without a new file, the one kept for this form, unless the
	 * operator said not to use it. */
	if (tok != NULL && list == NULL)
		rc = on(r, KEY_DROP_UPLOAD) ?
		    kept_upload_drop(r->db, r->sess.id, r->sess.user_id, tok) :
		    kept_upload_get(r->db, r->sess.id, r->sess.user_id, tok,
		    r->now, &v.kept);
	if (rc == -1) {
		view_free(&v);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (check_form(r, &v) > 0) {
		if (list != NULL)
			keep_file(r, &v, list);
		show_form(r, 422, &v);
		view_free(&v);
		return;
	}
	/* What a switch that is off governs is not sent. */
	for (f = 0; f < FIELD__MAX; f++)
		if (!field_in_force(f, v.vals.num)) {
			if (v.vals.text[f] != NULL)
				v.vals.text[f][0] = '\0';
			v.vals.num[f] = 0;
		}

	if (list != NULL) {
		/* The import stores the upload's bytes; the request removes
		 * the file when it ends. A file kept for this form before is
		 * replaced by it. */
		path = list->file;
		fname = clean_filename(list->filename);
		if (tok != NULL && kept_upload_drop(r->db, r->sess.id,
		    r->sess.user_id, tok) == -1)
			log_warn("task_new: cannot drop the kept file");
	} else {
		kept_upload_clear(&v.kept);
		if ((rc = kept_upload_take(r->db, r->cfg, r->sess.id,
		    r->sess.user_id, tok, r->now, &k)) != 1) {
			/* Gone since: taken by a second submission. */
			if (rc == 0) {
				v.list_error = "请选择呼叫名单文件";
				v.nerrors = 1;
				show_form(r, 422, &v);
			} else
				ui_error(r, 500, "服务器内部错误",
				    "保留的名单文件暂时无法读取，它仍保留着，"
				    "请稍后再提交。");
			view_free(&v);
			return;
		}
		/* A scratch file with the kept bytes, for this request. */
		path = scratch = k.file_path;
		fname = k.file_name;
	}
	if (fname == NULL) {
		import_scratch_remove(scratch);
		view_free(&v);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	rc = import_load(r->db, r->cfg, &r->actor, r->sess.user_id, path, fname,
	    &v.vals, CALLLIST_DETECT, CALLLIST_DETECT, &id, &err);
	import_scratch_remove(scratch);
	free(fname);
	if (rc == 1) {
		/* The list itself is unusable: nothing to keep. */
		v.nerrors = 1;
		v.list_error = err.zh;
		show_form(r, 422, &v);
	} else if (rc == -1)
		ui_error(r, 500, "服务器内部错误", "名单未能保存，请稍后再试。");
	else {
		snprintf(loc, sizeof(loc), "/imports/%lld", (long long)id);
		http_redirect(r, loc);
	}
	view_free(&v);
}

/* "春季回访" becomes "春季回访（副本）", cut to stay within 100
 * characters, so that the copy is told apart in the task list. */
static int
copy_name(struct task_params *p)
{
	static const char suffix[] = "（副本）";
	const char *old = p->text[FIELD_NAME] != NULL ?
		    p->text[FIELD_NAME] : "";
	size_t	 len = strlen(old), keep;
	char	*name;

	keep = utf8_prefix(old, len, 100 - utf8_length(suffix,
	    sizeof(suffix) - 1));
	if (asprintf(&name, "%.*s%s", (int)keep, old, suffix) < 0)
		return -1;
	free(p->text[FIELD_NAME]);
	p->text[FIELD_NAME] = name;
	return 0;
}

/* The form filled from the parameters of task id (its list is not
 * copied). Any operator may copy any task, as any may read it. */
static void
get_copy(struct request *r, int64_t id)
{
	struct form_view v;
	struct task_row	 t;
	int		 found;

	memset(&v, 0, sizeof(v));
	if ((found = task_get(r->db, id, &t)) != 1) {
		if (found == 0)
			ui_error(r, 404, "要复制的任务不存在", NULL);
		else
			ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (task_params_parse(t.params, &v.vals) == -1 ||
	    copy_name(&v.vals) == -1 ||
	    asprintf(&v.notice, "已复制任务「%s」（编号 %lld）的参数。名单不会"
	    "复制，请选择呼叫名单文件。", t.name, (long long)t.id) < 0) {
		v.notice = NULL;
		task_clear(&t);
		view_free(&v);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	token_new(v.token);
	task_clear(&t);
	show_form(r, 200, &v);
	view_free(&v);
}

void
page_task_new(struct request *r)
{
	struct form_view v;

	if (r->method == METHOD_POST) {
		post(r);
		return;
	}
	if (r->fieldnmap[KEY_COPY] != NULL) {
		ui_error(r, 400, "要复制的任务编号无效", NULL);
		return;
	}
	if (r->fieldmap[KEY_COPY] != NULL) {
		get_copy(r, r->fieldmap[KEY_COPY]->parsed);
		return;
	}
	if (view_from_request(r, &v) == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	show_form(r, 200, &v);
	view_free(&v);
}
