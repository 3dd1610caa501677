#!/usr/bin/env bash
# t7041-audit-old-chain.sh: an audit log written before the key existed
# (plain SHA-256 entries, schema 003) is migrated: `dialdesk migrate` makes
# the key file (mode 0600), appends the marker entry and the first
# checkpoint; the old entries go on verifying under the old rule up to the
# marker, the new ones under HMAC. Changing an old entry is found, also
# with the old hashes recomputed.
#
# OLD_DIALDESK_BIN: a dialdesk from before the key (e.g. main's build) to
# write the old log with; without it the old schema is loaded from
# sql/001-003 and the old entries are written with the old rule.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=audit.sh
source "$(dirname "$0")/audit.sh"
t_engine sqlite "old migrations are applied by the sqlite3 shell"
mkdir -p "$T_DIR/run" "$T_DIR/uploads"
t_write_config "$T_CONF" "$T_DB"

if [[ -n ${OLD_DIALDESK_BIN:-} ]]; then
	old() { "$OLD_DIALDESK_BIN" --config "$T_CONF" "$@"; }
	old migrate >/dev/null 2>&1
	for u in ann bob cat; do
		printf '%s\n' "$ADMIN_PASS" | old user add "$u" --role operator >/dev/null 2>&1
	done
	old user vendor-login ann acct1 >/dev/null
	old user disable cat >/dev/null
	audit_copy oldrule
	audit_rehash 1 0 sha256
	expect_eq "$(sql 'SELECT group_concat(hash) FROM audit')" \
	    "$(sqlite3 "$A_DB" 'SELECT group_concat(hash) FROM audit')" \
	    "the old rule recomputed by this test gives the old dialdesk's hashes"
else
	A_DB=$T_DB
	sql "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,
	    name TEXT NOT NULL, applied INTEGER NOT NULL)"
	for f in 001_init 002_tasks 003_pushes; do
		sqlite3 -batch "$T_DB" <"$DD_TOP/sql/$f.sql"
		sql "INSERT INTO schema_migrations VALUES (${f%%_*}, '$f', unixepoch())"
	done
	for i in 1 2 3 4 5; do
		sql "INSERT INTO audit VALUES ($i, '2026-11-0${i}T10:00:00.000Z', NULL,
		    'system', 'local:root', 'dialdesk-cli', 'user.created', 'u$i',
		    '{\"role\":\"operator\"}', 'x', 'x$i')"
	done
	# Written as the old dialdesk wrote them; the trigger is put back.
	sql "DROP TRIGGER audit_no_update"
	audit_rehash 1 0 sha256
	sql "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
	    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
fi
expect_eq 5 "$(sql 'SELECT count(*) FROM audit')" "the old log has 5 entries"
check "there is no key file yet" test ! -e "$A_KEY"

rc=0
out=$(dialdesk audit verify 2>&1) || rc=$?
expect_eq 2 "$rc" "before migrate, audit verify exits 2"
expect_match "run \`dialdesk migrate\`" "$out" "and points to dialdesk migrate"

rc=0
dialdesk migrate >"$T_DIR/migrate.out" 2>&1 || rc=$?
expect_eq 0 "$rc" "migrate exits 0"
expect_eq "600 32" "$(stat -c '%a %s' "$A_KEY" 2>/dev/null)" "it made the key file: mode 0600, 32 bytes"
expect_eq "6|audit.keyed|5" "$(sql "SELECT id, action, details ->> 'legacy_entries' FROM audit WHERE id = 6")" \
    "it appended the marker, entry 6, counting 5 older entries"
expect_eq 2 "$(wc -l <"$A_CHECKPOINTS")" "and the first checkpoint (after the file's heading)"
printf '%s\n' "$ADMIN_PASS" | dialdesk user add dan --role auditor >/dev/null

rc=0
out=$(dialdesk audit verify 2>&1) || rc=$?
expect_eq 0 "$rc" "the migrated log verifies (exit 0)"
expect_match "^audit chain intact: 7 entries, head [0-9a-f]{64}"$'\n'"keyed with HMAC-SHA-256 from entry 6 \\(5 older entries under plain SHA-256\\)" \
    "$out" "old entries under SHA-256 up to the marker, keyed from entry 6"
if [[ -n ${OLD_DIALDESK_BIN:-} ]]; then
	rc=0
	out=$(old user add eve --role auditor </dev/null 2>&1) || rc=$?
	expect_eq 1 "$rc" "the old dialdesk refuses the migrated database"
	expect_eq 7 "$(sql 'SELECT count(*) FROM audit')" "and appends no unkeyed entry"
fi

audit_copy oldedit
audit_sql "UPDATE audit SET object = 'mallory' WHERE id = 3"
audit_verify
expect_eq 1 "$VERIFY_RC" "an old entry edited: exit 1"
expect_match "^audit chain broken at entry 3: content does not match its SHA-256 hash \\(the entry was changed\\)" \
    "$OUT" "it names entry 3 and the old rule"

audit_copy oldrehash
audit_sql "UPDATE audit SET object = 'mallory' WHERE id = 3"
audit_rehash 3 5 sha256
audit_sql "UPDATE audit SET prev_hash = (SELECT hash FROM audit WHERE id = 5) WHERE id = 6"
audit_verify
expect_eq 1 "$VERIFY_RC" "an old entry edited and the old hashes recomputed up to the marker: exit 1"
expect_match "^audit chain broken at entry 6: the keying marker does not match its HMAC" \
    "$OUT" "the marker, entry 6, vouches for the old entries"
