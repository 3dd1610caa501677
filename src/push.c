/* push.c: reading and storing the vendor's import pushes. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "form.h"
#include "log.h"
#include "push.h"
#include "store/pushes.h"
#include "store/tasks.h"
#include "utf8.h"
#include "vendor.h"

const struct push_figure_def push_figures[PF__MAX] = {
	{ "totalCount", "导入总数", "total" },
	{ "successCount", "成功", "success" },
	{ "failCount", "失败", "fail" },
	{ "blacklistCount", "黑名单", "blacklist" },
	{ "repeatCount", "重复", "repeat" },
	{ "filterCount", "过滤", "filter" },
	{ "shiCount", "实号", "shi" },
	{ "kongCount", "空号", "kong" },
	{ "tingjiCount", "停机", "tingji" },
	{ "kuwuCount", "库无", "kuwu" },
	{ "chenmoCount", "沉默", "chenmo" },
	{ "fenxianCount", "风险", "fenxian" },
	{ "chaopinCount", "超频", "chaopin" },
};

_Static_assert(STORE_PUSH_FIGURES == PF__MAX,
    "the store keeps every figure of push_figures[]");

/* The largest count taken: a list is at most 50,000 rows, but the vendor
 * may sum; anything past this is not a count. */
#define COUNT_MAX	1000000000LL

void
push_clear(struct push *p)
{
	free(p->sn);
	free(p->vendor_task_id);
	free(p->reason);
	free(p->extra);
	memset(p, 0, sizeof(*p));
}

/* A count: a JSON number that is a whole number in range, or a string of
 * digits (some vendors quote numbers). */
static int
count_of(const cJSON *v, int64_t *out)
{
	char	*end;
	long long n;

	if (cJSON_IsNumber(v)) {
		if (v->valuedouble < 0 || v->valuedouble > COUNT_MAX ||
		    v->valuedouble != (double)(int64_t)v->valuedouble)
			return -1;
		*out = (int64_t)v->valuedouble;
		return 0;
	}
	if (cJSON_IsString(v) && v->valuestring[0] >= '0' &&
	    v->valuestring[0] <= '9') {
		n = strtoll(v->valuestring, &end, 10);
		if (*end != '\0' || n < 0 || n > COUNT_MAX)
			return -1;
		*out = n;
		return 0;
	}
	return -1;
}

/* Fill p from import_mark: an object of counts, a failure reason, or a
 * string that holds the object (sent form-encoded, or double-encoded). */
static int
read_mark(const cJSON *mark, struct push *p, cJSON *kept, char *why,
    size_t whysz)
{
	const cJSON	*v;
	cJSON		*inner = NULL, *extra;
	size_t		 i;
	int		 rc = -1;

	if (cJSON_IsString(mark)) {
		const char *s = mark->valuestring;
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			s++;
		if (*s == '{' && (inner = cJSON_Parse(s)) != NULL &&
		    cJSON_IsObject(inner))
			mark = inner;
		else {
			cJSON_Delete(inner);
			if (mark->valuestring[0] == '\0') {
				snprintf(why, whysz, "import_mark is empty");
				return -1;
			}
			p->ok = 0;
			p->reason = strndup(mark->valuestring,
			    utf8_prefix(mark->valuestring,
			    strlen(mark->valuestring), 1000));
			return p->reason != NULL ? 0 : -1;
		}
	}
	if (!cJSON_IsObject(mark)) {
		snprintf(why, whysz, "import_mark is neither an object nor a "
		    "string");
		goto out;
	}
	p->ok = 1;
	for (i = 0; i < PF__MAX; i++) {
		v = cJSON_GetObjectItemCaseSensitive(mark, push_figures[i].key);
		if (v == NULL)
			continue;	/* absent: 0 (older vendor versions) */
		if (count_of(v, &p->fig[i]) == -1) {
			snprintf(why, whysz, "import_mark.%s is not a count",
			    push_figures[i].key);
			goto out;
		}
	}
	/* Keys we do not know are kept, not lost. */
	extra = cJSON_CreateObject();
	cJSON_ArrayForEach(v, mark) {
		for (i = 0; i < PF__MAX; i++)
			if (v->string != NULL &&
			    strcmp(v->string, push_figures[i].key) == 0)
				break;
		if (i == PF__MAX && v->string != NULL)
			cJSON_AddItemToObject(extra, v->string,
			    cJSON_Duplicate(v, 1));
	}
	if (cJSON_GetArraySize(extra) > 0)
		cJSON_AddItemToObject(kept, "import_mark", extra);
	else
		cJSON_Delete(extra);
	rc = 0;
out:
	cJSON_Delete(inner);
	return rc;
}

