/* sender.c: the background sender. It claims one queued batch at a time
 * (BEGIN IMMEDIATE makes the claim exclusive across processes), builds
 * and signs the body from the stored rows, posts it, and records what
 * became of it. A batch is retried only when the request surely did not
 * reach the vendor; when that is not certain it becomes "unknown" and
 * waits for a person, so that no list is ever sent twice by accident.
 * Every answer goes to the vendor journal (journal.h) before the database,
 * and the database write is retried until it succeeds: an answer is never
 * dropped because the database was busy or the worker was killed. */
#include "autoconf.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "config.h"
#include "journal.h"
#include "dnc.h"
#include "import.h"
#include "log.h"
#include "metrics.h"
#include "push.h"
#include "sender.h"
#include "store/imports.h"
#include "store/tasks.h"
#include "store/users.h"
#include "settings.h"
#include "signals.h"
#include "task.h"
#include "vendor.h"

static volatile sig_atomic_t stop;

static void
on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* A claimed batch and what is needed to send it. */
struct job {
	int64_t		 batch_id, task_id, seq, first_seq, rows, attempts;
	int64_t		 import_id, batch_count;
	char		*task_name, *login_name, *params;
	char		**titles;	/* other columns' titles */
	size_t		 ntitles;
	/* row iteration */
	struct store_cursor *cur;	/* the batch's rows, while sending */
	cJSON		*other;
	const char	**values;
};

static void
job_free(struct job *j)
{
	size_t	 i;

	free(j->task_name);
	free(j->login_name);
	free(j->params);
	for (i = 0; i < j->ntitles; i++)
		free(j->titles[i]);
	free(j->titles);
	cJSON_Delete(j->other);
	free(j->values);
	memset(j, 0, sizeof(*j));
}

/* Rows of the batch from import_rows, for vendor_body(). */
static int
next_row(void *arg, struct vendor_row *row)
{
	struct job	*j = arg;
	struct import_row r;
	int		 rc;

	cJSON_Delete(j->other);
	j->other = NULL;
	if ((rc = store_import_rows_next(j->cur, &r)) != 1)
		return rc;
	row->phone = r.phone;
	row->name = r.name;
	if (import_other_values(r.other, j->ntitles, j->values, &row->nother,
	    &j->other) == -1)
		return -1;
	row->titles = (const char *const *)j->titles;
	row->values = j->values;
	return 1;
}

/* Load what the claimed batch needs: the task, its parameters and the
 * titles of the other columns (every column but phone and name). */
static int
job_load(struct db *db, struct job *j)
{
	struct task_send t;
	cJSON		*h = NULL, *v;
	int		 i = 0, rc = -1;

	if (store_task_for_send(db, j->task_id, &t) != 0)
		goto out;
	/* The job owns the strings from now on. */
	j->task_name = t.name;
	j->params = t.params;
	j->login_name = t.login_name;
	t.name = t.params = t.login_name = NULL;
	j->import_id = t.import_id;
	j->batch_count = t.batch_count;
	if (!cJSON_IsArray(h = cJSON_Parse(t.headers)))
		goto out;
	j->titles = calloc((size_t)cJSON_GetArraySize(h) + 1,
	    sizeof(*j->titles));
	j->values = calloc((size_t)cJSON_GetArraySize(h) + 1,
	    sizeof(*j->values));
	if (j->titles == NULL || j->values == NULL)
		goto out;
	cJSON_ArrayForEach(v, h) {
		if (i != t.phone_col && i != t.name_col)
			j->titles[j->ntitles++] = strdup(cJSON_IsString(v) ?
			    v->valuestring : "");
		i++;
	}
	rc = 0;
out:
	task_send_clear(&t);
	cJSON_Delete(h);
	return rc;
}

/* The claim c in the job. */
static void
job_of_claim(struct job *j, const struct batch_claim *c)
{
	j->batch_id = c->batch_id;
	j->task_id = c->task_id;
	j->seq = c->seq;
	j->first_seq = c->first_seq;
	j->rows = c->rows;
	j->attempts = c->attempts;
}

static int
claim(struct db *db, const char *me, struct job *j)
{
	struct batch_claim c;
	int		 rc;

	memset(j, 0, sizeof(*j));
	if (db_begin(db) == -1)
		return -1;
	if ((rc = store_batch_claim(db, me, (int64_t)time(NULL), &c)) != 0) {
		db_rollback(db);
		return rc == 1 ? 0 : -1;
	}
	job_of_claim(j, &c);
	if (store_task_refresh(db, j->task_id) == -1 || db_commit(db) == -1) {
		db_rollback(db);
		return -1;
	}
	return 1;
}

