/* store/pushes.c: the statements of pushes and rejected pushes, and the
 * typed functions over them. */
#include "autoconf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "store/pushes.h"

const struct push_state_def push_states[PUSH_STATE__MAX] = {
	{ PUSH_UNMATCHED, "", "未关联", "unmatched" },
	{ PUSH_LINKED_AUTO, "auto", "自动关联", "auto" },
	{ PUSH_LINKED_MANUAL, NULL, "手动关联", "manual" },
	{ PUSH_REJECTED, NULL, "无法读取", "rejected" },
};

const char *const store_sql_pushes[STMT__MAX] = {
	/* before a push and its batch are matched, on either side (the push's
	 * commit looks for the batch, the batch's commit for waiting pushes):
	 * SQLite's BEGIN IMMEDIATE serialises the two already (store/pgsql.c) */
	[STMT_PUSH_LINK_LOCK] =
	    "SELECT 1",
	/* (vendor task id): BATCH_VT_* columns */
	[STMT_BATCH_BY_VENDOR_TASK] =
	    "SELECT id, task_id FROM batches WHERE vendor_task_id = ?",
	/*
	 * (received, addr, content type, body, its hash, sn, vendor task id,
	 * linked_by auto, linked_by unmatched, ok, reason, the figures,
	 * extra): linked to the batch that has its vendor task id, found in
	 * the same statement (after the link lock) rather than by a lookup
	 * of its own; the id and the batch, nothing when the same body came
	 * before. PUSH_INS_* columns.
	 */
	[STMT_PUSH_INSERT] =
	    "INSERT INTO pushes (received, addr, content_type, body, body_sha256,"
	    " sn, vendor_task_id, batch_id, linked_by, ok, reason, total, success,"
	    " fail, blacklist, repeat, filter, shi, kong, tingji, kuwu, chenmo,"
	    " fenxian, chaopin, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " (SELECT id FROM batches WHERE vendor_task_id = ?7),"
	    " CASE WHEN EXISTS (SELECT 1 FROM batches WHERE vendor_task_id = ?7)"
	    " THEN ?8 ELSE ?9 END, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	    " ?19, ?20, ?21, ?22, ?23, ?24, ?25)"
	    " ON CONFLICT (body_sha256) DO NOTHING RETURNING id, batch_id",
	[STMT_PUSH_REJECT] =
	    "INSERT INTO rejected_pushes (received, addr, content_type, length,"
	    " body, reason) VALUES (?, ?, ?, ?, ?, ?)",
	/* (batch, linked_by auto, vendor task id) */
	[STMT_PUSH_LINK_AUTO] =
	    "UPDATE pushes SET batch_id = ?, linked_by = ?"
	    " WHERE vendor_task_id = ? AND batch_id IS NULL",
	/* (batch, who, push) */
	[STMT_PUSH_LINK_MANUAL] =
	    "UPDATE pushes SET batch_id = ?, linked_by = ?"
	    " WHERE id = ? AND batch_id IS NULL",
	/* (key, limit): the unmatched pushes older than key, newest first, or
	 * (_UP) newer than key, oldest first, by the partial index
	 * pushes_unmatched: PUSH_ROW_* columns */
#define PUSH_UNMATCHED_SELECT \
	    "SELECT id, received, addr, sn, batch_id, linked_by, ok, reason," \
	    " total, success FROM pushes WHERE batch_id IS NULL"
	[STMT_PUSH_UNMATCHED] = PUSH_UNMATCHED_SELECT
	    " AND id < ?1 ORDER BY id DESC LIMIT ?2",
	[STMT_PUSH_UNMATCHED_UP] = PUSH_UNMATCHED_SELECT
	    " AND id > ?1 ORDER BY id LIMIT ?2",
	/* (key, limit): the rejected pushes older than key, newest first:
	 * REJECTED_ROW_* columns */
	[STMT_PUSH_REJECTED_LIST] =
	    "SELECT id, received, addr, content_type, length,"
	    " substr(body, 1, 2000), reason"
	    " FROM rejected_pushes WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
};

enum { BATCH_VT_ID, BATCH_VT_TASK };
enum { PUSH_INS_ID, PUSH_INS_BATCH };
enum { PUSH_ROW_ID, PUSH_ROW_RECEIVED, PUSH_ROW_ADDR, PUSH_ROW_SN,
    PUSH_ROW_BATCH, PUSH_ROW_LINKED_BY, PUSH_ROW_OK, PUSH_ROW_REASON,
    PUSH_ROW_TOTAL, PUSH_ROW_SUCCESS };
