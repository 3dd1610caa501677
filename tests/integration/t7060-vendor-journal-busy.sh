#!/usr/bin/env bash
# t7060-vendor-journal-busy.sh: the database is locked (BEGIN IMMEDIATE
# held for 30 s in the sqlite3 shell, far longer than busy_timeout_ms)
# while the vendor answers slowly. The worker keeps the answer in the
# vendor journal and tries the database again until it takes it: the batch
# ends sent with the vendor's taskId, it was sent exactly once, the
# vendor's push links to it, and the worker said once (not once a try)
# that it was waiting. The next worker's start compacts the journal.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_engine sqlite "the sqlite3 shell holds the database's write lock (journal.sh: lock_db)"
t_conf busy_timeout_ms 1000
t_conf vendor_timeout 20
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
JOURNAL=$(t_local vendor-journal)
# shellcheck source-path=SCRIPTDIR source=journal.sh
source "$(dirname "$0")/journal.sh"

new_task "$jar" "$V_FIXTURES/two-rows.csv" name=锁库时的回答 || exit 1
BATCH=$(sql "SELECT id FROM batches WHERE task_id = $TASK_ID")
sandbox_mode '{"mode":"slow","delay_ms":3000,"count":1}'

"$DIALDESK_BIN" --config "$T_CONF" worker --once >>"$W_LOG" 2>&1 &
wpid=$!
wait_for 15 reached_sandbox || not_ok "the request reaches the sandbox"
# The sandbox answers 3 s after it recorded the request: lock before that.
lock_db 30
locked_at=$(date +%s)
busy_logged() { grep -q "database busy: outcome of batch $BATCH" "$W_LOG"; }
wait_for 20 busy_logged || not_ok "the worker waits for the database"
TASKID=$(json_get "$(recorded_meta 1)" .taskId 2>/dev/null || true)
expect_match '^[0-9a-f]{32}$' "$TASKID" "the sandbox accepted the batch"
expect_eq 1 "$(grep -c "\"taskId\":\"$TASKID\"" "$JOURNAL" 2>/dev/null || true)" \
    "while the database is locked, the journal beside it holds the answer"
expect_eq sending "$(sql "SELECT state FROM batches WHERE id = $BATCH" 2>/dev/null || echo locked)" \
    "... which the database does not have yet"
wait_for 90 eval '! dd_alive "$wpid"' || not_ok "the worker ends within 90 s"
rc=0
wait "$wpid" || rc=$?
done_at=$(date +%s)
unlock_db
expect_eq 0 "$rc" "worker --once exits 0"
expect_ge $((locked_at + 29)) "$done_at" "it ended only after the lock was released, 30 s later"

expect_eq "sent|$TASKID|1" \
    "$(sql "SELECT state || '|' || coalesce(vendor_task_id, 'null') || '|' || attempts FROM batches WHERE id = $BATCH")" \
    "the batch is sent with the vendor's taskId, on its first attempt"
expect_eq sent "$(sql "SELECT state FROM tasks WHERE id = $TASK_ID")" "the task is sent"
expect_eq 1 "$(recorded_count)" "the vendor received the batch exactly once"
expect_eq 1 "$(grep -c "database busy: outcome of batch $BATCH kept in the journal, retrying" "$W_LOG" || true)" \
    "the worker said once that the database was busy"
expect_eq 0 "$(grep -c 'could not record' "$W_LOG" || true)" "... and never that it could not record the outcome"
expect_eq "1 0" "$(audit_count batch.sent) $(audit_count batch.unknown)" "audited once as batch.sent, never as batch.unknown"
sent_at=$(sql "SELECT sent_at FROM batches WHERE id = $BATCH")
if ((sent_at >= locked_at - 5 && sent_at <= locked_at + 20)); then
	ok "sent_at is when the vendor answered, not when the database let the worker in"
else
	not_ok "sent_at is when the vendor answered, not when the database let the worker in" \
	    "sent_at $sent_at, locked from $locked_at to $done_at"
fi
rc=0
dialdesk audit verify >>"$T_LOG" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"

# The vendor's push of the import result finds the batch.
push_send "$(push_json "$TASKID" "$(mark 2 2 0 0 0 0 2 0 0 0 0 0 0)")"
expect_status 200 "the vendor's push is taken"
expect_eq 0 "$(sql "SELECT count(*) FROM pushes WHERE batch_id IS NOT $BATCH")" "every push is linked to the batch"
expect_ge 1 "$(sql "SELECT count(*) FROM pushes WHERE batch_id = $BATCH")" "... at least the one just sent"

# Once the database holds the answer, compaction drops it from the journal.
worker_once || not_ok "a second worker --once exits 0"
expect_eq "0 0" "$(grep -c "$TASKID" "$JOURNAL" || true) $(wc -c <"$JOURNAL")" "the journal is compacted to nothing"
expect_eq 1 "$(recorded_count)" "... and nothing was sent again"
