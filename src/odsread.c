/* odsread.c: the OpenDocument (.ods, LibreOffice and WPS) reader of
 * calllist_read(): content.xml streamed once through expat (zipxml.c),
 * every table a sheet; repeated rows and cells are expanded only as far
 * as they hold values, so a row repeated a million times costs one row.
 * LibreOffice writes some 470 bytes of XML a row, so expat runs without
 * namespace processing (it costs 40 % more): the prefixes of the four
 * namespaces read are taken from the root element, where every ODF
 * producer declares them. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calllist_impl.h"

#define PART_CONTENT	"content.xml"

enum ns { NS_OFFICE, NS_STYLE, NS_TABLE, NS_TEXT, NS__MAX };

static const char *const ns_uri[NS__MAX] = {
	"urn:oasis:names:tc:opendocument:xmlns:office:1.0",
	"urn:oasis:names:tc:opendocument:xmlns:style:1.0",
	"urn:oasis:names:tc:opendocument:xmlns:table:1.0",
	"urn:oasis:names:tc:opendocument:xmlns:text:1.0",
};
/* Longest prefix kept; a longer one is not bound (nothing matches). */
#define PREFIX_MAX	32

/* Table styles that hide their table; far more than any workbook has. */
#define MAX_HIDDEN_STYLES	4096
/* Spaces one <text:s text:c="N"/> may stand for. */
#define MAX_SPACES		1024

struct ods {
	struct cl_zip		 z;	/* first: the parsers' user data */
	struct cl_reader	*r;
	int			 rooted;	/* prefixes known */
	char			 prefix[NS__MAX][PREFIX_MAX + 2]; /* "table:" */
	size_t			 prefixlen[NS__MAX];
	int			 bound[NS__MAX];

	/* office:automatic-styles: the table styles with display="false" */
	char			**hidden;
	size_t			 nhidden, hiddencap;
	char			*style;		/* the style:style open */

	size_t			 table;		/* index of the next table */
	int			 depth;		/* tables open (nested: ignored) */
	int			 counting;
	long			 rowno;
	long			 row_repeat;
	int			 in_row;
	size_t			 col;

	/* the cell */
	int			 in_cell;
	long			 col_repeat;
	char			 vtype[16];	/* office:value-type */
	char			*value;		/* its office:*-value */
	int			 in_p, paras, annotation;
	char			*val;		/* its text */
	size_t			 vallen, valcap;

	/* the row's cells */
	char			*rbuf;
	size_t			 rlen, rcap;
	size_t			*coloff;	/* per column: 1 + offset, 0 = none */
	size_t			 ncol, colcap;
	const char		**cellv;
	size_t			 cellvcap;
};

static void
fail(struct ods *o, enum calllist_status code, long line, long arg)
{
	cl_zip_fail(&o->z, code, line, arg);
}

/* Is name (as written, "table:table-cell") local in namespace ns? */
static int
is(const struct ods *o, const char *name, enum ns ns, const char *local)
{
	return o->bound[ns] &&
	    strncmp(name, o->prefix[ns], o->prefixlen[ns]) == 0 &&
	    strcmp(name + o->prefixlen[ns], local) == 0;
}

static const char *
attr(const struct ods *o, const XML_Char **atts, enum ns ns,
    const char *local)
{
	for (; atts[0] != NULL; atts += 2)
		if (is(o, atts[0], ns, local))
			return atts[1];
	return NULL;
}

/* The root element's xmlns:p="uri" (or xmlns="uri") declarations. */
static void
bind_prefixes(struct ods *o, const XML_Char **atts)
{
	const char	*p;
	size_t		 len;
	int		 i;

	o->rooted = 1;
	for (; atts[0] != NULL; atts += 2) {
		if (strncmp(atts[0], "xmlns", 5) != 0 ||
		    (atts[0][5] != ':' && atts[0][5] != '\0'))
			continue;
		p = atts[0][5] == ':' ? atts[0] + 6 : "";
		if ((len = strlen(p)) > PREFIX_MAX)
			continue;
		for (i = 0; i < NS__MAX; i++)
			if (strcmp(atts[1], ns_uri[i]) == 0) {
				snprintf(o->prefix[i], sizeof(o->prefix[i]),
				    "%s%s", p, len > 0 ? ":" : "");
				o->prefixlen[i] = strlen(o->prefix[i]);
				o->bound[i] = 1;
			}
	}
}

