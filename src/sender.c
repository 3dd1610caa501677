/* sender.c: the background sender. It claims one queued batch at a time
 * (BEGIN IMMEDIATE makes the claim exclusive across processes), builds
 * and signs the body from the stored rows, posts it, and records what
 * became of it. A batch is retried only when the request surely did not
 * reach the vendor; when that is not certain it becomes "unknown" and
 * waits for a person, so that no list is ever sent twice by accident. */
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
#include "db.h"
#include "dnc.h"
#include "log.h"
#include "push.h"
#include "sender.h"
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
	sqlite3_stmt	*st;
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
	cJSON		*v;
	size_t		 i = 0;
	int		 rc;

	cJSON_Delete(j->other);
	j->other = NULL;
	if ((rc = sqlite3_step(j->st)) == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	row->phone = db_col_text(j->st, 2);
	row->name = db_col_text(j->st, 3);
	if ((j->other = cJSON_Parse(db_col_text(j->st, 4))) == NULL)
		return -1;
	cJSON_ArrayForEach(v, j->other) {
		if (i >= j->ntitles)
			break;
		j->values[i++] = cJSON_IsString(v) ? v->valuestring : "";
	}
	row->nother = i;
	row->titles = (const char *const *)j->titles;
	row->values = j->values;
	return 1;
}

/* Load what the claimed batch needs: the task, its parameters and the
 * titles of the other columns (every column but phone and name). */
static int
job_load(struct db *db, struct job *j)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_TASK_FOR_SEND);
	cJSON		*h = NULL, *v;
	int		 pcol, ncol, i = 0, rc = -1;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, j->task_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto out;
	j->task_name = strdup(db_col_text(st, 0));
	j->params = strdup(db_col_text(st, 1));
	j->login_name = strdup(db_col_text(st, 2));
	j->import_id = sqlite3_column_int64(st, 3);
	j->batch_count = sqlite3_column_int64(st, 4);
	h = cJSON_Parse(db_col_text(st, 5));
	pcol = sqlite3_column_int(st, 6);
	ncol = sqlite3_column_int(st, 7);
	if (j->task_name == NULL || j->params == NULL ||
	    j->login_name == NULL || !cJSON_IsArray(h))
		goto out;
	j->titles = calloc((size_t)cJSON_GetArraySize(h) + 1,
	    sizeof(*j->titles));
	j->values = calloc((size_t)cJSON_GetArraySize(h) + 1,
	    sizeof(*j->values));
	if (j->titles == NULL || j->values == NULL)
		goto out;
	cJSON_ArrayForEach(v, h) {
		if (i != pcol && i != ncol)
			j->titles[j->ntitles++] = strdup(cJSON_IsString(v) ?
			    v->valuestring : "");
		i++;
	}
	rc = 0;
out:
	db_reset(st);
	cJSON_Delete(h);
	return rc;
}

static int
claim(struct db *db, const char *me, struct job *j)
{
	sqlite3_stmt	*st;
	int		 rc;

	memset(j, 0, sizeof(*j));
	if (db_begin(db) == -1)
		return -1;
	if ((st = db_stmt(db, STMT_BATCH_CLAIM)) == NULL) {
		db_rollback(db);
		return -1;
	}
	db_bind_text(st, 1, me);
	db_bind_int(st, 2, (int64_t)time(NULL));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		j->batch_id = sqlite3_column_int64(st, 0);
		j->task_id = sqlite3_column_int64(st, 1);
		j->seq = sqlite3_column_int64(st, 2);
		j->first_seq = sqlite3_column_int64(st, 3);
		j->rows = sqlite3_column_int64(st, 4);
		j->attempts = sqlite3_column_int64(st, 5);
	}
	db_reset(st);
	if (rc != SQLITE_ROW) {
		db_rollback(db);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	if (task_refresh_state(db, j->task_id) == -1 || db_commit(db) == -1) {
		db_rollback(db);
		return -1;
	}
	return 1;
}

/* Record the outcome: batch row, task state and (for anything that may
 * have reached the vendor) the audit entry, in one transaction. */
