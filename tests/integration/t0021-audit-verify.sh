#!/usr/bin/env bash
# t0021-audit-verify.sh: `dialdesk audit verify` accepts the hash chain as
# written, and finds each kind of tampering (a changed, a removed, a forged
# entry), each tried on a fresh copy of the database with the guard
# triggers dropped first. (t7040 tries cuts and recomputed hashes.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=audit.sh
source "$(dirname "$0")/audit.sh"
t_start

# Some history: sign-ins, a failure, a logout, on top of the users created.
login admin "$ADMIN_PASS" "$T_DIR/a.jar" || true
login operator 'wrong-password' "$T_DIR/o.jar" || true
login auditor "$AUDITOR_PASS" "$T_DIR/u.jar" || true
csrf=$(csrf_of "$T_DIR/a.jar" /) || csrf=
req "$T_DIR/a.jar" POST /logout --data-urlencode "csrf=$csrf"

n=$(sql 'SELECT count(*) FROM audit')
expect_ge 5 "$n" "the audit log has at least 5 entries"
rc=0
out=$(dialdesk audit verify 2>&1) || rc=$?
expect_eq 0 "$rc" "audit verify exits 0 on the chain as written"
expect_match "^audit chain intact: $n entries, head [0-9a-f]{64}"$'\n' "$out" \
    "it says: audit chain intact: $n entries, head HASH"

if sql "UPDATE audit SET details = 'x' WHERE id = (SELECT min(id) FROM audit)" 2>/dev/null; then
	not_ok "the audit_no_update trigger refuses an UPDATE"
else
	ok "the audit_no_update trigger refuses an UPDATE"
fi
if sql "DELETE FROM audit WHERE id = (SELECT min(id) FROM audit)" 2>/dev/null; then
	not_ok "the audit_no_delete trigger refuses a DELETE"
else
	ok "the audit_no_delete trigger refuses a DELETE"
fi

# tamper NAME SQL: run SQL on a fresh copy with the triggers dropped, then
# audit verify on it: its exit status in VERIFY_RC, what it said in OUT.
tamper() {
	audit_copy "$1"
	audit_sql "$2"
	audit_verify
}

mid=$(sql 'SELECT id FROM audit ORDER BY id LIMIT 1 OFFSET 2')
next=$(sql "SELECT min(id) FROM audit WHERE id > $mid")
last=$(sql 'SELECT max(id) FROM audit')

tamper update "UPDATE audit SET details = coalesce(details, '') || ' (edited)' WHERE id = $mid"
expect_eq 1 "$VERIFY_RC" "after an UPDATE of entry $mid's details audit verify exits 1"
expect_match "audit chain broken at entry $mid: " "$OUT" "it names entry $mid"

tamper delete "DELETE FROM audit WHERE id = $mid"
expect_eq 1 "$VERIFY_RC" "after a DELETE of entry $mid audit verify exits 1"
expect_match "audit chain broken at entry ($mid|$next): " "$OUT" "it names the gap at entry $mid"

tamper insert "INSERT INTO audit (id, ts, actor_id, actor, addr, user_agent, action,
    object, details, prev_hash, hash)
    SELECT id + 1, ts, actor_id, actor, addr, user_agent, 'user.disabled', 'auditor', details,
    hash, '$(dd_random_hex 32)' FROM audit WHERE id = $last"
expect_eq 1 "$VERIFY_RC" "after an INSERT of a forged entry audit verify exits 1"
expect_match "audit chain broken at entry $((last + 1)): " "$OUT" "it names the forged entry $((last + 1))"

tamper untouched "SELECT 1"
expect_eq 0 "$VERIFY_RC" "a copy with the triggers dropped but nothing changed still verifies"
