/* db_pg.c: the PostgreSQL connection under the store (libpq): prepared
 * statements from the shared SQL, parameters, commands and transactions. */
#include "autoconf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_pg.h"
#include "log.h"

/* The key of the writers' advisory lock ("dialdesk writers"). The other
 * key is in store/pgsql.c: the audit chain's ...524, which the push link
 * shares; they must differ. Locks are taken writers' first, then audit. */
#define PG_WRITERS_LOCK	"7228348163217525"
/* The audit chain's (STMT_AUDIT_LOCK's), taken by the committer's BEGIN. */
#define PG_AUDIT_LOCK	"7228348163217524"

static PGresult	*pg_flush(struct pg *, int last);
static void	 pg_chain_forget(struct pg *);
static int	 pg_copy_close(struct pg *, const char *abandon);

struct pg {
	PGconn		*conn;
	char		*sql[STMT__MAX];	/* translated, once prepared */
	Oid		*types[STMT__MAX];	/* store_pg_plan_each's: planned at each execution with these parameter types */
	int		 lock_ms;
	int		 in_tx;		/* pg_begin() until commit/rollback */
	int		 chain_locked;	/* the transaction has the audit lock */
	int		 deferred;	/* statements sent, results not read */
	int		 keeping;	/* pg_exec_ahead: their answers wanted */
	int64_t		 round_trips;	/* waits for the server, for the tests */
	/* The audit chain inside the transaction that holds its lock
	 * (pg_chain_known): the head's row shape (NULL: not read yet), the
	 * head itself, and the marker entry once found. */
	PGresult	*head;
	int		 head_set;	/* 0: the log is empty */
	char		 head_id[24], head_hash[65];
	PGresult	*marker;
	char		 marker_action[64];
	/* The marker as a committed transaction found it: entries are never
	 * deleted (audit_no_delete), so it is there for every transaction
	 * after on this connection, which need not ask again. */
	PGresult	*marker_kept;
	char		 marker_kept_action[64];
	int		 copying;	/* a COPY FROM STDIN is open */
	int		 copy_failed;	/* a row could not be sent */
	char		*copy_buf;	/* rows not sent yet (PG_COPY_BUF) */
	size_t		 copy_len;
};

int
pg_is_uri(const char *database)
{
	return strncmp(database, "postgresql://", 13) == 0 ||
	    strncmp(database, "postgres://", 11) == 0;
}

/* The server's notices (CREATE TABLE IF NOT EXISTS ... skipping) are not
 * the program's business. */
static void
pg_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* The session's settings, at connect and after a reconnect. */
static int
pg_setup(struct pg *pg)
{
	char	 q[256];

	/*
	 * READ COMMITTED: each statement sees what committed before it, which
	 * the audit chain's head read after its lock relies on. lock_timeout
	 * is busy_timeout's counterpart: how long a writer waits for a row.
	 * The time zone and the text of bytea are fixed, not the server's.
	 */
	snprintf(q, sizeof(q), "SET SESSION CHARACTERISTICS AS TRANSACTION "
	    "ISOLATION LEVEL READ COMMITTED; SET lock_timeout = %d; "
	    "SET TIME ZONE 'UTC'; SET bytea_output = 'hex'", pg->lock_ms);
	if (pg_command(pg, q, NULL, 0) == -1)
		return -1;
	/* An upload's bytes (upload_bytes, 512 KiB a value) compressed by
	 * lz4 rather than pglz: a 2.5 MB list cost the server 70 ms to 100 ms
	 * of pglz, 10 ms of lz4. A server without lz4 (built without it, or
	 * older than 14) keeps pglz: not an error. */
	(void)pg_command(pg, "SET default_toast_compression = lz4", q,
	    sizeof(q));
	return 0;
}

struct pg *
pg_open(const char *uri, int lock_ms)
{
	struct pg	*pg;

	if ((pg = calloc(1, sizeof(*pg))) == NULL) {
		log_err("db: out of memory");
		return NULL;
	}
	pg->lock_ms = lock_ms;
	pg->conn = PQconnectdb(uri);
	if (pg->conn == NULL || PQstatus(pg->conn) != CONNECTION_OK) {
		/* The message never holds the password: libpq names the
		 * host and the reason. */
		log_err("db: cannot connect to PostgreSQL: %s",
		    pg->conn ? pg_msg(PQerrorMessage(pg->conn)) :
		    "out of memory");
		pg_close(pg);
		return NULL;
	}
	PQsetNoticeProcessor(pg->conn, pg_notice, NULL);
	if (PQclientEncoding(pg->conn) != pg_char_to_encoding("UTF8") &&
	    PQsetClientEncoding(pg->conn, "UTF8") != 0) {
		log_err("db: PostgreSQL: cannot use UTF8: %s",
		    pg_error(pg));
		pg_close(pg);
		return NULL;
	}
	if (pg_setup(pg) == -1) {
		pg_close(pg);
		return NULL;
	}
	return pg;
}

