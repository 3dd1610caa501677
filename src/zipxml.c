/* zipxml.c: the parts of a zipped workbook (.xlsx, .ods) streamed through
 * expat, with the limits both formats need: inflated bytes counted
 * against a budget (zip bombs), no DTD (entity expansion). */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "calllist_impl.h"

const char *
cl_xml_local(const char *name)
{
	const char	*s = strrchr(name, CL_NS_SEP);

	return s != NULL ? s + 1 : name;
}

const char *
cl_xml_attr(const char **atts, const char *name)
{
	for (; atts[0] != NULL; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

int
cl_grow(void **p, size_t *cap, size_t need, size_t size, size_t limit)
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

enum calllist_status
cl_row_put(struct cl_row *w, size_t col, const char *s, size_t n)
{
	size_t	 i;

	if (col >= CL_MAX_COLUMNS)
		return CL_ERR_TOO_MANY_COLUMNS;
	if (n > CL_MAX_RECORD_BYTES - w->len)
		return CL_ERR_ROW_TOO_LONG;
	if (cl_grow((void **)&w->buf, &w->cap, w->len + n, 1,
	    CL_MAX_RECORD_BYTES) == -1 ||
	    cl_grow((void **)&w->coloff, &w->colcap, col + 1,
	    sizeof(*w->coloff), CL_MAX_COLUMNS) == -1)
		return CL_ERR_NOMEM;
	for (i = w->ncol; i <= col; i++)
		w->coloff[i] = 0;
	if (col >= w->ncol)
		w->ncol = col + 1;
	memcpy(w->buf + w->len, s, n);
	w->coloff[col] = w->len + 1;
	w->len += n;
	return CL_OK;
}

const char **
cl_row_cells(struct cl_row *w)
{
	size_t	 i;

	if (cl_grow((void **)&w->cellv, &w->cellvcap, w->ncol,
	    sizeof(*w->cellv), CL_MAX_COLUMNS) == -1)
		return NULL;
	for (i = 0; i < w->ncol; i++)
		w->cellv[i] = w->coloff[i] ? w->buf + w->coloff[i] - 1 : "";
	return w->cellv;
}

void
cl_row_clear(struct cl_row *w)
{
	w->ncol = 0;
	w->len = 0;
}

void
cl_row_free(struct cl_row *w)
{
	free(w->buf);
	free(w->coloff);
	free(w->cellv);
	memset(w, 0, sizeof(*w));
}

void
cl_zip_stop(struct cl_zip *z, enum calllist_status st)
{
	if (z->status == CL_OK)
		z->status = st;
	if (z->parser != NULL)
		XML_StopParser(z->parser, XML_FALSE);
}

void
cl_zip_fail(struct cl_zip *z, enum calllist_status code, long line, long arg)
{
	if (z->status == CL_OK)
		cl_zip_stop(z, cl_fail(z->r, code, line, arg));
}

int
cl_zip_has(struct cl_zip *z, const char *part)
{
	return part != NULL && zip_name_locate(z->za, part, ZIP_FL_NOCASE) >= 0;
}

/* Neither format has DTDs; one is an attack (entity expansion), not a
 * sheet. */
static void
doctype_cb(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal_subset;
	cl_zip_fail(ud, CL_ERR_XLSX_CORRUPT, 0, 0);
}

enum calllist_status
cl_zip_parse(struct cl_zip *z, const char *name, XML_StartElementHandler se,
    XML_EndElementHandler ee, XML_CharacterDataHandler cd)
{
	zip_stat_t		 zs;
	zip_file_t		*zf;
	zip_int64_t		 idx, n;
	XML_Parser		 p;
	void			*b;

	if ((idx = zip_name_locate(z->za, name, ZIP_FL_NOCASE)) < 0)
		return cl_fail(z->r, CL_ERR_NOT_XLSX, 0, 0);
	zip_stat_init(&zs);
	if (zip_stat_index(z->za, (zip_uint64_t)idx, 0, &zs) == -1)
		return cl_fail(z->r, CL_ERR_XLSX_CORRUPT, 0, 0);
	/* Declared sizes can lie, but one over the budget need not be
	 * inflated to be refused; what comes out of inflate is counted. */
	if ((zs.valid & ZIP_STAT_SIZE) && zs.size > z->budget)
		return cl_fail(z->r, CL_ERR_XLSX_TOO_BIG, 0,
		    (long)z->r->opts.max_bytes_uncompressed);
	if ((zf = zip_fopen_index(z->za, (zip_uint64_t)idx, 0)) == NULL)
		return cl_fail(z->r, CL_ERR_XLSX_CORRUPT, 0, 0);
	if ((p = z->plain_names ? XML_ParserCreate(NULL) :
	    XML_ParserCreateNS(NULL, CL_NS_SEP)) == NULL) {
		zip_fclose(zf);
		return cl_fail(z->r, CL_ERR_NOMEM, 0, 0);
	}
	/* The handlers' user data is z, the first member of the reader's
	 * own state. */
	XML_SetUserData(p, z);
	XML_SetElementHandler(p, se, ee);
	XML_SetCharacterDataHandler(p, cd);
	XML_SetStartDoctypeDeclHandler(p, doctype_cb);
	z->parser = p;

	do {
		if ((b = XML_GetBuffer(p, CL_CHUNK)) == NULL) {
			cl_zip_fail(z, CL_ERR_NOMEM, 0, 0);
			break;
		}
		if ((n = zip_fread(zf, b, CL_CHUNK)) < 0) {
			cl_zip_fail(z, CL_ERR_XLSX_CORRUPT, 0, 0);
			break;
		}
		if ((zip_uint64_t)n > z->budget) {
			cl_zip_fail(z, CL_ERR_XLSX_TOO_BIG, 0,
			    (long)z->r->opts.max_bytes_uncompressed);
			break;
		}
		z->budget -= (size_t)n;
		if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
			cl_zip_fail(z, CL_ERR_XLSX_CORRUPT, 0, 0);
			break;
		}
	} while (n > 0);

	z->parser = NULL;
	XML_ParserFree(p);
	zip_fclose(zf);
	return z->status;
}
