/* xlsxread.c: the .xlsx reader of calllist_read(): the workbook's sheets,
 * the shared strings and the number formats (styles.xml), then each sheet
 * streamed through expat (zipxml.c). Only the shared-strings table and
 * one byte per cell style are held whole, because cells refer to them by
 * index. */
#include "autoconf.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calllist_impl.h"

#define PART_WORKBOOK	"xl/workbook.xml"
#define PART_RELS	"xl/_rels/workbook.xml.rels"
#define PART_SHEET1	"xl/worksheets/sheet1.xml"
#define PART_STRINGS	"xl/sharedStrings.xml"
#define PART_STYLES	"xl/styles.xml"
/* Excel allows 64,000 cell formats and 255 sheets. */
#define MAX_XF		65536
#define MAX_NUMFMT	4096
#define MAX_SHEETS	4096
/* Days from Excel's day 0 (1899-12-30 once past its phantom 1900-02-29)
 * and from the 1904 system's day 0 to 1970-01-01. */
#define DAYS_1900_TO_UNIX	25569
#define DAYS_1904_TO_UNIX	24107

/* What a cell style makes of a number. */
enum numkind {
	NK_NUMBER = 0,
	NK_DATE,
	NK_DATETIME,
	NK_TIME,
	NK_PERCENT,	/* with the decimals in the upper bits */
};
#define NK_KIND(k)	((k) & 0x0f)
#define NK_DECIMALS(k)	((k) >> 4)

enum cell_type {
	CELL_NUMBER,	/* t="n" or none */
	CELL_SHARED,	/* t="s": <v> indexes the shared strings */
	CELL_INLINE,	/* t="inlineStr": <is><t> */
	CELL_STRING,	/* t="str": a formula's text result */
	CELL_BOOL,	/* t="b" */
	CELL_DATE,	/* t="d": ISO 8601 */
	CELL_OTHER,	/* t="e" (#N/A): as written */
};

struct sheet {
	char			*rid;
	char			*part;
};

struct numfmt {
	unsigned		 id;
	unsigned char		 kind;
};

struct xlsx {
	struct cl_zip		 z;	/* first: the parsers' user data */
	struct cl_reader	*r;

	/* workbook.xml and its relationships */
	struct sheet		*sheets;
	size_t			 nsheets, sheetcap;
	int			 date1904;
	char			*strings_part;
	char			*styles_part;

	/* styles.xml: custom number formats, then one kind per cell style */
	struct numfmt		*fmts;
	size_t			 nfmts, fmtcap;
	unsigned char		*xfkind;
	size_t			 nxf, xfcap;
	int			 in_cellxfs;

	/* shared strings: NUL-terminated, one after the other in sst */
	char			*sst;
	size_t			 sstlen, sstcap;
	uint32_t		*sstoff;
	size_t			 nsst, sstoffcap;
	size_t			 sstlimit;	/* on sstcap + 4 * sstoffcap */
	size_t			 si_start;
	int			 in_si;

	/* text collection, shared strings and sheet alike */
	int			 in_t;		/* <t> of a string */
	int			 in_v;		/* <v> of a cell */
	int			 in_is;		/* <is> of a cell */
	int			 rph;		/* inside <rPh>: phonetic, skipped */

	/* the sheet */
	long			 rowno;
	int			 in_row, in_cell;
	int			 counting;	/* rows only counted */
	size_t			 col, next_col;
	enum cell_type		 ctype;
	unsigned char		 nkind;		/* the cell's number format */
	char			*val;		/* text of the cell */
	size_t			 vallen, valcap;
	struct cl_row		 row;		/* cells of the row */
};