/* A count attribute: 1 when absent or bad, at most max. */
static long
count_attr(const struct ods *o, const XML_Char **atts, enum ns ns,
    const char *name, long max)
{
	const char	*a = attr(o, atts, ns, name);
	char		*end;
	long		 n;

	if (a == NULL)
		return 1;
	n = strtol(a, &end, 10);
	if (end == a || *end != '\0' || n < 1)
		return 1;
	return n > max ? max : n;
}

static int
style_hidden(const struct ods *o, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < o->nhidden; i++)
		if (strcmp(o->hidden[i], name) == 0)
			return 1;
	return 0;
}

static void
add_text(struct ods *o, const char *s, size_t len)
{
	if (len >= CL_MAX_RECORD_BYTES - o->vallen) {
		fail(o, CL_ERR_ROW_TOO_LONG, o->rowno + 1, 0);
		return;
	}
	if (cl_grow((void **)&o->val, &o->valcap, o->vallen + len + 1, 1,
	    CL_MAX_RECORD_BYTES) == -1) {
		fail(o, CL_ERR_NOMEM, o->rowno + 1, 0);
		return;
	}
	memcpy(o->val + o->vallen, s, len);
	o->vallen += len;
	o->val[o->vallen] = '\0';
}

/* The office:*-value attribute the value type says holds the value. */
static void
cell_start(struct ods *o, const XML_Char **atts, int covered)
{
	const char	*t, *v = NULL;

	o->in_cell = 1;
	/* One more than fits, so that a value repeated past the last
	 * column is an error. */
	o->col_repeat = count_attr(o, atts, NS_TABLE, "number-columns-repeated",
	    CL_MAX_COLUMNS + 1);
	o->vallen = 0;
	o->paras = 0;
	o->vtype[0] = '\0';
	free(o->value);
	o->value = NULL;
	if (covered || (t = attr(o, atts, NS_OFFICE, "value-type")) == NULL)
		return;
	snprintf(o->vtype, sizeof(o->vtype), "%s", t);
	if (strcmp(t, "float") == 0 || strcmp(t, "currency") == 0 ||
	    strcmp(t, "percentage") == 0)
		v = attr(o, atts, NS_OFFICE, "value");
	else if (strcmp(t, "date") == 0)
		v = attr(o, atts, NS_OFFICE, "date-value");
	else if (strcmp(t, "time") == 0)
		v = attr(o, atts, NS_OFFICE, "time-value");
	else if (strcmp(t, "boolean") == 0)
		v = attr(o, atts, NS_OFFICE, "boolean-value");
	else if (strcmp(t, "string") == 0)
		v = attr(o, atts, NS_OFFICE, "string-value");
	if (v != NULL && (o->value = strdup(v)) == NULL)
		fail(o, CL_ERR_NOMEM, o->rowno + 1, 0);
}

static void
ods_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ods		*o = ud;
	const char		*a;
	enum calllist_status	 st;
	long			 n;

	if (!o->rooted)
		bind_prefixes(o, atts);
	if (is(o, name, NS_TABLE, "table")) {
		if (o->depth++ > 0)
			return;
		a = attr(o, atts, NS_TABLE, "name");
		if ((st = cl_sheet_add(o->r, o->table, a != NULL ? a : "",
		    style_hidden(o, attr(o, atts, NS_TABLE, "style-name")))) !=
		    CL_OK) {
			cl_zip_stop(&o->z, st);
			return;
		}
		o->counting = !cl_sheet_begin(o->r, o->table);
		o->rowno = 0;
	} else if (o->depth != 1) {
		if (is(o, name, NS_STYLE, "style")) {
			free(o->style);
			o->style = NULL;
			a = attr(o, atts, NS_STYLE, "family");
			if (a != NULL && strcmp(a, "table") == 0 &&
			    (a = attr(o, atts, NS_STYLE, "name")) != NULL &&
			    (o->style = strdup(a)) == NULL)
				fail(o, CL_ERR_NOMEM, 0, 0);
		} else if (is(o, name, NS_STYLE, "table-properties") &&
		    o->style != NULL &&
		    (a = attr(o, atts, NS_TABLE, "display")) != NULL &&
		    strcmp(a, "false") == 0 && o->nhidden < MAX_HIDDEN_STYLES) {
			if (cl_grow((void **)&o->hidden, &o->hiddencap,
			    o->nhidden + 1, sizeof(*o->hidden),
			    MAX_HIDDEN_STYLES) == -1) {
				fail(o, CL_ERR_NOMEM, 0, 0);
				return;
			}
			o->hidden[o->nhidden++] = o->style;
			o->style = NULL;
		}
	} else if (is(o, name, NS_TABLE, "table-row")) {
		o->in_row = 1;
		o->row_repeat = count_attr(o, atts, NS_TABLE, "number-rows-repeated",
		    CL_MAX_ROWS);
		o->col = 0;
		o->ncol = 0;
		o->rlen = 0;
	} else if (!o->in_row)
		return;
	else if (is(o, name, NS_TABLE, "table-cell"))
		cell_start(o, atts, 0);
	else if (is(o, name, NS_TABLE, "covered-table-cell"))
		cell_start(o, atts, 1);
	else if (!o->in_cell)
		return;
	else if (is(o, name, NS_OFFICE, "annotation"))
		o->annotation++;
	else if (o->annotation > 0)
		return;
	else if (is(o, name, NS_TEXT, "p") ||
	    is(o, name, NS_TEXT, "h")) {
		if (o->in_p++ == 0 && o->paras++ > 0)
			add_text(o, "\n", 1);
	} else if (o->in_p == 0)
		return;
	else if (is(o, name, NS_TEXT, "s")) {
		n = count_attr(o, atts, NS_TEXT, "c", MAX_SPACES);
		while (n-- > 0)
			add_text(o, " ", 1);
	} else if (is(o, name, NS_TEXT, "tab"))
		add_text(o, "\t", 1);
	else if (is(o, name, NS_TEXT, "line-break"))
		add_text(o, "\n", 1);
}

