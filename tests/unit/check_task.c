/* check_task.c: tasks and batches through the typed store, against a
 * temporary migrated database: the state tables, a task read and listed
 * by each filter, its state following its batches, cancel and resend with
 * their audit entries, the sender's claim, outcome, requeue and stale
 * batches, the dashboard's sums and a task's breakdown. */
#include "autoconf.h"

#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "audit.h"
#include "breakdown.h"
#include "config.h"
#include "db.h"
#include "testdb.h"
#include "params.h"
#include "state.h"
#include "store/tasks.h"
#include "task.h"
#include "unit.h"

static struct config cfg;
static struct db *db;
static const struct audit_actor op = { 2, "op", "127.0.0.1", "check" };

/* Run SQL that must succeed. */
static void
sql(const char *q)
{
	testdb_exec(db, q);
}

/* One integer a query answers. */
static int64_t
sql_int(const char *q)
{
	return testdb_int(db, q);
}

static void
sql_text(const char *q, char *out, size_t outsz)
{
	testdb_text(db, q, out, outsz);
}

/* Two users; task 1 of op (two batches, created at 1000, "春季回访"),
 * task 2 of admin (one batch, created at 5000, "秋季推广"). */
static void
setup(void)
{
	char	 err[512];

	ck_assert_int_ne(sodium_init(), -1);
	db = testdb_open();
	config_defaults(&cfg);
	testdb_config(&cfg);
	ck_assert_msg(audit_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(db_prepare_all(db), 0);
	sql("INSERT INTO users (id, name, role, pwhash, created, updated) VALUES"
	    " (1, 'admin', 'admin', 'x', 0, 0), (2, 'op', 'operator', 'x', 0, 0);"
	    "INSERT INTO imports (id, user_id, created, state, params, file_name,"
	    " file_path, file_size, file_sha256, format, encoding, delimiter,"
	    " headers, phone_col, name_col) VALUES"
	    " (1, 2, 0, 'confirmed', '{}', 'a.csv', '/x', 0, '', 'csv', '', '',"
	    "  '[\"手机号\",\"姓名\",\"城市\"]', 0, 1),"
	    " (2, 1, 0, 'confirmed', '{}', 'b.csv', '/y', 0, '', 'csv', '', '',"
	    "  '[\"phone\"]', 0, -1);"
	    "INSERT INTO tasks (id, import_id, user_id, name, params, login_name,"
	    " created, state, rows, batch_count) VALUES"
	    " (1, 1, 2, '春季回访', '{\"name\":\"春季回访\"}', 'acct', 1000,"
	    "  'queued', 30, 2),"
	    " (2, 2, 1, '秋季推广', '{}', 'acct2', 5000, 'queued', 5, 1);"
	    "INSERT INTO batches (id, task_id, seq, first_seq, rows, state,"
	    " updated) VALUES (1, 1, 1, 1, 20, 'queued', 0),"
	    " (2, 1, 2, 21, 10, 'queued', 0), (3, 2, 1, 1, 5, 'queued', 0)");
}

static void
teardown(void)
{
	testdb_close(db);
	audit_close();
	config_free(&cfg);
}

/* --- the state tables -------------------------------------------------- */

START_TEST(test_task_state_table)
{
	enum task_state	 s, back;
	size_t		 i, j;

	for (i = 0; i < TASK_STATE__MAX; i++) {
		const struct state_def *d = task_state_def((enum task_state)i);

		ck_assert_int_eq(d->state, (int)i);
		ck_assert_msg(d->text != NULL && d->text[0] != '\0' &&
		    d->label != NULL && d->label[0] != '\0' &&
		    d->css != NULL && d->css[0] != '\0', "task state %zu", i);
		ck_assert_int_eq(task_state_parse(d->text, &back), 0);
		ck_assert_int_eq(back, (int)i);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(task_states[j].text, d->text);
	}
	ck_assert_str_eq(task_state_label(TASK_ATTENTION), "需处理");
	ck_assert_str_eq(task_state_text(TASK_CANCELLED), "cancelled");
	s = TASK_SENT;
	ck_assert_int_eq(task_state_parse("Sent", &s), -1);
	ck_assert_int_eq(task_state_parse("", &s), -1);
	ck_assert_int_eq(task_state_parse("failed", &s), -1);
	ck_assert_int_eq(task_state_parse("queued ", &s), -1);
	ck_assert_int_eq(s, TASK_SENT);	/* untouched when refused */
	/* Out of range: a visible "?", never NULL. */
	ck_assert_str_eq(task_state_text((enum task_state)99), "?");
}
END_TEST

START_TEST(test_batch_state_table)
{
	enum batch_state s, back;
	size_t		 i, j;

	for (i = 0; i < BATCH_STATE__MAX; i++) {
		const struct state_def *d = batch_state_def((enum batch_state)i);

		ck_assert_int_eq(d->state, (int)i);
		ck_assert_msg(d->text != NULL && d->text[0] != '\0' &&
		    d->label != NULL && d->label[0] != '\0' &&
		    d->css != NULL && d->css[0] != '\0', "batch state %zu", i);
		ck_assert_int_eq(batch_state_parse(d->text, &back), 0);
		ck_assert_int_eq(back, (int)i);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(batch_states[j].text, d->text);
	}
	ck_assert_str_eq(batch_state_label(BATCH_UNKNOWN), "结果未知");
	ck_assert_str_eq(batch_state_label(BATCH_FAILED), "供应商拒绝");
	ck_assert_int_eq(batch_state_parse("attention", &s), -1);
	ck_assert_int_eq(batch_state_parse("UNKNOWN", &s), -1);
	ck_assert_int_eq(batch_state_parse("", &s), -1);
	ck_assert_str_eq(batch_state_label((enum batch_state)-1), "?");
}
END_TEST

/* The tables and the schema's CHECK constraints name the same states:
 * every stored state is accepted, one outside the table is not. */
START_TEST(test_states_match_schema)
{
	char	 q[256];
	size_t	 i;

	for (i = 0; i < BATCH_STATE__MAX; i++) {
		snprintf(q, sizeof(q), "UPDATE batches SET state = '%s'"
		    " WHERE id = 1", batch_states[i].text);
		sql(q);
	}
	for (i = 0; i < TASK_STATE__MAX; i++) {
		if (i == TASK_PREVIEW)	/* an import's, never stored */
			continue;
		snprintf(q, sizeof(q), "UPDATE tasks SET state = '%s'"
		    " WHERE id = 1", task_states[i].text);
		sql(q);
	}
	ck_assert(testdb_fails(db, "UPDATE batches SET"
	    " state = 'attention' WHERE id = 1"));
}
END_TEST

/* The status filter's validator takes exactly the table's texts. */
START_TEST(test_status_validator)
{
	struct kpair	 p;
	char		 buf[32];
	size_t		 i;

	memset(&p, 0, sizeof(p));
	p.key = (char *)"status";
	p.val = buf;
	for (i = 0; i < TASK_STATE__MAX; i++) {
		snprintf(buf, sizeof(buf), "%s", task_states[i].text);
		p.valsz = strlen(buf);
		p.parsed = 99;
		ck_assert_int_eq(valid_task_state(&p), 1);
		ck_assert_int_eq(p.parsed, (int64_t)i);
	}
	snprintf(buf, sizeof(buf), "%s", "");
	p.valsz = 0;
	ck_assert_int_eq(valid_task_state(&p), 1);
	ck_assert_int_eq(p.parsed, -1);
	snprintf(buf, sizeof(buf), "%s", "unknown");	/* a batch's */
	p.valsz = strlen(buf);
	ck_assert_int_eq(valid_task_state(&p), 0);
	snprintf(buf, sizeof(buf), "%s", "QUEUED");
	p.valsz = strlen(buf);
	ck_assert_int_eq(valid_task_state(&p), 0);
}
END_TEST

/* --- tasks ------------------------------------------------------------- */

START_TEST(test_task_get)
{
	struct task_row	 t;

	ck_assert_int_eq(task_get(db, 1, &t), 1);
	ck_assert_int_eq(t.id, 1);
	ck_assert_int_eq(t.import_id, 1);
	ck_assert_int_eq(t.user_id, 2);
	ck_assert_str_eq(t.creator, "op");
	ck_assert_str_eq(t.name, "春季回访");
	ck_assert_str_eq(t.params, "{\"name\":\"春季回访\"}");
	ck_assert_str_eq(t.login_name, "acct");
	ck_assert_int_eq(t.created, 1000);
	ck_assert_int_eq(t.rows, 30);
	ck_assert_int_eq(t.batch_count, 2);
	ck_assert_int_eq(t.state, TASK_QUEUED);
	task_clear(&t);
	sql("UPDATE tasks SET state = 'attention' WHERE id = 1");
	ck_assert_int_eq(task_get(db, 1, &t), 1);
	ck_assert_int_eq(t.state, TASK_ATTENTION);
	task_clear(&t);
	ck_assert_int_eq(task_get(db, 99, &t), 0);
	task_clear(&t);
}
END_TEST

struct listed {
	int64_t		 ids[8];
	int64_t		 done[8];
	enum task_state	 states[8];
	char		 creators[8][16];
	size_t		 n;
};

static int
collect(void *arg, const struct task_summary *t)
{
	struct listed	*l = arg;

	ck_assert_uint_lt(l->n, 8);
	l->ids[l->n] = t->id;
	l->done[l->n] = t->batches_done;
	l->states[l->n] = t->state;
	snprintf(l->creators[l->n], sizeof(l->creators[0]), "%s", t->creator);
	l->n++;
	return 0;
}

/* The tasks older than key (0: from the newest) or, newer 1, newer than
 * key; at most limit (0: all). */
static size_t
list(const struct task_filter *f, int64_t key, int newer, int64_t limit,
    struct listed *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(store_task_list(db, f, key, newer, limit, collect, l),
	    0);
	return l->n;
}

START_TEST(test_task_list_filters)
{
	static const struct {
		struct task_filter f;
		size_t		 n;
		int64_t		 first;
	} cases[] = {
		{ { 0 }, 2, 2 },				/* newest first */
		{ { 0, 0, 2, 0, 0, NULL }, 1, 1 },		/* creator */
		{ { 0, 0, 1, 0, 0, NULL }, 1, 2 },
		{ { 0, 0, 3, 0, 0, NULL }, 0, 0 },
		{ { 0, 0, 0, 2000, 0, NULL }, 1, 2 },		/* from */
		{ { 0, 0, 0, 0, 2000, NULL }, 1, 1 },		/* to, exclusive */
		{ { 0, 0, 0, 1000, 5000, NULL }, 1, 1 },
		{ { 0, 0, 0, 0, 0, "回访" }, 1, 1 },		/* name part */
		{ { 0, 0, 0, 0, 0, "季" }, 2, 2 },
		{ { 0, 0, 0, 0, 0, "" }, 2, 2 },
		{ { 0, 0, 0, 0, 0, "夏季" }, 0, 0 },
		{ { 1, TASK_QUEUED, 0, 0, 0, NULL }, 1, 2 },	/* state */
		{ { 1, TASK_SENT, 0, 0, 0, NULL }, 1, 1 },
		{ { 1, TASK_PREVIEW, 0, 0, 0, NULL }, 0, 0 },
		{ { 1, TASK_SENT, 1, 0, 0, NULL }, 0, 0 },	/* both */
	};
	struct listed	 l;
	size_t		 i;

	sql("UPDATE tasks SET state = 'sent' WHERE id = 1");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(list(&cases[i].f, 0, 0, 0, &l) == cases[i].n,
		    "case %zu: %zu rows", i, l.n);
		if (cases[i].n > 0)
			ck_assert_msg(l.ids[0] == cases[i].first, "case %zu", i);
	}
}
END_TEST