static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t	 k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static int
is_hex4(const char *s)
{
	int	 i;

	for (i = 0; i < 4; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

/* OOXML writes characters XML cannot carry as _xHHHH_ (_x000D_ for CR);
 * decoding in place only ever shrinks the text. */
static size_t
unescape(char *s, size_t n)
{
	size_t		 i = 0, o = 0;
	unsigned long	 cp;
	char		 hex[5];

	while (i < n) {
		if (n - i >= 7 && s[i] == '_' && s[i + 1] == 'x' &&
		    s[i + 6] == '_' && is_hex4(s + i + 2)) {
			memcpy(hex, s + i + 2, 4);
			hex[4] = '\0';
			cp = strtoul(hex, NULL, 16);
			i += 7;
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			if (cp == 0)
				continue;
			if (cp < 0x80)
				s[o++] = (char)cp;
			else if (cp < 0x800) {
				s[o++] = (char)(0xc0 | (cp >> 6));
				s[o++] = (char)(0x80 | (cp & 0x3f));
			} else {
				s[o++] = (char)(0xe0 | (cp >> 12));
				s[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				s[o++] = (char)(0x80 | (cp & 0x3f));
			}
		} else
			s[o++] = s[i++];
	}
	return o;
}

/* The sheets and the shared strings are most of a workbook's XML, so
 * expat reads them without namespace processing, which costs it a
 * string built per element; like the namespaced reading, that takes an
 * element by its local name whatever its prefix ("x:row" or "row"). */
static const char *
plain_local(const char *name)
{
	const char	*s = strchr(name, ':');

	return s != NULL ? s + 1 : name;
}

/* Shorthands: every failure is the zip reader's. */
static void
fail(struct xlsx *x, enum calllist_status code, long line, long arg)
{
	cl_zip_fail(&x->z, code, line, arg);
}

static void
stop(struct xlsx *x, enum calllist_status st)
{
	cl_zip_stop(&x->z, st);
}

static int
grow(void **p, size_t *cap, size_t need, size_t size, size_t limit)
{
	return cl_grow(p, cap, need, size, limit);
}

/* workbook.xml: every <sheet> in order (announced with its name and
 * whether it is hidden, its relationship id kept) and the date system. */
static void
workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx		*x = ud;
	const char		*ln = cl_xml_local(name), *sep, *a;
	const char		*rid = NULL, *sname, *state;
	const XML_Char		**at;
	struct sheet		*sh;
	enum calllist_status	 st;

	if (strcmp(ln, "workbookPr") == 0) {
		a = cl_xml_attr(atts, "date1904");
		x->date1904 = a != NULL && (strcmp(a, "1") == 0 ||
		    strcmp(a, "true") == 0);
		return;
	}
	if (strcmp(ln, "sheet") != 0)
		return;
	for (at = atts; at[0] != NULL && rid == NULL; at += 2) {
		/* r:id, whatever the prefix is bound to: both the
		 * transitional and the strict relationships namespace
		 * end in "relationships". */
		sep = strrchr(at[0], CL_NS_SEP);
		if (sep != NULL && strcmp(sep + 1, "id") == 0 &&
		    ends_with(at[0], (size_t)(sep - at[0]), "relationships"))
			rid = at[1];
	}
	sname = cl_xml_attr(atts, "name");
	state = cl_xml_attr(atts, "state");
	if (grow((void **)&x->sheets, &x->sheetcap, x->nsheets + 1,
	    sizeof(*x->sheets), MAX_SHEETS) == -1) {
		fail(x, x->nsheets + 1 > MAX_SHEETS ? CL_ERR_XLSX_CORRUPT :
		    CL_ERR_NOMEM, 0, 0);
		return;
	}
	sh = &x->sheets[x->nsheets];
	memset(sh, 0, sizeof(*sh));
	if (rid != NULL && (sh->rid = strdup(rid)) == NULL) {
		fail(x, CL_ERR_NOMEM, 0, 0);
		return;
	}
	/* "hidden" and "veryHidden": what the operator does not see. */
	if ((st = cl_sheet_add(x->r, x->nsheets, sname != NULL ? sname : "",
	    state != NULL && strcmp(state, "visible") != 0)) != CL_OK) {
		free(sh->rid);
		cl_zip_stop(&x->z, st);
		return;
	}
	x->nsheets++;
}

static void
ignore_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

static void
ignore_text(void *ud, const XML_Char *s, int len)
{
	(void)ud;
	(void)s;
	(void)len;
}

/* A relationship target is relative to xl/ unless it starts with '/'. */
static char *
resolve(const char *target)
{
	char	*s;

	if (target[0] == '/')
		return strdup(target + 1);
	if (asprintf(&s, "xl/%s", target) == -1)
		return NULL;
	return s;
}

/* workbook.xml.rels: where each sheet, the shared strings and the
 * styles are. */
static void
rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx	*x = ud;
	const char	*id, *type, *target, *mode;
	char		**dst = NULL;
	size_t		 i;

	if (strcmp(cl_xml_local(name), "Relationship") != 0)
		return;
	id = cl_xml_attr(atts, "Id");
	type = cl_xml_attr(atts, "Type");
	target = cl_xml_attr(atts, "Target");
	mode = cl_xml_attr(atts, "TargetMode");
	if (target == NULL || (mode != NULL && strcmp(mode, "External") == 0))
		return;
	for (i = 0; id != NULL && i < x->nsheets && dst == NULL; i++)
		if (x->sheets[i].part == NULL && x->sheets[i].rid != NULL &&
		    strcmp(id, x->sheets[i].rid) == 0)
			dst = &x->sheets[i].part;
	if (dst == NULL && x->strings_part == NULL && type != NULL &&
	    ends_with(type, strlen(type), "/sharedStrings"))
		dst = &x->strings_part;
	else if (dst == NULL && x->styles_part == NULL && type != NULL &&
	    ends_with(type, strlen(type), "/styles"))
		dst = &x->styles_part;
	if (dst != NULL && (*dst = resolve(target)) == NULL)
		fail(x, CL_ERR_NOMEM, 0, 0);
}

/* --- number formats (styles.xml) ------------------------------------------ */

/* The built-in formats that show dates and times (ECMA-376 18.8.30,
 * with the zh-CN ones Excel and WPS use: 27-36, 50-58). */
static unsigned char
builtin_kind(unsigned id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		return NK_DATE;
	if (id == 22)
		return NK_DATETIME;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) ||
	    (id >= 45 && id <= 47) || id == 55 || id == 56)
		return NK_TIME;
	if (id == 9)
		return NK_PERCENT;
	if (id == 10)
		return NK_PERCENT | 2 << 4;
	return NK_NUMBER;
}