static int
record(struct db *db, const struct config *cfg, const struct job *j,
    const struct vendor_result *res, const char *sha)
{
	static const struct audit_actor sys = { 0, "system", "", "worker" };
	sqlite3_stmt	*st;
	cJSON		*d = NULL;
	const char	*state = NULL, *action = NULL;
	int64_t		 now = (int64_t)time(NULL), delay;
	int		 rc = -1;

	if (db_begin(db) == -1)
		return -1;
	switch (res->outcome) {
	case VENDOR_ACCEPTED:
		state = "sent";
		action = "batch.sent";
		break;
	case VENDOR_REFUSED:
		state = "failed";
		action = "batch.sent";
		break;
	case VENDOR_UNKNOWN:
		state = "unknown";
		action = "batch.unknown";
		break;
	case VENDOR_NOT_SENT:
		/* Back off: 10 s, 20 s, 40 s ... at most 10 minutes. */
		delay = j->attempts >= 6 ? 600 : 10LL << (j->attempts - 1);
		if ((st = db_stmt(db, STMT_BATCH_REQUEUE)) == NULL)
			goto out;
		db_bind_int(st, 1, now + delay);
		db_bind_text(st, 2, res->message);
		db_bind_int(st, 3, now);
		db_bind_int(st, 4, j->batch_id);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto out;
		break;
	}
	if (state != NULL) {
		if ((st = db_stmt(db, STMT_BATCH_FINISH)) == NULL)
			goto out;
		db_bind_text(st, 1, state);
		db_bind_int(st, 2, res->http_status);
		if (res->has_err_code)
			db_bind_int(st, 3, res->err_code);
		db_bind_text(st, 4, res->message);
		db_bind_text(st, 5, res->outcome == VENDOR_ACCEPTED ?
		    res->task_id : NULL);
		db_bind_text(st, 6, sha);
		db_bind_int(st, 7, now);
		db_bind_int(st, 8, now);
		db_bind_int(st, 9, j->batch_id);
		if (db_exec_stmt(st) != SQLITE_DONE)
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
	if (task_refresh_state(db, j->task_id) == -1 || db_commit(db) == -1)
		goto out;
	rc = 0;
out:
	db_rollback(db);
	cJSON_Delete(d);
	return rc;
}

/* The whole push of one claimed batch. */
static int
send_batch(struct db *db, const struct config *cfg, struct job *j)
{
	struct vendor_cfg vc = {
		cfg->vendor_url, cfg->org_code, cfg->login_name, cfg->sign_key,
		cfg->sign_recipe, cfg->phone_encryption == PHONE_AES128ECB,
		cfg->phone_key, cfg->vendor_connect_timeout,
		cfg->vendor_timeout, NULL,
	};
	struct vendor_task	 t;
	struct vendor_result	 res;
	struct task_params	 p;
	unsigned char		 d[crypto_hash_sha256_BYTES];
	char			 sha[65], err[512], *name = NULL, *body = NULL;
	size_t			 len;
	int			 rc = -1;

	memset(&p, 0, sizeof(p));
	if (job_load(db, j) == -1 || task_params_parse(j->params, &p) == -1)
		goto out;
	/* A split task names its vendor tasks "name (k/n)". */
	if (j->batch_count > 1) {
		if (asprintf(&name, "%s (%lld/%lld)", j->task_name,
		    (long long)j->seq, (long long)j->batch_count) < 0)
			goto out;
	} else if ((name = strdup(j->task_name)) == NULL)
		goto out;
	t = (struct vendor_task){ name, p.video_bot_id, p.is_voice_divide,
	    p.audio_bot_id, p.is_relate_send_message, p.msg_template_id,
	    p.msg_title, p.send_message_phase, p.is_relate_video_message,
	    p.video_message_template_id, p.send_video_message_phase };

	if ((j->st = db_stmt(db, STMT_IMPORT_ROWS_RANGE)) == NULL)
		goto out;
	db_bind_int(j->st, 1, j->import_id);
	db_bind_int(j->st, 2, j->first_seq);
	db_bind_int(j->st, 3, j->first_seq + j->rows - 1);
	body = vendor_body(&vc, j->login_name, &t, next_row, j, &len, err,
	    sizeof(err));
	db_reset(j->st);
	if (body == NULL) {
		/* Nothing was sent: the stored task breaks the contract
		 * (which the form should have prevented). A person must look. */
		log_err("batch %lld: cannot build the body: %s",
		    (long long)j->batch_id, err);
		memset(&res, 0, sizeof(res));
		res.outcome = VENDOR_REFUSED;
		snprintf(res.message, sizeof(res.message),
		    "未发送：任务参数不符合接口要求（%.300s）", err);
		rc = record(db, cfg, j, &res, "");
		goto out;
	}
	crypto_hash_sha256(d, (const unsigned char *)body, len);
	sodium_bin2hex(sha, sizeof(sha), d, sizeof(d));
	vendor_send(&vc, body, len, &res);
	log_info("batch %lld (task %lld, %lld/%lld, %lld rows): %s in %.2fs: %s",
	    (long long)j->batch_id, (long long)j->task_id, (long long)j->seq,
	    (long long)j->batch_count, (long long)j->rows,
	    res.outcome == VENDOR_ACCEPTED ? "accepted" :
	    res.outcome == VENDOR_REFUSED ? "refused" :
	    res.outcome == VENDOR_NOT_SENT ? "not sent" : "unknown",
	    res.seconds, res.detail);
	rc = record(db, cfg, j, &res, sha);
out:
	free(body);
	free(name);
	task_params_free(&p);
	return rc;
}

/* Batches left in "sending" by a worker that died: the vendor may or may
 * not have them. */
static void
recover_stale(struct db *db, const struct config *cfg)
{
	static const struct audit_actor sys = { 0, "system", "", "worker" };
	sqlite3_stmt	*st;
	int64_t		 now = (int64_t)time(NULL);
	int64_t		 ids[64], tasks[64];
	int		 n = 0, i, rc;

	if (db_begin(db) == -1)
		return;
	if ((st = db_stmt(db, STMT_BATCH_STALE)) == NULL)
		goto out;
	db_bind_text(st, 1, "发送过程中断，结果未知，请在供应商后台核实后决定是否重发");
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, now - cfg->vendor_timeout -
	    cfg->vendor_connect_timeout - 60);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 64) {
		ids[n] = sqlite3_column_int64(st, 0);
		tasks[n++] = sqlite3_column_int64(st, 1);
	}
	db_reset(st);
	for (i = 0; i < n; i++) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "task", (double)tasks[i]);
		cJSON_AddNumberToObject(d, "batch", (double)ids[i]);
		cJSON_AddStringToObject(d, "detail", "worker stopped while "
		    "sending");
		rc = task_refresh_state(db, tasks[i]) == -1 ||
		    audit_append(db, &sys, "batch.unknown", "", d) == -1;
		cJSON_Delete(d);
		if (rc)
			goto out;
	}
	if (n > 0 && db_commit(db) == 0)
		log_warn("%d batch(es) left sending by a stopped worker are "
		    "now unknown", n);
