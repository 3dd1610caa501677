/* csvout.c: CSV for Excel, safe against formula injection. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "http.h"

char *
csv_escape(const char *s)
{
	size_t	 len = strlen(s), i, n = 0;
	char	*out;

	if ((out = malloc(len * 2 + 4)) == NULL)
		return NULL;
	out[n++] = '"';
	/* A cell Excel would evaluate: show it as the text it is. */
	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
		out[n++] = '\'';
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			out[n++] = '"';
		out[n++] = s[i];
	}
	out[n++] = '"';
	out[n] = '\0';
	return out;
}

void
csv_begin(struct csvout *c, struct request *r, const char *filename)
{
	char	*esc = http_urlencode(filename);

	c->r = r;
	c->cells = 0;
	/* RFC 6266: the UTF-8 name for browsers, an ASCII one for others. */
	http_header(r, "Content-Disposition",
	    "attachment; filename=\"export.csv\"; filename*=UTF-8''%s",
	    esc != NULL ? esc : "export.csv");
	free(esc);
	http_open(r, 200, "text/csv; charset=utf-8");
	http_write(r, "\xef\xbb\xbf", 3);
}

static void
sep(struct csvout *c)
{
	if (c->cells++ > 0)
		http_write(c->r, ",", 1);
}

void
csv_text(struct csvout *c, const char *s)
{
	char	*e = csv_escape(s != NULL ? s : "");

	sep(c);
	if (e != NULL)
		http_puts(c->r, e);
	free(e);
}

void
csv_int(struct csvout *c, int64_t v)
{
	char	 buf[24];

	sep(c);
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	http_puts(c->r, buf);
}

void
csv_end_row(struct csvout *c)
{
	http_write(c->r, "\r\n", 2);
	c->cells = 0;
}
