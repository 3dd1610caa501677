/* calllist.c: calllist_read(): which format a file is, which sheet is
 * read, which row is the header and which columns are the phone and the
 * name; the readers (csvread.c, xlsxread.c, odsread.c, xlsread.c) hand
 * their records to cl_record() here. Also the cell texts all spreadsheet
 * readers share (numbers, dates). */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calllist.h"
#include "calllist_impl.h"
#include "phone.h"
#include "utf8.h"

/* Bytes looked at to tell a zip or an OLE2 file from text. */
#define HEAD_SIZE	8192
/* Characters of a first row the preview shows. */
#define HEAD_TEXT_CHARS	120
/* Doubles hold integers exactly up to here. */
#define EXACT_INT_MAX	9007199254740992.0
#define ODS_MIMETYPE	"application/vnd.oasis.opendocument.spreadsheet"

/* Titles that mark a header row and name its columns; compared trimmed,
 * ASCII letters case-insensitively. */
static const char *const phone_titles[] = {
	"手机号", "手机", "手机号码", "电话", "电话号码", "号码", "联系电话",
	"phone", "mobile", "tel", NULL
};
static const char *const name_titles[] = {
	"姓名", "名字", "客户", "客户名称", "客户姓名", "name", NULL
};

static const char *const status_codes[CL_STATUS__MAX] = {
	"ok",			/* CL_OK */
	"stopped",		/* CL_STOPPED */
	"io",			/* CL_ERR_IO */
	"nomem",		/* CL_ERR_NOMEM */
	"empty",		/* CL_ERR_EMPTY */
	"header_only",		/* CL_ERR_HEADER_ONLY */
	"binary",		/* CL_ERR_BINARY */
	"protected",		/* CL_ERR_PROTECTED */
	"utf16",		/* CL_ERR_UTF16 */
	"not_xlsx",		/* CL_ERR_NOT_XLSX */
	"xlsx_corrupt",		/* CL_ERR_XLSX_CORRUPT */
	"xlsx_too_big",		/* CL_ERR_XLSX_TOO_BIG */
	"xlsx_strings",		/* CL_ERR_XLSX_STRINGS */
	"quote",		/* CL_ERR_QUOTE */
	"encoding",		/* CL_ERR_ENCODING */
	"bad_utf8",		/* CL_ERR_BAD_UTF8 */
	"row_too_long",		/* CL_ERR_ROW_TOO_LONG */
	"too_many_columns",	/* CL_ERR_TOO_MANY_COLUMNS */
	"too_many_rows",	/* CL_ERR_TOO_MANY_ROWS */
	"no_phone_column",	/* CL_ERR_NO_PHONE_COLUMN */
	"bad_column",		/* CL_ERR_BAD_COLUMN */
	"bad_sheet",		/* CL_ERR_BAD_SHEET */
	"bad_header_row",	/* CL_ERR_BAD_HEADER_ROW */
};

void
calllist_opts_init(struct calllist_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_bytes_uncompressed = CALLLIST_MAX_UNCOMPRESSED;
	o->max_bytes_strings = CALLLIST_MAX_STRINGS;
	o->phone_col = CALLLIST_DETECT;
	o->name_col = CALLLIST_DETECT;
	o->header = -1;
	o->sheet = -1;
}

void
calllist_info_free(struct calllist_info *info)
{
	size_t	 i;

	if (info == NULL)
		return;
	if (info->headers != NULL)
		for (i = 0; i < info->ncols; i++)
			free(info->headers[i]);
	free(info->headers);
	info->headers = NULL;
	info->ncols = 0;
	if (info->sheets != NULL)
		for (i = 0; i < info->nsheets; i++)
			free(info->sheets[i].name);
	free(info->sheets);
	info->sheets = NULL;
	info->nsheets = 0;
	for (i = 0; i < info->nhead && i < CALLLIST_HEAD_ROWS; i++)
		free(info->head[i].text);
	info->nhead = 0;
}

const char *
calllist_status_code(enum calllist_status st)
{
	if ((unsigned)st >= CL_STATUS__MAX)
		return "unknown";
	return status_codes[st];
}

static const char *
format_label(const struct cl_reader *r)
{
	return r->info->format == CL_ODS ? "ODS" : "Excel";
}