START_TEST(test_task_list_page_and_progress)
{
	struct task_filter f;
	struct listed	 l;

	memset(&f, 0, sizeof(f));
	ck_assert_uint_eq(list(&f, 0, 0, 1, &l), 1);
	ck_assert_int_eq(l.ids[0], 2);
	ck_assert_str_eq(l.creators[0], "admin");
	ck_assert_uint_eq(list(&f, 2, 0, 1, &l), 1);
	ck_assert_int_eq(l.ids[0], 1);
	ck_assert_str_eq(l.creators[0], "op");
	ck_assert_uint_eq(list(&f, 1, 0, 5, &l), 0);
	/* Newer than a key: oldest first. */
	ck_assert_uint_eq(list(&f, 1, 1, 0, &l), 1);
	ck_assert_int_eq(l.ids[0], 2);
	ck_assert_uint_eq(list(&f, 2, 1, 0, &l), 0);
	f.user_id = 2;
	ck_assert_uint_eq(list(&f, 0, 1, 0, &l), 1);
	ck_assert_int_eq(l.ids[0], 1);
	memset(&f, 0, sizeof(f));
	/* Settled: sent, refused, unknown, cancelled; not queued or sending. */
	ck_assert_uint_eq(list(&f, 2, 0, 0, &l), 1);
	ck_assert_int_eq(l.done[0], 0);
	sql("UPDATE batches SET state = 'unknown' WHERE id = 1;"
	    "UPDATE batches SET state = 'sending' WHERE id = 2");
	ck_assert_uint_eq(list(&f, 2, 0, 0, &l), 1);
	ck_assert_int_eq(l.done[0], 1);
	sql("UPDATE batches SET state = 'failed' WHERE id = 2");
	ck_assert_uint_eq(list(&f, 2, 0, 0, &l), 1);
	ck_assert_int_eq(l.done[0], 2);
}
END_TEST

