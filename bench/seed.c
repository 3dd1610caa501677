/* seed.c: fills a migrated dialdesk database for bench/run.sh through the
 * program's own code, so that what the pages read is what dialdesk
 * writes.
 *
 * usage: seed DATABASE audit N
 *          N audit entries through audit_append(), 10,000 a transaction,
 *          so that the hash chain verifies (`dialdesk audit verify`).
 *        seed DATABASE task [BATCHES [PUSHES]]
 *          an import, a task with BATCHES sent batches (default 100) of
 *          10,000 rows, each with a vendor task id, and PUSHES vendor
 *          pushes per batch (default 2, the newest with the final
 *          figures) stored by push_store_tx(); prints the task id.
 *        seed DATABASE year AUDIT
 *          a year of use: 20 operators, AUDIT audit entries spread over
 *          the last 365 days through audit_append() (the chain verifies),
 *          10,000 tasks (the first with 500 batches) and 100,000 batches
 *          over the same year, and 100,000 vendor pushes (one per sent
 *          batch, the rest matching no batch); prints the 500-batch
 *          task's id.
 *        seed --version
 *          the version of what this program writes (bench/lib.sh keys its
 *          cache of seeded databases by it).
 * The records belong to the first user (by id): make users first. */
#include "autoconf.h"

#include <sys/syscall.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "push.h"
#include "task.h"

#define AUDIT_PER_TX	10000
#define BATCH_ROWS	10000

/* What `seed --version` prints: change it with anything this program
 * writes, so that bench/lib.sh seeds again instead of reusing a cache. */
#define SEED_VERSION	"year-3"

#define YEAR_USERS	20
#define YEAR_TASKS	10000
#define YEAR_BATCHES	100000
#define YEAR_BIG	500	/* batches of the first task */
#define YEAR_PUSHES	100000
#define YEAR_SECONDS	(365 * 86400)

/* Every SQL statement of this program (kept apart from the program's own
 * list in db.c: these rows are made only here). */
enum seed_stmt {
	SEED_FIRST_USER,
	SEED_IMPORT,
	SEED_TASK,
	SEED_BATCH,
	SEED_USER,
	SEED_USER_ID,
	SEED_Y_IMPORT,
	SEED_Y_TASK,
	SEED_Y_BATCH,
	SEED_Y_PUSH,
	SEED__MAX
};