/*
 * What a format code shows a number as: its first section, outside
 * quoted text, escapes (\x, _x, *x) and [brackets] (colours, locales;
 * but [h] [m] [s] are elapsed time), read for y m d h s and %.
 */
static unsigned char
code_kind(const char *code)
{
	const char	*p;
	int		 date = 0, time = 0, month = 0, pct = 0, dec = 0, frac = 0;
	int		 c;

	for (p = code; *p != '\0' && *p != ';'; p++) {
		c = *p | 0x20;
		if (*p == '"') {
			while (p[1] != '\0' && p[1] != '"')
				p++;
			if (p[1] == '"')
				p++;
		} else if ((*p == '\\' || *p == '_' || *p == '*') && p[1] != '\0')
			p++;
		else if (*p == '[') {
			if (p[1] != '\0' && strchr("hHmMsS", p[1]) != NULL)
				time = 1;
			while (p[1] != '\0' && p[1] != ']')
				p++;
			if (p[1] == ']')
				p++;
		} else if (c == 'y' || c == 'd')
			date = 1;
		else if (c == 'h' || c == 's')
			time = 1;
		else if (c == 'm')
			month = 1;
		else if (*p == '%')
			pct = 1;
		else if (*p == '.')
			frac = 1;
		else if (*p == '0' && frac && !date && !time)
			dec++;
	}
	if (date && time)
		return NK_DATETIME;
	if (date || (month && !time))
		return NK_DATE;
	if (time)
		return NK_TIME;
	if (pct)
		return (unsigned char)(NK_PERCENT | (dec > 9 ? 9 : dec) << 4);
	return NK_NUMBER;
}

static unsigned char
format_kind(const struct xlsx *x, unsigned id)
{
	size_t	 i;

	for (i = 0; i < x->nfmts; i++)
		if (x->fmts[i].id == id)
			return x->fmts[i].kind;
	return builtin_kind(id);
}

