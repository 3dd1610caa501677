/* dnc.c: the do-not-call list and the sent-number history, as keyed
 * hashes; the screen an import runs each valid row through. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "calllist.h"
#include "config.h"
#include "dnc.h"
#include "keyfile.h"
#include "log.h"
#include "store/access.h"
#include "store/imports.h"

static struct {
	int		 loaded;
	unsigned char	 key[crypto_auth_hmacsha256_KEYBYTES];
} dk;

int
dnc_open(const struct config *cfg, int create, char *err, size_t errsz)
{
	char	*path;
	int	 rc;

	dnc_close();
	if ((path = keyfile_path(cfg->dnc_key_file, config_local_base(cfg),
	    ".dnc-key")) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	rc = keyfile_read(path, "do-not-call key", dk.key, sizeof(dk.key),
	    err, errsz);
	if (rc == 1 && create) {
		if (keyfile_create(path, "do-not-call key", sizeof(dk.key), err,
		    errsz) == -1) {
			free(path);
			return -1;
		}
		log_info("created the do-not-call key file %s: back it up with "
		    "the database", path);
		rc = keyfile_read(path, "do-not-call key", dk.key,
		    sizeof(dk.key), err, errsz);
	}
	if (rc == 1)
		snprintf(err, errsz, "do-not-call key file %s does not exist: "
		    "`dialdesk migrate` creates it; restore it from the backup "
		    "if the list has entries already", path);
	free(path);
	if (rc != 0) {
		dnc_close();
		return -1;
	}
	dk.loaded = 1;
	return 0;
}

void
dnc_close(void)
{
	sodium_memzero(&dk, sizeof(dk));
}

int
dnc_hash(const char *normalised, unsigned char out[DNC_HASH_BYTES])
{
	if (!dk.loaded) {
		log_err("dnc: the do-not-call key was not read");
		return -1;
	}
	crypto_auth_hmacsha256(out, (const unsigned char *)normalised,
	    strlen(normalised), dk.key);
	return 0;
}

static const char *const scope_names[] = { "list", "mine", "all" };

const char *
dup_scope_name(enum dup_scope s)
{
	return s >= DUP_LIST && s <= DUP_ALL ? scope_names[s] : "list";
}

int
dup_scope_parse(const char *s, enum dup_scope *out)
{
	int	 i;

	for (i = DUP_LIST; i <= DUP_ALL; i++)
		if (strcmp(s, scope_names[i]) == 0) {
			*out = (enum dup_scope)i;
			return 0;
		}
	return -1;
}

/* Today's local date, "YYYY-MM-DD": an entry applies up to its day. */
static void
today(char out[11])
{
	time_t	 now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
dnc_expired(const char *expires)
{
	char	 day[11];

	if (expires == NULL || expires[0] == '\0')
		return 0;
	today(day);
	return strcmp(expires, day) < 0;
}

/* Hashes looked up at once, sorted: probes in key order touch each page
 * of the large indexes once instead of once per row. */
#define PRESCAN_CHUNK	65536

struct dnc_screen {
	struct db	*db;
	int64_t		 import_id, user_id, since;
	struct dup_rule	 rule;
	char		 today[11];
	int64_t		 listed, recent;
	int		 check_list, check_sent;	/* anything to find */
	/* After dnc_screen_prescan(): the numbers found, sorted. */
	int		 prescanned;
	struct hit {
		long		 line;
		enum dnc_verdict v;
	}		*hits;
	size_t		 nhits, hits_room;
	/* the prescan's chunk: each valid number's hash and line */
	struct seen {
		unsigned char	 h[DNC_HASH_BYTES];
		long		 line;
	}		*chunk;
	size_t		 nchunk;
	int		 failed;
};

static int
rule_load(struct db *db, int64_t import_id, struct dup_rule *rule,
    int64_t *listed, int64_t *recent)
{
	struct dnc_rule_row r;
	int		 rc;

	if ((rc = store_dnc_rule_get(db, import_id, &r)) != 1)
		return rc;
	if (dup_scope_parse(r.scope, &rule->scope) == -1)
		rule->scope = DUP_LIST;
	rule->days = r.days;
	rule->keep = r.keep;
	if (listed != NULL)
		*listed = r.listed;
	if (recent != NULL)
		*recent = r.recent;
	return 1;
}

struct dnc_screen *
dnc_screen_new(struct db *db, int64_t import_id, int64_t user_id,
    const struct dup_rule *rule)
{
	struct dnc_screen *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_err("dnc: out of memory");
		return NULL;
	}
	s->db = db;
	s->import_id = import_id;
	s->user_id = user_id;
	today(s->today);
	if (rule != NULL) {
		s->rule = *rule;
		if (store_dnc_rule_set(db, import_id,
		    dup_scope_name(rule->scope), rule->days, rule->keep) == -1)
			goto fail;
	} else if (rule_load(db, import_id, &s->rule, NULL, NULL) != 1)
		goto fail;
	if (s->rule.days < 1)
		s->rule.scope = DUP_LIST;
	s->since = (int64_t)time(NULL) - (int64_t)s->rule.days * 86400;
	/* Each lookup is a B-tree probe of a large table: none at all
	 * where the table has nothing to find. */
	if ((s->check_list = store_dnc_any(db)) == -1)
		goto fail;
	if (s->rule.scope != DUP_LIST &&
	    (s->check_sent = store_dnc_sent_any(db, s->since)) == -1)
		goto fail;
	return s;
fail:
	free(s);
	return NULL;
}

