/* check_calllist.c: calllist_read() over the kinds of file operators
 * upload, one table row per file saying what must come out of it. Text
 * fixtures are in tests/fixtures/calllist (make-fixtures.sh); binary and
 * big ones are made here. */
#include "autoconf.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <zip.h>

#include "calllist.h"

#define MAX_ROWS	4	/* rows compared cell by cell */
#define MAX_CELLS	6

/* Column options in the table: 0 leaves the default (detect). */
#define COL(n)		((n) + 1)
#define COL_NONE	(-1)
#define HDR_NO		1
#define HDR_YES		2

struct want_row {
	long		 line;
	size_t		 ncols;		/* row->ncols */
	const char	*cells[MAX_CELLS + 1];	/* all nvals cells, then NULL */
};

/* One part of a zip made for a test: head, body repeated, tail. */
struct part {
	const char	*name;
	const char	*head;
	const char	*body;
	long		 repeat;
	const char	*tail;
};

struct fixture {
	const char		*file;
	int			(*gen)(const char *path);	/* made here */
	const struct part	*zip;				/* made here */
	/* options */
	long			 max_rows;
	int			 phone_col, name_col, header;
	size_t			 max_unc, max_strings;
	/* what must come out */
	enum calllist_status	 status;
	long			 err_line;
	long			 rows;		/* handed to the callback */
	enum calllist_format	 format;	/* these on CL_OK only */
	enum calllist_encoding	 encoding;
	char			 delimiter;
	size_t			 ncols;
	int			 phone, name, has_header;
	const char		*headers[MAX_CELLS + 1];
	struct want_row		 first[MAX_ROWS];
	long			 last_line;	/* 0: not checked */
	const char		*every_name;	/* NULL: not checked */
};

/* --- files made here ---------------------------------------------------- */

