/* fuzz_journal.c: libFuzzer harness for the vendor journal's line parser
 * (src/journal.c). Any input must leave it without a crash or leak, and a
 * line it takes must come back the same through journal_format(). The
 * input is parsed as a line, and again as the JSON of a record whose
 * checksum the harness computes, so that the fuzzer gets past the
 * checksum to the fields.
 *
 *	clang -fsanitize=fuzzer,address,undefined -I<dir with autoconf.h> \
 *	    $(pkg-config --cflags libcjson libsodium) tests/fuzz/fuzz_journal.c \
 *	    src/journal.c src/vendor.c src/phone.c src/utf8.c src/log.c \
 *	    $(pkg-config --libs libcjson libsodium libcurl libcrypto) \
 *	    -o fuzz_journal
 * Built with -DFUZZ_JOURNAL_MAIN instead of -fsanitize=fuzzer, it replays
 * the files named on its command line (any compiler will do). */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../../src/journal.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A line taken must read back the same once written again. */
static void
check_line(const char *data, size_t size)
{
	struct journal_answer	 a, b;
	char			*line;
	size_t			 len;

	if (journal_parse(data, size, &a) == -1)
		return;
	if ((line = journal_format(&a, &len)) == NULL)
		abort();
	if (len == 0 || line[len - 1] != '\n' ||
	    journal_parse(line, len - 1, &b) == -1)
		abort();
	if (a.batch_id != b.batch_id || a.attempt != b.attempt ||
	    a.task_id != b.task_id || a.seq != b.seq || a.rows != b.rows ||
	    a.at != b.at || strcmp(a.worker, b.worker) != 0 ||
	    strcmp(a.body_sha256, b.body_sha256) != 0 ||
	    a.res.outcome != b.res.outcome ||
	    a.res.http_status != b.res.http_status ||
	    a.res.has_err_code != b.res.has_err_code ||
	    a.res.err_code != b.res.err_code ||
	    strcmp(a.res.task_id, b.res.task_id) != 0 ||
	    strcmp(a.res.message, b.res.message) != 0 ||
	    strcmp(a.res.detail, b.res.detail) != 0)
		abort();
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	 h[16];
	char		*line, hex[33];

	if (sodium_init() < 0)
		abort();
	check_line((const char *)data, size);
	crypto_generichash(h, sizeof(h), data, size, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if ((line = malloc(size + 38)) == NULL)
		abort();
	memcpy(line, "dvj1 ", 5);
	memcpy(line + 5, hex, 32);
	line[37] = ' ';
	memcpy(line + 38, data, size);
	check_line(line, size + 38);
	free(line);
	return 0;
}

#ifdef FUZZ_JOURNAL_MAIN
int
main(int argc, char *argv[])
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 size = 0;
	ssize_t	 n;
	int	 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = getdelim(&buf, &size, '\0', f);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)buf,
		    n < 0 ? 0 : (size_t)n);
	}
	free(buf);
	return 0;
}
#endif
