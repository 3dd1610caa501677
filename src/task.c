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
#include "store.h"
#include "dnc.h"
#include "log.h"
#include "phone.h"
#include "task.h"
#include "utf8.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

cJSON *
task_params_json(const struct task_params *p)
{
	cJSON		*o = cJSON_CreateObject();
	enum field	 f;

	if (o == NULL)
		return NULL;
	for (f = 0; f < FIELD__MAX; f++) {
		const char *v = p->text[f];
		switch (fields[f].kind) {
		case FIELD_KIND_TEXT:
			cJSON_AddStringToObject(o, fields[f].api,
			    v != NULL ? v : "");
			break;
		case FIELD_KIND_SWITCH:
			cJSON_AddBoolToObject(o, fields[f].api, p->num[f]);
			break;
		case FIELD_KIND_PHASE:
			cJSON_AddNumberToObject(o, fields[f].api, p->num[f]);
			break;
		case FIELD_KIND_CONST:
		case FIELD_KIND_SUPPLIED:
			break;	/* not chosen: nothing to keep */
		}
	}
	return o;
}

int
task_params_parse(const char *json, struct task_params *p)
{
	cJSON		*o = cJSON_Parse(json), *v;
	enum field	 f;
	int		 rc = 0;

	memset(p, 0, sizeof(*p));
	if (o == NULL)
		return -1;
	for (f = 0; f < FIELD__MAX; f++) {
		v = cJSON_GetObjectItemCaseSensitive(o, fields[f].api);
		switch (fields[f].kind) {
		case FIELD_KIND_TEXT:
			if ((p->text[f] = strdup(cJSON_IsString(v) ?
			    v->valuestring : "")) == NULL)
				rc = -1;
			break;
		case FIELD_KIND_SWITCH:
			p->num[f] = cJSON_IsTrue(v);
			break;
		case FIELD_KIND_PHASE:
			p->num[f] = cJSON_IsNumber(v) ? v->valueint : 0;
			break;
		case FIELD_KIND_CONST:
		case FIELD_KIND_SUPPLIED:
			break;
		}
	}
	cJSON_Delete(o);
	if (rc == -1)
		task_params_free(p);
	return rc;
}

void
task_params_free(struct task_params *p)
{
	enum field	 f;

	for (f = 0; f < FIELD__MAX; f++)
		free(p->text[f]);
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