/* <numFmt> come before <cellXfs> (the schema orders them). */
static void
styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx	*x = ud;
	const char	*ln = cl_xml_local(name), *id, *code;
	unsigned long	 n;

	if (strcmp(ln, "cellXfs") == 0)
		x->in_cellxfs = 1;
	else if (strcmp(ln, "numFmt") == 0) {
		id = cl_xml_attr(atts, "numFmtId");
		code = cl_xml_attr(atts, "formatCode");
		if (id == NULL || code == NULL || x->nfmts >= MAX_NUMFMT)
			return;
		if (grow((void **)&x->fmts, &x->fmtcap, x->nfmts + 1,
		    sizeof(*x->fmts), MAX_NUMFMT) == -1) {
			fail(x, CL_ERR_NOMEM, 0, 0);
			return;
		}
		x->fmts[x->nfmts].id = (unsigned)strtoul(id, NULL, 10);
		x->fmts[x->nfmts++].kind = code_kind(code);
	} else if (strcmp(ln, "xf") == 0 && x->in_cellxfs) {
		if (x->nxf >= MAX_XF)
			return;
		if (grow((void **)&x->xfkind, &x->xfcap, x->nxf + 1, 1,
		    MAX_XF) == -1) {
			fail(x, CL_ERR_NOMEM, 0, 0);
			return;
		}
		id = cl_xml_attr(atts, "numFmtId");
		n = id != NULL ? strtoul(id, NULL, 10) : 0;
		x->xfkind[x->nxf++] = format_kind(x, (unsigned)n);
	}
}

static void
styles_end(void *ud, const XML_Char *name)
{
	struct xlsx	*x = ud;

	if (strcmp(cl_xml_local(name), "cellXfs") == 0)
		x->in_cellxfs = 0;
}

/* Shared strings: keep to the budget, whose overrun is its own error. */
static int
sst_reserve(struct xlsx *x, size_t need)
{
	size_t	 offbytes = x->sstoffcap * sizeof(*x->sstoff);

	if (offbytes >= x->sstlimit ||
	    grow((void **)&x->sst, &x->sstcap, need, 1,
	    x->sstlimit - offbytes) == -1) {
		fail(x, need > x->sstlimit - offbytes ? CL_ERR_XLSX_STRINGS :
		    CL_ERR_NOMEM, 0, (long)x->sstlimit);
		return -1;
	}
	return 0;
}

static void
sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx	*x = ud;
	const char	*ln = plain_local(name);

	(void)atts;
	if (strcmp(ln, "si") == 0) {
		x->in_si = 1;
		x->rph = 0;
		x->si_start = x->sstlen;
	} else if (strcmp(ln, "rPh") == 0)
		x->rph++;
	else if (strcmp(ln, "t") == 0 && x->in_si && x->rph == 0)
		x->in_t = 1;
}

static void
sst_end(void *ud, const XML_Char *name)
{
	struct xlsx	*x = ud;
	const char	*ln = plain_local(name);
	size_t		 offlimit;

	if (strcmp(ln, "t") == 0)
		x->in_t = 0;
	else if (strcmp(ln, "rPh") == 0 && x->rph > 0)
		x->rph--;
	else if (strcmp(ln, "si") == 0 && x->in_si) {
		x->in_si = 0;
		if (sst_reserve(x, x->sstlen + 1) == -1)
			return;
		x->sstlen = x->si_start + unescape(x->sst + x->si_start,
		    x->sstlen - x->si_start);
		x->sst[x->sstlen++] = '\0';
		offlimit = (x->sstlimit - x->sstcap) / sizeof(*x->sstoff);
		if (x->sstcap >= x->sstlimit ||
		    grow((void **)&x->sstoff, &x->sstoffcap, x->nsst + 1,
		    sizeof(*x->sstoff), offlimit) == -1) {
			fail(x, x->nsst + 1 > offlimit ? CL_ERR_XLSX_STRINGS :
			    CL_ERR_NOMEM, 0, (long)x->sstlimit);
			return;
		}
		x->sstoff[x->nsst++] = (uint32_t)x->si_start;
	}
}

static void
sst_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx	*x = ud;

	if (!x->in_t || len <= 0)
		return;
	if (sst_reserve(x, x->sstlen + (size_t)len + 1) == -1)
		return;
	memcpy(x->sst + x->sstlen, s, (size_t)len);
	x->sstlen += (size_t)len;
}