/* The messages that show no number, in both languages. */
static const struct {
	const char	*zh, *en;
} fixed_msgs[CL_STATUS__MAX] = {
	[CL_ERR_NOMEM] = { "服务器内存不足，请稍后再试", "out of memory" },
	[CL_ERR_EMPTY] = { "文件是空的", "the file is empty" },
	[CL_ERR_HEADER_ONLY] = { "只有表头，没有数据行",
	    "a header row and no data rows" },
	[CL_ERR_BINARY] = { "文件不是文本格式的 CSV，也不是 Excel"
	    "（.xlsx、.xls）或 .ods 表格",
	    "neither a text CSV nor an .xlsx, .xls or .ods workbook" },
	[CL_ERR_PROTECTED] = { "这是设有密码的 Excel 文件（或不是表格"
	    "文件），请在 Excel 中取消密码后再上传",
	    "a password-protected workbook, or an OLE2 file without one" },
	[CL_ERR_UTF16] = { "文件是 UTF-16 编码的文本，请在 Excel "
	    "中另存为 CSV 或 .xlsx 后再上传",
	    "UTF-16 text (Excel \"Unicode text\")" },
	[CL_ERR_NOT_XLSX] = { "不是 Excel（.xlsx、.xls）或 .ods 表格文件",
	    "a zip or OLE2 file that is not a workbook" },
};

/* All the messages, in both languages, in one place. */
enum calllist_status
cl_fail(struct cl_reader *r, enum calllist_status code, long line, long arg)
{
	struct calllist_error	*e = r->err;
	const size_t		 zs = sizeof(e->zh), es = sizeof(e->en);

	e->code = code;
	e->line = line;
	switch (code) {
	case CL_OK:
	case CL_STOPPED:
	case CL_STATUS__MAX:
		e->zh[0] = e->en[0] = '\0';
		break;
	case CL_ERR_IO:
		snprintf(e->zh, zs, "无法读取上传的文件");
		snprintf(e->en, es, "cannot read the file: %s",
		    strerror((int)arg));
		break;
	case CL_ERR_NOMEM:
	case CL_ERR_EMPTY:
	case CL_ERR_HEADER_ONLY:
	case CL_ERR_BINARY:
	case CL_ERR_PROTECTED:
	case CL_ERR_UTF16:
	case CL_ERR_NOT_XLSX:
		snprintf(e->zh, zs, "%s", fixed_msgs[code].zh);
		snprintf(e->en, es, "%s", fixed_msgs[code].en);
		break;
	case CL_ERR_XLSX_CORRUPT:
		snprintf(e->zh, zs, "%s 文件已损坏，无法读取", format_label(r));
		snprintf(e->en, es, "damaged workbook (zip, BIFF or XML data)");
		break;
	case CL_ERR_XLSX_TOO_BIG:
		snprintf(e->zh, zs, "%s 文件解压后过大", format_label(r));
		snprintf(e->en, es, "the workbook uncompresses to more than "
		    "%ld bytes", arg);
		break;
	case CL_ERR_XLSX_STRINGS:
		snprintf(e->zh, zs, "Excel 文件中的文字内容过多");
		snprintf(e->en, es, "the .xlsx shared strings need more than "
		    "%ld bytes", arg);
		break;
	case CL_ERR_QUOTE:
		snprintf(e->zh, zs, "第 %ld 行引号不成对", line);
		snprintf(e->en, es, "line %ld: unbalanced quote", line);
		break;
	case CL_ERR_ENCODING:
		snprintf(e->zh, zs, "第 %ld 行的文字编码无法识别"
		    "（既不是 UTF-8 也不是 GB18030）", line);
		snprintf(e->en, es, "line %ld: neither UTF-8 nor GB18030",
		    line);
		break;
	case CL_ERR_BAD_UTF8:
		snprintf(e->zh, zs, "第 %ld 行不是有效的 UTF-8 文本", line);
		snprintf(e->en, es, "line %ld: invalid UTF-8 in a UTF-8 file",
		    line);
		break;
	case CL_ERR_ROW_TOO_LONG:
		snprintf(e->zh, zs, "第 %ld 行过长（超过 1 MiB）", line);
		snprintf(e->en, es, "line %ld: record over %d bytes", line,
		    CL_MAX_RECORD_BYTES);
		break;
	case CL_ERR_TOO_MANY_COLUMNS:
		snprintf(e->zh, zs, "第 %ld 行的列数超过 %d", line,
		    CL_MAX_COLUMNS);
		snprintf(e->en, es, "line %ld: more than %d cells", line,
		    CL_MAX_COLUMNS);
		break;
	case CL_ERR_TOO_MANY_ROWS:
		snprintf(e->zh, zs, "名单超过 %ld 行的上限", arg);
		snprintf(e->en, es, "line %ld: more than %ld rows", line, arg);
		break;
	case CL_ERR_NO_PHONE_COLUMN:
		snprintf(e->zh, zs, "找不到手机号列：请在下方选择表头所在的行，"
		    "或指定手机号列");
		snprintf(e->en, es, "line %ld: no phone column found", line);
		break;
	case CL_ERR_BAD_COLUMN:
		snprintf(e->zh, zs, "指定的第 %ld 列不存在", arg + 1);
		snprintf(e->en, es, "column %ld does not exist", arg + 1);
		break;
	case CL_ERR_BAD_SHEET:
		snprintf(e->zh, zs, "指定的第 %ld 个工作表不存在", arg + 1);
		snprintf(e->en, es, "sheet %ld does not exist", arg + 1);
		break;
	case CL_ERR_BAD_HEADER_ROW:
		snprintf(e->zh, zs, "第 %ld 行不在表格开头的 %d 个非空行中，"
		    "不能作为表头", arg, CALLLIST_HEAD_ROWS);
		snprintf(e->en, es, "header line %ld is not among the first "
		    "%d non-blank rows", arg, CALLLIST_HEAD_ROWS);
		break;
	}
	return code;
}

