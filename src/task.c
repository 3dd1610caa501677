/* task.c: imports (uploaded lists), tasks and batches as stored. */
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

/* Rows written per transaction while loading: short enough that sign-ins
 * and the vendor's pushes never wait long for the write lock. */
#define LOAD_CHUNK	5000

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

static const struct {
	const char	*state;
	const char	*label;
} task_states[] = {
	{ "queued", "排队中" }, { "sending", "发送中" }, { "sent", "已发送" },
	{ "attention", "需处理" }, { "cancelled", "已取消" },
	/* Not a task yet: an import in preview, listed with the tasks. */
	{ "preview", "待确认" },
}, batch_states[] = {
	{ "queued", "排队中" }, { "sending", "发送中" }, { "sent", "已发送" },
	{ "failed", "供应商拒绝" }, { "unknown", "结果未知" },
	{ "cancelled", "已取消" },
};

const char *
task_state_label(const char *state)
{
	size_t	 i;

	for (i = 0; i < NELEM(task_states); i++)
		if (strcmp(task_states[i].state, state) == 0)
			return task_states[i].label;
	return state;
}

const char *
batch_state_label(const char *state)
{
	size_t	 i;

	for (i = 0; i < NELEM(batch_states); i++)
		if (strcmp(batch_states[i].state, state) == 0)
			return batch_states[i].label;
	return state;
}

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

/* The loading state, shared with the row callback. */
struct loader {
	struct db	*db;
	int64_t		 import_id;
	int64_t		 seq;		/* valid rows so far */
	long		 rows, invalid, dups, in_chunk;
	int		 failed;	/* a database error: stop */
	struct dnc_screen *screen;	/* the do-not-call list, repeats */
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

static int
store_bad(struct loader *l, const struct calllist_row *row, const char *phone,
    const char *name, const char *other, const char *reason, int64_t dup_of)
{
	sqlite3_stmt	*st = db_stmt(l->db, STMT_IMPORT_ROW_BAD);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, l->import_id);
	db_bind_int(st, 2, -(int64_t)row->line);
	db_bind_int(st, 3, row->line);
	db_bind_text(st, 4, phone);
	db_bind_text(st, 5, name);
	db_bind_text(st, 6, other);
	db_bind_text(st, 7, reason);
	db_bind_int(st, 8, dup_of);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

/* 1 stored as valid, 0 a duplicate (dup_of set), -1 error. */
static int
store_valid(struct loader *l, const struct calllist_row *row,
    const char *phone, const char *name, const char *other, int64_t *dup_of)
{
	sqlite3_stmt	*st = db_stmt(l->db, STMT_IMPORT_ROW_VALID);
	sqlite3		*h = db_handle(l->db);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, l->import_id);
	db_bind_int(st, 2, l->seq + 1);
	db_bind_int(st, 3, row->line);
	db_bind_text(st, 4, phone);
	db_bind_text(st, 5, name);
	db_bind_text(st, 6, other);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(h) == 1) {
		l->seq++;
		return 1;
	}
	if ((st = db_stmt(l->db, STMT_IMPORT_ROW_FIRST)) == NULL)
		return -1;
	db_bind_int(st, 1, l->import_id);
	db_bind_text(st, 2, phone);
	*dup_of = sqlite3_step(st) == SQLITE_ROW ?
	    sqlite3_column_int64(st, 0) : 0;
	db_reset(st);
	return 0;
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
		if ((rc = store_valid(l, row, norm, name, other, &dup_of)) == 0)
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
		if (db_commit(l->db) == -1 || db_begin(l->db) == -1)
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

/* Remove an import and all its rows (after a failed load). */
static void
import_remove(struct db *db, int64_t id)
{
	sqlite3_stmt	*st;

	db_rollback(db);
	if (db_begin(db) == -1)
		return;
	if ((st = db_stmt(db, STMT_IMPORT_ROWS_DELETE)) != NULL) {
		db_bind_int(st, 1, id);
		db_exec_stmt(st);
	}
	if ((st = db_stmt(db, STMT_IMPORT_DELETE)) != NULL) {
		db_bind_int(st, 1, id);
		db_exec_stmt(st);
	}
	if (db_commit(db) == -1)
		log_err("import %lld: cannot remove it", (long long)id);
}

