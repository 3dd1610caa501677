/* fuzz_push.c: libFuzzer harness for the vendor's import push
 * (src/push.h): every body is read by both the JSON and the urlencoded
 * parser, as a callback with either content type would be. A body is
 * either a push whose vendor task id is its sn's by the one rule that
 * batches use too (vendor_task_id_normalise()), or refused with a reason;
 * never a crash or a leak. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "push.h"
#include "vendor.h"

static void
check(int rc, const struct push *p, const char *why, size_t whysz)
{
	char	 id[256];
	cJSON	*extra;
	size_t	 i;

	if (memchr(why, '\0', whysz) == NULL)
		abort();
	if (rc == -1) {
		if (why[0] == '\0')
			abort();
		return;
	}
	if (rc != 0 || p->sn == NULL || p->vendor_task_id == NULL ||
	    p->vendor_task_id[0] == '\0' || p->extra == NULL ||
	    (!p->ok && p->reason == NULL))
		abort();
	/* What is kept of the unknown fields is one JSON object. */
	extra = cJSON_Parse(p->extra);
	if (!cJSON_IsObject(extra))
		abort();
	cJSON_Delete(extra);
	if (vendor_task_id_normalise(p->sn, id, sizeof(id)) != 0 ||
	    strcmp(id, p->vendor_task_id) != 0)
		abort();
	for (i = 0; i < PF__MAX; i++)
		if (p->fig[i] < 0 || p->fig[i] > 1000000000)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ctypes[] = {
		"application/json", "application/x-www-form-urlencoded",
	};
	const char	*body = (const char *)data;
	struct push	 p;
	char		 why[256];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(ctypes) / sizeof(ctypes[0]); i++) {
		why[0] = '\0';
		rc = push_parse(ctypes[i], body, size, &p, why, sizeof(why));
		check(rc, &p, why, sizeof(why));
		if (rc == 0)
			push_clear(&p);
	}
	return 0;
}
