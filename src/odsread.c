/* odsread.c: the OpenDocument (.ods, LibreOffice and WPS) reader of
 * calllist_read(): content.xml streamed once through expat (zipxml.c),
 * every table a sheet; repeated rows and cells are expanded only as far
 * as they hold values, so a row repeated a million times costs one row.
 * LibreOffice writes some 470 bytes of XML a row, so expat runs without
 * namespace processing (it costs 40 % more): the prefixes of the four
 * namespaces read are taken from the root element, where every ODF
 * producer declares them. */
#include "autoconf.h"

#include <stdint.h>
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

enum vtype {
	VT_NONE,
	VT_FLOAT,	/* float, currency, percentage: office:value */
	VT_CURRENCY,
	VT_PERCENTAGE,
	VT_DATE,
	VT_TIME,
	VT_BOOLEAN,
	VT_STRING,
	VT_OTHER,
};

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
	enum vtype		 vtype;		/* office:value-type */
	char			*value;		/* its office:*-value, or NULL */
	char			*valbuf;	/* where value points */
	size_t			 valbufcap;
	int			 in_p, paras, annotation;
	char			*val;		/* its text */
	size_t			 vallen, valcap;

	struct cl_row		 row;		/* the row's cells */
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

/* The namespace of name among the four read (NS__MAX for another one)
 * and its local part: found once per element, where comparing the name
 * with each candidate in turn cost more than expat's own work. */
static enum ns
split(const struct ods *o, const char *name, const char **local)
{
	const char	*colon = strchr(name, ':');
	size_t		 len = colon != NULL ? (size_t)(colon - name) + 1 : 0;
	int		 i;

	*local = name + len;
	for (i = 0; i < NS__MAX; i++)
		if (o->bound[i] && o->prefixlen[i] == len &&
		    memcmp(name, o->prefix[i], len) == 0)
			return (enum ns)i;
	return NS__MAX;
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

static enum vtype
vtype_of(const char *t)
{
	static const struct {
		const char	*name;
		enum vtype	 vt;
	} types[] = {
		{ "float", VT_FLOAT }, { "string", VT_STRING },
		{ "currency", VT_CURRENCY }, { "percentage", VT_PERCENTAGE },
		{ "date", VT_DATE }, { "time", VT_TIME },
		{ "boolean", VT_BOOLEAN },
	};
	size_t	 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(t, types[i].name) == 0)
			return types[i].vt;
	return VT_OTHER;
}

/* A count as count_attr() takes it: 1 when bad, at most max. */
static long
count_value(const char *a, long max)
{
	char	*end;
	long	 n;

	n = strtol(a, &end, 10);
	if (end == a || *end != '\0' || n < 1)
		return 1;
	return n > max ? max : n;
}

/* The office:*-value attribute the value type says holds the value;
 * the cell's attributes in one pass (LibreOffice writes three a cell). */
static void
cell_start(struct ods *o, const XML_Char **atts, int covered)
{
	enum { V_VALUE, V_DATE, V_TIME, V_BOOLEAN, V_STRING, V__MAX };
	static const char *const vnames[V__MAX] = {
		"value", "date-value", "time-value", "boolean-value",
		"string-value",
	};
	/* Per value type: 1 + the attribute holding its value, 0 none. */
	static const unsigned char vattr[] = {
		[VT_FLOAT] = 1 + V_VALUE, [VT_CURRENCY] = 1 + V_VALUE,
		[VT_PERCENTAGE] = 1 + V_VALUE, [VT_DATE] = 1 + V_DATE,
		[VT_TIME] = 1 + V_TIME, [VT_BOOLEAN] = 1 + V_BOOLEAN,
		[VT_STRING] = 1 + V_STRING, [VT_OTHER] = 0,
	};
	const char	*t = NULL, *v = NULL, *rep = NULL, *local;
	const char	*vals[V__MAX] = { NULL };
	enum ns		 ns;
	size_t		 n;
	int		 i;

	o->in_cell = 1;
	o->vallen = 0;
	o->paras = 0;
	o->vtype = VT_NONE;
	o->value = NULL;
	for (; atts[0] != NULL; atts += 2) {
		if ((ns = split(o, atts[0], &local)) == NS_TABLE) {
			if (rep == NULL &&
			    strcmp(local, "number-columns-repeated") == 0)
				rep = atts[1];
		} else if (ns != NS_OFFICE)
			continue;
		else if (strcmp(local, "value-type") == 0) {
			if (t == NULL)
				t = atts[1];
		} else
			for (i = 0; i < V__MAX; i++)
				if (vals[i] == NULL &&
				    strcmp(local, vnames[i]) == 0)
					vals[i] = atts[1];
	}
	/* One more than fits, so that a value repeated past the last
	 * column is an error. */
	o->col_repeat = rep != NULL ? count_value(rep, CL_MAX_COLUMNS + 1) : 1;
	if (covered || t == NULL)
		return;
	o->vtype = vtype_of(t);
	if (vattr[o->vtype] > 0)
		v = vals[vattr[o->vtype] - 1];
	if (v == NULL)
		return;
	n = strlen(v) + 1;
	if (cl_grow((void **)&o->valbuf, &o->valbufcap, n, 1,
	    SIZE_MAX / 2) == -1) {
		fail(o, CL_ERR_NOMEM, o->rowno + 1, 0);
		return;
	}
	o->value = memcpy(o->valbuf, v, n);
}

