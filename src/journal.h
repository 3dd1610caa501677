/* journal.h: the vendor journal, a local append-only file holding every
 * answer of the vendor, written and fsynced before the database is told.
 * An answer thus survives a database locked for longer than busy_timeout,
 * a crash or kill -9 between the two writes; recovery stores what the
 * database lacks (sender.c) before any batch is given up as unknown.
 *
 * One record a line: "dvj1 <BLAKE2b-128 of the JSON, 32 hex> <JSON>\n".
 * A record counts only whole, with its newline and its hash right; a line
 * torn by a crash is ignored, never misread. A torn record has no newline,
 * so the next append lands on the same line: the reader takes the record
 * that ends the line. Several workers append at once (each record is one
 * write() with O_APPEND under an exclusive flock); journal_rewrite()
 * replaces the file by rename, and whoever waited for a lock on the file
 * it replaced opens the new one. */
#ifndef DIALDESK_JOURNAL_H
#define DIALDESK_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "vendor.h"

/* What the vendor answered to one claim of a batch. */
struct journal_answer {
	int64_t		 batch_id;
	int64_t		 attempt;	/* batches.attempts of the claim: the
					 * record never applies to a later
					 * claim (a resend) */
	int64_t		 task_id, seq, rows;
	int64_t		 at;		/* when the answer came, Unix time */
	char		 worker[128];	/* "host:pid" of the sender */
	char		 body_sha256[65];	/* "" when nothing was sent */
	struct vendor_result res;
};

/* Called for each record in file order. journal_read(): return 0 to go
 * on, -1 to stop (journal_read() then returns -1). journal_rewrite():
 * return 1 to keep the record, 0 to drop it, -1 to give up (the file is
 * left as it was). */
typedef int	(*journal_fn)(void *arg, const struct journal_answer *);

/* Append one record and fsync it (the file is created, mode 0600, if
 * missing). Returns 0, or -1 with an English reason in err. */
int	 journal_append(const char *path, const struct journal_answer *,
	    char *err, size_t errsz);

/* Every whole record of the file, under a shared lock. A missing file
 * holds none. Returns how many records were read, or -1 (err says why). */
int	 journal_read(const char *path, journal_fn each, void *arg,
	    char *err, size_t errsz);

/* Compaction: under an exclusive lock, write the records keep() keeps to
 * a temporary file beside it, fsync it, rename it over the journal and
 * fsync the folder. Torn lines go. Creates an empty journal when there is
 * none, so it also proves that the folder is writable. Returns how many
 * records were kept, or -1 (err says why; the file is as it was). */
int	 journal_rewrite(const char *path, journal_fn keep, void *arg,
	    char *err, size_t errsz);

/* One record as a line with its newline (malloc()ed, length in *len), or
 * NULL when out of memory. */
char	*journal_format(const struct journal_answer *, size_t *len);

/* The record ending line[0..len) (no newline); 0, or -1 when none is whole
 * and right there. For journal_read() and the tests. */
int	 journal_parse(const char *line, size_t len, struct journal_answer *);

#endif
