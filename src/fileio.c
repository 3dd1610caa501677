/* fileio.c: writes that are whole and durable (see fileio.h). */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

int
fileio_write_all(int fd, const void *buf, size_t n)
{
	const char	*p = buf;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Open path (a file or a folder) and fsync it; errno is fsync's. */
static int
sync_open(const char *path, int flags)
{
	int	 fd, rc, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | flags)) == -1)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc == 0 ? 0 : -1;
}

int
fileio_sync(const char *path)
{
	return sync_open(path, 0);
}

int
fileio_sync_folder(const char *path)
{
	char	*copy;
	int	 rc;

	/* dirname may change its argument. */
	if ((copy = strdup(path)) == NULL)
		return -1;
	rc = sync_open(dirname(copy), O_DIRECTORY);
	free(copy);
	return rc;
}