/* Is the claim that made attempt a->attempt of the batch still waiting
 * for its outcome? 1 yes, 0 no (the outcome is stored, or the batch was
 * claimed again since), -1 error. A record of the journal applies only
 * to an open claim: never twice, never to a later resend. */
static int
claim_open(struct db *db, const struct journal_answer *a)
{
	return store_batch_claim_open(db, a->batch_id, a->attempt);
}

/* Store the outcome, inside the caller's transaction: batch row, task
 * state and (for anything that may have reached the vendor) the audit
 * entry. The claim must be open. */
static int
record_txn(struct db *db, const struct config *cfg, const struct job *j,
    const struct journal_answer *a)
{
	static const struct audit_actor sys = { 0, "system", "", "worker" };
	const struct vendor_result *res = &a->res;
	const char	*sha = a->body_sha256;
	struct batch_outcome o;
	cJSON		*d = NULL;
	const char	*action = NULL;
	int64_t		 now = (int64_t)time(NULL), delay;
	int		 rc = -1;

	memset(&o, 0, sizeof(o));
	switch (res->outcome) {
	case VENDOR_ACCEPTED:
		o.state = BATCH_SENT;
		action = "batch.sent";
		break;
	case VENDOR_REFUSED:
		o.state = BATCH_FAILED;
		action = "batch.sent";
		break;
	case VENDOR_UNKNOWN:
		o.state = BATCH_UNKNOWN;
		action = "batch.unknown";
		break;
	case VENDOR_NOT_SENT:
		/* Back off: 10 s, 20 s, 40 s ... at most 10 minutes. */
		delay = j->attempts >= 6 ? 600 : 10LL << (j->attempts - 1);
		if (store_batch_requeue(db, j->batch_id, now + delay,
		    res->message, now) == -1)
			goto out;
		break;
	}
	if (action != NULL) {
		o.batch_id = j->batch_id;
		o.http_status = res->http_status;
		o.has_err_code = res->has_err_code;
		o.err_code = res->err_code;
		o.message = res->message;
		o.vendor_task_id = res->outcome == VENDOR_ACCEPTED ?
		    res->task_id : NULL;
		o.body_sha256 = sha;
		/* When the vendor answered, not when the database let us in. */
		o.sent_at = a->at;
		o.now = now;
		if (store_batch_finish(db, &o) == -1)
			goto out;
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "task", (double)j->task_id);
		cJSON_AddNumberToObject(d, "batch", (double)j->batch_id);
		cJSON_AddNumberToObject(d, "seq", (double)j->seq);
		cJSON_AddNumberToObject(d, "of", (double)j->batch_count);
		cJSON_AddNumberToObject(d, "rows", (double)j->rows);
		cJSON_AddStringToObject(d, "body_sha256", sha);
		cJSON_AddStringToObject(d, "loginName", j->login_name);
		cJSON_AddNumberToObject(d, "http", (double)res->http_status);
		if (res->has_err_code)
			cJSON_AddNumberToObject(d, "errCode",
			    (double)res->err_code);
		if (res->outcome == VENDOR_ACCEPTED)
			cJSON_AddStringToObject(d, "taskId", res->task_id);
		if (res->outcome == VENDOR_UNKNOWN)
			cJSON_AddStringToObject(d, "detail", res->detail);
		cJSON_AddStringToObject(d, "vendor", cfg->vendor_url);
		if (audit_append(db, &sys, action, j->task_name, d) == -1)
			goto out;
		/* What was sent, for the duplicate rule across tasks. */
		if (res->outcome == VENDOR_ACCEPTED && dnc_record_sent(db,
		    j->task_id, j->import_id, j->first_seq, j->rows, now) == -1)
			goto out;
		/* The vendor may have pushed its import result before this
		 * answer was stored: tie those pushes to the batch now. */
		if (res->outcome == VENDOR_ACCEPTED &&
		    push_link_waiting(db, j->batch_id, res->task_id) == -1)
			goto out;
	}
	if (store_task_refresh(db, j->task_id) == -1)
		goto out;
	rc = 0;
out:
	cJSON_Delete(d);
	return rc;
}

/* Record the outcome in a transaction of its own. Returns 0 when it is
 * stored (or was already, by the recovery of another worker), 1 when the
 * database is busy, -1 on another error (logged). */
