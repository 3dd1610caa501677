/* xlsxread.c: the .xlsx half of calllist_read(): libzip opens the parts,
 * expat streams them; only the shared-strings table is held whole,
 * because cells refer to it by index. */
#include "autoconf.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <expat.h>
#include <zip.h>

#include "calllist_impl.h"

/* expat joins namespace URI and local name with this. */
#define NS_SEP		'|'
/* Doubles hold integers exactly up to here. */
#define EXACT_INT_MAX	9007199254740992.0

#define PART_WORKBOOK	"xl/workbook.xml"
#define PART_RELS	"xl/_rels/workbook.xml.rels"
#define PART_SHEET1	"xl/worksheets/sheet1.xml"
#define PART_STRINGS	"xl/sharedStrings.xml"

enum cell_type {
	CELL_NUMBER,	/* t="n" or none */
	CELL_SHARED,	/* t="s": <v> indexes the shared strings */
	CELL_INLINE,	/* t="inlineStr": <is><t> */
	CELL_STRING,	/* t="str": a formula's text result */
	CELL_BOOL,	/* t="b" */
	CELL_OTHER,	/* t="e" (#N/A), t="d" (ISO date): as written */
};

struct xlsx {
	struct cl_reader	*r;
	zip_t			*za;
	XML_Parser		 parser;	/* the one running */
	size_t			 budget;	/* bytes we may still inflate */
	enum calllist_status	 status;	/* first failure */

	/* workbook.xml and its relationships */
	char			*sheet_rid;
	char			*sheet_part;
	char			*strings_part;

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
	size_t			 col, next_col;
	enum cell_type		 ctype;
	char			*val;		/* text of the cell */
	size_t			 vallen, valcap;
	char			*rbuf;		/* cells of the row */
	size_t			 rlen, rcap;
	size_t			*coloff;	/* per column: 1 + offset, 0 = none */
	size_t			 ncol, colcap;
	const char		**cellv;
	size_t			 cellvcap;
};

static const char *
local_name(const char *name)
{
	const char	*s = strrchr(name, NS_SEP);

	return s != NULL ? s + 1 : name;
}

