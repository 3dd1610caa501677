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
 * The records belong to the first user (by id): make users first. */
#include "autoconf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Every SQL statement of this program (kept apart from the program's own
 * list in db.c: these rows are made only here). */
enum seed_stmt {
	SEED_FIRST_USER,
	SEED_IMPORT,
	SEED_TASK,
	SEED_BATCH,
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
	    "       seed DATABASE task [BATCHES [PUSHES]]\n");
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

	if (argc < 3)
		return usage();
	if (strcmp(argv[2], "audit") == 0) {
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
	    seed_task(db, batches, pushes);
	seed_finalize();
	db_close(db);
	return rc == 0 ? 0 : 1;
}