/* The verdict of one hash from the tables, uncounted: 0, -1. */
static int
lookup(struct dnc_screen *s, const unsigned char h[DNC_HASH_BYTES],
    enum dnc_verdict *v)
{
	int	 rc;

	*v = DNC_PASS;
	if (s->check_list) {
		if ((rc = store_dnc_listed(s->db, h, s->today)) == -1)
			return -1;
		if (rc == 1) {
			*v = DNC_LISTED;
			return 0;
		}
	}
	if (!s->check_sent)
		return 0;
	if ((rc = store_dnc_sent_recently(s->db, h, s->since,
	    s->rule.scope == DUP_MINE ? s->user_id : 0)) == -1)
		return -1;
	if (rc == 1)
		*v = s->rule.keep ? DNC_RECENT_KEEP : DNC_RECENT_DROP;
	return 0;
}

static int
seen_cmp(const void *a, const void *b)
{
	return memcmp(((const struct seen *)a)->h, ((const struct seen *)b)->h,
	    DNC_HASH_BYTES);
}

static int
hit_cmp(const void *a, const void *b)
{
	long	 x = ((const struct hit *)a)->line;
	long	 y = ((const struct hit *)b)->line;

	return (x > y) - (x < y);
}

/* Look the prescan's chunk up in hash order (each number once), keeping
 * the lines of what was found. */
static int
chunk_flush(struct dnc_screen *s)
{
	enum dnc_verdict v = DNC_PASS;
	struct hit	*grown;
	size_t		 i;

	qsort(s->chunk, s->nchunk, sizeof(*s->chunk), seen_cmp);
	for (i = 0; i < s->nchunk; i++) {
		if ((i == 0 || memcmp(s->chunk[i].h, s->chunk[i - 1].h,
		    DNC_HASH_BYTES) != 0) && lookup(s, s->chunk[i].h, &v) == -1)
			return -1;
		if (v == DNC_PASS)
			continue;
		if (s->nhits == s->hits_room) {
			s->hits_room = s->hits_room ? 2 * s->hits_room : 256;
			if ((grown = reallocarray(s->hits, s->hits_room,
			    sizeof(*grown))) == NULL)
				return -1;
			s->hits = grown;
		}
		s->hits[s->nhits].line = s->chunk[i].line;
		s->hits[s->nhits++].v = v;
	}
	s->nchunk = 0;
	return 0;
}

static int
prescan_row(void *arg, const struct calllist_row *row)
{
	struct dnc_screen *s = arg;
	char		 norm[PHONE_NORM_SIZE];

	if (!phone_status_ok(phone_normalise(row->phone_raw,
	    strlen(row->phone_raw), norm, sizeof(norm))))
		return 0;
	s->chunk[s->nchunk].line = row->line;
	if (dnc_hash(norm, s->chunk[s->nchunk++].h) == -1 ||
	    (s->nchunk == PRESCAN_CHUNK && chunk_flush(s) == -1)) {
		s->failed = 1;
		return 1;
	}
	return 0;
}

