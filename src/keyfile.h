/* keyfile.h: secret keys kept in files outside the database (the audit
 * key, the do-not-call key): where a key file is by default, reading one
 * that only its owner may read, and making a new one once. */
#ifndef DIALDESK_KEYFILE_H
#define DIALDESK_KEYFILE_H

#include <stddef.h>

/* path, or when it is "" the database's path with suffix (".audit-key").
 * NULL when out of memory; free() it. */
char	*keyfile_path(const char *path, const char *database,
	    const char *suffix);

/* Read the len-byte key at path; what names it in messages ("audit key"
 * gives "audit key file PATH: ..."). Returns 0 read, 1 no such file, -1
 * not usable: not a regular file, readable by group or others, of
 * another size (err says why, in English). */
int	keyfile_read(const char *path, const char *what, unsigned char *key,
	    size_t len, char *err, size_t errsz);

/* A new file of len random bytes, mode 0600, synced with its folder; an
 * existing file is never touched (O_EXCL). Returns 0 or -1 (err). */
int	keyfile_create(const char *path, const char *what, size_t len,
	    char *err, size_t errsz);

#endif
