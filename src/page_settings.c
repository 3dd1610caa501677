/* page_settings.c: GET /settings — the settings in force, each with where
 * it comes from (the file, or the page: by whom, when), secrets only as
 * set or not, and the latest changes; administrators get the form that
 * changes the vendor settings, auditors the same page without it.
 * POST /settings (administrators) checks every field with the file's
 * rules and stores what changed. Statuses: 200, 303 back to the page
 * after a save, 422 (a field refused: nothing stored), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "http.h"
#include "pages.h"
#include "settings.h"
#include "tmpl.h"
#include "ui.h"

/* How many changes the page lists. */
#define HISTORY_LIMIT	50
/* Room for the edits of every page key (config.c flags ten). */
#define EDITS_MAX	32

/* What people read for a key; the keys themselves are config.c's. */
static const struct label {
	const char	*key;
	const char	*label;
	const char	*hint;
} labels[] = {
	{ "vendor_url", "供应商接口地址",
	    "例如 https://api.vendor.example；留空则批次在队列中等待，不发送。" },
	{ "org_code", "机构代码", "供应商分配的 orgCode。" },
	{ "login_name", "默认发送账号",
	    "任务的 loginName；用户自己设置了供应商账号时以用户的为准。" },
	{ "sign_recipe", "签名规则",
	    "sign 为此文本替换占位符后的 SHA-256：{orgCode} {loginName} "
	    "{name} {key}。" },
	{ "sign_key", "签名密钥", "只能更换，不会显示。" },
	{ "phone_encryption", "号码加密", NULL },
	{ "phone_key", "号码加密密钥",
	    "32 位十六进制数字（AES-128）；只能更换，不会显示。" },
	{ "batch_size", "每批号码数",
	    "确认名单时按此拆分批次；供应商每批最多 50000。" },
	{ "vendor_timeout", "供应商请求超时（秒）", NULL },
	{ "callback_allow", "回调来源地址白名单",
	    "IPv4 或 IPv6 地址，以空格分隔；留空表示不限。" },
	{ "public_url", "站点地址", NULL },
	{ "max_rows", "名单行数上限", NULL },
	{ "upload_max_bytes", "上传大小上限（字节）", NULL },
	{ "retention_days", "个人信息保留天数（任务完成后删除号码与姓名）", NULL },
	{ "password_min_length", "密码最少字符数", NULL },
};

/* The keys shown read-only: the file's alone. */
static const char *const file_keys[] = {
	"public_url", "max_rows", "upload_max_bytes", "retention_days",
	"password_min_length",
};

/* The row of a config key, or NULL for a key without one. */
static const struct label *
label_row(const char *key)
{
	size_t	 i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].key, key) == 0)
			return &labels[i];
	return NULL;
}

/* What a key is called on the page: its label, else the key itself. */
static const char *
label_of(const char *key)
{
	const struct label *l = label_row(key);

	return l != NULL ? l->label : key;
}

static const char *
hint_of(const char *key)
{
	const struct label *l = label_row(key);

	return l != NULL ? l->hint : NULL;
}

static const char *
choice_label(const char *name)
{
	if (strcmp(name, "none") == 0)
		return "不加密";
	if (strcmp(name, "aes-128-ecb") == 0)
		return "AES-128-ECB";
	return name;
}

/* The input key of a settings field: params.c names it as the config
 * key; KEY__MAX when there is none. */
static enum key
input_of(const char *name)
{
	size_t	 i;

	for (i = 0; i < KEY__MAX; i++)
		if (strcmp(keys[i].name, name) == 0)
			return (enum key)i;
	return KEY__MAX;
}

static enum key
clear_input_of(const char *key)
{
	char	 name[64];

	if (snprintf(name, sizeof(name), "%s_clear", key) >=
	    (int)sizeof(name))
		return KEY__MAX;
	return input_of(name);
}

/* The value as people read it: a choice by its label, "" as 未设置. */
static const char *
shown(const char *key, const char *v)
{
	if (config_key_choices(key) != NULL)
		return choice_label(v);
	if (v[0] == '\0')
		return strcmp(key, "callback_allow") == 0 ? "不限" : "未设置";
	return v;
}

/* May the secret be cleared? Whatever config.c's rule for "" says. */
static int
may_clear(const struct config *cur, const char *key)
{
	struct config	 tmp;
	int		 ok;

	if (config_dup(&tmp, cur) == -1)
		return 0;
	ok = config_set(&tmp, key, "", NULL) == 0;
	config_free(&tmp);
	return ok;
}

static void
fill_source(struct tdict *s, const struct setting_override *o)
{
	char	 when[32];

	if (o == NULL) {
		tdict_set(s, "SETTING_SOURCE", "来自配置文件");
		return;
	}
	ui_time(o->changed_at, when);
	tdict_setf(s, "SETTING_SOURCE", "本页修改：%s，%s", o->changed_by,
	    when);
}