static int
stop_at_first(void *arg, const struct task_summary *t)
{
	(*(int *)arg)++;
	(void)t;
	return 1;
}

START_TEST(test_task_list_callback_stops)
{
	struct task_filter f;
	int		 calls = 0;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(store_task_list(db, &f, 0, 0, 0, stop_at_first,
	    &calls), -1);
	ck_assert_int_eq(calls, 1);
	/* The statement is reset: the next walk reads every row again. */
	calls = 0;
	ck_assert_int_eq(store_task_latest(db, 0, 10, stop_at_first, &calls),
	    -1);
	ck_assert_int_eq(calls, 1);
}
END_TEST

START_TEST(test_task_latest)
{
	struct listed	 l;

	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(store_task_latest(db, 0, 10, collect, &l), 0);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_int_eq(l.ids[0], 2);
	ck_assert_int_eq(l.ids[1], 1);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(store_task_latest(db, 2, 10, collect, &l), 0);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.ids[0], 1);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(store_task_latest(db, 0, 1, collect, &l), 0);
	ck_assert_uint_eq(l.n, 1);
}
END_TEST

/* A task's state follows its batches. */
START_TEST(test_task_refresh)
{
	static const struct {
		const char	*b1, *b2;
		enum task_state	 want;
	} cases[] = {
		{ "queued", "queued", TASK_QUEUED },
		{ "sending", "queued", TASK_SENDING },
		{ "sent", "queued", TASK_SENDING },
		{ "sent", "sent", TASK_SENT },
		{ "sent", "cancelled", TASK_SENT },
		{ "cancelled", "cancelled", TASK_CANCELLED },
		{ "failed", "sent", TASK_ATTENTION },
		{ "unknown", "sending", TASK_ATTENTION },
		{ "queued", "unknown", TASK_ATTENTION },
	};
	struct task_row	 t;
	char		 q[160];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(q, sizeof(q), "UPDATE batches SET state = '%s' WHERE"
		    " id = 1; UPDATE batches SET state = '%s' WHERE id = 2",
		    cases[i].b1, cases[i].b2);
		sql(q);
		ck_assert_int_eq(store_task_refresh(db, 1), 0);
		ck_assert_int_eq(task_get(db, 1, &t), 1);
		ck_assert_msg(t.state == cases[i].want, "%s+%s: %s", cases[i].b1,
		    cases[i].b2, task_state_text(t.state));
		task_clear(&t);
	}
	/* The other task is not touched. */
	ck_assert_int_eq(task_get(db, 2, &t), 1);
	ck_assert_int_eq(t.state, TASK_QUEUED);
	task_clear(&t);
}
END_TEST

