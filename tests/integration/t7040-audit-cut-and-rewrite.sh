#!/usr/bin/env bash
# t7040-audit-cut-and-rewrite.sh: `dialdesk audit verify` finds what the
# hash chain alone cannot: the newest entries deleted, every entry deleted,
# and entries edited with all hashes recomputed (with plain SHA-256, with a
# guessed key), each done with the sqlite3 shell around the triggers on a
# copy of the installation. Each exits 1 and says precisely what happened;
# the chain as written, and recomputed with the real key, exits 0.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=audit.sh
source "$(dirname "$0")/audit.sh"
t_engine sqlite "the chain is tampered with in a copy made by the sqlite3 shell (audit.sh)"
t_setup

# 30 entries: the marker, three users, 26 changes; then a checkpoint.
for i in $(seq 1 26); do
	dialdesk user vendor-login operator "acct$i" >/dev/null
done
n=$(sql 'SELECT count(*) FROM audit')
expect_eq 30 "$n" "the audit log has 30 entries"
rc=0
out=$(dialdesk audit checkpoint 2>&1) || rc=$?
expect_eq 0 "$rc" "audit checkpoint exits 0"
expect_match "^checkpoint 2 written: 30 entries, head [0-9a-f]{64}\$" "$out" \
    "it says: checkpoint 2 written: 30 entries (migrate wrote checkpoint 1)"
rc=0
out=$(dialdesk audit checkpoint 2>&1) || rc=$?
expect_eq "0 nothing new since checkpoint 2 (30 entries)" "$rc $out" \
    "again at once: nothing new since checkpoint 2, exit 0"

audit_copy intact
audit_verify
expect_eq 0 "$VERIFY_RC" "the chain as written: audit verify exits 0"
expect_match "^audit chain intact: 30 entries, head [0-9a-f]{64}"$'\n'"keyed with HMAC-SHA-256 from entry 1 \\(0 older entries under plain SHA-256\\)"$'\n'"2 checkpoints agree; the newest, 2 of [0-9T:.Z-]+, counts 30 entries\$" \
    "$OUT" "it says intact, keyed from entry 1, 2 checkpoints agree"

# The newest 20 deleted: the chain that is left is whole, the checkpoint
# is what shows the cut.
audit_copy cut20
audit_sql "DELETE FROM audit WHERE id > 10"
audit_verify
expect_eq 1 "$VERIFY_RC" "the last 20 entries deleted: audit verify exits 1"
expect_match "^audit chain broken: 20 entries missing after entry 10: checkpoint 2 of [0-9T:.Z-]+ \\(line 3 of $A_CP\\) counted 30 entries\$" \
    "$OUT" "it says: 20 entries missing after entry 10, and which checkpoint counted 30"
rc=0
out=$("$DIALDESK_BIN" --config "$A_CONF" audit checkpoint 2>&1) || rc=$?
expect_eq 1 "$rc" "audit checkpoint refuses to vouch for the cut chain (exit 1)"
expect_match "20 entries missing after entry 10" "$out" "and says why"
expect_eq 3 "$(wc -l <"$A_CP")" "the checkpoint file gained no line"

audit_copy cutall
audit_sql "DELETE FROM audit"
audit_verify
expect_eq 1 "$VERIFY_RC" "every entry deleted: audit verify exits 1"
expect_match "(^|"$'\n'")audit chain broken: 30 entries missing after entry 0: checkpoint 2 of " \
    "$OUT" "it says: 30 entries missing after entry 0"
expect_match "audit chain broken: the audit log is empty" "$OUT" "and that the log is empty"

# Entry 12 edited, its hash and all after recomputed with plain SHA-256.
audit_copy sha256
audit_sql "UPDATE audit SET details = '{\"vendor_login\":\"mallory\"}' WHERE id = 12"
audit_rehash 12 0 sha256
audit_verify
expect_eq 1 "$VERIFY_RC" "an edit with the hashes recomputed by SHA-256: audit verify exits 1"
expect_match "^audit chain broken at entry 12: content does not match its HMAC \\(the entry was changed, or its hash recomputed without the audit key\\)"$'\n' \
    "$OUT" "it names entry 12: content does not match its HMAC"