static const char *
attr(const XML_Char **atts, const char *name)
{
	for (; atts[0] != NULL; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

static int
ends_with(const char *s, size_t n, const char *suffix)
{
	size_t	 k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Record the first failure and stop the parser at once. */
static void
stop(struct xlsx *x, enum calllist_status st)
{
	if (x->status == CL_OK)
		x->status = st;
	if (x->parser != NULL)
		XML_StopParser(x->parser, XML_FALSE);
}

static void
fail(struct xlsx *x, enum calllist_status code, long line, long arg)
{
	if (x->status == CL_OK)
		stop(x, cl_fail(x->r, code, line, arg));
}

/* Capacity for need elements of size bytes, never past limit elements. */
static int
grow(void **p, size_t *cap, size_t need, size_t size, size_t limit)
{
	size_t	 ncap = *cap == 0 ? 64 : *cap;
	void	*np;

	if (need <= *cap)
		return 0;
	if (need > limit)
		return -1;
	if (ncap > limit)
		ncap = limit;
	while (ncap < need)
		ncap = ncap > limit / 2 ? limit : ncap * 2;
	if ((np = reallocarray(*p, ncap, size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
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

/* OOXML has no DTDs; one is an attack (entity expansion), not a sheet. */
static void
doctype_cb(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	fail(ud, CL_ERR_XLSX_CORRUPT, 0, 0);
}

/*
 * Stream one part through expat, counting every inflated byte against
 * the budget (declared sizes can lie; what comes out of inflate cannot).
 */
static enum calllist_status
parse_part(struct xlsx *x, const char *name, XML_StartElementHandler se,
    XML_EndElementHandler ee, XML_CharacterDataHandler cd)
{
	zip_stat_t		 zs;
	zip_file_t		*zf;
	zip_int64_t		 idx, n;
	XML_Parser		 p;
	void			*b;

	if ((idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE)) < 0)
		return cl_fail(x->r, CL_ERR_NOT_XLSX, 0, 0);
	zip_stat_init(&zs);
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &zs) == -1)
		return cl_fail(x->r, CL_ERR_XLSX_CORRUPT, 0, 0);
	if ((zs.valid & ZIP_STAT_SIZE) && zs.size > x->budget)
		return cl_fail(x->r, CL_ERR_XLSX_TOO_BIG, 0,
		    (long)x->r->opts.max_bytes_uncompressed);
	if ((zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0)) == NULL)
		return cl_fail(x->r, CL_ERR_XLSX_CORRUPT, 0, 0);
	if ((p = XML_ParserCreateNS(NULL, NS_SEP)) == NULL) {
		zip_fclose(zf);
		return cl_fail(x->r, CL_ERR_NOMEM, 0, 0);
	}
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, se, ee);
	XML_SetCharacterDataHandler(p, cd);
	XML_SetStartDoctypeDeclHandler(p, doctype_cb);
	x->parser = p;
	x->in_t = x->in_v = x->in_is = x->rph = 0;

	do {
		if ((b = XML_GetBuffer(p, CL_CHUNK)) == NULL) {
			fail(x, CL_ERR_NOMEM, 0, 0);
			break;
		}
		if ((n = zip_fread(zf, b, CL_CHUNK)) < 0) {
			fail(x, CL_ERR_XLSX_CORRUPT, 0, 0);
			break;
		}
		if ((zip_uint64_t)n > x->budget) {
			fail(x, CL_ERR_XLSX_TOO_BIG, 0,
			    (long)x->r->opts.max_bytes_uncompressed);
			break;
		}
		x->budget -= (size_t)n;
		if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
			fail(x, CL_ERR_XLSX_CORRUPT, 0, 0);
			break;
		}
	} while (n > 0);

	x->parser = NULL;
	XML_ParserFree(p);
	zip_fclose(zf);
	return x->status;
}

static int
part_exists(struct xlsx *x, const char *name)
{
	return name != NULL && zip_name_locate(x->za, name, ZIP_FL_NOCASE) >= 0;
}

/* workbook.xml: the relationship id of the first <sheet>. */
static void
workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx	*x = ud;
	const char	*sep;

	if (x->sheet_rid != NULL || strcmp(local_name(name), "sheet") != 0)
		return;
	for (; atts[0] != NULL; atts += 2) {
		/* r:id, whatever the prefix is bound to: both the
		 * transitional and the strict relationships namespace
		 * end in "relationships". */
		sep = strrchr(atts[0], NS_SEP);
		if (sep == NULL || strcmp(sep + 1, "id") != 0 ||
		    !ends_with(atts[0], (size_t)(sep - atts[0]),
		    "relationships"))
			continue;
		if ((x->sheet_rid = strdup(atts[1])) == NULL)
			fail(x, CL_ERR_NOMEM, 0, 0);
		return;
	}
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

/* workbook.xml.rels: where the first sheet and the shared strings are. */
static void
rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx	*x = ud;
	const char	*id, *type, *target, *mode;
	char		**dst = NULL;

	if (strcmp(local_name(name), "Relationship") != 0)
		return;
	id = attr(atts, "Id");
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	mode = attr(atts, "TargetMode");
	if (target == NULL || (mode != NULL && strcmp(mode, "External") == 0))
		return;
	if (x->sheet_part == NULL && id != NULL && x->sheet_rid != NULL &&
	    strcmp(id, x->sheet_rid) == 0)
		dst = &x->sheet_part;
	else if (x->strings_part == NULL && type != NULL &&
	    ends_with(type, strlen(type), "/sharedStrings"))
		dst = &x->strings_part;
	if (dst != NULL && (*dst = resolve(target)) == NULL)
		fail(x, CL_ERR_NOMEM, 0, 0);
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
	const char	*ln = local_name(name);

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
	const char	*ln = local_name(name);
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
 * A number cell as people saw it: an integer (13500000001, however it was
 * written: 1.3500000001E10 too) exactly, digit for digit; anything else
 * with the 15 significant digits Excel shows. Assumes the "C" numeric
 * locale, as the whole program does.
 */
static const char *
format_number(const char *v, char *out, size_t outsz)
{
	char	*end;
	double	 d;

	if (*v == '\0')
		return v;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || !isfinite(d))
		return v;
	if (d == floor(d) && fabs(d) < EXACT_INT_MAX)
		snprintf(out, outsz, "%.0f", d == 0 ? 0.0 : d);
	else
		snprintf(out, outsz, "%.15g", d);
	return out;
}