static const char *const seed_sql[SEED__MAX] = {
	/* SEED_FIRST_USER */
	"SELECT id, name FROM users ORDER BY id LIMIT 1",
	/* SEED_IMPORT (user, now, params, rows) */
	"INSERT INTO imports (user_id, created, state, params, file_name,"
	" file_path, file_size, file_sha256, format, encoding, delimiter,"
	" headers, phone_col, name_col, rows_read, valid, invalid, duplicates)"
	" VALUES (?1, ?2, 'confirmed', ?3, 'seed.csv', '/nonexistent/seed.csv',"
	" ?4 * 40, '', 'csv', 'utf-8', ',', '[\"手机号\",\"姓名\",\"城市\"]',"
	" 0, 1, ?4, ?4, 0, 0)",
	/* SEED_TASK (import, user, now, params, rows, batches) */
	"INSERT INTO tasks (import_id, user_id, name, params, login_name,"
	" created, state, rows, batch_count)"
	" VALUES (?1, ?2, '基准测试任务', ?4, 'bench', ?3, 'sent', ?5, ?6)",
	/* SEED_BATCH (task, seq, first seq, rows, vendor task id, now,
	 * body sha256) */
	"INSERT INTO batches (task_id, seq, first_seq, rows, state, attempts,"
	" body_sha256, http_status, err_code, message, vendor_task_id, sent_at,"
	" updated) VALUES (?1, ?2, ?3, ?4, 'sent', 1, ?7, 200, 0, '', ?5,"
	" ?6, ?6)",
	/* SEED_USER (name, now): an operator nobody can sign in as (the
	 * hash is not a crypto_pwhash_str) */
	"INSERT OR IGNORE INTO users (name, role, pwhash, created, updated)"
	" VALUES (?1, 'operator', '!seed: no password', ?2, ?2)",
	/* SEED_USER_ID (name) */
	"SELECT id FROM users WHERE name = ?1",
	/* SEED_Y_IMPORT (user, created, params, rows) */
	"INSERT INTO imports (user_id, created, state, params, file_name,"
	" file_path, file_size, file_sha256, format, encoding, delimiter,"
	" headers, phone_col, name_col, rows_read, valid, invalid, duplicates)"
	" VALUES (?1, ?2, 'confirmed', ?3, 'list.csv', '/nonexistent/list.csv',"
	" ?4 * 40, '', 'csv', 'utf-8', ',', '[\"手机号\",\"姓名\"]',"
	" 0, 1, ?4, ?4, 0, 0)",
	/* SEED_Y_TASK (import, user, name, created, params, rows, batches,
	 * state) */
	"INSERT INTO tasks (import_id, user_id, name, params, login_name,"
	" created, state, rows, batch_count)"
	" VALUES (?1, ?2, ?3, ?5, 'bench', ?4, ?8, ?6, ?7)",
	/* SEED_Y_BATCH (task, seq, first seq, rows, state, vendor task id or
	 * NULL, sent at, body sha256) */
	"INSERT INTO batches (task_id, seq, first_seq, rows, state, attempts,"
	" body_sha256, http_status, err_code, message, vendor_task_id, sent_at,"
	" updated) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?8, 200, 0, '', ?6, ?7, ?7)",
	/* SEED_Y_PUSH (received, body, body sha256, sn, vendor task id,
	 * batch or NULL, linked by, total, success, blacklist, repeat, shi,
	 * kong) */
	"INSERT INTO pushes (received, addr, content_type, body, body_sha256,"
	" sn, vendor_task_id, batch_id, linked_by, ok, total, success, fail,"
	" blacklist, repeat, filter, shi, kong)"
	" VALUES (?1, '127.0.0.1', 'application/json; charset=utf-8', ?2, ?3,"
	" ?4, ?5, ?6, ?7, 1, ?8, ?9, 0, ?10, ?11, 0, ?12, ?13)",
};

static sqlite3_stmt *prepared[SEED__MAX];

static sqlite3_stmt *
seed_stmt(struct db *db, enum seed_stmt s)
{
	if (prepared[s] == NULL &&
	    sqlite3_prepare_v2(db_handle(db), seed_sql[s], -1, &prepared[s],
	    NULL) != SQLITE_OK) {
		fprintf(stderr, "seed: %s\n", sqlite3_errmsg(db_handle(db)));
		return NULL;
	}
	sqlite3_reset(prepared[s]);
	sqlite3_clear_bindings(prepared[s]);
	return prepared[s];
}

static void
seed_finalize(void)
{
	size_t	 i;

	for (i = 0; i < SEED__MAX; i++) {
		sqlite3_finalize(prepared[i]);
		prepared[i] = NULL;
	}
}

/* The first user: whom the entries and the task belong to. */
static int
first_user(struct db *db, int64_t *id, char **name)
{
	sqlite3_stmt	*st = seed_stmt(db, SEED_FIRST_USER);

	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		fprintf(stderr, "seed: no user in the database\n");
		return -1;
	}
	*id = sqlite3_column_int64(st, 0);
	*name = strdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return *name == NULL ? -1 : 0;
}

/* The actions a busy week leaves, in turn. */
static const char *const actions[] = {
	"login.ok", "list.uploaded", "task.confirmed", "batch.sent",
	"push.received", "logout", "login.failed", "export.tasks",
};