static int
record(struct db *db, const struct config *cfg, const struct job *j,
    const struct journal_answer *a)
{
	int	 rc;

	if ((rc = db_try_begin(db)) != 0)
		return rc;
	/* A closed claim: recovery stored the answer already. */
	if ((rc = claim_open(db, a)) == 1 &&
	    (record_txn(db, cfg, j, a) == -1 || db_commit(db) == -1))
		rc = -1;
	db_rollback(db);
	return rc == -1 ? -1 : 0;
}

/* Sleep ms milliseconds, or less when a signal comes. */
static void
pause_ms(int ms)
{
	struct timespec	 ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The first and the longest pause between two tries of an outcome. */
#define RETRY_FIRST_MS	50
#define RETRY_MAX_MS	2000

/*
 * Record the outcome, trying again (50 ms, doubling to 2 s apart) until
 * the database takes it: the answer is in the journal, and a worker that
 * sent more batches meanwhile would only pile up answers it cannot store.
 * A SIGTERM ends the wait: the journal holds the answer, and recovery
 * stores it.
 */
static void
store(struct db *db, const struct config *cfg, const struct job *j,
    const struct journal_answer *a)
{
	int	 delay_ms = RETRY_FIRST_MS, tries = 0, rc;

	while ((rc = record(db, cfg, j, a)) != 0) {
		/* Once, not once a try. */
		if (tries++ == 0 && rc == 1)
			log_warn("database busy: outcome of batch %lld kept in "
			    "the journal, retrying", (long long)j->batch_id);
		else if (tries == 1)
			log_err("batch %lld: the database cannot store the "
			    "outcome (kept in the journal), retrying",
			    (long long)j->batch_id);
		if (!stop)
			pause_ms(delay_ms);
		if (stop) {
			log_warn("batch %lld: stopping before the database "
			    "took its outcome; recovery stores it from the "
			    "journal", (long long)j->batch_id);
			return;
		}
		delay_ms = delay_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS :
		    delay_ms * 2;
	}
	if (tries > 0)
		log_info("batch %lld: outcome stored once the database was "
		    "free (%d tries)", (long long)j->batch_id, tries + 1);
}

/* The answer to the claim j, and it goes to the journal (fsynced) before
 * anything else happens to it. */
static void
journal_keep(const char *journal, const char *me, const struct job *j,
    const struct vendor_result *res, const char *sha,
    struct journal_answer *a)
{
	char	 err[512];

	memset(a, 0, sizeof(*a));
	a->batch_id = j->batch_id;
	a->attempt = j->attempts;
	a->task_id = j->task_id;
	a->seq = j->seq;
	a->rows = j->rows;
	a->at = (int64_t)time(NULL);
	snprintf(a->worker, sizeof(a->worker), "%s", me);
	snprintf(a->body_sha256, sizeof(a->body_sha256), "%s", sha);
	a->res = *res;
	if (journal_append(journal, a, err, sizeof(err)) == -1)
		log_err("batch %lld: cannot keep the vendor's answer in the "
		    "journal: %s", (long long)j->batch_id, err);
}

/* The vendor settings of cfg, as vendor.c takes them. */
static struct vendor_cfg
vendor_cfg_of(const struct config *cfg)
{
	struct vendor_cfg vc = {
		cfg->vendor_url, cfg->org_code, cfg->login_name, cfg->sign_key,
		cfg->sign_recipe, cfg->phone_encryption == PHONE_AES128ECB,
		cfg->phone_key, cfg->vendor_connect_timeout,
		cfg->vendor_timeout, NULL,
	};

	return vc;
}

/* Load batch j (its ids set) and build the body it is sent with under
 * vc: 1 with *body (free() it), 0 when the stored task breaks the
 * contract (err says why), -1 when it cannot be loaded. The sender and
 * the settings page's preview both come here. */
static int
job_body(struct db *db, const struct vendor_cfg *vc, struct job *j,
    char **body, size_t *len, char *err, size_t errsz)
{
	struct vendor_task	 t;
	struct task_params	 p;
	enum field		 f;
	char			*name = NULL;
	int			 rc = -1;

	*body = NULL;
	memset(&p, 0, sizeof(p));
	if (job_load(db, j) == -1 || task_params_parse(j->params, &p) == -1)
		goto out;
	/* A split task names its vendor tasks "name (k/n)". */
	if (j->batch_count > 1) {
		if (asprintf(&name, "%s (%lld/%lld)", j->task_name,
		    (long long)j->seq, (long long)j->batch_count) < 0) {
			name = NULL;
			goto out;
		}
	} else if ((name = strdup(j->task_name)) == NULL)
		goto out;
	/* Field by field, by the same index: nothing can shift. */
	memset(&t, 0, sizeof(t));
	for (f = 0; f < FIELD__MAX; f++) {
		t.text[f] = p.text[f];
		t.num[f] = p.num[f];
	}
	t.text[FIELD_NAME] = name;

	if ((j->cur = store_import_rows(db, j->import_id, j->first_seq,
	    j->first_seq + j->rows - 1)) == NULL)
		goto out;
	*body = vendor_body(vc, j->login_name, &t, next_row, j, len, err,
	    errsz);
	store_cursor_close(j->cur);
	j->cur = NULL;
	rc = *body != NULL ? 1 : 0;
out:
	free(name);
	task_params_free(&p);
	return rc;
}

/* The whole push of one claimed batch. Returns 0 once its outcome is
 * stored (or, after a SIGTERM, journaled), -1 when it cannot be sent. */
static int
send_batch(struct db *db, const struct config *cfg, const char *journal,
    const char *me, struct job *j)
{
	struct vendor_cfg	 vc = vendor_cfg_of(cfg);
	struct vendor_result	 res;
	struct journal_answer	 a;
	unsigned char		 d[crypto_hash_sha256_BYTES];
	char			 sha[65], err[512], *body = NULL;
	size_t			 len;
	int			 rc = -1, built;

	if ((built = job_body(db, &vc, j, &body, &len, err, sizeof(err))) ==
	    -1)
		goto out;
	if (built == 0) {
		/* Nothing was sent: the stored task breaks the contract
		 * (which the form should have prevented). A person must look. */
		log_err("batch %lld: cannot build the body: %s",
		    (long long)j->batch_id, err);
		memset(&res, 0, sizeof(res));
		res.outcome = VENDOR_REFUSED;
		snprintf(res.message, sizeof(res.message),
		    "未发送：任务参数不符合接口要求（%.300s）", err);
		journal_keep(journal, me, j, &res, "", &a);
		store(db, cfg, j, &a);
		rc = 0;
		goto out;
	}
	crypto_hash_sha256(d, (const unsigned char *)body, len);
	sodium_bin2hex(sha, sizeof(sha), d, sizeof(d));
	vendor_send(&vc, body, len, &res);
	journal_keep(journal, me, j, &res, sha, &a);
	log_info("batch %lld (task %lld, %lld/%lld, %lld rows): %s in %.2fs: %s",
	    (long long)j->batch_id, (long long)j->task_id, (long long)j->seq,
	    (long long)j->batch_count, (long long)j->rows,
	    res.outcome == VENDOR_ACCEPTED ? "accepted" :
	    res.outcome == VENDOR_REFUSED ? "refused" :
	    res.outcome == VENDOR_NOT_SENT ? "not sent" : "unknown",
	    res.seconds, res.detail);
	store(db, cfg, j, &a);
	rc = 0;
out:
	free(body);
	return rc;
}

/* What recover() hands to each record of the journal. */
struct replay {
	struct db		*db;
	const struct config	*cfg;
	int			 stored;
};

/* Store a journaled answer the database lacks (its claim is still open). */
static int
replay_one(void *arg, const struct journal_answer *a)
{
	struct replay	*rp = arg;
	struct job	 j;
	int		 rc;

	if ((rc = claim_open(rp->db, a)) != 1)
		return rc;
	memset(&j, 0, sizeof(j));
	j.batch_id = a->batch_id;
	j.task_id = a->task_id;
	j.seq = a->seq;
	j.rows = a->rows;
	j.attempts = a->attempt;
	rc = job_load(rp->db, &j) == -1 ||
	    record_txn(rp->db, rp->cfg, &j, a) == -1 ? -1 : 0;
	job_free(&j);
	if (rc == 0) {
		rp->stored++;
		log_info("batch %lld: storing the vendor's answer (%s) to "
		    "attempt %lld from the journal", (long long)a->batch_id,
		    vendor_outcome_name(a->res.outcome), (long long)a->attempt);
	}
	return rc;
}

/* Compaction keeps a record while its claim is open (or the database
 * cannot tell): a closed claim never opens again. */
static int
keep_open(void *arg, const struct journal_answer *a)
{
	return claim_open(arg, a) == 0 ? 0 : 1;
}

/*
 * Recovery, at start and every 30 s. First the answers of the journal that
 * the database lacks are stored; only then are batches left in "sending"
 * by a worker that died given up as unknown (the vendor may or may not
 * have them), in the same transaction, so that no batch whose answer was
 * journaled is ever marked unknown. Then the journal is compacted.
 */
static void
recover_stale(struct db *db, const struct config *cfg, const char *journal)
{
	static const struct audit_actor sys = { 0, "system", "", "worker" };
	struct replay	 rp = { db, cfg, 0 };
	struct batch_ref stale[64];
	int64_t		 now = (int64_t)time(NULL);
	char		 err[512];
	int		 n = 0, i, rc, records = 0;

	/* A busy database: the next round tries again. */
	if (db_try_begin(db) != 0)
		return;
	if ((records = journal_read(journal, replay_one, &rp, err,
	    sizeof(err))) == -1) {
		log_err("worker: cannot store the answers kept in the vendor "
		    "journal (%s); batches left sending wait", err);
		goto out;
	}
	if ((n = store_batches_stale(db,
	    "发送过程中断，结果未知，请在供应商后台核实后决定是否重发", now,
	    now - cfg->vendor_timeout - cfg->vendor_connect_timeout - 60,
	    stale, sizeof(stale) / sizeof(stale[0]))) == -1)
		n = 0;	/* logged; the answers replayed are committed still */
	for (i = 0; i < n; i++) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "task", (double)stale[i].task_id);
		cJSON_AddNumberToObject(d, "batch", (double)stale[i].batch_id);
		cJSON_AddStringToObject(d, "detail", "worker stopped while "
		    "sending");
		rc = store_task_refresh(db, stale[i].task_id) == -1 ||
		    audit_append(db, &sys, "batch.unknown", "", d) == -1;
		cJSON_Delete(d);
		if (rc)
			goto out;
	}
	if ((n > 0 || rp.stored > 0) && db_commit(db) == 0 && n > 0)
		log_warn("%d batch(es) left sending by a stopped worker are "
		    "now unknown", n);
