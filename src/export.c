/* export.c: CSV or .xlsx from the same rows. The workbook is written to a
 * temporary file in upload_dir (libxlsxwriter needs a file), sent, and
 * removed; its cells are typed (numbers, dates, percentages) so that Excel
 * can sort and sum them, and its columns are as wide as what they hold. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "chart.h"
#include "config.h"
#include "export.h"
#include "http.h"
#include "log.h"
#include "ui.h"

/* Widest column and the room around a cell's text, in character units. */
#define WIDTH_MAX	60
#define WIDTH_PAD	2
#define WIDTH_TIME	19	/* "2026-12-01 09:00:00" */

/* How wide s shows in Excel's units: a character of the ASCII range is
 * one, any other (Chinese, full-width) about two. */
static int
text_width(const char *s)
{
	int	 w = 0;

	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x80)
			w++;
		else if (((unsigned char)*s & 0xc0) != 0x80)
			w += 2;	/* a lead byte: one character */
	return w;
}

/* The column being written holds a cell w wide. */
static void
fit(struct export *e, int w)
{
	if (e->col < EXPORT_FIT_COLS && w > e->width[e->col])
		e->width[e->col] = w;
}

int
export_begin(struct export *e, struct request *r, enum export_format f,
    const char *base, const char *sheet)
{
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE,
	    .tmpdir = NULL, .use_zip64 = LXW_FALSE };
	int	 fd;

	memset(e, 0, sizeof(*e));
	e->format = f;
	e->r = r;
	if (asprintf(&e->filename, "%s.%s", base, f == EXPORT_CSV ? "csv" :
	    "xlsx") < 0) {
		e->filename = NULL;
		return -1;
	}
	if (f == EXPORT_CSV) {
		csv_begin(&e->csv, r, e->filename);
		return 0;
	}
	if (asprintf(&e->path, "%s/export-XXXXXX", r->cfg->upload_dir) < 0) {
		e->path = NULL;
		goto fail;
	}
	/* A unique name that nobody else can take: made by mkstemp, then
	 * handed to libxlsxwriter, which writes it anew. */
	if ((fd = mkstemp(e->path)) == -1) {
		log_err("export: %s: %s", e->path, strerror(errno));
		goto fail;
	}
	close(fd);
	opt.tmpdir = (char *)r->cfg->upload_dir;
	if ((e->wb = workbook_new_opt(e->path, &opt)) == NULL ||
	    (e->ws = workbook_add_worksheet(e->wb, sheet)) == NULL ||
	    (e->bold = workbook_add_format(e->wb)) == NULL ||
	    (e->when = workbook_add_format(e->wb)) == NULL ||
	    (e->pct = workbook_add_format(e->wb)) == NULL)
		goto fail;
	format_set_bold(e->bold);
	format_set_num_format(e->when, "yyyy-mm-dd hh:mm:ss");
	format_set_num_format(e->pct, "0.0%");
	/* The header stays in view while the rows scroll under it. */
	worksheet_freeze_panes(e->ws, 1, 0);
	return 0;
fail:
	if (e->wb != NULL)
		workbook_close(e->wb);
	if (e->path != NULL)
		unlink(e->path);
	free(e->path);
	free(e->filename);
	memset(e, 0, sizeof(*e));
	return -1;
}

void
export_text(struct export *e, const char *s)
{
	if (e->format == EXPORT_CSV) {
		csv_text(&e->csv, s);
		return;
	}
	fit(e, text_width(s != NULL ? s : ""));
	/* A string cell is never evaluated by Excel: no formula risk. */
	if (worksheet_write_string(e->ws, (lxw_row_t)e->row,
	    (lxw_col_t)e->col++, s != NULL ? s : "",
	    e->row == 0 ? e->bold : NULL) != LXW_NO_ERROR)
		e->failed = 1;
}

void
export_int(struct export *e, int64_t v)
{
	if (e->format == EXPORT_CSV) {
		csv_int(&e->csv, v);
		return;
	}
	fit(e, snprintf(NULL, 0, "%lld", (long long)v));
	if (worksheet_write_number(e->ws, (lxw_row_t)e->row,
	    (lxw_col_t)e->col++, (double)v, NULL) != LXW_NO_ERROR)
		e->failed = 1;
}

void
export_time(struct export *e, int64_t t)
{
	lxw_datetime	 dt;
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	char		 text[32];

	if (e->format == EXPORT_CSV || localtime_r(&tt, &tm) == NULL) {
		ui_time(t, text);
		export_text(e, text);
		return;
	}
	dt = (lxw_datetime){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec };
	fit(e, WIDTH_TIME);
	if (worksheet_write_datetime(e->ws, (lxw_row_t)e->row,
	    (lxw_col_t)e->col++, &dt, e->when) != LXW_NO_ERROR)
		e->failed = 1;
}

void
export_pct(struct export *e, int64_t part, int64_t whole)
{
	char	 text[16];

	chart_pct(part, whole, text);
	if (e->format == EXPORT_CSV || whole <= 0) {
		export_text(e, text);
		return;
	}
	fit(e, text_width(text));
	if (worksheet_write_number(e->ws, (lxw_row_t)e->row,
	    (lxw_col_t)e->col++, (double)part / (double)whole, e->pct) !=
	    LXW_NO_ERROR)
		e->failed = 1;
}

void
export_end_row(struct export *e)
{
	if (e->format == EXPORT_CSV)
		csv_end_row(&e->csv);
	e->row++;
	e->col = 0;
}

int
export_finish(struct export *e)
{
	char	 buf[65536], *esc;
	ssize_t	 n;
	int	 fd = -1, rc = 0, i, w;

	if (e->format == EXPORT_CSV)
		goto out;
	for (i = 0; i < EXPORT_FIT_COLS; i++) {
		if (e->width[i] == 0)
			continue;
		w = e->width[i] + WIDTH_PAD;
		if (worksheet_set_column(e->ws, (lxw_col_t)i, (lxw_col_t)i,
		    w > WIDTH_MAX ? WIDTH_MAX : w, NULL) != LXW_NO_ERROR)
			e->failed = 1;
	}
	if (workbook_close(e->wb) != LXW_NO_ERROR || e->failed ||
	    (fd = open(e->path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_err("export: cannot write %s", e->path);
		ui_error(e->r, 500, "服务器内部错误", "导出文件未能生成。");
		rc = -1;
		goto out;
	}
	esc = http_urlencode(e->filename);
	http_header(e->r, "Content-Disposition",
	    "attachment; filename=\"export.xlsx\"; filename*=UTF-8''%s",
	    esc != NULL ? esc : "export.xlsx");
	free(esc);
	http_open(e->r, 200, "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		http_write(e->r, buf, (size_t)n);
	if (n < 0)
		rc = -1;
out:
	if (fd != -1)
		close(fd);
	if (e->path != NULL)
		unlink(e->path);
	free(e->path);
	free(e->filename);
	memset(e, 0, sizeof(*e));
	return rc;
}