/* Text that a number's display could be: digits and what groups them. */
static int
numeric_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr("0123456789 ,.+-Ee%", *s) == NULL)
			return 0;
	return 1;
}

/* "PT14H30M00S" (or with days, or fractions of seconds) → 14:30. */
static const char *
time_text(const char *v, char *out, size_t outsz)
{
	long	 h = 0, m = 0, s = 0;
	double	 secs = 0;
	int	 n = 0;

	if (sscanf(v, "PT%ldH%ldM%lfS%n", &h, &m, &secs, &n) != 3 ||
	    v[n] != '\0' || h < 0 || m < 0 || secs < 0)
		return v;
	s = (long)(secs + 0.5);
	return cl_when_text((time_t)(h * 3600 + m * 60 + s), CL_WHEN_TIME, out,
	    outsz);
}

/* What the cell shows, by its value type. */
static const char *
cell_text(struct ods *o, char *num, size_t numsz)
{
	const char	*text = o->val != NULL && o->vallen > 0 ? o->val : "";
	const char	*v = o->value;

	if (o->counting || v == NULL)
		return text;
	if (strcmp(o->vtype, "float") == 0 || strcmp(o->vtype, "currency") == 0)
		/* 1.35E+10 on screen is 13500000003 underneath; but a
		 * number formatted as TRUE or ¥12.00 shows as such. */
		return numeric_text(text) ? cl_number_str(v, num, numsz) : text;
	if (strcmp(o->vtype, "date") == 0)
		return cl_iso_text(v, num, numsz);
	if (strcmp(o->vtype, "time") == 0)
		return time_text(v, num, numsz);
	if (strcmp(o->vtype, "boolean") == 0)
		return strcmp(v, "true") == 0 ? "TRUE" :
		    strcmp(v, "false") == 0 ? "FALSE" : v;
	if (strcmp(o->vtype, "string") == 0)
		return v;
	return text[0] != '\0' ? text : v;
}

/* </table:table-cell>: its text in the columns it spans. */
static void
cell_end(struct ods *o)
{
	char		 num[CL_NUM_SIZE];
	const char	*s;
	size_t		 n, i, col;
	long		 k;

	o->in_cell = 0;
	o->in_p = o->annotation = 0;
	if (o->val != NULL)
		o->val[o->vallen] = '\0';
	s = cell_text(o, num, sizeof(num));
	if (*s == '\0') {
		/* Empty cells only move the column, however many. */
		o->col += (size_t)o->col_repeat;
		return;
	}
	n = strlen(s) + 1;
	for (k = 0; k < o->col_repeat; k++) {
		col = o->col++;
		if (col >= CL_MAX_COLUMNS) {
			fail(o, CL_ERR_TOO_MANY_COLUMNS, o->rowno + 1, 0);
			return;
		}
		if (n > CL_MAX_RECORD_BYTES - o->rlen) {
			fail(o, CL_ERR_ROW_TOO_LONG, o->rowno + 1, 0);
			return;
		}
		if (cl_grow((void **)&o->rbuf, &o->rcap, o->rlen + n, 1,
		    CL_MAX_RECORD_BYTES) == -1 ||
		    cl_grow((void **)&o->coloff, &o->colcap, col + 1,
		    sizeof(*o->coloff), CL_MAX_COLUMNS) == -1) {
			fail(o, CL_ERR_NOMEM, o->rowno + 1, 0);
			return;
		}
		for (i = o->ncol; i <= col; i++)
			o->coloff[i] = 0;
		if (col >= o->ncol)
			o->ncol = col + 1;
		memcpy(o->rbuf + o->rlen, s, n);
		o->coloff[col] = o->rlen + 1;
		o->rlen += n;
	}
}

