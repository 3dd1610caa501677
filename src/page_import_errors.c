/* page_import_errors.c: GET /imports/{id}/errors.csv — every invalid or
 * duplicate row of a list with its line and reason, for the operator to
 * fix the file. The numbers are masked by the preview's own rule: the line
 * number finds the row in the operator's file, and a report that leaves
 * the console must not carry more than the screen shows. Statuses: 200
 * (text/csv), 403, 404, 500. POST .../errors-full.csv gives whole numbers
 * to an account allowed them, with a reason (422 without one). */
#include "autoconf.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "csvout.h"
#include "http.h"
#include "import.h"
#include "log.h"
#include "pages.h"
#include "phone.h"
#include "task.h"
#include "ui.h"

static void
errors_csv(struct request *r, int full)
{
	struct store_cursor *cur;
	struct import_bad bad;
	struct import	 im;
	struct csvout	 c;
	cJSON		*d;
	char		 fname[300], shown[PHONE_NORM_SIZE + 16];
	int		 rc;

	if (!import_visible(r, &im))
		return;
	/* Who took a list's report is logged, masked as it is. */
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "import", (double)im.id);
	cJSON_AddNumberToObject(d, "rows",
	    (double)(im.invalid + im.duplicates));
	/* Exports that carry whole numbers say so. */
	cJSON_AddBoolToObject(d, "full_numbers", full);
	rc = audit_record(r->db, &r->actor, "export.errors", im.file_name, d);
	cJSON_Delete(d);
	/* Every bad row: no limit. */
	if (rc == -1 || (cur = store_import_bad(r->db, im.id, 0, 0, 0)) == NULL) {
		import_clear(&im);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	snprintf(fname, sizeof(fname), "%s-错误报告.csv", im.file_name);
	csv_begin(&c, r, fname);
	csv_text(&c, "行号");
	csv_text(&c, "号码");
	csv_text(&c, "原因");
	csv_text(&c, "与第几行重复");
	csv_end_row(&c);
	while ((rc = store_import_bad_next(cur, &bad)) == 1) {
		csv_int(&c, bad.line);
		phone_mask_cell(bad.phone, shown, sizeof(shown));
		csv_text(&c, full ? bad.phone : shown);
		csv_text(&c, task_reason_zh(bad.reason));
		if (bad.dup_of > 0)
			csv_int(&c, bad.dup_of);
		else
			csv_text(&c, "");
		csv_end_row(&c);
	}
	store_cursor_close(cur);
	if (rc != 0)
		log_err("import %lld: error report cut short",
		    (long long)im.id);
	import_clear(&im);
}

void
page_import_errors(struct request *r)
{
	errors_csv(r, 0);
}

/* POST /imports/{id}/errors-full.csv: the same with whole numbers, for an
 * account allowed to ask, with the reason audited first. */
void
page_import_errors_full(struct request *r)
{
	int	 rc = import_reveal_audited(r, "errors.csv");

	/* The form is on the preview; without a reason nothing is sent. */
	if (rc == 0)
		ui_error(r, 422, "请填写查看完整号码的原因（至少两个字）", NULL);
	else if (rc == -1)
		ui_error(r, 500, "服务器内部错误", NULL);
	else
		errors_csv(r, 1);
}