static const char *
format_name(const struct calllist_info *info)
{
	switch (info->format) {
	case CL_XLSX:
		return "xlsx";
	case CL_XLS:
		return "xls";
	case CL_ODS:
		return "ods";
	default:
		return "csv";
	}
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

/* What the preview offers: the sheets and the first rows, as JSON. */
static int
store_read(struct db *db, int64_t id, const struct calllist_info *info)
{
	sqlite3_stmt	*st;
	cJSON		*sh = cJSON_CreateArray(), *hd = cJSON_CreateArray(), *o;
	char		*sheets = NULL, *head = NULL;
	size_t		 i;
	int		 rc = -1;

	if (sh == NULL || hd == NULL)
		goto out;
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
	if ((sheets = cJSON_PrintUnformatted(sh)) == NULL ||
	    (head = cJSON_PrintUnformatted(hd)) == NULL ||
	    (st = db_stmt(db, STMT_IMPORT_SET_READ)) == NULL)
		goto out;
	db_bind_int(st, 1, info->sheet < 0 ? 0 : info->sheet);
	db_bind_int(st, 2, info->header_line);
	db_bind_text(st, 3, sheets);
	db_bind_text(st, 4, head);
	db_bind_int(st, 5, id);
	rc = db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
out:
	cJSON_Delete(sh);
	cJSON_Delete(hd);
	cJSON_free(sheets);
	cJSON_free(head);
	return rc;
}

static const char *
encoding_name(const struct calllist_info *info)
{
	switch (info->encoding) {
	case CL_UTF8_BOM:
		return "utf-8-bom";
	case CL_GB18030:
		return "gb18030";
	default:
		return "utf-8";
	}
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
	const int		 phone_col = choice->phone_col;
	const int		 name_col = choice->name_col;
	struct calllist_opts	 opts;
	struct calllist_info	 info;
	struct loader		 l;
	enum calllist_status	 cs;
	sqlite3_stmt		*st;
	char			 sha[65], delim[4] = "", *headers = NULL;
	char			*ptext = NULL;
	int64_t			 size;
	cJSON			*h = NULL, *p = NULL, *d = NULL;
	size_t			 i;
	int			 reload = *import_id != 0;

	memset(err, 0, sizeof(*err));
	memset(&info, 0, sizeof(info));
	memset(&l, 0, sizeof(l));
	l.db = db;
	if (file_digest(file_path, sha, &size) == -1)
		return -1;

	/* The import row first, in its own transaction, so that rows can
	 * be committed in chunks under its id. */
	if (db_begin(db) == -1)
		return -1;
	if (reload) {
		if ((st = db_stmt(db, STMT_IMPORT_RELOAD)) == NULL)
			goto fail;
		db_bind_int(st, 1, phone_col);
		db_bind_int(st, 2, name_col);
		db_bind_int(st, 3, *import_id);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto fail;
		if (sqlite3_changes(db_handle(db)) != 1) {
			db_rollback(db);
			return -1;
		}
		if ((st = db_stmt(db, STMT_IMPORT_ROWS_DELETE)) == NULL)
			goto fail;
		db_bind_int(st, 1, *import_id);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto fail;
	} else {
		p = task_params_json(params);
		if ((ptext = cJSON_PrintUnformatted(p)) == NULL ||
		    (st = db_stmt(db, STMT_IMPORT_INSERT)) == NULL)
			goto fail;
		db_bind_int(st, 1, user_id);
		db_bind_int(st, 2, (int64_t)time(NULL));
		db_bind_text(st, 3, ptext);
		db_bind_text(st, 4, file_name);
		db_bind_text(st, 5, file_path);
		db_bind_int(st, 6, size);
		db_bind_text(st, 7, sha);
		db_bind_int(st, 8, phone_col);
		db_bind_int(st, 9, name_col);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto fail;
		*import_id = sqlite3_last_insert_rowid(db_handle(db));
	}
	if (db_commit(db) == -1)
		goto fail;
	l.import_id = *import_id;

	calllist_opts_init(&opts);
	opts.max_rows = cfg->max_rows;
	choice_opts(choice, &opts);
	if (db_begin(db) == -1 || (l.screen = dnc_screen_new(db, l.import_id,
	    user_id, params != NULL ? &params->dup : NULL)) == NULL ||
	    dnc_screen_prescan(l.screen, file_path, &opts) == -1)
		goto fail_loaded;
	cs = calllist_read(file_path, &opts, load_row, &l, &info, err);
	if (l.failed || cs == CL_ERR_NOMEM || cs == CL_ERR_IO)
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
		dnc_screen_free(l.screen);
		cJSON_Delete(p);
		cJSON_free(ptext);
		if (!reload)
			*import_id = 0;
		return 1;
	}

	if ((h = cJSON_CreateArray()) == NULL)
		goto fail_loaded;
	for (i = 0; i < info.ncols; i++)
		cJSON_AddItemToArray(h, cJSON_CreateString(info.headers[i]));
	if ((headers = cJSON_PrintUnformatted(h)) == NULL ||
	    (st = db_stmt(db, STMT_IMPORT_FINISH)) == NULL)
		goto fail_loaded;
	if (info.delimiter != '\0')
		delim[0] = info.delimiter;
	db_bind_text(st, 1, format_name(&info));
	db_bind_text(st, 2, encoding_name(&info));
	db_bind_text(st, 3, delim);
	db_bind_text(st, 4, headers);
	db_bind_int(st, 5, info.phone_col);
	db_bind_int(st, 6, info.name_col);
	db_bind_int(st, 7, l.rows);
	db_bind_int(st, 8, l.seq);
	db_bind_int(st, 9, l.invalid);
	db_bind_int(st, 10, l.dups);
	db_bind_int(st, 11, l.import_id);
	if (db_exec_stmt(st) != SQLITE_DONE ||
	    store_read(db, l.import_id, &info) == -1)
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
	cJSON_Delete(h);
	cJSON_Delete(p);
	cJSON_free(headers);
	cJSON_free(ptext);
	calllist_info_free(&info);
	dnc_screen_free(l.screen);
	return 0;

fail_loaded:
	import_remove(db, l.import_id);
	if (!reload)
		*import_id = 0;
fail:
	db_rollback(db);
	cJSON_Delete(d);
	cJSON_Delete(h);
	cJSON_Delete(p);
	cJSON_free(headers);
	cJSON_free(ptext);
	calllist_info_free(&info);
	dnc_screen_free(l.screen);
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

int
import_get(struct db *db, int64_t id, struct import *im)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_GET);
	char		**strs_[] = { &im->state, &im->params, &im->file_name,
	    &im->file_path, NULL, &im->file_sha256, &im->format, &im->encoding,
	    &im->delimiter, &im->headers };
	size_t		 i;
	int		 rc;

	memset(im, 0, sizeof(*im));
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		db_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	im->id = sqlite3_column_int64(st, 0);
	im->user_id = sqlite3_column_int64(st, 1);
	im->created = sqlite3_column_int64(st, 2);
	/* Columns 3 to 12 are text but for file_size (7). */
	for (i = 0; i < NELEM(strs_); i++) {
		if (strs_[i] == NULL)
			continue;
		if ((*strs_[i] = strdup(db_col_text(st, 3 + (int)i))) == NULL)
			rc = -1;
	}
	im->file_size = sqlite3_column_int64(st, 7);
	im->phone_col = sqlite3_column_int(st, 13);
	im->name_col = sqlite3_column_int(st, 14);
	im->rows_read = sqlite3_column_int64(st, 15);
	im->valid = sqlite3_column_int64(st, 16);
	im->invalid = sqlite3_column_int64(st, 17);
	im->duplicates = sqlite3_column_int64(st, 18);
	db_reset(st);
	if (rc != -1 && (st = db_stmt(db, STMT_IMPORT_GET_READ)) == NULL)
		rc = -1;
	else if (rc != -1) {
		db_bind_int(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			im->sheet = sqlite3_column_int(st, 0);
			im->header_line = (long)sqlite3_column_int64(st, 1);
			im->sheets = strdup(db_col_text(st, 2));
			im->head_rows = strdup(db_col_text(st, 3));
		}
		db_reset(st);
		if (im->sheets == NULL || im->head_rows == NULL)
			rc = -1;
	}
	if (rc == -1) {
		import_clear(im);
		return -1;
	}
	return 1;
}

