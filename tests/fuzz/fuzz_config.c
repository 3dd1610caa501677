/* fuzz_config.c: libFuzzer harness for config_load(): any file is taken,
 * or refused with a message naming the line, over the defaults; never a
 * crash or a leak (also of the values a refused file had already set). */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg;
	char		 path[64], err[512];
	int		 fd, rc;

	if ((fd = fuzz_file(data, size, path, sizeof(path))) == -1)
		return 0;
	config_defaults(&cfg);
	err[0] = '\0';
	rc = config_load(&cfg, path, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL ||
	    (rc == -1 && err[0] == '\0') || (rc != 0 && rc != -1))
		abort();
	if (rc == 0 && (cfg.database == NULL || cfg.upload_dir == NULL ||
	    cfg.callback_token == NULL || cfg.workers < 1 ||
	    cfg.batch_size < 1 || cfg.batch_size > 50000))
		abort();
	config_free(&cfg);
	close(fd);
	return 0;
}
