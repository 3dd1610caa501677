/* keyfile.c: key files outside the database, shared by the audit log and
 * the do-not-call list. */
#include "autoconf.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "fileio.h"
#include "keyfile.h"

/* No key of ours is longer; the buffer for a new one is on the stack. */
#define KEYFILE_MAX	64

char *
keyfile_path(const char *path, const char *database, const char *suffix)
{
	size_t	 n;
	char	*p;

	if (path[0] != '\0')
		return strdup(path);
	n = strlen(database) + strlen(suffix) + 1;
	if ((p = malloc(n)) != NULL)
		snprintf(p, n, "%s%s", database, suffix);
	return p;
}

int
keyfile_read(const char *path, const char *what, unsigned char *key,
    size_t len, char *err, size_t errsz)
{
	struct stat	 sb;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errsz, "%s file %s: %s", what, path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1)
		snprintf(err, errsz, "%s file %s: %s", what, path,
		    strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		snprintf(err, errsz, "%s file %s is not a regular file",
		    what, path);
	else if ((sb.st_mode & 077) != 0)
		snprintf(err, errsz, "%s file %s has mode %04o: only "
		    "its owner may read it (chmod 600 %s)", what, path,
		    (unsigned)(sb.st_mode & 07777), path);
	else if (sb.st_size != (off_t)len)
		snprintf(err, errsz, "%s file %s holds %lld bytes, not "
		    "%zu: it is not a dialdesk %s", what, path,
		    (long long)sb.st_size, len, what);
	else if ((n = read(fd, key, len)) != (ssize_t)len)
		snprintf(err, errsz, "%s file %s: cannot read it: %s",
		    what, path, n < 0 ? strerror(errno) : "short read");
	else
		rc = 0;
	close(fd);
	return rc;
}

int
keyfile_create(const char *path, const char *what, size_t len, char *err,
    size_t errsz)
{
	unsigned char	 key[KEYFILE_MAX];
	int		 fd, rc = -1, e = 0;

	if (len > sizeof(key)) {
		snprintf(err, errsz, "%s: a key of %zu bytes is too long",
		    what, len);
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOCTTY, 0600)) == -1) {
		snprintf(err, errsz, "cannot create the %s file %s: %s",
		    what, path, strerror(errno));
		return -1;
	}
	randombytes_buf(key, len);
	if (fileio_write_all(fd, key, len) == 0 && fsync(fd) == 0)
		rc = 0;
	else
		e = errno;
	sodium_memzero(key, sizeof(key));
	if (close(fd) == -1 && rc == 0) {
		e = errno;
		rc = -1;
	}
	if (rc == 0 && fileio_sync_folder(path) == -1) {
		e = errno;
		rc = -1;
	}
	if (rc == -1) {
		snprintf(err, errsz, "cannot write the %s file %s: %s",
		    what, path, strerror(e));
		unlink(path);
	}
	return rc;
}
