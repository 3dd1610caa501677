/* page_import.c: GET /imports/{id} — the preview of an uploaded list
 * before anything is sent: figures, file facts, the sheet and header row
 * read (and the forms to take others), column mapping, the first valid
 * rows (masked), every invalid or duplicate row (paged), and the confirm
 * and cancel forms; a cancelled list shows only what it was. The router
 * lets its uploader, administrators and auditors read it. POST .../reveal
 * shows the same with whole numbers, to an account allowed to ask (the
 * router checks may_see_phones), after the reason is in the audit log.
 * Statuses: 200, 403, 404, 422 (no reason), 500. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "dnc.h"
#include "http.h"
#include "import.h"
#include "pages.h"
#include "phone.h"
#include "task.h"
#include "tmpl.h"
#include "ui.h"
#include "utf8.h"

#define SAMPLE_ROWS	20
#define BAD_PER_PAGE	100
/* Characters of a first row shown in the header-row select. */
#define HEAD_OPT_CHARS	40

/* The column list and the two mapping selects. */
static void
fill_columns(struct tdict *body, const struct import *im, int may_act,
    const char *csrf)
{
	cJSON		*h = cJSON_Parse(im->headers), *v;
	struct tdict	*s, *m = NULL;
	char		 label[300];
	int		 i = 0;

	if (h == NULL)
		return;
	if (may_act) {
		m = tdict_add_section(body, "MAPPING");
		tdict_setf(m, "MAPPING_ACTION", "/imports/%lld/mapping",
		    (long long)im->id);
		tdict_set(m, "CSRF", csrf);
		s = tdict_add_section(m, "NAME_COL_OPT");
		tdict_set(s, "OPT_VALUE", "-2");
		tdict_set(s, "OPT_LABEL", "（无姓名列）");
		if (im->name_col < 0)
			tdict_show(s, "OPT_SELECTED");
	}
	cJSON_ArrayForEach(v, h) {
		const char *t = cJSON_IsString(v) ? v->valuestring : "";
		s = tdict_add_section(body, "HEADER");
		tdict_set(s, "HEADER_TEXT", t);
		tdict_set(s, "HEADER_ROLE", i == im->phone_col ? "手机号" :
		    i == im->name_col ? "姓名" : "备注（otherInfo）");
		if (m != NULL) {
			snprintf(label, sizeof(label), "第 %d 列：%s", i + 1, t);
			s = tdict_add_section(m, "PHONE_COL_OPT");
			tdict_set_int(s, "OPT_VALUE", i);
			tdict_set(s, "OPT_LABEL", label);
			if (i == im->phone_col)
				tdict_show(s, "OPT_SELECTED");
			s = tdict_add_section(m, "NAME_COL_OPT");
			tdict_set_int(s, "OPT_VALUE", i);
			tdict_set(s, "OPT_LABEL", label);
			if (i == im->name_col)
				tdict_show(s, "OPT_SELECTED");
		}
		i++;
	}
	cJSON_Delete(h);
}

/* A first row as text for the screen: the numbers in it may be phones,
 * so every run of 7 or more digits (spaces and dashes inside it too)
 * keeps only its first 3 and last 4 digits. malloc()ed, or NULL. */
static char *
mask_digits(const char *s)
{
	char	*out = strdup(s), *p, *q, *end;
	size_t	 digits, seen;

	if (out == NULL)
		return NULL;
	for (p = out; *p != '\0'; p = end) {
		if (*p < '0' || *p > '9') {
			end = p + 1;
			continue;
		}
		digits = 0;
		for (q = end = p; *q != '\0' && ((*q >= '0' && *q <= '9') ||
		    *q == ' ' || *q == '-'); q++)
			if (*q >= '0' && *q <= '9') {
				digits++;
				end = q + 1;
			}
		if (digits < 7)
			continue;
		for (q = p, seen = 0; q < end; q++)
			if (*q >= '0' && *q <= '9' && ++seen > 3 &&
			    seen <= digits - 4)
				*q = '*';
	}
	return out;
}

/* A sheet's label: 名单（6 行，隐藏）. */
static void
sheet_label(char *out, size_t outsz, const cJSON *sh)
{
	const cJSON	*name = cJSON_GetObjectItem(sh, "name");
	const cJSON	*rows = cJSON_GetObjectItem(sh, "rows");

	snprintf(out, outsz, "%s（%lld 行%s）",
	    cJSON_IsString(name) && name->valuestring[0] != '\0' ?
	    name->valuestring : "未命名", cJSON_IsNumber(rows) ?
	    (long long)rows->valuedouble : 0LL,
	    cJSON_IsTrue(cJSON_GetObjectItem(sh, "hidden")) ? "，隐藏" : "");
}

