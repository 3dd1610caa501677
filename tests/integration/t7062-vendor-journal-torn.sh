#!/usr/bin/env bash
# t7062-vendor-journal-torn.sh: torn and damaged journal lines are ignored,
# never misread. A genuine record (the answer to batch A, journaled by a
# worker killed before the database took it) is put back in the journal
# among a copy of it with another taskId (JSON intact, checksum wrong),
# a torn half of it that the genuine record follows on the same line (as
# an append after a crash leaves it), and a torn record for batch B at
# the end. The next worker stores A's genuine answer and nothing for B,
# and compaction leaves nothing of the rest.
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

outcome_of() { sql "SELECT state || '|' || coalesce(vendor_task_id, 'null') || '|' || attempts FROM batches WHERE id = $1"; }
busy_logged() { grep -q "database busy: outcome of batch $A" "$W_LOG"; }

new_task "$jar" "$V_FIXTURES/two-rows.csv" name=撕裂的记录B || exit 1
B=$(sql "SELECT id FROM batches WHERE task_id = $TASK_ID")
# B is claimed by a worker that has not heard from the vendor yet.
sql "UPDATE batches SET state = 'sending', attempts = 1, claimed_at = unixepoch() WHERE id = $B"
new_task "$jar" "$V_FIXTURES/two-rows.csv" name=撕裂的记录A || exit 1
A=$(sql "SELECT id FROM batches WHERE task_id = $TASK_ID")

# A genuine record: the answer to A, journaled, never stored.
sandbox_mode '{"mode":"slow","delay_ms":2000,"count":1}'
"$DIALDESK_BIN" --config "$T_CONF" worker >>"$W_LOG" 2>&1 &
wpid=$!
wait_for 15 reached_sandbox || not_ok "the request reaches the sandbox"
lock_db 120
wait_for 20 busy_logged || not_ok "the worker has the answer and waits for the database"
kill -KILL "$wpid"
wait "$wpid" 2>/dev/null || true
unlock_db
TASKID=$(json_get "$(recorded_meta 1)" .taskId 2>/dev/null || true)
line=$(grep -F "\"taskId\":\"$TASKID\"" "$JOURNAL" 2>/dev/null || true)
expect_match '^dvj1 [0-9a-f]{32} \{.*"batch":'"$A"',' "$line" "the journal holds A's answer as one checksummed line"
expect_eq "sending|null|1" "$(outcome_of "$A")" "the database does not have it"
sql "UPDATE batches SET claimed_at = claimed_at - 3600 WHERE id = $A"

FAKE=0123456789abcdef0123456789abcdef
damaged=${line//$TASKID/$FAKE}
for_b=${line//\"batch\":$A,/\"batch\":$B,}
for_b=${for_b//$TASKID/fedcba9876543210fedcba9876543210}
{
	printf '%s\n' "$damaged"
	printf '%s%s\n' "${line:0:$((${#line} / 2))}" "$line"
	printf '%s' "${for_b:0:$((${#for_b} - 2))}"
} >"$JOURNAL"
expect_eq "2 3" "$(wc -l <"$JOURNAL" | tr -d ' ') $(grep -c . "$JOURNAL")" \
    "the journal now has a damaged line, a torn line with the record after it, and a torn tail"
check "the damaged copy is still valid JSON (only its checksum is wrong)" \
    jq -e . <<<"${damaged#dvj1 * }"

worker_once || not_ok "a new worker --once exits 0"
expect_eq "sent|$TASKID|1" "$(outcome_of "$A")" "A is sent with its genuine taskId, not the damaged copy's"
expect_eq "sending|null|1" "$(outcome_of "$B")" "B is untouched: its torn record is not read"
expect_eq 1 "$(recorded_count)" "the vendor received one request in all"
expect_eq 0 "$(sql "SELECT count(*) FROM batches WHERE vendor_task_id = '$FAKE'")" "the damaged taskId is nowhere"
expect_eq "1 0" "$(audit_count batch.sent) $(audit_count batch.unknown)" "audited once as batch.sent, never as batch.unknown"
expect_eq 0 "$(wc -c <"$JOURNAL" 2>/dev/null || echo missing)" "compaction leaves nothing of the torn and damaged lines"