out:
	db_rollback(db);
}

/* How long a previewed list may wait for its uploader's decision. */
#define PREVIEW_DAYS	7

/* What else has to be tidied now and then: sessions past their time,
 * old sign-in failure counts, undecided previews (personal data). */
static void
housekeeping(struct db *db, const struct config *cfg)
{
	sqlite3_stmt	*st;
	int64_t		 now = (int64_t)time(NULL), rows;
	int		 n;

	if ((st = db_stmt(db, STMT_SESSION_PURGE)) != NULL) {
		db_bind_int(st, 1, now - cfg->session_idle_minutes * 60LL);
		db_bind_int(st, 2, now - cfg->session_max_hours * 3600LL);
		db_exec_stmt(st);
	}
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

int
sender_run(const struct config *cfg, int once)
{
	struct sigaction sa;
	struct db	*db;
	struct job	 j;
	char		 me[128], host[64] = "";
	time_t		 last_recover = 0, last_tidy = 0;
	int		 rc, warned = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (vendor_init() == -1) {
		log_err("worker: cannot start libcurl");
		return 1;
	}
	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL)
		return 1;
	if (db_schema_version(db) != db_schema_latest()) {
		log_err("database %s is not at schema version %d: run "
		    "`dialdesk migrate`", cfg->database, db_schema_latest());
		db_close(db);
		return 1;
	}
	gethostname(host, sizeof(host) - 1);
	snprintf(me, sizeof(me), "%s:%d", host, (int)getpid());
	log_info("worker %s started", me);

	while (!stop) {
		if (time(NULL) - last_recover >= 30) {
			recover_stale(db, cfg);
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
			if (send_batch(db, cfg, &j) == -1)
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
	db_close(db);
	return 0;
}