START_TEST(test_task_cancel)
{
	struct task_row	 t;

	sql("UPDATE batches SET state = 'sent' WHERE id = 1");
	ck_assert_int_eq(task_cancel(db, &op, 1), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM batches WHERE"
	    " task_id = 1 AND state = 'cancelled'"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM batches WHERE"
	    " id = 1 AND state = 'sent'"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM batches WHERE"
	    " id = 3 AND state = 'queued'"), 1);
	ck_assert_int_eq(task_get(db, 1, &t), 1);
	ck_assert_int_eq(t.state, TASK_SENT);
	task_clear(&t);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit WHERE"
	    " action = 'task.cancelled' AND object = 'task 1' AND"
	    " actor = 'op' AND"
	    " (details LIKE '%\"batches_cancelled\":1,%' OR"
	    "  details LIKE '%\"batches_cancelled\":1}%')"), 1);
	/* Nothing left to cancel: 0, and no second entry. */
	ck_assert_int_eq(task_cancel(db, &op, 1), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit WHERE"
	    " action = 'task.cancelled'"), 1);
	ck_assert_int_eq(task_cancel(db, &op, 99), 0);
}
END_TEST

START_TEST(test_batch_resend)
{
	struct task_row	 t;
	int64_t		 task;

	/* Only an unknown or refused batch goes back to the queue. */
	sql("UPDATE batches SET state = 'sent' WHERE id = 1;"
	    "UPDATE batches SET state = 'unknown', next_attempt = 99999"
	    " WHERE id = 2; UPDATE tasks SET state = 'attention' WHERE id = 1");
	ck_assert_int_eq(batch_resend(db, &op, 1), 0);
	ck_assert_int_eq(batch_resend(db, &op, 2), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM batches WHERE id = 2"
	    " AND state = 'queued' AND next_attempt = 0"), 1);
	ck_assert_int_eq(task_get(db, 1, &t), 1);
	ck_assert_int_eq(t.state, TASK_SENDING);
	task_clear(&t);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM audit WHERE"
	    " action = 'batch.resent' AND object = 'batch 2' AND"
	    " (details LIKE '%\"task\":1,%' OR details LIKE '%\"task\":1}%')"
	    " AND (details LIKE '%\"seq\":2,%' OR details LIKE '%\"seq\":2}%')"),
	    1);
	ck_assert_int_eq(batch_resend(db, &op, 2), 0);	/* queued now */
	sql("UPDATE batches SET state = 'failed' WHERE id = 3");
	ck_assert_int_eq(batch_resend(db, &op, 3), 1);
	ck_assert_int_eq(batch_resend(db, &op, 99), 0);
	ck_assert_int_eq(store_batch_task(db, 3, &task), 0);
	ck_assert_int_eq(task, 2);
	ck_assert_int_eq(store_batch_task(db, 99, &task), 1);
}
END_TEST

