/* audit.c: the hash-chained audit log and its verification. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "db.h"
#include "log.h"

/* The hash the first entry points back to. */
static const char genesis[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

const struct audit_action audit_actions[] = {
	{ "login.ok", "登录成功" },
	{ "login.failed", "登录失败" },
	{ "login.rate_limited", "登录受限" },
	{ "logout", "退出登录" },
	{ "user.created", "创建用户" },
	{ "user.changed", "修改用户" },
	{ "user.disabled", "停用用户" },
	{ "csrf.rejected", "CSRF 校验失败" },
	{ "permission.denied", "权限不足" },
	{ "list.uploaded", "上传名单" },
	{ "list.remapped", "调整名单列" },
	{ "list.cancelled", "取消名单" },
	{ "task.confirmed", "确认任务" },
	{ "task.cancelled", "取消任务" },
	{ "batch.sent", "发送批次" },
	{ "batch.unknown", "批次结果未知" },
	{ "batch.resent", "重新发送批次" },
	{ "export.errors", "下载错误报告" },
	{ "export.tasks", "导出任务列表" },
	{ "export.breakdown", "导出导入结果" },
	{ "push.received", "收到导入推送" },
	{ "push.duplicate", "重复的导入推送" },
	{ "push.rejected", "拒收导入推送" },
	{ "push.forbidden", "推送密钥错误" },
	{ "push.linked", "手动关联推送" },
	{ NULL, NULL },
};

const char *
audit_action_label(const char *action)
{
	const struct audit_action *a;

	for (a = audit_actions; a->action != NULL; a++)
		if (strcmp(a->action, action) == 0)
			return a->label;
	return action;
}

void
audit_now(char out[32])
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 date[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%.19s.%03dZ", date, (int)(ts.tv_nsec / 1000000));
}

/*
 * hash = hex(SHA-256(prev_hash || canonical)), where canonical is the
 * compact JSON array [id, ts, actor_id or null, actor, addr, user_agent,
 * action, object, details] and details is the stored JSON text. JSON makes
 * the field boundaries unambiguous, so no two entries share a form.
 */
static int
audit_hash(int64_t id, const char *ts, int64_t actor_id, const char *actor,
    const char *addr, const char *ua, const char *action, const char *object,
    const char *details, const char *prev, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char	 digest[crypto_hash_sha256_BYTES];
	cJSON		*a;
	char		*text;

	if ((a = cJSON_CreateArray()) == NULL)
		return -1;
	cJSON_AddItemToArray(a, cJSON_CreateNumber((double)id));
	cJSON_AddItemToArray(a, cJSON_CreateString(ts));
	cJSON_AddItemToArray(a, actor_id > 0 ?
	    cJSON_CreateNumber((double)actor_id) : cJSON_CreateNull());
	cJSON_AddItemToArray(a, cJSON_CreateString(actor));
	cJSON_AddItemToArray(a, cJSON_CreateString(addr));
	cJSON_AddItemToArray(a, cJSON_CreateString(ua));
	cJSON_AddItemToArray(a, cJSON_CreateString(action));
	cJSON_AddItemToArray(a, cJSON_CreateString(object));
	cJSON_AddItemToArray(a, cJSON_CreateString(details));
	text = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	if (text == NULL)
		return -1;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)prev,
	    strlen(prev));
	crypto_hash_sha256_update(&st, (const unsigned char *)text,
	    strlen(text));
	crypto_hash_sha256_final(&st, digest);
	cJSON_free(text);
	sodium_bin2hex(out, 65, digest, sizeof(digest));
	return 0;
}

/* The details as stored: with the request id of the request being
 * answered (log.h), so that an entry leads to its log lines. */