enum { REJECTED_ROW_ID, REJECTED_ROW_RECEIVED, REJECTED_ROW_ADDR,
    REJECTED_ROW_CTYPE, REJECTED_ROW_LENGTH, REJECTED_ROW_BODY,
    REJECTED_ROW_REASON };

enum push_state
push_state_of(int64_t batch_id, const char *linked_by)
{
	if (batch_id <= 0)
		return PUSH_UNMATCHED;
	if (strcmp(linked_by, push_states[PUSH_LINKED_AUTO].stored) == 0)
		return PUSH_LINKED_AUTO;
	return PUSH_LINKED_MANUAL;
}

/* The parameters of STMT_PUSH_INSERT before its figures, and all of
 * them with the end of the list. */
#define PUSH_INSERT_HEAD	11
#define PUSH_INSERT_PARAMS	(PUSH_INSERT_HEAD + STORE_PUSH_FIGURES + 2)

static void
push_insert_params(const struct push_new *p, struct db_param *prm)
{
	int	 i;

	memset(prm, 0, PUSH_INSERT_PARAMS * sizeof(*prm));
	prm[0] = DB_INT(p->received);
	prm[1] = DB_TEXT(p->addr);
	prm[2] = DB_TEXT(p->content_type);
	prm[3] = DB_TEXTN(p->body, p->len);
	prm[4] = DB_TEXT(p->body_sha256);
	prm[5] = DB_TEXT(p->sn);
	prm[6] = DB_TEXT(p->vendor_task_id);
	prm[7] = DB_TEXT(push_states[PUSH_LINKED_AUTO].stored);
	prm[8] = DB_TEXT(push_states[PUSH_UNMATCHED].stored);
	prm[9] = DB_INT(p->ok);
	prm[10] = DB_TEXT(p->ok ? "" : p->reason);
	/* The figures are a loop, not a list; DB_P_END after extra. */
	for (i = 0; i < STORE_PUSH_FIGURES; i++)
		prm[PUSH_INSERT_HEAD + i] = DB_INT(p->fig[i]);
	prm[PUSH_INSERT_HEAD + i] = DB_TEXT(p->extra);
}

static int
push_stored_fill(void *arg, size_t i, const struct db_row *st)
{
	struct push_stored *out = arg;

	out[i].id = db_col_int(st, PUSH_INS_ID);
	out[i].batch_id = db_col_int(st, PUSH_INS_BATCH);
	return 0;
}

/* The batch of the j-th duplicate, pushes dup[j]. */
struct dup_walk {
	struct push_stored *out;
	const size_t	*dup;
};

static int
dup_batch_fill(void *arg, size_t j, const struct db_row *st)
{
	struct dup_walk	*w = arg;

	w->out[w->dup[j]].batch_id = db_col_int(st, BATCH_VT_ID);
	return 0;
}

int
store_pushes_insert(struct db *db, const struct push_new *rows, size_t n,
    struct push_stored *out)
{
	struct db_param	(*prm)[PUSH_INSERT_PARAMS];
	const struct db_param **lists;
	size_t		*dup, i, ndup;
	struct dup_walk	 w;
	int		 rc = -1;

