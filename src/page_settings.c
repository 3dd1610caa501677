/* page_settings.c: GET /settings — for administrators: the exact callback
 * URL to give the vendor, and the settings in force (secrets shown only as
 * set or not). Statuses: 200. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "http.h"
#include "pages.h"
#include "tmpl.h"
#include "ui.h"

static void
setting(struct tdict *body, const char *key, const char *label,
    const char *value)
{
	struct tdict *s = tdict_add_section(body, "SETTING");

	tdict_set(s, "SETTING_KEY", key);
	tdict_set(s, "SETTING_LABEL", label);
	tdict_set(s, "SETTING_VALUE", value);
}

/* A setting as a person reads it: an empty one says so. */
static const char *
shown(const char *v)
{
	return v[0] != '\0' ? v : "未设置";
}

static const char *
secret(const char *v)
{
	return v[0] != '\0' ? "已设置（不显示）" : "未设置";
}

void
page_settings(struct request *r)
{
	const struct config *c = r->cfg;
	struct tdict	*page, *body, *s;
	char		 num[32];

	page = ui_page(r, "系统设置", "settings.tpl", &body);
	if (c->callback_token[0] != '\0') {
		/* The one place the token is shown: an administrator must
		 * hand this URL to the vendor. */
		s = tdict_add_section(body, "CALLBACK_ON");
		tdict_setf(s, "CALLBACK_URL", "%s/callback/import?token=%s",
		    c->public_url, c->callback_token);
	} else
		tdict_show(body, "CALLBACK_OFF");
	setting(body, "public_url", "站点地址", shown(c->public_url));
	setting(body, "vendor_url", "供应商接口地址", shown(c->vendor_url));
	setting(body, "org_code", "机构代码", shown(c->org_code));
	setting(body, "login_name", "默认发送账号", shown(c->login_name));
	setting(body, "sign_key", "签名密钥", secret(c->sign_key));
	setting(body, "sign_recipe", "签名规则", shown(c->sign_recipe));
	setting(body, "phone_encryption", "号码加密",
	    c->phone_encryption == PHONE_AES128ECB ? "AES-128-ECB" : "不加密");
	setting(body, "phone_key", "号码加密密钥", secret(c->phone_key));
	snprintf(num, sizeof(num), "%d", c->batch_size);
	setting(body, "batch_size", "每批号码数", num);
	snprintf(num, sizeof(num), "%ld", c->max_rows);
	setting(body, "max_rows", "名单行数上限", num);
	snprintf(num, sizeof(num), "%lld", c->upload_max_bytes);
	setting(body, "upload_max_bytes", "上传大小上限（字节）", num);
	setting(body, "callback_allow", "回调来源地址白名单",
	    c->callback_allow[0] ? c->callback_allow : "不限");
	ui_send(r, 200, page);
}