/* The sheet and header row read, and every other sheet holding rows:
 * one left aside is named, never silently ignored. */
static void
fill_read(struct tdict *body, const struct import *im, const cJSON *sheets)
{
	const cJSON	*v, *rows;
	struct tdict	*s;
	char		 label[400];
	int		 i = 0;

	if (strcmp(im->format, "csv") != 0 &&
	    (v = cJSON_GetArrayItem(sheets, im->sheet)) != NULL) {
		s = tdict_add_section(body, "SHEET_FACT");
		sheet_label(label, sizeof(label), v);
		tdict_set(s, "SHEET_LABEL", label);
	}
	if (im->header_line > 0)
		tdict_setf(body, "HEADER_LABEL", "第 %ld 行", im->header_line);
	else
		tdict_set(body, "HEADER_LABEL", "无表头行");
	cJSON_ArrayForEach(v, sheets) {
		rows = cJSON_GetObjectItem(v, "rows");
		if (i++ != im->sheet && cJSON_IsNumber(rows) &&
		    rows->valuedouble > 0) {
			s = tdict_add_section(body, "SHEET_NOTE");
			sheet_label(label, sizeof(label), v);
			tdict_set(s, "NOTE_SHEET", label);
		}
	}
}

/* One of the first rows of the list as stored (head_rows: {"line": n,
 * "text": "..."}): its line in *line and its text with the digits masked,
 * which the caller frees; NULL for an element that is not such a row (or
 * out of memory), which the caller skips. */
static char *
head_row(const cJSON *v, long long *line)
{
	const cJSON	*text = cJSON_GetObjectItem(v, "text");
	const cJSON	*at = cJSON_GetObjectItem(v, "line");

	if (!cJSON_IsString(text) || !cJSON_IsNumber(at))
		return NULL;
	*line = (long long)at->valuedouble;
	return mask_digits(text->valuestring);
}

/* No phone column was found: the first rows, for the operator to see
 * where the header and the phones are. */
static void
fill_no_phone(struct tdict *body, const cJSON *head)
{
	const cJSON	*v;
	struct tdict	*np = tdict_add_section(body, "NO_PHONE"), *s;
	char		*shown;
	long long	 line;

	cJSON_ArrayForEach(v, head) {
		if ((shown = head_row(v, &line)) == NULL)
			continue;
		s = tdict_add_section(np, "HEAD_ROW");
		tdict_set_int(s, "HEAD_LINE", line);
		tdict_set(s, "HEAD_TEXT", shown);
		free(shown);
	}
}

/* The forms that read the list again: another sheet (when there are
 * several), another header row among the first rows, or none. */
static void
fill_choice_forms(struct tdict *body, const struct import *im,
    const cJSON *sheets, const cJSON *head, const char *csrf)
{
	const cJSON	*v;
	struct tdict	*f, *form, *s;
	char		 label[400], *shown;
	size_t		 n;
	long long	 line;
	int		 i = 0;

	f = tdict_add_section(body, "CHOICES");
	tdict_setf(f, "CHOICE_ACTION", "/imports/%lld/mapping",
	    (long long)im->id);
	tdict_set(f, "CSRF", csrf);
	if (cJSON_GetArraySize(sheets) > 1) {
		form = tdict_add_section(f, "SHEET_FORM");
		cJSON_ArrayForEach(v, sheets) {
			s = tdict_add_section(form, "SHEET_OPT");
			sheet_label(label, sizeof(label), v);
			tdict_set_int(s, "OPT_VALUE", i);
			tdict_set(s, "OPT_LABEL", label);
			if (i++ == im->sheet)
				tdict_show(s, "OPT_SELECTED");
		}
	}
	s = tdict_add_section(f, "HEADER_OPT");
	tdict_set(s, "OPT_VALUE", "0");
	tdict_set(s, "OPT_LABEL", "无表头（第一行就是数据）");
	if (im->header_line == 0)
		tdict_show(s, "OPT_SELECTED");
	cJSON_ArrayForEach(v, head) {
		if ((shown = head_row(v, &line)) == NULL)
			continue;
		n = utf8_prefix(shown, strlen(shown), HEAD_OPT_CHARS);
		snprintf(label, sizeof(label), "第 %lld 行：%.*s%s", line,
		    (int)n, shown, shown[n] != '\0' ? "…" : "");
		free(shown);
		s = tdict_add_section(f, "HEADER_OPT");
		tdict_set_int(s, "OPT_VALUE", line);
		tdict_set(s, "OPT_LABEL", label);
		if ((long)line == im->header_line)
			tdict_show(s, "OPT_SELECTED");
	}
}