void
cl_error_set(struct calllist_error *e, enum calllist_status code, long line)
{
	struct calllist_info	 info;
	struct cl_reader	 r;

	memset(&info, 0, sizeof(info));
	memset(&r, 0, sizeof(r));
	r.info = &info;
	r.err = e;
	cl_fail(&r, code, line, 0);
}

/* ASCII spaces and U+3000, which Chinese input methods type. */
static const char *
trim(const char *s, size_t *len)
{
	const char	*end = s + strlen(s);

	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3;
		else
			break;
	}
	for (;;) {
		if (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r' || end[-1] == '\n'))
			end--;
		else if (end - s >= 3 && memcmp(end - 3, "\xe3\x80\x80", 3) == 0)
			end -= 3;
		else
			break;
	}
	*len = (size_t)(end - s);
	return s;
}

static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
title_is(const char *cell, const char *const *titles)
{
	const char	*s;
	size_t		 len, i;

	s = trim(cell, &len);
	for (; *titles != NULL; titles++) {
		if (strlen(*titles) != len)
			continue;
		for (i = 0; i < len; i++)
			if (ascii_lower((unsigned char)s[i]) !=
			    (unsigned char)(*titles)[i])
				break;
		if (i == len)
			return 1;
	}
	return 0;
}

static int
find_title(const char *const *cells, size_t n, const char *const *titles)
{
	size_t	 i;

	for (i = 0; i < n && i < (size_t)CL_MAX_COLUMNS; i++)
		if (title_is(cells[i], titles))
			return (int)i;
	return -1;
}

static int
all_blank(const char *const *cells, size_t n)
{
	size_t		 i, len;
	unsigned char	 c;

	for (i = 0; i < n; i++) {
		/* Nearly every row: its first cell starts with what no
		 * trimming removes. */
		c = (unsigned char)cells[i][0];
		if (c > ' ' && c != 0xe3)
			return 0;
		trim(cells[i], &len);
		if (len > 0)
			return 0;
	}
	return 1;
}

static int
is_phone(const char *cell)
{
	char	 norm[PHONE_NORM_SIZE];

	return phone_status_ok(phone_normalise(cell, strlen(cell), norm,
	    sizeof(norm)));
}

static int
has_phone(const struct cl_held *h)
{
	size_t	 i;

	for (i = 0; i < h->ncells && i < CL_MAX_COLUMNS; i++)
		if (is_phone(h->cells[i]))
			return 1;
	return 0;
}

/* Grow info->headers to n titles, the new ones 列N (or the header cell
 * when there is one). */