static void
ods_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ods		*o = ud;
	const char		*a, *ln;
	enum calllist_status	 st;
	enum ns			 ns;
	long			 n;

	if (!o->rooted)
		bind_prefixes(o, atts);
	ns = split(o, name, &ln);
	if (ns == NS_TABLE && strcmp(ln, "table") == 0) {
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
		if (ns == NS_STYLE && strcmp(ln, "style") == 0) {
			free(o->style);
			o->style = NULL;
			a = attr(o, atts, NS_STYLE, "family");
			if (a != NULL && strcmp(a, "table") == 0 &&
			    (a = attr(o, atts, NS_STYLE, "name")) != NULL &&
			    (o->style = strdup(a)) == NULL)
				fail(o, CL_ERR_NOMEM, 0, 0);
		} else if (ns == NS_STYLE &&
		    strcmp(ln, "table-properties") == 0 && o->style != NULL &&
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
	} else if (ns == NS_TABLE && strcmp(ln, "table-row") == 0) {
		o->in_row = 1;
		o->row_repeat = count_attr(o, atts, NS_TABLE, "number-rows-repeated",
		    CL_MAX_ROWS);
		o->col = 0;
		cl_row_clear(&o->row);
	} else if (!o->in_row)
		return;
	else if (ns == NS_TABLE && strcmp(ln, "table-cell") == 0)
		cell_start(o, atts, 0);
	else if (ns == NS_TABLE && strcmp(ln, "covered-table-cell") == 0)
		cell_start(o, atts, 1);
	else if (!o->in_cell)
		return;
	else if (ns == NS_OFFICE && strcmp(ln, "annotation") == 0)
		o->annotation++;
	else if (o->annotation > 0 || ns != NS_TEXT)
		return;
	else if (strcmp(ln, "p") == 0 || strcmp(ln, "h") == 0) {
		if (o->in_p++ == 0 && o->paras++ > 0)
			add_text(o, "\n", 1);
	} else if (o->in_p == 0)
		return;
	else if (strcmp(ln, "s") == 0) {
		n = count_attr(o, atts, NS_TEXT, "c", MAX_SPACES);
		while (n-- > 0)
			add_text(o, " ", 1);
	} else if (strcmp(ln, "tab") == 0)
		add_text(o, "\t", 1);
	else if (strcmp(ln, "line-break") == 0)
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
	switch (o->vtype) {
	case VT_FLOAT:
	case VT_CURRENCY:
		/* 1.35E+10 on screen is 13500000003 underneath; but a
		 * number formatted as TRUE or ¥12.00 shows as such. */
		return numeric_text(text) ? cl_number_str(v, num, numsz) : text;
	case VT_DATE:
		return cl_iso_text(v, num, numsz);
	case VT_TIME:
		return time_text(v, num, numsz);
	case VT_BOOLEAN:
		return strcmp(v, "true") == 0 ? "TRUE" :
		    strcmp(v, "false") == 0 ? "FALSE" : v;
	case VT_STRING:
		return v;
	default:
		return text[0] != '\0' ? text : v;
	}
}

/* </table:table-cell>: its text in the columns it spans. */
static void
cell_end(struct ods *o)
{
	enum calllist_status st;
	char		 num[CL_NUM_SIZE];
	const char	*s;
	size_t		 n;
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
	for (k = 0; k < o->col_repeat; k++)
		if ((st = cl_row_put(&o->row, o->col++, s, n)) != CL_OK) {
			fail(o, st, o->rowno + 1, 0);
			return;
		}
}

/* </table:table-row>: the row, as many times as it is repeated; a blank
 * one only moves the row number. */
static void
row_end(struct ods *o)
{
	enum calllist_status	 st = CL_OK;
	const char		**cells;
	long			 k;

	o->in_row = 0;
	if (o->row.ncol == 0) {
		o->rowno += o->row_repeat;
		return;
	}
	if ((cells = cl_row_cells(&o->row)) == NULL) {
		fail(o, CL_ERR_NOMEM, o->rowno + 1, 0);
		return;
	}
	for (k = 0; k < o->row_repeat && st == CL_OK; k++)
		st = cl_record(o->r, ++o->rowno, cells, o->row.ncol, 1);
	if (st != CL_OK)
		cl_zip_stop(&o->z, st);
}

static void
ods_end(void *ud, const XML_Char *name)
{
	struct ods		*o = ud;
	enum calllist_status	 st;
	const char		*ln;
	enum ns			 ns;

	ns = split(o, name, &ln);
	if (ns == NS_TABLE && strcmp(ln, "table") == 0) {
		if (--o->depth > 0)
			return;
		o->in_row = o->in_cell = 0;
		if ((st = cl_sheet_end(o->r)) != CL_OK)
			cl_zip_stop(&o->z, st);
		o->table++;
	} else if (o->depth != 1) {
		if (ns == NS_STYLE && strcmp(ln, "style") == 0) {
			free(o->style);
			o->style = NULL;
		}
	} else if (ns == NS_TABLE && strcmp(ln, "table-row") == 0 && o->in_row)
		row_end(o);
	else if (!o->in_cell)
		return;
	else if (ns == NS_TABLE && (strcmp(ln, "table-cell") == 0 ||
	    strcmp(ln, "covered-table-cell") == 0))
		cell_end(o);
	else if (ns == NS_OFFICE && strcmp(ln, "annotation") == 0 &&
	    o->annotation > 0)
		o->annotation--;
	else if (ns == NS_TEXT && (strcmp(ln, "p") == 0 ||
	    strcmp(ln, "h") == 0) && o->in_p > 0)
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
	free(o.valbuf);
	free(o.val);
	cl_row_free(&o.row);
	return st;
}