int
dnc_screen_prescan(struct dnc_screen *s, const char *path,
    const struct calllist_opts *opts)
{
	enum calllist_status cs;
	struct calllist_info info;

	if (!s->check_list && !s->check_sent)
		return 0;
	if (s->chunk == NULL &&
	    (s->chunk = calloc(PRESCAN_CHUNK, sizeof(*s->chunk))) == NULL)
		return -1;
	memset(&info, 0, sizeof(info));
	cs = calllist_read(path, opts, prescan_row, s, &info, NULL);
	calllist_info_free(&info);
	if (s->failed || cs == CL_ERR_NOMEM || (s->nchunk > 0 &&
	    chunk_flush(s) == -1))
		return -1;
	free(s->chunk);
	s->chunk = NULL;
	/* A list that cannot be read is told so by the reading proper;
	 * then nothing was prescanned and each row is looked up alone. */
	if (cs != CL_OK)
		return 0;
	/* qsort() of no rows would be handed NULL: undefined. */
	if (s->nhits > 1)
		qsort(s->hits, s->nhits, sizeof(*s->hits), hit_cmp);
	s->prescanned = 1;
	return 0;
}

int
dnc_screen_row(struct dnc_screen *s, long line, const char *normalised,
    enum dnc_verdict *v)
{
	unsigned char	 h[DNC_HASH_BYTES];
	const struct hit key = { line, DNC_PASS }, *found;

	*v = DNC_PASS;
	if (!s->check_list && !s->check_sent)
		return 0;
	if (s->prescanned) {
		/* The same file read the same way: a line is the same row. */
		found = s->nhits == 0 ? NULL : bsearch(&key, s->hits,
		    s->nhits, sizeof(*s->hits), hit_cmp);
		*v = found != NULL ? found->v : DNC_PASS;
	} else if (dnc_hash(normalised, h) == -1 || lookup(s, h, v) == -1)
		return -1;
	if (*v == DNC_LISTED)
		s->listed++;
	else if (*v != DNC_PASS)
		s->recent++;
	return 0;
}

int
dnc_screen_finish(struct dnc_screen *s, cJSON *d)
{
	if (store_dnc_counts_set(s->db, s->import_id, s->listed,
	    s->recent) == -1)
		return -1;
	if (d != NULL) {
		cJSON_AddNumberToObject(d, "dnc", (double)s->listed);
		cJSON_AddNumberToObject(d, "recent", (double)s->recent);
		cJSON_AddStringToObject(d, "dup_scope",
		    dup_scope_name(s->rule.scope));
		if (s->rule.scope != DUP_LIST) {
			cJSON_AddNumberToObject(d, "dup_days", s->rule.days);
			cJSON_AddStringToObject(d, "dup_action",
			    s->rule.keep ? "keep" : "exclude");
		}
	}
	return 0;
}

void
dnc_screen_free(struct dnc_screen *s)
{
	if (s == NULL)
		return;
	free(s->hits);
	free(s->chunk);
	free(s);
}

int
dnc_import_figures(struct db *db, int64_t import_id, struct dnc_figures *f)
{
	memset(f, 0, sizeof(*f));
	return rule_load(db, import_id, &f->rule, &f->listed, &f->recent);
}

int
dnc_record_sent(struct db *db, int64_t task_id, int64_t import_id,
    int64_t first_seq, int64_t rows, int64_t now)
{
	unsigned char	 h[DNC_HASH_BYTES];
	struct store_cursor *c;
	struct import_row row;
	int64_t		 owner = 0;
	int		 rc;

	/* A task that is gone is nobody's: its numbers still count as sent. */
	if (store_owner(db, OBJ_TASK, task_id, &owner) == -1)
		return -1;
	if ((c = store_import_rows(db, import_id, first_seq,
	    first_seq + rows - 1)) == NULL)
		return -1;
	while ((rc = store_import_rows_next(c, &row)) == 1) {
		if (dnc_hash(row.phone, h) == -1 ||
		    store_dnc_sent_insert(db, h, owner, now) == -1) {
			store_cursor_close(c);
			return -1;
		}
	}
	store_cursor_close(c);
	return rc == 0 ? 0 : -1;
}