void
import_clear(struct import *im)
{
	free(im->state);
	free(im->params);
	free(im->file_name);
	free(im->file_path);
	free(im->file_sha256);
	free(im->format);
	free(im->encoding);
	free(im->delimiter);
	free(im->headers);
	free(im->sheets);
	free(im->head_rows);
	memset(im, 0, sizeof(*im));
}

int64_t
import_confirm(struct db *db, const struct config *cfg,
    const struct audit_actor *who, int64_t import_id, const char *login_name)
{
	sqlite3_stmt	*st;
	struct task_params p;
	char		*path = NULL, *ptext;
	int64_t		 user_id, valid, task_id = -1, k, n, now = time(NULL);
	cJSON		*d = NULL;
	int		 rc;

	memset(&p, 0, sizeof(p));
	if (db_begin(db) == -1)
		return -1;
	if ((st = db_stmt(db, STMT_IMPORT_GET)) == NULL)
		goto out;
	db_bind_int(st, 1, import_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW ||
	    strcmp(db_col_text(st, 3), "preview") != 0 ||
	    sqlite3_column_int64(st, 16) == 0) {
		db_reset(st);
		task_id = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
		goto out;
	}
	user_id = sqlite3_column_int64(st, 1);
	valid = sqlite3_column_int64(st, 16);
	path = strdup(db_col_text(st, 6));
	rc = task_params_parse(db_col_text(st, 4), &p);
	d = cJSON_Parse(db_col_text(st, 4));
	db_reset(st);
	if (rc == -1 || path == NULL || d == NULL)
		goto out;

	n = (valid + cfg->batch_size - 1) / cfg->batch_size;
	if ((st = db_stmt(db, STMT_TASK_INSERT)) == NULL)
		goto out;
	db_bind_int(st, 1, import_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, p.text[FIELD_NAME]);
	ptext = cJSON_PrintUnformatted(d);
	db_bind_text(st, 4, ptext);
	cJSON_free(ptext);
	db_bind_text(st, 5, login_name);
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, valid);
	db_bind_int(st, 8, n);
	if (db_exec_stmt(st) != SQLITE_DONE)
		goto out;
	task_id = sqlite3_last_insert_rowid(db_handle(db));
	for (k = 0; k < n; k++) {
		if ((st = db_stmt(db, STMT_BATCH_INSERT)) == NULL)
			goto fail;
		db_bind_int(st, 1, task_id);
		db_bind_int(st, 2, k + 1);
		db_bind_int(st, 3, k * cfg->batch_size + 1);
		db_bind_int(st, 4, k + 1 < n ? cfg->batch_size :
		    valid - k * cfg->batch_size);
		db_bind_int(st, 5, now);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto fail;
	}
	if ((st = db_stmt(db, STMT_IMPORT_SET_STATE)) == NULL)
		goto fail;
	db_bind_text(st, 1, "confirmed");
	db_bind_int(st, 2, import_id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		goto fail;
	cJSON_AddNumberToObject(d, "task", (double)task_id);
	cJSON_AddNumberToObject(d, "import", (double)import_id);
	cJSON_AddStringToObject(d, "loginName", login_name);
	cJSON_AddNumberToObject(d, "rows", (double)valid);
	cJSON_AddNumberToObject(d, "batches", (double)n);
	cJSON_AddNumberToObject(d, "batch_size", cfg->batch_size);
	if (audit_append(db, who, "task.confirmed", p.text[FIELD_NAME],
	    d) == -1 ||
	    db_commit(db) == -1)
		goto fail;
	/* The rows are in the database now; the file is not needed and
	 * holds personal data. */
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("import %lld: cannot remove %s: %s",
		    (long long)import_id, path, strerror(errno));
	goto out;
fail:
	task_id = -1;
out:
	db_rollback(db);
	cJSON_Delete(d);
	task_params_free(&p);
	free(path);
	return task_id;
}

