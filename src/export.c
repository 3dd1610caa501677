/* export.c: CSV or .xlsx from the same rows. The workbook is written to a
 * temporary file in upload_dir (libxlsxwriter needs a file), sent, and
 * removed. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "config.h"
#include "export.h"
#include "http.h"
#include "log.h"
#include "ui.h"

int
export_begin(struct export *e, struct request *r, enum export_format f,
    const char *base)
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
	    (e->ws = workbook_add_worksheet(e->wb, NULL)) == NULL)
		goto fail;
	e->bold = workbook_add_format(e->wb);
	format_set_bold(e->bold);
	return 0;
fail:
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
	if (worksheet_write_number(e->ws, (lxw_row_t)e->row,
	    (lxw_col_t)e->col++, (double)v, NULL) != LXW_NO_ERROR)
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
	int	 fd = -1, rc = 0;

	if (e->format == EXPORT_CSV)
		goto out;
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
