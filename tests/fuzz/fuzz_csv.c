/* fuzz_csv.c: libFuzzer harness for the CSV half of calllist_read(): any
 * file must be read, or refused with a status, without a crash, a leak or a
 * row that breaks calllist.h's promises. And a UTF-8 text saved as GB18030
 * (as Excel does in Chinese offices) must give the same rows, lines and
 * errors as the text itself. */
#include "autoconf.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calllist.h"
#include "fuzz.h"
#include "utf8.h"

/* The reader works in chunks of 64 KiB (calllist_impl.h), which fuzzer
 * inputs never reach: a pass puts blank lines in front so that a chunk
 * edge falls in the middle of the input. It costs fifty times the others,
 * so one input in PAD_EVERY (by a hash: the same input always gets the
 * same passes) has it. */
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

/* in converted by iconv; malloc()ed, or NULL when it does not convert. */
static char *
convert(const char *to, const char *from, const char *in, size_t len,
    size_t *outlen)
{
	iconv_t	 cd;
	char	*out, *inp = (char *)in, *outp;
	size_t	 cap = 4 * len + 4, left = cap;

	if ((cd = iconv_open(to, from)) == (iconv_t)-1)
		return NULL;
	if ((out = malloc(cap)) != NULL) {
		outp = out;
		if (iconv(cd, &inp, &len, &outp, &left) == (size_t)-1 ||
		    iconv(cd, NULL, NULL, &outp, &left) == (size_t)-1) {
			free(out);
			out = NULL;
		} else
			*outlen = cap - left;
	}
	iconv_close(cd);
	return out;
}

/* Text that is UTF-8 and reads back the same from GB18030: the two files
 * must read alike, unless the GB18030 bytes pass for UTF-8 (then the
 * reader rightly takes them as UTF-8). */
static void
same_as_gb18030(const uint8_t *data, size_t size, uint64_t want)
{
	enum calllist_encoding	 enc;
	char			*gb, *back, path[64];
	size_t			 gblen, backlen;
	uint64_t		 got;
	int			 fd;

	if (size == 0 || !utf8_valid((const char *)data, size) ||
	    (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0))
		return;
	if ((gb = convert("GB18030", "UTF-8", (const char *)data, size,
	    &gblen)) == NULL)
		return;
	back = convert("UTF-8", "GB18030", gb, gblen, &backlen);
	if (back != NULL && backlen == size && memcmp(back, data, size) == 0 &&
	    (fd = fuzz_file(gb, gblen, path, sizeof(path))) != -1) {
		got = fuzz_calllist(path, NULL, 0, &enc);
		close(fd);
		if (enc == CL_GB18030 && got != want)
			abort();
	}
	free(back);
	free(gb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calllist_opts	 opts;
	enum calllist_encoding	 enc;
	char			 path[64], *padded;
	uint64_t		 h;
	size_t			 pad;
	int			 fd;

	if ((fd = fuzz_file(data, size, path, sizeof(path))) == -1)
		return 0;
	h = fuzz_calllist(path, NULL, 0, &enc);

	/* What the preview does after the operator picked the columns. */
	calllist_opts_init(&opts);
	opts.header = 1;
	opts.phone_col = 0;
	opts.name_col = 1;
	opts.max_rows = 5;
	(void)fuzz_calllist(path, &opts, 3, NULL);
	close(fd);

	if (enc == CL_UTF8)
		same_as_gb18030(data, size, h);

	if (size == 0 || size >= CHUNK || !pad_this(data, size))
		return 0;
	pad = CHUNK - size / 2;
	if ((padded = malloc(pad + size)) == NULL)
		return 0;
	memset(padded, '\n', pad);
	memcpy(padded + pad, data, size);
	if ((fd = fuzz_file(padded, pad + size, path, sizeof(path))) != -1) {
		(void)fuzz_calllist(path, NULL, 0, NULL);
		close(fd);
	}
	free(padded);
	return 0;
}