/* What was read and what can be chosen instead (see above). */
static void
fill_choices(struct tdict *body, const struct import *im, int may_act,
    const char *csrf)
{
	cJSON	*sheets = cJSON_Parse(im->sheets);
	cJSON	*head = cJSON_Parse(im->head_rows);

	fill_read(body, im, sheets);
	if (im->phone_col < 0)
		fill_no_phone(body, head);
	if (may_act)
		fill_choice_forms(body, im, sheets, head, csrf);
	cJSON_Delete(sheets);
	cJSON_Delete(head);
}

/* "title: value; ..." of a row's other columns, realigned with the
 * titles (import_other_values). malloc()ed, or NULL. */
static char *
other_text(char *const *titles, size_t ntitles, const char *other,
    const char **values)
{
	cJSON	*cells;
	char	*out = strdup(""), *grown;
	size_t	 i, n;

	if (out == NULL || import_other_values(other, ntitles, values, &n,
	    &cells) == -1)
		return out;
	for (i = 0; i < n; i++) {
		if (asprintf(&grown, "%s%s%s：%s", out, i > 0 ? "；" : "",
		    titles[i], values[i]) < 0)
			break;
		free(out);
		out = grown;
	}
	cJSON_Delete(cells);
	return out;
}

static int
fill_samples(struct request *r, struct tdict *body, const struct import *im,
    int full)
{
	struct store_cursor *c;
	struct import_row row;
	struct tdict	*s;
	char		 mask[PHONE_MASK_SIZE], *other, **titles;
	const char	**values;
	size_t		 ntitles;
	int		 rc, n = 0;

	if (import_other_titles(im->headers, im->phone_col, im->name_col,
	    &titles, &ntitles) == -1)
		return -1;
	if ((values = calloc(ntitles + 1, sizeof(*values))) == NULL ||
	    (c = store_import_rows(r->db, im->id, 1, SAMPLE_ROWS)) == NULL) {
		free(values);
		import_titles_free(titles, ntitles);
		return -1;
	}
	while ((rc = store_import_rows_next(c, &row)) == 1) {
		s = tdict_add_section(body, "SAMPLE");
		tdict_set_int(s, "SAMPLE_LINE", row.line);
		phone_mask(row.phone, mask, sizeof(mask));
		tdict_set(s, "SAMPLE_PHONE", full ? row.phone : mask);
		tdict_set(s, "SAMPLE_NAME", row.name);
		other = other_text(titles, ntitles, row.other, values);
		tdict_set(s, "SAMPLE_OTHER", other != NULL ? other : "");
		free(other);
		n++;
	}
	store_cursor_close(c);
	free(values);
	import_titles_free(titles, ntitles);
	if (n == 0)
		tdict_show(body, "NO_SAMPLE");
	return rc == 0 ? 0 : -1;
}

/* The figures of the do-not-call list and the duplicate rule (dnc.h);
 * returns how many rows they add to the error report. */
static int64_t
screened_rows(struct request *r, struct tdict *body, const struct import *im)
{
	struct dnc_figures f;
	char		 note[80];

	if (dnc_import_figures(r->db, im->id, &f) != 1)
		return 0;
	tdict_set_int(body, "DNC_COUNT", f.listed);
	tdict_set_int(body, "RECENT_COUNT", f.recent);
	if (f.rule.scope == DUP_LIST)
		snprintf(note, sizeof(note), "未查近期发送");
	else
		snprintf(note, sizeof(note), "%s %d 天内，%s",
		    f.rule.scope == DUP_MINE ? "我" : "任何人", f.rule.days,
		    f.rule.keep ? "已保留" : "已排除");
	tdict_set(body, "RECENT_NOTE", note);
	return f.listed + f.recent;
}

/* The line the page of bad rows starts after: from after=, or from
 * before= the BAD_PER_PAGE rows just before it unless they are the first
 * (then the first page, full). -1 on an error. */
