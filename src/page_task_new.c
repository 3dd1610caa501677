/* page_task_new.c: GET /tasks/new shows the task form; POST /tasks/new
 * (multipart: the vendor parameters and the list file) checks the form
 * against the vendor's rules, reads the list and answers with a redirect
 * to its preview. Statuses: 200 form, 303 to /imports/{id}, 413 (by the
 * router), 422 a refused form (filled in again, each reason next to its
 * field), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"
#include "utf8.h"

/* The form's text fields: template prefix, and when each is required
 * (0: always; else only while that switch is on). */
static const struct {
	enum key	 key;
	const char	*tpl;
	enum key	 when;
	const char	*missing;
	const char	*invalid;
} texts[] = {
	{ KEY_NAME, "NAME", 0, "请填写任务名称",
	  "任务名称为 1 到 100 个字符，不能换行" },
	{ KEY_VIDEOBOTID, "VIDEOBOTID", 0, "请填写视频互动内容 ID",
	  "ID 只能包含字母、数字和 _ . : -,最长 64 个字符" },
	{ KEY_AUDIOBOTID, "AUDIOBOTID", KEY_ISVOICEDIVIDE,
	  "开启语音分流时必须填写音频 bot ID",
	  "ID 只能包含字母、数字和 _ . : -,最长 64 个字符" },
	{ KEY_MSGTEMPLATEID, "MSGTEMPLATEID", KEY_ISRELATESENDMESSAGE,
	  "关联文本短信时必须填写短信模板 ID",
	  "ID 只能包含字母、数字和 _ . : -,最长 64 个字符" },
	{ KEY_MSGTITLE, "MSGTITLE", KEY_ISRELATESENDMESSAGE,
	  "关联文本短信时必须填写短信签名",
	  "短信签名为 1 到 30 个字符，不能换行" },
	{ KEY_VIDEOMESSAGETEMPLATEID, "VIDEOMESSAGETEMPLATEID",
	  KEY_ISRELATEVIDEOMESSAGE, "关联视频短信时必须填写视频短信模板 ID",
	  "ID 只能包含字母、数字和 _ . : -,最长 64 个字符" },
};

static const struct {
	enum key	 key;
	const char	*tpl;
} switches[] = {
	{ KEY_ISVOICEDIVIDE, "ISVOICEDIVIDE" },
	{ KEY_ISRELATESENDMESSAGE, "ISRELATESENDMESSAGE" },
	{ KEY_ISRELATEVIDEOMESSAGE, "ISRELATEVIDEOMESSAGE" },
};

static const struct {
	enum key	 key;
	const char	*tpl;
	enum key	 when;
} phases[] = {
	{ KEY_SENDMESSAGEPHASE, "SENDMESSAGEPHASE", KEY_ISRELATESENDMESSAGE },
	{ KEY_SENDVIDEOMESSAGEPHASE, "SENDVIDEOMESSAGEPHASE",
	  KEY_ISRELATEVIDEOMESSAGE },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

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
	else
		snprintf(out, 32, "%lld KiB", n / 1024);
}

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

/* The form, filled with what was sent (r) and the errors found. */
static void
show_form(struct request *r, int status, int nerrors, const char *list_error,
    const int *errs)
{
	struct tdict	*page, *body, *s;
	const struct kpair *p;
	char		 name[64], size[32];
	size_t		 i;
	int		 ph;

	page = ui_page(r, "新建外呼任务", "task_new.tpl", &body);
	tdict_show(page, "FORM_SCRIPT");
	tdict_set(body, "CSRF", ui_csrf(r));
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
	if (nerrors > 0) {
		s = tdict_add_section(body, "FORM_ERROR");
		tdict_setf(s, "TEXT", "有 %d 处需要修改，请查看标出的字段。",
		    nerrors);
	}
	for (i = 0; i < NELEM(texts); i++) {
		/* Refill with what was typed, valid or not. */
		p = r->fieldmap[texts[i].key] ? r->fieldmap[texts[i].key] :
		    r->fieldnmap[texts[i].key];
		snprintf(name, sizeof(name), "%s_VALUE", texts[i].tpl);
		tdict_set(body, name, p != NULL && p->file == NULL ? p->val : "");
		if (errs != NULL && errs[i] == 1)
			field_error(body, texts[i].tpl, texts[i].missing);
		else if (errs != NULL && errs[i] == 2)
			field_error(body, texts[i].tpl, texts[i].invalid);
	}
	for (i = 0; i < NELEM(switches); i++) {
		snprintf(name, sizeof(name), "%s_CHECKED", switches[i].tpl);
		if (on(r, switches[i].key))
			tdict_show(body, name);
	}
	for (i = 0; i < NELEM(phases); i++) {
		p = r->fieldmap[phases[i].key];
		snprintf(name, sizeof(name), "%s_OPT", phases[i].tpl);
		for (ph = 1; ph <= 3; ph++) {
			s = tdict_add_section(body, name);
			tdict_set_int(s, "OPT_VALUE", ph);
			tdict_set(s, "OPT_LABEL", task_phase_label(ph));
			if (p != NULL && p->parsed == ph)
				tdict_show(s, "OPT_SELECTED");
		}
		if (on(r, phases[i].when) && r->fieldnmap[phases[i].key])
			field_error(body, phases[i].tpl,
			    "发送时机只能是拨打电话时、电话接通时或通话结束后");
	}
	if (list_error != NULL)
		field_error(body, "LIST", list_error);
	fill_dup_rule(r, body);
	ui_send(r, status, page);
}

