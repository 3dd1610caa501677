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
#include "db.h"
#include "http.h"
#include "log.h"
#include "pages.h"
#include "phone.h"
#include "task.h"
#include "ui.h"

static void
errors_csv(struct request *r, int full)
{
	struct audit_actor who = { r->sess.user_id, r->sess.user_name,
	    r->remote_addr, r->user_agent };
	struct import	 im;
	struct csvout	 c;
	sqlite3_stmt	*st;
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
	rc = audit_record(r->db, &who, "export.errors", im.file_name, d);
	cJSON_Delete(d);
	if (rc == -1 || (st = db_stmt(r->db, STMT_IMPORT_BAD_PAGE)) == NULL) {
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
	db_bind_int(st, 1, im.id);
	db_bind_int(st, 2, -1);		/* no limit */
	db_bind_int(st, 3, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		csv_int(&c, sqlite3_column_int64(st, 0));
		phone_mask_cell(db_col_text(st, 1), shown, sizeof(shown));
		csv_text(&c, full ? db_col_text(st, 1) : shown);
		csv_text(&c, task_reason_zh(db_col_text(st, 2)));
		if (sqlite3_column_int64(st, 3) > 0)
			csv_int(&c, sqlite3_column_int64(st, 3));
		else
			csv_text(&c, "");
		csv_end_row(&c);
	}
	db_reset(st);
	if (rc != SQLITE_DONE)
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
	if (import_reveal_audited(r, "errors.csv"))
		errors_csv(r, 1);
}
