/* import.c: the rules of an uploaded list, from its upload to its task. */
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
#include "dnc.h"
#include "http.h"
#include "import.h"
#include "log.h"
#include "phone.h"
#include "store.h"
#include "ui.h"
#include "utf8.h"

/* Rows written per transaction while loading: short enough that sign-ins
 * and the vendor's pushes never wait long for the write lock. Those
 * commits, and the bytes' below, are parts (db_commit_part(): on
 * PostgreSQL no wait for the disk each); the load's last commit, which
 * makes the import a preview, waits and makes them durable with it. */
#define LOAD_CHUNK	5000
/* Chunks of upload bytes written per transaction, for the same reason. */
#define BYTES_CHUNKS_PER_COMMIT	16

static const struct audit_actor system_actor = { 0, "system", "", "worker" };

/* SHA-256 and size of a file, streamed. */
static int
file_digest(const char *path, char hex[65], int64_t *size)
{
	crypto_hash_sha256_state st;
	unsigned char	 buf[65536], d[crypto_hash_sha256_BYTES];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_err("import: %s: %s", path, strerror(errno));
		return -1;
	}
	*size = 0;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		crypto_hash_sha256_update(&st, buf, (size_t)n);
		*size += n;
	}
	close(fd);
	if (n < 0)
		return -1;
	crypto_hash_sha256_final(&st, d);
	sodium_bin2hex(hex, 65, d, sizeof(d));
	return 0;
}

/* --- the bytes of an upload ------------------------------------------ */

/*
 * Copy the file at path into the owner's bytes in the database, chunk by
 * chunk (never the whole file in memory), inside the caller's transaction.
 * With commit_every > 0 the transaction is committed and begun again every
 * that many chunks: the caller removes the owner's bytes if it fails
 * later. 0, or -1 (logged).
 */
