/* pushdb.h: for check_push and check_committer, a temporary migrated
 * database with an audit key, one task of two batches whose vendor task
 * ids are the two forms a create answer may give (32 hex digits, stored
 * lower-cased, and a number), and questions about what was stored. */
#ifndef DIALDESK_TESTS_PUSHDB_H
#define DIALDESK_TESTS_PUSHDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "db.h"

#define HEX_TASK	"0123456789abcdef0123456789abcdef"
#define NUM_TASK	"1234567"

static char		 pdb_path[64];
static struct config	 pdb_cfg;
static struct db	*pdb;

static void
pdb_setup(void)
{
	char	 err[512];
	int	 fd;

	ck_assert_int_ne(sodium_init(), -1);
	snprintf(pdb_path, sizeof(pdb_path), "/tmp/check_push.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(pdb_path), -1);
	close(fd);
	config_defaults(&pdb_cfg);
	free(pdb_cfg.database);
	pdb_cfg.database = strdup(pdb_path);
	free(pdb_cfg.socket);
	ck_assert_int_ne(asprintf(&pdb_cfg.socket, "%s.sock", pdb_path), -1);
	ck_assert_msg(audit_open(&pdb_cfg, 1, err, sizeof(err)) == 0, "%s",
	    err);
	ck_assert_ptr_nonnull(pdb = db_open(pdb_path, 1000));
	ck_assert_msg(db_migrate(pdb, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(sqlite3_exec(db_handle(pdb),
	    "INSERT INTO users (id, name, role, pwhash, created, updated) VALUES"
	    " (1, 'admin', 'admin', 'x', 0, 0), (2, 'op', 'operator', 'x', 0, 0);"
	    "INSERT INTO imports (id, user_id, created, state, params, file_name,"
	    " file_path, file_size, file_sha256, format, encoding, delimiter,"
	    " headers, phone_col, name_col) VALUES (1, 2, 0, 'loading', '{}',"
	    " 'l.csv', '/x', 0, '', '', '', '', '[]', 0, 0);"
	    "INSERT INTO tasks (id, import_id, user_id, name, params,"
	    " login_name, created, state, rows, batch_count) VALUES"
	    " (1, 1, 2, 't', '{}', 'x', 0, 'sent', 3, 3);"
	    "INSERT INTO batches (id, task_id, seq, first_seq, rows, state,"
	    " vendor_task_id, updated) VALUES"
	    " (11, 1, 1, 1, 1, 'sent', '" HEX_TASK "', 0),"
	    " (12, 1, 2, 2, 1, 'sent', '" NUM_TASK "', 0),"
	    " (13, 1, 3, 3, 1, 'queued', NULL, 0)",
	    NULL, NULL, NULL), SQLITE_OK);
}

static void
pdb_teardown(void)
{
	static const char *const suffix[] = { "", ".audit-key",
	    ".audit-checkpoints", "-wal", "-shm", ".dnc-key", ".sock.commit",
	    ".sock.gate" };
	char	 p[128];
	size_t	 i;

	db_close(pdb);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", pdb_path, suffix[i]);
		unlink(p);
	}
	audit_close();
	config_free(&pdb_cfg);
}

/* The one integer sql answers (-1 when it answers no row). */
static int64_t
pdb_int(const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(pdb), sql, -1, &st,
	    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The one text sql answers, copied into buf ("" for no row). */
static const char *
pdb_text(const char *sql, char *buf, size_t sz)
{
	sqlite3_stmt	*st;

	buf[0] = '\0';
	ck_assert_int_eq(sqlite3_prepare_v2(db_handle(pdb), sql, -1, &st,
	    NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, sz, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

#endif
