/* fuzz_phone.c: libFuzzer harness for phone_normalise(), phone_mask() and
 * phone_mask_cell(): any cell gives a status and, when it is OK, 11 digits
 * of a mainland mobile or 32 lower-case hex chars, which normalise to
 * themselves; a refused cell leaves "". Masks are always terminated
 * strings; a masked cell of 7 or more bytes shows no more than its ends,
 * and text stays text. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "phone.h"
#include "utf8.h"

static int
all_of(const char *s, const char *set)
{
	return s[strspn(s, set)] == '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum phone_status	 st, st2;
	char			 out[PHONE_NORM_SIZE], again[PHONE_NORM_SIZE];
	char			 small[11], mask[PHONE_MASK_SIZE], tiny[3];
	char			 cell[PHONE_NORM_SIZE + 16], *raw;
	size_t			 len;

	memset(out, 'x', sizeof(out));
	st = phone_normalise((const char *)data, size, out, sizeof(out));
	if (st >= PHONE__MAX || phone_reason_zh(st) == NULL ||
	    phone_reason_code(st) == NULL ||
	    memchr(out, '\0', sizeof(out)) == NULL)
		abort();
	if (st == PHONE_OK_MOBILE && (strlen(out) != 11 ||
	    !all_of(out, "0123456789") || out[0] != '1'))
		abort();
	if (st == PHONE_OK_ENCRYPTED && (strlen(out) != 32 ||
	    !all_of(out, "0123456789abcdef")))
		abort();
	if (!phone_status_ok(st) && out[0] != '\0')
		abort();
	if (phone_status_ok(st)) {
		st2 = phone_normalise(out, strlen(out), again, sizeof(again));
		if (st2 != st || strcmp(again, out) != 0)
			abort();
	}

	/* Too little room: "" whatever the status. */
	memset(small, 'x', sizeof(small));
	st2 = phone_normalise((const char *)data, size, small, sizeof(small));
	if (st2 != st || small[0] != '\0')
		abort();

	memset(mask, 'x', sizeof(mask));
	phone_mask(out, mask, sizeof(mask));
	if (memchr(mask, '\0', sizeof(mask)) == NULL)
		abort();
	phone_mask(out, tiny, sizeof(tiny));
	if (memchr(tiny, '\0', sizeof(tiny)) == NULL)
		abort();
	/* The screens mask what a cell held, normalised or not. */
	if ((raw = strndup((const char *)data, size)) == NULL)
		return 0;
	len = strlen(raw);
	phone_mask(raw, mask, sizeof(mask));
	if (memchr(mask, '\0', sizeof(mask)) == NULL)
		abort();
	memset(cell, 'x', sizeof(cell));
	phone_mask_cell(raw, cell, sizeof(cell));
	if (memchr(cell, '\0', sizeof(cell)) == NULL ||
	    (len >= 7 && strlen(cell) > 11) ||
	    (utf8_valid(raw, len) && !utf8_valid(cell, strlen(cell))))
		abort();
	phone_mask_cell(raw, tiny, sizeof(tiny));
	if (memchr(tiny, '\0', sizeof(tiny)) == NULL)
		abort();
	free(raw);
	return 0;
}
