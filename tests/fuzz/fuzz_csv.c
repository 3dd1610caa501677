/* fuzz_csv.c: libFuzzer harness for the CSV half of calllist_read(): any
 * file must be read, or refused with a status, without a crash, a leak or a
 * row that breaks calllist.h's promises. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calllist.h"
#include "fuzz.h"

/* The reader works in chunks of 64 KiB (calllist_impl.h), which fuzzer
 * inputs never reach: a third pass puts blank lines in front so that a
 * chunk edge falls in the middle of the input. It costs fifty times the
 * other two, so one input in PAD_EVERY (by a hash: the same input always
 * gets the same passes) has it. */
#define CHUNK		(64 * 1024)
#define PAD_EVERY	16

static int
pad_this(const uint8_t *data, size_t size)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h % PAD_EVERY == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calllist_opts	 opts;
	char			 path[64], *padded;
	size_t			 pad;
	int			 fd;

	if ((fd = fuzz_file(data, size, path, sizeof(path))) == -1)
		return 0;
	fuzz_calllist(path, NULL, 0);

	/* What the preview does after the operator picked the columns. */
	calllist_opts_init(&opts);
	opts.header = 1;
	opts.phone_col = 0;
	opts.name_col = 1;
	opts.max_rows = 5;
	fuzz_calllist(path, &opts, 3);
	close(fd);

	if (size == 0 || size >= CHUNK || !pad_this(data, size))
		return 0;
	pad = CHUNK - size / 2;
	if ((padded = malloc(pad + size)) == NULL)
		return 0;
	memset(padded, '\n', pad);
	memcpy(padded + pad, data, size);
	if ((fd = fuzz_file(padded, pad + size, path, sizeof(path))) != -1) {
		fuzz_calllist(path, NULL, 0);
		close(fd);
	}
	free(padded);
	return 0;
}
