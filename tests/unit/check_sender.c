/* check_sender.c: the sender without the network, against a temporary
 * migrated database: the preview builds the batch a claim would take and
 * claims nothing; one round of `dialdesk worker --once` against a vendor
 * that refuses connections (127.0.0.1:1) puts the batch back in the queue
 * with its delay, and gives up a batch left sending by a dead worker as
 * unknown, with its task needing attention and an audit entry. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "testdb.h"
#include "dnc.h"
#include "sender.h"
#include "unit.h"

static struct config cfg;
static struct db *db;

static void
sql(const char *q)
{
	testdb_exec(db, q);
}

static void
sql_text(const char *q, char *out, size_t outsz)
{
	testdb_text(db, q, out, outsz);
}

/* Task 1 with two batches of one row each (phones 13800000001 and
 * 13800000002); both queued, batch 1 not due for an hour. */
static void
setup(void)
{
	char	 err[512], q[1024];

	ck_assert_int_ne(sodium_init(), -1);
	db = testdb_open();
	config_defaults(&cfg);
	testdb_config(&cfg);
	ck_assert_int_eq(config_set(&cfg, "vendor_url", "http://127.0.0.1:1",
	    NULL), 0);
	ck_assert_int_eq(config_set(&cfg, "org_code", "org", NULL), 0);
	ck_assert_int_eq(config_set(&cfg, "login_name", "acct", NULL), 0);
	ck_assert_int_eq(config_set(&cfg, "sign_key", "k3y", NULL), 0);
	ck_assert_msg(audit_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(dnc_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	snprintf(q, sizeof(q),
	    "INSERT INTO users (id, name, role, pwhash, created, updated) VALUES"
	    " (2, 'op', 'operator', 'x', 0, 0);"
	    "INSERT INTO imports (id, user_id, created, state, params, file_name,"
	    " file_path, file_size, file_sha256, format, encoding, delimiter,"
	    " headers, phone_col, name_col) VALUES"
	    " (1, 2, 0, 'confirmed', '{}', 'a.csv', '/x', 0, '', 'csv', '', '',"
	    "  '[\"手机号\",\"姓名\"]', 0, 1);"
	    "INSERT INTO import_rows (import_id, seq, line, phone, name, other,"
	    " reason) VALUES (1, 1, 2, '13800000001', '甲', '[]', ''),"
	    " (1, 2, 3, '13800000002', '乙', '[]', '');"
	    "INSERT INTO tasks (id, import_id, user_id, name, params, login_name,"
	    " created, state, rows, batch_count) VALUES (1, 1, 2, '回访',"
	    " '{\"name\":\"回访\",\"videoBotId\":\"bot-1\"}', 'acct', 0,"
	    " 'queued', 2, 2);"
	    "INSERT INTO batches (id, task_id, seq, first_seq, rows, state,"
	    " next_attempt, updated) VALUES (1, 1, 1, 1, 1, 'queued', %lld, 0),"
	    " (2, 1, 2, 2, 1, 'queued', 0, 0)",
	    (long long)time(NULL) + 3600);
	sql(q);
}

static void
teardown(void)
{
	char	 p[300];

	snprintf(p, sizeof(p), "%s.heartbeat", config_local_base(&cfg));
	unlink(p);
	testdb_close(db);
	dnc_close();
	audit_close();
	config_free(&cfg);
}

START_TEST(test_preview_takes_the_next_claim)
{
	struct sender_preview pv;
	char		 err[512], state[64], *body;
	size_t		 len;

	ck_assert_ptr_nonnull(body = sender_preview(db, &cfg, &pv, &len, err,
	    sizeof(err)));
	/* Batch 2 is due, batch 1 is not: the claim's order. */
	ck_assert_int_eq(pv.sample, 0);
	ck_assert_int_eq(pv.batch_id, 2);
	ck_assert_int_eq(pv.task_id, 1);
	ck_assert_int_eq(pv.seq, 2);
	ck_assert_int_eq(pv.batch_count, 2);
	ck_assert_int_eq(pv.rows, 1);
	ck_assert_ptr_nonnull(strstr(body, "13800000002"));
	ck_assert_ptr_nonnull(strstr(body, "bot-1"));
	ck_assert_ptr_null(strstr(body, "13800000001"));
	free(body);
	/* Nothing was claimed. */
	sql_text("SELECT (SELECT state || attempts FROM batches WHERE id = 1)"
	    " || ',' || (SELECT state || attempts FROM batches WHERE id = 2)",
	    state, sizeof(state));
	ck_assert_str_eq(state, "queued0,queued0");
	/* With nothing queued, a sample of two made-up people. */
	sql("UPDATE batches SET state = 'cancelled'");
	ck_assert_ptr_nonnull(body = sender_preview(db, &cfg, &pv, &len, err,
	    sizeof(err)));
	ck_assert_int_eq(pv.sample, 1);
	ck_assert_int_eq(pv.batch_id, 0);
	free(body);
}
END_TEST

START_TEST(test_not_sent_is_requeued)
{
	char		 text[256];
	long long	 now = (long long)time(NULL), due;

	ck_assert_int_eq(sender_run(&cfg, 1), 0);
	/* Refused connection: surely not sent, so queued again after 10 s
	 * (the first attempt's back-off), never unknown. */
	sql_text("SELECT state || ' ' || attempts || ' ' || claimed_by FROM"
	    " batches WHERE id = 2", text, sizeof(text));
	ck_assert_str_eq(text, "queued 1 ");
	sql_text("SELECT next_attempt FROM batches WHERE id = 2", text,
	    sizeof(text));
	due = atoll(text);
	ck_assert_int_ge(due, now + 10);
	ck_assert_int_le(due, now + 20);
	sql_text("SELECT length(message) > 0 FROM batches WHERE id = 2", text,
	    sizeof(text));
	ck_assert_str_eq(text, "1");
	/* Batch 1 was not due: untouched. */
	sql_text("SELECT state || attempts FROM batches WHERE id = 1", text,
	    sizeof(text));
	ck_assert_str_eq(text, "queued0");
	sql_text("SELECT state FROM tasks WHERE id = 1", text, sizeof(text));
	ck_assert_str_eq(text, "queued");
	sql_text("SELECT count(*) FROM audit WHERE action LIKE 'batch.%'",
	    text, sizeof(text));
	ck_assert_str_eq(text, "0");
}
END_TEST

START_TEST(test_stale_claim_becomes_unknown)
{
	char	 text[256];

	/* Batch 2 claimed long ago by a worker that died. */
	sql("UPDATE batches SET state = 'sending', claimed_by = 'dead:1',"
	    " claimed_at = 1000, attempts = 1 WHERE id = 2;"
	    "UPDATE tasks SET state = 'sending' WHERE id = 1");
	ck_assert_int_eq(sender_run(&cfg, 1), 0);
	sql_text("SELECT state || ' ' || attempts || ' [' || claimed_by || ']'"
	    " FROM batches WHERE id = 2", text, sizeof(text));
	ck_assert_str_eq(text, "unknown 1 []");
	sql_text("SELECT state FROM tasks WHERE id = 1", text, sizeof(text));
	ck_assert_str_eq(text, "attention");
	sql_text("SELECT count(*) FROM audit WHERE action = 'batch.unknown'"
	    " AND (details LIKE '%\"batch\":2,%' OR details LIKE '%\"batch\":2}%')",
	    text, sizeof(text));
	ck_assert_str_eq(text, "1");
	/* Never resent by itself: another round leaves it as it is. */
	ck_assert_int_eq(sender_run(&cfg, 1), 0);
	sql_text("SELECT state || ' ' || attempts FROM batches WHERE id = 2",
	    text, sizeof(text));
	ck_assert_str_eq(text, "unknown 1");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sender");
	TCase	*tc = tcase_create("sender");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_preview_takes_the_next_claim);
	tcase_add_test(tc, test_not_sent_is_requeued);
	tcase_add_test(tc, test_stale_claim_becomes_unknown);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
