/* fuzz_multipart.c: libFuzzer harness for POST bodies as http.c reads
 * them: the first line of the input is the Content-Type (a multipart
 * boundary, or urlencoded), the rest the body. Every body must end in 0
 * or a 4xx status, never 500 or a crash; uploaded files must hold what
 * was reported, and none may be left behind once the request is freed. */
#include "autoconf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "fuzz.h"
#include "http.h"

/* Files must be gone from the upload folder with the request. */
static void
check_empty(const char *dir)
{
	DIR		*d;
	struct dirent	*de;

	if ((d = opendir(dir)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			abort();
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 cfg;
	struct fuzz_request	 fr;
	struct request		 r;
	struct kpair		*p;
	struct stat		 sb;
	const char		*nl;
	char			*ctype, len[32];
	size_t			 ctlen, i;
	int			 rc;

	if (cfg.upload_dir == NULL) {
		config_defaults(&cfg);
		free(cfg.upload_dir);
		cfg.upload_dir = strdup(fuzz_tmpdir());
	}
	nl = memchr(data, '\n', size);
	ctlen = nl != NULL ? (size_t)(nl - (const char *)data) : size;
	if ((ctype = strndup((const char *)data, ctlen)) == NULL)
		return 0;
	fuzz_request_init(&fr, nl != NULL ? nl + 1 : NULL,
	    nl != NULL ? size - ctlen - 1 : 0);
	snprintf(len, sizeof(len), "%zu", fr.bodylen);
	if (fuzz_request_env(&fr, "REQUEST_METHOD", "POST") == -1 ||
	    fuzz_request_env(&fr, "DOCUMENT_URI", "/tasks/new") == -1 ||
	    fuzz_request_env(&fr, "CONTENT_TYPE", ctype) == -1 ||
	    fuzz_request_env(&fr, "CONTENT_LENGTH", len) == -1)
		goto out;

	if ((rc = http_request_init(&r, &fr.io, &cfg, NULL)) != 0)
		abort();
	rc = http_parse_input(&r, 1024 * 1024, 1);
	if (rc != 0 && rc != 400 && rc != 413 && rc != 415)
		abort();
	for (p = r.fields; p != NULL; p = p->next) {
		if (p->key == NULL || p->val == NULL || p->val[p->valsz] != '\0')
			abort();
		if (p->file != NULL && (p->filename == NULL ||
		    p->ctype == NULL || stat(p->file, &sb) == -1 ||
		    sb.st_size != p->filesize))
			abort();
	}
	for (i = 0; i < KEY__MAX; i++)
		if ((r.fieldmap[i] != NULL &&
		    strcmp(r.fieldmap[i]->key, keys[i].name) != 0) ||
		    (r.fieldnmap[i] != NULL &&
		    strcmp(r.fieldnmap[i]->key, keys[i].name) != 0))
			abort();
	http_request_free(&r);
	check_empty(cfg.upload_dir);
out:
	fuzz_request_free(&fr);
	free(ctype);
	return 0;
}
