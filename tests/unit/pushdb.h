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
#include "testdb.h"

#define HEX_TASK	"0123456789abcdef0123456789abcdef"
#define NUM_TASK	"1234567"

/* The database (a path or a URI) and the base of the files beside it. */
static char		 pdb_path[256];
static char		 pdb_base[256];
static struct config	 pdb_cfg;
static struct db	*pdb;

static void
pdb_setup(void)
{
	char	 err[512];

	ck_assert_int_ne(sodium_init(), -1);
	pdb = testdb_open();
	snprintf(pdb_path, sizeof(pdb_path), "%s", testdb_name);
	config_defaults(&pdb_cfg);
	testdb_config(&pdb_cfg);
	snprintf(pdb_base, sizeof(pdb_base), "%s", config_local_base(&pdb_cfg));
	free(pdb_cfg.socket);
	ck_assert_int_ne(asprintf(&pdb_cfg.socket, "%s.sock", pdb_base), -1);
	ck_assert_msg(audit_open(&pdb_cfg, 1, err, sizeof(err)) == 0, "%s",
	    err);
	testdb_exec(pdb,
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
	    " (13, 1, 3, 3, 1, 'queued', NULL, 0)");
}

static void
pdb_teardown(void)
{
	static const char *const suffix[] = { ".sock.commit", ".sock.gate" };
	char	 p[300];
	size_t	 i;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", pdb_base, suffix[i]);
		unlink(p);
	}
	testdb_close(pdb);
	audit_close();
	config_free(&pdb_cfg);
}

/* The one integer sql answers (-1 when it answers no row). */
static int64_t
pdb_int(const char *sql)
{
	char	 v[64];

	return db_query_value(pdb, sql, v, sizeof(v)) == 1 ?
	    strtoll(v, NULL, 10) : -1;
}

/* The one text sql answers, copied into buf ("" for no row). */
static const char *
pdb_text(const char *sql, char *buf, size_t sz)
{
	ck_assert_int_ne(db_query_value(pdb, sql, buf, sz), -1);
	return buf;
}

#endif
