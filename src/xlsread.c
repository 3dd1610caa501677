/* xlsread.c: the Excel 97-2003 (.xls, BIFF) reader of calllist_read(),
 * through libfreexl. libfreexl reads the whole workbook into memory when
 * it opens it: here the upload limit, not streaming, bounds the memory.
 * It does not say which sheets are hidden: every sheet counts as shown. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <freexl.h>

#include "calllist_impl.h"

/* libfreexl's errors as ours. */
static enum calllist_status
freexl_status(struct cl_reader *r, int rc)
{
	switch (rc) {
	case FREEXL_INSUFFICIENT_MEMORY:
		return cl_fail(r, CL_ERR_NOMEM, 0, 0);
	case FREEXL_FILE_NOT_FOUND:
		return cl_fail(r, CL_ERR_IO, 0, 2 /* ENOENT */);
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
		/* An OLE2 file without a workbook stream: what offices
		 * upload of that kind is an .xlsx saved with a password
		 * (Excel wraps it as an OLE2 EncryptedPackage). */
		return cl_fail(r, CL_ERR_PROTECTED, 0, 0);
	default:
		return cl_fail(r, CL_ERR_XLSX_CORRUPT, 0, 0);
	}
}

/* freexl gives "YYYY-MM-DD HH:MM:SS" and "HH:MM:SS"; shown as the other
 * formats show them. */
static const char *
when_text(const FreeXL_CellValue *v, char *out, size_t outsz)
{
	const char	*t = v->value.text_value;
	char		 iso[CL_NUM_SIZE];
	int		 h, m, s;

	if (v->type == FREEXL_CELL_TIME) {
		if (sscanf(t, "%2d:%2d:%2d", &h, &m, &s) != 3)
			return t;
		if (s != 0)
			snprintf(out, outsz, "%02d:%02d:%02d", h, m, s);
		else
			snprintf(out, outsz, "%02d:%02d", h, m);
		return out;
	}
	if (strlen(t) == 19 && t[10] == ' ') {
		snprintf(iso, sizeof(iso), "%.10sT%s", t, t + 11);
		return cl_iso_text(iso, out, outsz) == out ? out : t;
	}
	return cl_iso_text(t, out, outsz);
}

/* One row of the active sheet as texts, trailing empty cells dropped. */
static enum calllist_status
read_row(struct cl_reader *r, const void *xl, unsigned row,
    unsigned short ncols, char **buf, size_t *cap, const char ***cellv,
    size_t *vcap, size_t *ncells)
{
	FreeXL_CellValue	 v;
	char			 num[CL_NUM_SIZE * 2];
	const char		*s;
	size_t			*offs = NULL, len = 0, n, i;
	unsigned short		 c;
	int			 rc;

	*ncells = 0;
	if ((offs = calloc(ncols > 0 ? ncols : 1, sizeof(*offs))) == NULL)
		return cl_fail(r, CL_ERR_NOMEM, (long)row + 1, 0);
	for (c = 0; c < ncols; c++) {
		if ((rc = freexl_get_cell_value(xl, row, c, &v)) != FREEXL_OK) {
			free(offs);
			return freexl_status(r, rc);
		}
		switch (v.type) {
		case FREEXL_CELL_INT:
			snprintf(num, sizeof(num), "%d", v.value.int_value);
			s = num;
			break;
		case FREEXL_CELL_DOUBLE:
			s = cl_number_text(v.value.double_value, num,
			    sizeof(num));
			break;
		case FREEXL_CELL_TEXT:
		case FREEXL_CELL_SST_TEXT:
			s = v.value.text_value != NULL ? v.value.text_value : "";
			break;
		case FREEXL_CELL_DATE:
		case FREEXL_CELL_DATETIME:
		case FREEXL_CELL_TIME:
			s = when_text(&v, num, sizeof(num));
			break;
		default:
			s = "";
			break;
		}
		if (*s == '\0')
			continue;
		n = strlen(s) + 1;
		if (n > CL_MAX_RECORD_BYTES - len) {
			free(offs);
			return cl_fail(r, CL_ERR_ROW_TOO_LONG, (long)row + 1, 0);
		}
		if (cl_grow((void **)buf, cap, len + n, 1,
		    CL_MAX_RECORD_BYTES) == -1) {
			free(offs);
			return cl_fail(r, CL_ERR_NOMEM, (long)row + 1, 0);
		}
		memcpy(*buf + len, s, n);
		offs[c] = len + 1;
		len += n;
		*ncells = (size_t)c + 1;
	}
	if (*ncells > 0 && cl_grow((void **)cellv, vcap, *ncells,
	    sizeof(**cellv), CL_MAX_COLUMNS) == -1) {
		free(offs);
		return cl_fail(r, CL_ERR_NOMEM, (long)row + 1, 0);
	}
	for (i = 0; i < *ncells; i++)
		(*cellv)[i] = offs[i] ? *buf + offs[i] - 1 : "";
	free(offs);
	return CL_OK;
}

static enum calllist_status
read_sheets(struct cl_reader *r, const void *xl, unsigned nsheets)
{
	enum calllist_status	 st = CL_OK;
	const char		**cellv = NULL;
	char			*buf = NULL;
	size_t			 cap = 0, vcap = 0, ncells;
	unsigned		 i, row, rows;
	unsigned short		 cols;
	int			 rc;

	for (i = 0; i < nsheets && st == CL_OK; i++) {
		cl_sheet_begin(r, i);
		if ((rc = freexl_select_active_worksheet(xl,
		    (unsigned short)i)) != FREEXL_OK ||
		    (rc = freexl_worksheet_dimensions(xl, &rows, &cols)) !=
		    FREEXL_OK) {
			st = freexl_status(r, rc);
			break;
		}
		for (row = 0; row < rows && st == CL_OK; row++) {
			st = read_row(r, xl, row, cols, &buf, &cap, &cellv,
			    &vcap, &ncells);
			if (st == CL_OK && ncells > 0)
				st = cl_record(r, (long)row + 1, cellv, ncells,
				    1);
		}
		if (st == CL_OK)
			st = cl_sheet_end(r);
	}
	free(buf);
	free(cellv);
	return st;
}

enum calllist_status
xlsread_path(struct cl_reader *r, const char *path)
{
	enum calllist_status	 st = CL_OK;
	const void		*xl = NULL;
	const char		*name;
	unsigned		 n = 0, pw = 0, i;
	int			 rc;

	r->info->encoding = CL_UTF8;
	r->info->delimiter = '\0';
	if ((rc = freexl_open(path, &xl)) != FREEXL_OK) {
		st = freexl_status(r, rc);
		if (xl != NULL)
			freexl_close(xl);
		return st;
	}
	if (freexl_get_info(xl, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK &&
	    pw == FREEXL_BIFF_OBFUSCATED)
		st = cl_fail(r, CL_ERR_PROTECTED, 0, 0);
	else if ((rc = freexl_get_info(xl, FREEXL_BIFF_SHEET_COUNT, &n)) !=
	    FREEXL_OK)
		st = freexl_status(r, rc);
	else if (n == 0)
		st = cl_fail(r, CL_ERR_NOT_XLSX, 0, 0);
	for (i = 0; i < n && st == CL_OK; i++) {
		if (freexl_get_worksheet_name(xl, (unsigned short)i, &name) !=
		    FREEXL_OK || name == NULL)
			name = "";
		st = cl_sheet_add(r, i, name, 0);
	}
	if (st == CL_OK)
		st = read_sheets(r, xl, n);
	/* No second pass: every sheet counts as shown (see above). */
	freexl_close(xl);
	return st;
}