int
import_cancel(struct db *db, const struct audit_actor *who, int64_t import_id)
{
	sqlite3_stmt	*st;
	char		*path = NULL, *name = NULL;
	int		 rc = -1;

	if (db_begin(db) == -1)
		return -1;
	if ((st = db_stmt(db, STMT_IMPORT_GET)) == NULL)
		goto out;
	db_bind_int(st, 1, import_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		path = strdup(db_col_text(st, 6));
		name = strdup(db_col_text(st, 5));
	}
	db_reset(st);
	if (path == NULL || name == NULL) {
		rc = 0;
		goto out;
	}
	if ((st = db_stmt(db, STMT_IMPORT_SET_STATE)) == NULL)
		goto out;
	db_bind_text(st, 1, "cancelled");
	db_bind_int(st, 2, import_id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		goto out;
	if (sqlite3_changes(db_handle(db)) != 1) {
		rc = 0;
		goto out;
	}
	if ((st = db_stmt(db, STMT_IMPORT_ROWS_DELETE)) == NULL)
		goto out;
	db_bind_int(st, 1, import_id);
	if (db_exec_stmt(st) != SQLITE_DONE ||
	    audit_append(db, who, "list.cancelled", name, NULL) == -1 ||
	    db_commit(db) == -1)
		goto out;
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("import %lld: cannot remove %s: %s",
		    (long long)import_id, path, strerror(errno));
	rc = 1;
out:
	db_rollback(db);
	free(path);
	free(name);
	return rc;
}

/* Ids and files of imports in state older than before (at most 64). */
static int
stale_imports(struct db *db, const char *state, int64_t before,
    int64_t ids[64], char *paths[64])
{
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_STALE);
	int		 n = 0, rc;

	if (st == NULL)
		return -1;
	db_bind_text(st, 1, state);
	db_bind_int(st, 2, before);
	db_bind_int(st, 3, 64);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 64) {
		ids[n] = sqlite3_column_int64(st, 0);
		if ((paths[n] = strdup(db_col_text(st, 1))) == NULL)
			break;
		n++;
	}
	db_reset(st);
	return n;
}