int64_t
dnc_purge_sent(struct db *db, int64_t before)
{
	return store_dnc_sent_purge(db, before);
}

/* Insert inside the caller's transaction: 1 added, 0 there, -1. */
static int
insert(struct db *db, const unsigned char h[DNC_HASH_BYTES],
    const char *masked, const char *reason, const char *expires,
    int64_t by, int64_t *id)
{
	return store_dnc_insert(db, h, masked, reason != NULL ? reason : "",
	    expires, by, (int64_t)time(NULL), id);
}

int
dnc_add(struct db *db, const struct audit_actor *who, const char *number,
    const char *reason, const char *expires, int64_t *id)
{
	unsigned char	 h[DNC_HASH_BYTES];
	char		 masked[PHONE_MASK_SIZE];
	struct dnc_entry e;
	cJSON		*d = NULL;
	int		 rc;

	*id = 0;
	if (dnc_hash(number, h) == -1)
		return -1;
	phone_mask(number, masked, sizeof(masked));
	if (db_begin(db) == -1)
		return -1;
	if ((rc = insert(db, h, masked, reason, expires, who->user_id,
	    id)) == 1) {
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "id", (double)*id);
		cJSON_AddStringToObject(d, "number", masked);
		if (reason != NULL)
			cJSON_AddStringToObject(d, "reason", reason);
		if (expires != NULL)
			cJSON_AddStringToObject(d, "expires", expires);
		if (audit_append(db, who, "dnc.added", masked, d) == -1 ||
		    db_commit(db) == -1)
			rc = -1;
		cJSON_Delete(d);
	} else if (rc == 0) {
		if (store_dnc_by_hash(db, h, &e) == 1)
			*id = e.id;
	}
	db_rollback(db);
	return rc;
}

int
dnc_remove(struct db *db, const struct audit_actor *who, int64_t id)
{
	char		 masked[PHONE_MASK_SIZE] = "";
	cJSON		*d;
	int		 rc, found;

	if (db_begin(db) == -1)
		return -1;
	if ((found = store_dnc_delete(db, id, masked, sizeof(masked))) == -1) {
		log_err("dnc: cannot remove entry %lld", (long long)id);
		goto fail;
	}
	if (!found) {
		db_rollback(db);
		return 0;
	}
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "id", (double)id);
	cJSON_AddStringToObject(d, "number", masked);
	rc = audit_append(db, who, "dnc.removed", masked, d);
	cJSON_Delete(d);
	if (rc == -1 || db_commit(db) == -1)
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int
dnc_find(struct db *db, const char *number, struct dnc_entry *e)
{
	unsigned char	 h[DNC_HASH_BYTES];

	if (dnc_hash(number, h) == -1)
		return -1;
	return store_dnc_by_hash(db, h, e);
}

/* A page being read: rows[n], and whether one more came. */
struct page {
	struct dnc_entry *rows;
	size_t		  n, *got;
	int		 *more;
};

static int
page_row(void *arg, const struct dnc_entry *e)
{
	struct page	*p = arg;

	if (*p->got == p->n)
		*p->more = 1;
	else
		p->rows[(*p->got)++] = *e;
	return 0;
}

int
dnc_page(struct db *db, int64_t before, size_t n, struct dnc_entry *rows,
    size_t *got, int *more)
{
	struct page	 p = { rows, n, got, more };

	*got = 0;
	*more = 0;
	/* One more than asked: whether a next page exists, without OFFSET
	 * or a count. */
	if (store_dnc_page(db, before > 0 ? before : INT64_MAX, (int64_t)n + 1,
	    page_row, &p) == -1) {
		log_err("dnc: cannot read a page of the list");
		return -1;
	}
	return 0;
}

/* Walking up from an after= key: the id of the n-th entry above it. */
struct upward {
	size_t	 n, seen;
	int64_t	 top;
};

static int
count_up(void *arg, const struct dnc_entry *e)
{
	struct upward	*u = arg;

	if (++u->seen == u->n)
		u->top = e->id;
	return 0;
}

