/* task.c: tasks and batches as stored, and the task form's parameters. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "calllist.h"
#include "config.h"
#include "db.h"
#include "dnc.h"
#include "log.h"
#include "phone.h"
#include "task.h"
#include "utf8.h"

static const struct {
	const char	*key;		/* JSON name = the API's name */
	size_t		 off;
} strs[] = {
	{ "name", offsetof(struct task_params, name) },
	{ "videoBotId", offsetof(struct task_params, video_bot_id) },
	{ "audioBotId", offsetof(struct task_params, audio_bot_id) },
	{ "msgTemplateId", offsetof(struct task_params, msg_template_id) },
	{ "msgTitle", offsetof(struct task_params, msg_title) },
	{ "videoMessageTemplateId",
	  offsetof(struct task_params, video_message_template_id) },
};

static const struct {
	const char	*key;
	size_t		 off;
	int		 boolean;
} ints[] = {
	{ "isVoiceDivide", offsetof(struct task_params, is_voice_divide), 1 },
	{ "isRelateSendMessage",
	  offsetof(struct task_params, is_relate_send_message), 1 },
	{ "sendMessagePhase",
	  offsetof(struct task_params, send_message_phase), 0 },
	{ "isRelateVideoMessage",
	  offsetof(struct task_params, is_relate_video_message), 1 },
	{ "sendVideoMessagePhase",
	  offsetof(struct task_params, send_video_message_phase), 0 },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define STR_AT(p, off)	(*(char **)((char *)(p) + (off)))
#define INT_AT(p, off)	(*(int *)((char *)(p) + (off)))

cJSON *
task_params_json(const struct task_params *p)
{
	cJSON	*o = cJSON_CreateObject();
	size_t	 i;

	for (i = 0; i < NELEM(strs); i++) {
		const char *v = STR_AT(p, strs[i].off);
		cJSON_AddStringToObject(o, strs[i].key, v != NULL ? v : "");
	}
	for (i = 0; i < NELEM(ints); i++) {
		int v = INT_AT(p, ints[i].off);
		if (ints[i].boolean)
			cJSON_AddBoolToObject(o, ints[i].key, v);
		else
			cJSON_AddNumberToObject(o, ints[i].key, v);
	}
	return o;
}

int
task_params_parse(const char *json, struct task_params *p)
{
	cJSON	*o = cJSON_Parse(json), *v;
	size_t	 i;
	int	 rc = 0;

	memset(p, 0, sizeof(*p));
	if (o == NULL)
		return -1;
	for (i = 0; i < NELEM(strs); i++) {
		v = cJSON_GetObjectItemCaseSensitive(o, strs[i].key);
		if ((STR_AT(p, strs[i].off) = strdup(cJSON_IsString(v) ?
		    v->valuestring : "")) == NULL)
			rc = -1;
	}
	for (i = 0; i < NELEM(ints); i++) {
		v = cJSON_GetObjectItemCaseSensitive(o, ints[i].key);
		INT_AT(p, ints[i].off) = ints[i].boolean ? cJSON_IsTrue(v) :
		    (cJSON_IsNumber(v) ? v->valueint : 0);
	}
	cJSON_Delete(o);
	if (rc == -1)
		task_params_free(p);
	return rc;
}

void
task_params_free(struct task_params *p)
{
	size_t	 i;

	for (i = 0; i < NELEM(strs); i++)
		free(STR_AT(p, strs[i].off));
	memset(p, 0, sizeof(*p));
}

const char *
task_phase_label(int phase)
{
	static const char *const labels[] = {
		"", "拨打电话时", "电话接通时", "通话结束后",
	};

	return phase >= 1 && phase <= 3 ? labels[phase] : "";
}

const char *
task_reason_zh(const char *reason)
{
	enum phone_status st;

	if (strcmp(reason, REASON_DUPLICATE) == 0)
		return "重复号码";
	if (strcmp(reason, REASON_MISSING_COLS) == 0)
		return "列数少于表头（该行可能被截断或换行）";
	if (strcmp(reason, REASON_EXTRA_COLS) == 0)
		return "列数多于表头（可能有未加引号的分隔符）";
	if (strcmp(reason, REASON_DNC) == 0)
		return DNC_LABEL_ZH;
	if (strcmp(reason, REASON_RECENT) == 0)
		return RECENT_LABEL_ZH "（已排除）";
	if (strcmp(reason, REASON_RECENT_KEPT) == 0)
		return RECENT_LABEL_ZH "（已保留，仍会发送）";
	for (st = 0; st < PHONE__MAX; st++)
		if (strcmp(reason, phone_reason_code(st)) == 0)
			return phone_reason_zh(st);
	return reason;
}

int
task_cancel(struct db *db, const struct audit_actor *who, int64_t task_id)
{
	cJSON		*d;
	char		 obj[32];
	int		 n = -1;

	if (db_begin(db) == -1 || (n = store_task_cancel_batches(db, task_id,
	    (int64_t)time(NULL))) == -1)
		goto out;
	if (n > 0) {
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "batches_cancelled", n);
		snprintf(obj, sizeof(obj), "task %lld", (long long)task_id);
		if (store_task_refresh(db, task_id) == -1 ||
		    audit_append(db, who, "task.cancelled", obj, d) == -1) {
			cJSON_Delete(d);
			n = -1;
			goto out;
		}
		cJSON_Delete(d);
	}
	if (db_commit(db) == -1)
		n = -1;
out:
	db_rollback(db);
	return n;
}

int
batch_resend(struct db *db, const struct audit_actor *who, int64_t batch_id)
{
	struct batch_ref b;
	cJSON		*d;
	char		 obj[32];
	int		 rc = -1, found;

	if (db_begin(db) == -1 || (found = store_batch_resend(db, batch_id,
	    (int64_t)time(NULL), &b)) == -1)
		goto out;
	if (found == 1) {
		rc = 0;
		goto out;
	}
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "task", (double)b.task_id);
	cJSON_AddNumberToObject(d, "batch", (double)batch_id);
	cJSON_AddNumberToObject(d, "seq", (double)b.seq);
	snprintf(obj, sizeof(obj), "batch %lld", (long long)batch_id);
	if (store_task_refresh(db, b.task_id) == -1 ||
	    audit_append(db, who, "batch.resent", obj, d) == -1 ||
	    db_commit(db) == -1) {
		cJSON_Delete(d);
		goto out;
	}
	cJSON_Delete(d);
	rc = 1;
out:
	db_rollback(db);
	return rc;
}