static enum calllist_status
set_headers(struct cl_reader *r, size_t n, const char *const *cells,
    size_t ncells)
{
	struct calllist_info	*info = r->info;
	char			**h;
	const char		*s;
	size_t			 i, len = 0;

	if (n == 0 || (n <= info->ncols && info->headers != NULL))
		return CL_OK;
	if ((h = reallocarray(info->headers, n, sizeof(*h))) == NULL)
		return cl_fail(r, CL_ERR_NOMEM, 0, 0);
	info->headers = h;
	for (i = info->ncols; i < n; i++) {
		s = i < ncells ? trim(cells[i], &len) : "";
		if (i < ncells && len > 0)
			h[i] = strndup(s, len);
		else if (asprintf(&h[i], "列%zu", i + 1) == -1)
			h[i] = NULL;
		if (h[i] == NULL)
			return cl_fail(r, CL_ERR_NOMEM, 0, 0);
		info->ncols = i + 1;
	}
	return CL_OK;
}

/* A forced column must exist; where empty cells are not stored
 * (spreadsheets) the header is widened to it instead. */
static enum calllist_status
check_column(struct cl_reader *r, int col)
{
	if (col < 0)
		return CL_OK;
	if ((size_t)col < r->info->ncols)
		return CL_OK;
	if (!r->sparse || col >= CL_MAX_COLUMNS)
		return cl_fail(r, CL_ERR_BAD_COLUMN, 0, col);
	return set_headers(r, (size_t)col + 1, NULL, 0);
}

/* --- the first rows: kept until the header is known --------------------- */

/* The preview's view of a first row: its non-empty cells joined. */
static enum calllist_status
keep_head(struct cl_reader *r, long line, const char *const *cells,
    size_t ncells)
{
	struct calllist_head	*h = &r->info->head[r->info->nhead];
	char			*text = NULL, *grown;
	const char		*s;
	size_t			 i, len, n = 0;

	for (i = 0; i < ncells && n < HEAD_TEXT_CHARS * 4; i++) {
		s = trim(cells[i], &len);
		if (len == 0)
			continue;
		if (asprintf(&grown, "%s%s%.*s", text != NULL ? text : "",
		    text != NULL ? " | " : "", (int)len, s) == -1) {
			free(text);
			return cl_fail(r, CL_ERR_NOMEM, line, 0);
		}
		free(text);
		text = grown;
		n = strlen(text);
	}
	if (text == NULL)
		return CL_OK;
	text[utf8_prefix(text, n, HEAD_TEXT_CHARS)] = '\0';
	h->line = line;
	h->text = text;
	r->info->nhead++;
	return CL_OK;
}

static enum calllist_status
hold(struct cl_reader *r, long line, const char *const *cells, size_t ncells)
{
	struct cl_held	*h = &r->held[r->nheld];
	size_t		 i, bytes = ncells * sizeof(char *);
	char		*p;

	for (i = 0; i < ncells; i++)
		bytes += strlen(cells[i]) + 1;
	if ((h->cells = malloc(bytes > 0 ? bytes : 1)) == NULL)
		return cl_fail(r, CL_ERR_NOMEM, line, 0);
	p = (char *)(h->cells + ncells);
	for (i = 0; i < ncells; i++) {
		h->cells[i] = p;
		p = stpcpy(p, cells[i]) + 1;
	}
	h->line = line;
	h->ncells = ncells;
	r->nheld++;
	return CL_OK;
}

static void
release_held(struct cl_reader *r)
{
	size_t	 i;

	for (i = 0; i < r->nheld; i++)
		free(r->held[i].cells);
	r->nheld = 0;
}

/* Which held record is the header: its index, -1 for none, -2 when the
 * forced line is not among them. */
static int
choose_header(const struct cl_reader *r)
{
	size_t	 i, j;

	if (r->opts.header_line > 0) {
		for (i = 0; i < r->nheld; i++)
			if (r->held[i].line >= r->opts.header_line)
				return (int)i;
		return -2;
	}
	if (r->opts.header == 0 || r->nheld == 0)
		return -1;
	if (r->opts.header > 0)
		return 0;
	for (i = 0; i < r->nheld; i++)
		if (find_title((const char *const *)r->held[i].cells,
		    r->held[i].ncells, phone_titles) >= 0)
			return (int)i;
	/* The row above the first one holding a phone number, unless a row
	 * between names a name column (the first person's number may be
	 * bad: that row is then data, and the header is above it). */
	for (i = 0; i < r->nheld; i++)
		if (has_phone(&r->held[i])) {
			for (j = i; j-- > 0; )
				if (find_title((const char *const *)
				    r->held[j].cells, r->held[j].ncells,
				    name_titles) >= 0)
					return (int)j;
			return (int)i - 1;
		}
	for (i = 0; i < r->nheld; i++)
		if (find_title((const char *const *)r->held[i].cells,
		    r->held[i].ncells, name_titles) >= 0)
			return (int)i;
	/* No phone anywhere: an office list's first row names its columns. */
	return r->nheld > 1 ? 0 : -1;
}