expect_match "audit chain broken: entry 30 differs from checkpoint 2 of " "$OUT" \
    "and entry 30 no longer is what checkpoint 2 vouched for"

# Every hash recomputed with SHA-256, as if the chain had never been keyed.
audit_copy sha256all
audit_rehash 1 0 sha256
audit_verify
expect_eq 1 "$VERIFY_RC" "the whole chain recomputed by SHA-256: audit verify exits 1"
expect_match "^audit chain broken at entry 1: the keying marker does not match its HMAC" \
    "$OUT" "it names the marker, entry 1"
audit_copy nomarker
audit_sql "UPDATE audit SET action = 'login.ok' WHERE id = 1"
audit_rehash 1 0 sha256
audit_verify
expect_eq 1 "$VERIFY_RC" "the marker turned into another entry and all recomputed: exit 1"
expect_match "^audit chain broken: none of its entries is keyed" "$OUT" "it says no entry is keyed"

# The same edit, recomputed with HMAC-SHA-256 under a guessed key.
head -c 32 /dev/urandom >"$T_DIR/guessed.key"
audit_copy guessed
audit_sql "UPDATE audit SET details = '{\"vendor_login\":\"mallory\"}' WHERE id = 12"
audit_rehash 12 0 hmac "$T_DIR/guessed.key"
audit_verify
expect_eq 1 "$VERIFY_RC" "an edit with the hashes recomputed under a guessed key: exit 1"
expect_match "^audit chain broken at entry 12: content does not match its HMAC" \
    "$OUT" "it names entry 12"

# The recomputation is exact: with the real key it reproduces the chain.
audit_copy realkey
audit_rehash 1 0 hmac "$A_KEY"
audit_verify
expect_eq 0 "$VERIFY_RC" "every hash recomputed with the real key: still intact (exit 0)"
expect_eq "$(sql 'SELECT group_concat(hash) FROM audit')" \
    "$(sqlite3 "$A_DB" 'SELECT group_concat(hash) FROM audit')" "the very same hashes"

# The tail replaced: 5 entries deleted, 7 new ones appended by dialdesk
# itself. The chain is whole; checkpoint 2's entry is not the same.
audit_copy tail
audit_sql "DELETE FROM audit WHERE id > 25"
for i in $(seq 1 7); do
	"$DIALDESK_BIN" --config "$A_CONF" user vendor-login auditor "x$i" >/dev/null
done
audit_verify
expect_eq 1 "$VERIFY_RC" "the tail replaced by new entries: audit verify exits 1"
expect_match "^audit chain broken: entry 30 differs from checkpoint 2 of [0-9T:.Z-]+ \\(line 3 of $A_CP\\): the log was rewritten after entry 1, the newest a checkpoint before it vouches for\$" \
    "$OUT" "it says: entry 30 differs from checkpoint 2, rewritten after entry 1"

# The checkpoint file itself: deleted, edited, a line removed.
audit_copy nofile
rm -f "$A_CP"
audit_verify
expect_eq 1 "$VERIFY_RC" "the checkpoint file deleted: audit verify exits 1"
expect_match "^audit chain broken: there is no checkpoint file $A_CP, so nothing shows whether the log was cut short" \
    "$OUT" "it says there is no checkpoint file"

audit_copy editedcp
sed -i -e '3s/entries=30 last=30/entries=31 last=31/' "$A_CP"
audit_verify
expect_eq 1 "$VERIFY_RC" "a checkpoint line edited: audit verify exits 1"
expect_match "^audit chain broken: checkpoint file $A_CP, line 3: its HMAC does not match" \
    "$OUT" "it names line 3 and its HMAC"

audit_copy droppedcp
sed -i -e '2d' "$A_CP"
audit_verify
expect_eq 1 "$VERIFY_RC" "the first checkpoint removed from the file: audit verify exits 1"
expect_match "^audit chain broken: checkpoint file $A_CP, line 2: checkpoint 2 where 1 was due" \
    "$OUT" "it says checkpoint 2 came where 1 was due"