out:
	db_rollback(db);
	if (records > 0 &&
	    journal_rewrite(journal, keep_open, db, err, sizeof(err)) == -1)
		log_err("worker: cannot compact the vendor journal: %s", err);
}

/* How long a previewed list may wait for its uploader's decision. */
#define PREVIEW_DAYS	IMPORT_PREVIEW_DAYS

/* What else has to be tidied now and then: sessions past their time,
 * old sign-in failure counts, undecided previews (personal data). */
static void
housekeeping(struct db *db, const struct config *cfg)
{
	int64_t		 now = (int64_t)time(NULL), rows;
	int		 n;

	store_session_purge(db, now - cfg->session_idle_minutes * 60LL,
	    now - cfg->session_max_hours * 3600LL);
	throttle_purge(db, now, now - cfg->login_window_minutes * 60LL,
	    now - cfg->login_known_days * 86400LL);
	/* A draft never outlives the retention of personal data. */
	if ((n = import_expire(db, cfg->retention_days < PREVIEW_DAYS ?
	    cfg->retention_days : PREVIEW_DAYS)) > 0)
		log_info("housekeeping: %d undecided or broken upload(s) "
		    "removed", n);
	if ((n = import_purge_retained(db, cfg->retention_days, &rows)) > 0)
		log_info("housekeeping: retention: rows of %d list(s) removed "
		    "(%lld rows)", n, (long long)rows);
	else if (n == -1)
		log_warn("housekeeping: retention: cannot remove old rows");
	if (dnc_purge_sent(db, now - cfg->retention_days * 86400LL) == -1)
		log_warn("housekeeping: retention: cannot forget sent numbers");
}