struct batches {
	int64_t		 ids[4];
	enum batch_state states[4];
	int		 errs[4];
	char		 vendor[4][32];
	size_t		 n;
};

static int
collect_batch(void *arg, const struct batch_row *b)
{
	struct batches	*bs = arg;

	ck_assert_uint_lt(bs->n, 4);
	bs->ids[bs->n] = b->id;
	bs->states[bs->n] = b->state;
	bs->errs[bs->n] = b->has_err_code ? (int)b->err_code : -1;
	snprintf(bs->vendor[bs->n], sizeof(bs->vendor[0]), "%s",
	    b->vendor_task_id);
	bs->n++;
	return 0;
}

/* The sender's path through the store: claim in order, an outcome, a
 * requeue with its delay, and a claim left by a dead worker. */
START_TEST(test_batch_claim_and_outcomes)
{
	struct batch_claim c;
	struct batch_outcome o;
	struct batches	 bs;
	struct batch_ref stale[4];
	char		 text[128];

	/* Batch 1 waits until 500: at 100 the claim takes batch 2. */
	sql("UPDATE batches SET next_attempt = 500 WHERE id = 1");
	ck_assert_int_eq(store_batch_next_queued(db, 100, &c), 0);
	ck_assert_int_eq(c.batch_id, 2);
	ck_assert_int_eq(c.attempts, 0);
	ck_assert_int_eq(store_batch_claim(db, "w1", 100, &c), 0);
	ck_assert_int_eq(c.batch_id, 2);
	ck_assert_int_eq(c.task_id, 1);
	ck_assert_int_eq(c.seq, 2);
	ck_assert_int_eq(c.first_seq, 21);
	ck_assert_int_eq(c.rows, 10);
	ck_assert_int_eq(c.attempts, 1);
	ck_assert_int_eq(store_batch_claim_open(db, 2, 1), 1);
	ck_assert_int_eq(store_batch_claim_open(db, 2, 2), 0);
	sql_text("SELECT state || ' ' || claimed_by FROM batches WHERE id = 2",
	    text, sizeof(text));
	ck_assert_str_eq(text, "sending w1");
	/* Then batch 3; batch 1 is not due yet. */
	ck_assert_int_eq(store_batch_claim(db, "w2", 100, &c), 0);
	ck_assert_int_eq(c.batch_id, 3);
	ck_assert_int_eq(store_batch_claim(db, "w2", 100, &c), 1);
	ck_assert_int_eq(store_batch_next_queued(db, 100, &c), 0);
	ck_assert_int_eq(c.batch_id, 1);	/* the one due soonest */
	ck_assert_int_eq(store_batch_claim(db, "w2", 500, &c), 0);
	ck_assert_int_eq(c.batch_id, 1);
	ck_assert_int_eq(store_batch_next_queued(db, 500, &c), 1);

	/* Batch 2 accepted. */
	memset(&o, 0, sizeof(o));
	o.batch_id = 2;
	o.state = BATCH_SENT;
	o.http_status = 200;
	o.has_err_code = 1;
	o.err_code = 0;
	o.message = "ok";
	o.vendor_task_id = "T-2";
	o.body_sha256 = "abc";
	o.sent_at = 110;
	o.now = 111;
	ck_assert_int_eq(store_batch_finish(db, &o), 0);
	ck_assert_int_eq(store_batch_claim_open(db, 2, 1), 0);
	/* Finishing a batch no longer being sent changes nothing. */
	o.state = BATCH_FAILED;
	ck_assert_int_eq(store_batch_finish(db, &o), 0);
	/* Batch 3 not sent: back in the queue, due at 200. */
	ck_assert_int_eq(store_batch_requeue(db, 3, 200, "连接失败", 120), 0);
	sql_text("SELECT state || ' ' || next_attempt || ' ' || message ||"
	    " ' [' || claimed_by || ']' FROM batches WHERE id = 3", text,
	    sizeof(text));
	ck_assert_str_eq(text, "queued 200 连接失败 []");
	ck_assert_int_eq(store_batch_claim(db, "w3", 199, &c), 1);
	ck_assert_int_eq(store_batch_claim(db, "w3", 200, &c), 0);
	ck_assert_int_eq(c.batch_id, 3);
	ck_assert_int_eq(c.attempts, 2);

	/* Batch 1 (claimed at 500) and 3 (at 200) still sending: claims
	 * made before 300 are stale. */
	ck_assert_int_eq(store_batches_stale(db, "中断", 1000, 300, stale, 4),
	    1);
	ck_assert_int_eq(stale[0].batch_id, 3);
	ck_assert_int_eq(stale[0].task_id, 2);
	ck_assert_int_eq(stale[0].seq, 1);
	ck_assert_int_eq(store_batches_stale(db, "中断", 1000, 300, stale, 4),
	    0);
	ck_assert_int_eq(store_batch_claim_open(db, 1, 1), 1);

	memset(&bs, 0, sizeof(bs));
	ck_assert_int_eq(store_task_batches(db, 1, 0, 0, collect_batch, &bs), 0);
	ck_assert_uint_eq(bs.n, 2);
	ck_assert_int_eq(bs.ids[0], 1);
	ck_assert_int_eq(bs.states[0], BATCH_SENDING);
	ck_assert_int_eq(bs.errs[0], -1);
	ck_assert_int_eq(bs.ids[1], 2);
	ck_assert_int_eq(bs.states[1], BATCH_SENT);
	ck_assert_int_eq(bs.errs[1], 0);
	ck_assert_str_eq(bs.vendor[1], "T-2");
	memset(&bs, 0, sizeof(bs));
	ck_assert_int_eq(store_task_batches(db, 2, 0, 0, collect_batch, &bs), 0);
	ck_assert_uint_eq(bs.n, 1);
	ck_assert_int_eq(bs.states[0], BATCH_UNKNOWN);
	/* A page by key: the batches after seq 1, one of them. */
	memset(&bs, 0, sizeof(bs));
	ck_assert_int_eq(store_task_batches(db, 1, 1, 1, collect_batch, &bs), 0);
	ck_assert_uint_eq(bs.n, 1);
	ck_assert_int_eq(bs.ids[0], 2);
}
END_TEST