/* Kept uploads past their time or session: rows and files removed. */
static int
kept_expire(struct db *db, int64_t now)
{
	sqlite3_stmt	*st;
	char		*paths[64];
	int		 n = 0, i, rc;

	if (db_begin(db) == -1)
		return -1;
	if ((st = db_stmt(db, STMT_KEPT_STALE)) == NULL) {
		db_rollback(db);
		return -1;
	}
	db_bind_int(st, 1, now - KEPT_UPLOAD_SECONDS);
	db_bind_int(st, 2, 64);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 64)
		if ((paths[n] = strdup(db_col_text(st, 0))) != NULL)
			n++;
	db_reset(st);
	/* The files go only once their rows are surely gone. */
	if ((rc != SQLITE_DONE && rc != SQLITE_ROW) || db_commit(db) == -1) {
		db_rollback(db);
		for (i = 0; i < n; i++)
			free(paths[i]);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (unlink(paths[i]) == -1 && errno != ENOENT)
			log_warn("kept upload: cannot remove %s: %s", paths[i],
			    strerror(errno));
		free(paths[i]);
	}
	return n;
}

int
import_expire(struct db *db, int preview_days)
{
	static const struct audit_actor sys = { 0, "system", "", "worker" };
	int64_t		 ids[64], now = (int64_t)time(NULL);
	char		*paths[64];
	int		 n, i, gone = 0;

	/* A kept file holds personal data too, and nobody may come back
	 * for it once its session has ended. */
	if ((n = kept_expire(db, now)) == -1)
		return -1;
	gone += n;

	/* A preview holds personal data that nobody decided to send. */
	if ((n = stale_imports(db, "preview", now - preview_days * 86400LL,
	    ids, paths)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (import_cancel(db, &sys, ids[i]) == 1)
			gone++;
		free(paths[i]);
	}
	/* A load takes seconds; one an hour old lost its worker. */
	if ((n = stale_imports(db, "loading", now - 3600, ids, paths)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		import_remove(db, ids[i]);
		if (unlink(paths[i]) == -1 && errno != ENOENT)
			log_warn("import %lld: cannot remove %s: %s",
			    (long long)ids[i], paths[i], strerror(errno));
		free(paths[i]);
		gone++;
	}
	return gone;
}

int
import_purge_retained(struct db *db, int retention_days, int64_t *rows)
{
	static const struct audit_actor sys = { 0, "system", "", "worker" };
	sqlite3_stmt	*st;
	int64_t		 ids[256], now = (int64_t)time(NULL), deleted = 0;
	int		 n = 0, i, rc;
	cJSON		*d, *list;

	*rows = 0;
	if ((st = db_stmt(db, STMT_RETENTION_DUE)) == NULL)
		return -1;
	db_bind_int(st, 1, now - retention_days * 86400LL);
	db_bind_int(st, 2, (int64_t)(sizeof(ids) / sizeof(ids[0])));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	db_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (n == 0)
		return 0;
	/* One transaction, one audit entry: a run is one decision. */
	if (db_begin(db) == -1)
		return -1;
	d = cJSON_CreateObject();
	list = cJSON_AddArrayToObject(d, "imports");
	for (i = 0; i < n; i++) {
		if ((st = db_stmt(db, STMT_IMPORT_ROWS_PURGE)) == NULL)
			goto fail;
		db_bind_int(st, 1, ids[i]);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto fail;
		deleted += sqlite3_changes(db_handle(db));
		if ((st = db_stmt(db, STMT_IMPORT_SET_PURGED)) == NULL)
			goto fail;
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, ids[i]);
		if (db_exec_stmt(st) != SQLITE_DONE)
			goto fail;
		cJSON_AddItemToArray(list, cJSON_CreateNumber((double)ids[i]));
	}
	cJSON_AddNumberToObject(d, "lists", n);
	cJSON_AddNumberToObject(d, "rows", (double)deleted);
	cJSON_AddNumberToObject(d, "retention_days", retention_days);
	if (audit_append(db, &sys, "retention.purged", "import_rows", d) == -1 ||
	    db_commit(db) == -1)
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
	sqlite3_stmt	*st = db_stmt(db, STMT_IMPORT_PURGED);
	int64_t		 at = 0;
	int		 rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, import_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		at = sqlite3_column_int64(st, 0);
	db_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? at : -1;
}

void
task_clear(struct task_row *t)
{
	free(t->creator);
	free(t->name);
	free(t->params);
	free(t->login_name);
	free(t->state);
	memset(t, 0, sizeof(*t));
}

int
task_get(struct db *db, int64_t id, struct task_row *t)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_TASK_GET);
	int		 rc;

	memset(t, 0, sizeof(*t));
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		db_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	t->id = sqlite3_column_int64(st, 0);
	t->import_id = sqlite3_column_int64(st, 1);
	t->creator = strdup(db_col_text(st, 3));
	t->name = strdup(db_col_text(st, 4));
	t->params = strdup(db_col_text(st, 5));
	t->login_name = strdup(db_col_text(st, 6));
	t->created = sqlite3_column_int64(st, 7);
	t->state = strdup(db_col_text(st, 8));
	t->rows = sqlite3_column_int64(st, 9);
	t->batch_count = sqlite3_column_int64(st, 10);
	db_reset(st);
	if (!t->creator || !t->name || !t->params || !t->login_name ||
	    !t->state) {
		task_clear(t);
		return -1;
	}
	return 1;
}

