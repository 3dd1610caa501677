/* fuzz_config.c: libFuzzer harness for config_load(): any file is taken,
 * or refused with a message that starts with the file's name, leaving the
 * configuration as it was; never a crash or a leak (also of the values a
 * refused file had already set). */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

/* A refused file changes nothing: a few keys of each type, as
 * config_defaults() set them. */
static int
untouched(const struct config *c, const struct config *d)
{
	return strcmp(c->database, d->database) == 0 &&
	    strcmp(c->sign_key, d->sign_key) == 0 &&
	    strcmp(c->sign_recipe, d->sign_recipe) == 0 &&
	    strcmp(c->callback_token, d->callback_token) == 0 &&
	    strcmp(c->callback_allow, d->callback_allow) == 0 &&
	    c->workers == d->workers && c->max_rows == d->max_rows &&
	    c->upload_max_bytes == d->upload_max_bytes &&
	    c->phone_encryption == d->phone_encryption;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config	 defaults;
	struct config		 cfg;
	char			 path[64], err[512];
	int			 fd, rc;

	if ((fd = fuzz_file(data, size, path, sizeof(path))) == -1)
		return 0;
	if (defaults.database == NULL)
		config_defaults(&defaults);
	config_defaults(&cfg);
	err[0] = '\0';
	rc = config_load(&cfg, path, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL || (rc != 0 && rc != -1))
		abort();
	if (rc == -1 && (strncmp(err, path, strlen(path)) != 0 ||
	    err[strlen(path)] != ':' || !untouched(&cfg, &defaults)))
		abort();
	if (rc == 0 && (cfg.database == NULL || cfg.upload_dir == NULL ||
	    cfg.callback_token == NULL || cfg.workers < 1 ||
	    cfg.batch_size < 1 || cfg.batch_size > 50000))
		abort();
	config_free(&cfg);
	close(fd);
	return 0;
}