int
dnc_page_before(struct db *db, int64_t after, size_t n, int64_t *before)
{
	struct upward	 u = { n, 0, 0 };

	*before = 0;
	if (store_dnc_page_newer(db, after, (int64_t)n + 1, count_up,
	    &u) == -1) {
		log_err("dnc: cannot read a page of the list");
		return -1;
	}
	/* Unless they are the newest: then the first page, full. */
	if (u.seen > n)
		*before = u.top + 1;
	return 0;
}

int64_t
dnc_count(struct db *db)
{
	int64_t	 n;

	return store_dnc_count(db, &n) == 0 ? n : -1;
}

int
dnc_each(struct db *db, int (*cb)(void *, const struct dnc_entry *),
    void *arg)
{
	return store_dnc_page(db, INT64_MAX, -1, cb, arg);
}

/* The upload's state, shared with the row callback. */
struct uploader {
	struct db	*db;
	int64_t		 by;
	const char	*reason, *expires;
	struct dnc_upload *u;
	int		 failed;
};

static int
upload_row(void *arg, const struct calllist_row *row)
{
	struct uploader	*up = arg;
	struct dnc_upload *u = up->u;
	unsigned char	 h[DNC_HASH_BYTES];
	char		 norm[PHONE_NORM_SIZE], masked[PHONE_MASK_SIZE];
	enum phone_status ps;
	int		 rc;

	u->rows++;
	ps = phone_normalise(row->phone_raw, strlen(row->phone_raw), norm,
	    sizeof(norm));
	if (ps != PHONE_OK_MOBILE) {
		u->invalid++;
		if (u->nbad < sizeof(u->bad) / sizeof(u->bad[0])) {
			struct dnc_bad *b = &u->bad[u->nbad++];
			b->line = row->line;
			phone_mask_cell(row->phone_raw, b->cell,
			    sizeof(b->cell));
			snprintf(b->why, sizeof(b->why), "%s",
			    ps == PHONE_OK_ENCRYPTED ? "加密号码不能加入" :
			    phone_reason_zh(ps));
		}
		return 0;
	}
	phone_mask(norm, masked, sizeof(masked));
	if (dnc_hash(norm, h) == -1 || (rc = insert(up->db, h, masked,
	    up->reason, up->expires, up->by, NULL)) == -1) {
		up->failed = 1;
		return 1;
	}
	if (rc == 1)
		u->added++;
	else
		u->already++;
	return 0;
}

int
dnc_upload(struct db *db, const struct config *cfg,
    const struct audit_actor *who, const char *path, const char *name,
    const char *reason, const char *expires, struct dnc_upload *u)
{
	struct calllist_opts	 opts;
	struct calllist_info	 info;
	struct calllist_error	 err;
	struct uploader		 up = { db, who->user_id, reason, expires, u,
				    0 };
	enum calllist_status	 cs;
	cJSON			*d;
	int			 rc;

	memset(u, 0, sizeof(*u));
	memset(&info, 0, sizeof(info));
	calllist_opts_init(&opts);
	opts.max_rows = cfg->max_rows;
	opts.name_col = CALLLIST_NONE;
	/* One transaction: the list goes in whole or not at all. */
	if (db_begin(db) == -1)
		return -1;
	cs = calllist_read(path, &opts, upload_row, &up, &info, &err);
	calllist_info_free(&info);
	if (up.failed || cs == CL_ERR_NOMEM || cs == CL_ERR_IO) {
		db_rollback(db);
		return -1;
	}
	if (cs != CL_OK) {
		db_rollback(db);
		snprintf(u->error_zh, sizeof(u->error_zh), "%s", err.zh);
		memset(u->bad, 0, sizeof(u->bad));
		u->nbad = 0;
		return 1;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "file", name);
	cJSON_AddNumberToObject(d, "rows", (double)u->rows);
	cJSON_AddNumberToObject(d, "added", (double)u->added);
	cJSON_AddNumberToObject(d, "already", (double)u->already);
	cJSON_AddNumberToObject(d, "invalid", (double)u->invalid);
	if (reason != NULL)
		cJSON_AddStringToObject(d, "reason", reason);
	if (expires != NULL)
		cJSON_AddStringToObject(d, "expires", expires);
	rc = audit_append(db, who, "dnc.imported", name, d);
	cJSON_Delete(d);
	if (rc == -1 || db_commit(db) == -1) {
		db_rollback(db);
		return -1;
	}
	return 0;
}