/* No title said where the phone is: the column holding most phone
 * numbers in the held data rows, the leftmost of equals; -1 for none. */
static int
guess_phone_column(struct cl_reader *r, size_t first)
{
	size_t	 i, c, width = 0;
	int	*count, best = -1;

	for (i = first; i < r->nheld; i++)
		if (r->held[i].ncells > width)
			width = r->held[i].ncells;
	if (width > CL_MAX_COLUMNS)
		width = CL_MAX_COLUMNS;
	if (width == 0 || (count = calloc(width, sizeof(*count))) == NULL)
		return -1;
	for (i = first; i < r->nheld; i++)
		for (c = 0; c < r->held[i].ncells && c < width; c++)
			if (is_phone(r->held[i].cells[c]))
				count[c]++;
	for (c = 0; c < width; c++)
		if (count[c] > 0 && (best < 0 || count[c] > count[best]))
			best = (int)c;
	free(count);
	return best;
}

static enum calllist_status deliver(struct cl_reader *, long,
    const char *const *, size_t);

/* The header, the columns, then the held data rows to the callback. */
static enum calllist_status
decide(struct cl_reader *r)
{
	struct calllist_info	*info = r->info;
	enum calllist_status	 st = CL_OK;
	const struct cl_held	*h;
	size_t			 first, i;
	int			 hdr, phone_t = -1, name_t = -1;

	r->decided = 1;
	if ((hdr = choose_header(r)) == -2)
		return cl_fail(r, CL_ERR_BAD_HEADER_ROW, 0,
		    r->opts.header_line);
	first = (size_t)(hdr + 1);
	info->has_header = hdr >= 0;
	if (hdr >= 0) {
		h = &r->held[hdr];
		info->header_line = h->line;
		phone_t = find_title((const char *const *)h->cells,
		    h->ncells, phone_titles);
		name_t = find_title((const char *const *)h->cells,
		    h->ncells, name_titles);
		st = set_headers(r, h->ncells > CL_MAX_COLUMNS ?
		    CL_MAX_COLUMNS : h->ncells, (const char *const *)h->cells,
		    h->ncells);
	} else if (first < r->nheld)
		st = set_headers(r, r->held[first].ncells > CL_MAX_COLUMNS ?
		    CL_MAX_COLUMNS : r->held[first].ncells, NULL, 0);
	if (st != CL_OK)
		return st;

	if (r->opts.phone_col >= 0)
		info->phone_col = r->opts.phone_col;
	else if (phone_t >= 0)
		info->phone_col = phone_t;
	else
		info->phone_col = guess_phone_column(r, first);
	if (r->opts.name_col >= 0)
		info->name_col = r->opts.name_col;
	else if (r->opts.name_col == CALLLIST_DETECT)
		info->name_col = name_t;
	else
		info->name_col = -1;
	if ((st = check_column(r, info->phone_col)) != CL_OK ||
	    (st = check_column(r, info->name_col)) != CL_OK)
		return st;
	if (info->phone_col < 0) {
		/* Not a refusal: the preview shows the first rows and lets
		 * the operator say where the header and the phone are. */
		r->no_phone = 1;
		cl_fail(r, CL_ERR_NO_PHONE_COLUMN, first < r->nheld ?
		    r->held[first].line : info->header_line, 0);
		return CL_OK;
	}
	if ((st = set_headers(r, (size_t)info->phone_col + 1, NULL, 0)) !=
	    CL_OK)
		return st;
	for (i = first; i < r->nheld && st == CL_OK; i++)
		st = deliver(r, r->held[i].line,
		    (const char *const *)r->held[i].cells, r->held[i].ncells);
	return st;
}

