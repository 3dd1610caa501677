/* check_committer.c: the committer stores the pushes it is handed as the
 * worker read them (it does not read the bodies again), all of a round in
 * one transaction; when any cannot be stored none is, and none may be
 * acknowledged. Through its socket: what a worker hands over arrives
 * whole, and refusals are counted per address. */
#include "autoconf.h"

#include <sys/wait.h>

#include <signal.h>

#include "pushdb.h"
#include "committer.h"
#include "push.h"
#include "unit.h"

/* A handed push whose body is no push at all: only the fields the
 * worker read can be what is stored. */
static struct push_handed
handed(const char *sn, const char *body, int64_t total)
{
	struct push_handed h;

	memset(&h, 0, sizeof(h));
	h.who = (struct audit_actor){ 0, "vendor", "192.0.2.1", "ua" };
	h.ctype = "application/json";
	h.body = body;
	h.len = strlen(body);
	h.push.sn = (char *)sn;
	h.push.vendor_task_id = (char *)sn;
	h.push.ok = 1;
	h.push.fig[PF_TOTAL] = total;
	h.push.extra = (char *)"{}";
	return h;
}

START_TEST(test_commit_as_handed)
{
	struct push_handed h[3];
	int		 res[3] = { 9, 9, 9 };
	char		 buf[64];

	h[0] = handed(NUM_TASK, "opaque body one", 3);
	h[1] = handed("999", "opaque body two", 4);
	h[2] = handed(NUM_TASK, "opaque body one", 5);	/* same body */
	ck_assert_int_eq(db_begin(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, 3, res), 0);
	ck_assert_int_eq(res[0], 1);
	ck_assert_int_eq(res[1], 1);
	ck_assert_int_eq(res[2], 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 2);
	ck_assert_int_eq(pdb_int("SELECT total FROM pushes WHERE body ="
	    " 'opaque body one'"), 3);
	ck_assert_int_eq(pdb_int("SELECT batch_id FROM pushes WHERE total ="
	    " 3"), 12);
	ck_assert_str_eq(pdb_text("SELECT addr FROM pushes WHERE total = 4",
	    buf, sizeof(buf)), "192.0.2.1");
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.duplicate'"), 1);
	/* Committed: a connection of its own sees it. */
	db_close(pdb);
	ck_assert_ptr_nonnull(pdb = db_open(pdb_path, 1000));
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 2);
}
END_TEST

START_TEST(test_error_acknowledges_none)
{
	struct push_handed h[3];
	int		 res[3] = { 9, 9, 9 };

	testdb_exec(pdb, testdb_is_pg() ?
	    "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$"
	    " BEGIN IF NEW.sn = 'boom' THEN RAISE EXCEPTION 'boom'; END IF;"
	    " RETURN NEW; END $$;"
	    " CREATE TRIGGER boom BEFORE INSERT ON pushes FOR EACH ROW"
	    " EXECUTE FUNCTION boom()" :
	    "CREATE TRIGGER boom BEFORE INSERT ON pushes WHEN NEW.sn = 'boom'"
	    " BEGIN SELECT RAISE(ABORT, 'boom'); END");
	h[0] = handed("1", "first", 1);
	h[1] = handed("boom", "second", 2);
	h[2] = handed("3", "third", 3);
	ck_assert_int_eq(db_begin(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, 3, res), -1);
	ck_assert_int_eq(res[0], -1);
	ck_assert_int_eq(res[1], -1);
	ck_assert_int_eq(res[2], -1);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action"
	    " LIKE 'push.%'"), 0);
	/* The transaction is over: the next round works. */
	h[1] = handed("2", "second", 2);
	ck_assert_int_eq(db_begin(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, 3, res), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 3);
}
END_TEST

/* An audit entry refused: on PostgreSQL its answer comes only with the
 * next statement's or the COMMIT's (sent ahead, in one round trip), and
 * still nothing of the round is stored or acknowledged. */
static void
audit_refused(size_t at)
{
	struct push_handed h[3];
	int		 res[3] = { 9, 9, 9 };
	size_t		 i;

	testdb_exec(pdb, testdb_is_pg() ?
	    "CREATE FUNCTION aboom() RETURNS trigger LANGUAGE plpgsql AS $$"
	    " BEGIN IF NEW.object = 'aboom' THEN RAISE EXCEPTION 'aboom';"
	    " END IF; RETURN NEW; END $$;"
	    " CREATE TRIGGER aboom BEFORE INSERT ON audit FOR EACH ROW"
	    " EXECUTE FUNCTION aboom()" :
	    "CREATE TRIGGER aboom BEFORE INSERT ON audit"
	    " WHEN NEW.object = 'aboom'"
	    " BEGIN SELECT RAISE(ABORT, 'aboom'); END");
	h[0] = handed("1", "first", 1);
	h[1] = handed("2", "second", 2);
	h[2] = handed("3", "third", 3);
	h[at] = handed("aboom", "refused", 4);
	ck_assert_int_eq(db_begin(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, 3, res), -1);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(res[i], -1);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action"
	    " LIKE 'push.%'"), 0);
	h[at] = handed("4", "fourth", 4);
	ck_assert_int_eq(db_begin(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, 3, res), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 3);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.received'"), 3);
}

