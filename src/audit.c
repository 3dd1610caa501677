/* audit.c: the keyed hash chain of the audit log, its key file, its
 * checkpoint file and their verification. */
#include "autoconf.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "fileio.h"
#include "keyfile.h"
#include "log.h"
#include "store.h"
#include "store/audit.h"

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
	{ "audit.keyed", "审计日志启用密钥" },
	{ "settings.changed", "修改系统设置" },
	{ "dnc.added", "加入免打扰" },
	{ "dnc.removed", "移出免打扰" },
	{ "dnc.imported", "批量加入免打扰" },
	{ "dnc.exported", "导出免打扰名单" },
	{ NULL, NULL },
};

#define NACTIONS	(sizeof(audit_actions) / sizeof(audit_actions[0]) - 1)

/* audit_actions[] by name, sorted once per process: the audit page looks
 * up a label per row and the selected filter once a page. */
static const struct audit_action *actions_by_name[NACTIONS];
static pthread_once_t actions_sorted = PTHREAD_ONCE_INIT;

static int
action_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct audit_action *const *)a)->action,
	    (*(const struct audit_action *const *)b)->action);
}

static void
sort_actions(void)
{
	size_t	 i;

	for (i = 0; i < NACTIONS; i++)
		actions_by_name[i] = &audit_actions[i];
	qsort(actions_by_name, NACTIONS, sizeof(actions_by_name[0]),
	    action_cmp);
}

int
audit_action_index(const char *action)
{
	struct audit_action	 want = { action, NULL };
	const struct audit_action *key = &want, *const *hit;

	if (action == NULL)
		return -1;
	pthread_once(&actions_sorted, sort_actions);
	hit = bsearch(&key, actions_by_name, NACTIONS,
	    sizeof(actions_by_name[0]), action_cmp);
	return hit != NULL ? (int)(*hit - audit_actions) : -1;
}

size_t
audit_actions_count(void)
{
	return NACTIONS;
}

