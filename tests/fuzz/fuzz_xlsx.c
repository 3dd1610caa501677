/* fuzz_xlsx.c: libFuzzer harness for the .xlsx half of calllist_read().
 * An input that starts with "PK" is the file itself (zip damage, zip
 * bombs); any other input is the XML of the parts, separated by form feeds
 * (which XML never holds), that the harness zips up itself so that the
 * fuzzer works on the XML rather than on deflate streams and CRCs:
 *
 *	workbook.xml \f workbook.xml.rels \f sharedStrings.xml \f sheet1.xml
 *	\f sheet2.xml
 *
 * An empty part is left out of the zip. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "calllist.h"
#include "fuzz.h"

static const char *const parts[] = {
	"xl/workbook.xml",
	"xl/_rels/workbook.xml.rels",
	"xl/sharedStrings.xml",
	"xl/worksheets/sheet1.xml",
	"xl/worksheets/sheet2.xml",
};

/* Zip the parts of data into a malloc()ed buffer; NULL on failure. */
static char *
zip_parts(const uint8_t *data, size_t size, size_t *zlen)
{
	zip_source_t	*src, *part;
	zip_t		*za;
	zip_error_t	 ze;
	zip_stat_t	 zs;
	const uint8_t	*p = data, *end = data + size, *ff;
	char		*out = NULL;
	size_t		 i, n;
	zip_int64_t	 idx;

	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL)
		return NULL;
	zip_source_keep(src);
	if ((za = zip_open_from_source(src, ZIP_TRUNCATE, &ze)) == NULL)
		goto out;
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]) && p <= end; i++) {
		ff = memchr(p, '\f', (size_t)(end - p));
		n = ff != NULL ? (size_t)(ff - p) : (size_t)(end - p);
		if (n > 0) {
			if ((part = zip_source_buffer(za, p, n, 0)) == NULL ||
			    (idx = zip_file_add(za, parts[i], part, 0)) < 0) {
				zip_source_free(part);
				zip_discard(za);
				goto out;
			}
			/* Stored: the harness should not spend its time
			 * deflating. */
			(void)zip_set_file_compression(za, (zip_uint64_t)idx,
			    ZIP_CM_STORE, 0);
		}
		p += n + 1;
	}
	if (zip_close(za) == -1) {
		zip_discard(za);
		goto out;
	}
	zip_stat_init(&zs);
	if (zip_source_stat(src, &zs) == -1 || zip_source_open(src) == -1)
		goto out;
	if ((out = malloc(zs.size + 1)) != NULL &&
	    zip_source_read(src, out, zs.size) != (zip_int64_t)zs.size) {
		free(out);
		out = NULL;
	}
	*zlen = zs.size;
	(void)zip_source_close(src);
out:
	zip_source_free(src);
	zip_error_fini(&ze);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calllist_opts	 opts;
	char			 path[64], *zipped = NULL;
	size_t			 zlen = 0;
	int			 fd;

	if (size >= 2 && memcmp(data, "PK", 2) == 0)
		fd = fuzz_file(data, size, path, sizeof(path));
	else if ((zipped = zip_parts(data, size, &zlen)) != NULL)
		fd = fuzz_file(zipped, zlen, path, sizeof(path));
	else
		return 0;
	free(zipped);
	if (fd == -1)
		return 0;

	/* Small limits, so that the fuzzer reaches them (and a zip bomb
	 * costs little time). */
	calllist_opts_init(&opts);
	opts.max_bytes_uncompressed = 64 * 1024;
	opts.max_bytes_strings = 2048;
	(void)fuzz_calllist(path, &opts, 0, NULL);

	opts.header = 0;
	opts.phone_col = 1;
	opts.name_col = CALLLIST_NONE;
	opts.max_rows = 4;
	(void)fuzz_calllist(path, &opts, 2, NULL);
	close(fd);
	return 0;
}