/* The statements' texts, which also say which are prepared: none is. */
static void
pg_forget(struct pg *pg)
{
	size_t	 i;

	for (i = 0; i < STMT__MAX; i++) {
		free(pg->sql[i]);
		pg->sql[i] = NULL;
		free(pg->types[i]);
		pg->types[i] = NULL;
	}
	/* Another session may be on another server (a failover). */
	PQclear(pg->marker_kept);
	pg->marker_kept = NULL;
}

void
pg_close(struct pg *pg)
{
	if (pg != NULL) {
		pg_forget(pg);
		pg_chain_forget(pg);
		PQfinish(pg->conn);
		free(pg->copy_buf);
		free(pg);
	}
}

PGconn *
pg_conn(struct pg *pg)
{
	/* Whoever uses the connection itself finds it out of pipeline mode;
	 * a statement sent ahead that failed has failed the transaction,
	 * which its commit reports; likewise a COPY left open. */
	if (pg->deferred > 0)
		PQclear(pg_flush(pg, 0));
	if (pg->copying)
		(void)pg_copy_close(pg, NULL);
	return pg->conn;
}

const char *
pg_error(const struct pg *pg)
{
	return pg_msg(PQerrorMessage(pg->conn));
}

int
pg_in_transaction(const struct pg *pg)
{
	return PQstatus(pg->conn) == CONNECTION_OK &&
	    PQtransactionStatus(pg->conn) != PQTRANS_IDLE;
}

const char *
pg_msg(const char *full)
{
	static _Thread_local char line[512];
	size_t	 n = strcspn(full, "\n");

	/* The server's DETAIL and CONTEXT lines may quote a row (a password
	 * hash, a session's CSRF token): only the first line is told. */
	while (n > 0 && full[n - 1] == ' ')
		n--;
	snprintf(line, sizeof(line), "%.*s", (int)n, full);
	return line;
}

static void
log_pg(const char *what, const char *msg)
{
	log_err("db: %s: %s", what, pg_msg(msg));
}

char *
pg_translate(const char *sql)
{
	const char	*p;
	char		*out, *o;
	char		 quote = 0;
	long		 n, top = 0;
	size_t		 sz = strlen(sql) * 64 + 1;
	int		 w;

	/* Each ? grows to at most the LIMIT's CASE (64 bytes). */
	if ((out = malloc(sz)) == NULL)
		return NULL;
	for (p = sql, o = out; *p != '\0'; p++) {
		if (quote != 0) {
			if (*p == quote)
				quote = 0;
			*o++ = *p;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			*o++ = *p;
			continue;
		}
		if (*p != '?') {
			*o++ = *p;
			continue;
		}
		/* SQLite: ?N is parameter N, a bare ? the largest so far + 1 */
		if (p[1] >= '0' && p[1] <= '9') {
			n = strtol(p + 1, (char **)&p, 10);
			p--;
		} else
			n = top + 1;
		if (n > top)
			top = n;
		/* SQLite takes a negative LIMIT for none, PostgreSQL NULL */
		if (o - out >= 6 && strncmp(o - 6, "LIMIT ", 6) == 0)
			w = snprintf(o, sz - (size_t)(o - out), "CASE WHEN "
			    "$%ld::bigint < 0 THEN NULL ELSE $%ld::bigint END",
			    n, n);
		else
			w = snprintf(o, sz - (size_t)(o - out), "$%ld", n);
		if (w < 0 || (size_t)w >= sz - (size_t)(o - out)) {
			free(out);
			return NULL;
		}
		o += w;
	}
	*o = '\0';
	return out;
}

/*
 * Every integer the store binds is 64-bit (DB_INT), but PostgreSQL infers
 * a parameter's type from its first use: `?1 = 0` makes it int4, and a
 * time past 2038 then fails ("out of range for type integer"). A statement
 * with such a parameter is prepared again with it int8; one that int8
 * does not fit (a function taking int4 only) keeps the inferred types,
 * which the check at start would have shown. 0, or -1 logged.
 */
#define PG_OID_INT4	23
#define PG_OID_INT8	20

static int
pg_widen(struct pg *pg, const char *name, int s)
{
	PGresult	*res, *again;
	Oid		*types;
	char		 dealloc[48];
	int		 i, n, wide = 0, ok;

	res = PQdescribePrepared(pg->conn, name);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_pg("describe", res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(pg->conn));
		PQclear(res);
		return -1;
	}
	n = PQnparams(res);
	if ((types = calloc((size_t)n + 1, sizeof(*types))) == NULL) {
		PQclear(res);
		log_err("db: out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		types[i] = PQparamtype(res, i);
		if (types[i] == PG_OID_INT4) {
			types[i] = PG_OID_INT8;
			wide = 1;
		}
	}
	PQclear(res);
	ok = 1;
	if (wide) {
		snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", name);
		if (pg_command(pg, dealloc, NULL, 0) == -1)
			ok = 0;
		again = ok ? PQprepare(pg->conn, name, pg->sql[s], n, types) :
		    NULL;
		if (ok && (again == NULL ||
		    PQresultStatus(again) != PGRES_COMMAND_OK)) {
			PQclear(again);
			again = PQprepare(pg->conn, name, pg->sql[s], 0, NULL);
			/* The server's own guesses, then, at each execution too. */
			memset(types, 0, (size_t)n * sizeof(*types));
		}
		ok = ok && again != NULL &&
		    PQresultStatus(again) == PGRES_COMMAND_OK;
		if (!ok)
			log_pg("prepare again", again != NULL ?
			    PQresultErrorMessage(again) :
			    PQerrorMessage(pg->conn));
		PQclear(again);
	}
	/* Planned at each execution: the same types, sent with the text. */
	if (ok && store_pg_plan_each[s]) {
		pg->types[s] = types;
		return 0;
	}
	free(types);
	return ok ? 0 : -1;
}

