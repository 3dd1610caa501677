/* store/copy.c: `dialdesk db copy`, from an SQLite store into an empty
 * PostgreSQL one: every table in foreign-key order, rows with their ids,
 * through COPY, in one transaction on the target. The tables and columns
 * are read from the source's own schema, so that a table added by a later
 * migration is copied without a word here; their names are quoted as
 * identifiers (PQescapeIdentifier) wherever they enter SQL. */
#include "autoconf.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_pg.h"
#include "log.h"
#include "store/copy.h"
#include "store/maint.h"
#include "textbuf.h"

#define MAX_TABLES	64
#define MAX_COLS	64

struct table {
	char	*name;
	char	*parents[16];	/* the tables its foreign keys name */
	int	 nparents;
	int	 done;
};

struct col {
	char	*name;
	int	 bytea;		/* the target's column is bytea */
};

/* A line of COPY's text format, or a query, grown without a limit: 0, or
 * -1 out of memory. */
static int
line_put(struct textbuf *l, const void *p, size_t n)
{
	return textbuf_add(l, p, n, SIZE_MAX) == 0 ? 0 : -1;
}

/* Text as COPY reads it: backslash, tab, newline and CR escaped. */
static int
line_text(struct textbuf *l, const unsigned char *s, size_t n)
{
	static const char special[] = "\\\t\n\r", escaped[] = "\\tnr";
	const char	*c;
	char		 two[2] = { '\\', '\0' };
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		if ((c = memchr(special, s[i], sizeof(special) - 1)) != NULL) {
			two[1] = escaped[c - special];
			rc = line_put(l, two, 2);
		} else
			rc = line_put(l, s + i, 1);
	return rc;
}

/* Bytes as bytea's hex text, its backslash escaped for COPY. */
static int
line_bytea(struct textbuf *l, const unsigned char *b, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char	 two[2];
	size_t	 i;

	if (line_put(l, "\\\\x", 3) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		two[0] = hex[b[i] >> 4];
		two[1] = hex[b[i] & 15];
		if (line_put(l, two, 2) == -1)
			return -1;
	}
	return 0;
}

static void
tables_free(struct table *t, int n)
{
	int	 i, j;

	for (i = 0; i < n; i++) {
		free(t[i].name);
		for (j = 0; j < t[i].nparents; j++)
			free(t[i].parents[j]);
	}
}

/* The source's tables, each with the tables its foreign keys name. */
static int
source_tables(sqlite3 *src, struct table *t, int *n, char *err,
    size_t errsz)
{
	sqlite3_stmt	*q = NULL, *fk = NULL;
	int		 rc = -1;

	*n = 0;
	if (sqlite3_prepare_v2(src, "SELECT name FROM sqlite_master WHERE"
	    " type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	    " AND name <> 'schema_migrations' ORDER BY name", -1, &q, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(src, "SELECT \"table\" FROM"
	    " pragma_foreign_key_list(?)", -1, &fk, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "cannot read the source's tables: %s",
		    sqlite3_errmsg(src));
		goto out;
	}
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (*n == MAX_TABLES) {
			snprintf(err, errsz, "more than %d tables", MAX_TABLES);
			goto out;
		}
		memset(&t[*n], 0, sizeof(t[*n]));
		if ((t[*n].name = strdup((const char *)sqlite3_column_text(q,
		    0))) == NULL)
			goto oom;
		(*n)++;
		sqlite3_reset(fk);
		sqlite3_bind_text(fk, 1, t[*n - 1].name, -1, SQLITE_STATIC);
		while (sqlite3_step(fk) == SQLITE_ROW) {
			struct table *c = &t[*n - 1];

			if (c->nparents == 16)
				break;
			if ((c->parents[c->nparents] = strdup((const char *)
			    sqlite3_column_text(fk, 0))) == NULL)
				goto oom;
			c->nparents++;
		}
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errsz, "out of memory");
out:
	sqlite3_finalize(q);
	sqlite3_finalize(fk);
	return rc;
}

/* The next table whose parents are all copied (or are itself), else
 * NULL. */
static struct table *
next_table(struct table *t, int n)
{
	int	 i, j, k, ready;

	for (i = 0; i < n; i++) {
		if (t[i].done)
			continue;
		ready = 1;
		for (j = 0; j < t[i].nparents && ready; j++)
			for (k = 0; k < n; k++)
				if (k != i && !t[k].done &&
				    strcmp(t[k].name, t[i].parents[j]) == 0)
					ready = 0;
		if (ready)
			return &t[i];
	}
	return NULL;
}

