/* fuzz_calllist.c: libFuzzer harness for calllist_read() over every
 * format it sniffs (CSV, .xlsx, .ods, .xls): any input must end in a
 * status, without a crash, a leak or a row that breaks its promises
 * (cols has nvals cells, the phone is one of them). The input is written
 * to a file, as uploads are. Seed it with tests/fixtures/calllist.
 *
 *	clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *	    -I<dir with autoconf.h> \
 *	    -Isrc tests/fuzz/fuzz_calllist.c src/calllist.c src/csvread.c \
 *	    src/xlsxread.c src/odsread.c src/xlsread.c src/zipxml.c \
 *	    src/phone.c src/utf8.c -lcsv -lzip -lexpat -lfreexl -lm \
 *	    -o fuzz_calllist
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calllist.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
check_row(void *arg, const struct calllist_row *row)
{
	size_t	 i, n = 0;

	(void)arg;
	if (row->nvals < row->info->ncols ||
	    row->phone_raw != row->cols[row->info->phone_col])
		abort();
	for (i = 0; i < row->nvals; i++)
		n += strlen(row->cols[i]);
	return n > (size_t)64 << 20;	/* never: cells are bounded */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 path[64];
	struct calllist_opts	 o;
	struct calllist_info	 info;
	struct calllist_error	 err;
	FILE			*f;

	/* FUZZ_SKIP_XLS: leave libfreexl out, to fuzz our own readers
	 * (libfreexl 1.0.6 over-reads on some crafted files: see the
	 * report in tests/fuzz/known/). */
	if (size >= 4 && memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0 &&
	    getenv("FUZZ_SKIP_XLS") != NULL)
		return 0;
	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/fuzz_calllist.%ld",
		    (long)getpid());
	if ((f = fopen(path, "wb")) == NULL)
		return 0;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	calllist_opts_init(&o);
	o.max_bytes_uncompressed = 8 << 20;
	o.max_bytes_strings = 1 << 20;
	if (calllist_read(path, &o, check_row, NULL, &info, &err) >=
	    CL_STATUS__MAX)
		abort();
	calllist_info_free(&info);
	return 0;
}