int
pg_prepare(struct pg *pg, int s, const char *sql)
{
	PGresult	*res;
	char		 name[16], what[64];
	int		 ok;

	if (pg->sql[s] != NULL)
		return 0;
	/* Prepared on first use: after the answers of those sent ahead. */
	if (pg->deferred > 0) {
		if ((res = pg_flush(pg, 0)) == NULL)
			return -1;
		PQclear(res);
	}
	if ((pg->sql[s] = pg_translate(sql)) == NULL) {
		log_err("db: out of memory");
		return -1;
	}
	snprintf(name, sizeof(name), "s%d", s);
	res = PQprepare(pg->conn, name, pg->sql[s], 0, NULL);
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (ok && strchr(pg->sql[s], '$') != NULL) {
		PQclear(res);
		res = NULL;
		ok = pg_widen(pg, name, s) == 0;
	}
	if (!ok) {
		snprintf(what, sizeof(what), "cannot prepare statement %d", s);
		log_pg(what, res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(pg->conn));
		log_err("db: statement %d is: %s", s, pg->sql[s]);
		free(pg->sql[s]);
		pg->sql[s] = NULL;
	}
	PQclear(res);
	return ok ? 0 : -1;
}

/* After the connection broke (a failover, a restarted server), once per
 * statement: connect again, the prepared statements gone with the old
 * session. An open transaction is lost with it, and its caller fails. */
static int
pg_reconnect(struct pg *pg)
{
	if (PQstatus(pg->conn) == CONNECTION_OK)
		return 0;
	/* Inside a transaction the rest of it must fail, not run on its
	 * own in a new session. */
	if (pg->in_tx) {
		log_err("db: the connection to PostgreSQL broke inside a "
		    "transaction");
		return -1;
	}
	PQreset(pg->conn);
	pg_forget(pg);
	pg->copying = 0;
	pg->copy_len = 0;
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		log_pg("cannot connect to PostgreSQL again",
		    PQerrorMessage(pg->conn));
		return -1;
	}
	log_info("db: connected to PostgreSQL again");
	PQsetNoticeProcessor(pg->conn, pg_notice, NULL);
	return pg_setup(pg);
}

/*
 * Round trips saved inside a transaction. The audit chain's lock
 * (STMT_AUDIT_LOCK, and STMT_PUSH_LINK_LOCK, the same key) is held until
 * the transaction ends once taken, so it is asked for once: the
 * committer's transaction of many pushes appends many entries. An audit
 * entry's INSERT (STMT_AUDIT_INSERT) tells its caller nothing but whether
 * it failed, so it is sent without waiting (libpq's pipeline mode) and
 * its answer read with the next statement's, in that statement's round
 * trip, or the COMMIT's: an entry that failed fails the statement after
 * it, and the transaction, which its caller's commit then reports (the
 * import's rows go by COPY, below). At most PG_DEFERRED_MAX wait, so that
 * the answers never fill the socket.
 */
#define PG_DEFERRED_MAX	64

static int
pg_deferrable(const struct pg *pg, int s)
{
	return pg->in_tx && s == STMT_AUDIT_INSERT;
}

static int
pg_lock_again(const struct pg *pg, int s)
{
	return pg->in_tx && pg->chain_locked &&
	    (s == STMT_AUDIT_LOCK || s == STMT_PUSH_LINK_LOCK);
}

/* Why a statement failed: its result's message, the connection's, or
 * (no message: pg_flush() had an earlier one) the one sent ahead. */
static const char *
pg_why(const struct pg *pg, const PGresult *res)
{
	const char	*m = res != NULL ? PQresultErrorMessage(res) :
			    PQerrorMessage(pg->conn);

	return m[0] != '\0' ? m : "not run: a statement sent ahead failed";
}

/* The answers of the statements deferred and then, when last, of the one
 * sent after them: last's result (NULL when it or a deferred one failed,
 * logged), or for no last a dummy that says whether all went well. The
 * connection leaves pipeline mode. */
