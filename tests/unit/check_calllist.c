/* check_calllist.c: calllist_read() over the kinds of file operators
 * upload, one table row per file saying what must come out of it: the
 * sheet, the header row, the columns, the cells as text; and
 * calllist_read_ahead() reading every one of them the same. Fixtures are in
 * tests/fixtures/calllist (make-fixtures.sh for CSV and libxlsxwriter
 * files, make-office.py for what openpyxl, xlwt and LibreOffice save);
 * crafted and big ones are made here. */
#include "autoconf.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <zip.h>

#include "calllist.h"
#include "unit.h"

#define MAX_ROWS	5	/* rows compared cell by cell */
#define MAX_CELLS	8

/* Column options in the table: 0 leaves the default (detect). */
#define COL(n)		((n) + 1)
#define COL_NONE	(-1)
#define HDR_NO		1
#define HDR_YES		2
#define SHEET(n)	((n) + 1)

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
	long			 header_line;
	int			 sheet;		/* SHEET(n) */
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
	long			 hline;		/* header line; 0: not checked */
	int			 read_sheet;	/* SHEET(n); 0: not checked */
	/* "name:rows,..." of every sheet, * before a hidden one */
	const char		*sheets;
	const char		*head1;		/* first head row's text */
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

/* Number formats: built-in (14, 22, 49) and custom (a Chinese date, a
 * time, a percentage) ones, Excel's phantom 1900-02-29, an ISO t="d". */