START_TEST(test_audit_refused_mid_round)
{
	audit_refused(1);
}
END_TEST

START_TEST(test_audit_refused_last)
{
	audit_refused(2);
}
END_TEST

/*
 * A round's cost on PostgreSQL does not grow with its pushes: the batch is
 * looked up inside each push's INSERT, the INSERTs of the round are sent
 * ahead together, and the audit chain's head and marker are read once
 * with the INSERTs, under its lock (the marker once a committed round on
 * the connection has found it). Before, each push cost four round trips
 * (the batch, the INSERT, the marker, the head), then a round six. On
 * SQLite the count is 0 and the round still stores every push, linked,
 * with one chain.
 */
#define ROUND	24

START_TEST(test_round_trips_per_round)
{
	static char	 bodies[ROUND][32];
	struct push_handed h[ROUND + 1];
	int		 res[ROUND + 1];
	int64_t		 before, trips;
	size_t		 i;

	for (i = 0; i < ROUND; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "round body %zu", i);
		h[i] = handed(i % 2 ? NUM_TASK : "999", bodies[i],
		    (int64_t)i + 1);
	}
	h[ROUND] = handed(NUM_TASK, bodies[0], 99);	/* the same body */
	/* A first round prepares the statements (on first use). */
	ck_assert_int_eq(db_begin_first(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, 1, res), 0);
	ck_assert_int_eq(res[0], 1);
	ck_assert_int_eq(db_begin_first(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, 1, res), 0);
	ck_assert_int_eq(res[0], 0);
	before = db_round_trips(pdb);
	ck_assert_int_eq(db_begin_first(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, ROUND + 1, res), 0);
	trips = db_round_trips(pdb) - before;
	for (i = 1; i < ROUND; i++)
		ck_assert_int_eq(res[i], 1);
	ck_assert_int_eq(res[0], 0);	/* stored by the first round */
	ck_assert_int_eq(res[ROUND], 0);
	if (testdb_is_pg()) {
		fprintf(stderr, "round of %d pushes: %lld round trips\n",
		    ROUND + 1, (long long)trips);
		/* BEGIN with the chain's lock, the INSERTs with the chain's
		 * head, the duplicates' batches, COMMIT (the entries sent
		 * ahead); the marker was found by the rounds committed
		 * before on this connection. */
		ck_assert_int_le(trips, 4);
	} else
		ck_assert_int_eq(trips, 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), ROUND);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes WHERE"
	    " batch_id = 12"), ROUND / 2);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes WHERE"
	    " batch_id IS NULL AND linked_by = ''"), ROUND / 2);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes WHERE"
	    " batch_id = 12 AND linked_by = 'auto'"), ROUND / 2);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.received'"), ROUND);
	/* The duplicate's entry names the batch its task id has. */
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.duplicate' AND details LIKE '%\"batch\":12%'"), 1);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.duplicate' AND details LIKE '%\"unmatched\":true%'"), 2);
	/* One chain: every entry's prev_hash is the hash of the one before. */
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit AS a JOIN audit"
	    " AS b ON b.id = a.id - 1 WHERE a.prev_hash <> b.hash"), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit"),
	    pdb_int("SELECT max(id) FROM audit"));

	/* A round of new pushes only: BEGIN, the INSERTs, COMMIT. */
	for (i = 0; i < ROUND; i++) {
		snprintf(bodies[i], sizeof(bodies[i]), "fresh body %zu", i);
		h[i] = handed(NUM_TASK, bodies[i], (int64_t)i + 100);
	}
	before = db_round_trips(pdb);
	ck_assert_int_eq(db_begin_first(pdb), 0);
	ck_assert_int_eq(committer_commit(pdb, h, ROUND, res), 0);
	trips = db_round_trips(pdb) - before;
	for (i = 0; i < ROUND; i++)
		ck_assert_int_eq(res[i], 1);
	if (testdb_is_pg()) {
		fprintf(stderr, "round of %d new pushes: %lld round trips\n",
		    ROUND, (long long)trips);
		ck_assert_int_le(trips, 3);
	}
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 2 * ROUND);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit AS a JOIN audit"
	    " AS b ON b.id = a.id - 1 WHERE a.prev_hash <> b.hash"), 0);
}
END_TEST