static void
fill_input(struct tdict *s, const struct config *cur, const char *key,
    const struct setting_edit *e)
{
	const char *const	*names;
	struct tdict		*in, *opt;
	char			*v;
	const char		*want;
	size_t			 i;

	v = config_get(cur, key);
	/* A refused form comes back as it was sent; secrets never. */
	want = e != NULL && e->value != NULL ? e->value : v != NULL ? v : "";
	switch (config_key_kind(key)) {
	case CONFIG_KIND_SECRET:
		in = tdict_add_section(s, "INPUT_SECRET");
		if (may_clear(cur, key)) {
			tdict_show(in, "CLEAR");
			if (e != NULL && e->clear)
				tdict_show(in, "CLEAR_CHECKED");
		}
		break;
	case CONFIG_KIND_CHOICE:
		in = tdict_add_section(s, "INPUT_CHOICE");
		names = config_key_choices(key);
		for (i = 0; names[i] != NULL; i++) {
			opt = tdict_add_section(in, "OPT");
			tdict_set(opt, "OPT_VALUE", names[i]);
			tdict_set(opt, "OPT_LABEL", choice_label(names[i]));
			if (strcmp(names[i], want) == 0)
				tdict_show(opt, "OPT_SELECTED");
		}
		break;
	case CONFIG_KIND_NUMBER:
		in = tdict_add_section(s, "INPUT_NUMBER");
		tdict_set(in, "INPUT_VALUE", want);
		break;
	default:
		in = tdict_add_section(s, "INPUT_TEXT");
		tdict_set(in, "INPUT_VALUE", want);
		break;
	}
	if (e != NULL && e->bad)
		tdict_show(in, "INPUT_BAD");
	free(v);
}

static void
fill_history(struct tdict *body, const struct setting_change *h, size_t n)
{
	struct tdict	*t, *c, *x;
	char		 when[32];
	size_t		 i;

	tdict_set_int(body, "HISTORY_LIMIT", HISTORY_LIMIT);
	if (n == 0) {
		tdict_show(body, "NO_HISTORY");
		return;
	}
	t = tdict_add_section(body, "HISTORY");
	for (i = 0; i < n; i++) {
		c = tdict_add_section(t, "CHANGE");
		ui_time(h[i].changed_at, when);
		tdict_set(c, "TIME", when);
		tdict_set(c, "WHO", h[i].changed_by);
		tdict_set(c, "KEY", h[i].key);
		tdict_set(c, "LABEL", label_of(h[i].key));
		if (h[i].old_value != NULL && h[i].new_value != NULL) {
			x = tdict_add_section(c, "PLAIN");
			tdict_set(x, "OLD", shown(h[i].key, h[i].old_value));
			tdict_set(x, "NEW", shown(h[i].key, h[i].new_value));
		} else {
			x = tdict_add_section(c, "SECRET");
			tdict_set(x, "WHAT", strcmp(h[i].change, "set") == 0 ?
			    "已设置" : strcmp(h[i].change, "cleared") == 0 ?
			    "已清除" : "已更换");
		}
	}
}