int
task_refresh_state(struct db *db, int64_t task_id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_TASK_REFRESH);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, task_id);
	return db_exec_stmt(st) == SQLITE_DONE ? 0 : -1;
}

int
task_cancel(struct db *db, const struct audit_actor *who, int64_t task_id)
{
	sqlite3_stmt	*st;
	cJSON		*d;
	char		 obj[32];
	int		 n = -1;

	if (db_begin(db) == -1 ||
	    (st = db_stmt(db, STMT_TASK_CANCEL_BATCHES)) == NULL)
		goto out;
	db_bind_int(st, 1, (int64_t)time(NULL));
	db_bind_int(st, 2, task_id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		goto out;
	n = sqlite3_changes(db_handle(db));
	if (n > 0) {
		d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "batches_cancelled", n);
		snprintf(obj, sizeof(obj), "task %lld", (long long)task_id);
		if (task_refresh_state(db, task_id) == -1 ||
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
	sqlite3_stmt	*st;
	cJSON		*d;
	char		 obj[32];
	int64_t		 task_id, seq;
	int		 rc = -1;

	if (db_begin(db) == -1 || (st = db_stmt(db, STMT_BATCH_RESEND)) == NULL)
		goto out;
	db_bind_int(st, 1, (int64_t)time(NULL));
	db_bind_int(st, 2, batch_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_reset(st);
		rc = 0;
		goto out;
	}
	task_id = sqlite3_column_int64(st, 0);
	seq = sqlite3_column_int64(st, 1);
	db_reset(st);
	d = cJSON_CreateObject();
	cJSON_AddNumberToObject(d, "task", (double)task_id);
	cJSON_AddNumberToObject(d, "batch", (double)batch_id);
	cJSON_AddNumberToObject(d, "seq", (double)seq);
	snprintf(obj, sizeof(obj), "batch %lld", (long long)batch_id);
	if (task_refresh_state(db, task_id) == -1 ||
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

int
import_preview_days(const struct config *cfg)
{
	return cfg->retention_days < IMPORT_PREVIEW_DAYS ?
	    cfg->retention_days : IMPORT_PREVIEW_DAYS;
}

void
drafts_free(struct draft *d, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(d[i].creator);
		free(d[i].name);
		free(d[i].file_name);
	}
	free(d);
}

int
import_drafts(struct db *db, const struct draft_filter *f, size_t max,
    struct draft **out, size_t *n)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_DRAFT_LIST);
	struct draft	*d, *all;
	int		 rc = SQLITE_DONE, nomem = 0;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	if ((all = calloc(max > 0 ? max : 1, sizeof(*all))) == NULL)
		return -1;
	db_bind_int(st, 1, f->user_id);
	db_bind_int(st, 2, f->from);
	db_bind_int(st, 3, f->to);
	db_bind_text(st, 4, f->name_part != NULL ? f->name_part : "");
	db_bind_int(st, 5, (int64_t)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		d = &all[(*n)++];
		d->import_id = sqlite3_column_int64(st, 0);
		d->user_id = sqlite3_column_int64(st, 1);
		d->creator = strdup(db_col_text(st, 2));
		d->created = sqlite3_column_int64(st, 3);
		d->rows_read = sqlite3_column_int64(st, 4);
		d->valid = sqlite3_column_int64(st, 5);
		d->name = strdup(db_col_text(st, 6));
		d->file_name = strdup(db_col_text(st, 7));
		if (!d->creator || !d->name || !d->file_name) {
			nomem = 1;
			break;
		}
	}
	db_reset(st);
	/* A last SQLITE_ROW: it stopped at max, not at an error. */
	if (nomem || (rc != SQLITE_DONE && rc != SQLITE_ROW)) {
		drafts_free(all, *n);
		*n = 0;
		return -1;
	}
	*out = all;
	return 0;
}

int64_t
import_draft_count(struct db *db, int64_t user_id)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_DRAFT_COUNT);
	int64_t		 n = -1;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, user_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	db_reset(st);
	return n;
}