static PGresult *
pg_flush(struct pg *pg, int last)
{
	PGresult	*res, *out = NULL;
	ExecStatusType	 st;
	int		 i, sent, failed = 0, synced = 0;

	/* Every answer is read, those after a failure too (aborted), up to
	 * the sync's, or the connection is not ready for the next. */
	sent = PQpipelineSync(pg->conn) == 1;
	failed = !sent;
	pg->round_trips++;
	for (i = 0; sent && i < pg->deferred + last; i++)
		while ((res = PQgetResult(pg->conn)) != NULL) {
			st = PQresultStatus(res);
			if (last && i == pg->deferred && out == NULL &&
			    (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
				out = res;
				continue;
			}
			if (st == PGRES_FATAL_ERROR) {
				log_pg("statement sent ahead",
				    PQresultErrorMessage(res));
				failed = 1;
			} else if (st != PGRES_TUPLES_OK &&
			    st != PGRES_COMMAND_OK)
				failed = 1;
			PQclear(res);
		}
	if ((res = PQgetResult(pg->conn)) != NULL &&
	    PQresultStatus(res) == PGRES_PIPELINE_SYNC)
		synced = 1;
	PQclear(res);
	if (!synced || PQexitPipelineMode(pg->conn) != 1) {
		log_pg("pipeline", PQerrorMessage(pg->conn));
		failed = 1;
	}
	pg->deferred = 0;
	if (failed) {
		PQclear(out);
		return NULL;
	}
	return out != NULL ? out : PQmakeEmptyPGresult(pg->conn,
	    PGRES_COMMAND_OK);
}

/* Statement s sent and its answer read, in one round trip with the
 * answers of those deferred before it, or sent alone and deferred. */
static PGresult *
pg_send(struct pg *pg, int s, const char *name, int n,
    const char *const *values, const int *lengths, const int *formats)
{
	int	 defer = pg_deferrable(pg, s), sent;

	if (!defer && pg->deferred == 0 && !pg->keeping) {
		pg->round_trips++;
		return pg->types[s] != NULL ?
		    PQexecParams(pg->conn, pg->sql[s], n, pg->types[s], values,
		    lengths, formats, 0) :
		    PQexecPrepared(pg->conn, name, n, values, lengths,
		    formats, 0);
	}
	if (PQpipelineStatus(pg->conn) == PQ_PIPELINE_OFF &&
	    PQenterPipelineMode(pg->conn) != 1)
		return NULL;
	sent = pg->types[s] != NULL ?
	    PQsendQueryParams(pg->conn, pg->sql[s], n, pg->types[s], values,
	    lengths, formats, 0) :
	    PQsendQueryPrepared(pg->conn, name, n, values, lengths, formats,
	    0);
	if (sent != 1) {
		PQclear(pg_flush(pg, 0));
		return NULL;
	}
	if (pg->keeping) {
		pg->deferred++;
		return PQmakeEmptyPGresult(pg->conn, PGRES_COMMAND_OK);
	}
	if (!defer)
		return pg_flush(pg, 1);
	if (++pg->deferred >= PG_DEFERRED_MAX)
		return pg_flush(pg, 0);
	return PQmakeEmptyPGresult(pg->conn, PGRES_COMMAND_OK);
}

/*
 * The audit chain's head and marker, known inside the transaction that
 * holds the chain's lock. Nobody else appends while it is held, so the
 * head is the one read after the lock, then each entry this transaction
 * sends (STMT_AUDIT_INSERT's id and hash, ?1 and ?11); the marker, once
 * found, stays. The committer's transaction of many pushes appends an
 * entry for each: read once, not per entry (two round trips each). An
 * entry that failed has failed the transaction, and whatever was learnt
 * goes with it at its end (pg_chain_forget).
 */
static void
pg_chain_forget(struct pg *pg)
{
	PQclear(pg->head);
	pg->head = NULL;
	pg->head_set = 0;
	PQclear(pg->marker);
	pg->marker = NULL;
}

/* The answer known for s with p, or NULL: ask the server. */
static PGresult *
pg_chain_known(struct pg *pg, int s, const struct db_param *p)
{
	PGresult	*res;

	if (!pg->in_tx)
		return NULL;
	if (s == STMT_AUDIT_MARKER && pg->marker != NULL && p != NULL &&
	    p[0].type == DB_P_TEXT && p[0].p != NULL &&
	    strcmp(p[0].p, pg->marker_action) == 0)
		return PQcopyResult(pg->marker, PG_COPYRES_ATTRS |
		    PG_COPYRES_TUPLES);
	if (s == STMT_AUDIT_MARKER && pg->marker_kept != NULL && p != NULL &&
	    p[0].type == DB_P_TEXT && p[0].p != NULL &&
	    strcmp(p[0].p, pg->marker_kept_action) == 0)
		return PQcopyResult(pg->marker_kept, PG_COPYRES_ATTRS |
		    PG_COPYRES_TUPLES);
	if (s != STMT_AUDIT_LAST || !pg->chain_locked || pg->head == NULL)
		return NULL;
	if ((res = PQcopyResult(pg->head, PG_COPYRES_ATTRS)) == NULL)
		return NULL;
	/* A length of -1 would be NULL. */
	if (pg->head_set && (PQsetvalue(res, 0, 0, pg->head_id,
	    (int)strlen(pg->head_id)) != 1 || PQsetvalue(res, 0, 1,
	    pg->head_hash, (int)strlen(pg->head_hash)) != 1)) {
		PQclear(res);
		return NULL;
	}
	return res;
}

/* What s with p, answered res, tells of the chain. */
static void
pg_chain_learn(struct pg *pg, int s, const struct db_param *p,
    const PGresult *res)
{
	if (!pg->in_tx)
		return;
	if (s == STMT_AUDIT_MARKER && PQntuples(res) == 1 && p != NULL &&
	    p[0].type == DB_P_TEXT && p[0].p != NULL &&
	    strlen(p[0].p) < sizeof(pg->marker_action)) {
		PQclear(pg->marker);
		pg->marker = PQcopyResult(res, PG_COPYRES_ATTRS |
		    PG_COPYRES_TUPLES);
		snprintf(pg->marker_action, sizeof(pg->marker_action), "%s",
		    (const char *)p[0].p);
	} else if (s == STMT_AUDIT_LAST && pg->chain_locked &&
	    pg->head == NULL && PQnfields(res) == 2) {
		pg->head = PQcopyResult(res, PG_COPYRES_ATTRS);
		if ((pg->head_set = PQntuples(res) > 0)) {
			snprintf(pg->head_id, sizeof(pg->head_id), "%s",
			    PQgetvalue(res, 0, 0));
			snprintf(pg->head_hash, sizeof(pg->head_hash), "%s",
			    PQgetvalue(res, 0, 1));
		}
	} else if (s == STMT_AUDIT_INSERT && pg->head != NULL &&
	    p != NULL && p[0].type == DB_P_INT && p[10].type == DB_P_TEXT &&
	    p[10].p != NULL) {
		snprintf(pg->head_id, sizeof(pg->head_id), "%" PRId64, p[0].i);
		snprintf(pg->head_hash, sizeof(pg->head_hash), "%s",
		    (const char *)p[10].p);
		pg->head_set = 1;
	}
}

/* Parameters held on the stack up to this many; a statement with more
 * (the import's 128-row INSERT binds 1,024) gets them from the heap. */
#define PG_STACK_PARAMS	64

/* The text or bytes of one parameter as PQexecPrepared takes them. */
struct pg_arg {
	char	 num[24];	/* an integer's digits */
	char	*owned;		/* a copy that ends a counted text */
};

PGresult *
pg_exec(struct pg *pg, int s, const struct db_param *p)
{
	const char	*values_s[PG_STACK_PARAMS], **values = values_s;
	struct pg_arg	 args_s[PG_STACK_PARAMS], *args = args_s;
	int		 lengths_s[PG_STACK_PARAMS], *lengths = lengths_s;
	int		 formats_s[PG_STACK_PARAMS], *formats = formats_s;
	char		 name[16], what[64];
	PGresult	*res = NULL;
	ExecStatusType	 st;
	int		 n, i, count;

	if (pg_lock_again(pg, s))
		return PQmakeEmptyPGresult(pg->conn, PGRES_TUPLES_OK);
	if ((res = pg_chain_known(pg, s, p)) != NULL)
		return res;
	if (pg->copying && pg_copy_close(pg, NULL) == -1)
		return NULL;
	if (pg_reconnect(pg) == -1)
		return NULL;
	if (pg->sql[s] == NULL && pg_prepare(pg, s, db_sql_pg((enum stmt)s)) ==
	    -1)
		return NULL;
	for (count = 0; p != NULL && p[count].type != DB_P_END; count++)
		;
	if (count > PG_STACK_PARAMS) {
		values = calloc((size_t)count, sizeof(*values));
		args = calloc((size_t)count, sizeof(*args));
		lengths = calloc((size_t)count, sizeof(*lengths));
		formats = calloc((size_t)count, sizeof(*formats));
		if (values == NULL || args == NULL || lengths == NULL ||
		    formats == NULL) {
			log_err("db: statement %d: out of memory for %d "
			    "parameters", s, count);
			count = 0;
			goto done;
		}
	}
	for (n = 0; n < count; n++) {
		lengths[n] = 0;
		formats[n] = 0;
		args[n].owned = NULL;
		switch (p[n].type) {
		case DB_P_INT:
			snprintf(args[n].num, sizeof(args[n].num), "%" PRId64,
			    p[n].i);
			values[n] = args[n].num;
			break;
		case DB_P_TEXT:
			values[n] = p[n].p;	/* NULL is SQL NULL */
			break;
		case DB_P_TEXTN:
			/* text goes as a C string: a copy ends it */
			if ((args[n].owned = strndup(p[n].p != NULL ? p[n].p :
			    "", p[n].len)) == NULL) {
				log_err("db: out of memory");
				count = n;
				goto done;
			}
			values[n] = args[n].owned;
			break;
		case DB_P_BLOB:
			/* bytes go as they are, in the binary format */
			values[n] = p[n].len > 0 ? p[n].p : "";
			lengths[n] = (int)p[n].len;
			formats[n] = 1;
			break;
		default:
			values[n] = NULL;
			break;
		}
	}
	snprintf(name, sizeof(name), "s%d", s);
	res = pg_send(pg, s, name, n, values, lengths, formats);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_TUPLES_OK && (s == STMT_AUDIT_LOCK ||
	    s == STMT_PUSH_LINK_LOCK))
		pg->chain_locked = pg->in_tx;
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		pg_chain_learn(pg, s, p, res);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		snprintf(what, sizeof(what), "statement %d", s);
		log_pg(what, pg_why(pg, res));
		PQclear(res);
		res = NULL;
	}
