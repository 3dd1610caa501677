/* fuzz_cookie.c: libFuzzer harness for the Cookie header as http.c reads
 * it (form_cookies() and the session and CSRF cookies picked from it),
 * over HTTP and over HTTPS (where the names carry __Host-). A cookie is
 * taken only when it has a token's length; nothing else may happen. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"
#include "http.h"

static void
check_token(const char *t)
{
	if (t != NULL && strlen(t) != TOKEN_HEX - 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 cfg;
	static const char *const https[] = { "off", "on" };
	struct fuzz_request	 fr;
	struct request		 r;
	char			*cookie;
	size_t			 i;

	if (cfg.upload_dir == NULL)
		config_defaults(&cfg);
	if ((cookie = strndup((const char *)data, size)) == NULL)
		return 0;
	for (i = 0; i < sizeof(https) / sizeof(https[0]); i++) {
		fuzz_request_init(&fr, NULL, 0);
		if (fuzz_request_env(&fr, "DOCUMENT_URI", "/") == 0 &&
		    fuzz_request_env(&fr, "HTTPS", https[i]) == 0 &&
		    fuzz_request_env(&fr, "HTTP_COOKIE", cookie) == 0) {
			if (http_request_init(&r, &fr.io, &cfg, NULL) != 0)
				abort();
			check_token(r.cookie_session);
			check_token(r.cookie_csrf);
			http_request_free(&r);
		}
		fuzz_request_free(&fr);
	}
	free(cookie);
	return 0;
}