/* The journal's path: vendor_journal, else beside the database. */
static char *
journal_path(const struct config *cfg)
{
	char	*p;

	if (cfg->vendor_journal[0] != '\0')
		return strdup(cfg->vendor_journal);
	if (asprintf(&p, "%s.vendor-journal", config_local_base(cfg)) < 0)
		return NULL;
	return p;
}

int
sender_run(const struct config *cfg, int once)
{
	struct db	*db;
	struct job	 j;
	struct settings_live live;
	char		 me[128], host[64] = "", err[512], *journal;
	time_t		 last_recover = 0, last_tidy = 0;
	int		 rc, warned = 0, beat_fd;
	uint64_t	 beats = 0;

	signal_on_stop(on_stop);
	signal(SIGPIPE, SIG_IGN);
	if (vendor_init() == -1) {
		log_err("worker: cannot start libcurl");
		return 1;
	}
	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL)
		return 1;
	if (db_schema_version(db) != db_schema_latest()) {
		log_err("database %s is not at schema version %d: run "
		    "`dialdesk migrate`", config_database_shown(cfg),
		    db_schema_latest());
		db_close(db);
		return 1;
	}
	if (db_prepare_all(db) == -1) {
		log_err("worker: database %s: a statement does not prepare",
		    config_database_shown(cfg));
		db_close(db);
		return 1;
	}
	/* No answer may be taken without a journal to keep it in. */
	if ((journal = journal_path(cfg)) == NULL ||
	    journal_rewrite(journal, keep_open, db, err, sizeof(err)) == -1) {
		log_err("worker: vendor journal: %s", journal != NULL ? err :
		    "out of memory");
		free(journal);
		db_close(db);
		return 1;
	}
	gethostname(host, sizeof(host) - 1);
	snprintf(me, sizeof(me), "%s:%d", host, (int)getpid());
	log_info("worker %s started", me);
	settings_live_init(&live, cfg);
	/* /healthz and /metrics read how recently this loop came round. */
	beat_fd = heartbeat_open(config_local_base(cfg));

	while (!stop) {
		heartbeat_beat(beat_fd, ++beats);
		/* The settings page's changes, without a restart. */
		cfg = settings_live_refresh(&live, db);
		if (time(NULL) - last_recover >= 30) {
			recover_stale(db, cfg, journal);
			last_recover = time(NULL);
		}
		if (time(NULL) - last_tidy >= 600) {
			housekeeping(db, cfg);
			last_tidy = time(NULL);
		}
		audit_checkpoint_tick(db, cfg->audit_checkpoint_minutes);
		/* Without a vendor address nothing can go out: batches wait
		 * in the queue, which loses nothing. */
		if (cfg->vendor_url[0] == '\0') {
			if (!warned++)
				log_warn("vendor_url is not set: batches wait");
			rc = 0;
		} else if ((rc = claim(db, me, &j)) == 1) {
			if (send_batch(db, cfg, journal, me, &j) == -1)
				log_err("batch %lld: could not record the "
				    "outcome", (long long)j.batch_id);
			job_free(&j);
			continue;
		}
		if (rc == -1)
			log_err("worker: cannot claim a batch");
		if (once)
			break;
		sleep(1);
	}
	log_info("worker %s stopped", me);
	settings_live_free(&live);
	if (beat_fd != -1)
		close(beat_fd);
	free(journal);
	db_close(db);
	return 0;
}