/* One data row to the callback. */
static enum calllist_status
deliver(struct cl_reader *r, long line, const char *const *cells,
    size_t ncells)
{
	struct calllist_info	*info = r->info;
	struct calllist_row	 row;
	const char		**v;
	size_t			 i, nvals;

	if (r->no_phone)
		return CL_OK;
	if (r->opts.max_rows > 0 && info->rows >= r->opts.max_rows)
		return cl_fail(r, CL_ERR_TOO_MANY_ROWS, line,
		    r->opts.max_rows);
	nvals = ncells > info->ncols ? ncells : info->ncols;
	if (nvals > r->valcap) {
		if ((v = reallocarray(r->vals, nvals, sizeof(*v))) == NULL)
			return cl_fail(r, CL_ERR_NOMEM, line, 0);
		r->vals = v;
		r->valcap = nvals;
	}
	for (i = 0; i < nvals; i++)
		r->vals[i] = i < ncells ? cells[i] : "";

	memset(&row, 0, sizeof(row));
	row.line = line;
	row.ncols = r->sparse && ncells < info->ncols ? info->ncols : ncells;
	row.nvals = nvals;
	row.cols = r->vals;
	row.phone_raw = r->vals[info->phone_col];
	row.name = info->name_col >= 0 ? r->vals[info->name_col] : "";
	row.info = info;
	info->rows++;
	if (r->cb != NULL && r->cb(r->arg, &row) != 0)
		return CL_STOPPED;
	return CL_OK;
}

enum calllist_status
cl_record(struct cl_reader *r, long line, const char *const *cells,
    size_t ncells, int sparse)
{
	enum calllist_status	 st;

	if (all_blank(cells, ncells))
		return CL_OK;
	if (r->cur >= 0 && (size_t)r->cur < r->info->nsheets)
		r->info->sheets[r->cur].rows++;
	if (!r->reading)
		return CL_OK;
	r->seen = 1;
	r->sparse = sparse;
	if (r->decided)
		return deliver(r, line, cells, ncells);
	if (ncells > CL_MAX_COLUMNS)
		ncells = CL_MAX_COLUMNS;
	if ((st = keep_head(r, line, cells, ncells)) != CL_OK ||
	    (st = hold(r, line, cells, ncells)) != CL_OK)
		return st;
	if (r->nheld < CALLLIST_HEAD_ROWS)
		return CL_OK;
	st = decide(r);
	release_held(r);
	return st;
}

/* --- sheets --------------------------------------------------------------- */

enum calllist_status
cl_sheet_add(struct cl_reader *r, size_t idx, const char *name, int hidden)
{
	struct calllist_info	*info = r->info;
	struct calllist_sheet	*s;

	if (idx < info->nsheets)
		return CL_OK;
	if (idx != info->nsheets || idx >= 4096)
		return cl_fail(r, CL_ERR_XLSX_CORRUPT, 0, 0);
	if ((s = reallocarray(info->sheets, idx + 1, sizeof(*s))) == NULL)
		return cl_fail(r, CL_ERR_NOMEM, 0, 0);
	info->sheets = s;
	s += idx;
	memset(s, 0, sizeof(*s));
	if ((s->name = strdup(name)) == NULL)
		return cl_fail(r, CL_ERR_NOMEM, 0, 0);
	s->hidden = hidden;
	info->nsheets++;
	return CL_OK;
}

int
cl_sheet_begin(struct cl_reader *r, size_t idx)
{
	struct calllist_info	*info = r->info;

	r->cur = (int)idx;
	r->seen = 0;
	r->reading = info->sheet < 0 && idx < info->nsheets &&
	    (r->opts.sheet >= 0 ? (size_t)r->opts.sheet == idx :
	    !info->sheets[idx].hidden);
	if (idx < info->nsheets)
		info->sheets[idx].rows = 0;
	return r->reading;
}

enum calllist_status
cl_sheet_end(struct cl_reader *r)
{
	enum calllist_status	 st = CL_OK;

	if (r->reading && r->seen) {
		r->info->sheet = r->cur;
		if (!r->decided)
			st = decide(r);
		release_held(r);
	}
	r->reading = 0;
	r->cur = -1;
	return st;
}

int
cl_sheet_again(struct cl_reader *r)
{
	size_t	 i;

	if (r->info->sheet >= 0 || r->again || r->opts.sheet >= 0)
		return 0;
	for (i = 0; i < r->info->nsheets; i++)
		if (r->info->sheets[i].rows > 0) {
			r->again = 1;
			r->opts.sheet = (int)i;
			return 1;
		}
	return 0;
}

/* --- cell texts ----------------------------------------------------------- */

const char *
cl_number_text(double d, char *out, size_t outsz)
{
	if (!isfinite(d))
		snprintf(out, outsz, "%s", "#NUM!");
	else if (d == floor(d) && fabs(d) < EXACT_INT_MAX)
		snprintf(out, outsz, "%.0f", d == 0 ? 0.0 : d);
	else
		snprintf(out, outsz, "%.15g", d);
	return out;
}