const char *
audit_action_label(const char *action)
{
	int	 i = audit_action_index(action);

	return i >= 0 ? audit_actions[i].label : action;
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

#define MARKER_ACTION	"audit.keyed"
#define KEY_BYTES	crypto_kdf_KEYBYTES
#define MAC_BYTES	crypto_auth_hmacsha256_BYTES

/*
 * The key file holds one key; crypto_kdf derives from it one subkey for the
 * entries and one for the checkpoints, so that neither MAC can stand for
 * the other, and a third whose only use is to name the key (key_id) in
 * the marker entry and in messages without telling anything about it.
 */
#define KDF_CONTEXT	"ddaudit1"
enum { SUBKEY_ENTRY = 1, SUBKEY_CHECKPOINT = 2, SUBKEY_ID = 3 };

static struct {
	int		 loaded;
	unsigned char	 entry_key[crypto_auth_hmacsha256_KEYBYTES];
	unsigned char	 cp_key[crypto_auth_hmacsha256_KEYBYTES];
	char		 key_id[17];
	char		*key_path;
	char		*cp_path;
	int		 syslog;
	int		 minutes;
} ak;

void
audit_close(void)
{
	free(ak.key_path);
	free(ak.cp_path);
	sodium_memzero(&ak, sizeof(ak));
}

int
audit_open(const struct config *cfg, int create, char *err, size_t errsz)
{
	unsigned char	 key[KEY_BYTES], id[16];
	int		 rc;

	audit_close();
	if ((ak.key_path = keyfile_path(cfg->audit_key_file,
	    config_local_base(cfg), ".audit-key")) == NULL ||
	    (ak.cp_path = keyfile_path(
	    cfg->audit_checkpoint_file, config_local_base(cfg),
	    ".audit-checkpoints")) == NULL) {
		snprintf(err, errsz, "out of memory");
		audit_close();
		return -1;
	}
	rc = keyfile_read(ak.key_path, "audit key", key, KEY_BYTES, err,
	    errsz);
	if (rc == 1 && create) {
		if (keyfile_create(ak.key_path, "audit key", KEY_BYTES, err,
		    errsz) == -1) {
			audit_close();
			return -1;
		}
		log_info("created the audit key file %s: back it up with the "
		    "database", ak.key_path);
		rc = keyfile_read(ak.key_path, "audit key", key, KEY_BYTES, err,
	    errsz);
	}
	if (rc == 1)
		snprintf(err, errsz, "audit key file %s does not exist: "
		    "`dialdesk migrate` creates it for a new audit log; restore "
		    "it from the backup if this log is keyed already",
		    ak.key_path);
	if (rc != 0) {
		sodium_memzero(key, sizeof(key));
		audit_close();
		return -1;
	}
	crypto_kdf_derive_from_key(ak.entry_key, sizeof(ak.entry_key),
	    SUBKEY_ENTRY, KDF_CONTEXT, key);
	crypto_kdf_derive_from_key(ak.cp_key, sizeof(ak.cp_key),
	    SUBKEY_CHECKPOINT, KDF_CONTEXT, key);
	crypto_kdf_derive_from_key(id, sizeof(id), SUBKEY_ID, KDF_CONTEXT,
	    key);
	sodium_bin2hex(ak.key_id, sizeof(ak.key_id), id, 8);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(id, sizeof(id));
	ak.syslog = cfg->audit_checkpoint_syslog;
	ak.minutes = cfg->audit_checkpoint_minutes;
	if (ak.syslog)
		openlog("dialdesk", LOG_PID, LOG_AUTHPRIV);
	ak.loaded = 1;
	return 0;
}

const char *
audit_key_file(void)
{
	return ak.key_path;
}

const char *
audit_checkpoint_file(void)
{
	return ak.cp_path;
}

/*
 * What an entry's hash covers: prev_hash, then the compact JSON array
 * [id, ts, actor_id or null, actor, addr, user_agent, action, object,
 * details], details being the stored JSON text. JSON makes the field
 * boundaries unambiguous, so no two entries share a form.
 * hash = hex(HMAC-SHA-256(entry key, that)), or for the entries before
 * the marker hex(SHA-256(that)): pass key NULL.
 */
static int
entry_hash(const struct audit_row *e, const unsigned char *key, char out[65])
{
	crypto_auth_hmacsha256_state	 hs;
	crypto_hash_sha256_state	 ss;
	unsigned char			 digest[MAC_BYTES];
	cJSON				*a;
	char				*text;

	if ((a = cJSON_CreateArray()) == NULL)
		return -1;
	cJSON_AddItemToArray(a, cJSON_CreateNumber((double)e->id));
	cJSON_AddItemToArray(a, cJSON_CreateString(e->ts));
	cJSON_AddItemToArray(a, e->actor_id > 0 ?
	    cJSON_CreateNumber((double)e->actor_id) : cJSON_CreateNull());
	cJSON_AddItemToArray(a, cJSON_CreateString(e->actor));
	cJSON_AddItemToArray(a, cJSON_CreateString(e->addr));
	cJSON_AddItemToArray(a, cJSON_CreateString(e->user_agent));
	cJSON_AddItemToArray(a, cJSON_CreateString(e->action));
	cJSON_AddItemToArray(a, cJSON_CreateString(e->object));
	cJSON_AddItemToArray(a, cJSON_CreateString(e->details));
	text = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	if (text == NULL)
		return -1;
	if (key != NULL) {
		crypto_auth_hmacsha256_init(&hs, key,
		    crypto_auth_hmacsha256_KEYBYTES);
		crypto_auth_hmacsha256_update(&hs,
		    (const unsigned char *)e->prev_hash, strlen(e->prev_hash));
		crypto_auth_hmacsha256_update(&hs, (const unsigned char *)text,
		    strlen(text));
		crypto_auth_hmacsha256_final(&hs, digest);
		sodium_memzero(&hs, sizeof(hs));
	} else {
		crypto_hash_sha256_init(&ss);
		crypto_hash_sha256_update(&ss,
		    (const unsigned char *)e->prev_hash, strlen(e->prev_hash));
		crypto_hash_sha256_update(&ss, (const unsigned char *)text,
		    strlen(text));
		crypto_hash_sha256_final(&ss, digest);
	}
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

static int
append_entry(struct db *db, const struct audit_actor *who, const char *action,
    const char *object, const char *dtext)
{
	struct audit_row e;
	char		 ts[32], prev[65], hash[65];
	int64_t		 id = 1;
	int		 rc;

	snprintf(prev, sizeof(prev), "%s", genesis);
	if ((rc = store_audit_last(db, &id, prev)) == -1)
		return -1;
	if (rc == 1)
		id++;
	audit_now(ts);
	e = (struct audit_row){ id, ts, who->user_id, who->name, who->addr,
	    who->user_agent, action, object != NULL ? object : "", dtext,
	    prev, NULL };
	if (entry_hash(&e, ak.entry_key, hash) == -1)
		return -1;
	e.hash = hash;
	return store_audit_insert(db, &e);
}

int
audit_marker(struct db *db, int64_t *id)
{
	return store_audit_marker(db, MARKER_ACTION, id);
}

/*
 * The marker: the entry from which the chain is keyed, itself keyed; it
 * says how many entries before it keep the old rule, and which key. Looked
 * up on every append rather than remembered, since the transaction that
 * wrote it may yet roll back (one indexed read).
 */
static int
ensure_marker(struct db *db)
{
	static const struct audit_actor sys = { 0, "system", "", "dialdesk" };
	cJSON		*d;
	char		*dtext;
	int64_t		 id, count, last;
	int		 rc;

	if ((rc = audit_marker(db, &id)) != 0)
		return rc == 1 ? 0 : -1;
	if (store_audit_size(db, &count, &last) == -1 ||
	    (d = cJSON_CreateObject()) == NULL)
		return -1;
	cJSON_AddNumberToObject(d, "legacy_entries", (double)count);
	cJSON_AddStringToObject(d, "key_id", ak.key_id);
	dtext = cJSON_PrintUnformatted(d);
	cJSON_Delete(d);
	if (dtext == NULL)
		return -1;
	rc = append_entry(db, &sys, MARKER_ACTION, "", dtext);
	cJSON_free(dtext);
	return rc == 0 ? 1 : -1;
}

/* Nothing is written to the chain or checked in it without the key: 1
 * when it is loaded, else 0 after logging why. */
static int
key_ready(void)
{
	if (!ak.loaded)
		log_err("audit: the audit key is not loaded");
	return ak.loaded;
}

int
audit_mark_keyed(struct db *db)
{
	int	 rc;

	if (!key_ready())
		return -1;
	if (db_begin(db) == -1)
		return -1;
	if ((rc = ensure_marker(db)) == -1 || db_commit(db) == -1) {
		db_rollback(db);
		return -1;
	}
	return rc;
}

int
audit_append(struct db *db, const struct audit_actor *who, const char *action,
    const char *object, const cJSON *details)
{
	char	*dtext;
	int	 rc;

	if (!key_ready())
		return -1;
	if (ensure_marker(db) == -1)
		return -1;
	dtext = details_text(details);
	if (dtext == NULL)
		return -1;
	rc = append_entry(db, who, action, object, dtext);
	free(dtext);
	return rc;
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

/* Why the marker does not match its HMAC: another key, or a change. */
static void
marker_why(const struct audit_row *e, char *why, size_t whysz)
{
	cJSON		*d = cJSON_Parse(e->details);
	const char	*id = cJSON_GetStringValue(cJSON_GetObjectItem(d,
	    "key_id"));

	if (id != NULL && strcmp(id, ak.key_id) != 0)
		snprintf(why, whysz, "the chain is keyed with key %s (its "
		    "marker says so), but the audit key file %s holds key %s: "
		    "point audit_key_file at the chain's key, or the marker "
		    "was changed", id, ak.key_path, ak.key_id);
	else
		snprintf(why, whysz, "the keying marker does not match its "
		    "HMAC (it or an entry before it was changed, or its hash "
		    "recomputed without the audit key)");
	cJSON_Delete(d);
}

/* A checkpoint: a line of the checkpoint file. */
struct checkpoint {
	long long	 seq, entries, last_id;
	char		 hash[65];
	char		 time[32];
};

/* The line, without " mac=..." and the newline. */
static int
cp_body(const struct checkpoint *c, char *buf, size_t sz)
{
	return snprintf(buf, sz, "v1 seq=%lld entries=%lld last=%lld hash=%s "
	    "time=%s", c->seq, c->entries, c->last_id, c->hash, c->time);
}

static void
cp_mac(const char *body, size_t len, char out[65])
{
	unsigned char	 mac[MAC_BYTES];

	crypto_auth_hmacsha256(mac, (const unsigned char *)body, len,
	    ak.cp_key);
	sodium_bin2hex(out, 65, mac, sizeof(mac));
}

/* One line without its newline: 1 a checkpoint of our key, 0 not (why
 * says how). The MAC is checked before anything else is believed. */
static int
cp_parse(const char *line, struct checkpoint *c, char *why, size_t whysz)
{
	const char	*m = strstr(line, " mac=");
	char		 want[65];
	int		 n = -1;

	if (m == NULL || strlen(m + 5) != 64) {
		snprintf(why, whysz, "not a dialdesk audit checkpoint");
		return 0;
	}
	cp_mac(line, (size_t)(m - line), want);
	if (sodium_memcmp(want, m + 5, 64) != 0) {
		snprintf(why, whysz, "its HMAC does not match (the line was "
		    "changed, or written with another key)");
		return 0;
	}
	if (sscanf(line, "v1 seq=%lld entries=%lld last=%lld hash=%64s "
	    "time=%31s mac=%n", &c->seq, &c->entries, &c->last_id, c->hash,
	    c->time, &n) != 5 || n != (int)(m - line) + 5) {
		snprintf(why, whysz, "not a dialdesk audit checkpoint");
		return 0;
	}
	return 1;
}

/* The checkpoint problem, most telling first: a bad line, then the deepest
 * cut, then the first checkpoint the chain no longer holds. */
static int
cp_check(struct db *db, struct audit_report *r)
{
	struct checkpoint c, cut = { 0 }, diff = { 0 };
	FILE		*f;
	char		*line = NULL, why[160], hash[65], ts[32];
	size_t		 cap = 0;
	ssize_t		 n;
	unsigned long	 lineno = 0, cut_line = 0, diff_line = 0;
	long long	 want_seq = 1, matched = 0, latest_id = 0;
	int64_t		 count, last;
	int		 found, rc = 0;
	struct tm	 tm;

	if (store_audit_size(db, &count, &last) == -1)
		return -1;
	if ((f = fopen(ak.cp_path, "re")) == NULL) {
		if (errno != ENOENT) {
			log_err("audit: %s: %s", ak.cp_path, strerror(errno));
			return -1;
		}
		snprintf(r->cp_why, sizeof(r->cp_why), "there is no checkpoint "
		    "file %s, so nothing shows whether the log was cut short "
		    "(`dialdesk migrate` writes the first checkpoint: restore "
		    "the file from the backup)", ak.cp_path);
		return 1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!cp_parse(line, &c, why, sizeof(why))) {
			snprintf(r->cp_why, sizeof(r->cp_why), "checkpoint "
			    "file %s, line %lu: %s", ak.cp_path, lineno, why);
			rc = 1;
			goto out;
		}
		if (c.seq != want_seq) {
			snprintf(r->cp_why, sizeof(r->cp_why), "checkpoint "
			    "file %s, line %lu: checkpoint %lld where %lld was "
			    "due (lines were removed, copied or moved)",
			    ak.cp_path, lineno, c.seq, want_seq);
			rc = 1;
			goto out;
		}
		want_seq = c.seq + 1;
		r->checkpoints++;
		r->cp_seq = c.seq;
		r->cp_entries = c.entries;
		snprintf(r->cp_time, sizeof(r->cp_time), "%s", c.time);
		latest_id = c.last_id;
		/* The worker may have added both since the count was read. */
		if (c.last_id > last &&
		    store_audit_size(db, &count, &last) == -1) {
			rc = -1;
			goto out;
		}
		if (c.last_id > last) {
			if (c.last_id > cut.last_id) {
				cut = c;
				cut_line = lineno;
			}
			continue;
		}
		if ((found = store_audit_hash_at(db, c.last_id, hash,
		    NULL)) == -1) {
			rc = -1;
			goto out;
		}
		if (found == 0)
			continue;	/* a gap in the chain: the walk names it */
		if (strcmp(hash, c.hash) != 0) {
			if (diff.seq == 0) {
				diff = c;
				diff_line = lineno;
			}
		} else if (diff.seq == 0)
			matched = c.last_id;
	}
	if (ferror(f)) {
		log_err("audit: %s: %s", ak.cp_path, strerror(errno));
		rc = -1;
	} else if (cut.seq != 0) {
		snprintf(r->cp_why, sizeof(r->cp_why), "%lld entries missing "
		    "after entry %lld: checkpoint %lld of %s (line %lu of %s) "
		    "counted %lld entries", cut.last_id - (long long)last,
		    (long long)last, cut.seq, cut.time, cut_line, ak.cp_path,
		    cut.entries);
		rc = 1;
	} else if (diff.seq != 0) {
		snprintf(r->cp_why, sizeof(r->cp_why), "entry %lld differs "
		    "from checkpoint %lld of %s (line %lu of %s): the log was "
		    "rewritten after entry %lld, the newest a checkpoint before "
		    "it vouches for", diff.last_id, diff.seq, diff.time,
		    diff_line, ak.cp_path, matched);
		rc = 1;
	} else if (r->checkpoints == 0) {
		snprintf(r->cp_why, sizeof(r->cp_why), "the checkpoint file %s "
		    "holds no checkpoint, so nothing shows whether the log was "
		    "cut short", ak.cp_path);
		rc = 1;
	} else if (last > latest_id && store_audit_hash_at(db, latest_id + 1,
	    hash, ts) == 1) {
		/* Entries since the newest checkpoint are normal for a few
		 * minutes; hours of them mean no checkpoint is being made. */
		memset(&tm, 0, sizeof(tm));
		if (strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) != NULL &&
		    time(NULL) - timegm(&tm) > 2 * 60 * (time_t)ak.minutes)
			snprintf(r->warning, sizeof(r->warning), "%lld entries "
			    "since %s are newer than the newest checkpoint: is "
			    "`dialdesk worker` running? (`dialdesk audit "
			    "checkpoint` makes one now)",
			    (long long)last - latest_id, ts);
	}
out:
	free(line);
	fclose(f);
	return rc;
}

int
audit_verify(struct db *db, struct audit_report *r)
{
	struct store_cursor *c;
	struct audit_row e;
	char		 prev[65], hash[65];
	int64_t		 expect = 1;
	int		 rc, keyed, broken = 0;

	memset(r, 0, sizeof(*r));
	if (!key_ready())
		return -1;
	snprintf(prev, sizeof(prev), "%s", genesis);
	if ((c = store_audit_all(db)) == NULL)
		return -1;
	while ((rc = store_audit_next(c, &e)) == 1) {
		r->bad_id = e.id;
		broken = 1;
		if (e.id != expect) {
			snprintf(r->why, sizeof(r->why), e.id > expect ?
			    "entry %lld is missing before it" :
			    "unexpected id (expected %lld)", (long long)expect);
			break;
		}
		if (strcmp(e.prev_hash, prev) != 0) {
			snprintf(r->why, sizeof(r->why), "prev_hash does not "
			    "match the hash of the entry before it (an entry "
			    "was removed or inserted)");
			break;
		}
		keyed = r->marker_id != 0 ||
		    strcmp(e.action, MARKER_ACTION) == 0;
		if (entry_hash(&e, keyed ? ak.entry_key : NULL, hash) == -1) {
			store_cursor_close(c);
			return -1;
		}
		if (strcmp(hash, e.hash) != 0) {
			if (r->marker_id != 0)
				snprintf(r->why, sizeof(r->why), "content does "
				    "not match its HMAC (the entry was changed, "
				    "or its hash recomputed without the audit "
				    "key)");
			else if (keyed)
				marker_why(&e, r->why, sizeof(r->why));
			else
				snprintf(r->why, sizeof(r->why), "content does "
				    "not match its SHA-256 hash (the entry was "
				    "changed)");
			break;
		}
		if (keyed && r->marker_id == 0)
			r->marker_id = e.id;
		broken = 0;
		snprintf(prev, sizeof(prev), "%s", hash);
		expect = e.id + 1;
		r->entries++;
	}
	store_cursor_close(c);
	if (!broken && rc != 0)
		return -1;
	if (!broken) {
		r->bad_id = 0;
		snprintf(r->head, sizeof(r->head), "%s", prev);
		if (r->entries == 0 || r->marker_id == 0) {
			snprintf(r->why, sizeof(r->why), r->entries == 0 ?
			    "the audit log is empty: even the marker entry "
			    "(audit.keyed) that `dialdesk migrate` writes is "
			    "gone" : "none of its entries is keyed: the marker "
			    "entry (audit.keyed) that `dialdesk migrate` "
			    "writes is gone, so the log was rewritten without "
			    "the audit key");
			broken = 1;
		}
	}
	if ((rc = cp_check(db, r)) == -1)
		return -1;
	return broken || rc == 1 ? 1 : 0;
}

/* The newest checkpoint of the file open on fd (size bytes): 1 found,
 * 0 none yet, -1 the file does not end with one (msg says why). */
static int
cp_newest(int fd, off_t size, struct checkpoint *c, char *msg, size_t msgsz)
{
	char	 buf[1024], why[160], *start;
	off_t	 off;
	ssize_t	 n;

	if (size == 0)
		return 0;
	off = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 :
	    0;
	if ((n = pread(fd, buf, sizeof(buf) - 1, off)) <= 0) {
		snprintf(msg, msgsz, "cannot read the checkpoint file %s: %s",
		    ak.cp_path, n < 0 ? strerror(errno) : "short read");
		return -1;
	}
	buf[n] = '\0';
	if (buf[n - 1] != '\n') {
		snprintf(msg, msgsz, "the checkpoint file %s does not end with "
		    "a whole line: run `dialdesk audit verify`", ak.cp_path);
		return -1;
	}
	buf[--n] = '\0';
	if ((start = strrchr(buf, '\n')) != NULL)
		start++;
	else if (off == 0)
		start = buf;
	else {
		snprintf(msg, msgsz, "the last line of the checkpoint file %s "
		    "is too long: run `dialdesk audit verify`", ak.cp_path);
		return -1;
	}
	if (start[0] == '#' && off == 0 && start == buf)
		return 0;	/* the heading alone */
	if (!cp_parse(start, c, why, sizeof(why))) {
		snprintf(msg, msgsz, "the last line of the checkpoint file %s: "
		    "%s: run `dialdesk audit verify`", ak.cp_path, why);
		return -1;
	}
	return 1;
}

static const char cp_heading[] =
    "# dialdesk audit checkpoints: append-only, one signed line each; "
    "back this file up with the database (docs/CONFIG.md)\n";

int
audit_checkpoint(struct db *db, char *msg, size_t msgsz)
{
	struct checkpoint newest = { 0 }, c = { 0 };
	struct audit_row e;
	struct stat	 sb;
	struct store_cursor *head = NULL;
	char		 line[512], hash[65];
	int64_t		 count, last;
	int		 fd, rc = -1, have, found, n;

	if (!ak.loaded) {
		snprintf(msg, msgsz, "the audit key is not loaded");
		return -1;
	}
	if ((fd = open(ak.cp_path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY, 0600)) == -1) {
		snprintf(msg, msgsz, "cannot open the checkpoint file %s: %s",
		    ak.cp_path, strerror(errno));
		return -1;
	}
	/* One writer at a time, so that numbers and heads only grow. */
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &sb) == -1) {
		snprintf(msg, msgsz, "cannot lock the checkpoint file %s: %s",
		    ak.cp_path, strerror(errno));
		goto out;
	}
	if ((have = cp_newest(fd, sb.st_size, &newest, msg, msgsz)) == -1)
		goto out;

	/* One snapshot of the chain for all that is read of it. */
	if (db_begin(db) == -1 || store_audit_size(db, &count, &last) == -1 ||
	    (head = store_audit_head(db)) == NULL) {
		snprintf(msg, msgsz, "cannot read the audit log");
		goto out;
	}
	if (store_audit_next(head, &e) != 1) {
		snprintf(msg, msgsz, "the audit log is empty: nothing to vouch "
		    "for (run `dialdesk audit verify`)");
		goto out;
	}
	if (entry_hash(&e, ak.entry_key, hash) == -1) {
		snprintf(msg, msgsz, "out of memory");
		goto out;
	}
	if (strcmp(hash, e.hash) != 0) {
		snprintf(msg, msgsz, "the newest entry, %lld, does not match "
		    "its HMAC: run `dialdesk audit verify`", (long long)e.id);
		goto out;
	}
	c.last_id = e.id;
	c.entries = count;
	snprintf(c.hash, sizeof(c.hash), "%s", e.hash);
	store_cursor_close(head);
	head = NULL;
	if (count != c.last_id) {
		snprintf(msg, msgsz, "the audit log holds %lld entries up to "
		    "entry %lld: some are missing (run `dialdesk audit "
		    "verify`)", (long long)count, c.last_id);
		goto out;
	}
	if (have) {
		if (c.last_id < newest.last_id) {
			snprintf(msg, msgsz, "%lld entries missing after entry "
			    "%lld: checkpoint %lld counted %lld (run `dialdesk "
			    "audit verify`)", newest.last_id - c.last_id,
			    c.last_id, newest.seq, newest.entries);
			goto out;
		}
		if ((found = store_audit_hash_at(db, newest.last_id, hash,
		    NULL)) == -1) {
			snprintf(msg, msgsz, "cannot read the audit log");
			goto out;
		}
		if (found == 0 || strcmp(hash, newest.hash) != 0) {
			snprintf(msg, msgsz, "entry %lld differs from checkpoint "
			    "%lld (run `dialdesk audit verify`)",
			    newest.last_id, newest.seq);
			goto out;
		}
		if (c.last_id == newest.last_id) {
			snprintf(msg, msgsz, "nothing new since checkpoint %lld "
			    "(%lld entries)", newest.seq, newest.entries);
			rc = 0;
			goto out;
		}
	}
	db_rollback(db);

	c.seq = have ? newest.seq + 1 : 1;
	audit_now(c.time);
	n = cp_body(&c, line, sizeof(line));
	cp_mac(line, (size_t)n, hash);
	n += snprintf(line + n, sizeof(line) - (size_t)n, " mac=%s\n", hash);
	if ((sb.st_size == 0 &&
	    fileio_write_all(fd, cp_heading, sizeof(cp_heading) - 1) == -1) ||
	    fileio_write_all(fd, line, (size_t)n) == -1 || fsync(fd) == -1 ||
	    (sb.st_size == 0 && fileio_sync_folder(ak.cp_path) == -1)) {
		snprintf(msg, msgsz, "cannot write the checkpoint file %s: %s",
		    ak.cp_path, strerror(errno));
		goto out;
	}
	if (ak.syslog)
		syslog(LOG_AUTHPRIV | LOG_NOTICE, "audit checkpoint %.*s",
		    n - 1, line);
	snprintf(msg, msgsz, "checkpoint %lld written: %lld entries, head %s",
	    c.seq, c.entries, c.hash);
	rc = 1;
out:
	store_cursor_close(head);
	db_rollback(db);
	close(fd);
	return rc;
}

void
audit_checkpoint_tick(struct db *db, int minutes)
{
	static time_t	 last;
	time_t		 now = time(NULL);
	char		 msg[384];

	if (last != 0 && now - last < (time_t)minutes * 60)
		return;
	last = now;
	switch (audit_checkpoint(db, msg, sizeof(msg))) {
	case 1:
		log_info("audit: %s", msg);
		break;
	case -1:
		log_err("audit: no checkpoint: %s", msg);
		break;
	default:
		break;
	}
}