void
kept_upload_clear(struct kept_upload *k)
{
	free(k->file_name);
	free(k->file_path);
	memset(k, 0, sizeof(*k));
}

/* Fill k from a row of STMT_KEPT_GET or STMT_KEPT_TAKE. */
static int
kept_fill(sqlite3_stmt *st, struct kept_upload *k)
{
	k->file_name = strdup(db_col_text(st, 0));
	k->file_path = strdup(db_col_text(st, 1));
	k->file_size = sqlite3_column_int64(st, 2);
	k->created = sqlite3_column_int64(st, 3);
	if (k->file_name == NULL || k->file_path == NULL) {
		kept_upload_clear(k);
		return -1;
	}
	return 0;
}

static void
remove_file(const char *path)
{
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("kept upload: cannot remove %s: %s", path,
		    strerror(errno));
}

int
kept_upload_take(struct db *db, int64_t session_id, int64_t user_id,
    const char *token, int64_t now, struct kept_upload *k)
{
	sqlite3_stmt	*st;
	int		 rc, found = 0;

	memset(k, 0, sizeof(*k));
	if (db_begin(db) == -1)
		return -1;
	if ((st = db_stmt(db, STMT_KEPT_TAKE)) == NULL) {
		db_rollback(db);
		return -1;
	}
	db_bind_int(st, 1, session_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, token);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (kept_fill(st, k) == -1)
			rc = SQLITE_NOMEM;
		else
			found = 1;
	}
	db_reset(st);
	if ((rc != SQLITE_ROW && rc != SQLITE_DONE) || db_commit(db) == -1) {
		db_rollback(db);
		kept_upload_clear(k);
		return -1;
	}
	if (found && k->created < now - KEPT_UPLOAD_SECONDS) {
		remove_file(k->file_path);
		kept_upload_clear(k);
		found = 0;
	}
	return found;
}