/* "B12" → 1; -1 when there are no column letters. */
static long
ref_column(const char *ref)
{
	long	 col = 0;
	int	 n = 0;

	for (; (*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z');
	    ref++, n++) {
		if (n == 3)
			return CL_MAX_COLUMNS;	/* past XFD */
		col = col * 26 + ((*ref | 0x20) - 'a' + 1);
	}
	return n == 0 ? -1 : col - 1;
}

/*
 * A number cell as the sheet shows it: a date or time by its style's
 * number format (ISO text, in the workbook's date system), a percentage
 * as one, any other number in full (13500000001, however it was written:
 * 1.3500000001E10 too).
 */
static const char *
number_shown(const struct xlsx *x, const char *v, char *out, size_t outsz)
{
	unsigned char	 k = x->nkind;
	long long	 secs, days;
	double		 d, scale;
	char		*end;

	if (NK_KIND(k) == NK_NUMBER)
		return cl_number_str(v, out, outsz);
	d = strtod(v, &end);
	if (end == v || *end != '\0' || !isfinite(d))
		return v;
	if (NK_KIND(k) == NK_PERCENT) {
		scale = pow(10, NK_DECIMALS(k));
		snprintf(out, outsz, "%.*f%%", NK_DECIMALS(k),
		    round(d * 100 * scale) / scale);
		return out;
	}
	/* Excel shows ##### outside 1900-01-00 .. 9999-12-31. */
	if (d < 0 || d >= 2958466)
		return cl_number_text(d, out, outsz);
	secs = llround(d * 86400.0);
	days = secs / 86400;
	secs %= 86400;
	if (x->date1904)
		days -= DAYS_1904_TO_UNIX;
	else {
		/* Excel counts a 1900-02-29 that never was (day 60):
		 * days before it are one later than their true count. */
		if (days < 60)
			days++;
		days -= DAYS_1900_TO_UNIX;
	}
	return cl_when_text((time_t)(days * 86400 + secs),
	    NK_KIND(k) == NK_DATE ? CL_WHEN_DATE : NK_KIND(k) == NK_TIME ?
	    CL_WHEN_TIME : CL_WHEN_DATETIME, out, outsz);
}

/* The attributes of a <c>: r, s and t in one pass. */
static void
cell_attrs(struct xlsx *x, const XML_Char **atts)
{
	const char	*ref = NULL, *style = NULL, *type = NULL;
	long		 n;
	char		*end;

	for (; atts[0] != NULL; atts += 2) {
		if (atts[0][0] == '\0' || atts[0][1] != '\0')
			continue;
		if (atts[0][0] == 'r' && ref == NULL)
			ref = atts[1];
		else if (atts[0][0] == 's' && style == NULL)
			style = atts[1];
		else if (atts[0][0] == 't' && type == NULL)
			type = atts[1];
	}
	/* Cells without r= follow the one before. */
	n = ref != NULL ? ref_column(ref) : -1;
	x->col = n >= 0 ? (size_t)n : x->next_col;
	x->next_col = x->col + 1;
	n = style != NULL ? strtol(style, &end, 10) : 0;
	x->nkind = n >= 0 && (size_t)n < x->nxf ? x->xfkind[n] : NK_NUMBER;
	if (type == NULL || strcmp(type, "n") == 0)
		x->ctype = CELL_NUMBER;
	else if (strcmp(type, "s") == 0)
		x->ctype = CELL_SHARED;
	else if (strcmp(type, "inlineStr") == 0)
		x->ctype = CELL_INLINE;
	else if (strcmp(type, "str") == 0)
		x->ctype = CELL_STRING;
	else if (strcmp(type, "b") == 0)
		x->ctype = CELL_BOOL;
	else if (strcmp(type, "d") == 0)
		x->ctype = CELL_DATE;
	else
		x->ctype = CELL_OTHER;
}

static void
sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx	*x = ud;
	const char	*ln = plain_local(name), *a;
	long		 n;
	char		*end = NULL;

	/* By the local name's first letter: a sheet is 350,000 elements
	 * for 50,000 rows. */
	switch (ln[0]) {
	case 'r':
		if (strcmp(ln, "row") == 0) {
			/* Rows without r= follow the one before. */
			n = (a = cl_xml_attr(atts, "r")) != NULL ?
			    strtol(a, &end, 10) : 0;
			x->rowno = n > 0 && *end == '\0' ? n : x->rowno + 1;
			x->in_row = 1;
			x->next_col = 0;
		} else if (x->in_cell && strcmp(ln, "rPh") == 0)
			x->rph++;
		break;
	case 'c':
		if (ln[1] == '\0' && x->in_row) {
			cell_attrs(x, atts);
			x->in_cell = 1;
			x->vallen = 0;
		}
		break;
	case 'v':
		if (ln[1] == '\0' && x->in_cell)
			x->in_v = 1;
		break;
	case 'i':
		if (x->in_cell && strcmp(ln, "is") == 0)
			x->in_is = 1;
		break;
	case 't':
		if (ln[1] == '\0' && x->in_cell && x->in_is && x->rph == 0)
			x->in_t = 1;
		break;
	}
}

