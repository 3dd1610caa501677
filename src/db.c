/* db.c: the SQLite connection, every SQL statement of the program, and the
 * schema migrations. */
#include "autoconf.h"

#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "migrations.h"

struct db {
	sqlite3		*h;
	sqlite3_stmt	*stmts[STMT__MAX];
	int		 gate;		/* the push gate (db_gate_open), or -1 */
	int		 gate_held;	/* db_begin_first holds it */
	int		 busy_ms;	/* busy_timeout */
	struct gate_shared *shared;	/* the gate file, mapped */
	int		 wal_frames;	/* db_defer_checkpoints: WAL size */
};

/* Shared by every process that opened the gate: writers waiting for
 * SQLite's write lock. */
struct gate_shared {
	atomic_int	 waiting;
};

/*
 * The statements not yet moved next to their typed functions in
 * src/store/, indexed by enum stmt. Only ? placeholders.
 */
const char *const store_sql_core[STMT__MAX] = {
	[STMT_SCHEMA_CREATE] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	    " applied INTEGER NOT NULL)",
	[STMT_SCHEMA_VERSION] =
	    "SELECT coalesce(max(version), 0) FROM schema_migrations",
	[STMT_SCHEMA_RECORD] =
	    "INSERT INTO schema_migrations (version, name, applied)"
	    " VALUES (?, ?, unixepoch())",
	[STMT_USER_BY_NAME] =
	    "SELECT id, name, role, pwhash, disabled, vendor_login, must_change,"
	    " last_login, last_login_addr, may_see_phones FROM users WHERE name = ?",
	[STMT_USER_BY_ID] =
	    "SELECT id, name, role, pwhash, disabled, vendor_login, must_change,"
	    " last_login, last_login_addr, may_see_phones FROM users WHERE id = ?",
	[STMT_USER_INSERT] =
	    "INSERT INTO users (name, role, pwhash, created, updated)"
	    " VALUES (?, ?, ?, ?, ?)",
	[STMT_USER_SET_PWHASH] =
	    "UPDATE users SET pwhash = ?, updated = ? WHERE id = ?",
	[STMT_USER_SET_DISABLED] =
	    "UPDATE users SET disabled = ?, updated = ? WHERE id = ?",
	[STMT_USER_SET_VENDOR_LOGIN] =
	    "UPDATE users SET vendor_login = ?, updated = ? WHERE id = ?",
	[STMT_SESSION_INSERT] =
	    "INSERT INTO sessions (token_hash, user_id, csrf, created, last_seen,"
	    " addr, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)",
	[STMT_SESSION_GET] =
	    "SELECT s.id, s.user_id, s.csrf, s.created, s.last_seen,"
	    " u.name, u.role, u.disabled, u.vendor_login, u.must_change,"
	    " u.may_see_phones"
	    " FROM sessions AS s JOIN users AS u ON u.id = s.user_id"
	    " WHERE s.token_hash = ?",
	[STMT_SESSION_TOUCH] =
	    "UPDATE sessions SET last_seen = ? WHERE id = ?",
	[STMT_SESSION_DELETE] =
	    "DELETE FROM sessions WHERE id = ?",
	[STMT_SESSION_DELETE_USER] =
	    "DELETE FROM sessions WHERE user_id = ?",
	/* STMT_SESSION_PURGE (idle before ?1 or created before ?2) */
	[STMT_FAIL_GET] =
	    "SELECT window_start, count, blocked_until FROM login_failures"
	    " WHERE key = ?",
	/* STMT_FAIL_SET (key, window start, count, blocked until) */
	[STMT_FAIL_SET] =
	    "INSERT INTO login_failures (key, window_start, count, blocked_until)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE SET"
	    " window_start = ?2, count = ?3, blocked_until = ?4",
	[STMT_FAIL_CLEAR] =
	    "DELETE FROM login_failures WHERE key = ?",
	[STMT_AUDIT_LAST] =
	    "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
	[STMT_AUDIT_INSERT] =
	    "INSERT INTO audit (id, ts, actor_id, actor, addr, user_agent, action,"
	    " object, details, prev_hash, hash)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[STMT_AUDIT_ALL] =
	    "SELECT id, ts, actor_id, actor, addr, user_agent, action, object,"
	    " details, prev_hash, hash FROM audit ORDER BY id",
	[STMT_AUDIT_MAXID] =
	    "SELECT coalesce(max(id), 0) FROM audit",
	/* STMT_AUDIT_PAGE (actor, action, from, to, id ceiling, limit,
	[STMT_AUDIT_PAGE] =

	 * offset): empty filters match everything. Without filters the caller
	 * pages by id ceiling, which the chain keeps gap-free, so that page
	 * 500 costs what page 1 costs. */
	    "SELECT id, ts, actor, addr, user_agent, action, object, details, hash"
	    " FROM audit WHERE id <= ?5"
	    " AND (?1 = '' OR actor = ?1) AND (?2 = '' OR action = ?2)"
	    " AND (?3 = '' OR ts >= ?3) AND (?4 = '' OR ts < ?4)"
	    " ORDER BY id DESC LIMIT ?6 OFFSET ?7",
	/* STMT_TASK_REFRESH : a task's state follows its batches */
	[STMT_TASK_REFRESH] =
	    "UPDATE tasks SET state = (SELECT CASE"
	    " WHEN sum(state IN ('failed', 'unknown')) > 0 THEN 'attention'"
	    " WHEN sum(state = 'sending') > 0 THEN 'sending'"
	    " WHEN sum(state = 'queued') > 0 AND sum(state = 'sent') > 0"
	    "  THEN 'sending'"
	    " WHEN sum(state = 'queued') > 0 THEN 'queued'"
	    " WHEN sum(state = 'sent') > 0 THEN 'sent'"
	    " ELSE 'cancelled' END FROM batches WHERE task_id = ?1) WHERE id = ?1",
	/* STMT_TASK_CANCEL_BATCHES (now, task) */
	[STMT_TASK_CANCEL_BATCHES] =
	    "UPDATE batches SET state = 'cancelled', updated = ?"
	    " WHERE task_id = ? AND state = 'queued'",
	/* STMT_BATCH_RESEND (now, batch) */
	[STMT_BATCH_RESEND] =
	    "UPDATE batches SET state = 'queued', next_attempt = 0, updated = ?"
	    " WHERE id = ? AND state IN ('unknown', 'failed')"
	    " RETURNING task_id, seq, state",
	/* STMT_BATCH_CLAIM (worker, now): the oldest due batch, taken by
	[STMT_BATCH_CLAIM] =

	 * one worker inside BEGIN IMMEDIATE, so no two workers get it */
	    "UPDATE batches SET state = 'sending', claimed_by = ?1,"
	    " claimed_at = ?2, attempts = attempts + 1, updated = ?2"
	    " WHERE id = (SELECT id FROM batches WHERE state = 'queued'"
	    " AND next_attempt <= ?2 ORDER BY id LIMIT 1)"
	    " RETURNING id, task_id, seq, first_seq, rows, attempts",
	/* STMT_BATCH_FINISH (state, http, errCode, message, vendor task,
	[STMT_BATCH_FINISH] =

	 * body sha, sent_at, now, id) */
	    "UPDATE batches SET state = ?, http_status = ?, err_code = ?,"
	    " message = ?, vendor_task_id = ?, body_sha256 = ?, sent_at = ?,"
	    " updated = ?, claimed_by = '' WHERE id = ? AND state = 'sending'",
	/* STMT_BATCH_REQUEUE (next attempt, message, now, id) */
	[STMT_BATCH_REQUEUE] =
	    "UPDATE batches SET state = 'queued', next_attempt = ?, message = ?,"
	    " updated = ?, claimed_by = '' WHERE id = ? AND state = 'sending'",
	/* STMT_BATCH_STALE (message, now, claimed before): a worker died
	[STMT_BATCH_STALE] =

	 * while sending; whether the vendor got it is not known */
	    "UPDATE batches SET state = 'unknown', message = ?, updated = ?,"
	    " claimed_by = '' WHERE state = 'sending' AND claimed_at < ?"
	    " RETURNING id, task_id, seq",
	[STMT_TASK_GET] =
	    "SELECT t.id, t.import_id, t.user_id, u.name, t.name, t.params,"
	    " t.login_name, t.created, t.state, t.rows, t.batch_count"
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id WHERE t.id = ?",
	[STMT_TASK_BATCHES] =
	    "SELECT id, seq, first_seq, rows, state, attempts, next_attempt,"
	    " body_sha256, http_status, err_code, message, vendor_task_id,"
	    " sent_at, updated FROM batches WHERE task_id = ? ORDER BY seq",
	/* STMT_TASK_LIST (state, user id, from, to, name part, limit,
	[STMT_TASK_LIST] =

	 * offset): 0 and '' match everything */
	    "SELECT t.id, t.name, u.name, t.created, t.rows, t.batch_count,"
	    " t.state, (SELECT count(*) FROM batches AS b WHERE b.task_id = t.id"
	    "  AND b.state IN ('sent', 'failed', 'unknown', 'cancelled'))"
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id"
	    " WHERE (?1 = '' OR t.state = ?1) AND (?2 = 0 OR t.user_id = ?2)"
	    " AND (?3 = 0 OR t.created >= ?3) AND (?4 = 0 OR t.created < ?4)"
	    " AND (?5 = '' OR instr(t.name, ?5) > 0)"
	    " ORDER BY t.id DESC LIMIT ?6 OFFSET ?7",
	[STMT_TASK_FOR_SEND] =
	    "SELECT t.name, t.params, t.login_name, t.import_id, t.batch_count,"
	    " i.headers, i.phone_col, i.name_col"
	    " FROM tasks AS t JOIN imports AS i ON i.id = t.import_id"
	    " WHERE t.id = ?",
	[STMT_BATCH_BY_VENDOR_TASK] =
	    "SELECT id, task_id FROM batches WHERE vendor_task_id = ?",
	/* STMT_PUSH_INSERT : nothing when the same body came before */
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
	/* STMT_PUSH_LINK_AUTO (batch, vendor task id) */
	[STMT_PUSH_LINK_AUTO] =
	    "UPDATE pushes SET batch_id = ?, linked_by = 'auto'"
	    " WHERE vendor_task_id = ? AND batch_id IS NULL",
	/* STMT_PUSH_LINK_MANUAL (batch, who, push) */
	[STMT_PUSH_LINK_MANUAL] =
	    "UPDATE pushes SET batch_id = ?, linked_by = ?"
	    " WHERE id = ? AND batch_id IS NULL",
	/* STMT_PUSH_UNMATCHED (limit, offset) */
	[STMT_PUSH_UNMATCHED] =
	    "SELECT id, received, addr, sn, ok, reason, total, success"
	    " FROM pushes WHERE batch_id IS NULL ORDER BY id DESC LIMIT ? OFFSET ?",
	/* STMT_PUSH_REJECTED_LIST (limit, offset) */
	[STMT_PUSH_REJECTED_LIST] =
	    "SELECT id, received, addr, content_type, length,"
	    " substr(body, 1, 2000), reason"
	    " FROM rejected_pushes ORDER BY id DESC LIMIT ? OFFSET ?",
	/* STMT_TASK_BREAKDOWN (task): each batch with its newest push, if
	[STMT_TASK_BREAKDOWN] =

	 * any, and how many pushes it had */
	    "SELECT b.id, b.seq, b.state, b.rows, b.sent_at, p.id, p.received,"
	    " p.ok, p.reason, p.total, p.success, p.fail, p.blacklist, p.repeat,"
	    " p.filter, p.shi, p.kong, p.tingji, p.kuwu, p.chenmo, p.fenxian,"
	    " p.chaopin, (SELECT count(*) FROM pushes WHERE batch_id = b.id)"
	    " FROM batches AS b LEFT JOIN pushes AS p ON p.id ="
	    " (SELECT max(id) FROM pushes WHERE batch_id = b.id)"
	    " WHERE b.task_id = ? ORDER BY b.seq",
	/* STMT_DASH_TASKS (since, creator or 0): tasks made, and numbers
	[STMT_DASH_TASKS] =

	 * in batches the vendor accepted */
	    "SELECT (SELECT count(*) FROM tasks"
	    "  WHERE created >= ?1 AND (?2 = 0 OR user_id = ?2)),"
	    " (SELECT coalesce(sum(b.rows), 0) FROM batches AS b"
	    "  JOIN tasks AS t ON t.id = b.task_id WHERE b.state = 'sent'"
	    "  AND b.sent_at >= ?1 AND (?2 = 0 OR t.user_id = ?2))",
	/* STMT_DASH_FIGURES (since, creator or 0): the newest push of each
	[STMT_DASH_FIGURES] =

	 * batch sent since then, summed */
	    "SELECT count(p.id), coalesce(sum(p.total), 0),"
	    " coalesce(sum(p.success), 0), coalesce(sum(p.fail), 0),"
	    " coalesce(sum(p.blacklist), 0), coalesce(sum(p.repeat), 0),"
	    " coalesce(sum(p.filter), 0), coalesce(sum(p.shi), 0),"
	    " coalesce(sum(p.kong), 0), coalesce(sum(p.tingji), 0),"
	    " coalesce(sum(p.kuwu), 0), coalesce(sum(p.chenmo), 0),"
	    " coalesce(sum(p.fenxian), 0), coalesce(sum(p.chaopin), 0)"
	    " FROM batches AS b JOIN tasks AS t ON t.id = b.task_id"
	    " JOIN pushes AS p ON p.id ="
	    " (SELECT max(id) FROM pushes WHERE batch_id = b.id)"
	    " WHERE b.sent_at >= ?1 AND (?2 = 0 OR t.user_id = ?2) AND p.ok = 1",
	/* STMT_TASK_LATEST (creator or 0, limit) */
	[STMT_TASK_LATEST] =
	    "SELECT t.id, t.name, u.name, t.created, t.rows, t.state"
	    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id"
	    " WHERE (?1 = 0 OR t.user_id = ?1) ORDER BY t.id DESC LIMIT ?2",
	/* STMT_FAIL_PURGE (windows that began before ?1, delays over by ?2) */
	[STMT_FAIL_PURGE] =
	    "DELETE FROM login_failures WHERE window_start < ?1"
	    " AND blocked_until <= ?2",
	/* STMT_KNOWN_GET (user, address, not before) */
	[STMT_KNOWN_GET] =
	    "SELECT 1 FROM login_known WHERE user_id = ? AND addr = ?"
	    " AND last_ok >= ?",
	/* STMT_KNOWN_SET (user, address, now) */
	[STMT_KNOWN_SET] =
	    "INSERT INTO login_known (user_id, addr, last_ok) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (user_id, addr) DO UPDATE SET last_ok = ?3",
	/* STMT_KNOWN_PURGE (last sign-in before) */
	[STMT_KNOWN_PURGE] =
	    "DELETE FROM login_known WHERE last_ok < ?",
	/* STMT_USER_ROWS : the users page, with each account's sessions */
	[STMT_USER_ROWS] =
	    "SELECT u.id, u.name, u.role, u.disabled, u.vendor_login,"
	    " u.must_change, u.last_login, u.last_login_addr,"
	    " (SELECT count(*) FROM sessions AS s WHERE s.user_id = u.id),"
	    " u.may_see_phones"
	    " FROM users AS u ORDER BY u.name",
	/* STMT_USER_OTHER_ADMINS (user): enabled admins but that user */
	[STMT_USER_OTHER_ADMINS] =
	    "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0"
	    " AND id != ?",
	/* STMT_USER_SET_ROLE (role, now, user) */
	[STMT_USER_SET_ROLE] =
	    "UPDATE users SET role = ?, updated = ? WHERE id = ?",
	/* STMT_USER_SET_MUST_CHANGE (flag, now, user) */
	[STMT_USER_SET_MUST_CHANGE] =
	    "UPDATE users SET must_change = ?, updated = ? WHERE id = ?",
	/* STMT_USER_SET_LAST_LOGIN (time, address, user) */
	[STMT_USER_SET_LAST_LOGIN] =
	    "UPDATE users SET last_login = ?, last_login_addr = ? WHERE id = ?",
	/* STMT_SESSION_LIST_USER (user) */
	[STMT_SESSION_LIST_USER] =
	    "SELECT id, created, last_seen, addr, user_agent FROM sessions"
	    " WHERE user_id = ? ORDER BY last_seen DESC, id DESC",
	/* STMT_SESSION_DELETE_OTHERS (user, session kept) */
	[STMT_SESSION_DELETE_OTHERS] =
	    "DELETE FROM sessions WHERE user_id = ? AND id != ?",
	/* STMT_ACCESS_TASK_OWNER (task): access.c, one row when it exists */
	[STMT_ACCESS_TASK_OWNER] =
	    "SELECT user_id FROM tasks WHERE id = ?",
	/* STMT_ACCESS_BATCH_OWNER (batch): its task's owner */
	[STMT_ACCESS_BATCH_OWNER] =
	    "SELECT t.user_id FROM batches AS b JOIN tasks AS t ON t.id = b.task_id"
	    " WHERE b.id = ?",
	/* STMT_ACCESS_IMPORT_OWNER (import): one still loading is not there */
	[STMT_ACCESS_IMPORT_OWNER] =
	    "SELECT user_id FROM imports WHERE id = ? AND state <> 'loading'",
	/* STMT_ACCESS_PUSH_OWNER (push): the vendor's, nobody's own */
	[STMT_ACCESS_PUSH_OWNER] =
	    "SELECT 0 FROM pushes WHERE id = ?",
	/* STMT_INTEGRITY_CHECK : one row "ok", else the problems (backup.c) */
	[STMT_INTEGRITY_CHECK] =
	    "PRAGMA integrity_check",
	/* STMT_WAL_CHECKPOINT : everything into the main file, -wal emptied */
	[STMT_WAL_CHECKPOINT] =
	    "PRAGMA wal_checkpoint(TRUNCATE)",
	/* STMT_JOURNAL_DELETE : a copy that is one file, no -wal or -shm */
	[STMT_JOURNAL_DELETE] =
	    "PRAGMA journal_mode=DELETE",
	/* STMT_HEALTH_BATCH_STATES : batches by state (health.c) */
	[STMT_HEALTH_BATCH_STATES] =
	    "SELECT state, count(*) FROM batches GROUP BY state",
	/* STMT_HEALTH_QUEUE_OLDEST : when the longest-waiting batch was queued */
	[STMT_HEALTH_QUEUE_OLDEST] =
	    "SELECT min(updated) FROM batches WHERE state = 'queued'",
	/* STMT_HEALTH_DB_SIZE : bytes of the main file */
	[STMT_HEALTH_DB_SIZE] =
	    "SELECT page_count * page_size FROM pragma_page_count(),"
	    " pragma_page_size()",
	/* STMT_ACCESS_USER_OWNER (user): an account owns itself */
	[STMT_ACCESS_USER_OWNER] =
	    "SELECT id FROM users WHERE id = ?",
	/* STMT_AUDIT_HEAD : the newest entry, whole (audit.c checks its HMAC) */
	[STMT_AUDIT_HEAD] =
	    "SELECT id, ts, actor_id, actor, addr, user_agent, action, object,"
	    " details, prev_hash, hash FROM audit ORDER BY id DESC LIMIT 1",
	/* STMT_AUDIT_HASH_AT (id) */
	[STMT_AUDIT_HASH_AT] =
	    "SELECT hash, ts FROM audit WHERE id = ?",
	/* STMT_AUDIT_MARKER (action): the first entry with that action */
	[STMT_AUDIT_MARKER] =
	    "SELECT id FROM audit WHERE action = ? ORDER BY id LIMIT 1",
	/* STMT_AUDIT_SIZE : entries and the newest id */
	[STMT_AUDIT_SIZE] =
	    "SELECT count(*), coalesce(max(id), 0) FROM audit",
	/* STMT_USER_SET_PHONES (flag, now, user) */
	[STMT_USER_SET_PHONES] =
	    "UPDATE users SET may_see_phones = ?, updated = ? WHERE id = ?",
	/* STMT_BATCH_CLAIM_OPEN (batch, attempts): the claim that made this
	 * attempt still waits for its outcome */
	[STMT_BATCH_CLAIM_OPEN] =
	    "SELECT 1 FROM batches WHERE id = ? AND attempts = ?"
	    " AND state = 'sending'",
	/* STMT_SETTINGS_VERSION : changes on the settings page so far */
	[STMT_SETTINGS_VERSION] =
	    "SELECT coalesce(max(id), 0) FROM settings_history",
	/* STMT_SETTINGS_ALL : the page's values over the file's */
	[STMT_SETTINGS_ALL] =
	    "SELECT key, value, changed_by, changed_at FROM settings ORDER BY key",
	/* STMT_SETTINGS_PUT (key, value, who, who id, now) */
	[STMT_SETTINGS_PUT] =
	    "INSERT INTO settings (key, value, changed_by, changed_by_id,"
	    " changed_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO UPDATE"
	    " SET value = ?2, changed_by = ?3, changed_by_id = ?4, changed_at = ?5",
	/* STMT_SETTINGS_HISTORY_ADD (key, change, old, new, who, who id,
	[STMT_SETTINGS_HISTORY_ADD] =

	 * now): old and new are NULL for a secret */
	    "INSERT INTO settings_history (key, change, old_value, new_value,"
	    " changed_by, changed_by_id, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* STMT_SETTINGS_HISTORY (limit): the latest first */
	[STMT_SETTINGS_HISTORY] =
	    "SELECT id, key, change, old_value, new_value, changed_by, changed_at"
	    " FROM settings_history ORDER BY id DESC LIMIT ?",
	/* STMT_BATCH_NEXT_QUEUED (now): the batch a worker would claim next
	[STMT_BATCH_NEXT_QUEUED] =

	 * (STMT_BATCH_CLAIM's order), else the one due soonest */
	    "SELECT id, task_id, seq, first_seq, rows FROM batches"
	    " WHERE state = 'queued' ORDER BY max(next_attempt, ?1), id LIMIT 1",
	/* STMT_DNC_LISTED (hash, today): an entry that still applies */
	[STMT_DNC_LISTED] =
	    "SELECT 1 FROM dnc WHERE hash = ?1"
	    " AND (expires IS NULL OR expires >= ?2)",
	/* STMT_DNC_SENT_RECENTLY (hash, since, user or 0) */
	[STMT_DNC_SENT_RECENTLY] =
	    "SELECT 1 FROM sent_numbers WHERE hash = ?1 AND sent_at >= ?2"
	    " AND (?3 = 0 OR user_id = ?3) LIMIT 1",
	/* STMT_DNC_INSERT : nothing when the number is listed already */
	[STMT_DNC_INSERT] =
	    "INSERT INTO dnc (hash, masked, reason, expires, added_by, added_at)"
	    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
	/* STMT_DNC_DELETE (id) */
	[STMT_DNC_DELETE] =
	    "DELETE FROM dnc WHERE id = ? RETURNING masked",
	/* STMT_DNC_BY_HASH (hash) */
	[STMT_DNC_BY_HASH] =
	    "SELECT d.id, d.masked, d.reason, coalesce(d.expires, ''),"
	    " coalesce(u.name, ''), d.added_at FROM dnc AS d"
	    " LEFT JOIN users AS u ON u.id = d.added_by WHERE d.hash = ?",
	/* STMT_DNC_BY_ID (id) */
	[STMT_DNC_BY_ID] =
	    "SELECT d.id, d.masked, d.reason, coalesce(d.expires, ''),"
	    " coalesce(u.name, ''), d.added_at FROM dnc AS d"
	    " LEFT JOIN users AS u ON u.id = d.added_by WHERE d.id = ?",
	/* STMT_DNC_PAGE (ids below, limit): newest first, by key */
	[STMT_DNC_PAGE] =
	    "SELECT d.id, d.masked, d.reason, coalesce(d.expires, ''),"
	    " coalesce(u.name, ''), d.added_at FROM dnc AS d"
	    " LEFT JOIN users AS u ON u.id = d.added_by WHERE d.id < ?"
	    " ORDER BY d.id DESC LIMIT ?",
	[STMT_DNC_COUNT] =
	    "SELECT count(*) FROM dnc",
	/* STMT_DNC_SENT_INSERT (hash, user, time) */
	[STMT_DNC_SENT_INSERT] =
	    "INSERT INTO sent_numbers (hash, user_id, sent_at) VALUES (?, ?, ?)"
	    " ON CONFLICT DO NOTHING",
	/* STMT_DNC_SENT_PURGE (sent before) */
	[STMT_DNC_SENT_PURGE] =
	    "DELETE FROM sent_numbers WHERE sent_at < ?",
	/* STMT_DNC_RULE_SET (scope, days, keep, import) */
	[STMT_DNC_RULE_SET] =
	    "UPDATE imports SET dup_scope = ?, dup_days = ?, dup_keep = ?"
	    " WHERE id = ?",
	/* STMT_DNC_RULE_GET (import) */
	[STMT_DNC_RULE_GET] =
	    "SELECT dup_scope, dup_days, dup_keep, user_id, dnc_count,"
	    " recent_count FROM imports WHERE id = ?",
	/* STMT_DNC_COUNTS_SET (listed, recent, import) */
	[STMT_DNC_COUNTS_SET] =
	    "UPDATE imports SET dnc_count = ?, recent_count = ? WHERE id = ?",
	/* STMT_ACCESS_DNC_OWNER (entry): the administrators', nobody's own */
	[STMT_ACCESS_DNC_OWNER] =
	    "SELECT 0 FROM dnc WHERE id = ?",
	/* STMT_DNC_ANY : is the list empty (no lookups at all then)? */
	[STMT_DNC_ANY] =
	    "SELECT 1 FROM dnc LIMIT 1",
	/* STMT_DNC_SENT_ANY (since): anything sent since? */
	[STMT_DNC_SENT_ANY] =
	    "SELECT 1 FROM sent_numbers WHERE sent_at >= ? LIMIT 1",
};