	/* Before the batches are looked at (store/pgsql.c). */
	if (db_one_int_params(db, STMT_PUSH_LINK_LOCK, NULL, NULL) == -1)
		return -1;
	prm = calloc(n > 0 ? n : 1, sizeof(*prm));
	lists = calloc(n > 0 ? n : 1, sizeof(*lists));
	dup = calloc(n > 0 ? n : 1, sizeof(*dup));
	w = (struct dup_walk){ out, dup };
	if (prm == NULL || lists == NULL || dup == NULL) {
		log_err("store: out of memory for %zu pushes", n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		out[i] = (struct push_stored){ 0, 0 };
		push_insert_params(&rows[i], prm[i]);
		lists[i] = prm[i];
	}
	if (db_each_ahead(db, STMT_PUSH_INSERT, lists, n, push_stored_fill,
	    out) == -1)
		goto out;
	/* A body stored before (the vendor sent it again) inserts nothing
	 * and so returns no batch: its entry names it still. Their lookups
	 * go together too (BATCH_VT_* columns). */
	for (i = 0, ndup = 0; i < n; i++)
		if (out[i].id == 0) {
			prm[ndup][0] = DB_TEXT(rows[i].vendor_task_id);
			memset(&prm[ndup][1], 0, sizeof(prm[ndup][1]));
			lists[ndup] = prm[ndup];
			dup[ndup++] = i;
		}
	if (ndup > 0 && db_each_ahead(db, STMT_BATCH_BY_VENDOR_TASK, lists,
	    ndup, dup_batch_fill, &w) == -1)
		goto out;
	rc = 0;
out:
	free(prm);
	free(lists);
	free(dup);
	return rc;
}

int
store_push_reject(struct db *db, const struct push_rejected_new *p,
    int64_t *id)
{
	*id = 0;
	if (db_run(db, STMT_PUSH_REJECT, DB_INT(p->received), DB_TEXT(p->addr),
	    DB_TEXT(p->content_type), DB_INT(p->declared),
	    DB_BLOB(p->body, p->len), DB_TEXT(p->reason)) == -1)
		return -1;
	*id = db_last_insert_id(db);
	return 0;
}

int
store_push_link_auto(struct db *db, int64_t batch_id,
    const char *vendor_task_id)
{
	if (db_one_int_params(db, STMT_PUSH_LINK_LOCK, NULL, NULL) == -1)
		return -1;
	return (int)db_run_changes(db, STMT_PUSH_LINK_AUTO, DB_INT(batch_id),
	    DB_TEXT(push_states[PUSH_LINKED_AUTO].stored),
	    DB_TEXT(vendor_task_id));
}

int
store_push_link_manual(struct db *db, int64_t push_id, int64_t batch_id,
    const char *user_name)
{
	int64_t	 n;

	n = db_run_changes(db, STMT_PUSH_LINK_MANUAL, DB_INT(batch_id),
	    DB_TEXT(user_name), DB_INT(push_id));
	return n == -1 ? -1 : n == 1 ? 0 : 1;
}

static int
push_row_fill(void *arg, const struct db_row *st)
{
	struct push_row	*row = arg;

	row->id = db_col_int(st, PUSH_ROW_ID);
	row->received = db_col_int(st, PUSH_ROW_RECEIVED);
	row->addr = db_col_text(st, PUSH_ROW_ADDR);
	row->sn = db_col_text(st, PUSH_ROW_SN);
	row->state = push_state_of(db_col_int(st, PUSH_ROW_BATCH),
	    db_col_text(st, PUSH_ROW_LINKED_BY));
	row->ok = (int)db_col_int(st, PUSH_ROW_OK);
	row->reason = db_col_text(st, PUSH_ROW_REASON);
	row->total = db_col_int(st, PUSH_ROW_TOTAL);
	row->success = db_col_int(st, PUSH_ROW_SUCCESS);
	return 0;
}

static int
push_rejected_fill(void *arg, const struct db_row *st)
{
	struct push_rejected_row *row = arg;

	row->id = db_col_int(st, REJECTED_ROW_ID);
	row->received = db_col_int(st, REJECTED_ROW_RECEIVED);
	row->addr = db_col_text(st, REJECTED_ROW_ADDR);
	row->content_type = db_col_text(st, REJECTED_ROW_CTYPE);
	row->length = db_col_int(st, REJECTED_ROW_LENGTH);
	row->body = db_col_blob(st, REJECTED_ROW_BODY, &row->len);
	if (row->body == NULL)
		row->body = "";
	row->reason = db_col_text(st, REJECTED_ROW_REASON);
	return 0;
}

/* A walk stopped by its callback is no error here. */
DB_ROW_WALK(push, struct push_row, push_row_fill)
DB_ROW_WALK(push_rejected, struct push_rejected_row, push_rejected_fill)

int
store_pushes_unmatched(struct db *db, int64_t key, int newer, int64_t limit,
    int (*cb)(void *, const struct push_row *), void *arg)
{
	struct push_walk w = { cb, arg, 0 };

	if (!newer && key <= 0)
		key = INT64_MAX;
	return db_each(db, newer ? STMT_PUSH_UNMATCHED_UP : STMT_PUSH_UNMATCHED,
	    push_row, &w, DB_INT(key), DB_INT(limit)) == -1 && !w.stopped ?
	    -1 : 0;
}

int
store_pushes_rejected(struct db *db, int64_t key, int64_t limit,
    int (*cb)(void *, const struct push_rejected_row *), void *arg)
{
	struct push_rejected_walk w = { cb, arg, 0 };

	return db_each(db, STMT_PUSH_REJECTED_LIST, push_rejected_row, &w,
	    DB_INT(key > 0 ? key : INT64_MAX), DB_INT(limit)) == -1 &&
	    !w.stopped ? -1 : 0;
}
