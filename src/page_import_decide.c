/* page_import_decide.c: the forms of the preview page. POST
 * /imports/{id}/confirm makes the task (303 to it), .../cancel drops the
 * list (303 to the preview), .../mapping reads the list again with
 * another sheet (sheet), another header row (header_row) or other phone
 * and name columns (phone_col, name_col) (303 to the preview). The router lets only the
 * uploader or an administrator. Statuses: 303, 400 (nothing chosen),
 * 403, 404, 409 (no longer in preview), 422 (a choice the list cannot
 * use), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "config.h"
#include "http.h"
#include "import.h"
#include "pages.h"
#include "ui.h"

static void
to_preview(struct request *r, int64_t id)
{
	char	 loc[48];

	snprintf(loc, sizeof(loc), "/imports/%lld", (long long)id);
	http_redirect(r, loc);
}

void
page_import_confirm(struct request *r)
{
	struct import	 im;
	int64_t		 task;
	char		 loc[48];

	if (!import_decidable(r, &im))
		return;
	/* The account sending is fixed now, as the task page shows it. */
	task = import_confirm(r->db, r->cfg, &r->actor, im.id,
	    r->sess.vendor_login[0] != '\0' ? r->sess.vendor_login :
	    r->cfg->login_name);
	import_clear(&im);
	if (task == -1) {
		ui_error(r, 500, "服务器内部错误", "任务未能创建，请稍后再试。");
		return;
	}
	if (task == 0) {
		ui_error(r, 409, "该名单无法确认", "名单已处理，或没有有效号码。");
		return;
	}
	snprintf(loc, sizeof(loc), "/tasks/%lld", (long long)task);
	http_redirect(r, loc);
}

void
page_import_cancel(struct request *r)
{
	struct import	 im;
	int		 rc;

	if (!import_decidable(r, &im))
		return;
	rc = import_cancel(r->db, &r->actor, im.id);
	import_clear(&im);
	if (rc == -1)
		ui_error(r, 500, "服务器内部错误", NULL);
	else
		to_preview(r, r->path_id);
}

/* A new sheet finds its header and columns again, and a new header row
 * its columns; new columns keep the sheet and header that were read. */
void
page_import_mapping(struct request *r)
{
	struct calllist_error err;
	struct import_choice choice;
	struct import	 im;
	struct kpair	*sheet = r->fieldmap[KEY_SHEET];
	struct kpair	*header = r->fieldmap[KEY_HEADER_ROW];
	int64_t		 id;
	char		*path;
	int		 rc, pcol = CALLLIST_DETECT, ncol = CALLLIST_DETECT;

	if (r->fieldnmap[KEY_SHEET] != NULL ||
	    r->fieldnmap[KEY_HEADER_ROW] != NULL) {
		ui_error(r, 400, "请选择列表中的工作表或表头行", NULL);
		return;
	}
	if (sheet == NULL && header == NULL) {
		if (r->fieldmap[KEY_PHONE_COL] == NULL ||
		    r->fieldmap[KEY_PHONE_COL]->parsed < 0 ||
		    r->fieldmap[KEY_NAME_COL] == NULL) {
			ui_error(r, 400, "请选择手机号列和姓名列", NULL);
			return;
		}
		pcol = (int)r->fieldmap[KEY_PHONE_COL]->parsed;
		ncol = (int)r->fieldmap[KEY_NAME_COL]->parsed;
		if (ncol == -1)
			ncol = CALLLIST_NONE;
		if (pcol == ncol) {
			ui_error(r, 422, "手机号列和姓名列不能是同一列", NULL);
			return;
		}
	}
	if (!import_decidable(r, &im))
		return;
	import_choice_init(&choice);
	if (sheet != NULL)
		choice.sheet = (int)sheet->parsed;
	else {
		choice.sheet = im.sheet;
		choice.header_line = header != NULL ? (long)header->parsed :
		    im.header_line;
		choice.phone_col = pcol;
		choice.name_col = ncol;
	}
	/* The list's bytes are in the database: a scratch file holds them
	 * for the readers during this request only. */
	if ((rc = import_scratch(r->db, r->cfg, im.id, &path)) != 0) {
		import_clear(&im);
		if (rc == 1)
			ui_error(r, 409, "名单原文件已不在服务器上",
			    "这份名单需要重新上传才能改选工作表、表头或列。");
		else
			ui_error(r, 500, "服务器内部错误",
			    "名单暂时无法重新读取，预览保持不变，请稍后再试。");
		return;
	}
	if (import_check_choice(path, &choice, &err) != 0) {
		import_scratch_remove(path);
		import_clear(&im);
		ui_error(r, 422, "按这个选择无法读取名单", err.zh);
		return;
	}
	id = im.id;
	rc = import_load_choice(r->db, r->cfg, &r->actor, r->sess.user_id,
	    path, im.file_name, NULL, &choice, &id, &err);
	import_scratch_remove(path);
	import_clear(&im);
	if (rc == 1) {
		/* The list was fine before: the choice is what does not fit.
		 * The import is gone with its rows, as after any refusal. */
		ui_error(r, 422, "按这个选择无法读取名单", err.zh);
		return;
	}
	if (rc == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	to_preview(r, id);
}