static void
sheet_text(void *ud, const XML_Char *s, int len)
{
	struct xlsx	*x = ud;

	if ((!x->in_v && !x->in_t) || len <= 0)
		return;
	if (x->vallen + (size_t)len >= CL_MAX_RECORD_BYTES) {
		fail(x, CL_ERR_ROW_TOO_LONG, x->rowno, 0);
		return;
	}
	if (grow((void **)&x->val, &x->valcap, x->vallen + (size_t)len + 1, 1,
	    CL_MAX_RECORD_BYTES) == -1) {
		fail(x, CL_ERR_NOMEM, x->rowno, 0);
		return;
	}
	memcpy(x->val + x->vallen, s, (size_t)len);
	x->vallen += (size_t)len;
}

/* </c>: the cell's text, by its type, kept in the row. */
static void
end_cell(struct xlsx *x)
{
	enum calllist_status st;
	const char	*s;
	char		 num[CL_NUM_SIZE];
	unsigned long	 idx;
	size_t		 i;
	char		*end;

	if (grow((void **)&x->val, &x->valcap, x->vallen + 1, 1,
	    CL_MAX_RECORD_BYTES) == -1) {
		fail(x, CL_ERR_NOMEM, x->rowno, 0);
		return;
	}
	x->val[x->vallen] = '\0';
	if (x->vallen == 0)
		return;	/* <c r="B5" s="1"/>: style only, no value */
	/* A sheet only counted needs to know that the row has a value. */
	switch (x->counting ? CELL_OTHER : x->ctype) {
	case CELL_SHARED:
		/* Plain digits, as every producer writes the index. */
		for (idx = 0, i = 0; i < 9 && x->val[i] >= '0' &&
		    x->val[i] <= '9'; i++)
			idx = idx * 10 + (unsigned long)(x->val[i] - '0');
		if (i == x->vallen) {
			if (idx >= x->nsst) {
				fail(x, CL_ERR_XLSX_CORRUPT, x->rowno, 0);
				return;
			}
			s = x->sst + x->sstoff[idx];
			break;
		}
		errno = 0;
		idx = strtoul(x->val, &end, 10);
		if (*end != '\0' || errno != 0 ||
		    x->val[0] == '-' || idx >= x->nsst) {
			fail(x, CL_ERR_XLSX_CORRUPT, x->rowno, 0);
			return;
		}
		s = x->sst + x->sstoff[idx];
		break;
	case CELL_NUMBER:
		s = number_shown(x, x->val, num, sizeof(num));
		break;
	case CELL_DATE:
		s = cl_iso_text(x->val, num, sizeof(num));
		break;
	case CELL_BOOL:
		s = strcmp(x->val, "1") == 0 ? "TRUE" :
		    strcmp(x->val, "0") == 0 ? "FALSE" : x->val;
		break;
	case CELL_INLINE:
	case CELL_STRING:
		x->vallen = unescape(x->val, x->vallen);
		x->val[x->vallen] = '\0';
		s = x->val;
		break;
	default:
		s = x->val;
		break;
	}
	if (*s == '\0')
		return;	/* as if the cell were not there */
	if ((st = cl_row_put(&x->row, x->col, s, strlen(s) + 1)) != CL_OK)
		fail(x, st, x->rowno, 0);
}

/* </row>: the cells in column order, the missing ones "". */
static void
end_row(struct xlsx *x)
{
	enum calllist_status	 st;
	const char		**cells;

	if ((cells = cl_row_cells(&x->row)) == NULL) {
		fail(x, CL_ERR_NOMEM, x->rowno, 0);
		return;
	}
	st = cl_record(x->r, x->rowno, cells, x->row.ncol, 1);
	cl_row_clear(&x->row);
	if (st != CL_OK)
		stop(x, st);
}