static int
read_sn(const char *sn, struct push *p, char *why, size_t whysz)
{
	char		 id[201];
	size_t		 len = strlen(sn);

	if (len == 0 || len > 200 || !utf8_valid(sn, len) ||
	    utf8_has_control(sn, len)) {
		snprintf(why, whysz, "dial_task_main_sn is empty, too long "
		    "or not text");
		return -1;
	}
	/* "dial_task_main_sn|<id>" or the bare id: the same id as the
	 * create answer's taskId, put through the same normalisation. */
	if ((p->sn = strdup(sn)) == NULL)
		return -1;
	if (vendor_task_id_normalise(sn, id, sizeof(id)) != 0) {
		snprintf(why, whysz, "dial_task_main_sn has no task id");
		return -1;
	}
	return (p->vendor_task_id = strdup(id)) == NULL ? -1 : 0;
}

int
push_parse_json(const char *body, size_t len, struct push *p, char *why,
    size_t whysz)
{
	cJSON		*o, *v, *kept = NULL;
	const cJSON	*sn, *mark;
	int		 rc = -1;

	memset(p, 0, sizeof(*p));
	if (!utf8_valid(body, len)) {
		snprintf(why, whysz, "body is not UTF-8 text");
		return -1;
	}
	if ((o = cJSON_ParseWithLength(body, len)) == NULL ||
	    !cJSON_IsObject(o)) {
		snprintf(why, whysz, "body is not a JSON object");
		cJSON_Delete(o);
		return -1;
	}
	if ((kept = cJSON_CreateObject()) == NULL)
		goto out;
	sn = cJSON_GetObjectItemCaseSensitive(o, "dial_task_main_sn");
	mark = cJSON_GetObjectItemCaseSensitive(o, "import_mark");
	if (!cJSON_IsString(sn)) {
		snprintf(why, whysz, "dial_task_main_sn missing or not a "
		    "string");
		goto out;
	}
	if (mark == NULL) {
		snprintf(why, whysz, "import_mark missing");
		goto out;
	}
	if (read_sn(sn->valuestring, p, why, whysz) == -1 ||
	    read_mark(mark, p, kept, why, whysz) == -1)
		goto out;
	cJSON_ArrayForEach(v, o)
		if (v->string != NULL && strcmp(v->string, "import_mark") &&
		    strcmp(v->string, "dial_task_main_sn"))
			cJSON_AddItemToObject(kept, v->string,
			    cJSON_Duplicate(v, 1));
	if ((p->extra = cJSON_PrintUnformatted(kept)) == NULL)
		goto out;
	rc = 0;
out:
	cJSON_Delete(kept);
	cJSON_Delete(o);
	if (rc == -1)
		push_clear(p);
	return rc;
}

/* The urlencoded form: the JSON's top-level fields as form fields. */
struct formpush {
	char	*sn, *mark;
	cJSON	*rest;
};

static int
form_pair(void *arg, const char *key, size_t keylen, const char *val,
    size_t vallen)
{
	struct formpush	*f = arg;
	char		**slot = NULL;

	(void)keylen;
	if (memchr(val, '\0', vallen) != NULL)
		return -1;
	if (strcmp(key, "dial_task_main_sn") == 0)
		slot = &f->sn;
	else if (strcmp(key, "import_mark") == 0)
		slot = &f->mark;
	if (slot != NULL) {
		if (*slot != NULL)
			return -1;	/* given twice: which one? */
		*slot = strdup(val);
		return *slot == NULL ? -1 : 0;
	}
	if (utf8_valid(key, strlen(key)) && utf8_valid(val, vallen))
		cJSON_AddStringToObject(f->rest, key, val);
	return 0;
}