static int
seed_audit(struct db *db, long n)
{
	struct audit_actor who = { 0, NULL, "127.0.0.1",
	    "Mozilla/5.0 (X11; Linux x86_64) bench/seed" };
	char		 object[32];
	cJSON		*d;
	char		*name = NULL;
	long		 i;
	int		 rc = -1;

	if (first_user(db, &who.user_id, &name) == -1)
		return -1;
	who.name = name;
	for (i = 0; i < n; i++) {
		if (i % AUDIT_PER_TX == 0 && db_begin(db) == -1)
			goto out;
		snprintf(object, sizeof(object), "task:%ld", i / 100 + 1);
		if ((d = cJSON_CreateObject()) == NULL ||
		    cJSON_AddNumberToObject(d, "seq", (double)i) == NULL ||
		    cJSON_AddStringToObject(d, "note", "基准测试") == NULL) {
			cJSON_Delete(d);
			db_rollback(db);
			goto out;
		}
		rc = audit_append(db, &who, actions[i % (long)(sizeof(actions) /
		    sizeof(actions[0]))], object, d);
		cJSON_Delete(d);
		if (rc == -1) {
			db_rollback(db);
			goto out;
		}
		rc = -1;
		if ((i + 1) % AUDIT_PER_TX == 0 || i + 1 == n) {
			if (db_commit(db) == -1) {
				db_rollback(db);
				goto out;
			}
		}
	}
	printf("%ld audit entries added\n", n);
	rc = 0;
out:
	free(name);
	return rc;
}

/* One push as the vendor sends it: the figures of an import of rows
 * numbers, some not yet checked when final is 0. */
static int
store_push(struct db *db, const char *vendor_task_id, long rows, int k,
    int final)
{
	struct audit_actor who = { 0, "vendor", "127.0.0.1", "vendor/1.0" };
	struct push	 p;
	char		*body = NULL, why[256];
	int64_t		 id;
	long		 repeat = rows / 50, black = rows / 100 + k;
	long		 success = rows - repeat - black;
	long		 shi = final ? success * 7 / 10 : success * 3 / 10;
	long		 kong = final ? success / 10 : success / 20;
	int		 rc;

	/* k makes every body distinct, as the vendor's are. */
	if (asprintf(&body, "{\"dial_task_main_sn\":\"dial_task_main_sn|%s\","
	    "\"import_mark\":{\"totalCount\":%ld,\"failCount\":0,"
	    "\"blacklistCount\":%ld,\"repeatCount\":%ld,\"successCount\":%ld,"
	    "\"filterCount\":0,\"shiCount\":%ld,\"kongCount\":%ld,"
	    "\"tingjiCount\":%ld,\"kuwuCount\":%ld,\"chenmoCount\":%ld,"
	    "\"fenxianCount\":%ld,\"chaopinCount\":%d}}", vendor_task_id, rows,
	    black, repeat, success, shi, kong, kong / 2, kong / 3, kong / 4,
	    kong / 5, k) < 0)
		return -1;
	if (push_parse_json(body, strlen(body), &p, why, sizeof(why)) == -1) {
		fprintf(stderr, "seed: push: %s\n", why);
		free(body);
		return -1;
	}
	rc = push_store_tx(db, &who, "application/json; charset=utf-8", body,
	    strlen(body), &p, &id);
	push_clear(&p);
	free(body);
	return rc == 1 ? 0 : -1;
}

