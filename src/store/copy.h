/* store/copy.h: `dialdesk db copy`, an SQLite store copied whole into an
 * empty PostgreSQL store of the same schema version, in one transaction. */
#ifndef DIALDESK_STORE_COPY_H
#define DIALDESK_STORE_COPY_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copy every table of the SQLite file at from (a path, or sqlite:PATH)
 * into the PostgreSQL database to (a libpq URI), new (migrated here) or at
 * the same version and holding no row: tables in foreign-key order with their
 * ids (COPY), the identity sequences set past them, the row counts of both
 * sides compared, all in one transaction on the target. table(arg, name,
 * rows) is told of each table copied (may be NULL). 0, or -1 with an
 * English message in err (the target then unchanged).
 */
int	store_copy_to_pg(const char *from, const char *to, int busy_ms,
	    void (*table)(void *arg, const char *name, int64_t rows),
	    void *arg, char *err, size_t errsz);

#endif
