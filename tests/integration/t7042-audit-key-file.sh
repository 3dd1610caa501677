#!/usr/bin/env bash
# t7042-audit-key-file.sh: the audit key file: made once by migrate (mode
# 0600, 32 bytes, never overwritten), where audit_key_file says; refused
# with a clear message when too open, of the wrong size, missing or not the
# chain's key; and migrate will not make a new key for a keyed log.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=audit.sh
source "$(dirname "$0")/audit.sh"
t_setup

expect_eq "600 32" "$(stat -c '%a %s' "$A_KEY")" "migrate made $A_KEY: mode 0600, 32 bytes"
sum=$(sha256sum <"$A_KEY")
dialdesk migrate >/dev/null 2>&1
expect_eq "$sum" "$(sha256sum <"$A_KEY")" "migrate again keeps the same key"

# run WANT-RC DESC REGEX ARGS...: dialdesk with this test's config.
run() {
	local want=$1 desc=$2 re=$3 rc=0 out
	shift 3
	out=$(dialdesk "$@" </dev/null 2>&1) || rc=$?
	expect_eq "$want" "$rc" "$desc: exit $want"
	expect_match "$re" "$out" "$desc: the message says why"
}

chmod 640 "$A_KEY"
run 2 "audit verify with a key file of mode 0640" \
    "^dialdesk: audit key file $A_KEY has mode 0640: only its owner may read it \\(chmod 600 $A_KEY\\)\$" audit verify
run 1 "serve with a key file of mode 0640" "has mode 0640: only its owner may read it" serve
run 1 "user add with a key file of mode 0640" "has mode 0640" user add dave --role auditor
chmod 600 "$A_KEY"

cp "$A_KEY" "$T_DIR/key.saved"
head -c 31 "$T_DIR/key.saved" >"$A_KEY"
run 2 "audit verify with a key file of 31 bytes" \
    "audit key file $A_KEY holds 31 bytes, not 32: it is not a dialdesk audit key" audit verify

rm -f "$A_KEY"
run 2 "audit verify without the key file" \
    "audit key file $A_KEY does not exist: .dialdesk migrate. creates it for a new audit log; restore it from the backup" audit verify
run 1 "worker without the key file" "audit key file $A_KEY does not exist" worker --once
run 1 "migrate of a keyed log without its key file" "restore it from the backup" migrate
check "migrate made no new key" test ! -e "$A_KEY"

# Another key of the right form: the chain is not keyed with it.
head -c 32 /dev/urandom >"$A_KEY"
chmod 600 "$A_KEY"
run 1 "audit verify with another key" \
    "^audit chain broken at entry 1: the chain is keyed with key [0-9a-f]{16} \\(its marker says so\\), but the audit key file $A_KEY holds key [0-9a-f]{16}" \
    audit verify
cp "$T_DIR/key.saved" "$A_KEY"
run 0 "audit verify with the key back" "^audit chain intact: 4 entries" audit verify

# audit_key_file and audit_checkpoint_file name other places.
mkdir -m 700 "$T_DIR/keys"
t_conf audit_key_file "$T_DIR/keys/audit.key"
t_conf audit_checkpoint_file "$T_DIR/keys/checkpoints"
t_write_config "$T_DIR/elsewhere.conf" "$T_DIR/elsewhere.db"
rc=0
"$DIALDESK_BIN" --config "$T_DIR/elsewhere.conf" migrate >/dev/null 2>&1 || rc=$?
expect_eq 0 "$rc" "migrate with audit_key_file and audit_checkpoint_file set exits 0"
expect_eq "600 32" "$(stat -c '%a %s' "$T_DIR/keys/audit.key" 2>/dev/null)" "the key is where audit_key_file says"
expect_match "^v1 seq=1 entries=1 last=1 hash=[0-9a-f]{64} time=[0-9T:.Z-]+ mac=[0-9a-f]{64}\$" \
    "$(tail -n 1 "$T_DIR/keys/checkpoints" 2>/dev/null)" "the first checkpoint is where audit_checkpoint_file says"
check "nothing is made beside that database" test ! -e "$T_DIR/elsewhere.db.audit-key"
