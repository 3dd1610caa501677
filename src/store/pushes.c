/* store/pushes.c: the statements of pushes and rejected pushes, and the
 * typed functions over them. */
#include "autoconf.h"

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
	/* (vendor task id): BATCH_VT_* columns */
	[STMT_BATCH_BY_VENDOR_TASK] =
	    "SELECT id, task_id FROM batches WHERE vendor_task_id = ?",
	/* nothing when the same body came before */
	[STMT_PUSH_INSERT] =
	    "INSERT INTO pushes (received, addr, content_type, body, body_sha256,"
	    " sn, vendor_task_id, batch_id, linked_by, ok, reason, total, success,"
	    " fail, blacklist, repeat, filter, shi, kong, tingji, kuwu, chenmo,"
	    " fenxian, chaopin, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (body_sha256) DO NOTHING",
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
	/* (limit, offset): PUSH_ROW_* columns */
	[STMT_PUSH_UNMATCHED] =
	    "SELECT id, received, addr, sn, batch_id, linked_by, ok, reason,"
	    " total, success"
	    " FROM pushes WHERE batch_id IS NULL ORDER BY id DESC LIMIT ? OFFSET ?",
	/* (limit, offset): REJECTED_ROW_* columns */
	[STMT_PUSH_REJECTED_LIST] =
	    "SELECT id, received, addr, content_type, length,"
	    " substr(body, 1, 2000), reason"
	    " FROM rejected_pushes ORDER BY id DESC LIMIT ? OFFSET ?",
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
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_BATCH_BY_VENDOR_TASK)) == NULL)
		return -1;
	db_bind_text(st, 1, vendor_task_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*batch_id = sqlite3_column_int64(st, BATCH_VT_ID);
	db_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_err("db: batch of vendor task: %s", sqlite3_errstr(rc));
	return -1;
}

int
store_push_insert(struct db *db, const struct push_new *p, int64_t *id)
{
	sqlite3_stmt	*st;
	enum push_state	 state = p->batch_id > 0 ? PUSH_LINKED_AUTO :
			    PUSH_UNMATCHED;
	int		 i;

	*id = 0;
	if ((st = db_stmt(db, STMT_PUSH_INSERT)) == NULL)
		return -1;
	db_bind_int(st, 1, p->received);
	db_bind_text(st, 2, p->addr);
	db_bind_text(st, 3, p->content_type);
	sqlite3_bind_text(st, 4, p->body, (int)p->len, SQLITE_STATIC);
	db_bind_text(st, 5, p->body_sha256);
	db_bind_text(st, 6, p->sn);
	db_bind_text(st, 7, p->vendor_task_id);
	if (p->batch_id > 0)
		db_bind_int(st, 8, p->batch_id);
	db_bind_text(st, 9, push_states[state].stored);
	db_bind_int(st, 10, p->ok);
	db_bind_text(st, 11, p->ok ? "" : p->reason);
	for (i = 0; i < STORE_PUSH_FIGURES; i++)
		db_bind_int(st, 12 + i, p->fig[i]);
	db_bind_text(st, 12 + STORE_PUSH_FIGURES, p->extra);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	if (sqlite3_changes(db_handle(db)) != 1)
		return 1;
	*id = sqlite3_last_insert_rowid(db_handle(db));
	return 0;
}

int
store_push_reject(struct db *db, const struct push_rejected_new *p,
    int64_t *id)
{
	sqlite3_stmt	*st;

	*id = 0;
	if ((st = db_stmt(db, STMT_PUSH_REJECT)) == NULL)
		return -1;
	db_bind_int(st, 1, p->received);
	db_bind_text(st, 2, p->addr);
	db_bind_text(st, 3, p->content_type);
	db_bind_int(st, 4, p->declared);
	sqlite3_bind_blob(st, 5, p->body != NULL ? p->body : "", (int)p->len,
	    SQLITE_STATIC);
	db_bind_text(st, 6, p->reason);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	*id = sqlite3_last_insert_rowid(db_handle(db));
	return 0;
}

int
store_push_link_auto(struct db *db, int64_t batch_id,
    const char *vendor_task_id)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_PUSH_LINK_AUTO)) == NULL)
		return -1;
	db_bind_int(st, 1, batch_id);
	db_bind_text(st, 2, push_states[PUSH_LINKED_AUTO].stored);
	db_bind_text(st, 3, vendor_task_id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db_handle(db));
}

int
store_push_link_manual(struct db *db, int64_t push_id, int64_t batch_id,
    const char *user_name)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, STMT_PUSH_LINK_MANUAL)) == NULL)
		return -1;
	db_bind_int(st, 1, batch_id);
	db_bind_text(st, 2, user_name);
	db_bind_int(st, 3, push_id);
	if (db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db_handle(db)) == 1 ? 0 : 1;
}

static void
push_row_fill(sqlite3_stmt *st, struct push_row *row)
{
	row->id = sqlite3_column_int64(st, PUSH_ROW_ID);
	row->received = sqlite3_column_int64(st, PUSH_ROW_RECEIVED);
	row->addr = db_col_text(st, PUSH_ROW_ADDR);
	row->sn = db_col_text(st, PUSH_ROW_SN);
	row->state = push_state_of(sqlite3_column_int64(st, PUSH_ROW_BATCH),
	    db_col_text(st, PUSH_ROW_LINKED_BY));
	row->ok = sqlite3_column_int(st, PUSH_ROW_OK);
	row->reason = db_col_text(st, PUSH_ROW_REASON);
	row->total = sqlite3_column_int64(st, PUSH_ROW_TOTAL);
	row->success = sqlite3_column_int64(st, PUSH_ROW_SUCCESS);
}

static void
push_rejected_row_fill(sqlite3_stmt *st, struct push_rejected_row *row)
{
	row->id = sqlite3_column_int64(st, REJECTED_ROW_ID);
	row->received = sqlite3_column_int64(st, REJECTED_ROW_RECEIVED);
	row->addr = db_col_text(st, REJECTED_ROW_ADDR);
	row->content_type = db_col_text(st, REJECTED_ROW_CTYPE);
	row->length = sqlite3_column_int64(st, REJECTED_ROW_LENGTH);
	row->body = sqlite3_column_blob(st, REJECTED_ROW_BODY);
	row->len = (size_t)sqlite3_column_bytes(st, REJECTED_ROW_BODY);
	if (row->body == NULL)
		row->body = "";
	row->reason = db_col_text(st, REJECTED_ROW_REASON);
}

int
store_pushes_unmatched(struct db *db, int64_t limit, int64_t offset,
    int (*cb)(void *, const struct push_row *), void *arg)
{
	struct push_row	 row;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_PUSH_UNMATCHED)) == NULL)
		return -1;
	db_bind_int(st, 1, limit);
	db_bind_int(st, 2, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		push_row_fill(st, &row);
		if (cb(arg, &row) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	db_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	log_err("db: unmatched pushes: %s", sqlite3_errstr(rc));
	return -1;
}

int
store_pushes_rejected(struct db *db, int64_t limit, int64_t offset,
    int (*cb)(void *, const struct push_rejected_row *), void *arg)
{
	struct push_rejected_row row;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, STMT_PUSH_REJECTED_LIST)) == NULL)
		return -1;
	db_bind_int(st, 1, limit);
	db_bind_int(st, 2, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		push_rejected_row_fill(st, &row);
		if (cb(arg, &row) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	db_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	log_err("db: rejected pushes: %s", sqlite3_errstr(rc));
	return -1;
}