static int
upload_store_file(struct db *db, enum upload_owner owner, int64_t id,
    const char *path, int commit_every)
{
	unsigned char	*buf;
	ssize_t		 n = 0;
	size_t		 have;
	int64_t		 seq = 0;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_err("upload: %s: %s", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(STORE_UPLOAD_CHUNK)) == NULL) {
		close(fd);
		return -1;
	}
	for (;;) {
		/* Fill a whole chunk: read() may return less. */
		for (have = 0; have < STORE_UPLOAD_CHUNK; have += (size_t)n)
			if ((n = read(fd, buf + have, STORE_UPLOAD_CHUNK -
			    have)) <= 0)
				break;
		if (n < 0) {
			log_err("upload: %s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		/* An empty file is one empty chunk: its bytes exist. */
		if ((have > 0 || seq == 0) &&
		    store_upload_put(db, owner, id, seq++, buf, have) == -1) {
			rc = -1;
			break;
		}
		if (have < STORE_UPLOAD_CHUNK)
			break;
		if (commit_every > 0 && seq % commit_every == 0 &&
		    (db_commit_part(db) == -1 || db_begin(db) == -1)) {
			rc = -1;
			break;
		}
	}
	free(buf);
	close(fd);
	return rc;
}

static int
write_all(void *arg, const void *bytes, size_t len)
{
	const int	*fd = arg;
	const char	*p = bytes;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(*fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			log_err("upload: cannot write a scratch file: %s",
			    strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The owner's bytes as a private file in dir (mkstemp, mode 0600), for
 * the readers, which take a file. 0 with *path (the caller removes it with
 * import_scratch_remove() before its request ends), 1 when no bytes are
 * stored, -1 on an error (logged; nothing is left behind).
 */
static int
upload_scratch(struct db *db, const char *dir, enum upload_owner owner,
    int64_t id, char **path)
{
	int	 fd, rc;

	*path = NULL;
	if (asprintf(path, "%s/scratch-XXXXXX", dir) < 0) {
		*path = NULL;
		return -1;
	}
	if ((fd = mkstemp(*path)) == -1) {
		log_err("upload: cannot create a file in %s: %s", dir,
		    strerror(errno));
		free(*path);
		*path = NULL;
		return -1;
	}
	rc = store_upload_read(db, owner, id, write_all, &fd);
	if (close(fd) == -1 && rc == 1) {
		log_err("upload: %s: %s", *path, strerror(errno));
		rc = -1;
	}
	if (rc != 1) {
		import_scratch_remove(*path);
		*path = NULL;
		return rc == 0 ? 1 : -1;
	}
	return 0;
}

int
import_scratch(struct db *db, const struct config *cfg, int64_t import_id,
    char **path)
{
	return upload_scratch(db, cfg->upload_dir, UPLOAD_IMPORT, import_id,
	    path);
}

void
import_scratch_remove(char *path)
{
	if (path == NULL)
		return;
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("upload: cannot remove %s: %s", path, strerror(errno));
	free(path);
}

/* A list file of an import or a kept upload made before its bytes were
 * stored in the database (before migration 014): removed with its owner.
 * Empty for every later one. */
static void
remove_legacy_file(const char *what, int64_t id, const char *path)
{
	if (path[0] != '\0' && unlink(path) == -1 && errno != ENOENT)
		log_warn("%s %lld: cannot remove %s: %s", what, (long long)id,
		    path, strerror(errno));
}

/* --- loading --------------------------------------------------------- */

/*
 * Repeats of a list's mobile numbers, found in memory: the loader knows
 * every good row of the import, so the store need not be asked for each
 * row, and rows can be written many to a statement. An entry is the
 * number (11 digits, 1 first: below 2^34 once 10^10 is taken off) and its
 * first line (below 2^30) in one 64-bit word, 0 being empty; open
 * addressing, grown at 85 % full: 8 MiB up to 891,000 distinct numbers,
 * 16 MiB up to twice that (and the old table while it grows).
 */
#define SET_LINE_BITS	30
#define SET_MOBILE_BASE	10000000000ULL

struct phone_set {
	uint64_t	*slot;
	size_t		 mask, n;
};

static size_t
set_hash(uint64_t key, size_t mask)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 24) & mask;
}

/* The key of a normalised mobile number and its line, 0 when the number
 * or the line does not fit an entry. */
static uint64_t
set_key(const char *norm, enum phone_status ps, long line)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (ps != PHONE_OK_MOBILE || line <= 0 ||
	    (uint64_t)line >= (1ULL << SET_LINE_BITS) || norm[0] != '1')
		return 0;
	for (i = 0; i < 11; i++) {
		if (norm[i] < '0' || norm[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(norm[i] - '0');
	}
	if (norm[11] != '\0')
		return 0;
	return v - SET_MOBILE_BASE + 1;
}

static int
set_grow(struct phone_set *s)
{
	uint64_t	*old = s->slot, e;
	size_t		 oldsize = old == NULL ? 0 : s->mask + 1, i, j;
	size_t		 size = oldsize == 0 ? 4096 : oldsize * 2;

	if ((s->slot = calloc(size, sizeof(*s->slot))) == NULL) {
		s->slot = old;
		return -1;
	}
	s->mask = size - 1;
	for (i = 0; i < oldsize; i++) {
		if ((e = old[i]) == 0)
			continue;
		for (j = set_hash(e >> SET_LINE_BITS, s->mask); s->slot[j] != 0;
		    j = (j + 1) & s->mask)
			continue;
		s->slot[j] = e;
	}
	free(old);
	return 0;
}

/* 1 added, 0 there already (*first: the line it came on first), -1 out
 * of memory. */
static int
set_add(struct phone_set *s, uint64_t key, long line, long *first)
{
	uint64_t	 e;
	size_t		 j;

	if ((s->n + 1) * 20 > (s->slot == NULL ? 0 : s->mask + 1) * 17 &&
	    set_grow(s) == -1)
		return -1;
	for (j = set_hash(key, s->mask); (e = s->slot[j]) != 0;
	    j = (j + 1) & s->mask)
		if (e >> SET_LINE_BITS == key) {
			*first = (long)(e & ((1ULL << SET_LINE_BITS) - 1));
			return 0;
		}
	s->slot[j] = key << SET_LINE_BITS | (uint64_t)line;
	s->n++;
	return 1;
}

/* Rows on their way to the store: STORE_IMPORT_ROWS_BATCH at most, their
 * texts one after another in text (offsets, as it may move). */
struct batch {
	struct import_row_new	 rows[STORE_IMPORT_ROWS_BATCH];
	size_t			 at[STORE_IMPORT_ROWS_BATCH][4];
	size_t			 n;
	char			*text;
	size_t			 len, cap;
};

/* The loading state, shared with the row callback. */
struct loader {
	struct db	*db;
	int64_t		 import_id;
	int64_t		 seq;		/* valid rows so far */
	long		 rows, invalid, dups, in_chunk;
	int		 failed;	/* a database error: stop */
	struct dnc_screen *screen;	/* the do-not-call list, repeats */
	/* A number the set cannot hold came (an encrypted one, a line
	 * past 2^30): from then on the store finds the repeats, row by
	 * row, as it holds every row before. */
	int		 exact;
	struct phone_set set;
	struct batch	 batch;
};

/* A cell as stored: valid UTF-8 of bounded length. */
static char *
cell_copy(const char *s, size_t maxchars)
{
	size_t	 len = strlen(s);

	if (!utf8_valid(s, len))
		return strdup("");
	return strndup(s, utf8_prefix(s, len, maxchars));
}

/* Write the rows held: 0 or -1. */
static int
batch_flush(struct loader *l)
{
	struct batch	*b = &l->batch;
	size_t		 i;

	for (i = 0; i < b->n; i++) {
		b->rows[i].phone = b->text + b->at[i][0];
		b->rows[i].name = b->text + b->at[i][1];
		b->rows[i].other = b->text + b->at[i][2];
		b->rows[i].reason = b->text + b->at[i][3];
	}
	i = b->n;
	b->n = 0;
	b->len = 0;
	return store_import_rows_put(l->db, l->import_id, b->rows, i);
}

static void
batch_free(struct batch *b)
{
	free(b->text);
	memset(b, 0, sizeof(*b));
}

/* Hold a row (its texts copied) and write the batch once full: 0 or -1. */
static int
batch_put(struct loader *l, int64_t seq, long line, const char *phone,
    const char *name, const char *other, const char *reason, int64_t dup_of)
{
	struct batch	*b = &l->batch;
	const char	*t[4] = { phone, name, other, reason };
	size_t		 len[4], need = b->len, i;
	char		*p;

	for (i = 0; i < 4; i++)
		need += (len[i] = strlen(t[i])) + 1;
	if (need > b->cap) {
		if ((p = realloc(b->text, need * 2)) == NULL)
			return -1;
		b->text = p;
		b->cap = need * 2;
	}
	for (i = 0; i < 4; i++) {
		b->at[b->n][i] = b->len;
		memcpy(b->text + b->len, t[i], len[i] + 1);
		b->len += len[i] + 1;
	}
	b->rows[b->n].seq = seq;
	b->rows[b->n].line = line;
	b->rows[b->n].dup_of = dup_of;
	if (++b->n == STORE_IMPORT_ROWS_BATCH)
		return batch_flush(l);
	return 0;
}

static int
store_bad(struct loader *l, const struct calllist_row *row, const char *phone,
    const char *name, const char *other, const char *reason, int64_t dup_of)
{
	struct import_row_new r = { -(int64_t)row->line, row->line, phone,
	    name, other, reason, dup_of };

	if (!l->exact)
		return batch_put(l, r.seq, row->line, phone, name, other,
		    reason, dup_of);
	return store_import_row_bad(l->db, l->import_id, &r);
}

/* 1 stored as valid, 0 a duplicate (dup_of set), -1 error. */
static int
store_valid(struct loader *l, const struct calllist_row *row,
    const char *phone, enum phone_status ps, const char *name,
    const char *other, int64_t *dup_of)
{
	struct import_row_new r = { l->seq + 1, row->line, phone, name,
	    other, NULL, 0 };
	uint64_t key;
	long	 first;
	int	 rc;

	if (!l->exact) {
		if ((key = set_key(phone, ps, row->line)) != 0) {
			if ((rc = set_add(&l->set, key, row->line, &first)) ==
			    0)
				*dup_of = first;
			else if (rc == 1 && (rc = batch_put(l, l->seq + 1,
			    row->line, phone, name, other, "", 0)) == 0) {
				l->seq++;
				rc = 1;
			}
			return rc;
		}
		/* Every row so far to the store, which finds repeats from
		 * now on. */
		if (batch_flush(l) == -1)
			return -1;
		l->exact = 1;
	}
	if ((rc = store_import_row_good(l->db, l->import_id, &r)) == 1) {
		l->seq++;
		return 1;
	}
	if (rc == -1)
		return -1;
	*dup_of = 0;
	return store_import_row_first(l->db, l->import_id, phone, dup_of) ==
	    -1 ? -1 : 0;
}

static int
load_row(void *arg, const struct calllist_row *row)
{
	struct loader	*l = arg;
	const struct calllist_info *info = row->info;
	char		 norm[PHONE_NORM_SIZE], *name = NULL, *other = NULL;
	char		*raw = NULL;
	enum phone_status ps;
	enum dnc_verdict verdict = DNC_PASS;
	const char	*reason = NULL;
	cJSON		*a;
	size_t		 i;
	int64_t		 dup_of = 0;
	int		 rc = -1;

	/* Other columns' values, in order, as a JSON array. */
	if ((a = cJSON_CreateArray()) == NULL)
		goto out;
	for (i = 0; i < info->ncols; i++) {
		char *v;
		if ((int)i == info->phone_col || (int)i == info->name_col)
			continue;
		if ((v = cell_copy(row->cols[i], 500)) == NULL)
			goto out;
		cJSON_AddItemToArray(a, cJSON_CreateString(v));
		free(v);
	}
	other = cJSON_PrintUnformatted(a);
	name = cell_copy(row->name, 64);
	raw = cell_copy(row->phone_raw, 64);
	if (other == NULL || name == NULL || raw == NULL)
		goto out;

	ps = phone_normalise(row->phone_raw, strlen(row->phone_raw), norm,
	    sizeof(norm));
	if (row->ncols < info->ncols)
		reason = REASON_MISSING_COLS;
	else if (row->ncols > info->ncols && info->format == CL_CSV)
		reason = REASON_EXTRA_COLS;
	else if (!phone_status_ok(ps))
		reason = phone_reason_code(ps);

	/* A valid number on the do-not-call list or sent recently. */
	if (reason == NULL && dnc_screen_row(l->screen, row->line, norm,
	    &verdict) == -1)
		goto out;
	if (verdict == DNC_LISTED || verdict == DNC_RECENT_DROP)
		rc = store_bad(l, row, norm, name, other, verdict ==
		    DNC_LISTED ? REASON_DNC : REASON_RECENT, 0) == 0 ? 4 : -1;
	else if (reason == NULL) {
		if ((rc = store_valid(l, row, norm, ps, name, other,
		    &dup_of)) == 0)
			rc = store_bad(l, row, norm, name, other,
			    REASON_DUPLICATE, dup_of) == 0 ? 2 : -1;
		/* A repeat kept is sent, and shown in the error report. */
		else if (rc == 1 && verdict == DNC_RECENT_KEEP)
			rc = store_bad(l, row, norm, name, other,
			    REASON_RECENT_KEPT, 0) == 0 ? 1 : -1;
	} else
		rc = store_bad(l, row, raw, name, other, reason, 0) == 0 ?
		    3 : -1;
	if (rc == 2)
		l->dups++;
	else if (rc == 3)
		l->invalid++;
	l->rows++;
	/* Commit a chunk and go on in a new transaction. */
	if (rc != -1 && ++l->in_chunk >= LOAD_CHUNK) {
		l->in_chunk = 0;
		if (batch_flush(l) == -1 || db_commit_part(l->db) == -1 ||
		    db_begin(l->db) == -1)
			rc = -1;
	}
out:
	cJSON_Delete(a);
	cJSON_free(other);
	free(name);
	free(raw);
	if (rc == -1) {
		l->failed = 1;
		return 1;	/* stop reading */
	}
	return 0;
}

/* What the loader holds, on every path. */
static void
loader_free(struct loader *l)
{
	batch_free(&l->batch);
	free(l->set.slot);
	l->set.slot = NULL;
	dnc_screen_free(l->screen);
	l->screen = NULL;
}

/* Remove an import with its rows and bytes (after a failed load). */
static void
import_remove(struct db *db, int64_t id)
{
	db_rollback(db);
	if (db_begin(db) == -1)
		return;
	if (store_import_delete(db, id) == -1 || db_commit(db) == -1) {
		db_rollback(db);
		log_err("import %lld: cannot remove it", (long long)id);
	}
}

/* The names the import keeps of what the reader found; anything else
 * is the first one (CSV in UTF-8). */
static const char *const format_names[] = {
	[CL_CSV] = "csv", [CL_XLSX] = "xlsx", [CL_XLS] = "xls",
	[CL_ODS] = "ods",
};
static const char *const encoding_names[] = {
	[CL_UTF8] = "utf-8", [CL_UTF8_BOM] = "utf-8-bom",
	[CL_GB18030] = "gb18030",
};

static const char *
name_of(const char *const *names, size_t n, unsigned v)
{
	return v < n && names[v] != NULL ? names[v] : names[0];
}

static const char *
format_name(const struct calllist_info *info)
{
	return name_of(format_names, sizeof(format_names) /
	    sizeof(format_names[0]), (unsigned)info->format);
}

static const char *
encoding_name(const struct calllist_info *info)
{
	return name_of(encoding_names, sizeof(encoding_names) /
	    sizeof(encoding_names[0]), (unsigned)info->encoding);
}

void
import_choice_init(struct import_choice *c)
{
	c->sheet = -1;
	c->header_line = -1;
	c->phone_col = CALLLIST_DETECT;
	c->name_col = CALLLIST_DETECT;
}

static void
choice_opts(const struct import_choice *c, struct calllist_opts *opts)
{
	opts->sheet = c->sheet;
	if (c->header_line > 0)
		opts->header_line = c->header_line;
	else if (c->header_line == 0)
		opts->header = 0;
	opts->phone_col = c->phone_col;
	opts->name_col = c->name_col;
}

/* Store what reading found: the figures, the columns, the sheets and the
 * first rows (JSON for the preview); the import goes to preview. */
static int
store_finish(struct db *db, const struct loader *l,
    const struct calllist_info *info)
{
	struct import_read f;
	cJSON		*h = cJSON_CreateArray(), *sh = cJSON_CreateArray();
	cJSON		*hd = cJSON_CreateArray(), *o;
	char		*headers = NULL, *sheets = NULL, *head = NULL;
	char		 delim[4] = "";
	size_t		 i;
	int		 rc = -1;

	if (h == NULL || sh == NULL || hd == NULL)
		goto out;
	for (i = 0; i < info->ncols; i++)
		cJSON_AddItemToArray(h, cJSON_CreateString(info->headers[i]));
	for (i = 0; i < info->nsheets; i++) {
		if ((o = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(sh, o);
		cJSON_AddStringToObject(o, "name", info->sheets[i].name);
		cJSON_AddNumberToObject(o, "rows", (double)info->sheets[i].rows);
		cJSON_AddBoolToObject(o, "hidden", info->sheets[i].hidden);
	}
	for (i = 0; i < info->nhead; i++) {
		if ((o = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(hd, o);
		cJSON_AddNumberToObject(o, "line", (double)info->head[i].line);
		cJSON_AddStringToObject(o, "text", info->head[i].text);
	}
	if ((headers = cJSON_PrintUnformatted(h)) == NULL ||
	    (sheets = cJSON_PrintUnformatted(sh)) == NULL ||
	    (head = cJSON_PrintUnformatted(hd)) == NULL)
		goto out;
	if (info->delimiter != '\0')
		delim[0] = info->delimiter;
	f.format = format_name(info);
	f.encoding = encoding_name(info);
	f.delimiter = delim;
	f.headers = headers;
	f.phone_col = info->phone_col;
	f.name_col = info->name_col;
	f.rows_read = l->rows;
	f.valid = l->seq;
	f.invalid = l->invalid;
	f.duplicates = l->dups;
	f.sheet = info->sheet < 0 ? 0 : info->sheet;
	f.header_line = info->header_line;
	f.sheets = sheets;
	f.head_rows = head;
	rc = store_import_finish(db, l->import_id, &f);
out:
	cJSON_Delete(h);
	cJSON_Delete(sh);
	cJSON_Delete(hd);
	cJSON_free(headers);
	cJSON_free(sheets);
	cJSON_free(head);
	return rc;
}

int
import_load(struct db *db, const struct config *cfg,
    const struct audit_actor *who, int64_t user_id, const char *file_path,
    const char *file_name, const struct task_params *params, int phone_col,
    int name_col, int64_t *import_id, struct calllist_error *err)
{
	struct import_choice	 c;

	import_choice_init(&c);
	c.phone_col = phone_col;
	c.name_col = name_col;
	return import_load_choice(db, cfg, who, user_id, file_path, file_name,
	    params, &c, import_id, err);
}

int
import_load_choice(struct db *db, const struct config *cfg,
    const struct audit_actor *who, int64_t user_id, const char *file_path,
    const char *file_name, const struct task_params *params,
    const struct import_choice *choice, int64_t *import_id,
    struct calllist_error *err)
{
	struct calllist_opts	 opts;
	struct calllist_info	 info;
	struct loader		 l;
	struct calllist_ahead	*ahead;
	enum calllist_status	 cs;
	char			 sha[65], *ptext = NULL;
	int64_t			 size;
	cJSON			*p = NULL, *d = NULL;
	int			 reload = *import_id != 0, rc;

	memset(err, 0, sizeof(*err));
	memset(&info, 0, sizeof(info));
	memset(&l, 0, sizeof(l));
	l.db = db;
	calllist_opts_init(&opts);
	opts.max_rows = cfg->max_rows;
	choice_opts(choice, &opts);
	/* Reading (expat over a sheet's XML, mostly) starts now, on the
	 * other core, beside the storing of the bytes here and then of the
	 * rows; info and err are the reader's until it is finished. */
	if ((ahead = calllist_ahead_start(file_path, &opts, &info,
	    err)) == NULL)
		return -1;
	if (file_digest(file_path, sha, &size) == -1) {
		calllist_ahead_finish(ahead, NULL, NULL);
		return -1;
	}

	/* The import row first, in its own transaction, so that rows can
	 * be committed in chunks under its id. */
	if (db_begin(db) == -1) {
		calllist_ahead_finish(ahead, NULL, NULL);
		return -1;
	}
	if (reload) {
		if ((rc = store_import_reload(db, *import_id, choice->phone_col,
		    choice->name_col)) != 1 ||
		    store_import_rows_delete(db, *import_id, NULL) == -1)
			goto fail;
	} else {
		struct import_new n = { user_id, (int64_t)time(NULL), size,
		    NULL, file_name, sha, choice->phone_col, choice->name_col };

		p = task_params_json(params);
		if ((ptext = cJSON_PrintUnformatted(p)) == NULL)
			goto fail;
		n.params = ptext;
		if (store_import_insert(db, &n, import_id) == -1)
			goto fail;
		l.import_id = *import_id;
		/* Its state stays loading until the end: bytes written in
		 * several transactions are removed with it on failure. */
		if (upload_store_file(db, UPLOAD_IMPORT, l.import_id,
		    file_path, BYTES_CHUNKS_PER_COMMIT) == -1)
			goto fail_loaded;
	}
	if (db_commit_part(db) == -1) {
		if (reload)
			goto fail;
		goto fail_loaded;
	}
	l.import_id = *import_id;

	if (db_begin(db) == -1 || (l.screen = dnc_screen_new(db, l.import_id,
	    user_id, params != NULL ? &params->dup : NULL)) == NULL ||
	    dnc_screen_prescan(l.screen, file_path, &opts) == -1)
		goto fail_loaded;
	cs = calllist_ahead_finish(ahead, load_row, &l);
	ahead = NULL;
	if (l.failed || cs == CL_ERR_NOMEM || cs == CL_ERR_IO)
		goto fail_loaded;
	if (cs == CL_OK && batch_flush(&l) == -1)
		goto fail_loaded;
	if (cs == CL_ERR_NO_PHONE_COLUMN) {
		/* A preview without rows: the page asks where the header
		 * and the phone are. */
		log_info("import %lld: %s", (long long)l.import_id, err->en);
		info.phone_col = -1;
	} else if (cs != CL_OK) {
		log_info("import %lld: list refused: %s", (long long)l.import_id,
		    err->en);
		import_remove(db, l.import_id);
		calllist_info_free(&info);
		loader_free(&l);
		cJSON_Delete(p);
		cJSON_free(ptext);
		if (!reload)
			*import_id = 0;
		return 1;
	}
	if (store_finish(db, &l, &info) == -1)
		goto fail_loaded;

	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "import", (double)l.import_id);
	cJSON_AddStringToObject(d, "file", file_name);
	cJSON_AddNumberToObject(d, "size", (double)size);
	cJSON_AddStringToObject(d, "sha256", sha);
	cJSON_AddStringToObject(d, "format", format_name(&info));
	cJSON_AddStringToObject(d, "encoding", encoding_name(&info));
	cJSON_AddNumberToObject(d, "rows", (double)l.rows);
	cJSON_AddNumberToObject(d, "valid", (double)l.seq);
	cJSON_AddNumberToObject(d, "invalid", (double)l.invalid);
	cJSON_AddNumberToObject(d, "duplicates", (double)l.dups);
	if (info.sheet >= 0 && (size_t)info.sheet < info.nsheets &&
	    info.format != CL_CSV)
		cJSON_AddStringToObject(d, "sheet",
		    info.sheets[info.sheet].name);
	cJSON_AddNumberToObject(d, "header_line", (double)info.header_line);
	if (info.phone_col < 0)
		cJSON_AddBoolToObject(d, "phone_column_found", 0);
	if (dnc_screen_finish(l.screen, d) == -1)
		goto fail_loaded;
	if (reload) {
		cJSON_AddNumberToObject(d, "phone_col", info.phone_col);
		cJSON_AddNumberToObject(d, "name_col", info.name_col);
	}
	if (audit_append(db, who, reload ? "list.remapped" : "list.uploaded",
	    file_name, d) == -1 || db_commit(db) == -1)
		goto fail_loaded;
	cJSON_Delete(d);
	cJSON_Delete(p);
	cJSON_free(ptext);
	calllist_info_free(&info);
	loader_free(&l);
	return 0;

fail_loaded:
	import_remove(db, l.import_id);
	if (!reload)
		*import_id = 0;
fail:
	if (ahead != NULL)
		calllist_ahead_finish(ahead, NULL, NULL);
	db_rollback(db);
	cJSON_Delete(d);
	cJSON_Delete(p);
	cJSON_free(ptext);
	calllist_info_free(&info);
	loader_free(&l);
	return -1;
}

static int
stop_at_once(void *arg, const struct calllist_row *row)
{
	(void)arg;
	(void)row;
	return 1;
}

int
import_check_choice(const char *path, const struct import_choice *choice,
    struct calllist_error *err)
{
	struct calllist_opts	 opts;
	struct calllist_info	 info;
	enum calllist_status	 cs;

	calllist_opts_init(&opts);
	choice_opts(choice, &opts);
	memset(&info, 0, sizeof(info));
	cs = calllist_read(path, &opts, stop_at_once, NULL, &info, err);
	calllist_info_free(&info);
	return cs == CL_OK || cs == CL_STOPPED ||
	    cs == CL_ERR_NO_PHONE_COLUMN ? 0 : 1;
}

/* --- reading it back ------------------------------------------------- */

int
import_get(struct db *db, int64_t id, struct import *im)
{
	return store_import_get(db, id, im);
}

int
import_visible(struct request *r, struct import *im)
{
	int	 found = import_get(r->db, r->path_id, im);

	if (found == -1) {
		ui_error(r, 500, "服务器内部错误", NULL);
		return 0;
	}
	/* The router found it, but it may be gone since: a failed remap
	 * removes an import. */
	if (found == 0 || im->state == IMPORT_LOADING)
		ui_error(r, 404, "名单不存在", NULL);
	else
		return 1;
	import_clear(im);
	return 0;
}

int
import_decidable(struct request *r, struct import *im)
{
	if (!import_visible(r, im))
		return 0;
	if (im->state == IMPORT_PREVIEW)
		return 1;
	ui_error(r, 409, "该名单已经确认或取消", NULL);
	import_clear(im);
	return 0;
}

int
import_reveal_audited(struct request *r, const char *what)
{
	const char	*reason = http_field(r, KEY_REASON);
	cJSON		*d;
	int		 rc;

	if (reason == NULL)
		return 0;
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "import", (double)r->path_id);
	cJSON_AddStringToObject(d, "what", what);
	cJSON_AddStringToObject(d, "reason", reason);
	cJSON_AddTrueToObject(d, "full_numbers");
	rc = audit_record(r->db, &r->actor, "phones.revealed", r->path, d);
	cJSON_Delete(d);
	return rc == -1 ? -1 : 1;
}

int
import_other_titles(const char *headers, int phone_col, int name_col,
    char ***titles, size_t *n)
{
	cJSON	*h = cJSON_Parse(headers), *v;
	char	**t;
	int	 col = 0;

	*titles = NULL;
	*n = 0;
	if (!cJSON_IsArray(h) || (t = calloc((size_t)cJSON_GetArraySize(h) +
	    1, sizeof(*t))) == NULL) {
		cJSON_Delete(h);
		return -1;
	}
	/* A stored row holds every cell but the phone's and the name's. */
	cJSON_ArrayForEach(v, h) {
		if (col != phone_col && col != name_col) {
			if ((t[*n] = strdup(cJSON_IsString(v) ? v->valuestring :
			    "")) == NULL) {
				import_titles_free(t, *n);
				*n = 0;
				cJSON_Delete(h);
				return -1;
			}
			(*n)++;
		}
		col++;
	}
	cJSON_Delete(h);
	*titles = t;
	return 0;
}

void
import_titles_free(char **titles, size_t n)
{
	size_t	 i;

	if (titles == NULL)
		return;
	for (i = 0; i < n; i++)
		free(titles[i]);
	free(titles);
}

int
import_other_values(const char *other, size_t ntitles, const char **values,
    size_t *n, cJSON **cells)
{
	cJSON	*v;

	*n = 0;
	if ((*cells = cJSON_Parse(other)) == NULL)
		return -1;
	cJSON_ArrayForEach(v, *cells) {
		if (*n >= ntitles)
			break;
		values[(*n)++] = cJSON_IsString(v) ? v->valuestring : "";
	}
	return 0;
}

/* --- deciding -------------------------------------------------------- */

int64_t
import_confirm(struct db *db, const struct config *cfg,
    const struct audit_actor *who, int64_t import_id, const char *login_name)
{
	struct task_params p;
	struct import	 im;
	struct task_new	 t;
	int64_t		 task_id = -1, k, n, now = time(NULL);
	cJSON		*d = NULL;
	char		*ptext = NULL;
	int		 rc;

	memset(&p, 0, sizeof(p));
	if (db_begin(db) == -1)
		return -1;
	if ((rc = store_import_get(db, import_id, &im)) != 1 ||
	    im.state != IMPORT_PREVIEW || im.valid == 0) {
		task_id = rc == -1 ? -1 : 0;
		goto out;
	}
	if (task_params_parse(im.params, &p) == -1 ||
	    (d = cJSON_Parse(im.params)) == NULL ||
	    (ptext = cJSON_PrintUnformatted(d)) == NULL)
		goto out;

	n = (im.valid + cfg->batch_size - 1) / cfg->batch_size;
	t.import_id = import_id;
	t.user_id = im.user_id;
	t.created = now;
	t.rows = im.valid;
	t.batch_count = n;
	t.name = p.text[FIELD_NAME];
	t.params = ptext;
	t.login_name = login_name;
	if (store_task_insert(db, &t, &task_id) == -1)
		goto fail;
	for (k = 0; k < n; k++)
		if (store_batch_insert(db, task_id, k + 1,
		    k * cfg->batch_size + 1, k + 1 < n ? cfg->batch_size :
		    im.valid - k * cfg->batch_size, now) == -1)
			goto fail;
	/* The rows are stored now: the list's bytes hold personal data and
	 * are not needed any more. */
	if (store_import_decide(db, import_id, IMPORT_CONFIRMED) != 1 ||
	    store_upload_delete(db, UPLOAD_IMPORT, import_id) == -1)
		goto fail;
	cJSON_AddNumberToObject(d, "task", (double)task_id);
	cJSON_AddNumberToObject(d, "import", (double)import_id);
	cJSON_AddStringToObject(d, "loginName", login_name);
	cJSON_AddNumberToObject(d, "rows", (double)im.valid);
	cJSON_AddNumberToObject(d, "batches", (double)n);
	cJSON_AddNumberToObject(d, "batch_size", cfg->batch_size);
	if (audit_append(db, who, "task.confirmed",
	    p.text[FIELD_NAME], d) == -1 ||
	    db_commit(db) == -1)
		goto fail;
	remove_legacy_file("import", import_id, im.file_path);
	goto out;
fail:
	task_id = -1;
out:
	db_rollback(db);
	cJSON_Delete(d);
	cJSON_free(ptext);
	task_params_free(&p);
	import_clear(&im);
	return task_id;
}

int
import_cancel(struct db *db, const struct audit_actor *who, int64_t import_id)
{
	struct import	 im;
	int		 rc = -1, found;

	if (db_begin(db) == -1)
		return -1;
	if ((found = store_import_get(db, import_id, &im)) != 1) {
		rc = found == 0 ? 0 : -1;
		goto out;
	}
	if ((found = store_import_decide(db, import_id,
	    IMPORT_CANCELLED)) != 1) {
		rc = found == 0 ? 0 : -1;
		goto out;
	}
	if (store_import_rows_delete(db, import_id, NULL) == -1 ||
	    store_upload_delete(db, UPLOAD_IMPORT, import_id) == -1 ||
	    audit_append(db, who, "list.cancelled", im.file_name, NULL) == -1 ||
	    db_commit(db) == -1)
		goto out;
	remove_legacy_file("import", import_id, im.file_path);
	rc = 1;
out:
	db_rollback(db);
	import_clear(&im);
	return rc;
}

/* --- housekeeping and retention -------------------------------------- */

/* Kept uploads past their time or session: rows and bytes removed in one
 * transaction (files of before migration 014 after it). */
static int
kept_expire(struct db *db, int64_t now)
{
	int64_t		 ids[64];
	char		*paths[64];
	int		 n, i, failed = 0;

	if (db_begin(db) == -1)
		return -1;
	if ((n = store_kept_stale(db, now - KEPT_UPLOAD_SECONDS, ids, paths,
	    64)) == -1) {
		db_rollback(db);
		return -1;
	}
	for (i = 0; i < n && !failed; i++)
		failed = store_upload_delete(db, UPLOAD_KEPT, ids[i]) == -1;
	/* The files go only once their rows are surely gone. */
	if (failed || db_commit(db) == -1) {
		db_rollback(db);
		for (i = 0; i < n; i++)
			free(paths[i]);
		return -1;
	}
	for (i = 0; i < n; i++) {
		remove_legacy_file("kept upload", ids[i], paths[i]);
		free(paths[i]);
	}
	return n;
}

int
import_expire(struct db *db, int preview_days)
{
	int64_t		 ids[64], now = (int64_t)time(NULL);
	char		*paths[64];
	int		 n, i, gone = 0;

	/* A kept file holds personal data too, and nobody may come back
	 * for it once its session has ended. */
	if ((n = kept_expire(db, now)) == -1)
		return -1;
	gone += n;

	/* A preview holds personal data that nobody decided to send. */
	if ((n = store_import_stale(db, IMPORT_PREVIEW,
	    now - preview_days * 86400LL, ids, paths, 64)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (import_cancel(db, &system_actor, ids[i]) == 1)
			gone++;
		free(paths[i]);
	}
	/* A load takes seconds; one an hour old lost its worker. */
	if ((n = store_import_stale(db, IMPORT_LOADING, now - 3600, ids, paths,
	    64)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		import_remove(db, ids[i]);
		remove_legacy_file("import", ids[i], paths[i]);
		free(paths[i]);
		gone++;
	}
	return gone;
}

int
import_purge_retained(struct db *db, int retention_days, int64_t *rows)
{
	int64_t		 ids[256], now = (int64_t)time(NULL), deleted = 0, k;
	int		 n, i;
	cJSON		*d, *list;

	*rows = 0;
	if ((n = store_retention_due(db, now - retention_days * 86400LL, ids,
	    (int)(sizeof(ids) / sizeof(ids[0])))) <= 0)
		return n;
	/* One transaction, one audit entry: a run is one decision. */
	if (db_begin(db) == -1)
		return -1;
	d = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(d, "imports");
	for (i = 0; i < n; i++) {
		/* The bytes went at confirmation already; again here, so that
		 * no path keeps a list's bytes past retention. */
		if (store_import_rows_delete(db, ids[i], &k) == -1 ||
		    store_upload_delete(db, UPLOAD_IMPORT, ids[i]) == -1 ||
		    store_import_set_purged(db, ids[i], now) == -1)
			goto fail;
		deleted += k;
		cJSON_AddItemToArray(list, cJSON_CreateNumber((double)ids[i]));
	}
	cJSON_AddNumberToObject(d, "lists", n);
	cJSON_AddNumberToObject(d, "rows", (double)deleted);
	cJSON_AddNumberToObject(d, "retention_days", retention_days);
	if (audit_append(db, &system_actor, "retention.purged", "import_rows",
	    d) == -1 || db_commit(db) == -1)
		goto fail;
	cJSON_Delete(d);
	*rows = deleted;
	return n;
fail:
	db_rollback(db);
	cJSON_Delete(d);
	return -1;
}

int64_t
import_purged_at(struct db *db, int64_t import_id)
{
	int64_t	 at;

	return store_import_purged(db, import_id, &at) == -1 ? -1 : at;
}

/* --- drafts ---------------------------------------------------------- */

int
import_preview_days(const struct config *cfg)
{
	return cfg->retention_days < IMPORT_PREVIEW_DAYS ?
	    cfg->retention_days : IMPORT_PREVIEW_DAYS;
}

int
import_drafts(struct db *db, const struct draft_filter *f, size_t max,
    struct draft **out, size_t *n)
{
	return store_drafts(db, f, max, out, n);
}

int64_t
import_draft_count(struct db *db, int64_t user_id)
{
	return store_draft_count(db, user_id);
}

/* --- kept uploads ---------------------------------------------------- */

/*
 * Take the kept upload out of the store, its bytes with it, in one
 * transaction, so that two submissions of one form cannot both get it.
 * With dir, its bytes are first written to a scratch file there, which
 * k->file_path names (the caller's from now on); failing that, nothing is
 * taken. One older than now allows is removed and not handed out. 1 taken,
 * 0 none, -1 error (nothing changed).
 */
static int
kept_take(struct db *db, const char *dir, int64_t session_id,
    int64_t user_id, const char *token, int64_t now, struct kept_upload *k)
{
	char	*scratch = NULL, *legacy;
	int	 found, fresh, rc;

	if (db_begin(db) == -1) {
		memset(k, 0, sizeof(*k));
		return -1;
	}
	if ((found = store_kept_take(db, session_id, user_id, token, k)) == -1)
		goto fail;
	if (found == 0) {
		if (db_commit(db) == -1)
			goto fail;
		return 0;
	}
	fresh = k->created >= now - KEPT_UPLOAD_SECONDS;
	if (dir != NULL && fresh && k->file_path[0] == '\0' &&
	    (rc = upload_scratch(db, dir, UPLOAD_KEPT, k->id, &scratch)) != 0) {
		if (rc == 1)
			log_err("kept upload %lld: its bytes are missing",
			    (long long)k->id);
		goto fail;
	}
	if (store_upload_delete(db, UPLOAD_KEPT, k->id) == -1 ||
	    db_commit(db) == -1)
		goto fail;
	if (scratch != NULL) {
		free(k->file_path);
		k->file_path = scratch;
		return 1;
	}
	if (dir != NULL && fresh)
		return 1;	/* kept before 014: its own file, handed on */
	/* Not handed out: a file of before 014 goes now. */
	legacy = k->file_path;
	k->file_path = NULL;
	remove_legacy_file("kept upload", k->id, legacy);
	free(legacy);
	kept_upload_clear(k);
	return dir == NULL ? 1 : 0;
fail:
	db_rollback(db);
	import_scratch_remove(scratch);
	kept_upload_clear(k);
	return -1;
}

int
kept_upload_take(struct db *db, const struct config *cfg, int64_t session_id,
    int64_t user_id, const char *token, int64_t now, struct kept_upload *k)
{
	return kept_take(db, cfg->upload_dir, session_id, user_id, token, now,
	    k);
}

int
kept_upload_drop(struct db *db, int64_t session_id, int64_t user_id,
    const char *token)
{
	struct kept_upload k;

	/* A time of 0: whatever its age, it goes. */
	return kept_take(db, NULL, session_id, user_id, token, 0, &k);
}

int
kept_upload_get(struct db *db, int64_t session_id, int64_t user_id,
    const char *token, int64_t now, struct kept_upload *k)
{
	int	 found = store_kept_get(db, session_id, user_id, token, k);

	if (found == 1 && k->created < now - KEPT_UPLOAD_SECONDS) {
		kept_upload_clear(k);
		found = kept_upload_drop(db, session_id, user_id, token) == -1 ?
		    -1 : 0;
	}
	return found;
}

int
kept_upload_put(struct db *db, int64_t session_id, int64_t user_id,
    const char *token, const char *path, const char *file_name, int64_t size,
    int64_t now)
{
	struct kept_upload old;
	int64_t		 id;
	int		 had;

	if (db_begin(db) == -1)
		return -1;
	/* What was kept before for this form is replaced. */
	if ((had = store_kept_take(db, session_id, user_id, token, &old)) ==
	    -1 || (had && store_upload_delete(db, UPLOAD_KEPT, old.id) == -1))
		goto fail;
	/* One transaction: a kept upload is whole or not there. */
	if (store_kept_insert(db, session_id, user_id, token, now, file_name,
	    size, &id) == -1 || upload_store_file(db, UPLOAD_KEPT, id, path,
	    0) == -1 || db_commit(db) == -1)
		goto fail;
	if (had)
		remove_legacy_file("kept upload", old.id, old.file_path);
	kept_upload_clear(&old);
	return 0;
fail:
	db_rollback(db);
	kept_upload_clear(&old);
	return -1;
}