int
push_parse_form(const char *body, size_t len, struct push *p, char *why,
    size_t whysz)
{
	struct formpush	 f = { NULL, NULL, cJSON_CreateObject() };
	cJSON		*mark = NULL;
	int		 rc = -1;

	memset(p, 0, sizeof(*p));
	if (form_urlencoded(body, len, form_pair, &f) == -1) {
		snprintf(why, whysz, "body is not well-formed urlencoded "
		    "(bad escape, NUL byte or a field given twice)");
		goto out;
	}
	if (f.sn == NULL || f.mark == NULL) {
		snprintf(why, whysz, "dial_task_main_sn or import_mark "
		    "missing");
		goto out;
	}
	if (!utf8_valid(f.mark, strlen(f.mark))) {
		snprintf(why, whysz, "import_mark is not UTF-8 text");
		goto out;
	}
	mark = cJSON_CreateString(f.mark);
	if (f.rest == NULL || mark == NULL ||
	    read_sn(f.sn, p, why, whysz) == -1 ||
	    read_mark(mark, p, f.rest, why, whysz) == -1 ||
	    (p->extra = cJSON_PrintUnformatted(f.rest)) == NULL)
		goto out;
	rc = 0;
out:
	cJSON_Delete(mark);
	cJSON_Delete(f.rest);
	free(f.sn);
	free(f.mark);
	if (rc == -1)
		push_clear(p);
	return rc;
}

static cJSON *
push_details(const struct push *p, int64_t push_id, int64_t batch_id,
    int duplicate)
{
	cJSON	*d = cJSON_CreateObject(), *m;
	size_t	 i;

	cJSON_AddStringToObject(d, "dial_task_main_sn", p->sn);
	if (push_id > 0)
		cJSON_AddNumberToObject(d, "push", (double)push_id);
	if (batch_id > 0)
		cJSON_AddNumberToObject(d, "batch", (double)batch_id);
	else
		cJSON_AddBoolToObject(d, "unmatched", 1);
	if (duplicate)
		cJSON_AddBoolToObject(d, "duplicate", 1);
	if (!p->ok)
		cJSON_AddStringToObject(d, "import_failed", p->reason);
	else {
		m = cJSON_AddObjectToObject(d, "import_mark");
		for (i = 0; i < PF__MAX; i++)
			cJSON_AddNumberToObject(m, push_figures[i].key,
			    (double)p->fig[i]);
	}
	return d;
}

int
push_store_group_tx(struct db *db, const struct push_handed *h, size_t n,
    int *results, int64_t *ids)
{
	unsigned char	 digest[crypto_hash_sha256_BYTES];
	char		(*sha)[65];
	struct push_new	*rows;
	struct push_stored *out;
	const struct push *p;
	cJSON		*d;
	int64_t		 now = (int64_t)time(NULL);
	size_t		 i;
	int		 rc = -1;

	sha = calloc(n > 0 ? n : 1, sizeof(*sha));
	rows = calloc(n > 0 ? n : 1, sizeof(*rows));
	out = calloc(n > 0 ? n : 1, sizeof(*out));
	if (sha == NULL || rows == NULL || out == NULL) {
		log_err("push: out of memory for %zu pushes", n);
		goto done;
	}
	for (i = 0; i < n; i++) {
		p = &h[i].push;
		crypto_hash_sha256(digest, (const unsigned char *)h[i].body,
		    h[i].len);
		sodium_bin2hex(sha[i], sizeof(sha[i]), digest, sizeof(digest));
		rows[i] = (struct push_new){ now, h[i].who.addr, h[i].ctype,
		    h[i].body, h[i].len, sha[i], p->sn, p->vendor_task_id,
		    p->ok, p->reason, { 0 }, p->extra };
		memcpy(rows[i].fig, p->fig, sizeof(rows[i].fig));
	}
	if (store_pushes_insert(db, rows, n, out) == -1)
		goto done;
	/* The entries after the pushes, in the same order: each names its
	 * push's id, which only the INSERT told. */
	for (i = 0; i < n; i++) {
		p = &h[i].push;
		d = push_details(p, out[i].id, out[i].batch_id, out[i].id == 0);
		if (d == NULL || audit_append(db, &h[i].who, out[i].id > 0 ?
		    "push.received" : "push.duplicate", p->vendor_task_id,
		    d) == -1) {
			cJSON_Delete(d);
			goto done;
		}
		cJSON_Delete(d);
		results[i] = out[i].id > 0;
		if (ids != NULL)
			ids[i] = out[i].id;
	}
	rc = 0;
done:
	free(sha);
	free(rows);
	free(out);
	return rc;
}

