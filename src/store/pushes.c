/* store/pushes.c: the statements of pushes and rejected pushes, and the
 * typed functions over them. */
#include "autoconf.h"

#include <stdint.h>
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
	/* nothing when the same body came before */
	[STMT_PUSH_INSERT] =
	    STORE_PUSH_INSERT_SQL,
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

int
store_batch_by_vendor_task(struct db *db, const char *vendor_task_id,
    int64_t *batch_id)
{
	if (db_one_int_params(db, STMT_PUSH_LINK_LOCK, NULL, NULL) == -1)
		return -1;
	/* BATCH_VT_ID is the first column. */
	return db_found_0(db_one_int(db, STMT_BATCH_BY_VENDOR_TASK, batch_id,
	    DB_TEXT(vendor_task_id)));
}

/* The parameters of STMT_PUSH_INSERT before its figures. */
#define PUSH_INSERT_HEAD	11

int
store_push_insert(struct db *db, const struct push_new *p, int64_t *id)
{
	enum push_state	 state = p->batch_id > 0 ? PUSH_LINKED_AUTO :
			    PUSH_UNMATCHED;
	/* The figures are a loop, not a list: the parameters as an array,
	 * the rest zero, DB_P_END. */
	struct db_param	 prm[PUSH_INSERT_HEAD + STORE_PUSH_FIGURES + 2] = {
		DB_INT(p->received), DB_TEXT(p->addr),
		DB_TEXT(p->content_type), DB_TEXTN(p->body, p->len),
		DB_TEXT(p->body_sha256), DB_TEXT(p->sn),
		DB_TEXT(p->vendor_task_id),
		p->batch_id > 0 ? DB_INT(p->batch_id) : DB_NULL,
		DB_TEXT(push_states[state].stored), DB_INT(p->ok),
		DB_TEXT(p->ok ? "" : p->reason),
	};
	int64_t		 n;
	int		 i;

	*id = 0;
	for (i = 0; i < STORE_PUSH_FIGURES; i++)
		prm[PUSH_INSERT_HEAD + i] = DB_INT(p->fig[i]);
	prm[PUSH_INSERT_HEAD + i] = DB_TEXT(p->extra);
	if ((n = db_run_changes_params(db, STMT_PUSH_INSERT, prm)) == -1)
		return -1;
	if (n != 1)
		return 1;
	*id = db_last_insert_id(db);
	return 0;
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