/* Assumes the "C" numeric locale, as the whole program does. */
const char *
cl_number_str(const char *v, char *out, size_t outsz)
{
	const char	*p;
	char		*end;
	double		 d;

	if (*v == '\0')
		return v;
	/* Up to 15 digits without a leading zero (a phone, a count) show
	 * as written: strtod and printf would give them back unchanged,
	 * at a cost that dominated reading a sheet of numbers. */
	for (p = v; *p >= '0' && *p <= '9' && p - v < 16; p++)
		continue;
	if (*p == '\0' && p - v <= 15 && (v[0] != '0' || v[1] == '\0'))
		return v;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || !isfinite(d))
		return v;
	return cl_number_text(d, out, outsz);
}

const char *
cl_when_text(time_t t, enum cl_when when, char *out, size_t outsz)
{
	struct tm	 tm;
	size_t		 n;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(out, outsz, "%lld", (long long)t);
		return out;
	}
	if (when == CL_WHEN_DATE)
		n = strftime(out, outsz, "%Y-%m-%d", &tm);
	else if (when == CL_WHEN_TIME)
		n = tm.tm_sec != 0 ? strftime(out, outsz, "%H:%M:%S", &tm) :
		    strftime(out, outsz, "%H:%M", &tm);
	else
		n = tm.tm_sec != 0 ?
		    strftime(out, outsz, "%Y-%m-%d %H:%M:%S", &tm) :
		    strftime(out, outsz, "%Y-%m-%d %H:%M", &tm);
	if (n == 0 && outsz > 0)
		out[0] = '\0';
	return out;
}