/* --- the settings page's preview ------------------------------------------- */

/* The two made-up people of a sample batch. */
static int
sample_row(void *arg, struct vendor_row *row)
{
	static const char *const phones[] = { "13800000001", "13900000002" };
	static const char *const names[] = { "示例甲", "示例乙" };
	size_t	*k = arg;

	if (*k >= 2)
		return 0;
	memset(row, 0, sizeof(*row));
	row->phone = phones[*k];
	row->name = names[*k];
	(*k)++;
	return 1;
}

char *
sender_preview(struct db *db, const struct config *cfg,
    struct sender_preview *pv, size_t *len, char *err, size_t errsz)
{
	static const struct vendor_task sample = { .text = {
	    [FIELD_NAME] = "示例任务", [FIELD_VIDEOBOTID] = "sample-bot" } };
	struct vendor_cfg	 vc = vendor_cfg_of(cfg);
	struct job		 j;
	struct batch_claim	 c;
	char			*body = NULL;
	size_t			 k = 0;
	int			 rc;

	memset(pv, 0, sizeof(*pv));
	memset(&j, 0, sizeof(j));
	snprintf(err, errsz, "database error");
	if ((rc = store_batch_next_queued(db, (int64_t)time(NULL), &c)) == 1) {
		pv->sample = 1;
		return vendor_body(&vc, NULL, &sample, sample_row, &k, len, err,
		    errsz);
	}
	if (rc == -1)
		return NULL;
	job_of_claim(&j, &c);
	/* Exactly as send_batch() builds it, but nothing is claimed. */
	if (job_body(db, &vc, &j, &body, len, err, errsz) != -1) {
		pv->batch_id = j.batch_id;
		pv->task_id = j.task_id;
		pv->seq = j.seq;
		pv->batch_count = j.batch_count;
		pv->rows = j.rows;
	}
	job_free(&j);
	return body;
}