/* The whole page; edits (n of them) are a refused form's, or NULL. */
static void
show(struct request *r, int status, struct setting_edit *edits, size_t n,
    int refused, int unchanged)
{
	const struct config	*c = r->cfg;
	struct setting_override	*ov;
	struct setting_change	*hist;
	struct tdict		*page, *body, *s, *x;
	const struct setting_edit *e;
	const char		*key, *hint;
	size_t			 nov, nhist, i;
	char			*v;
	int			 admin = r->sess.role == ROLE_ADMIN;
	int64_t			 saved;

	if (settings_overrides(r->db, &ov, &nov) == -1) {
		ui_error(r, 500, "服务器内部错误", "请稍后再试。");
		return;
	}
	if (settings_history(r->db, HISTORY_LIMIT, &hist, &nhist) == -1) {
		settings_overrides_free(ov, nov);
		ui_error(r, 500, "服务器内部错误", "请稍后再试。");
		return;
	}
	page = ui_page(r, "系统设置", "settings.tpl", &body);
	saved = r->fieldmap[KEY_SAVED] != NULL ?
	    r->fieldmap[KEY_SAVED]->parsed : 0;
	if (refused > 0)
		tdict_set_int(tdict_add_section(body, "REFUSED"), "COUNT",
		    refused);
	else if (unchanged)
		tdict_show(body, "UNCHANGED");
	else if (saved > 0)
		tdict_set_int(tdict_add_section(body, "SAVED"), "COUNT", saved);
	if (c->callback_token[0] == '\0')
		tdict_show(body, "CALLBACK_OFF");
	else if (admin) {
		/* The one place the token is shown: an administrator must
		 * hand this URL to the vendor. */
		s = tdict_add_section(body, "CALLBACK_ON");
		tdict_setf(s, "CALLBACK_URL", "%s/callback/import?token=%s",
		    c->public_url, c->callback_token);
	} else
		tdict_show(body, "CALLBACK_HIDDEN");
	if (admin)
		tdict_set(tdict_add_section(body, "FORM"), "CSRF", ui_csrf(r));

	for (i = 0; (key = config_page_key(i)) != NULL; i++) {
		s = tdict_add_section(body, "SETTING");
		tdict_set(s, "SETTING_KEY", key);
		tdict_set(s, "SETTING_LABEL", label_of(key));
		v = config_get(c, key);
		if (config_key_secret(key))
			tdict_set(s, "SETTING_VALUE", v != NULL && v[0] != '\0' ?
			    "已设置（不显示）" : "未设置");
		else
			tdict_set(s, "SETTING_VALUE", shown(key, v != NULL ?
			    v : ""));
		free(v);
		fill_source(s, settings_override_of(ov, nov, key));
		e = edits != NULL && i < n ? &edits[i] : NULL;
		if (admin) {
			fill_input(s, c, key, e);
			if ((hint = hint_of(key)) != NULL)
				tdict_set(tdict_add_section(s, "HINT"), "TEXT",
				    hint);
		}
		if (e != NULL && e->bad) {
			x = tdict_add_section(s, "ERROR");
			tdict_set(x, "TEXT", e->problem.zh);
			/* The file's own message, for those who edit the
			 * file too; never for a secret. */
			if (!config_key_secret(key) && e->problem.en[0] != '\0')
				tdict_set(tdict_add_section(x, "DETAIL"), "EN",
				    e->problem.en);
		}
	}
	for (i = 0; i < sizeof(file_keys) / sizeof(file_keys[0]); i++) {
		s = tdict_add_section(body, "FILE_SETTING");
		tdict_set(s, "SETTING_KEY", file_keys[i]);
		tdict_set(s, "SETTING_LABEL", label_of(file_keys[i]));
		v = config_get(c, file_keys[i]);
		tdict_set(s, "SETTING_VALUE", shown(file_keys[i],
		    v != NULL ? v : ""));
		free(v);
	}
	fill_history(body, hist, nhist);
	settings_history_free(hist, nhist);
	settings_overrides_free(ov, nov);
	ui_send(r, status, page);
}

void
page_settings(struct request *r)
{
	show(r, 200, NULL, 0, 0, 0);
}

void
page_settings_save(struct request *r)
{
	struct setting_edit	 edits[EDITS_MAX];
	struct config		 next;
	const struct kpair	*clear;
	const char		*key;
	enum key		 in, cin;
	enum settings_result	 rc;
	char			 loc[64];
	size_t			 n, i;
	int			 bad, changed;

	memset(edits, 0, sizeof(edits));
	for (n = 0; (key = config_page_key(n)) != NULL && n < EDITS_MAX; n++) {
		edits[n].key = key;
		if ((in = input_of(key)) == KEY__MAX)
			continue;	/* check_router's test keeps them in step */
		/* The form is sent whole: a plain field left empty is "",
		 * a secret left empty keeps its value. */
		edits[n].value = http_field(r, in);
		if ((cin = clear_input_of(key)) != KEY__MAX &&
		    (clear = r->fieldmap[cin]) != NULL)
			edits[n].clear = clear->parsed != 0;
	}
	if ((bad = settings_check(r->cfg, edits, n, &next)) == -1) {
		ui_error(r, 500, "服务器内部错误", "未保存任何修改。");
		return;
	}
	/* What the input layer refused (a line break, too long) never
	 * reached config.c: say so beside the field. */
	for (i = 0; i < n; i++) {
		in = input_of(edits[i].key);
		if (in == KEY__MAX || r->fieldnmap[in] == NULL)
			continue;
		if (!edits[i].bad && bad++ == 0)
			config_free(&next);
		edits[i].bad = 1;
		edits[i].problem.en[0] = '\0';
		snprintf(edits[i].problem.zh, sizeof(edits[i].problem.zh),
		    "不能含有换行，且不能超过 4096 字节");
	}
	if (bad > 0) {
		show(r, 422, edits, n, bad, 0);
		return;
	}
	rc = settings_save(r->db, &r->actor, r->cfg, &next, &changed);
	config_free(&next);
	switch (rc) {
	case SETTINGS_OK:
		snprintf(loc, sizeof(loc), "/settings?saved=%d", changed);
		http_redirect(r, loc);
		return;
	case SETTINGS_UNCHANGED:
		show(r, 200, NULL, 0, 0, 1);
		return;
	case SETTINGS_ERROR:
		break;
	}
	ui_error(r, 500, "服务器内部错误", "未保存任何修改。");
}
