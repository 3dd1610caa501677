#!/usr/bin/env bash
# t7063-vendor-journal-sigterm.sh: SIGTERM while the worker waits for a
# locked database to take the vendor's answer. The answer is in the
# journal, so the worker stops at once (within busy_timeout_ms and a
# pause) and says so; the next worker stores it: the batch is sent with
# its taskId, and the vendor got one request. Here vendor_journal names
# a file of its own; a worker whose journal cannot be written refuses to
# start.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_engine sqlite "the sqlite3 shell holds the database's write lock (journal.sh: lock_db)"
t_conf busy_timeout_ms 1000
t_conf vendor_timeout 20
t_conf vendor_journal "$T_DIR/answers.journal"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
JOURNAL=$T_DIR/answers.journal
# shellcheck source-path=SCRIPTDIR source=journal.sh
source "$(dirname "$0")/journal.sh"

busy_logged() { grep -q "database busy: outcome of batch $BATCH" "$W_LOG"; }
batch_outcome() { sql "SELECT state || '|' || coalesce(vendor_task_id, 'null') || '|' || attempts FROM batches WHERE id = $BATCH"; }

new_task "$jar" "$V_FIXTURES/two-rows.csv" name=停止中的发送者 || exit 1
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
    "the answer is in the journal vendor_journal names"
check "... and no journal is beside the database" test ! -e "$(t_local vendor-journal)"
kill -TERM "$wpid"
wait_for 5 eval '! dd_alive "$wpid"' || not_ok "the worker stops within 5 s of SIGTERM"
rc=0
dd_stop "$wpid" 5 || rc=$?
expect_eq 0 "$rc" "... and exits 0"
expect_eq 1 "$(grep -c "batch $BATCH: stopping before the database took its outcome; recovery stores it from the journal" "$W_LOG" || true)" \
    "... saying that recovery will store the outcome"
unlock_db
expect_eq "sending|null|1" "$(batch_outcome)" "the database does not have the answer yet"

worker_once || not_ok "a new worker --once exits 0"
expect_eq "sent|$TASKID|1" "$(batch_outcome)" "the next worker stores it: sent with its taskId"
expect_eq 1 "$(recorded_count)" "the vendor received the batch exactly once"
expect_eq "1 0" "$(audit_count batch.sent) $(audit_count batch.unknown)" "audited once as batch.sent, never as batch.unknown"

# No journal, no worker: an answer it could not keep might be lost.
T_SET[vendor_journal]=$T_DIR/no-such-folder/answers.journal
t_write_config "$T_DIR/nojournal.conf" "$T_DB"
rc=0
"$DIALDESK_BIN" --config "$T_DIR/nojournal.conf" worker --once >"$T_DIR/nojournal.log" 2>&1 || rc=$?
expect_eq 1 "$rc" "a worker whose journal folder is missing exits 1"
expect_match "worker: vendor journal: cannot .*$T_DIR/no-such-folder/answers.journal" "$(cat "$T_DIR/nojournal.log")" \
    "... naming the journal"