static int
seed_task(struct db *db, long batches, long pushes)
{
	struct task_params tp = {
		.text[FIELD_NAME] = (char *)"基准测试任务",
		.text[FIELD_VIDEOBOTID] = (char *)"vb-bench",
		.num[FIELD_ISRELATESENDMESSAGE] = 1,
		.text[FIELD_MSGTEMPLATEID] = (char *)"600184215",
		.text[FIELD_MSGTITLE] = (char *)"甜新科技",
		.num[FIELD_SENDMESSAGEPHASE] = 1,
	};
	unsigned char	 rnd[12], digest[crypto_hash_sha256_BYTES];
	sqlite3_stmt	*st;
	cJSON		*pj;
	char		*params = NULL, *name = NULL, base[25], vtid[48];
	char		 sha[65];
	int64_t		 user, import_id, task_id, now = (int64_t)time(NULL);
	long		 b, k;
	int		 rc = -1;

	if (first_user(db, &user, &name) == -1)
		return -1;
	if ((pj = task_params_json(&tp)) == NULL ||
	    (params = cJSON_PrintUnformatted(pj)) == NULL)
		goto out;
	/* Fresh vendor task ids every time: they are unique in batches. */
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(base, sizeof(base), rnd, sizeof(rnd));
	if (db_begin(db) == -1)
		goto out;
	if ((st = seed_stmt(db, SEED_IMPORT)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, params, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, batches * BATCH_ROWS);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	import_id = sqlite3_last_insert_rowid(db_handle(db));
	if ((st = seed_stmt(db, SEED_TASK)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, import_id);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, params, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, batches * BATCH_ROWS);
	sqlite3_bind_int64(st, 6, batches);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	task_id = sqlite3_last_insert_rowid(db_handle(db));
	for (b = 1; b <= batches; b++) {
		snprintf(vtid, sizeof(vtid), "%s%08lx", base, (unsigned long)b);
		/* Stands for the hash of the body that was sent. */
		crypto_hash_sha256(digest, (const unsigned char *)vtid,
		    strlen(vtid));
		sodium_bin2hex(sha, sizeof(sha), digest, sizeof(digest));
		if ((st = seed_stmt(db, SEED_BATCH)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, task_id);
		sqlite3_bind_int64(st, 2, b);
		sqlite3_bind_int64(st, 3, (b - 1) * BATCH_ROWS + 1);
		sqlite3_bind_int64(st, 4, BATCH_ROWS);
		sqlite3_bind_text(st, 5, vtid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, now);
		sqlite3_bind_text(st, 7, sha, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		for (k = 1; k <= pushes; k++)
			if (store_push(db, vtid, BATCH_ROWS, (int)k,
			    k == pushes) == -1)
				goto fail;
	}
	if (db_commit(db) == -1)
		goto fail;
	printf("%" PRId64 "\n", task_id);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "seed: task: %s\n", sqlite3_errmsg(db_handle(db)));
	db_rollback(db);
out:
	cJSON_Delete(pj);
	cJSON_free(params);
	free(name);
	return rc;
}

/*
 * The year profile. audit_append() stamps an entry with the time it reads
 * (audit_now: clock_gettime), so that the entries of a year can be
 * written now through the program's own code, this program's
 * clock_gettime answers CLOCK_REALTIME with fake_now while it is set; the
 * rest of the time, and for every other clock, the kernel answers.
 */
static int64_t	 fake_now_ms = -1;

int
clock_gettime(clockid_t clk, struct timespec *tp)
{
	if (clk == CLOCK_REALTIME && fake_now_ms >= 0) {
		tp->tv_sec = (time_t)(fake_now_ms / 1000);
		tp->tv_nsec = (long)(fake_now_ms % 1000) * 1000000L;
		return 0;
	}
	return (int)syscall(SYS_clock_gettime, clk, tp);
}

/* A small deterministic generator: the same database every time. */
static uint64_t	 rnd_state = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static long
rnd_below(long n)
{
	return (long)(rnd() % (uint64_t)n);
}

struct year_user {
	int64_t	 id;
	char	 name[16];
};

static int
year_users(struct db *db, struct year_user *u, int64_t now)
{
	sqlite3_stmt	*st;
	int		 i;

	for (i = 0; i < YEAR_USERS; i++) {
		snprintf(u[i].name, sizeof(u[i].name), "op%02d", i + 1);
		if ((st = seed_stmt(db, SEED_USER)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, u[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now);
		if (sqlite3_step(st) != SQLITE_DONE ||
		    (st = seed_stmt(db, SEED_USER_ID)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, u[i].name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			return -1;
		u[i].id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	return 0;
}

/* n entries, evenly over the year before now, by the 20 operators. */
static int
year_audit(struct db *db, const struct year_user *u, long n, int64_t now)
{
	struct audit_actor who = { 0, NULL, "10.0.0.1",
	    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) bench/seed" };
	char		 object[32], addr[24];
	int64_t		 start = (now - YEAR_SECONDS) * 1000;
	cJSON		*d;
	long		 i, k;
	int		 rc;

	for (i = 0; i < n; i++) {
		if (i % (AUDIT_PER_TX * 5) == 0 && db_begin(db) == -1)
			return -1;
		k = rnd_below(YEAR_USERS);
		who.user_id = u[k].id;
		who.name = u[k].name;
		snprintf(addr, sizeof(addr), "10.0.%ld.%ld", k, rnd_below(250) + 1);
		who.addr = addr;
		snprintf(object, sizeof(object), "task:%ld",
		    rnd_below(YEAR_TASKS) + 1);
		fake_now_ms = start + (int64_t)((double)YEAR_SECONDS * 1000.0 *
		    (double)i / (double)n);
		if ((d = cJSON_CreateObject()) == NULL ||
		    cJSON_AddNumberToObject(d, "task", (double)(rnd_below(
		    YEAR_TASKS) + 1)) == NULL ||
		    cJSON_AddNumberToObject(d, "rows", (double)rnd_below(
		    50000)) == NULL) {
			cJSON_Delete(d);
			fake_now_ms = -1;
			db_rollback(db);
			return -1;
		}
		rc = audit_append(db, &who, actions[rnd_below((long)(
		    sizeof(actions) / sizeof(actions[0])))], object, d);
		cJSON_Delete(d);
		fake_now_ms = -1;
		if (rc == -1) {
			db_rollback(db);
			return -1;
		}
		if (((i + 1) % (AUDIT_PER_TX * 5) == 0 || i + 1 == n) &&
		    db_commit(db) == -1) {
			db_rollback(db);
			return -1;
		}
	}
	return 0;
}

static const char *const year_words[][4] = {
	{ "春季", "夏季", "秋季", "冬季" },
	{ "北京", "上海", "广州", "深圳" },
	{ "回访", "促销", "满意度调查", "续费提醒" },
};

/* One push for a batch (or, batch 0, for none), with figures. */
static int
year_push(struct db *db, int64_t received, const char *vtid, int64_t batch,
    long rows, long k)
{
	unsigned char	 digest[crypto_hash_sha256_BYTES];
	sqlite3_stmt	*st;
	char		*body = NULL, sha[65], sn[80];
	long		 black = rows / 100, repeat = rows / 50;
	long		 success = rows - black - repeat;
	long		 shi = success * 7 / 10, kong = success / 10;
	int		 rc = -1;

	snprintf(sn, sizeof(sn), "dial_task_main_sn|%s", vtid);
	if (asprintf(&body, "{\"dial_task_main_sn\":\"%s\",\"import_mark\":"
	    "{\"totalCount\":%ld,\"failCount\":0,\"blacklistCount\":%ld,"
	    "\"repeatCount\":%ld,\"successCount\":%ld,\"filterCount\":0,"
	    "\"shiCount\":%ld,\"kongCount\":%ld,\"chaopinCount\":%ld}}", sn,
	    rows, black, repeat, success, shi, kong, k) < 0)
		return -1;
	crypto_hash_sha256(digest, (const unsigned char *)body, strlen(body));
	sodium_bin2hex(sha, sizeof(sha), digest, sizeof(digest));
	if ((st = seed_stmt(db, SEED_Y_PUSH)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, received);
	sqlite3_bind_text(st, 2, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, sn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, vtid, -1, SQLITE_STATIC);
	if (batch > 0)
		sqlite3_bind_int64(st, 6, batch);
	sqlite3_bind_text(st, 7, batch > 0 ? "auto" : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, rows);
	sqlite3_bind_int64(st, 9, success);
	sqlite3_bind_int64(st, 10, black);
	sqlite3_bind_int64(st, 11, repeat);
	sqlite3_bind_int64(st, 12, shi);
	sqlite3_bind_int64(st, 13, kong);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
out:
	free(body);
	return rc;
}

/* The tasks, their batches and the pushes; *big is the first task. */
static int
year_tasks(struct db *db, const struct year_user *u, int64_t now,
    int64_t *big)
{
	static const char *const states[] = { "sent", "sent", "sent", "sent",
	    "sent", "sent", "sent", "attention", "cancelled", "queued" };
	sqlite3_stmt	*st;
	char		 name[128], vtid[48], sha[65];
	char		*params = NULL;
	cJSON		*pj = NULL;
	int64_t		 created, import_id, task_id, batch_id;
	long		 t, b, nb, done = 0, pushes = 0, left;
	const char	*state, *bstate;
	int		 rc = -1;
	struct task_params tp = {
		.text[FIELD_NAME] = (char *)"基准测试任务",
		.text[FIELD_VIDEOBOTID] = (char *)"vb-bench",
	};

	if ((pj = task_params_json(&tp)) == NULL ||
	    (params = cJSON_PrintUnformatted(pj)) == NULL)
		goto out;
	if (db_begin(db) == -1)
		goto out;
	for (t = 0; t < YEAR_TASKS; t++) {
		/* The first task is the big one; the others share the rest. */
		left = YEAR_TASKS - t - 1;
		nb = t == 0 ? YEAR_BIG : (YEAR_BATCHES - YEAR_BIG - done +
		    left) / (left + 1);
		if (t > 0)
			done += nb;
		state = t == 0 ? "sent" : states[rnd_below(10)];
		created = now - YEAR_SECONDS + (int64_t)YEAR_SECONDS * t /
		    YEAR_TASKS;
		snprintf(name, sizeof(name), "%s%s%s 第%ld期",
		    year_words[0][rnd_below(4)], year_words[1][rnd_below(4)],
		    year_words[2][rnd_below(4)], t + 1);
		if ((st = seed_stmt(db, SEED_Y_IMPORT)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, u[t % YEAR_USERS].id);
		sqlite3_bind_int64(st, 2, created);
		sqlite3_bind_text(st, 3, params, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, nb * 1000);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		import_id = sqlite3_last_insert_rowid(db_handle(db));
		if ((st = seed_stmt(db, SEED_Y_TASK)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, import_id);
		sqlite3_bind_int64(st, 2, u[t % YEAR_USERS].id);
		sqlite3_bind_text(st, 3, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, created);
		sqlite3_bind_text(st, 5, params, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, nb * 1000);
		sqlite3_bind_int64(st, 7, nb);
		sqlite3_bind_text(st, 8, state, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		task_id = sqlite3_last_insert_rowid(db_handle(db));
		if (t == 0)
			*big = task_id;
		for (b = 1; b <= nb; b++) {
			bstate = strcmp(state, "attention") == 0 && b == nb ?
			    "unknown" : strcmp(state, "attention") == 0 ?
			    "sent" : state;
			snprintf(vtid, sizeof(vtid), "y%08lx%04lx", t + 1, b);
			snprintf(sha, sizeof(sha), "%064lx", (t + 1) * 1000 + b);
			if ((st = seed_stmt(db, SEED_Y_BATCH)) == NULL)
				goto fail;
			sqlite3_bind_int64(st, 1, task_id);
			sqlite3_bind_int64(st, 2, b);
			sqlite3_bind_int64(st, 3, (b - 1) * 1000 + 1);
			sqlite3_bind_int64(st, 4, 1000);
			sqlite3_bind_text(st, 5, bstate, -1, SQLITE_STATIC);
			if (strcmp(bstate, "sent") == 0)
				sqlite3_bind_text(st, 6, vtid, -1,
				    SQLITE_STATIC);
			sqlite3_bind_int64(st, 7, created + b);
			sqlite3_bind_text(st, 8, sha, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				goto fail;
			batch_id = sqlite3_last_insert_rowid(db_handle(db));
			if (strcmp(bstate, "sent") == 0 &&
			    pushes < YEAR_PUSHES) {
				if (year_push(db, created + b + 600, vtid,
				    batch_id, 1000, b) == -1)
					goto fail;
				pushes++;
			}
		}
	}
	/* The rest: pushes no batch matches (the /pushes page's list). */
	for (; pushes < YEAR_PUSHES; pushes++) {
		snprintf(vtid, sizeof(vtid), "u%010lx", pushes);
		if (year_push(db, now - YEAR_SECONDS + (int64_t)YEAR_SECONDS *
		    pushes / YEAR_PUSHES, vtid, 0, 1000, pushes) == -1)
			goto fail;
	}
	if (db_commit(db) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "seed: year: %s\n", sqlite3_errmsg(db_handle(db)));
	db_rollback(db);
out:
	cJSON_Delete(pj);
	cJSON_free(params);
	return rc;
}

static int
seed_year(struct db *db, long audit_n)
{
	struct year_user u[YEAR_USERS];
	int64_t		 now = (int64_t)time(NULL), big = 0;
	char		*err = NULL;

	/* A seed, not a store to keep: no fsync, a large page cache. */
	if (sqlite3_exec(db_handle(db), "PRAGMA synchronous = OFF;"
	    " PRAGMA cache_size = -262144", NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "seed: %s\n", err);
		sqlite3_free(err);
		return -1;
	}
	if (db_begin(db) == -1)
		return -1;
	if (year_users(db, u, now) == -1) {
		fprintf(stderr, "seed: users: %s\n",
		    sqlite3_errmsg(db_handle(db)));
		db_rollback(db);
		return -1;
	}
	if (db_commit(db) == -1)
		return -1;
	if (year_audit(db, u, audit_n, now) == -1) {
		fprintf(stderr, "seed: audit failed\n");
		return -1;
	}
	if (year_tasks(db, u, now, &big) == -1)
		return -1;
	if (sqlite3_exec(db_handle(db), "ANALYZE", NULL, NULL, &err) !=
	    SQLITE_OK) {
		fprintf(stderr, "seed: %s\n", err);
		sqlite3_free(err);
		return -1;
	}
	printf("%" PRId64 "\n", big);
	return 0;
}

static int
number(const char *s, long min, long max, long *out)
{
	char	*end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= min &&
	    *out <= max ? 0 : -1;
}

static int
usage(void)
{
	fprintf(stderr, "usage: seed DATABASE audit N\n"
	    "       seed DATABASE task [BATCHES [PUSHES]]\n"
	    "       seed DATABASE year AUDIT\n"
	    "       seed --version\n");
	return 2;
}

int
main(int argc, char *argv[])
{
	struct config	 cfg;
	struct db	*db;
	long		 n = 0, batches = 100, pushes = 2;
	char		 err[512];
	int		 rc;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("%s\n", SEED_VERSION);
		return 0;
	}
	if (argc < 3)
		return usage();
	if (strcmp(argv[2], "audit") == 0) {
		if (argc != 4 || number(argv[3], 1, 100000000, &n) == -1)
			return usage();
	} else if (strcmp(argv[2], "year") == 0) {
		if (argc != 4 || number(argv[3], 1, 100000000, &n) == -1)
			return usage();
	} else if (strcmp(argv[2], "task") == 0) {
		if (argc > 5 ||
		    (argc > 3 && number(argv[3], 1, 100000, &batches) == -1) ||
		    (argc > 4 && number(argv[4], 0, 1000, &pushes) == -1))
			return usage();
	} else
		return usage();
	if (sodium_init() < 0) {
		fprintf(stderr, "seed: sodium_init failed\n");
		return 1;
	}
	/* The audit key `dialdesk migrate` made beside the database. */
	config_defaults(&cfg);
	free(cfg.database);
	cfg.database = strdup(argv[1]);
	snprintf(err, sizeof(err), "out of memory");
	rc = cfg.database != NULL ? audit_open(&cfg, 0, err, sizeof(err)) : -1;
	config_free(&cfg);
	if (rc == -1) {
		fprintf(stderr, "seed: %s\n", err);
		return 1;
	}
	if ((db = db_open(argv[1], 5000)) == NULL)
		return 1;
	if (db_schema_version(db) != db_schema_latest()) {
		fprintf(stderr, "seed: %s is not migrated (run `dialdesk "
		    "migrate`)\n", argv[1]);
		db_close(db);
		return 1;
	}
	rc = strcmp(argv[2], "audit") == 0 ? seed_audit(db, n) :
	    strcmp(argv[2], "year") == 0 ? seed_year(db, n) :
	    seed_task(db, batches, pushes);
	seed_finalize();
	db_close(db);
	return rc == 0 ? 0 : 1;
}