static int
bad_key(struct request *r, const struct import *im, int64_t *line)
{
	struct store_cursor *c;
	struct import_bad bad;
	int		 rc, n = 0;

	*line = 0;
	if (r->fieldmap[KEY_AFTER] != NULL) {
		*line = r->fieldmap[KEY_AFTER]->parsed;
		return 0;
	}
	if (r->fieldmap[KEY_BEFORE] == NULL)
		return 0;
	if ((c = store_import_bad(r->db, im->id,
	    r->fieldmap[KEY_BEFORE]->parsed, 1, BAD_PER_PAGE + 1)) == NULL)
		return -1;
	while ((rc = store_import_bad_next(c, &bad)) == 1)
		if (++n == BAD_PER_PAGE + 1)
			*line = bad.line;
	store_cursor_close(c);
	return rc == 0 ? 0 : -1;
}

static int
fill_bad(struct request *r, struct tdict *body, const struct import *im,
    int full)
{
	struct store_cursor *c;
	struct import_bad bad;
	struct tdict	*s;
	int64_t		 total = im->invalid + im->duplicates +
			    screened_rows(r, body, im);
	int64_t		 key, first = 0, last = 0;
	char		 why[160], shown[PHONE_NORM_SIZE + 64];
	int		 rc, n = 0;

	if (bad_key(r, im, &key) == -1 ||
	    (c = store_import_bad(r->db, im->id, key, 0,
	    BAD_PER_PAGE + 1)) == NULL)
		return -1;
	while ((rc = store_import_bad_next(c, &bad)) == 1) {
		/* The one past the page says that a next page exists. */
		if (++n > BAD_PER_PAGE)
			continue;
		if (n == 1)
			first = bad.line;
		last = bad.line;
		s = tdict_add_section(body, "BAD");
		tdict_set_int(s, "BAD_LINE", bad.line);
		phone_mask_cell(bad.phone, shown, sizeof(shown));
		tdict_set(s, "BAD_VALUE", full ? bad.phone : shown);
		if (bad.dup_of > 0)
			snprintf(why, sizeof(why), "%s（与第 %lld 行相同）",
			    task_reason_zh(bad.reason), (long long)bad.dup_of);
		else
			snprintf(why, sizeof(why), "%s",
			    task_reason_zh(bad.reason));
		tdict_set(s, "BAD_REASON", why);
	}
	store_cursor_close(c);
	if (total == 0)
		tdict_show(body, "NO_BAD");
	else {
		s = tdict_add_section(body, "ERRORS_CSV");
		tdict_setf(s, "ERRORS_CSV_HREF", "/imports/%lld/errors.csv",
		    (long long)im->id);
	}
	if (key == 0)
		tdict_set(body, "BAD_PAGE", "第 1 页");
	else
		tdict_setf(body, "BAD_PAGE", "第 %lld 至 %lld 行",
		    (long long)first, (long long)last);
	if (key != 0) {
		s = tdict_add_section(body, "BAD_PREV");
		tdict_setf(s, "BAD_PREV_HREF", "/imports/%lld?before=%lld",
		    (long long)im->id, (long long)first);
	}
	if (n > BAD_PER_PAGE) {
		s = tdict_add_section(body, "BAD_NEXT");
		tdict_setf(s, "BAD_NEXT_HREF", "/imports/%lld?after=%lld",
		    (long long)im->id, (long long)last);
	}
	return rc == 0 ? 0 : -1;
}

/* A stored value and its label; the last row, value NULL, is what any
 * other value shows. */
struct value_label {
	const char	*value, *label;
};

static const struct value_label encoding_labels[] = {
	{ "gb18030", "GB18030(GBK)" },
	{ "utf-8-bom", "UTF-8（带 BOM）" },
	{ NULL, "UTF-8" },
};

static const struct value_label format_labels[] = {
	{ "xlsx", "Excel .xlsx" },
	{ "xls", "Excel 97-2003 .xls" },
	{ "ods", "OpenDocument .ods" },
	{ NULL, "CSV" },
};

static const struct value_label delimiter_labels[] = {
	{ "\t", "制表符" },
	{ ";", "分号" },
	{ NULL, "逗号" },
};

static const char *
label_of(const struct value_label *t, const char *value)
{
	while (t->value != NULL && strcmp(value, t->value) != 0)
		t++;
	return t->label;
}

/* The preview; with full, whole numbers (the caller has checked the
 * permission and recorded why). */
