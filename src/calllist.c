/* calllist.c: calllist_read(): which format a file is, and what the
 * first record says about columns; the readers are csvread.c and
 * xlsxread.c, both handing their records to cl_record() here. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calllist.h"
#include "calllist_impl.h"
#include "phone.h"

/* Bytes looked at to tell a zip, an old .xls or binary from text. */
#define HEAD_SIZE	8192

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
	"old_excel",		/* CL_ERR_OLD_EXCEL */
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
}

const char *
calllist_status_code(enum calllist_status st)
{
	if ((unsigned)st >= CL_STATUS__MAX)
		return "unknown";
	return status_codes[st];
}

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
		snprintf(e->zh, zs, "服务器内存不足，请稍后再试");
		snprintf(e->en, es, "out of memory");
		break;
	case CL_ERR_EMPTY:
		snprintf(e->zh, zs, "文件是空的");
		snprintf(e->en, es, "the file is empty");
		break;
	case CL_ERR_HEADER_ONLY:
		snprintf(e->zh, zs, "只有表头，没有数据行");
		snprintf(e->en, es, "a header row and no data rows");
		break;
	case CL_ERR_BINARY:
		snprintf(e->zh, zs, "文件不是文本格式的 CSV，也不是 .xlsx");
		snprintf(e->en, es, "neither a text CSV nor an .xlsx file");
		break;
	case CL_ERR_OLD_EXCEL:
		snprintf(e->zh, zs, "这是旧版 Excel（.xls）或设有密码的 Excel "
		    "文件，请在 Excel 中另存为 .xlsx 或 CSV 后再上传");
		snprintf(e->en, es, "an old .xls or a password-protected "
		    "workbook (OLE2 container)");
		break;
	case CL_ERR_UTF16:
		snprintf(e->zh, zs, "文件是 UTF-16 编码的文本，请在 Excel "
		    "中另存为 CSV 或 .xlsx 后再上传");
		snprintf(e->en, es, "UTF-16 text (Excel \"Unicode text\")");
		break;
	case CL_ERR_NOT_XLSX:
		snprintf(e->zh, zs, "不是 Excel .xlsx 文件");
		snprintf(e->en, es, "a zip archive that is not an .xlsx "
		    "workbook");
		break;
	case CL_ERR_XLSX_CORRUPT:
		snprintf(e->zh, zs, "Excel 文件已损坏，无法读取");
		snprintf(e->en, es, "damaged .xlsx (zip or XML data)");
		break;
	case CL_ERR_XLSX_TOO_BIG:
		snprintf(e->zh, zs, "Excel 文件解压后过大");
		snprintf(e->en, es, "the .xlsx uncompresses to more than "
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
		snprintf(e->zh, zs, "找不到手机号列：请把号码列的表头写成"
		    "“手机号”，或在预览中指定号码列");
		snprintf(e->en, es, "line %ld: no phone column found", line);
		break;
	case CL_ERR_BAD_COLUMN:
		snprintf(e->zh, zs, "指定的第 %ld 列不存在", arg + 1);
		snprintf(e->en, es, "column %ld does not exist", arg + 1);
		break;
	}
	return code;
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
	size_t	 i, len;

	for (i = 0; i < n; i++) {
		trim(cells[i], &len);
		if (len > 0)
			return 0;
	}
	return 1;
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

/* A forced column must exist; in .xlsx, where empty cells are not
 * stored, the header is widened to it instead. */
static enum calllist_status
check_column(struct cl_reader *r, int col, int sparse)
{
	if (col < 0)
		return CL_OK;
	if ((size_t)col < r->info->ncols)
		return CL_OK;
	if (!sparse || col >= CL_MAX_COLUMNS)
		return cl_fail(r, CL_ERR_BAD_COLUMN, 0, col);
	return set_headers(r, (size_t)col + 1, NULL, 0);
}

/* The first record: a header row or already data, and which columns are
 * the phone and the name. Sets *consumed when it was the header. */
static enum calllist_status
first_record(struct cl_reader *r, const char *const *cells, size_t ncells,
    int sparse, int *consumed)
{
	struct calllist_info	*info = r->info;
	enum calllist_status	 st;
	int			 phone_t, name_t;

	phone_t = find_title(cells, ncells, phone_titles);
	name_t = find_title(cells, ncells, name_titles);
	if (r->opts.header == -1)
		info->has_header = phone_t >= 0 || name_t >= 0;
	else
		info->has_header = r->opts.header != 0;
	*consumed = info->has_header;

	if (ncells > CL_MAX_COLUMNS)
		ncells = CL_MAX_COLUMNS;
	if ((st = set_headers(r, ncells, info->has_header ? cells : NULL,
	    info->has_header ? ncells : 0)) != CL_OK)
		return st;

	if (r->opts.phone_col >= 0)
		info->phone_col = r->opts.phone_col;
	else if (info->has_header && phone_t >= 0)
		info->phone_col = phone_t;
	else
		info->phone_col = -1;	/* from the first data row's values */
	if (r->opts.name_col >= 0)
		info->name_col = r->opts.name_col;
	else if (r->opts.name_col == CALLLIST_DETECT && info->has_header)
		info->name_col = name_t;
	else
		info->name_col = -1;
	if ((st = check_column(r, info->phone_col, sparse)) != CL_OK)
		return st;
	return check_column(r, info->name_col, sparse);
}