int
kept_upload_drop(struct db *db, int64_t session_id, int64_t user_id,
    const char *token)
{
	struct kept_upload k;
	int		 rc;

	/* A time of 0: whatever its age, it goes. */
	if ((rc = kept_upload_take(db, session_id, user_id, token, 0,
	    &k)) == 1) {
		remove_file(k.file_path);
		kept_upload_clear(&k);
	}
	return rc;
}

int
kept_upload_get(struct db *db, int64_t session_id, int64_t user_id,
    const char *token, int64_t now, struct kept_upload *k)
{
	sqlite3_stmt	*st = db_stmt(db, STMT_KEPT_GET);
	int		 rc, found = 0;

	memset(k, 0, sizeof(*k));
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, session_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, token);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		found = kept_fill(st, k) == 0 ? 1 : -1;
	else if (rc != SQLITE_DONE)
		found = -1;
	db_reset(st);
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
	sqlite3_stmt	*st;
	int		 rc, had = 0;

	memset(&old, 0, sizeof(old));
	if (db_begin(db) == -1)
		return -1;
	/* The file kept before for this form is replaced. */
	if ((st = db_stmt(db, STMT_KEPT_TAKE)) == NULL)
		goto fail;
	db_bind_int(st, 1, session_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, token);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		had = kept_fill(st, &old) == 0;
	db_reset(st);
	if ((rc != SQLITE_ROW && rc != SQLITE_DONE) || (rc == SQLITE_ROW &&
	    !had) || (st = db_stmt(db, STMT_KEPT_INSERT)) == NULL)
		goto fail;
	db_bind_int(st, 1, session_id);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, token);
	db_bind_int(st, 4, now);
	db_bind_text(st, 5, file_name);
	db_bind_text(st, 6, path);
	db_bind_int(st, 7, size);
	if (db_exec_stmt(st) != SQLITE_DONE || db_commit(db) == -1)
		goto fail;
	if (had)
		remove_file(old.file_path);
	kept_upload_clear(&old);
	return 0;
fail:
	db_rollback(db);
	kept_upload_clear(&old);
	return -1;
}