static void
show_preview(struct request *r, int status, int full, const char *error)
{
	struct import	 im;
	int64_t		 purged;
	char		 when[32];
	struct tdict	*page, *body, *s;
	char		 size[32];
	int		 may_act;
	int64_t		 task_id = 0;

	if (!import_visible(r, &im))
		return;
	may_act = r->may_act && im.state == IMPORT_PREVIEW;

	page = ui_page(r, "名单预览", "import.tpl", &body);
	tdict_set(body, "CSRF", ui_csrf(r));
	tdict_set(body, "FILE_NAME", im.file_name);
	tdict_set_int(body, "ROWS_READ", im.rows_read);
	tdict_set_int(body, "VALID", im.valid);
	tdict_set_int(body, "INVALID", im.invalid);
	tdict_set_int(body, "DUPLICATES", im.duplicates);
	tdict_set_int(body, "BATCHES", (im.valid + r->cfg->batch_size - 1) /
	    r->cfg->batch_size);
	tdict_set_int(body, "BATCH_SIZE", r->cfg->batch_size);
	tdict_set(body, "FORMAT_LABEL", label_of(format_labels, im.format));
	if (strcmp(im.format, "csv") == 0) {
		s = tdict_add_section(body, "CSV_FACTS");
		tdict_set(s, "ENCODING_LABEL",
		    label_of(encoding_labels, im.encoding));
		tdict_set(s, "DELIMITER_LABEL",
		    label_of(delimiter_labels, im.delimiter));
	}
	if (im.file_size >= 1024 * 1024)
		snprintf(size, sizeof(size), "%.1f MiB",
		    im.file_size / 1048576.0);
	else
		snprintf(size, sizeof(size), "%.1f KiB", im.file_size / 1024.0);
	tdict_set(body, "FILE_SIZE", size);
	ui_fill_params(body, im.params, 1);
	if (im.state != IMPORT_CANCELLED) {
		/* A cancelled list has no rows left: only what it was. */
		tdict_show(body, "LIVE");
		fill_columns(body, &im, may_act, ui_csrf(r));
		fill_choices(body, &im, may_act, ui_csrf(r));
	}

	if (im.state == IMPORT_CONFIRMED) {
		(void)store_import_task(r->db, im.id, &task_id);
		s = tdict_add_section(body, "CONFIRMED");
		tdict_setf(s, "TASK_HREF", "/tasks/%lld", (long long)task_id);
	} else if (im.state == IMPORT_CANCELLED)
		tdict_show(body, "CANCELLED");

	if (im.state != IMPORT_CANCELLED &&
	    (fill_samples(r, body, &im, full) == -1 ||
	    fill_bad(r, body, &im, full) == -1)) {
		tdict_free(page);
		import_clear(&im);
		ui_error(r, 500, "服务器内部错误", NULL);
		return;
	}
	if (may_act && im.valid > 0) {
		s = tdict_add_section(body, "CAN_CONFIRM");
		tdict_set(s, "CSRF", ui_csrf(r));
		tdict_setf(s, "CONFIRM_ACTION", "/imports/%lld/confirm",
		    (long long)im.id);
		tdict_setf(s, "CANCEL_ACTION", "/imports/%lld/cancel",
		    (long long)im.id);
	} else if (may_act)
		tdict_show(body, "NO_VALID");
	if ((purged = import_purged_at(r->db, im.id)) > 0) {
		ui_time(purged, when);
		tdict_set(tdict_add_section(body, "PURGED"), "PURGED_AT", when);
	}
	if (full)
		tdict_show(body, "REVEALED");
	else
		tdict_show(body, "MASKED");
	if (!full && r->sess.may_see_phones && purged == 0 &&
	    im.state != IMPORT_CANCELLED) {
		s = tdict_add_section(body, "CAN_REVEAL");
		tdict_set(s, "CSRF", ui_csrf(r));
		tdict_setf(s, "REVEAL_ACTION", "/imports/%lld/reveal",
		    (long long)im.id);
		tdict_setf(s, "ERRORS_FULL_ACTION",
		    "/imports/%lld/errors-full.csv", (long long)im.id);
		if (error != NULL)
			tdict_set(tdict_add_section(s, "REASON_ERROR"), "TEXT",
			    error);
	}
	import_clear(&im);
	ui_send(r, status, page);
}

void
page_import(struct request *r)
{
	if (!ui_pager_valid(r)) {
		ui_error(r, 400, "翻页位置无效",
		    "翻页位置（before、after）为正整数，且只给一个。");
		return;
	}
	show_preview(r, 200, 0, NULL);
}

/* Why whole numbers are shown, and by whom, goes to the audit log before
 * they are. */
void
page_import_reveal(struct request *r)
{
	int	 rc = import_reveal_audited(r, "preview");

	if (rc == 0)
		show_preview(r, 422, 0, "请填写查看完整号码的原因（至少两个字）");
	else if (rc == -1)
		ui_error(r, 500, "服务器内部错误", NULL);
	else
		show_preview(r, 200, 1, NULL);
}