START_TEST(test_task_for_send)
{
	struct task_send t;

	ck_assert_int_eq(store_task_for_send(db, 1, &t), 0);
	ck_assert_str_eq(t.name, "春季回访");
	ck_assert_str_eq(t.login_name, "acct");
	ck_assert_str_eq(t.headers, "[\"手机号\",\"姓名\",\"城市\"]");
	ck_assert_int_eq(t.import_id, 1);
	ck_assert_int_eq(t.batch_count, 2);
	ck_assert_int_eq(t.phone_col, 0);
	ck_assert_int_eq(t.name_col, 1);
	task_send_clear(&t);
	ck_assert_int_eq(store_task_for_send(db, 2, &t), 0);
	ck_assert_int_eq(t.name_col, -1);
	task_send_clear(&t);
	ck_assert_int_eq(store_task_for_send(db, 99, &t), 1);
	task_send_clear(&t);
}
END_TEST

/* Pushes of batch 1 (two: the newer counts) and batch 3 (a failure). */
static void
seed_pushes(void)
{
	sql("UPDATE batches SET state = 'sent', sent_at = 10000 WHERE id IN"
	    " (1, 3); UPDATE batches SET state = 'cancelled' WHERE id = 2;"
	    "INSERT INTO pushes (id, received, addr, content_type, body,"
	    " body_sha256, sn, vendor_task_id, batch_id, ok, reason, total,"
	    " success, fail, blacklist, repeat, filter, shi, kong, tingji, kuwu,"
	    " chenmo, fenxian, chaopin) VALUES"
	    " (1, 10100, '', '', '', 'h1', '', 'T1', 1, 1, '', 20, 10, 10,"
	    "  1, 1, 1, 1, 1, 1, 1, 1, 1, 1),"
	    " (2, 10200, '', '', '', 'h2', '', 'T1', 1, 1, '', 20, 15, 5,"
	    "  1, 2, 3, 4, 5, 6, 7, 8, 9, 10),"
	    " (3, 10300, '', '', '', 'h3', '', 'T3', 3, 0, '名单为空', 0, 0, 0,"
	    "  0, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
}

START_TEST(test_breakdown)
{
	struct breakdown b;
	size_t		 i;

	seed_pushes();
	ck_assert_int_eq(breakdown_load(db, 1, &b), 0);
	ck_assert_uint_eq(b.n, 2);
	ck_assert_int_eq(b.rows[0].batch_id, 1);
	ck_assert_int_eq(b.rows[0].state, BATCH_SENT);
	ck_assert_int_eq(b.rows[0].pushed, 1);
	ck_assert_int_eq(b.rows[0].ok, 1);
	ck_assert_int_eq(b.rows[0].pushes, 2);
	ck_assert_int_eq(b.rows[0].received, 10200);
	ck_assert_int_eq(b.rows[0].fig[PF_TOTAL], 20);
	ck_assert_int_eq(b.rows[0].fig[PF_SUCCESS], 15);
	ck_assert_int_eq(b.rows[0].fig[PF_CHAOPIN], 10);
	ck_assert_int_eq(b.rows[1].state, BATCH_CANCELLED);
	ck_assert_int_eq(b.rows[1].pushed, 0);
	ck_assert_int_eq(b.rows[1].pushes, 0);
	for (i = 0; i < PF__MAX; i++)
		ck_assert_int_eq(b.total[i], b.rows[0].fig[i]);
	ck_assert_int_eq(b.sent_rows, 20);
	ck_assert_int_eq(b.reported_rows, 20);
	ck_assert_uint_eq(b.with_figures, 1);
	breakdown_clear(&b);
	ck_assert_int_eq(breakdown_load(db, 2, &b), 0);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_int_eq(b.rows[0].pushed, 1);
	ck_assert_int_eq(b.rows[0].ok, 0);
	ck_assert_str_eq(b.rows[0].reason, "名单为空");
	ck_assert_int_eq(b.rows[0].fig[PF_TOTAL], 0);
	ck_assert_uint_eq(b.with_figures, 0);
	breakdown_clear(&b);
	ck_assert_int_eq(breakdown_load(db, 99, &b), 0);
	ck_assert_uint_eq(b.n, 0);
	breakdown_clear(&b);
}
END_TEST

START_TEST(test_dashboard)
{
	int64_t		 tasks, numbers, batches, fig[PF__MAX];

	seed_pushes();
	ck_assert_int_eq(store_dash_counts(db, 0, 0, &tasks, &numbers), 0);
	ck_assert_int_eq(tasks, 2);
	ck_assert_int_eq(numbers, 25);		/* batches 1 and 3 sent */
	ck_assert_int_eq(store_dash_counts(db, 2000, 0, &tasks, &numbers), 0);
	ck_assert_int_eq(tasks, 1);		/* task 2, made at 5000 */
	ck_assert_int_eq(numbers, 25);
	ck_assert_int_eq(store_dash_counts(db, 0, 2, &tasks, &numbers), 0);
	ck_assert_int_eq(tasks, 1);
	ck_assert_int_eq(numbers, 20);
	ck_assert_int_eq(store_dash_counts(db, 20000, 0, &tasks, &numbers), 0);
	ck_assert_int_eq(tasks, 0);
	ck_assert_int_eq(numbers, 0);
	/* Only the newest push of a batch, and only one with figures. */
	ck_assert_int_eq(store_dash_figures(db, 0, 0, &batches, fig), 0);
	ck_assert_int_eq(batches, 1);
	ck_assert_int_eq(fig[PF_TOTAL], 20);
	ck_assert_int_eq(fig[PF_SUCCESS], 15);
	ck_assert_int_eq(fig[PF_FAIL], 5);
	ck_assert_int_eq(fig[PF_FILTER], 3);
	ck_assert_int_eq(fig[PF_CHAOPIN], 10);
	ck_assert_int_eq(store_dash_figures(db, 0, 1, &batches, fig), 0);
	ck_assert_int_eq(batches, 0);
	ck_assert_int_eq(fig[PF_TOTAL], 0);
	ck_assert_int_eq(store_dash_figures(db, 10001, 0, &batches, fig), 0);
	ck_assert_int_eq(batches, 0);
}
END_TEST

/*
 * Two workers, each with its own connection, claiming at the same time
 * until nothing is due: every batch is claimed exactly once (SQLite: one
 * BEGIN IMMEDIATE at a time; PostgreSQL: FOR UPDATE SKIP LOCKED).
 */
#define CLAIM_BATCHES	60
START_TEST(test_concurrent_claims)
{
	char	 q[256], ids[2][4096];
	int	 fds[2][2], w, status, i, total = 0;
	pid_t	 kid[2];
	int64_t	 seen[CLAIM_BATCHES + 8];
	ssize_t	 n;

	for (i = 0; i < CLAIM_BATCHES - 3; i++) {
		snprintf(q, sizeof(q), "INSERT INTO batches (task_id, seq,"
		    " first_seq, rows, state, updated) VALUES (2, %d, %d, 1,"
		    " 'queued', 0)", i + 2, i + 2);
		sql(q);
	}
	for (w = 0; w < 2; w++) {
		ck_assert_int_eq(pipe(fds[w]), 0);
		ck_assert_int_ne(kid[w] = fork(), -1);
		if (kid[w] == 0) {
			struct db	*mine;
			struct batch_claim c;
			char		 out[4096] = "", one[24];
			int		 rc, tries = 0;

			close(fds[w][0]);
			if ((mine = db_open(testdb_name, 5000)) == NULL)
				_exit(2);
			for (;;) {
				if ((rc = db_try_begin(mine)) == 1 &&
				    tries++ < 1000)
					continue;
				if (rc != 0)
					_exit(3);
				rc = store_batch_claim(mine, w ? "w1" : "w0",
				    100, &c);
				if (rc == -1 || db_commit(mine) == -1)
					_exit(4);
				if (rc == 1)
					break;
				snprintf(one, sizeof(one), "%lld ",
				    (long long)c.batch_id);
				strncat(out, one, sizeof(out) - strlen(out) - 1);
			}
			db_close(mine);
			(void)write(fds[w][1], out, strlen(out));
			_exit(0);
		}
		close(fds[w][1]);
	}
	for (w = 0; w < 2; w++) {
		n = read(fds[w][0], ids[w], sizeof(ids[w]) - 1);
		ids[w][n > 0 ? n : 0] = '\0';
		close(fds[w][0]);
		ck_assert_int_eq(waitpid(kid[w], &status, 0), kid[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "worker %d: status %d", w, status);
	}
	for (w = 0; w < 2; w++) {
		char	*p = ids[w], *end;

		for (;;) {
			int64_t	 id = strtoll(p, &end, 10);

			if (end == p)
				break;
			p = end;
			for (i = 0; i < total; i++)
				ck_assert_msg(seen[i] != id,
				    "batch %lld claimed twice", (long long)id);
			ck_assert_int_lt(total, CLAIM_BATCHES);
			seen[total++] = id;
		}
	}
	ck_assert_int_eq(total, CLAIM_BATCHES);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM batches WHERE"
	    " state = 'sending' AND attempts = 1"), CLAIM_BATCHES);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("task");
	TCase	*tc = tcase_create("states"), *tt = tcase_create("tasks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_task_state_table);
	tcase_add_test(tc, test_batch_state_table);
	tcase_add_test(tc, test_states_match_schema);
	tcase_add_test(tc, test_status_validator);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tt, setup, teardown);
	tcase_add_test(tt, test_task_get);
	tcase_add_test(tt, test_task_list_filters);
	tcase_add_test(tt, test_task_list_page_and_progress);
	tcase_add_test(tt, test_task_list_callback_stops);
	tcase_add_test(tt, test_task_latest);
	tcase_add_test(tt, test_task_refresh);
	tcase_add_test(tt, test_task_cancel);
	tcase_add_test(tt, test_batch_resend);
	tcase_add_test(tt, test_batch_claim_and_outcomes);
	tcase_add_test(tt, test_task_for_send);
	tcase_add_test(tt, test_breakdown);
	tcase_add_test(tt, test_dashboard);
	tcase_add_test(tt, test_concurrent_claims);
	suite_add_tcase(s, tt);
	return unit_run(s);
}