int
push_store_tx(struct db *db, const struct audit_actor *who, const char *ctype,
    const char *body, size_t len, const struct push *p, int64_t *push_id)
{
	struct push_handed h = { *who, ctype, body, len, *p };
	int		 result;

	*push_id = 0;
	if (push_store_group_tx(db, &h, 1, &result, push_id) == -1)
		return -1;
	return result;
}

int
push_store(struct db *db, const struct audit_actor *who, const char *ctype,
    const char *body, size_t len, const struct push *p, int64_t *push_id)
{
	int	 rc;

	/* Acknowledged once durable, as the committer's (db_begin_push). */
	if (db_begin_push(db) == -1)
		return -1;
	if ((rc = push_store_tx(db, who, ctype, body, len, p, push_id)) == -1 ||
	    db_commit(db) == -1) {
		db_rollback(db);
		return -1;
	}
	return rc;
}

int
push_parse(const char *ctype, const char *body, size_t len, struct push *p,
    char *why, size_t whysz)
{
	if (push_ctype_is_form(ctype))
		return push_parse_form(body, len, p, why, whysz);
	return push_parse_json(body, len, p, why, whysz);
}

int
push_ctype_is_json(const char *ctype)
{
	return ctype[0] == '\0' ||
	    strncasecmp(ctype, "application/json", 16) == 0;
}

int
push_ctype_is_form(const char *ctype)
{
	return strncasecmp(ctype, "application/x-www-form-urlencoded",
	    33) == 0;
}

int
push_reject(struct db *db, const struct audit_actor *who, const char *ctype,
    long long declared, const char *body, size_t len, const char *reason)
{
	struct push_rejected_new row;
	cJSON		*d = NULL;
	int64_t		 id;
	int		 rc = -1;

	if (len > 64 * 1024)
		len = 64 * 1024;
	row = (struct push_rejected_new){ (int64_t)time(NULL), who->addr, ctype,
	    declared, body, len, reason };
	if (db_begin(db) == -1 || store_push_reject(db, &row, &id) == -1)
		goto out;
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "rejected", (double)id);
	cJSON_AddStringToObject(d, "reason", reason);
	cJSON_AddNumberToObject(d, "length", (double)declared);
	if (audit_append(db, who, "push.rejected", "", d) == -1 ||
	    db_commit(db) == -1)
		goto out;
	rc = 0;
out:
	db_rollback(db);
	cJSON_Delete(d);
	return rc;
}

int
push_link_waiting(struct db *db, int64_t batch_id, const char *vendor_task_id)
{
	return store_push_link_auto(db, batch_id, vendor_task_id);
}

int
push_link_manual(struct db *db, const struct audit_actor *who,
    int64_t push_id, int64_t batch_id)
{
	cJSON		*d = NULL;
	char		 obj[32];
	int64_t		 task_id;
	int		 rc = -1, found;

	if (db_begin(db) == -1 || (found = store_batch_task(db, batch_id,
	    &task_id)) == -1)
		goto out;
	if (found == 1) {
		rc = 0;
		goto out;
	}
	if ((found = store_push_link_manual(db, push_id, batch_id,
	    who->name)) != 0) {
		rc = found == 1 ? 0 : -1;
		goto out;
	}
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "push", (double)push_id);
	cJSON_AddNumberToObject(d, "batch", (double)batch_id);
	snprintf(obj, sizeof(obj), "push %lld", (long long)push_id);
	if (audit_append(db, who, "push.linked", obj, d) == -1 ||
	    db_commit(db) == -1)
		goto out;
	rc = 1;
out:
	db_rollback(db);
	cJSON_Delete(d);
	return rc;
}