/*
 * Every subject's statement table: each is indexed by enum stmt and holds
 * only its own statements (designated initializers), so that the SQL sits
 * next to the column enum and the fill function that read it. Every
 * statement must be in exactly one table; sql_merge() checks that once.
 */
static const char *const *const sql_tables[] = {
	store_sql_core,
	store_sql_imports,
	store_sql_tasks,
	store_sql_users,
};

static const char	*sql[STMT__MAX];

static int
sql_merge(void)
{
	static int	 merged;	/* 1 done, -1 broken */
	size_t		 i, t;

	if (merged != 0)
		return merged > 0 ? 0 : -1;
	merged = 1;
	for (i = 0; i < STMT__MAX; i++) {
		for (t = 0; t < sizeof(sql_tables) / sizeof(sql_tables[0]);
		    t++) {
			if (sql_tables[t][i] == NULL)
				continue;
			if (sql[i] != NULL) {
				log_err("db: statement %zu is defined twice", i);
				merged = -1;
			}
			sql[i] = sql_tables[t][i];
		}
		if (sql[i] == NULL) {
			log_err("db: statement %zu has no SQL", i);
			merged = -1;
		}
	}
	return merged > 0 ? 0 : -1;
}

const char *
db_sql(enum stmt s)
{
	return sql_merge() == 0 ? sql[s] : NULL;
}