/* </table:table-row>: the row, as many times as it is repeated; a blank
 * one only moves the row number. */
static void
row_end(struct ods *o)
{
	enum calllist_status	 st = CL_OK;
	size_t			 i;
	long			 k;

	o->in_row = 0;
	if (o->ncol == 0) {
		o->rowno += o->row_repeat;
		return;
	}
	if (cl_grow((void **)&o->cellv, &o->cellvcap, o->ncol,
	    sizeof(*o->cellv), CL_MAX_COLUMNS) == -1) {
		fail(o, CL_ERR_NOMEM, o->rowno + 1, 0);
		return;
	}
	for (i = 0; i < o->ncol; i++)
		o->cellv[i] = o->coloff[i] ? o->rbuf + o->coloff[i] - 1 : "";
	for (k = 0; k < o->row_repeat && st == CL_OK; k++)
		st = cl_record(o->r, ++o->rowno, o->cellv, o->ncol, 1);
	if (st != CL_OK)
		cl_zip_stop(&o->z, st);
}

static void
ods_end(void *ud, const XML_Char *name)
{
	struct ods		*o = ud;
	enum calllist_status	 st;

	if (is(o, name, NS_TABLE, "table")) {
		if (--o->depth > 0)
			return;
		o->in_row = o->in_cell = 0;
		if ((st = cl_sheet_end(o->r)) != CL_OK)
			cl_zip_stop(&o->z, st);
		o->table++;
	} else if (o->depth != 1) {
		if (is(o, name, NS_STYLE, "style")) {
			free(o->style);
			o->style = NULL;
		}
	} else if (is(o, name, NS_TABLE, "table-row") && o->in_row)
		row_end(o);
	else if (!o->in_cell)
		return;
	else if (is(o, name, NS_TABLE, "table-cell") ||
	    is(o, name, NS_TABLE, "covered-table-cell"))
		cell_end(o);
	else if (is(o, name, NS_OFFICE, "annotation") &&
	    o->annotation > 0)
		o->annotation--;
	else if ((is(o, name, NS_TEXT, "p") ||
	    is(o, name, NS_TEXT, "h")) && o->in_p > 0)
		o->in_p--;
}

static void
ods_text(void *ud, const XML_Char *s, int len)
{
	struct ods	*o = ud;

	if (o->in_cell && o->in_p > 0 && o->annotation == 0 && len > 0 &&
	    !o->counting)
		add_text(o, s, (size_t)len);
	else if (o->in_cell && o->in_p > 0 && o->annotation == 0 && len > 0 &&
	    o->vallen == 0)
		add_text(o, "x", 1);	/* counted: that it has text is enough */
}

enum calllist_status
odsread_zip(struct cl_reader *r, zip_t *za)
{
	struct ods		 o;
	enum calllist_status	 st;
	size_t			 i;
	int			 pass;

	r->info->encoding = CL_UTF8;
	r->info->delimiter = '\0';
	memset(&o, 0, sizeof(o));
	o.z.r = o.r = r;
	o.z.za = za;
	o.z.budget = r->opts.max_bytes_uncompressed;
	o.z.plain_names = 1;
	for (pass = 0, st = CL_OK; st == CL_OK && (pass == 0 ||
	    cl_sheet_again(r)); pass++) {
		o.table = 0;
		o.depth = 0;
		o.rooted = 0;
		for (i = 0; i < o.nhidden; i++)
			free(o.hidden[i]);
		o.nhidden = 0;
		st = cl_zip_parse(&o.z, PART_CONTENT, ods_start, ods_end,
		    ods_text);
		if (st == CL_OK && r->info->nsheets == 0)
			st = cl_fail(r, CL_ERR_NOT_XLSX, 0, 0);
	}

	for (i = 0; i < o.nhidden; i++)
		free(o.hidden[i]);
	free(o.hidden);
	free(o.style);
	free(o.value);
	free(o.val);
	free(o.rbuf);
	free(o.coloff);
	free(o.cellv);
	return st;
}
