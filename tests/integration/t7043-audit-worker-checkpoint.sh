#!/usr/bin/env bash
# t7043-audit-worker-checkpoint.sh: `dialdesk worker` appends a signed
# checkpoint of the audit chain's head as it goes (every
# audit_checkpoint_minutes, and when it starts), only when the head moved,
# and refuses, loudly, to vouch for a chain that was cut short. The
# config keys are checked like any other.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=audit.sh
source "$(dirname "$0")/audit.sh"
t_setup

lines() { grep -c '^v1 ' "$A_CHECKPOINTS"; }
expect_eq 1 "$(lines)" "after migrate the checkpoint file holds checkpoint 1"
expect_eq 4 "$(sql 'SELECT count(*) FROM audit')" "the log has 4 entries (marker and three users)"

timeout 60 "$DIALDESK_BIN" --config "$T_CONF" worker --once >"$T_DIR/worker.log" 2>&1
expect_eq 2 "$(lines)" "worker --once appended a checkpoint"
expect_match "^v1 seq=2 entries=4 last=4 hash=$(sql 'SELECT hash FROM audit WHERE id = 4') time=[0-9T:.Z-]+ mac=[0-9a-f]{64}\$" \
    "$(tail -n 1 "$A_CHECKPOINTS")" "checkpoint 2 counts 4 entries and holds entry 4's hash"
expect_match "audit: checkpoint 2 written: 4 entries" "$(cat "$T_DIR/worker.log")" "the worker logs it"
expect_eq 600 "$(stat -c '%a' "$A_CHECKPOINTS")" "the checkpoint file has mode 0600"

timeout 60 "$DIALDESK_BIN" --config "$T_CONF" worker --once >"$T_DIR/worker.log" 2>&1
expect_eq 2 "$(lines)" "with nothing new the worker adds no line"

# Cut around the triggers: the worker says so and vouches for nothing.
sql "$(sql_drop_trigger audit_no_delete audit); DELETE FROM audit WHERE id > 2"
timeout 60 "$DIALDESK_BIN" --config "$T_CONF" worker --once >"$T_DIR/worker.log" 2>&1
expect_eq 2 "$(lines)" "after a cut the worker adds no checkpoint"
expect_match "level=error .* msg=\"audit: no checkpoint: 2 entries missing after entry 2: checkpoint 2 counted 4" \
    "$(cat "$T_DIR/worker.log")" "it logs an error: 2 entries missing after entry 2"

# The interval is a config key with bounds, syslog a yes/no.
cp "$T_CONF" "$T_DIR/bad.conf"
printf 'audit_checkpoint_minutes = 0\n' >>"$T_DIR/bad.conf"
rc=0
out=$("$DIALDESK_BIN" --config "$T_DIR/bad.conf" audit verify 2>&1) || rc=$?
expect_eq 1 "$rc" "audit_checkpoint_minutes = 0 is refused"
expect_match "audit_checkpoint_minutes: must be an integer from 1 to 1440" "$out" "with the key named"
cp "$T_CONF" "$T_DIR/bad2.conf"
printf 'audit_checkpoint_syslog = maybe\n' >>"$T_DIR/bad2.conf"
rc=0
out=$("$DIALDESK_BIN" --config "$T_DIR/bad2.conf" audit verify 2>&1) || rc=$?
expect_eq 1 "$rc" "audit_checkpoint_syslog = maybe is refused"
expect_match "audit_checkpoint_syslog: must be one of: no, yes" "$out" "with the choices named"