int
db_prepare_all(struct db *db)
{
	size_t	 i;

	for (i = 0; i < STMT__MAX; i++)
		if (db_stmt(db, (enum stmt)i) == NULL)
			return -1;
	return 0;
}

struct db *
db_open(const char *path, int busy_timeout_ms)
{
	struct db	*db;
	int		 rc;

	if ((db = calloc(1, sizeof(*db))) == NULL) {
		log_err("db: out of memory");
		return NULL;
	}
	rc = sqlite3_open_v2(path, &db->h,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		log_err("db: cannot open %s: %s", path,
		    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return NULL;
	}
	db->gate = -1;
	db->busy_ms = busy_timeout_ms;
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, busy_timeout_ms);
	/* WAL lets readers go on while one writer commits; NORMAL is not
	 * enough where a reply promises durability, so FULL. */
	if (sqlite3_exec(db->h, "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON;", NULL, NULL, NULL) != SQLITE_OK) {
		log_err("db: cannot set up %s: %s", path, sqlite3_errmsg(db->h));
		db_close(db);
		return NULL;
	}
	return db;
}

void
db_close(struct db *db)
{
	size_t	 i;

	if (db == NULL)
		return;
	for (i = 0; i < STMT__MAX; i++)
		sqlite3_finalize(db->stmts[i]);
	sqlite3_close(db->h);
	if (db->shared != NULL)
		munmap(db->shared, sizeof(struct gate_shared));
	if (db->gate != -1)
		close(db->gate);
	free(db);
}