/* The committer process, forked; the test is the worker. */
static pid_t
start_committer(void)
{
	int	 lfd;
	pid_t	 pid;

	ck_assert_int_ne(lfd = committer_listen(&pdb_cfg), -1);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0)
		committer_main(&pdb_cfg, lfd);
	close(lfd);
	return pid;
}

static void
stop_committer(pid_t pid)
{
	int	 status;

	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

START_TEST(test_through_the_socket)
{
	static const struct audit_actor who = { 0, "vendor", "192.0.2.7",
	    "sandbox/1" };
	struct push	 p;
	const char	*body = "the body, stored whole\n";
	char		 buf[256];
	size_t		 i;
	pid_t		 pid;

	memset(&p, 0, sizeof(p));
	p.sn = (char *)"dial_task_main_sn|0123456789ABCDEF0123456789ABCDEF";
	p.vendor_task_id = (char *)HEX_TASK;
	p.ok = 0;
	p.reason = (char *)"名单格式错误";
	for (i = 0; i < PF__MAX; i++)
		p.fig[i] = (int64_t)i * 1000 + 1;
	p.fig[PF_CHAOPIN] = 1000000000;
	p.extra = (char *)"{\"batchNo\":\"b-1\"}";

	pid = start_committer();
	ck_assert_int_eq(committer_submit(&pdb_cfg, &who, "application/json",
	    body, strlen(body), &p), 1);
	ck_assert_int_eq(committer_submit(&pdb_cfg, &who, "application/json",
	    body, strlen(body), &p), 0);
	/* Refusals: up to callback_refusals_max a minute answer 403. */
	for (i = 0; i < (size_t)pdb_cfg.callback_refusals_max; i++)
		ck_assert_int_eq(committer_refused(&pdb_cfg, &who,
		    (int)(i % 2)), 0);
	ck_assert_int_eq(committer_refused(&pdb_cfg, &who, 0), 1);
	stop_committer(pid);
	/* Gone with the connection still open: the worker is told to store
	 * the push itself, and is not killed by the write. */
	ck_assert_int_eq(committer_submit(&pdb_cfg, &who, "application/json",
	    "other", 5, &p), -2);

	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 1);
	ck_assert_str_eq(pdb_text("SELECT body FROM pushes", buf, sizeof(buf)),
	    body);
	ck_assert_str_eq(pdb_text("SELECT sn FROM pushes", buf, sizeof(buf)),
	    p.sn);
	ck_assert_str_eq(pdb_text("SELECT reason FROM pushes", buf,
	    sizeof(buf)), p.reason);
	ck_assert_str_eq(pdb_text("SELECT extra FROM pushes", buf,
	    sizeof(buf)), p.extra);
	ck_assert_str_eq(pdb_text("SELECT addr || ' ' || content_type FROM"
	    " pushes", buf, sizeof(buf)), "192.0.2.7 application/json");
	ck_assert_int_eq(pdb_int("SELECT ok FROM pushes"), 0);
	ck_assert_int_eq(pdb_int("SELECT batch_id FROM pushes"), 11);
	ck_assert_int_eq(pdb_int("SELECT total FROM pushes"), 1);
	ck_assert_int_eq(pdb_int("SELECT kong FROM pushes"), 7001);
	ck_assert_int_eq(pdb_int("SELECT chaopin FROM pushes"), 1000000000);
	ck_assert_str_eq(pdb_text("SELECT user_agent FROM audit WHERE action"
	    " = 'push.received'", buf, sizeof(buf)), "sandbox/1");
	/* The minute's refusals are written when the committer stops. */
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.forbidden' AND object = '192.0.2.7'"), 1);
}
END_TEST

/* Without a committer the worker is told to store the push itself. */
START_TEST(test_no_committer)
{
	static const struct audit_actor who = { 0, "vendor", "192.0.2.7", "" };
	struct push	 p;

	memset(&p, 0, sizeof(p));
	p.sn = p.vendor_task_id = (char *)"1";
	p.ok = 1;
	p.extra = (char *)"{}";
	ck_assert_int_eq(committer_submit(&pdb_cfg, &who, "", "x", 1, &p), -2);
	ck_assert_int_eq(committer_refused(&pdb_cfg, &who, 1), -2);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("committer");
	TCase	*tc = tcase_create("committer");

	/* As serve's workers do (server.c): a committer gone is an error
	 * code, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	tcase_add_checked_fixture(tc, pdb_setup, pdb_teardown);
	tcase_add_test(tc, test_commit_as_handed);
	tcase_add_test(tc, test_error_acknowledges_none);
	tcase_add_test(tc, test_audit_refused_mid_round);
	tcase_add_test(tc, test_audit_refused_last);
	tcase_add_test(tc, test_round_trips_per_round);
	tcase_add_test(tc, test_through_the_socket);
	tcase_add_test(tc, test_no_committer);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