/* One integer a target's query answers, or -1 (err). */
static int64_t
pg_int(PGconn *c, const char *sql, const char *p1, char *err, size_t errsz)
{
	PGresult	*r;
	int64_t		 v = -1;

	r = PQexecParams(c, sql, p1 != NULL ? 1 : 0, NULL, &p1, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		snprintf(err, errsz, "%s",
		    pg_msg(PQresultErrorMessage(r)));
	PQclear(r);
	return v;
}

/*
 * The planner's statistics for the tables just filled. COPY leaves none,
 * and until autovacuum gets to them the list pages' prepared statements
 * are planned blind: a random page of a 100,000-entry log took 70 ms (a
 * bitmap AND of audit_ts and the primary key, then a sort) instead of
 * 0.1 ms, and a filtered one over a second. After the commit, so that the
 * copy's own transaction is not held open by it.
 */
static int
analyze_tables(PGconn *c, const struct table *t, size_t n, char *err,
    size_t errsz)
{
	PGresult	*r;
	char		*id, sql[300];
	size_t		 i;
	int		 ok;

	for (i = 0; i < n; i++) {
		if ((id = PQescapeIdentifier(c, t[i].name,
		    strlen(t[i].name))) == NULL) {
			snprintf(err, errsz, "analyze %s: %s", t[i].name,
			    pg_msg(PQerrorMessage(c)));
			return -1;
		}
		snprintf(sql, sizeof(sql), "ANALYZE %s", id);
		PQfreemem(id);
		r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			snprintf(err, errsz, "analyze %s: %s", t[i].name,
			    pg_msg(PQresultErrorMessage(r)));
		PQclear(r);
		if (!ok)
			return -1;
	}
	return 0;
}

/* Copy one table; its row count in *rows. */
static int
copy_table(sqlite3 *src, PGconn *dst, const struct table *t, int64_t *rows,
    char *err, size_t errsz)
{
	struct col	 cols[MAX_COLS];
	struct textbuf	 l = { NULL, 0, 0 }, q = { NULL, 0, 0 };
	sqlite3_stmt	*st = NULL;
	PGresult	*r = NULL;
	char		*id = NULL, *cid;
	const char	*nm;
	int		 ncols = 0, i, rc = -1, ok;
	int64_t		 have;

	*rows = 0;
	memset(cols, 0, sizeof(cols));
	/* The columns, as the source has them; each must exist on the
	 * target, where its type says how its values are written. */
	if (sqlite3_prepare_v2(src, "SELECT name FROM pragma_table_info(?)"
	    " ORDER BY cid", -1, &st, NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && ncols < MAX_COLS)
		if ((cols[ncols++].name = strdup((const char *)
		    sqlite3_column_text(st, 0))) == NULL)
			goto oom;
	sqlite3_finalize(st);
	st = NULL;
	nm = t->name;
	r = PQexecParams(dst, "SELECT column_name, data_type FROM"
	    " information_schema.columns WHERE table_schema = current_schema()"
	    " AND table_name = $1", 1, NULL, &nm, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errsz, "%s: %s", t->name,
		    pg_msg(PQresultErrorMessage(r)));
		goto out;
	}
	for (i = 0; i < ncols; i++) {
		int	 j, found = 0;

		for (j = 0; j < PQntuples(r) && !found; j++)
			if (strcmp(PQgetvalue(r, j, 0), cols[i].name) == 0) {
				found = 1;
				cols[i].bytea = strcmp(PQgetvalue(r, j, 1),
				    "bytea") == 0;
			}
		if (!found) {
			snprintf(err, errsz, "table %s: the target has no "
			    "column %s: is it at the same schema version?",
			    t->name, cols[i].name);
			goto out;
		}
	}
	PQclear(r);
	r = NULL;
	if ((id = PQescapeIdentifier(dst, t->name, strlen(t->name))) == NULL)
		goto pgerr;
	/* Empty, as the whole copy requires. */
	if (line_put(&q, "SELECT count(*) FROM ", 21) == -1 ||
	    line_put(&q, id, strlen(id) + 1) == -1)
		goto oom;
	if ((have = pg_int(dst, q.p, NULL, err, errsz)) != 0) {
		if (have > 0)
			snprintf(err, errsz, "the target's table %s holds "
			    "%" PRId64 " rows: copy into a new database",
			    t->name, have);
		goto out;
	}
	/* COPY table (columns) FROM STDIN, and the source's SELECT of the
	 * same columns; the audit chain in id order (its trigger takes
	 * only the next entry). */
	q.len = 0;
	if (line_put(&q, "COPY ", 5) == -1 || line_put(&q, id, strlen(id)) ==
	    -1 || line_put(&q, " (", 2) == -1)
		goto oom;
	for (i = 0; i < ncols; i++) {
		if ((cid = PQescapeIdentifier(dst, cols[i].name,
		    strlen(cols[i].name))) == NULL)
			goto pgerr;
		ok = (i == 0 || line_put(&q, ", ", 2) == 0) &&
		    line_put(&q, cid, strlen(cid)) == 0;
		PQfreemem(cid);
		if (!ok)
			goto oom;
	}
	if (line_put(&q, ") FROM STDIN", 13) == -1)
		goto oom;
	r = PQexec(dst, q.p);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		goto pgres;
	PQclear(r);
	r = NULL;
	/* The source's identifiers in SQLite's quotes: sqlite3_mprintf's
	 * %w doubles the quotes inside. */
	{
		char	*sel = NULL, *tmp;

		for (i = 0; i < ncols; i++) {
			tmp = sqlite3_mprintf("%s%s\"%w\"", sel ? sel : "",
			    i ? ", " : "", cols[i].name);
			sqlite3_free(sel);
			if ((sel = tmp) == NULL)
				goto oom;
		}
		tmp = sqlite3_mprintf("SELECT %s FROM \"%w\"%s", sel, t->name,
		    strcmp(t->name, "audit") == 0 ? " ORDER BY id" : "");
		sqlite3_free(sel);
		if (tmp == NULL)
			goto oom;
		i = sqlite3_prepare_v2(src, tmp, -1, &st, NULL);
		sqlite3_free(tmp);
		if (i != SQLITE_OK)
			goto sqlerr;
	}
	while ((i = sqlite3_step(st)) == SQLITE_ROW) {
		int	 c;

		l.len = 0;
		for (c = 0; c < ncols; c++) {
			const unsigned char *v;
			size_t	 n;

			ok = c == 0 || line_put(&l, "\t", 1) == 0;
			if (ok && sqlite3_column_type(st, c) == SQLITE_NULL)
				ok = line_put(&l, "\\N", 2) == 0;
			else if (ok && cols[c].bytea) {
				v = sqlite3_column_blob(st, c);
				n = (size_t)sqlite3_column_bytes(st, c);
				ok = line_bytea(&l, v, n) == 0;
			} else if (ok) {
				v = sqlite3_column_text(st, c);
				n = (size_t)sqlite3_column_bytes(st, c);
				ok = line_text(&l, v, n) == 0;
			}
			if (!ok)
				goto oom;
		}
		if (line_put(&l, "\n", 1) == -1)
			goto oom;
		if (PQputCopyData(dst, l.p, (int)l.len) != 1)
			goto pgerr;
		(*rows)++;
	}
	if (i != SQLITE_DONE) {
		(void)PQputCopyEnd(dst, "the source could not be read");
		while ((r = PQgetResult(dst)) != NULL)
			PQclear(r);
		goto sqlerr;
	}
	if (PQputCopyEnd(dst, NULL) != 1)
		goto pgerr;
	ok = 1;
	while ((r = PQgetResult(dst)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
			snprintf(err, errsz, "table %s: %s", t->name,
			    pg_msg(PQresultErrorMessage(r)));
			ok = 0;
		}
		PQclear(r);
	}
	r = NULL;
	if (!ok)
		goto out;
	/* The rows are all there. */
	q.len = 0;
	if (line_put(&q, "SELECT count(*) FROM ", 21) == -1 ||
	    line_put(&q, id, strlen(id) + 1) == -1)
		goto oom;
	if ((have = pg_int(dst, q.p, NULL, err, errsz)) != *rows) {
		if (have >= 0)
			snprintf(err, errsz, "table %s: %" PRId64 " rows "
			    "read, %" PRId64 " on the target", t->name, *rows,
			    have);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	snprintf(err, errsz, "out of memory");
	goto out;
sqlerr:
	snprintf(err, errsz, "table %s: the source: %s", t->name,
	    sqlite3_errmsg(src));
	goto out;
pgres:
	nm = pg_msg(PQresultErrorMessage(r));
	snprintf(err, errsz, "table %s: %s", t->name, nm);
	goto out;
pgerr:
	snprintf(err, errsz, "table %s: %s", t->name,
	    pg_msg(PQerrorMessage(dst)));
out:
	PQclear(r);
	sqlite3_finalize(st);
	PQfreemem(id);
	free(l.p);
	free(q.p);
	for (i = 0; i < ncols; i++)
		free(cols[i].name);
	return rc;
}

/* The source's schema version, or -1 (err). */
static int
source_version(sqlite3 *src, char *err, size_t errsz)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	if (sqlite3_prepare_v2(src, "SELECT coalesce(max(version), 0) FROM"
	    " schema_migrations", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		snprintf(err, errsz, "the source is no dialdesk database: %s",
		    sqlite3_errmsg(src));
	sqlite3_finalize(st);
	return v;
}

int
store_copy_to_pg(const char *from, const char *to, int busy_ms,
    void (*table)(void *, const char *, int64_t), void *arg, char *err,
    size_t errsz)
{
	struct table	 t[MAX_TABLES];
	struct table	*next;
	struct db	*dst = NULL;
	sqlite3		*src = NULL;
	PGconn		*c;
	long		 pid = 0;
	int64_t		 rows;
	int		 n = 0, sv, tv, rc = -1;

	if (strncmp(from, "sqlite:", 7) == 0)
		from += 7;
	if (!pg_is_uri(to)) {
		snprintf(err, errsz, "--to must be a postgresql:// URI");
		return -1;
	}
	if (pg_is_uri(from)) {
		snprintf(err, errsz, "--from must be an SQLite file (sqlite:PATH)");
		return -1;
	}
	/* Another process writing the source would leave the copy behind
	 * what it already answered. */
	if (store_in_use(from, &pid) == 1) {
		snprintf(err, errsz, "%s is open in process %ld: stop dialdesk "
		    "serve and worker first", from, pid);
		return -1;
	}
	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errsz, "cannot open %s: %s", from,
		    src != NULL ? sqlite3_errmsg(src) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(src, busy_ms);
	if ((sv = source_version(src, err, errsz)) < 0)
		goto out;
	if (sv != db_schema_latest()) {
		snprintf(err, errsz, "the source is at schema version %d, this "
		    "dialdesk at %d: run dialdesk migrate on it first", sv,
		    db_schema_latest());
		goto out;
	}
	if ((dst = db_open(to, busy_ms)) == NULL) {
		snprintf(err, errsz, "cannot connect to the target (see above)");
		goto out;
	}
	/* A new database gets the schema here: `dialdesk migrate` would
	 * also start its audit chain, and the target must be empty. */
	if ((tv = db_schema_version(dst)) == 0 &&
	    db_migrate(dst, err, errsz) == -1)
		goto out;
	if (tv != 0 && tv != sv) {
		snprintf(err, errsz, "the target is at schema version %d, the "
		    "source at %d: copy into a new database", tv, sv);
		goto out;
	}
	c = pg_conn(db_pg(dst));
	/* One snapshot of the source; one transaction on the target. */
	if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    source_tables(src, t, &n, err, errsz) == -1)
		goto out;
	if (db_begin(dst) == -1) {
		snprintf(err, errsz, "target: %s", db_errmsg(dst));
		goto out;
	}
	while ((next = next_table(t, n)) != NULL) {
		if (copy_table(src, c, next, &rows, err, errsz) == -1)
			goto out;
		next->done = 1;
		if (table != NULL)
			table(arg, next->name, rows);
	}
	for (sv = 0; sv < n; sv++)
		if (!t[sv].done) {
			snprintf(err, errsz, "table %s: its foreign keys go in "
			    "a circle: no order to copy them in", t[sv].name);
			goto out;
		}
	if (db_sync_ids(dst) == -1) {
		snprintf(err, errsz, "cannot set the sequences: %s",
		    db_errmsg(dst));
		goto out;
	}
	if (db_commit(dst) == -1) {
		snprintf(err, errsz, "commit: %s", db_errmsg(dst));
		goto out;
	}
	if (analyze_tables(c, t, n, err, errsz) == -1)
		goto out;
	rc = 0;
out:
	if (dst != NULL)
		db_rollback(dst);
	db_close(dst);
	if (src != NULL)
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(src);
	tables_free(t, n);
	return rc;
}
