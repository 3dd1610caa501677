#!/usr/bin/env bash
# t7061-vendor-journal-kill.sh: the worker is killed with kill -9 between
# the journal write and the database write (the database is locked when
# the vendor's answer comes, so the worker is waiting to store it). After
# a restart, recovery stores the journaled answer before it gives up any
# batch as unknown, even one whose claim is long past: the batch ends sent
# with its taskId, never unknown, never resent, and its page offers no
# resend.
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

busy_logged() { grep -q "database busy: outcome of batch $BATCH" "$W_LOG"; }
batch_outcome() { sql "SELECT state || '|' || coalesce(vendor_task_id, 'null') || '|' || attempts FROM batches WHERE id = $BATCH"; }

new_task "$jar" "$V_FIXTURES/two-rows.csv" name=被杀的发送者 || exit 1
BATCH=$(sql "SELECT id FROM batches WHERE task_id = $TASK_ID")
sandbox_mode '{"mode":"slow","delay_ms":2000,"count":1}'

"$DIALDESK_BIN" --config "$T_CONF" worker >>"$W_LOG" 2>&1 &
wpid=$!
wait_for 15 reached_sandbox || not_ok "the request reaches the sandbox"
lock_db 120
wait_for 20 busy_logged || not_ok "the worker has the answer and waits for the database"
TASKID=$(json_get "$(recorded_meta 1)" .taskId 2>/dev/null || true)
expect_match '^[0-9a-f]{32}$' "$TASKID" "the sandbox accepted the batch"
expect_eq 1 "$(grep -c "\"taskId\":\"$TASKID\"" "$JOURNAL" 2>/dev/null || true)" \
    "the journal holds the answer"
kill -KILL "$wpid"
wait "$wpid" 2>/dev/null || true
ok "kill -9 the worker before the database took the answer"
unlock_db
expect_eq "sending|null|1" "$(batch_outcome)" "the database does not have the answer"
# As if the worker had died an hour ago: recovery may give the batch up
# at once, and must store the journaled answer instead.
sql "UPDATE batches SET claimed_at = claimed_at - 3600 WHERE id = $BATCH"

worker_once || not_ok "a new worker --once exits 0"
expect_eq "sent|$TASKID|1" "$(batch_outcome)" "after the restart the batch is sent with its taskId, on its first attempt"
expect_eq sent "$(sql "SELECT state FROM tasks WHERE id = $TASK_ID")" "the task is sent"
expect_eq 1 "$(recorded_count)" "the vendor received the batch exactly once"
expect_eq 1 "$(grep -c "batch $BATCH: storing the vendor's answer (accepted) to attempt 1 from the journal" "$W_LOG" || true)" \
    "the new worker says it stored the answer from the journal"
expect_eq "1 0" "$(audit_count batch.sent) $(audit_count batch.unknown)" "audited once as batch.sent, never as batch.unknown"
rc=0
dialdesk audit verify >>"$T_LOG" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"
req "$jar" GET "/tasks/$TASK_ID"
expect_status 200 "the task page answers 200"
expect_body_contains "$TASKID" "... and shows the vendor's taskId"
expect_body_lacks '结果未知' "... and no 结果未知"
expect_body_lacks "/batches/$BATCH/resend" "... and offers no resend"
expect_eq 0 "$(wc -c <"$JOURNAL" 2>/dev/null || echo missing)" "the journal is compacted to nothing"

worker_once || true
expect_eq "sent|$TASKID|1 1" "$(batch_outcome) $(recorded_count)" "another worker run sends nothing again"