sqlite3 *
db_handle(struct db *db)
{
	return db->h;
}

sqlite3_stmt *
db_stmt(struct db *db, enum stmt s)
{
	sqlite3_stmt	*st = db->stmts[s];

	if (st == NULL) {
		if (db_sql(s) == NULL)
			return NULL;
		if (sqlite3_prepare_v3(db->h, sql[s], -1,
		    SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
			log_err("db: cannot prepare statement %d: %s",
			    (int)s, sqlite3_errmsg(db->h));
			return NULL;
		}
		db->stmts[s] = st;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* A cursor is its statement: the cast keeps sqlite3_stmt out of store.h. */
struct store_cursor *
db_cursor(sqlite3_stmt *st)
{
	return (struct store_cursor *)st;
}

int
db_cursor_step(struct store_cursor *c, sqlite3_stmt **stp)
{
	sqlite3_stmt	*st = (sqlite3_stmt *)c;
	int		 rc;

	*stp = st;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	log_err("db: %s: %s", sqlite3_sql(st), sqlite3_errstr(rc));
	return -1;
}

void
store_cursor_close(struct store_cursor *c)
{
	if (c != NULL)
		sqlite3_reset((sqlite3_stmt *)c);
}

void
db_reset(sqlite3_stmt *st)
{
	if (st != NULL)
		sqlite3_reset(st);
}

int
db_exec_stmt(sqlite3_stmt *st)
{
	sqlite3	*h = sqlite3_db_handle(st);
	int	 rc, own;

	/* Every write runs in BEGIN IMMEDIATE: a lone statement gets its own,
	 * so that it never upgrades a read lock half way (SQLITE_BUSY that
	 * busy_timeout cannot wait out). */
	own = sqlite3_get_autocommit(h) && !sqlite3_stmt_readonly(st);
	if (own && sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		log_err("db: begin: %s", sqlite3_errmsg(h));
		return SQLITE_ERROR;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		continue;
	if (rc != SQLITE_DONE)
		log_err("db: %s: %s", sqlite3_sql(st), sqlite3_errmsg(h));
	sqlite3_reset(st);
	if (own) {
		if (rc == SQLITE_DONE &&
		    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			log_err("db: commit: %s", sqlite3_errmsg(h));
			rc = SQLITE_ERROR;
		}
		if (!sqlite3_get_autocommit(h))
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	}
	return rc;
}

/*
 * The push gate. SQLite's write lock is not fair: a writer that commits
 * and begins again at once (an upload storing its rows chunk by chunk)
 * takes it back before a waiter's busy handler wakes up, so a push could
 * wait out the whole upload. The committer holds this file lock
 * (exclusive) from before its BEGIN until pushes stop coming; every other
 * writer passes through it (shared, at once released) before its BEGIN, so
 * it waits while pushes are being committed, and a burst of pushes waits
 * for one chunk at most. flock() locks belong to an open file: each process opens the
 * file itself.
 *
 * Writers among themselves: the same unfairness lets an upload between
 * two chunks starve another upload's first BEGIN past busy_timeout. So
 * the gate file also holds a count of the writers waiting for the lock
 * (their busy handler looks again every millisecond), and a writer that
 * commits while some wait gives them a few milliseconds to take the lock
 * before it begins again.
 */
static int
busy_poll(void *arg, int tries)
{
	const struct db		*db = arg;
	struct timespec		 ms = { 0, 1000 * 1000 };

	if (tries >= db->busy_ms)
		return 0;
	nanosleep(&ms, NULL);
	return 1;
}

int
db_gate_open(struct db *db, const char *path)
{
	struct stat	 st;
	void		*m;

	if (db->gate != -1)
		return 0;
	if ((db->gate = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) ==
	    -1) {
		log_err("db: push gate %s: %s", path, strerror(errno));
		return -1;
	}
	/* Without the shared count the gate still works for pushes. */
	if (fstat(db->gate, &st) == 0 &&
	    (st.st_size >= (off_t)sizeof(struct gate_shared) ||
	    ftruncate(db->gate, sizeof(struct gate_shared)) == 0) &&
	    (m = mmap(NULL, sizeof(struct gate_shared), PROT_READ |
	    PROT_WRITE, MAP_SHARED, db->gate, 0)) != MAP_FAILED)
		db->shared = m;
	sqlite3_busy_handler(db->h, busy_poll, db);
	return 0;
}

/* BEGIN IMMEDIATE, counted among the waiting writers. */
static int
begin_counted(struct db *db)
{
	int	 rc;

	if (db->shared != NULL)
		atomic_fetch_add(&db->shared->waiting, 1);
	rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (db->shared != NULL)
		atomic_fetch_sub(&db->shared->waiting, 1);
	return rc;
}

/* After a COMMIT: while writers wait, up to 5 ms for one to get in. */
static void
let_waiters_in(struct db *db)
{
	struct timespec	 tick = { 0, 100 * 1000 };
	int		 w, i;

	if (db->shared == NULL ||
	    (w = atomic_load(&db->shared->waiting)) <= 0)
		return;
	for (i = 0; i < 50 && atomic_load(&db->shared->waiting) >= w; i++)
		nanosleep(&tick, NULL);
}

static void
gate_pass(struct db *db)
{
	if (db->gate == -1 || db->gate_held || !sqlite3_get_autocommit(db->h))
		return;
	while (flock(db->gate, LOCK_SH) == -1 && errno == EINTR)
		continue;
	(void)flock(db->gate, LOCK_UN);
}

void
db_gate_release(struct db *db)
{
	if (db->gate_held) {
		(void)flock(db->gate, LOCK_UN);
		db->gate_held = 0;
	}
}

int
db_begin_first(struct db *db)
{
	if (db->gate != -1 && !db->gate_held) {
		while (flock(db->gate, LOCK_EX) == -1)
			if (errno != EINTR) {
				log_err("db: push gate: %s", strerror(errno));
				return db_begin(db);
			}
		db->gate_held = 1;
	}
	/* Its busy handler (db_gate_open) looks again every millisecond,
	 * where SQLite's own backs off to 100 ms, so that it takes the lock
	 * as soon as the chunk in progress is committed. */
	if (begin_counted(db) != SQLITE_OK) {
		log_err("db: begin: %s", sqlite3_errmsg(db->h));
		db_gate_release(db);
		return -1;
	}
	return 0;
}

/*
 * SQLite checkpoints the WAL in the connection whose commit makes it pass
 * 1,000 pages, before that COMMIT returns. While uploads write hundreds
 * of megabytes, that is often the committer's commit: its pushes would
 * wait for a checkpoint of the uploads' pages. The committer takes over
 * the checkpoints of its own commits and runs them when it has answered.
 */
static int
wal_count(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	((struct db *)arg)->wal_frames = frames;
	return SQLITE_OK;
}

void
db_defer_checkpoints(struct db *db)
{
	sqlite3_wal_hook(db->h, wal_count, db);
}

void
db_checkpoint_due(struct db *db)
{
	if (db->wal_frames < 1000)
		return;
	db->wal_frames = 0;
	/* PASSIVE: copies what no reader needs, never waits for anyone. */
	(void)sqlite3_wal_checkpoint_v2(db->h, NULL,
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

int
db_begin(struct db *db)
{
	gate_pass(db);
	if (begin_counted(db) != SQLITE_OK) {
		log_err("db: begin: %s", sqlite3_errmsg(db->h));
		return -1;
	}
	return 0;
}

int
db_try_begin(struct db *db)
{
	int	 rc;

	rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return 1;
	log_err("db: begin: %s", sqlite3_errmsg(db->h));
	return -1;
}

int
db_commit(struct db *db)
{
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_err("db: commit: %s", sqlite3_errmsg(db->h));
		db_rollback(db);
		return -1;
	}
	/* The committer keeps the gate until db_gate_release(); others
	 * make way. */
	if (!db->gate_held)
		let_waiters_in(db);
	return 0;
}

void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

int
db_bind_int(sqlite3_stmt *st, int idx, int64_t v)
{
	return sqlite3_bind_int64(st, idx, v);
}

const char *
db_col_text(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	return s == NULL ? "" : (const char *)s;
}

int
db_schema_latest(void)
{
	return migrations_count > 0 ?
	    migrations[migrations_count - 1].version : 0;
}

/* The version of the schema: 0 for a new database, -1 on error. */
int
db_schema_version(struct db *db)
{
	sqlite3_stmt	*st;
	int		 v = -1;

	/* The table may not exist yet; creating it is harmless. */
	if ((st = db_stmt(db, STMT_SCHEMA_CREATE)) == NULL ||
	    db_exec_stmt(st) != SQLITE_DONE)
		return -1;
	if ((st = db_stmt(db, STMT_SCHEMA_VERSION)) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	db_reset(st);
	return v;
}

int
db_migrate(struct db *db, char *err, size_t errsz)
{
	sqlite3_stmt	*st;
	char		*msg = NULL;
	int		 i, have;

	if ((have = db_schema_version(db)) < 0) {
		snprintf(err, errsz, "cannot read the schema version: %s",
		    sqlite3_errmsg(db->h));
		return -1;
	}
	if (have > db_schema_latest()) {
		snprintf(err, errsz, "database is at version %d, newer than "
		    "this dialdesk (%d)", have, db_schema_latest());
		return -1;
	}
	for (i = 0; i < migrations_count; i++) {
		if (migrations[i].version <= have)
			continue;
		/* DDL is transactional in SQLite: a migration that fails half
		 * way leaves the database as it was. */
		if (db_begin(db) == -1) {
			snprintf(err, errsz, "%s: cannot begin: %s",
			    migrations[i].name, sqlite3_errmsg(db->h));
			return -1;
		}
		if (sqlite3_exec(db->h, migrations[i].sql, NULL, NULL, &msg) !=
		    SQLITE_OK) {
			snprintf(err, errsz, "%s: %s", migrations[i].name,
			    msg ? msg : sqlite3_errmsg(db->h));
			sqlite3_free(msg);
			db_rollback(db);
			return -1;
		}
		if ((st = db_stmt(db, STMT_SCHEMA_RECORD)) == NULL ||
		    db_bind_int(st, 1, migrations[i].version) != SQLITE_OK ||
		    db_bind_text(st, 2, migrations[i].name) != SQLITE_OK ||
		    db_exec_stmt(st) != SQLITE_DONE || db_commit(db) == -1) {
			snprintf(err, errsz, "%s: cannot record it: %s",
			    migrations[i].name, sqlite3_errmsg(db->h));
			db_rollback(db);
			return -1;
		}
		log_info("migrated to %s", migrations[i].name);
	}
	return 0;
}