done:
	for (i = 0; i < count; i++)
		free(args[i].owned);
	if (values != values_s) {
		free(values);
		free(args);
		free(lengths);
		free(formats);
	}
	return res;
}

int
pg_command(struct pg *pg, const char *sql, char *err, size_t errsz)
{
	PGresult	*res;
	ExecStatusType	 st;
	const char	*msg;

	/* A broken connection is taken up again only outside a transaction:
	 * inside one, the transaction is gone and its caller must know. */
	if (strncmp(sql, "BEGIN", 5) == 0 && pg_reconnect(pg) == -1) {
		if (err != NULL)
			snprintf(err, errsz, "%s", pg_error(pg));
		return -1;
	}
	if (pg->deferred > 0) {
		if ((res = pg_flush(pg, 0)) == NULL) {
			if (err != NULL)
				snprintf(err, errsz, "a statement before failed");
			return -1;
		}
		PQclear(res);
	}
	if (pg->copying && pg_copy_close(pg, NULL) == -1) {
		if (err != NULL)
			snprintf(err, errsz, "the rows copied before failed");
		return -1;
	}
	res = PQexec(pg->conn, sql);
	pg->round_trips++;
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(res);
		return 0;
	}
	msg = res != NULL ? PQresultErrorMessage(res) :
	    PQerrorMessage(pg->conn);
	if (err != NULL)
		snprintf(err, errsz, "%s", pg_msg(msg));
	else
		log_pg(sql, msg);
	PQclear(res);
	return -1;
}