const char *
cl_iso_text(const char *iso, char *out, size_t outsz)
{
	int	 y, mo, d, h = 0, mi = 0, s = 0, n = 0, k;

	if (sscanf(iso, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return iso;
	if (iso[n] == '\0') {
		snprintf(out, outsz, "%04d-%02d-%02d", y, mo, d);
		return out;
	}
	if (iso[n] != 'T' || sscanf(iso + n + 1, "%2d:%2d%n", &h, &mi, &k) != 2)
		return iso;
	if (iso[n + 1 + k] == ':')
		sscanf(iso + n + 2 + k, "%2d", &s);
	if (s != 0)
		snprintf(out, outsz, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d,
		    h, mi, s);
	else
		snprintf(out, outsz, "%04d-%02d-%02d %02d:%02d", y, mo, d, h,
		    mi);
	return out;
}

ssize_t
cl_read_full(int fd, unsigned char *buf, size_t n)
{
	size_t	 got = 0;
	ssize_t	 k;

	while (got < n) {
		k = read(fd, buf + got, n - got);
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* Tell the format from the first bytes. */
static enum calllist_status
sniff(struct cl_reader *r, const unsigned char *head, size_t n)
{
	if (n == 0)
		return cl_fail(r, CL_ERR_EMPTY, 0, 0);
	if (n >= 4 && (memcmp(head, "PK\x03\x04", 4) == 0 ||
	    memcmp(head, "PK\x05\x06", 4) == 0)) {
		r->info->format = CL_XLSX;	/* or .ods: the zip says */
		return CL_OK;
	}
	if (n >= 8 && memcmp(head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) ==
	    0) {
		r->info->format = CL_XLS;
		return CL_OK;
	}
	if (n >= 2 && (memcmp(head, "\xff\xfe", 2) == 0 ||
	    memcmp(head, "\xfe\xff", 2) == 0))
		return cl_fail(r, CL_ERR_UTF16, 0, 0);
	/* Text or binary: csvread.c tells, once it knows the encoding. */
	r->info->format = CL_CSV;
	return CL_OK;
}

/* An .ods names itself in its first entry, "mimetype". */
static int
zip_is_ods(zip_t *za)
{
	zip_file_t	*zf;
	char		 buf[sizeof(ODS_MIMETYPE)];
	zip_int64_t	 n;

	if ((zf = zip_fopen(za, "mimetype", 0)) == NULL)
		return 0;
	n = zip_fread(zf, buf, sizeof(buf));
	zip_fclose(zf);
	return n == (zip_int64_t)sizeof(ODS_MIMETYPE) - 1 &&
	    memcmp(buf, ODS_MIMETYPE, sizeof(ODS_MIMETYPE) - 1) == 0;
}

/* .xlsx or .ods; takes ownership of fd. */
static enum calllist_status
read_zip(struct cl_reader *r, int fd)
{
	enum calllist_status	 st;
	zip_t			*za;
	int			 zerr = 0;

	if ((za = zip_fdopen(fd, 0, &zerr)) == NULL) {
		close(fd);
		return cl_fail(r, zerr == ZIP_ER_NOZIP ? CL_ERR_NOT_XLSX :
		    CL_ERR_XLSX_CORRUPT, 0, 0);
	}
	if (zip_name_locate(za, "xl/workbook.xml", ZIP_FL_NOCASE) >= 0)
		st = xlsxread_zip(r, za);
	else if (zip_is_ods(za) &&
	    zip_name_locate(za, "content.xml", 0) >= 0) {
		r->info->format = CL_ODS;
		st = odsread_zip(r, za);
	} else
		st = cl_fail(r, CL_ERR_NOT_XLSX, 0, 0);
	zip_discard(za);
	return st;
}

/* A CSV is one sheet without a name. */
static enum calllist_status
read_csv(struct cl_reader *r, int fd)
{
	enum calllist_status	 st;

	if ((st = cl_sheet_add(r, 0, "", 0)) != CL_OK)
		return st;
	cl_sheet_begin(r, 0);
	if ((st = csvread_fd(r, fd)) != CL_OK)
		return st;
	return cl_sheet_end(r);
}

enum calllist_status
calllist_read(const char *path, const struct calllist_opts *opts,
    int (*row_cb)(void *, const struct calllist_row *), void *arg,
    struct calllist_info *info_out, struct calllist_error *err_out)
{
	struct cl_reader	 r;
	struct calllist_info	 info_local;
	struct calllist_error	 err_local;
	unsigned char		 head[HEAD_SIZE];
	enum calllist_status	 st;
	ssize_t			 n;
	int			 fd;

	memset(&r, 0, sizeof(r));
	if (opts != NULL)
		r.opts = *opts;
	else
		calllist_opts_init(&r.opts);
	if (r.opts.max_bytes_uncompressed == 0)
		r.opts.max_bytes_uncompressed = CALLLIST_MAX_UNCOMPRESSED;
	if (r.opts.max_bytes_strings == 0)
		r.opts.max_bytes_strings = CALLLIST_MAX_STRINGS;
	r.cb = row_cb;
	r.arg = arg;
	r.cur = -1;
	r.info = info_out != NULL ? info_out : &info_local;
	r.err = err_out != NULL ? err_out : &err_local;
	memset(r.info, 0, sizeof(*r.info));
	r.info->phone_col = r.info->name_col = -1;
	r.info->sheet = -1;
	cl_fail(&r, CL_OK, 0, 0);

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		st = cl_fail(&r, CL_ERR_IO, 0, errno);
	else if ((n = cl_read_full(fd, head, sizeof(head))) == -1)
		st = cl_fail(&r, CL_ERR_IO, 0, errno);
	else if ((st = sniff(&r, head, (size_t)n)) != CL_OK)
		;
	else if (lseek(fd, 0, SEEK_SET) == -1)
		st = cl_fail(&r, CL_ERR_IO, 0, errno);
	else if (r.info->format == CL_XLSX) {
		st = read_zip(&r, fd);
		fd = -1;
	} else if (r.info->format == CL_XLS) {
		close(fd);
		fd = -1;
		st = xlsread_path(&r, path);
	} else
		st = read_csv(&r, fd);

	if (st == CL_OK && r.opts.sheet >= 0 &&
	    (size_t)r.opts.sheet >= r.info->nsheets)
		st = cl_fail(&r, CL_ERR_BAD_SHEET, 0, r.opts.sheet);
	else if (st == CL_OK && r.info->sheet < 0)
		st = cl_fail(&r, CL_ERR_EMPTY, 0, 0);
	else if (st == CL_OK && r.no_phone)
		st = r.err->code;	/* filled when it was found */
	else if (st == CL_OK && r.info->rows == 0)
		st = cl_fail(&r, CL_ERR_HEADER_ONLY, 0, 0);
	if (st == CL_STOPPED)
		cl_fail(&r, CL_STOPPED, 0, 0);
	if (fd != -1)
		close(fd);
	release_held(&r);
	free(r.vals);
	if (info_out == NULL)
		calllist_info_free(&info_local);
	return st;
}
