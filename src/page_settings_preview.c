/* page_settings_preview.c: GET /settings/preview — for administrators: the
 * request body the next queued batch would be sent with under the
 * settings in force (a sample batch of two made-up people when none is
 * queued), built and signed by the worker's own code, with the phones
 * masked in the copy shown; the vendor is never called. Administrators
 * only: with a recipe that holds no per-task part the sign alone opens
 * the vendor account. Statuses: 200, 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "http.h"
#include "pages.h"
#include "phone.h"
#include "sender.h"
#include "tmpl.h"
#include "ui.h"
#include "vendor.h"

/* Mask every deliverList[].phone of the parsed body in place. */
static int
mask_phones(cJSON *root)
{
	cJSON	*list = cJSON_GetObjectItemCaseSensitive(root, "deliverList");
	cJSON	*row, *phone;
	char	 masked[PHONE_MASK_SIZE];

	cJSON_ArrayForEach(row, list) {
		phone = cJSON_GetObjectItemCaseSensitive(row, "phone");
		if (!cJSON_IsString(phone))
			continue;
		phone_mask(phone->valuestring, masked, sizeof(masked));
		if (!cJSON_ReplaceItemInObjectCaseSensitive(row, "phone",
		    cJSON_CreateString(masked)))
			return -1;
	}
	return 0;
}

void
page_settings_preview(struct request *r)
{
	const struct config	*c = r->cfg;
	struct sender_preview	 pv;
	struct tdict		*page, *body, *batch = NULL;
	cJSON			*root = NULL, *sign, *name;
	char			*json = NULL, *shown = NULL, err[512];
	size_t			 len = 0;

	json = sender_preview(r->db, c, &pv, &len, err, sizeof(err));
	page = ui_page(r, "预览下一批请求", "settings_preview.tpl", &body);
	tdict_setf(body, "URL", "%s%s", c->vendor_url[0] != '\0' ?
	    c->vendor_url : "（未设置 vendor_url）", VENDOR_CREATE_PATH);
	tdict_set(body, "RECIPE", c->sign_recipe);
	tdict_set(body, "ENCRYPTION", c->phone_encryption == PHONE_AES128ECB ?
	    "AES-128-ECB（号码以密文发送）" : "不加密");
	if (pv.sample)
		tdict_show(body, "SAMPLE");
	else if (pv.batch_id > 0) {
		batch = tdict_add_section(body, "BATCH");
		tdict_set_int(batch, "TASK_ID", pv.task_id);
		tdict_set_int(batch, "SEQ", pv.seq);
		tdict_set_int(batch, "OF", pv.batch_count);
		tdict_set_int(batch, "ROWS", pv.rows);
	}
	if (json != NULL && (root = cJSON_ParseWithLength(json, len)) != NULL &&
	    mask_phones(root) == 0 &&
	    (shown = cJSON_PrintUnformatted(root)) != NULL) {
		sign = cJSON_GetObjectItemCaseSensitive(root, "sign");
		tdict_set(body, "SIGN", cJSON_IsString(sign) ?
		    sign->valuestring : "");
		name = cJSON_GetObjectItemCaseSensitive(root, "name");
		if (batch != NULL)
			tdict_set(batch, "TASK_NAME", cJSON_IsString(name) ?
			    name->valuestring : "");
		tdict_set(tdict_add_section(body, "BODY"), "JSON", shown);
	} else {
		tdict_set(body, "SIGN", "—");
		/* vendor_body()'s reasons name fields and rows, never a
		 * value of a secret or a phone. */
		tdict_set(tdict_add_section(body, "FAILED"), "TEXT",
		    json == NULL ? err : "请求体无法解析");
	}
	cJSON_free(shown);
	cJSON_Delete(root);
	free(json);
	ui_send(r, 200, page);
}