static void
sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xlsx	*x = ud;
	const char	*ln = local_name(name), *a;
	long		 n;
	char		*end = NULL;

	if (strcmp(ln, "row") == 0) {
		/* Rows without r= follow the one before. */
		n = (a = attr(atts, "r")) != NULL ? strtol(a, &end, 10) : 0;
		x->rowno = n > 0 && *end == '\0' ? n : x->rowno + 1;
		x->in_row = 1;
		x->next_col = 0;
	} else if (strcmp(ln, "c") == 0 && x->in_row) {
		/* Cells without r= follow the one before. */
		n = (a = attr(atts, "r")) != NULL ? ref_column(a) : -1;
		x->col = n >= 0 ? (size_t)n : x->next_col;
		x->next_col = x->col + 1;
		a = attr(atts, "t");
		if (a == NULL || strcmp(a, "n") == 0)
			x->ctype = CELL_NUMBER;
		else if (strcmp(a, "s") == 0)
			x->ctype = CELL_SHARED;
		else if (strcmp(a, "inlineStr") == 0)
			x->ctype = CELL_INLINE;
		else if (strcmp(a, "str") == 0)
			x->ctype = CELL_STRING;
		else if (strcmp(a, "b") == 0)
			x->ctype = CELL_BOOL;
		else
			x->ctype = CELL_OTHER;
		x->in_cell = 1;
		x->vallen = 0;
	} else if (!x->in_cell)
		return;
	else if (strcmp(ln, "v") == 0)
		x->in_v = 1;
	else if (strcmp(ln, "is") == 0)
		x->in_is = 1;
	else if (strcmp(ln, "rPh") == 0)
		x->rph++;
	else if (strcmp(ln, "t") == 0 && x->in_is && x->rph == 0)
		x->in_t = 1;
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
	const char	*s;
	char		 num[64];
	unsigned long	 idx;
	size_t		 n, i;
	char		*end;

	if (grow((void **)&x->val, &x->valcap, x->vallen + 1, 1,
	    CL_MAX_RECORD_BYTES) == -1) {
		fail(x, CL_ERR_NOMEM, x->rowno, 0);
		return;
	}
	x->val[x->vallen] = '\0';
	if (x->vallen == 0)
		return;	/* <c r="B5" s="1"/>: style only, no value */
	switch (x->ctype) {
	case CELL_SHARED:
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
		s = format_number(x->val, num, sizeof(num));
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
	if (x->col >= CL_MAX_COLUMNS) {
		fail(x, CL_ERR_TOO_MANY_COLUMNS, x->rowno, 0);
		return;
	}
	n = strlen(s) + 1;
	if (n > CL_MAX_RECORD_BYTES - x->rlen) {
		fail(x, CL_ERR_ROW_TOO_LONG, x->rowno, 0);
		return;
	}
	if (grow((void **)&x->rbuf, &x->rcap, x->rlen + n, 1,
	    CL_MAX_RECORD_BYTES) == -1 ||
	    grow((void **)&x->coloff, &x->colcap, x->col + 1,
	    sizeof(*x->coloff), CL_MAX_COLUMNS) == -1) {
		fail(x, CL_ERR_NOMEM, x->rowno, 0);
		return;
	}
	for (i = x->ncol; i <= x->col; i++)
		x->coloff[i] = 0;
	if (x->col >= x->ncol)
		x->ncol = x->col + 1;
	memcpy(x->rbuf + x->rlen, s, n);
	x->coloff[x->col] = x->rlen + 1;
	x->rlen += n;
}