int
pg_begin(struct pg *pg, int durable)
{
	PGresult	*res;
	const char	*state;
	int		 rc = 0;

	if (pg_reconnect(pg) == -1)
		return -1;
	/*
	 * One round trip: the transaction, and the writers' lock, which the
	 * code written for SQLite's one writer at a time relies on (a claim
	 * looked at, then closed; a counter read, then written). Statements
	 * outside a transaction do not take it.
	 */
	/* The committer's (durable) transaction only inserts pushes (ON
	 * CONFLICT), links them and appends to the audit chain under its own
	 * lock: it does not wait for the writers' lock, so that pushes are
	 * not held up behind an upload's chunks (SQLite's push gate). Every
	 * push it stores has an entry: it takes that lock (and the push
	 * link's, the same) in the same round trip. */
	pg->round_trips++;
	res = PQexec(pg->conn, durable ?
	    "BEGIN; SET LOCAL synchronous_commit = on;"
	    " SELECT pg_advisory_xact_lock(" PG_AUDIT_LOCK ")" :
	    "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITERS_LOCK ")");
	if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)) {
		state = res != NULL ?
		    PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		/* lock_timeout passed: busy, as SQLite's busy_timeout */
		if (state != NULL && strcmp(state, "55P03") == 0)
			rc = 1;
		else {
			log_pg("begin", res != NULL ?
			    PQresultErrorMessage(res) :
			    PQerrorMessage(pg->conn));
			rc = -1;
		}
		if (pg_in_transaction(pg))
			(void)pg_command(pg, "ROLLBACK", NULL, 0);
	} else
		pg->in_tx = 1;
	pg->chain_locked = pg->in_tx && durable;
	pg_chain_forget(pg);
	PQclear(res);
	return rc;
}

void
pg_rollback(struct pg *pg)
{
	pg->in_tx = 0;
	pg->chain_locked = 0;
	pg_chain_forget(pg);
	if (pg->deferred > 0)
		PQclear(pg_flush(pg, 0));
	/* The server drops the rows of a COPY ended with a message. */
	if (pg->copying)
		(void)pg_copy_close(pg, "abandoned: the transaction rolls back");
	if (pg_in_transaction(pg))
		(void)pg_command(pg, "ROLLBACK", NULL, 0);
}