/* Check the form; 0 when it may go on. errs[i] per texts[]: 0 fine,
 * 1 missing, 2 invalid. */
static int
check_form(struct request *r, int *errs, const char **list_error)
{
	size_t	 i;
	int	 n = 0;

	for (i = 0; i < NELEM(texts); i++) {
		errs[i] = 0;
		if (texts[i].when != 0 && !on(r, texts[i].when))
			continue;	/* not sent: not checked */
		if (r->fieldmap[texts[i].key] != NULL)
			continue;
		if (r->fieldnmap[texts[i].key] != NULL &&
		    r->fieldnmap[texts[i].key]->valsz > 0)
			errs[i] = 2;
		else
			errs[i] = 1;
		n++;
	}
	for (i = 0; i < NELEM(switches); i++)
		if (r->fieldnmap[switches[i].key] != NULL)
			n++;	/* a forged value; the box shows unticked */
	for (i = 0; i < NELEM(phases); i++)
		if (on(r, phases[i].when) && r->fieldnmap[phases[i].key])
			n++;
	{
		struct dup_rule d;
		if (dup_rule_of(r, &d) == -1)
			n++;
	}
	*list_error = NULL;
	if (r->fieldmap[KEY_LIST] == NULL) {
		*list_error = r->fieldnmap[KEY_LIST] != NULL &&
		    r->fieldnmap[KEY_LIST]->file != NULL ?
		    "文件是空的" : "请选择呼叫名单文件";
		n++;
	}
	return n;
}

static char *
dup_field(const struct request *r, enum key k, enum key when)
{
	if (when != 0 && !on(r, when))
		return strdup("");
	return strdup(r->fieldmap[k] != NULL ? r->fieldmap[k]->val : "");
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

static void
post(struct request *r)
{
	struct audit_actor who = { r->sess.user_id, r->sess.user_name,
	    r->remote_addr, r->user_agent };
	struct task_params	 p;
	struct calllist_error	 err;
	struct kpair		*list;
	const char		*list_error;
	char			*path, *fname;
	int			 errs[NELEM(texts)], n, rc;
	int64_t			 id = 0;

	if ((n = check_form(r, errs, &list_error)) > 0) {
		show_form(r, 422, n, list_error, errs);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.name = dup_field(r, KEY_NAME, 0);
	p.video_bot_id = dup_field(r, KEY_VIDEOBOTID, 0);
	p.is_voice_divide = on(r, KEY_ISVOICEDIVIDE);
	p.audio_bot_id = dup_field(r, KEY_AUDIOBOTID, KEY_ISVOICEDIVIDE);
	p.is_relate_send_message = on(r, KEY_ISRELATESENDMESSAGE);
	p.msg_template_id = dup_field(r, KEY_MSGTEMPLATEID,
	    KEY_ISRELATESENDMESSAGE);
	p.msg_title = dup_field(r, KEY_MSGTITLE, KEY_ISRELATESENDMESSAGE);
	p.send_message_phase = p.is_relate_send_message &&
	    r->fieldmap[KEY_SENDMESSAGEPHASE] ?
	    (int)r->fieldmap[KEY_SENDMESSAGEPHASE]->parsed : 0;
	p.is_relate_video_message = on(r, KEY_ISRELATEVIDEOMESSAGE);
	p.video_message_template_id = dup_field(r, KEY_VIDEOMESSAGETEMPLATEID,
	    KEY_ISRELATEVIDEOMESSAGE);
	p.send_video_message_phase = p.is_relate_video_message &&
	    r->fieldmap[KEY_SENDVIDEOMESSAGEPHASE] ?
	    (int)r->fieldmap[KEY_SENDVIDEOMESSAGEPHASE]->parsed : 0;

	dup_rule_of(r, &p.dup);

	/* The upload becomes the import's file: take it from the request,
	 * which would otherwise remove it at the end. */
	list = r->fieldmap[KEY_LIST];
	path = list->file;
	list->file = NULL;
	if ((fname = clean_filename(list->filename)) == NULL) {
		unlink(path);
		free(path);
		task_params_free(&p);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	rc = import_load(r->db, r->cfg, &who, r->sess.user_id, path, fname, &p,
	    CALLLIST_DETECT, CALLLIST_DETECT, &id, &err);
	task_params_free(&p);
	if (rc != 0 && unlink(path) == -1)
		log_warn("task_new: cannot remove %s", path);
	free(path);
	free(fname);
	if (rc == 1) {
		show_form(r, 422, 1, err.zh, NULL);
		return;
	}
	if (rc == -1) {
		ui_error(r, 500, "服务器内部错误", "名单未能保存，请稍后再试。");
		return;
	}
	{
		char loc[48];
		snprintf(loc, sizeof(loc), "/imports/%lld", (long long)id);
		http_redirect(r, loc);
	}
}

void
page_task_new(struct request *r)
{
	if (r->method == METHOD_POST)
		post(r);
	else
		show_form(r, 200, 0, NULL, NULL);
}
