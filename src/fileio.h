/* fileio.h: writing files so that they survive: every byte written
 * despite short writes and signals, a file and the name it was given
 * synced to disk. Shared by the audit log, the key files, the journal,
 * backups and the committer's socket. */
#ifndef DIALDESK_FILEIO_H
#define DIALDESK_FILEIO_H

#include <stddef.h>

/* write(2) until all n bytes are written: 0, or -1 with errno. */
int	fileio_write_all(int fd, const void *buf, size_t n);
/* fsync the file at path: 0, or -1 with errno. */
int	fileio_sync(const char *path);
/* A new file's name, or a rename, is durable only once the folder that
 * holds path is synced: 0, or -1 with errno. */
int	fileio_sync_folder(const char *path);

#endif