int
pg_commit(struct pg *pg)
{
	PGresult	*res, *marker;
	int		 ok;

	/* A transaction that failed answers COMMIT with ROLLBACK; one whose
	 * connection broke is gone. */
	if (!pg->in_tx || PQstatus(pg->conn) != CONNECTION_OK) {
		log_err("db: commit: no transaction is open on PostgreSQL");
		pg->in_tx = 0;
		return -1;
	}
	/* The rows copied are in when the COPY ends; one that failed has
	 * failed the transaction, which COMMIT answers with ROLLBACK. */
	if (pg->copying)
		(void)pg_copy_close(pg, NULL);
	pg->in_tx = 0;
	pg->chain_locked = 0;
	marker = pg->marker;	/* kept once committed */
	pg->marker = NULL;
	pg_chain_forget(pg);
	/* Deferred entries' answers come in the COMMIT's round trip. */
	if (pg->deferred == 0) {
		pg->round_trips++;
		res = PQexec(pg->conn, "COMMIT");
	} else if (PQsendQueryParams(pg->conn, "COMMIT", 0, NULL, NULL, NULL,
	    NULL, 0) != 1) {
		PQclear(pg_flush(pg, 0));
		res = NULL;
	} else
		res = pg_flush(pg, 1);
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK &&
	    strcmp(PQcmdStatus(res), "COMMIT") == 0;
	if (!ok)
		log_pg("commit", res != NULL && PQresultStatus(res) ==
		    PGRES_COMMAND_OK ? "the transaction had failed: rolled "
		    "back" : pg_why(pg, res));
	PQclear(res);
	if (ok && marker != NULL && pg->marker_kept == NULL) {
		pg->marker_kept = marker;
		snprintf(pg->marker_kept_action,
		    sizeof(pg->marker_kept_action), "%s", pg->marker_action);
		marker = NULL;
	}
	PQclear(marker);
	return ok ? 0 : -1;
}

/* Is the audit chain's head to be read with the statements s sent ahead?
 * In the transaction that holds the chain's lock, before its entries:
 * the committer's pushes, each appended to the chain after the INSERTs. */
static int
pg_head_ahead(const struct pg *pg, int s)
{
	return pg->in_tx && pg->chain_locked && pg->head == NULL &&
	    s != STMT_AUDIT_LAST;
}

/*
 * n executions of s sent at once (pipeline mode), their answers read in
 * one round trip for each PG_DEFERRED_MAX of them: out[i] is the i-th
 * (the caller PQclear()s each). A refused one aborts the ones after it
 * and the transaction. 0, or -1 logged (every out[i] NULL).
 */
int
pg_exec_ahead(struct pg *pg, int s, const struct db_param *const *params,
    size_t n, PGresult **out)
{
	PGresult	*res;
	ExecStatusType	 st;
	size_t		 i, from, k, head;
	int		 failed = 0, synced;

	for (i = 0; i < n; i++)
		out[i] = NULL;
	/* Prepared, and those deferred answered, before the first is sent. */
	if (pg->sql[s] == NULL && pg_prepare(pg, s, db_sql_pg((enum stmt)s)) ==
	    -1)
		return -1;
	if (pg_head_ahead(pg, s) && pg->sql[STMT_AUDIT_LAST] == NULL &&
	    pg_prepare(pg, STMT_AUDIT_LAST, db_sql_pg(STMT_AUDIT_LAST)) == -1)
		return -1;
	if (pg->deferred > 0) {
		if ((res = pg_flush(pg, 0)) == NULL)
			return -1;
		PQclear(res);
	}
	for (from = 0; from < n && !failed; from += k) {
		k = n - from < PG_DEFERRED_MAX ? n - from : PG_DEFERRED_MAX;
		pg->keeping = 1;
		/* The chain's head, which the entries after these need,
		 * read in their round trip rather than in one of its own. */
		head = from == 0 && pg_head_ahead(pg, s);
		if (head) {
			if ((res = pg_exec(pg, STMT_AUDIT_LAST, NULL)) == NULL)
				failed = 1;
			PQclear(res);
		}
		for (i = 0; i < k && !failed; i++) {
			if ((res = pg_exec(pg, s, params[from + i])) == NULL)
				failed = 1;
			PQclear(res);
		}
		pg->keeping = 0;
		if (pg->deferred == 0)
			break;
		/* Every answer is read, up to the sync's (pg_flush). */
		synced = PQpipelineSync(pg->conn) == 1;
		pg->round_trips++;
		failed |= !synced;
		for (i = 0; synced && i < (size_t)pg->deferred; i++)
			while ((res = PQgetResult(pg->conn)) != NULL) {
				st = PQresultStatus(res);
				if (head && i == 0) {
					/* the head's answer, learnt (it has
					 * no row when the log is empty) */
					if (st == PGRES_TUPLES_OK &&
					    pg->head == NULL) {
						pg_chain_learn(pg,
						    STMT_AUDIT_LAST, NULL, res);
						PQclear(res);
						continue;
					}
				} else if (out[from + i - head] == NULL &&
				    (st == PGRES_TUPLES_OK ||
				    st == PGRES_COMMAND_OK)) {
					out[from + i - head] = res;
					continue;
				}
				if (st == PGRES_FATAL_ERROR)
					log_pg("statement sent ahead",
					    PQresultErrorMessage(res));
				failed = 1;
				PQclear(res);
			}
		synced = synced && (res = PQgetResult(pg->conn)) != NULL &&
		    PQresultStatus(res) == PGRES_PIPELINE_SYNC;
		if (synced)
			PQclear(res);
		if (!synced || PQexitPipelineMode(pg->conn) != 1) {
			log_pg("pipeline", PQerrorMessage(pg->conn));
			failed = 1;
		}
		pg->deferred = 0;
	}
	if (!failed)
		return 0;
	for (i = 0; i < n; i++) {
		PQclear(out[i]);
		out[i] = NULL;
	}
	return -1;
}