static const struct part xlsx_formats[] = {
	{ "xl/workbook.xml", WORKBOOK_ONE_SHEET, NULL, 0, NULL },
	{ "xl/_rels/workbook.xml.rels", RELS_ONE_SHEET, NULL, 0, NULL },
	{ "xl/styles.xml", XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\">"
	    "<numFmts count=\"3\">"
	    "<numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;"
	    "月&quot;d&quot;日&quot;\"/>"
	    "<numFmt numFmtId=\"165\" formatCode=\"[$-804]h:mm:ss\"/>"
	    "<numFmt numFmtId=\"166\" formatCode=\"0.00%\"/></numFmts>"
	    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	    "<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
	    "<xf numFmtId=\"22\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
	    "<xf numFmtId=\"166\"/><xf numFmtId=\"49\"/></cellXfs>"
	    "</styleSheet>", NULL, 0, NULL },
	{ "xl/worksheets/sheet1.xml", SHEET_HEAD
	    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>手机号</t></is>"
	    "</c><c r=\"H1\" t=\"inlineStr\"><is><t>h</t></is></c></row>"
	    "<row r=\"2\"><c r=\"A2\"><v>13500000001</v></c>"
	    "<c r=\"B2\" s=\"1\"><v>59</v></c><c r=\"C2\" s=\"1\"><v>61</v></c>"
	    "<c r=\"D2\" s=\"2\"><v>46354.604166666664</v></c>"
	    "<c r=\"E2\" s=\"3\"><v>46354</v></c>"
	    "<c r=\"F2\" s=\"4\"><v>0.604340277777778</v></c>"
	    "<c r=\"G2\" s=\"5\"><v>0.125</v></c>"
	    "<c r=\"H2\" t=\"d\"><v>2026-11-28T14:30:00</v></c></row>"
	    "<row r=\"3\"><c r=\"A3\" s=\"0\"><v>13500000002</v></c>"
	    "<c r=\"B3\" s=\"6\"><v>46354.5</v></c>"
	    "<c r=\"D3\" s=\"1\"><v>46354.75</v></c>"
	    "<c r=\"E3\" s=\"1\"><v>-1</v></c><c r=\"F3\"><v>0.5</v></c></row>"
	    SHEET_TAIL, NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* The only visible sheet is empty; the hidden one is read, not refused. */
static const struct part xlsx_hidden_only[] = {
	{ "xl/workbook.xml", XML_DECL "<workbook xmlns=\"" NS_MAIN "\" "
	    "xmlns:r=\"" NS_REL "\"><sheets>"
	    "<sheet name=\"空\" sheetId=\"1\" r:id=\"rId1\"/>"
	    "<sheet name=\"藏\" sheetId=\"2\" state=\"hidden\" r:id=\"rId2\"/>"
	    "</sheets></workbook>", NULL, 0, NULL },
	{ "xl/_rels/workbook.xml.rels", XML_DECL "<Relationships xmlns=\""
	    NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
	    "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	    "<Relationship Id=\"rId2\" Type=\"" NS_REL "/worksheet\" "
	    "Target=\"worksheets/sheet2.xml\"/></Relationships>", NULL, 0,
	    NULL },
	{ "xl/worksheets/sheet1.xml", SHEET_HEAD SHEET_TAIL, NULL, 0, NULL },
	{ "xl/worksheets/sheet2.xml", SHEET_HEAD SHEET_HEADER_ROW
	    "<row r=\"2\"><c r=\"A2\"><v>13500000001</v></c></row>"
	    SHEET_TAIL, NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

#define ODS_MIME	"application/vnd.oasis.opendocument.spreadsheet"
#define ODS_HEAD XML_DECL "<office:document-content " \
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" " \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" " \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">"
#define ODS_BODY "<office:body><office:spreadsheet>"
#define ODS_TAIL "</office:spreadsheet></office:body></office:document-content>"
#define ODS_HEADER_ROW "<table:table-row><table:table-cell " \
	"office:value-type=\"string\"><text:p>手机号</text:p></table:table-cell>" \
	"</table:table-row>"

/* A hidden table first; a merged title, a blank row, the header with a
 * comment; spaces, paragraphs, tabs, rich text, a number shown as
 * 1.35E+10, a cell repeated over three columns, a million blank rows
 * that LibreOffice writes as one repeated row, a boolean. */
static const struct part ods_crafted[] = {
	{ "mimetype", ODS_MIME, NULL, 0, NULL },
	{ "content.xml", ODS_HEAD "<office:automatic-styles>"
	    "<style:style style:name=\"ta1\" style:family=\"table\">"
	    "<style:table-properties table:display=\"true\"/></style:style>"
	    "<style:style style:name=\"ta2\" style:family=\"table\">"
	    "<style:table-properties table:display=\"false\"/></style:style>"
	    "</office:automatic-styles>" ODS_BODY
	    "<table:table table:name=\"旧\" table:style-name=\"ta2\">"
	    ODS_HEADER_ROW "</table:table>"
	    "<table:table table:name=\"名单\" table:style-name=\"ta1\">"
	    "<table:table-row><table:table-cell office:value-type=\"string\" "
	    "table:number-columns-spanned=\"3\"><text:p>客户名单</text:p>"
	    "</table:table-cell><table:covered-table-cell "
	    "table:number-columns-repeated=\"2\"/><table:table-cell "
	    "table:number-columns-repeated=\"16381\"/></table:table-row>"
	    "<table:table-row><table:table-cell "
	    "table:number-columns-repeated=\"16384\"/></table:table-row>"
	    "<table:table-row><table:table-cell office:value-type=\"string\">"
	    "<text:p>姓名</text:p></table:table-cell><table:table-cell "
	    "office:value-type=\"string\"><text:p>手机</text:p>"
	    "</table:table-cell><table:table-cell office:value-type=\"string\">"
	    "<text:p>备注</text:p><office:annotation><text:p>批注不是数据"
	    "</text:p></office:annotation></table:table-cell></table:table-row>"
	    "<table:table-row><table:table-cell office:value-type=\"string\">"
	    "<text:p>张<text:s text:c=\"2\"/>三</text:p></table:table-cell>"
	    "<table:table-cell office:value-type=\"float\" "
	    "office:value=\"13500000001\"><text:p>1.35E+10</text:p>"
	    "</table:table-cell><table:table-cell office:value-type=\"string\">"
	    "<text:p>a</text:p><text:p>b</text:p></table:table-cell>"
	    "<table:table-cell office:value-type=\"string\"><text:p>a<text:tab/>"
	    "b</text:p></table:table-cell></table:table-row>"
	    "<table:table-row><table:table-cell office:value-type=\"string\">"
	    "<text:p><text:span>李</text:span>四</text:p></table:table-cell>"
	    "<table:table-cell office:value-type=\"float\" "
	    "office:value=\"13500000002\" table:number-columns-repeated=\"3\">"
	    "<text:p>13500000002</text:p></table:table-cell></table:table-row>"
	    "<table:table-row table:number-rows-repeated=\"1048576\">"
	    "<table:table-cell table:number-columns-repeated=\"16384\"/>"
	    "</table:table-row>"
	    "<table:table-row><table:table-cell office:value-type=\"string\">"
	    "<text:p>王五</text:p></table:table-cell><table:table-cell "
	    "office:value-type=\"float\" office:value=\"13500000003\">"
	    "<text:p>13500000003</text:p></table:table-cell><table:table-cell "
	    "office:value-type=\"boolean\" office:boolean-value=\"true\">"
	    "<text:p>真</text:p></table:table-cell></table:table-row>"
	    "</table:table>" ODS_TAIL, NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* 2.4 MB of rows that deflate to a few KiB; the cap is 1 MiB. */
static const struct part ods_bomb[] = {
	{ "mimetype", ODS_MIME, NULL, 0, NULL },
	{ "content.xml", ODS_HEAD ODS_BODY "<table:table table:name=\"a\">"
	    ODS_HEADER_ROW, "<table:table-row><table:table-cell office:value-type"
	    "=\"float\" office:value=\"13500000001\"/></table:table-row>", 20000,
	    "</table:table>" ODS_TAIL },
	{ NULL, NULL, NULL, 0, NULL }
};

static const struct part ods_doctype[] = {
	{ "mimetype", ODS_MIME, NULL, 0, NULL },
	{ "content.xml", XML_DECL "<!DOCTYPE x [<!ENTITY a \"aaaaaaaa\">]>"
	    "<office:document-content "
	    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>",
	    NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* A value repeated past Excel's last column. */
static const struct part ods_wide[] = {
	{ "mimetype", ODS_MIME, NULL, 0, NULL },
	{ "content.xml", ODS_HEAD ODS_BODY "<table:table table:name=\"a\">"
	    "<table:table-row><table:table-cell office:value-type=\"string\" "
	    "table:number-columns-repeated=\"20000\"><text:p>x</text:p>"
	    "</table:table-cell></table:table-row></table:table>" ODS_TAIL,
	    NULL, 0, NULL },
	{ NULL, NULL, NULL, 0, NULL }
};

/* A text document is a zip with content.xml too. */
static const struct part zip_odt[] = {
	{ "mimetype", "application/vnd.oasis.opendocument.text", NULL, 0, NULL },
	{ "content.xml", ODS_HEAD ODS_BODY ODS_TAIL, NULL, 0, NULL },
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
#define XLS_OK	.status = CL_OK, .format = CL_XLS, .encoding = CL_UTF8
#define ODS_OK	.status = CL_OK, .format = CL_ODS, .encoding = CL_UTF8

/* make-office.py's title list, as each program saved it: a merged title,
 * a blank row and a note above the header; dates, times, a percentage,
 * booleans, a phone shown as 1.35E+10, landlines, a formula (whose value
 * only an office program computes). */
#define OFFICE_TITLE(f, fmt, formula) \
	{ .file = f, fmt, .rows = 5, .ncols = 8, .phone = 2, .name = 1, \
	  .has_header = 1, .hline = 4, .sheets = "客户名单:8", \
	  .head1 = "2026年12月客户名单", \
	  .headers = { "序号", "姓名", "手机号码", "登记日期", "回访时间", \
	    "比例", "是否会员", "备注" }, \
	  .first = { \
	    { 5, 8, { "1", "张三", "13500000001", "2026-11-28", \
	      "2026-11-28 14:30", "50%", "TRUE", "老客户" } }, \
	    { 6, 8, { "2", "李四", "135 0000 0002", "2026-01-05", \
	      "2026-01-05 09:05:30", "13%", "FALSE", "" } }, \
	    { 7, 8, { "3", "王五", "13500000003", "2025-12-31", \
	      "2025-12-31 23:59", "100%", "TRUE", "富文本" } }, \
	    { 8, 8, { "4", "赵六", "010-12345678", "2026-02-01", \
	      "2026-02-01 08:00", "0%", "FALSE", "座机" } }, \
	    { 9, 8, { "5", "钱七", "0755 1234 5678", "2026-03-01", \
	      "2026-03-01 12:00", "0%", "FALSE", formula } } } }
/* The first sheet empty, the list on the second, rows on a third. */
#define OFFICE_MULTI(f, fmt) \
	{ .file = f, fmt, .rows = 5, .ncols = 2, .phone = 1, .name = 0, \
	  .has_header = 1, .hline = 1, .read_sheet = SHEET(1), \
	  .sheets = "封面:0,名单:6,补充:3", \
	  .first = { { 2, 2, { "客户1", "13500000001" } } } }
/* A hidden first sheet. */
#define OFFICE_HIDDEN(f, fmt) \
	{ .file = f, fmt, .rows = 2, .ncols = 2, .phone = 1, .name = 0, \
	  .has_header = 1, .hline = 1, .read_sheet = SHEET(1), \
	  .sheets = "*上月:2,本月:3", \
	  .first = { { 2, 2, { "新客户1", "13800000001" } } } }

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
	{ .file = "utf8.csv", .header = HDR_NO, CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 4, .ncols = 3, .phone = 0, .name = -1,
	  .has_header = 0, .hline = -1,
	  .first = { { 1, 3, { "手机号", "姓名", "城市" } },
	    { 2, 3, { "13500000001", "张三", "北京" } } } },
	{ .file = "utf8.csv", .header_line = 3, CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 1, .ncols = 3, .phone = 0, .name = -1,
	  .has_header = 1, .hline = 3,
	  .headers = { "135 0000 0002", "李四", "上海" },
	  .first = { { 4, 3, { "+86 135-0000-0003", "王五", "广州" } } } },
	{ .file = "utf8.csv", .header_line = 9,
	  .status = CL_ERR_BAD_HEADER_ROW },
	{ .file = "utf8.csv", .sheet = SHEET(1), .status = CL_ERR_BAD_SHEET },
	{ .file = "utf8.csv", .phone_col = COL(7), .status = CL_ERR_BAD_COLUMN },
	{ .file = "utf8.csv", .max_rows = 2, .status = CL_ERR_TOO_MANY_ROWS,
	  .err_line = 4, .rows = 2 },
	{ .file = "utf8.csv", .max_rows = 3, CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 3, .ncols = 3, .phone = 0, .name = 1,
	  .has_header = 1 },

	/* CSV that cannot be read, and where */
	{ .file = "quote-unclosed.csv", .status = CL_ERR_QUOTE, .err_line = 3 },
	{ .file = "quote-junk.csv", .status = CL_ERR_QUOTE, .err_line = 3 },
	{ .file = "quote-midfile.csv", .status = CL_ERR_QUOTE, .err_line = 2 },
	{ .file = "quote-stray.csv", .status = CL_ERR_QUOTE, .err_line = 2 },
	{ .file = "runaway.csv", .gen = gen_runaway_quote,
	  .status = CL_ERR_QUOTE, .err_line = 3 },
	{ .file = "longrow.csv", .gen = gen_long_row,
	  .status = CL_ERR_ROW_TOO_LONG, .err_line = 2 },
	{ .file = "manycols.csv", .gen = gen_many_columns,
	  .status = CL_ERR_TOO_MANY_COLUMNS, .err_line = 1 },
	{ .file = "utf8-broken.csv", .status = CL_ERR_BAD_UTF8, .err_line = 5 },
	{ .file = "neither.csv", .status = CL_ERR_ENCODING, .err_line = 3 },
	/* The row above the first phone number is the header. */
	{ .file = "noheader-nophone.csv", CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 1, .ncols = 2, .phone = 1, .name = -1,
	  .has_header = 1, .hline = 1, .headers = { "张三", "abc" } },
	/* No phone anywhere: the first rows are kept for a column picker. */
	{ .file = "nophone.csv", .status = CL_ERR_NO_PHONE_COLUMN,
	  .err_line = 2, .hline = 1, .sheets = ":3",
	  .head1 = "部门 | 负责人 | 联系方式" },
	/* Title, blank and note rows above the header. */
	{ .file = "title.csv", CSV_OK, .encoding = CL_UTF8, .delimiter = ',',
	  .rows = 2, .ncols = 3, .phone = 1, .name = 0, .has_header = 1,
	  .hline = 4, .headers = { "姓名", "联系电话", "备注" },
	  .head1 = "2026年12月客户名单",
	  .first = { { 5, 3, { "张三", "13500000001", "" } } } },
	/* ... but not past a row naming the name column. */
	{ .file = "header-bad-first.csv", CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 2, .ncols = 2, .phone = 1, .name = 0,
	  .has_header = 1, .hline = 2, .headers = { "客户", "联系方式" },
	  .first = { { 3, 2, { "张三", "未知" } } } },
	/* No title names the phone: the row above the first number. */
	{ .file = "title-untitled.csv", CSV_OK, .encoding = CL_UTF8,
	  .delimiter = ',', .rows = 2, .ncols = 2, .phone = 1, .name = 0,
	  .has_header = 1, .hline = 2, .headers = { "客户", "联系方式" } },
	{ .file = "empty.csv", .status = CL_ERR_EMPTY },
	{ .file = "blank.csv", .status = CL_ERR_EMPTY },
	{ .file = "header-only.csv", .status = CL_ERR_HEADER_ONLY },

	/* not text at all */
	{ .file = "nul.csv", .gen = gen_nul, .status = CL_ERR_BINARY },
	{ .file = "nul-late.csv", .gen = gen_nul_late, .status = CL_ERR_BINARY },
	{ .file = "controls.bin", .gen = gen_controls, .status = CL_ERR_BINARY },
	{ .file = "old.xls", .gen = gen_ole2, .status = CL_ERR_XLSX_CORRUPT },
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
	{ .file = "formats.xlsx", .zip = xlsx_formats, XLSX_OK, .rows = 2,
	  .ncols = 8, .phone = 0, .name = -1, .has_header = 1, .hline = 1,
	  .first = {
	    { 2, 8, { "13500000001", "1900-02-28", "1900-03-01",
	      "2026-11-28 14:30", "2026-11-28", "14:30:15", "12.50%",
	      "2026-11-28 14:30" } },
	    { 3, 8, { "13500000002", "46354.5", "", "2026-11-28", "-1",
	      "0.5", "", "" } } } },
	{ .file = "hidden-only.xlsx", .zip = xlsx_hidden_only, XLSX_OK,
	  .rows = 1, .ncols = 1, .phone = 0, .name = -1, .has_header = 1,
	  .read_sheet = SHEET(1), .sheets = "空:0,*藏:2" },

	/* what offices save (make-office.py) */
	OFFICE_TITLE("office-title.xlsx", XLSX_OK, ""),
	OFFICE_TITLE("lo-title.xlsx", XLSX_OK, "钱七（座机）"),
	OFFICE_TITLE("lo-title.ods", ODS_OK, "钱七（座机）"),
	{ .file = "lo-title.xls", XLS_OK, .rows = 5, .ncols = 8, .phone = 2,
	  .name = 1, .has_header = 1, .hline = 4, .sheets = "客户名单:8",
	  .first = {
	    /* libfreexl gives neither formats (0.5, not 50%) nor booleans */
	    { 5, 8, { "1", "张三", "13500000001", "2026-11-28",
	      "2026-11-28 14:30", "0.5", "", "老客户" } },
	    { 6, 8, { "2", "李四", "135 0000 0002", "2026-01-05",
	      "2026-01-05 09:05:30", "0.125", "", "" } } } },
	{ .file = "office-xlwt.xls", XLS_OK, .rows = 3, .ncols = 4, .phone = 1,
	  .name = 0, .has_header = 1, .hline = 3, .sheets = "名单:5,补充:2",
	  .head1 = "2026年12月客户名单",
	  .first = {
	    { 4, 4, { "张三", "13500000001", "2026-11-28",
	      "2026-11-28 14:30" } } } },
	{ .file = "office-1904.xlsx", XLSX_OK, .rows = 2, .ncols = 3,
	  .phone = 0, .name = 1, .has_header = 1, .hline = 1,
	  .first = { { 2, 3, { "13500000001", "张三", "1990-06-15" } },
	    { 3, 3, { "13500000002", "李四", "2026-11-28" } } } },
	OFFICE_MULTI("office-multi.xlsx", XLSX_OK),
	OFFICE_MULTI("lo-multi.ods", ODS_OK),
	OFFICE_MULTI("lo-multi.xls", XLS_OK),
	{ .file = "office-multi.xlsx", .sheet = SHEET(2), XLSX_OK, .rows = 2,
	  .ncols = 2, .phone = 1, .name = 0, .has_header = 1,
	  .read_sheet = SHEET(2), .sheets = "封面:0,名单:6,补充:3",
	  .first = { { 2, 2, { "补充1", "13600000001" } } } },
	{ .file = "lo-multi.ods", .sheet = SHEET(0), .status = CL_ERR_EMPTY },
	{ .file = "office-multi.xlsx", .sheet = SHEET(3),
	  .status = CL_ERR_BAD_SHEET },
	OFFICE_HIDDEN("office-hidden.xlsx", XLSX_OK),
	OFFICE_HIDDEN("lo-hidden.ods", ODS_OK),
	{ .file = "office-hidden.xlsx", .sheet = SHEET(0), XLSX_OK, .rows = 1,
	  .ncols = 2, .phone = 1, .name = 0, .has_header = 1,
	  .read_sheet = SHEET(0),
	  .first = { { 2, 2, { "旧客户", "13700000001" } } } },
	{ .file = "office-title.xlsx", .header_line = 3, XLSX_OK, .rows = 6,
	  .ncols = 3, .phone = 2, .name = -1, .has_header = 1, .hline = 3,
	  .phone_col = COL(2),
	  .headers = { "说明：请勿外传；回访时间为北京时间" },
	  .first = { { 4, 8, { "序号", "姓名", "手机号码", "登记日期",
	    "回访时间", "比例", "是否会员", "备注" } } } },
	{ .file = "office-nophone.xlsx", .status = CL_ERR_NO_PHONE_COLUMN,
	  .err_line = 2, .hline = 1, .sheets = "Sheet:3",
	  .head1 = "部门 | 负责人 | 联系方式" },

	/* .ods made here: repeats, covered cells, spaces, annotations */
	{ .file = "crafted.ods", .zip = ods_crafted, ODS_OK, .rows = 3,
	  .ncols = 3, .phone = 1, .name = 0, .has_header = 1, .hline = 3,
	  .sheets = "*旧:1,名单:5",
	  .first = {
	    { 4, 4, { "张  三", "13500000001", "a\nb", "a\tb" } },
	    { 5, 4, { "李四", "13500000002", "13500000002", "13500000002" } },
	    { 1048582, 3, { "王五", "13500000003", "TRUE" } } } },
	{ .file = "ods-bomb.ods", .zip = ods_bomb, .max_unc = 1 << 20,
	  .status = CL_ERR_XLSX_TOO_BIG },
	{ .file = "ods-doctype.ods", .zip = ods_doctype,
	  .status = CL_ERR_XLSX_CORRUPT },
	{ .file = "ods-wide.ods", .zip = ods_wide,
	  .status = CL_ERR_TOO_MANY_COLUMNS, .err_line = 1 },
	{ .file = "odt.odt", .zip = zip_odt, .status = CL_ERR_NOT_XLSX },
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

/* info.sheets as "name:rows,...", a hidden one starred. */
static void
check_sheets(const struct fixture *f, const struct calllist_info *info)
{
	char	 got[1024] = "";
	size_t	 i, n = 0;

	for (i = 0; i < info->nsheets && n < sizeof(got); i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s%s:%ld",
		    i > 0 ? "," : "", info->sheets[i].hidden ? "*" : "",
		    info->sheets[i].name, info->sheets[i].rows);
	ck_assert_msg(strcmp(got, f->sheets) == 0, "%s: sheets %s, want %s",
	    f->file, got, f->sheets);
}

/* The options of a fixture's table row. */
static void
fixture_opts(const struct fixture *f, struct calllist_opts *o)
{
	calllist_opts_init(o);
	if (f->max_rows)
		o->max_rows = f->max_rows;
	if (f->max_unc)
		o->max_bytes_uncompressed = f->max_unc;
	if (f->max_strings)
		o->max_bytes_strings = f->max_strings;
	o->phone_col = f->phone_col > 0 ? f->phone_col - 1 : CALLLIST_DETECT;
	o->name_col = f->name_col > 0 ? f->name_col - 1 :
	    f->name_col == COL_NONE ? CALLLIST_NONE : CALLLIST_DETECT;
	o->header = f->header == HDR_NO ? 0 : f->header == HDR_YES ? 1 : -1;
	o->header_line = f->header_line;
	o->sheet = f->sheet > 0 ? f->sheet - 1 : -1;
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

	fixture_opts(f, &o);

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

	/* What the preview shows, also when no phone column was found. */
	if (f->hline != 0)
		ck_assert_int_eq(info.header_line, f->hline < 0 ? 0 : f->hline);
	if (f->read_sheet != 0)
		ck_assert_int_eq(info.sheet, f->read_sheet - 1);
	if (f->sheets != NULL)
		check_sheets(f, &info);
	if (f->head1 != NULL) {
		ck_assert_int_gt(info.nhead, 0);
		ck_assert_str_eq(info.head[0].text, f->head1);
	}
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

/*
 * A UTF-8 text and the same text saved as GB18030 read alike: the same
 * status, error, detected layout and rows. The first is what tests/fuzz
 * found (corpus/csv/regress-gb18030-controls.csv): 89 characters with one
 * control character, 95 bytes in UTF-8 (U+05BB takes 2) but 103 in
 * GB18030 (it takes 4), so that counting bytes called one binary and the
 * other text. The second goes the other way (CJK: 3 bytes against 2).
 */
static const struct {
	const char		*name;
	const char		*utf8;
	enum calllist_status	 status;
} same_texts[] = {
	{ "fuzz-u05bb",
	  "p`one;name\n"
	  "1\xd6\xbb" "Xh0000005E+10;Exc\xd6\xbb" "Xh30;e\n"
	  "1\xd6\xbb" "Xh0000005E+10;Exc\xd6\xbb" "Xh30;\"quoted\"quoted \""
	  "\x14" "\")name\"\"\"\n&", CL_ERR_BINARY },
	{ "cjk-remark",
	  "手机号,姓名,备注\n"
	  "13500000001,张三,客户很满意请明天上午十点以后再打电话确认\x14\n",
	  CL_ERR_BINARY },
	{ "rows",
	  "手机号,姓名\n13500000001,张三\n13500000002,李四\x14\n"
	  "13500000003,王五\n13500000004,赵六\n13500000005,钱七\n"
	  "13500000006,孙八\n13500000007,周九\n13500000008,吴十\n", CL_OK },
};

static int
transcribe_row(void *arg, const struct calllist_row *row)
{
	FILE	*f = arg;
	size_t	 i;

	fprintf(f, "row %ld ncols %zu:", row->line, row->ncols);
	for (i = 0; i < row->nvals; i++)
		fprintf(f, " [%s]", row->cols[i]);
	fprintf(f, "\n");
	return 0;
}

typedef enum calllist_status (*reader_fn)(const char *,
    const struct calllist_opts *, int (*)(void *,
    const struct calllist_row *), void *, struct calllist_info *,
    struct calllist_error *);

/* Everything read() says of path with opts but the encoding, as text;
 * malloc()ed. */
static char *
transcribe_with(reader_fn read, const char *path,
    const struct calllist_opts *opts, enum calllist_status *st,
    enum calllist_encoding *enc)
{
	struct calllist_info	 info;
	struct calllist_error	 err;
	char			*s = NULL;
	size_t			 len = 0, i;
	FILE			*f;

	ck_assert_ptr_nonnull(f = open_memstream(&s, &len));
	*st = read(path, opts, transcribe_row, f, &info, &err);
	*enc = info.encoding;
	fprintf(f, "status %s line %ld: %s\n", calllist_status_code(*st),
	    err.line, err.en);
	fprintf(f, "delimiter %d ncols %zu phone %d name %d header %d "
	    "rows %ld\n", info.delimiter, info.ncols, info.phone_col,
	    info.name_col, info.has_header, info.rows);
	for (i = 0; info.headers != NULL && i < info.ncols; i++)
		fprintf(f, "header [%s]\n", info.headers[i]);
	fprintf(f, "error %d %s | %s\nsheet %d header line %ld format %d\n",
	    err.code, err.zh, err.en, info.sheet, info.header_line,
	    info.format);
	for (i = 0; i < info.nsheets; i++)
		fprintf(f, "sheet [%s] rows %ld hidden %d\n",
		    info.sheets[i].name, info.sheets[i].rows,
		    info.sheets[i].hidden);
	for (i = 0; i < info.nhead; i++)
		fprintf(f, "head %ld [%s]\n", info.head[i].line,
		    info.head[i].text);
	ck_assert_int_eq(fclose(f), 0);
	calllist_info_free(&info);
	return s;
}

static char *
transcribe(const char *path, enum calllist_status *st,
    enum calllist_encoding *enc)
{
	return transcribe_with(calllist_read, path, NULL, st, enc);
}

START_TEST(test_same_as_gb18030)
{
	const char		*utf8 = same_texts[_i].utf8;
	enum calllist_encoding	 uenc, genc;
	enum calllist_status	 ust, gst;
	char			 upath[1024], gpath[1024], gb[4096];
	char			*in = (char *)utf8, *out = gb, *ut, *gt;
	size_t			 inleft = strlen(utf8), outleft = sizeof(gb);
	iconv_t			 cd;

	snprintf(upath, sizeof(upath), "%s/%s-utf8.csv", tmpdir,
	    same_texts[_i].name);
	snprintf(gpath, sizeof(gpath), "%s/%s-gb18030.csv", tmpdir,
	    same_texts[_i].name);
	ck_assert_ptr_ne(cd = iconv_open("GB18030", "UTF-8"), (iconv_t)-1);
	ck_assert_int_ne(iconv(cd, &in, &inleft, &out, &outleft), (size_t)-1);
	iconv_close(cd);
	ck_assert_int_eq(write_file(upath, utf8, strlen(utf8)), 0);
	ck_assert_int_eq(write_file(gpath, gb, sizeof(gb) - outleft), 0);

	ut = transcribe(upath, &ust, &uenc);
	gt = transcribe(gpath, &gst, &genc);
	unlink(upath);
	unlink(gpath);
	ck_assert_msg(strcmp(ut, gt) == 0, "%s: UTF-8 reads\n%s\nGB18030 "
	    "reads\n%s", same_texts[_i].name, ut, gt);
	ck_assert_msg(ust == same_texts[_i].status, "%s: got %s, want %s",
	    same_texts[_i].name, calllist_status_code(ust),
	    calllist_status_code(same_texts[_i].status));
	ck_assert_int_eq(uenc, CL_UTF8);
	ck_assert_int_eq(genc, CL_GB18030);
	free(ut);
	free(gt);
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

/* --- reading ahead in a thread ----------------------------------------- */

/* Every fixture reads the same through calllist_read_ahead() as through
 * calllist_read(): each row, the status, the message, what info says. */
START_TEST(test_ahead_same)
{
	const struct fixture	*f = &fixtures[_i];
	struct calllist_opts	 o;
	enum calllist_encoding	 e1, e2;
	enum calllist_status	 s1, s2;
	char			 path[1024], *t1, *t2;

	fixture_path(f, path, sizeof(path));
	if (f->gen != NULL)
		ck_assert_int_eq(f->gen(path), 0);
	else if (f->zip != NULL)
		ck_assert_int_eq(make_zip(path, f->zip), 0);
	fixture_opts(f, &o);
	t1 = transcribe_with(calllist_read, path, &o, &s1, &e1);
	t2 = transcribe_with(calllist_read_ahead, path, &o, &s2, &e2);
	if (f->gen != NULL || f->zip != NULL)
		unlink(path);
	ck_assert_msg(strcmp(t1, t2) == 0, "%s: calllist_read reads\n%.2000s"
	    "\ncalllist_read_ahead reads\n%.2000s", f->file, t1, t2);
	ck_assert_int_eq(s1, f->status);
	ck_assert_int_eq(s2, s1);
	ck_assert_int_eq(e2, e1);
	free(t1);
	free(t2);
}
END_TEST

#define AHEAD_ROWS	20000
#define AHEAD_BAD_LINE	15001

/* AHEAD_ROWS rows (many chunks), the one at bad_line (0: none) holding a
 * byte that is not UTF-8. */
static void
gen_ahead(const char *path, long bad_line)
{
	FILE	*f;
	long	 i;

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "手机号,姓名,城市\n");
	for (i = 2; i <= AHEAD_ROWS + 1; i++)
		fprintf(f, "135%08ld,客户%ld,%s\n", i, i, i == bad_line ?
		    "\xff" : "北京");
	ck_assert_int_eq(fclose(f), 0);
}

/* An error deep in the file: the rows before it are handed over, in
 * order, then the error, exactly as without the thread. */
START_TEST(test_ahead_error_midway)
{
	enum calllist_encoding	 e1, e2;
	enum calllist_status	 s1, s2;
	char			 path[1024], *t1, *t2;

	snprintf(path, sizeof(path), "%s/ahead-bad.csv", tmpdir);
	gen_ahead(path, AHEAD_BAD_LINE);
	t1 = transcribe_with(calllist_read, path, NULL, &s1, &e1);
	t2 = transcribe_with(calllist_read_ahead, path, NULL, &s2, &e2);
	unlink(path);
	ck_assert_int_eq(s1, CL_ERR_BAD_UTF8);
	ck_assert_int_eq(s2, CL_ERR_BAD_UTF8);
	ck_assert_ptr_nonnull(strstr(t2, "row 15000 ncols 3:"));
	ck_assert_ptr_null(strstr(t2, "row 15001 "));
	ck_assert_msg(strcmp(t1, t2) == 0, "the two reads differ");
	free(t1);
	free(t2);
}
END_TEST

struct stop_at {
	long	 seen, at;
};

static int
stop_at_row(void *arg, const struct calllist_row *row)
{
	struct stop_at	*s = arg;

	ck_assert_int_eq(row->line, s->seen + 2);
	return ++s->seen == s->at;
}

/* The taker stops it part way through a chunk, early or late: the reader
 * ends too (the call returns), no row comes after, and the result is
 * calllist_read()'s, also when the reader had met an error ahead. */
START_TEST(test_ahead_stops)
{
	static const long	 at[] = { 1, 700, 14990 };
	struct calllist_info	 info;
	struct calllist_error	 err;
	struct stop_at		 s;
	char			 path[1024];
	size_t			 i;

	snprintf(path, sizeof(path), "%s/ahead-stop.csv", tmpdir);
	gen_ahead(path, AHEAD_BAD_LINE);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		s.seen = 0;
		s.at = at[i];
		ck_assert_int_eq(calllist_read_ahead(path, NULL, stop_at_row,
		    &s, &info, &err), CL_STOPPED);
		ck_assert_int_eq(s.seen, at[i]);
		ck_assert_int_eq(err.code, CL_STOPPED);
		ck_assert_str_eq(err.en, "");
		ck_assert_int_eq(err.line, 0);
		calllist_info_free(&info);
	}
	unlink(path);
}
END_TEST

/* calllist_read_ahead() in its two steps, the caller's thread busy in
 * between (as the import is, storing the upload): started first, the
 * rows taken later. */
static enum calllist_status
read_in_two_steps(const char *path, const struct calllist_opts *opts,
    int (*row_cb)(void *, const struct calllist_row *), void *arg,
    struct calllist_info *info, struct calllist_error *err)
{
	struct calllist_ahead	*h;
	struct timespec		 pause = { 0, 2 * 1000 * 1000 };

	ck_assert_ptr_nonnull(h = calllist_ahead_start(path, opts, info, err));
	nanosleep(&pause, NULL);
	return calllist_ahead_finish(h, row_cb, arg);
}

/* Every fixture reads the same started early as through calllist_read(). */
START_TEST(test_two_steps_same)
{
	const struct fixture	*f = &fixtures[_i];
	struct calllist_opts	 o;
	enum calllist_encoding	 e1, e2;
	enum calllist_status	 s1, s2;
	char			 path[1024], *t1, *t2;

	fixture_path(f, path, sizeof(path));
	if (f->gen != NULL)
		ck_assert_int_eq(f->gen(path), 0);
	else if (f->zip != NULL)
		ck_assert_int_eq(make_zip(path, f->zip), 0);
	fixture_opts(f, &o);
	t1 = transcribe_with(calllist_read, path, &o, &s1, &e1);
	t2 = transcribe_with(read_in_two_steps, path, &o, &s2, &e2);
	if (f->gen != NULL || f->zip != NULL)
		unlink(path);
	ck_assert_msg(strcmp(t1, t2) == 0, "%s: calllist_read reads\n%.2000s"
	    "\nin two steps it reads\n%.2000s", f->file, t1, t2);
	ck_assert_int_eq(s2, s1);
	ck_assert_int_eq(e2, e1);
	free(t1);
	free(t2);
}
END_TEST

/* Started and given up (the import failed before it took a row): the
 * reader stops wherever it is, also blocked on a full ring or after an
 * error of its own, and the result is CL_STOPPED with no message. */
START_TEST(test_two_steps_abandoned)
{
	struct calllist_info	 info;
	struct calllist_error	 err;
	struct calllist_ahead	*h;
	struct timespec		 pause = { 0, 50 * 1000 * 1000 };
	char			 path[1024], missing[1024];
	const char		*paths[2];
	size_t			 i;

	snprintf(path, sizeof(path), "%s/ahead-abandoned.csv", tmpdir);
	snprintf(missing, sizeof(missing), "%s/no-such-list.csv", tmpdir);
	gen_ahead(path, 0);
	paths[0] = path;
	paths[1] = missing;
	for (i = 0; i < 2; i++) {
		memset(&info, 0, sizeof(info));
		ck_assert_ptr_nonnull(h = calllist_ahead_start(paths[i], NULL,
		    &info, &err));
		nanosleep(&pause, NULL);
		ck_assert_int_eq(calllist_ahead_finish(h, NULL, NULL),
		    CL_STOPPED);
		ck_assert_int_eq(err.code, CL_STOPPED);
		ck_assert_str_eq(err.en, "");
		calllist_info_free(&info);
	}
	unlink(path);
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
	tcase_add_loop_test(tc, test_same_as_gb18030, 0,
	    (int)(sizeof(same_texts) / sizeof(same_texts[0])));
	tcase_add_test(tc, test_callback_stops);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_status_codes);
	tcase_add_loop_test(tc, test_ahead_same, 0,
	    (int)(sizeof(fixtures) / sizeof(fixtures[0])));
	tcase_add_test(tc, test_ahead_error_midway);
	tcase_add_test(tc, test_ahead_stops);
	tcase_add_loop_test(tc, test_two_steps_same, 0,
	    (int)(sizeof(fixtures) / sizeof(fixtures[0])));
	tcase_add_test(tc, test_two_steps_abandoned);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int	 status;

	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	status = unit_run(calllist_suite());
	if (rmdir(tmpdir) == -1)
		fprintf(stderr, "rmdir %s: %s\n", tmpdir, strerror(errno));
	return status;
}