static char *
details_text(const cJSON *details)
{
	const char	*rid = log_request_id();
	cJSON		*d;
	char		*s;

	if (rid == NULL)
		return details != NULL ? cJSON_PrintUnformatted(details) :
		    strdup("{}");
	d = details != NULL ? cJSON_Duplicate(details, 1) :
	    cJSON_CreateObject();
	if (d == NULL || cJSON_AddStringToObject(d, "request_id", rid) == NULL) {
		cJSON_Delete(d);
		return NULL;
	}
	s = cJSON_PrintUnformatted(d);
	cJSON_Delete(d);
	return s;
}

int
audit_append(struct db *db, const struct audit_actor *who, const char *action,
    const char *object, const cJSON *details)
{
	sqlite3_stmt	*st;
	char		 ts[32], prev[65], hash[65], *dtext;
	int64_t		 id = 1;
	int		 rc;

	if ((st = db_stmt(db, STMT_AUDIT_LAST)) == NULL)
		return -1;
	snprintf(prev, sizeof(prev), "%s", genesis);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0) + 1;
		snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	}
	db_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;

	dtext = details_text(details);
	if (dtext == NULL)
		return -1;
	audit_now(ts);
	if (object == NULL)
		object = "";
	if (audit_hash(id, ts, who->user_id, who->name, who->addr,
	    who->user_agent, action, object, dtext, prev, hash) == -1) {
		free(dtext);
		return -1;
	}
	if ((st = db_stmt(db, STMT_AUDIT_INSERT)) == NULL) {
		free(dtext);
		return -1;
	}
	db_bind_int(st, 1, id);
	db_bind_text(st, 2, ts);
	if (who->user_id > 0)
		db_bind_int(st, 3, who->user_id);
	db_bind_text(st, 4, who->name);
	db_bind_text(st, 5, who->addr);
	db_bind_text(st, 6, who->user_agent);
	db_bind_text(st, 7, action);
	db_bind_text(st, 8, object);
	db_bind_text(st, 9, dtext);
	db_bind_text(st, 10, prev);
	db_bind_text(st, 11, hash);
	rc = db_exec_stmt(st);
	free(dtext);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
audit_record(struct db *db, const struct audit_actor *who, const char *action,
    const char *object, const cJSON *details)
{
	if (db_begin(db) == -1)
		return -1;
	if (audit_append(db, who, action, object, details) == -1) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

int
audit_verify(struct db *db, int64_t *count, char head[65], int64_t *bad_id,
    char *why, size_t whysz)
{
	sqlite3_stmt	*st;
	char		 prev[65], hash[65];
	int64_t		 id, expect = 1;
	int		 rc, result = 0;

	*count = 0;
	*bad_id = 0;
	snprintf(prev, sizeof(prev), "%s", genesis);
	if ((st = db_stmt(db, STMT_AUDIT_ALL)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*bad_id = id;
		if (id != expect) {
			snprintf(why, whysz, id > expect ?
			    "entry %lld is missing before it" :
			    "unexpected id (expected %lld)", (long long)expect);
			result = 1;
			break;
		}
		if (strcmp(db_col_text(st, 9), prev) != 0) {
			snprintf(why, whysz, "prev_hash does not match the "
			    "hash of the entry before it (an entry was removed "
			    "or inserted)");
			result = 1;
			break;
		}
		if (audit_hash(id, db_col_text(st, 1),
		    sqlite3_column_int64(st, 2), db_col_text(st, 3),
		    db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6),
		    db_col_text(st, 7), db_col_text(st, 8), prev, hash) == -1) {
			db_reset(st);
			return -1;
		}
		if (strcmp(hash, db_col_text(st, 10)) != 0) {
			snprintf(why, whysz, "content does not match its hash "
			    "(the entry was changed)");
			result = 1;
			break;
		}
		snprintf(prev, sizeof(prev), "%s", hash);
		expect = id + 1;
		(*count)++;
	}
	db_reset(st);
	if (result == 0 && rc != SQLITE_DONE)
		return -1;
	if (result == 0) {
		*bad_id = 0;
		snprintf(head, 65, "%s", prev);
	}
	return result;
}