int64_t
pg_round_trips(const struct pg *pg)
{
	return pg->round_trips;
}

/* --- COPY FROM STDIN -------------------------------------------------- */

/*
 * Rows are gathered in copy_buf and sent (PQputCopyData) whenever it
 * holds PG_COPY_BUF bytes: the server stores them while the caller reads
 * on, with no round trip a row or a statement. The COPY stays open
 * across calls of the caller's and ends (PQputCopyEnd, one round trip)
 * when anything else is asked of the connection, at the latest at the
 * commit; a rollback ends it with a message, which makes the server
 * drop its rows.
 */
#define PG_COPY_BUF	(64 * 1024)

int
pg_copy_start(struct pg *pg, const char *sql)
{
	PGresult	*res;
	int		 ok;

	if (pg->copying)
		return 0;
	/* Only inside a transaction: its rollback is what drops the rows
	 * of an upload that fails or is abandoned. */
	if (!pg->in_tx) {
		log_err("db: COPY outside a transaction");
		return -1;
	}
	if (pg->deferred > 0) {
		if ((res = pg_flush(pg, 0)) == NULL)
			return -1;
		PQclear(res);
	}
	if (pg->copy_buf == NULL &&
	    (pg->copy_buf = malloc(PG_COPY_BUF)) == NULL) {
		log_err("db: out of memory");
		return -1;
	}
	res = PQexec(pg->conn, sql);
	ok = res != NULL && PQresultStatus(res) == PGRES_COPY_IN;
	if (!ok)
		log_pg("copy", res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(pg->conn));
	PQclear(res);
	/* A COPY refused has failed the transaction, which the commit then
	 * reports. */
	if (!ok)
		return -1;
	pg->copying = 1;
	pg->copy_failed = 0;
	pg->copy_len = 0;
	return 0;
}

int
pg_copying(const struct pg *pg)
{
	return pg->copying;
}

/* Send the rows gathered: 0, or -1 (the COPY then fails at its end). */
static int
pg_copy_send(struct pg *pg)
{
	if (pg->copy_len > 0 && !pg->copy_failed &&
	    PQputCopyData(pg->conn, pg->copy_buf, (int)pg->copy_len) != 1) {
		log_pg("copy", PQerrorMessage(pg->conn));
		pg->copy_failed = 1;
	}
	pg->copy_len = 0;
	return pg->copy_failed ? -1 : 0;
}

/* Room for n more bytes in copy_buf (n <= PG_COPY_BUF): 0 or -1. */
static int
pg_copy_room(struct pg *pg, size_t n)
{
	if (pg->copy_len + n > PG_COPY_BUF)
		return pg_copy_send(pg);
	return 0;
}

int
pg_copy_text(struct pg *pg, const char *s, int last)
{
	/* COPY's text format: a backslash starts an escape (\N would be
	 * NULL), a tab ends the field, a newline or a CR the row; any other
	 * byte (UTF-8 too) stands for itself. */
	static const char special[] = "\\\t\n\r", escaped[] = "\\tnr";
	const char	*e;

	for (; *s != '\0'; s++) {
		if (pg_copy_room(pg, 2) == -1)
			return -1;
		if ((e = strchr(special, *s)) != NULL) {
			pg->copy_buf[pg->copy_len++] = '\\';
			pg->copy_buf[pg->copy_len++] = escaped[e - special];
		} else
			pg->copy_buf[pg->copy_len++] = *s;
	}
	if (pg_copy_room(pg, 1) == -1)
		return -1;
	pg->copy_buf[pg->copy_len++] = last ? '\n' : '\t';
	return 0;
}

int
pg_copy_int(struct pg *pg, int64_t v, int last)
{
	int	 w;

	if (pg_copy_room(pg, 24) == -1)
		return -1;
	w = snprintf(pg->copy_buf + pg->copy_len, 24, "%" PRId64 "%c", v,
	    last ? '\n' : '\t');
	pg->copy_len += (size_t)w;
	return 0;
}

/* End the COPY: its rows are in (0), or it failed (-1, logged) and with
 * it the transaction; abandon non-NULL ends it with that message, its
 * rows dropped. */
static int
pg_copy_close(struct pg *pg, const char *abandon)
{
	PGresult	*res;
	int		 ok = 1;

	pg->copying = 0;
	if (abandon == NULL && pg_copy_send(pg) == -1)
		abandon = "a row could not be sent";
	pg->copy_len = 0;
	if (PQputCopyEnd(pg->conn, abandon) != 1) {
		log_pg("copy end", PQerrorMessage(pg->conn));
		ok = 0;
	}
	while ((res = PQgetResult(pg->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			if (abandon == NULL)
				log_pg("copy", PQresultErrorMessage(res));
			ok = 0;
		}
		PQclear(res);
	}
	return ok && abandon == NULL ? 0 : -1;
}

int
pg_copy_end(struct pg *pg)
{
	return pg->copying ? pg_copy_close(pg, NULL) : 0;
}