static int
write_file(const char *path, const char *data, size_t len)
{
	FILE	*f;
	int	 rc;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	rc = fwrite(data, 1, len, f) == len ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

static int
gen_nul(const char *path)
{
	static const char	 s[] = "手机号,姓名\n13500000001,张\0三\n";

	return write_file(path, s, sizeof(s) - 1);
}

/* A NUL past the bytes the format sniffing looks at. */
static int
gen_nul_late(const char *path)
{
	FILE	*f;
	int	 i;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fprintf(f, "手机号,姓名\n");
	for (i = 0; i < 2000; i++)
		fprintf(f, "135%08d,客户\n", i);
	fputc('\0', f);
	return fclose(f);
}

static int
gen_controls(const char *path)
{
	char	 s[4096];
	size_t	 i;

	for (i = 0; i < sizeof(s); i++)
		s[i] = (char)(1 + i % 31);
	return write_file(path, s, sizeof(s));
}

static int
gen_ole2(const char *path)
{
	char	 s[512];

	memset(s, 0, sizeof(s));
	memcpy(s, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	return write_file(path, s, sizeof(s));
}

static int
gen_utf16(const char *path)
{
	static const char	 s[] = "\xff\xfe" "1\0" "3\0" "5\0" "\n\0";

	return write_file(path, s, sizeof(s) - 1);
}

/* Line ends of all three kinds in one file (found by tests/fuzz): an LF
 * after a line that ended in CR is a line end of its own. */
static int
gen_mixed_line_ends(const char *path)
{
	static const char	 s[] = "手机号\r13500000001\n13500000002\r\n"
	    "13500000003\r";

	return write_file(path, s, sizeof(s) - 1);
}

static int
gen_rows(const char *path)
{
	FILE	*f;
	int	 i;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fprintf(f, "手机号,姓名,备注\n");
	for (i = 0; i < 60000; i++)
		fprintf(f, "135%08d,客户%d,\"备注, %d\"\n", i, i, i);
	return fclose(f);
}

/* Bigger than a read chunk, so that some GB18030 characters are cut by
 * a chunk edge and must be carried over. */
static int
gen_gb18030_big(const char *path)
{
	char	*utf8 = NULL, *gb, *in, *out;
	size_t	 len = 0, inleft, outleft, cap;
	FILE	*mem;
	iconv_t	 cd;
	int	 i, rc;

	if ((mem = open_memstream(&utf8, &len)) == NULL)
		return -1;
	fprintf(mem, "手机号,姓名,城市\n");
	for (i = 0; i < 5000; i++)
		fprintf(mem, "135%08d,欧阳𠮷,上海市浦东新区\n", i);
	if (fclose(mem) != 0)
		return -1;
	cap = 2 * len;
	if ((gb = malloc(cap)) == NULL ||
	    (cd = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1) {
		free(gb);
		free(utf8);
		return -1;
	}
	in = utf8;
	inleft = len;
	out = gb;
	outleft = cap;
	rc = iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1 ? -1 :
	    write_file(path, gb, cap - outleft);
	iconv_close(cd);
	free(gb);
	free(utf8);
	return rc;
}

/* A quote opened on line 3 and never closed, with megabytes after it. */
static int
gen_runaway_quote(const char *path)
{
	FILE	*f;
	int	 i;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fprintf(f, "手机号,姓名\n13500000001,张三\n13500000002,\"李四\n");
	for (i = 0; i < 100000; i++)
		fprintf(f, "135%08d,客户%d\n", i, i);
	return fclose(f);
}

static int
gen_long_row(const char *path)
{
	FILE	*f;
	int	 i;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fprintf(f, "手机号,备注\n13500000001,");
	for (i = 0; i < 1500000; i++)
		fputc('x', f);
	fprintf(f, "\n");
	return fclose(f);
}

static int
gen_many_columns(const char *path)
{
	FILE	*f;
	int	 i;

	if ((f = fopen(path, "wb")) == NULL)
		return -1;
	fprintf(f, "手机号");
	for (i = 0; i < 20000; i++)
		fputc(',', f);
	fprintf(f, "\n13500000001\n");
	return fclose(f);
}

static int
make_zip(const char *path, const struct part *parts)
{
	zip_t		*za;
	zip_source_t	*src;
	char		*buf;
	size_t		 hl, bl, tl, len;
	long		 i;
	int		 err;

	if ((za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err)) == NULL)
		return -1;
	for (; parts->name != NULL; parts++) {
		hl = parts->head ? strlen(parts->head) : 0;
		bl = parts->body ? strlen(parts->body) : 0;
		tl = parts->tail ? strlen(parts->tail) : 0;
		len = hl + bl * (size_t)parts->repeat + tl;
		if ((buf = malloc(len + 1)) == NULL)
			goto fail;
		memcpy(buf, parts->head ? parts->head : "", hl);
		for (i = 0; i < parts->repeat; i++)
			memcpy(buf + hl + bl * (size_t)i, parts->body, bl);
		memcpy(buf + hl + bl * (size_t)parts->repeat,
		    parts->tail ? parts->tail : "", tl);
		if ((src = zip_source_buffer(za, buf, len, 1)) == NULL) {
			free(buf);
			goto fail;
		}
		if (zip_file_add(za, parts->name, src, ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(src);
			goto fail;
		}
	}
	return zip_close(za) == 0 ? 0 : -1;
fail:
	zip_discard(za);
	return -1;
}

#define NS_MAIN	"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL	"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG	"http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

#define WORKBOOK_ONE_SHEET XML_DECL \
	"<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>" \
	"<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define RELS_ONE_SHEET XML_DECL \
	"<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" " \
	"Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>" \
	"<Relationship Id=\"rId2\" Type=\"" NS_REL "/sharedStrings\" " \
	"Target=\"sharedStrings.xml\"/></Relationships>"
#define SHEET_HEAD XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
#define SHEET_TAIL "</sheetData></worksheet>"
#define SHEET_HEADER_ROW "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" \
	"手机号</t></is></c></row>"

/*
 * The first sheet is not sheet1.xml and the relationships prefix is not
 * r:, the shared strings live elsewhere, and the cells are everything
 * Excel and other writers produce: rich text, phonetic runs, _x000D_,
 * numbers written in exponent form, formulas, booleans, errors, rows and
 * cells without r=, gaps.
 */
static const struct part xlsx_crafted[] = {
	{ "xl/workbook.xml", XML_DECL "<workbook xmlns=\"" NS_MAIN "\" "
	    "xmlns:rel=\"" NS_REL "\"><sheets>"
	    "<sheet name=\"数据\" sheetId=\"2\" rel:id=\"rId3\"/>"
	    "<sheet name=\"其他\" sheetId=\"1\" rel:id=\"rId1\"/>"
	    "</sheets></workbook>", NULL, 0, NULL },
	{ "xl/_rels/workbook.xml.rels", XML_DECL "<Relationships xmlns=\""
	    NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
	    "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	    "<Relationship Id=\"rId3\" Type=\"" NS_REL "/worksheet\" "
	    "Target=\"/xl/worksheets/data.xml\"/>"
	    "<Relationship Id=\"rId2\" Type=\"" NS_REL "/sharedStrings\" "
	    "Target=\"strings.xml\"/></Relationships>", NULL, 0, NULL },
	{ "xl/strings.xml", XML_DECL "<sst xmlns=\"" NS_MAIN "\" count=\"5\" "
	    "uniqueCount=\"5\">"
	    "<si><t>手机号</t></si>"
	    "<si><r><rPr><b/></rPr><t>姓</t></r><r><t>名</t></r></si>"
	    "<si><r><t>张</t></r><r><t xml:space=\"preserve\">三 </t></r>"
	    "<rPh sb=\"0\" eb=\"1\"><t>ZHANG</t></rPh></si>"
	    "<si><t>第一行_x000D_\n第二行</t></si>"
	    "<si><t>备注</t></si></sst>", NULL, 0, NULL },
	{ "xl/worksheets/data.xml", SHEET_HEAD
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\">"
	    "<v>1</v></c><c r=\"C1\" t=\"s\"><v>4</v></c></row>"
	    "<row r=\"2\"><c r=\"A2\"><v>1.3500000001E10</v></c>"
	    "<c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"s\"><v>3</v></c>"
	    "</row>"
	    "<row><c><v>13500000002</v></c><c t=\"inlineStr\"><is><r><t>李</t>"
	    "</r><r><t>四</t></r></is></c><c t=\"b\"><v>1</v></c></row>"
	    "<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\" t=\"s\"/></row>"
	    "<row r=\"7\"><c r=\"A7\" t=\"str\"><f>A2+2</f><v>13500000003</v>"
	    "</c><c r=\"C7\"><v>0.30000000000000004</v></c></row>"
	    "<row r=\"9\"><c r=\"A9\"><v>13500000004</v></c>"
	    "<c r=\"E9\" t=\"e\"><v>#N/A</v></c></row>"
	    SHEET_TAIL, NULL, 0, NULL },
	{ "xl/worksheets/sheet1.xml", SHEET_HEAD "<row r=\"1\"><c r=\"A1\" "
	    "t=\"inlineStr\"><is><t>wrong sheet</t></is></c></row>"
	    SHEET_TAIL, NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* No relationships part: sheet1.xml is read. */
static const struct part xlsx_norels[] = {
	{ "xl/workbook.xml", WORKBOOK_ONE_SHEET, NULL, 0, NULL },
	{ "xl/worksheets/sheet1.xml", SHEET_HEAD SHEET_HEADER_ROW
	    "<row r=\"2\"><c r=\"A2\"><v>13500000001</v></c></row>"
	    SHEET_TAIL, NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* A sheet of 2 MiB that deflates to a few KiB; the cap is 1 MiB. */
static const struct part xlsx_bomb[] = {
	{ "xl/workbook.xml", WORKBOOK_ONE_SHEET, NULL, 0, NULL },
	{ "xl/_rels/workbook.xml.rels", RELS_ONE_SHEET, NULL, 0, NULL },
	{ "xl/worksheets/sheet1.xml", SHEET_HEAD SHEET_HEADER_ROW,
	    "<row><c><v>13500000001</v></c></row>", 60000, SHEET_TAIL },
	{ NULL, NULL, NULL, 0, NULL }
};

static const struct part xlsx_sst_index[] = {
	{ "xl/workbook.xml", WORKBOOK_ONE_SHEET, NULL, 0, NULL },
	{ "xl/_rels/workbook.xml.rels", RELS_ONE_SHEET, NULL, 0, NULL },
	{ "xl/sharedStrings.xml", XML_DECL "<sst xmlns=\"" NS_MAIN "\">"
	    "<si><t>手机号</t></si></sst>", NULL, 0, NULL },
	{ "xl/worksheets/sheet1.xml", SHEET_HEAD
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
	    "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c></row>"
	    SHEET_TAIL, NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* 100,000 shared strings against a 64 KiB budget. */
static const struct part xlsx_many_strings[] = {
	{ "xl/workbook.xml", WORKBOOK_ONE_SHEET, NULL, 0, NULL },
	{ "xl/_rels/workbook.xml.rels", RELS_ONE_SHEET, NULL, 0, NULL },
	{ "xl/sharedStrings.xml", XML_DECL "<sst xmlns=\"" NS_MAIN "\">",
	    "<si><t>客户</t></si>", 100000, "</sst>" },
	{ "xl/worksheets/sheet1.xml", SHEET_HEAD SHEET_HEADER_ROW SHEET_TAIL,
	    NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

static const struct part xlsx_bad_xml[] = {
	{ "xl/workbook.xml", WORKBOOK_ONE_SHEET, NULL, 0, NULL },
	{ "xl/worksheets/sheet1.xml", SHEET_HEAD SHEET_HEADER_ROW
	    "<row r=\"2\"><c r=\"A2\"><v>13500000001</c></row>", NULL, 0,
	    NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* Entity expansion ("billion laughs") needs a DTD: none is accepted. */
static const struct part xlsx_doctype[] = {
	{ "xl/workbook.xml", WORKBOOK_ONE_SHEET, NULL, 0, NULL },
	{ "xl/worksheets/sheet1.xml", XML_DECL "<!DOCTYPE worksheet ["
	    "<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
	    "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" SHEET_HEADER_ROW
	    "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>&b;</t></is></c>"
	    "</row>" SHEET_TAIL, NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

static const struct part zip_not_xlsx[] = {
	{ "readme.txt", "这不是表格", NULL, 0, NULL },
	{ "word/document.xml", "<w:document/>", NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

static const struct part zip_no_sheet[] = {
	{ "xl/workbook.xml", WORKBOOK_ONE_SHEET, NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* Set the declared size of every entry to 1000 bytes (local headers and
 * central directory): the cap must hold on what inflates, not on what
 * the archive claims. */
static int
gen_lying_bomb(const char *path)
{
	FILE		*f;
	unsigned char	*b;
	long		 len, i;
	int		 rc = -1;

	if (make_zip(path, xlsx_bomb) != 0 || (f = fopen(path, "r+b")) == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 ||
	    (b = malloc((size_t)len)) == NULL) {
		fclose(f);
		return -1;
	}
	rewind(f);
	if (fread(b, 1, (size_t)len, f) == (size_t)len) {
		for (i = 0; i + 46 < len; i++) {
			if (memcmp(b + i, "PK\x03\x04", 4) == 0)
				memcpy(b + i + 22, "\xe8\x03\0\0", 4);
			else if (memcmp(b + i, "PK\x01\x02", 4) == 0)
				memcpy(b + i + 24, "\xe8\x03\0\0", 4);
		}
		rewind(f);
		rc = fwrite(b, 1, (size_t)len, f) == (size_t)len ? 0 : -1;
	}
	free(b);
	return fclose(f) == 0 ? rc : -1;
}

static int
gen_truncated_zip(const char *path)
{
	static const char	 s[] = "PK\x03\x04\x14\0\0\0\x08\0garbage";

	return write_file(path, s, sizeof(s) - 1);
}

/* --- the table ---------------------------------------------------------- */

#define CSV_OK	.status = CL_OK, .format = CL_CSV
#define XLSX_OK	.status = CL_OK, .format = CL_XLSX, .encoding = CL_UTF8

static const struct fixture fixtures[] = {
	{ .file = "utf8.csv", CSV_OK, .encoding = CL_UTF8, .delimiter = ',',
	  .rows = 3, .ncols = 3, .phone = 0, .name = 1, .has_header = 1,
	  .headers = { "手机号", "姓名", "城市" },
	  .first = {
	    { 2, 3, { "13500000001", "张三", "北京" } },
	    { 3, 3, { "135 0000 0002", "李四", "上海" } },
	    { 4, 3, { "+86 135-0000-0003", "王五", "广州" } } } },
	{ .file = "utf8-bom.csv", CSV_OK, .encoding = CL_UTF8_BOM,
	  .delimiter = ',', .rows = 2, .ncols = 3, .phone = 1, .name = 0,
	  .has_header = 1, .headers = { "姓名", "电话号码", "备注" },
	  .first = {
	    { 2, 3, { "张三", "13500000001", "老客户" } },
	    { 3, 3, { "李四", "13500000002", "" } } } },
	{ .file = "gb18030.csv", CSV_OK, .encoding = CL_GB18030,
	  .delimiter = ',', .rows = 3, .ncols = 3, .phone = 1, .name = 0,
	  .has_header = 1, .headers = { "客户名称", "手机号码", "地址" },
	  .first = {
	    { 2, 3, { "张三", "13500000001", "北京市朝阳区" } },
	    { 3, 3, { "欧阳㐀", "13500000002", "上海" } },
	    { 4, 3, { "𠮷野家", "13500000003", "深圳" } } } },
	{ .file = "gb18030-big.csv", .gen = gen_gb18030_big, CSV_OK,
	  .encoding = CL_GB18030, .delimiter = ',', .rows = 5000, .ncols = 3,
	  .phone = 0, .name = 1, .has_header = 1,
	  .first = { { 2, 3, { "13500000000", "欧阳𠮷", "上海市浦东新区" } } },
	  .last_line = 5001, .every_name = "欧阳𠮷" },
	{ .file = "tab.csv", CSV_OK, .encoding = CL_UTF8, .delimiter = '\t',
	  .rows = 2, .ncols = 3, .phone = 0, .name = 1, .has_header = 1,
	  .first = {
	    { 2, 3, { "13500000001", "张三", "北京, 朝阳" } },
	    { 3, 3, { "13500000002", "李四", "" } } } },
	{ .file = "semicolon.csv", CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ';', .rows = 2, .ncols = 3, .phone = 0, .name = 1,
	  .has_header = 1, .headers = { "phone", "name", "note" },
	  .first = { { 2, 3, { "13500000001", "Zhang San", "a,b" } } } },
	{ .file = "quoted.csv", CSV_OK, .encoding = CL_UTF8, .delimiter = ',',
	  .rows = 3, .ncols = 3, .phone = 0, .name = 1, .has_header = 1,
	  .first = {
	    { 2, 3, { "13500000001", "张,三", "他说\"你好\"" } },
	    { 3, 3, { "13500000002", "李四", "第一行\n第二行" } },
	    { 5, 3, { "13500000003", "王五", "a,\"b\",c" } } } },
	{ .file = "crlf.csv", CSV_OK, .encoding = CL_UTF8, .delimiter = ',',
	  .rows = 2, .ncols = 3, .phone = 0, .name = 1, .has_header = 1,
	  .first = {
	    { 2, 3, { "13500000001", "张三", "x\r\ny" } },
	    { 5, 3, { "13500000002", "李四", "z" } } } },
	{ .file = "cr.csv", CSV_OK, .encoding = CL_UTF8, .delimiter = ',',
	  .rows = 2, .ncols = 1, .phone = 0, .name = -1, .has_header = 1,
	  .first = { { 2, 1, { "13500000001" } }, { 3, 1, { "13500000002" } } } },
	{ .file = "mixed-line-ends.csv", .gen = gen_mixed_line_ends, CSV_OK,
	  .encoding = CL_UTF8, .delimiter = ',', .rows = 3, .ncols = 1,
	  .phone = 0, .name = -1, .has_header = 1,
	  .first = { { 2, 1, { "13500000001" } }, { 3, 1, { "13500000002" } },
	    { 4, 1, { "13500000003" } } } },
	{ .file = "ragged.csv", CSV_OK, .encoding = CL_UTF8, .delimiter = ',',
	  .rows = 3, .ncols = 3, .phone = 0, .name = 1, .has_header = 1,
	  .first = {
	    { 2, 2, { "13500000001", "张三", "" } },
	    { 3, 4, { "13500000002", "李四", "x", "extra" } },
	    { 5, 3, { "13500000003", "王五", "y" } } } },
	{ .file = "noheader.csv", CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 2, .ncols = 3, .phone = 1, .name = -1,
	  .has_header = 0, .headers = { "列1", "列2", "列3" },
	  .first = { { 1, 3, { "张三", "13500000001", "北京" } } } },
	{ .file = "header-name-only.csv", CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 1, .ncols = 2, .phone = 1, .name = 0,
	  .has_header = 1, .headers = { "姓名", "联系方式" },
	  .first = { { 2, 2, { "张三", "13500000001" } } } },
	{ .file = "header-titles.csv", CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 1, .ncols = 3, .phone = 0, .name = 1,
	  .has_header = 1, .headers = { "Mobile", "NAME", "列3" } },
	{ .file = "rows60k.csv", .gen = gen_rows, CSV_OK,
	  .encoding = CL_UTF8, .delimiter = ',', .rows = 60000, .ncols = 3,
	  .phone = 0, .name = 1, .has_header = 1,
	  .first = { { 2, 3, { "13500000000", "客户0", "备注, 0" } } },
	  .last_line = 60001 },

	/* the caller's choices */
	{ .file = "utf8.csv", .phone_col = COL(2), .name_col = COL_NONE,
	  CSV_OK, .encoding = CL_UTF8, .delimiter = ',', .rows = 3, .ncols = 3,
	  .phone = 2, .name = -1, .has_header = 1,
	  .first = { { 2, 3, { "13500000001", "张三", "北京" } } } },
	{ .file = "noheader.csv", .name_col = COL(0), CSV_OK,
	  .encoding = CL_UTF8, .delimiter = ',', .rows = 2, .ncols = 3,
	  .phone = 1, .name = 0, .has_header = 0 },
	{ .file = "noheader.csv", .header = HDR_YES, CSV_OK,
	  .encoding = CL_UTF8, .delimiter = ',', .rows = 1, .ncols = 3,
	  .phone = 1, .name = -1, .has_header = 1,
	  .headers = { "张三", "13500000001", "北京" } },
	{ .file = "utf8.csv", .header = HDR_NO, .status = CL_ERR_NO_PHONE_COLUMN,
	  .err_line = 1 },
	{ .file = "utf8.csv", .phone_col = COL(7), .status = CL_ERR_BAD_COLUMN },
	{ .file = "utf8.csv", .max_rows = 2, .status = CL_ERR_TOO_MANY_ROWS,
	  .err_line = 4, .rows = 2 },
	{ .file = "utf8.csv", .max_rows = 3, CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 3, .ncols = 3, .phone = 0, .name = 1,
	  .has_header = 1 },

	/* CSV that cannot be read, and where */
	{ .file = "quote-unclosed.csv", .status = CL_ERR_QUOTE, .err_line = 3,
	  .rows = 1 },
	{ .file = "quote-junk.csv", .status = CL_ERR_QUOTE, .err_line = 3,
	  .rows = 1 },
	{ .file = "quote-midfile.csv", .status = CL_ERR_QUOTE, .err_line = 2 },
	{ .file = "quote-stray.csv", .status = CL_ERR_QUOTE, .err_line = 2 },
	{ .file = "runaway.csv", .gen = gen_runaway_quote,
	  .status = CL_ERR_QUOTE, .err_line = 3, .rows = 1 },
	{ .file = "longrow.csv", .gen = gen_long_row,
	  .status = CL_ERR_ROW_TOO_LONG, .err_line = 2 },
	{ .file = "manycols.csv", .gen = gen_many_columns,
	  .status = CL_ERR_TOO_MANY_COLUMNS, .err_line = 1 },
	{ .file = "utf8-broken.csv", .status = CL_ERR_BAD_UTF8, .err_line = 5,
	  .rows = 3 },
	{ .file = "neither.csv", .status = CL_ERR_ENCODING, .err_line = 3,
	  .rows = 1 },
	{ .file = "noheader-nophone.csv", .status = CL_ERR_NO_PHONE_COLUMN,
	  .err_line = 1 },
	{ .file = "empty.csv", .status = CL_ERR_EMPTY },
	{ .file = "blank.csv", .status = CL_ERR_EMPTY },
	{ .file = "header-only.csv", .status = CL_ERR_HEADER_ONLY },

	/* not text at all */
	{ .file = "nul.csv", .gen = gen_nul, .status = CL_ERR_BINARY },
	{ .file = "nul-late.csv", .gen = gen_nul_late, .status = CL_ERR_BINARY },
	{ .file = "controls.bin", .gen = gen_controls, .status = CL_ERR_BINARY },
	{ .file = "old.xls", .gen = gen_ole2, .status = CL_ERR_OLD_EXCEL },
	{ .file = "unicode.txt", .gen = gen_utf16, .status = CL_ERR_UTF16 },

	/* .xlsx */
	{ .file = "xlsx-shared.xlsx", XLSX_OK, .rows = 4, .ncols = 3,
	  .phone = 1, .name = 0, .has_header = 1,
	  .headers = { "姓名", "手机号", "备注" },
	  .first = {
	    { 2, 3, { "张三", "13500000001", "VIP" } },
	    { 3, 3, { "李四", "135 0000 0002", "" } },
	    { 5, 3, { "", "13500000003", "备注5" } },
	    { 6, 3, { "王五", "13500000004", "1.5" } } } },
	{ .file = "xlsx-inline.xlsx", XLSX_OK, .rows = 2, .ncols = 2,
	  .phone = 1, .name = -1, .has_header = 0, .headers = { "列1", "列2" },
	  .first = {
	    { 1, 2, { "张三", "13500000001" } },
	    { 2, 4, { "李四", "+86 135 0000 0002", "", "D列" } } } },
	{ .file = "crafted.xlsx", .zip = xlsx_crafted, XLSX_OK, .rows = 4,
	  .ncols = 3, .phone = 0, .name = 1, .has_header = 1,
	  .headers = { "手机号", "姓名", "备注" },
	  .first = {
	    { 2, 3, { "13500000001", "张三 ", "第一行\r\n第二行" } },
	    { 3, 3, { "13500000002", "李四", "TRUE" } },
	    { 7, 3, { "13500000003", "", "0.3" } },
	    { 9, 5, { "13500000004", "", "", "", "#N/A" } } } },
	{ .file = "norels.xlsx", .zip = xlsx_norels, XLSX_OK, .rows = 1,
	  .ncols = 1, .phone = 0, .name = -1, .has_header = 1,
	  .first = { { 2, 1, { "13500000001" } } } },
	{ .file = "bomb.xlsx", .zip = xlsx_bomb, .max_unc = 1 << 20,
	  .status = CL_ERR_XLSX_TOO_BIG },
	{ .file = "lying-bomb.xlsx", .gen = gen_lying_bomb,
	  .max_unc = 1 << 20, .status = CL_ERR_XLSX_TOO_BIG,
	  .rows = -1 },
	{ .file = "bomb-ok.xlsx", .zip = xlsx_bomb, XLSX_OK, .rows = 60000,
	  .ncols = 1, .phone = 0, .name = -1, .has_header = 1,
	  .last_line = 60001 },
	{ .file = "many-strings.xlsx", .zip = xlsx_many_strings,
	  .max_strings = 64 << 10, .status = CL_ERR_XLSX_STRINGS },
	{ .file = "sst-index.xlsx", .zip = xlsx_sst_index,
	  .status = CL_ERR_XLSX_CORRUPT, .err_line = 2 },
	{ .file = "bad-xml.xlsx", .zip = xlsx_bad_xml,
	  .status = CL_ERR_XLSX_CORRUPT },
	{ .file = "doctype.xlsx", .zip = xlsx_doctype,
	  .status = CL_ERR_XLSX_CORRUPT },
	{ .file = "not-xlsx.zip", .zip = zip_not_xlsx,
	  .status = CL_ERR_NOT_XLSX },
	{ .file = "no-sheet.xlsx", .zip = zip_no_sheet,
	  .status = CL_ERR_NOT_XLSX },
	{ .file = "truncated.xlsx", .gen = gen_truncated_zip,
	  .status = CL_ERR_NOT_XLSX },
};

/* --- running it --------------------------------------------------------- */

static char	 tmpdir[] = "/tmp/check_calllist.XXXXXX";

struct got_row {
	long	 line;
	size_t	 ncols, nvals;
	char	*cells[MAX_CELLS + 2];
};

struct got {
	const struct fixture	*f;
	long			 rows;
	long			 last_line;
	struct got_row		 first[MAX_ROWS];
};

static int
collect(void *arg, const struct calllist_row *row)
{
	struct got		*g = arg;
	const struct calllist_info *info = row->info;
	struct got_row		*gr;
	size_t			 i;

	/* What every row promises, whatever the file. */
	ck_assert_int_ge(row->nvals, info->ncols);
	ck_assert_int_ge(row->nvals, row->ncols);
	ck_assert_int_gt(row->line, g->last_line);
	ck_assert_str_eq(row->phone_raw, row->cols[info->phone_col]);
	ck_assert_str_eq(row->name, info->name_col >= 0 ?
	    row->cols[info->name_col] : "");
	if (g->f->every_name != NULL)
		ck_assert_str_eq(row->name, g->f->every_name);

	if (g->rows < MAX_ROWS) {
		gr = &g->first[g->rows];
		gr->line = row->line;
		gr->ncols = row->ncols;
		gr->nvals = row->nvals;
		for (i = 0; i < row->nvals && i < MAX_CELLS + 1; i++)
			ck_assert_ptr_nonnull(gr->cells[i] =
			    strdup(row->cols[i]));
	}
	g->rows++;
	g->last_line = row->line;
	return 0;
}

static void
fixture_path(const struct fixture *f, char *path, size_t size)
{
	const char	*top = getenv("top_srcdir");

	if (f->gen != NULL || f->zip != NULL)
		snprintf(path, size, "%s/%s", tmpdir, f->file);
	else
		snprintf(path, size, "%s/tests/fixtures/calllist/%s",
		    top != NULL ? top : ".", f->file);
}

static void
check_rows(const struct fixture *f, const struct got *g)
{
	const struct want_row	*w;
	const struct got_row	*gr;
	size_t			 i, n;

	for (i = 0; i < MAX_ROWS && f->first[i].line != 0; i++) {
		w = &f->first[i];
		gr = &g->first[i];
		ck_assert_msg((long)i < g->rows, "%s: row %zu missing",
		    f->file, i);
		ck_assert_int_eq(gr->line, w->line);
		ck_assert_int_eq(gr->ncols, w->ncols);
		for (n = 0; w->cells[n] != NULL; n++)
			continue;
		ck_assert_msg(gr->nvals == n, "%s line %ld: %zu cells, want %zu",
		    f->file, w->line, gr->nvals, n);
		for (n = 0; w->cells[n] != NULL; n++)
			ck_assert_str_eq(gr->cells[n], w->cells[n]);
	}
}

START_TEST(test_fixture)
{
	const struct fixture	*f = &fixtures[_i];
	struct calllist_opts	 o;
	struct calllist_info	 info;
	struct calllist_error	 err;
	struct got		 g;
	enum calllist_status	 st;
	char			 path[1024];
	size_t			 i, c;

	fixture_path(f, path, sizeof(path));
	if (f->gen != NULL)
		ck_assert_int_eq(f->gen(path), 0);
	else if (f->zip != NULL)
		ck_assert_int_eq(make_zip(path, f->zip), 0);

	calllist_opts_init(&o);
	if (f->max_rows)
		o.max_rows = f->max_rows;
	if (f->max_unc)
		o.max_bytes_uncompressed = f->max_unc;
	if (f->max_strings)
		o.max_bytes_strings = f->max_strings;
	o.phone_col = f->phone_col > 0 ? f->phone_col - 1 : CALLLIST_DETECT;
	o.name_col = f->name_col > 0 ? f->name_col - 1 :
	    f->name_col == COL_NONE ? CALLLIST_NONE : CALLLIST_DETECT;
	o.header = f->header == HDR_NO ? 0 : f->header == HDR_YES ? 1 : -1;

	memset(&g, 0, sizeof(g));
	g.f = f;
	st = calllist_read(path, &o, collect, &g, &info, &err);
	if (f->gen != NULL || f->zip != NULL)
		unlink(path);

	ck_assert_msg(st == f->status, "%s: got %s (%s), want %s", f->file,
	    calllist_status_code(st), err.en, calllist_status_code(f->status));
	ck_assert_int_eq(err.code, st);
	ck_assert_int_eq(err.line, f->err_line);
	if (st >= CL_ERR_IO) {
		ck_assert_int_gt(strlen(err.zh), 0);
		ck_assert_int_gt(strlen(err.en), 0);
	}
	if (f->rows >= 0)
		ck_assert_msg(g.rows == f->rows, "%s: %ld rows, want %ld",
		    f->file, g.rows, f->rows);
	ck_assert_int_eq(info.rows, g.rows);
	check_rows(f, &g);
	if (f->last_line != 0)
		ck_assert_int_eq(g.last_line, f->last_line);

	if (st == CL_OK) {
		ck_assert_int_eq(info.format, f->format);
		ck_assert_int_eq(info.encoding, f->encoding);
		ck_assert_int_eq(info.delimiter, f->delimiter);
		ck_assert_int_eq(info.ncols, f->ncols);
		ck_assert_int_eq(info.phone_col, f->phone);
		ck_assert_int_eq(info.name_col, f->name);
		ck_assert_int_eq(info.has_header, f->has_header);
		for (i = 0; f->headers[i] != NULL; i++) {
			ck_assert_int_lt(i, info.ncols);
			ck_assert_str_eq(info.headers[i], f->headers[i]);
		}
	}

	for (i = 0; i < MAX_ROWS; i++)
		for (c = 0; c < MAX_CELLS + 2; c++)
			free(g.first[i].cells[c]);
	calllist_info_free(&info);
}
END_TEST

/* The messages operators see, for the errors the brief names. */
static const struct {
	const char		*file;
	long			 max_rows;
	const char		*zh;
} messages[] = {
	{ "empty.csv", 0, "文件是空的" },
	{ "header-only.csv", 0, "只有表头，没有数据行" },
	{ "quote-unclosed.csv", 0, "第 3 行引号不成对" },
	{ "utf8.csv", 2, "名单超过 2 行的上限" },
};

START_TEST(test_message)
{
	struct calllist_opts	 o;
	struct calllist_error	 err;
	char			 path[1024];
	const char		*top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/fixtures/calllist/%s",
	    top != NULL ? top : ".", messages[_i].file);
	calllist_opts_init(&o);
	o.max_rows = messages[_i].max_rows;
	ck_assert_int_ne(calllist_read(path, &o, NULL, NULL, NULL, &err), CL_OK);
	ck_assert_str_eq(err.zh, messages[_i].zh);
}
END_TEST

static int
stop_after_two(void *arg, const struct calllist_row *row)
{
	int	*n = arg;

	(void)row;
	return ++*n == 2;
}

START_TEST(test_callback_stops)
{
	struct calllist_info	 info;
	struct calllist_error	 err;
	char			 path[1024];
	const char		*top = getenv("top_srcdir");
	int			 n = 0;

	snprintf(path, sizeof(path), "%s/tests/fixtures/calllist/utf8.csv",
	    top != NULL ? top : ".");
	ck_assert_int_eq(calllist_read(path, NULL, stop_after_two, &n, &info,
	    &err), CL_STOPPED);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(info.rows, 2);
	ck_assert_int_eq(err.code, CL_STOPPED);
	calllist_info_free(&info);
}
END_TEST

START_TEST(test_missing_file)
{
	struct calllist_info	 info;
	struct calllist_error	 err;

	ck_assert_int_eq(calllist_read("/nonexistent/list.csv", NULL, NULL,
	    NULL, &info, &err), CL_ERR_IO);
	ck_assert_str_eq(err.zh, "无法读取上传的文件");
	ck_assert_ptr_nonnull(strstr(err.en, "No such file"));
	calllist_info_free(&info);
	calllist_info_free(&info);	/* twice is harmless */
}
END_TEST

START_TEST(test_status_codes)
{
	int	 st;

	for (st = 0; st < CL_STATUS__MAX; st++) {
		ck_assert_ptr_nonnull(calllist_status_code(st));
		ck_assert_str_ne(calllist_status_code(st), "unknown");
	}
	ck_assert_str_eq(calllist_status_code(CL_STATUS__MAX), "unknown");
}
END_TEST

static Suite *
calllist_suite(void)
{
	Suite	*s = suite_create("calllist");
	TCase	*tc = tcase_create("calllist");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_fixture, 0,
	    (int)(sizeof(fixtures) / sizeof(fixtures[0])));
	tcase_add_loop_test(tc, test_message, 0,
	    (int)(sizeof(messages) / sizeof(messages[0])));
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_status_codes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	sr = srunner_create(calllist_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (rmdir(tmpdir) == -1)
		fprintf(stderr, "rmdir %s: %s\n", tmpdir, strerror(errno));
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