static void
sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx	*x = ud;
	const char	*ln = plain_local(name);

	switch (ln[0]) {
	case 'v':
		if (ln[1] == '\0')
			x->in_v = 0;
		break;
	case 't':
		if (ln[1] == '\0')
			x->in_t = 0;
		break;
	case 'i':
		if (strcmp(ln, "is") == 0)
			x->in_is = 0;
		break;
	case 'c':
		if (ln[1] == '\0' && x->in_cell) {
			x->in_cell = x->in_v = x->in_is = x->in_t = x->rph = 0;
			end_cell(x);
		}
		break;
	case 'r':
		if (strcmp(ln, "rPh") == 0) {
			if (x->rph > 0)
				x->rph--;
		} else if (strcmp(ln, "row") == 0 && x->in_row) {
			x->in_row = 0;
			end_row(x);
		}
		break;
	}
}

/* Each sheet in order, read or only counted as cl_sheet_begin() says. */
static enum calllist_status
read_sheets(struct xlsx *x)
{
	enum calllist_status	 st = CL_OK;
	const char		*part;
	size_t			 i;

	for (i = 0; i < x->nsheets && st == CL_OK; i++) {
		x->counting = !cl_sheet_begin(x->r, i);
		part = x->sheets[i].part;
		/* A workbook without relationships: its first sheet by its
		 * usual name. */
		if (i == 0 && !cl_zip_has(&x->z, part))
			part = PART_SHEET1;
		x->rowno = 0;
		x->in_row = x->in_cell = 0;
		x->in_t = x->in_v = x->in_is = x->rph = 0;
		x->z.plain_names = 1;
		if (part != NULL)
			st = cl_zip_parse(&x->z, part, sheet_start, sheet_end,
			    sheet_text);
		x->z.plain_names = 0;
		if (st == CL_OK)
			st = cl_sheet_end(x->r);
	}
	return st;
}

enum calllist_status
xlsxread_zip(struct cl_reader *r, zip_t *za)
{
	struct xlsx		 x;
	enum calllist_status	 st = CL_OK;
	const char		*strings, *styles;
	size_t			 i;

	memset(&x, 0, sizeof(x));
	x.z.r = x.r = r;
	x.z.za = za;
	x.z.budget = r->opts.max_bytes_uncompressed;
	x.sstlimit = r->opts.max_bytes_strings;
	if (x.sstlimit > UINT32_MAX)	/* offsets are 32-bit */
		x.sstlimit = UINT32_MAX;
	r->info->encoding = CL_UTF8;
	r->info->delimiter = '\0';

	st = cl_zip_parse(&x.z, PART_WORKBOOK, workbook_start, ignore_end,
	    ignore_text);
	if (st == CL_OK && x.nsheets == 0)
		st = cl_fail(r, CL_ERR_NOT_XLSX, 0, 0);
	if (st == CL_OK && cl_zip_has(&x.z, PART_RELS))
		st = cl_zip_parse(&x.z, PART_RELS, rels_start, ignore_end,
		    ignore_text);
	strings = cl_zip_has(&x.z, x.strings_part) ? x.strings_part :
	    PART_STRINGS;
	styles = cl_zip_has(&x.z, x.styles_part) ? x.styles_part :
	    PART_STYLES;
	x.z.plain_names = 1;
	if (st == CL_OK && cl_zip_has(&x.z, strings))
		st = cl_zip_parse(&x.z, strings, sst_start, sst_end, sst_text);
	x.z.plain_names = 0;
	if (st == CL_OK && cl_zip_has(&x.z, styles))
		st = cl_zip_parse(&x.z, styles, styles_start, styles_end,
		    ignore_text);
	if (st == CL_OK)
		st = read_sheets(&x);
	if (st == CL_OK && cl_sheet_again(r))
		st = read_sheets(&x);

	for (i = 0; i < x.nsheets; i++) {
		free(x.sheets[i].rid);
		free(x.sheets[i].part);
	}
	free(x.sheets);
	free(x.strings_part);
	free(x.styles_part);
	free(x.fmts);
	free(x.xfkind);
	free(x.sst);
	free(x.sstoff);
	free(x.val);
	cl_row_free(&x.row);
	return st;
}
