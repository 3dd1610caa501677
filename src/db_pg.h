/* db_pg.h: the PostgreSQL engine under the store (libpq), inside the store
 * layer only: src/db.c calls these where the connection is PostgreSQL's.
 * Statements are the same enum stmt as SQLite's, prepared on the server
 * under the name "s<N>" once their ?N placeholders became $N. */
#ifndef DIALDESK_DB_PG_H
#define DIALDESK_DB_PG_H

#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

struct db_param;
struct pg;

/* Whether a `database` value names PostgreSQL (a libpq URI). */
int		 pg_is_uri(const char *database);

/* Connect (lock_ms: how long a statement waits for a lock, 0 for ever):
 * NULL and logged on failure. */
struct pg	*pg_open(const char *uri, int lock_ms);
void		 pg_close(struct pg *);

/* Prepare statement s from its SQLite text (placeholders translated):
 * 0, or -1 logged. Done once per connection. */
int		 pg_prepare(struct pg *, int s, const char *sql);
/* Run prepared statement s with params: its result (tuples or command
 * done; the caller PQclear()s it), or NULL logged. */
PGresult	*pg_exec(struct pg *, int s, const struct db_param *);
/* Run s once for each of n parameter lists, all sent ahead and answered
 * in one round trip (pipeline mode): out[i] the i-th result (the caller
 * PQclear()s each). 0, or -1 logged (every out[i] NULL). */
int		 pg_exec_ahead(struct pg *, int s,
		    const struct db_param *const *params, size_t n,
		    PGresult **out);
/* How often the connection waited for the server (for the tests). */
int64_t		 pg_round_trips(const struct pg *);
/* One or more statements without parameters (BEGIN, a migration): 0, or
 * -1 with the server's message in err (and logged when err is NULL). */
int		 pg_command(struct pg *, const char *sql, char *err,
		    size_t errsz);
/* BEGIN, then the writers' lock (one transaction writes at a time, as on
 * SQLite); durable (the push committer's): no writers' lock, and the
 * commit waits for the disk and a synchronous standby whatever the
 * server's default. 0, 1 when the lock was not had
 * within lock_timeout (not logged), -1 logged. */
int		 pg_begin(struct pg *, int durable);
/* ROLLBACK when a transaction is open. */
void		 pg_rollback(struct pg *);
/* COMMIT that says whether it committed: 0, or -1 logged. */
int		 pg_commit(struct pg *);
/* Whether a transaction is open (also one that failed). */
int		 pg_in_transaction(const struct pg *);
/* The first line of a libpq message (the server's DETAIL may quote a
 * row's values, which no log may hold). Valid until the next call. */
const char	*pg_msg(const char *full);
/* The connection's last error, for messages (its first line). */
const char	*pg_error(const struct pg *);
PGconn		*pg_conn(struct pg *);
/* The PostgreSQL connection of a store (NULL on SQLite). */
struct db;
struct pg	*db_pg(struct db *);

/* COPY ... FROM STDIN (text format) inside the open transaction, kept
 * open across calls: pg_copy_start() begins it unless it is open already
 * (0, or -1 logged); fields then go with pg_copy_text() (escaped: any
 * text, tabs, newlines and backslashes too) and pg_copy_int(), last set
 * on a row's last field (0, or -1 logged). Any other use of the
 * connection, the commit too, ends the COPY first (pg_copy_end(): 0 when
 * its rows are in, -1 logged when it failed, and with it the
 * transaction); a rollback abandons it, its rows dropped. */
int		 pg_copy_start(struct pg *, const char *sql);
int		 pg_copying(const struct pg *);
int		 pg_copy_text(struct pg *, const char *s, int last);
int		 pg_copy_int(struct pg *, int64_t v, int last);
int		 pg_copy_end(struct pg *);

/* ?N and ? become $N, outside quotes: a malloc'ed text, or NULL. */
char		*pg_translate(const char *sql);

#endif
