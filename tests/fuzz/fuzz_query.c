/* fuzz_query.c: libFuzzer harness for a GET request's path and query
 * string as http.c reads them and params.c validates them: the input is
 * "path?query". Whatever comes, the request is refused with 400 or its
 * pairs are decoded and sorted into valid and invalid values; and every
 * value http_urlencode() writes reads back the same through the query
 * parser. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "form.h"
#include "fuzz.h"
#include "http.h"

struct roundtrip {
	const char	*want;
	int		 seen;
};

static int
roundtrip_cb(void *arg, const char *key, size_t keylen, const char *val,
    size_t vallen)
{
	struct roundtrip	*rt = arg;

	if (keylen != 1 || key[0] != 'k' || vallen != strlen(rt->want) ||
	    memcmp(val, rt->want, vallen) != 0 || rt->seen++ != 0)
		abort();
	return 0;
}

static void
roundtrip(const char *val)
{
	struct roundtrip	 rt = { val, 0 };
	char			*enc, *q;

	if ((enc = http_urlencode(val)) == NULL)
		return;
	if (asprintf(&q, "k=%s", enc) >= 0) {
		if (form_urlencoded(q, strlen(q), roundtrip_cb, &rt) != 0 ||
		    rt.seen != 1)
			abort();
		free(q);
	}
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 cfg;
	struct fuzz_request	 fr;
	struct request		 r;
	struct kpair		*p;
	char			*in, *q;
	size_t			 i;
	int			 rc;

	if (cfg.upload_dir == NULL)
		config_defaults(&cfg);
	if ((in = strndup((const char *)data, size)) == NULL)
		return 0;
	if ((q = strchr(in, '?')) != NULL)
		*q++ = '\0';
	fuzz_request_init(&fr, NULL, 0);
	if (fuzz_request_env(&fr, "REQUEST_METHOD", "GET") == -1 ||
	    fuzz_request_env(&fr, "DOCUMENT_URI", in) == -1 ||
	    (q != NULL && fuzz_request_env(&fr, "QUERY_STRING", q) == -1))
		goto out;

	rc = http_request_init(&r, &fr.io, &cfg, NULL);
	if (rc == 0)
		rc = http_parse_input(&r, 0, 0);
	if (rc != 0 && rc != 400)
		abort();
	for (p = r.fields; rc == 0 && p != NULL; p = p->next) {
		if (p->val[p->valsz] != '\0' || p->file != NULL)
			abort();
		roundtrip(p->val);
	}
	for (i = 0; rc == 0 && i < KEY__MAX; i++) {
		if (r.fieldmap[i] != NULL &&
		    (strcmp(r.fieldmap[i]->key, keys[i].name) != 0 ||
		    http_field(&r, (enum key)i) != r.fieldmap[i]->val))
			abort();
		if (r.fieldnmap[i] != NULL &&
		    strcmp(r.fieldnmap[i]->key, keys[i].name) != 0)
			abort();
	}
	http_request_free(&r);
out:
	fuzz_request_free(&fr);
	free(in);
	return 0;
}