/* </row>: the cells in column order, the missing ones "". */
static void
end_row(struct xlsx *x)
{
	enum calllist_status	 st;
	size_t			 i;

	if (grow((void **)&x->cellv, &x->cellvcap, x->ncol, sizeof(*x->cellv),
	    CL_MAX_COLUMNS) == -1) {
		fail(x, CL_ERR_NOMEM, x->rowno, 0);
		return;
	}
	for (i = 0; i < x->ncol; i++)
		x->cellv[i] = x->coloff[i] ? x->rbuf + x->coloff[i] - 1 : "";
	st = cl_record(x->r, x->rowno, x->cellv, x->ncol, 1);
	x->ncol = 0;
	x->rlen = 0;
	if (st != CL_OK)
		stop(x, st);
}

static void
sheet_end(void *ud, const XML_Char *name)
{
	struct xlsx	*x = ud;
	const char	*ln = local_name(name);

	if (strcmp(ln, "v") == 0)
		x->in_v = 0;
	else if (strcmp(ln, "t") == 0)
		x->in_t = 0;
	else if (strcmp(ln, "is") == 0)
		x->in_is = 0;
	else if (strcmp(ln, "rPh") == 0 && x->rph > 0)
		x->rph--;
	else if (strcmp(ln, "c") == 0 && x->in_cell) {
		x->in_cell = x->in_v = x->in_is = x->in_t = x->rph = 0;
		end_cell(x);
	} else if (strcmp(ln, "row") == 0 && x->in_row) {
		x->in_row = 0;
		end_row(x);
	}
}

enum calllist_status
xlsxread_fd(struct cl_reader *r, int fd)
{
	struct xlsx		 x;
	enum calllist_status	 st = CL_OK;
	const char		*sheet, *strings;
	int			 zerr = 0;

	memset(&x, 0, sizeof(x));
	x.r = r;
	x.budget = r->opts.max_bytes_uncompressed;
	x.sstlimit = r->opts.max_bytes_strings;
	if (x.sstlimit > UINT32_MAX)	/* offsets are 32-bit */
		x.sstlimit = UINT32_MAX;
	r->info->encoding = CL_UTF8;
	r->info->delimiter = '\0';

	if ((x.za = zip_fdopen(fd, 0, &zerr)) == NULL) {
		close(fd);
		return cl_fail(r, zerr == ZIP_ER_NOZIP ? CL_ERR_NOT_XLSX :
		    CL_ERR_XLSX_CORRUPT, 0, 0);
	}
	if (!part_exists(&x, PART_WORKBOOK))
		st = cl_fail(r, CL_ERR_NOT_XLSX, 0, 0);
	else
		st = parse_part(&x, PART_WORKBOOK, workbook_start, ignore_end,
		    ignore_text);
	if (st == CL_OK && x.sheet_rid != NULL && part_exists(&x, PART_RELS))
		st = parse_part(&x, PART_RELS, rels_start, ignore_end,
		    ignore_text);
	sheet = part_exists(&x, x.sheet_part) ? x.sheet_part : PART_SHEET1;
	strings = part_exists(&x, x.strings_part) ? x.strings_part :
	    PART_STRINGS;
	if (st == CL_OK && part_exists(&x, strings))
		st = parse_part(&x, strings, sst_start, sst_end, sst_text);
	if (st == CL_OK)
		st = parse_part(&x, sheet, sheet_start, sheet_end, sheet_text);

	zip_discard(x.za);
	free(x.sheet_rid);
	free(x.sheet_part);
	free(x.strings_part);
	free(x.sst);
	free(x.sstoff);
	free(x.val);
	free(x.rbuf);
	free(x.coloff);
	free(x.cellv);
	return st;
}