/* No header said where the phone is: the first cell that is one. */
static enum calllist_status
guess_phone_column(struct cl_reader *r, long line, const char *const *cells,
    size_t ncells)
{
	char	 norm[PHONE_NORM_SIZE];
	size_t	 i;

	for (i = 0; i < ncells && i < CL_MAX_COLUMNS; i++)
		if (phone_status_ok(phone_normalise(cells[i],
		    strlen(cells[i]), norm, sizeof(norm)))) {
			r->info->phone_col = (int)i;
			return set_headers(r, i + 1, NULL, 0);
		}
	return cl_fail(r, CL_ERR_NO_PHONE_COLUMN, line, 0);
}

enum calllist_status
cl_record(struct cl_reader *r, long line, const char *const *cells,
    size_t ncells, int sparse)
{
	struct calllist_info	*info = r->info;
	struct calllist_row	 row;
	enum calllist_status	 st;
	const char		**v;
	size_t			 i, nvals;
	int			 consumed;

	if (all_blank(cells, ncells))
		return CL_OK;
	if (!r->seen_first) {
		r->seen_first = 1;
		if ((st = first_record(r, cells, ncells, sparse,
		    &consumed)) != CL_OK || consumed)
			return st;
	}
	if (r->opts.max_rows > 0 && info->rows >= r->opts.max_rows)
		return cl_fail(r, CL_ERR_TOO_MANY_ROWS, line,
		    r->opts.max_rows);
	if (info->phone_col < 0 &&
	    (st = guess_phone_column(r, line, cells, ncells)) != CL_OK)
		return st;

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
	row.ncols = sparse && ncells < info->ncols ? info->ncols : ncells;
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

/* NUL, or more control characters than a text file has (tab, line
 * ends, form feed, ^Z and escape are the ones text may carry). */
static int
looks_binary(const unsigned char *s, size_t n)
{
	size_t	 i, ctl = 0;

	if (memchr(s, '\0', n) != NULL)
		return 1;
	for (i = 0; i < n; i++)
		if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r' && s[i] != '\f' && s[i] != '\v' &&
		    s[i] != 0x1a && s[i] != 0x1b) || s[i] == 0x7f)
			ctl++;
	return ctl * 100 > n;
}

/* Tell the format from the first bytes. */
static enum calllist_status
sniff(struct cl_reader *r, const unsigned char *head, size_t n)
{
	if (n == 0)
		return cl_fail(r, CL_ERR_EMPTY, 0, 0);
	if (n >= 4 && (memcmp(head, "PK\x03\x04", 4) == 0 ||
	    memcmp(head, "PK\x05\x06", 4) == 0)) {
		r->info->format = CL_XLSX;
		return CL_OK;
	}
	if (n >= 8 && memcmp(head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		return cl_fail(r, CL_ERR_OLD_EXCEL, 0, 0);
	if (n >= 2 && (memcmp(head, "\xff\xfe", 2) == 0 ||
	    memcmp(head, "\xfe\xff", 2) == 0))
		return cl_fail(r, CL_ERR_UTF16, 0, 0);
	if (looks_binary(head, n))
		return cl_fail(r, CL_ERR_BINARY, 0, 0);
	r->info->format = CL_CSV;
	return CL_OK;
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
	r.info = info_out != NULL ? info_out : &info_local;
	r.err = err_out != NULL ? err_out : &err_local;
	memset(r.info, 0, sizeof(*r.info));
	r.info->phone_col = r.info->name_col = -1;
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
		st = xlsxread_fd(&r, fd);
		fd = -1;
	} else
		st = csvread_fd(&r, fd);

	if (st == CL_OK && !r.seen_first)
		st = cl_fail(&r, CL_ERR_EMPTY, 0, 0);
	else if (st == CL_OK && r.info->rows == 0)
		st = cl_fail(&r, CL_ERR_HEADER_ONLY, 0, 0);
	if (st == CL_STOPPED)
		cl_fail(&r, CL_STOPPED, 0, 0);
	if (fd != -1)
		close(fd);
	free(r.vals);
	if (info_out == NULL)
		calllist_info_free(&info_local);
	return st;
}
