# tests/integration/audit.sh: what the audit-chain tests share, sourced
# after lib.sh: a copy of the installation to tamper with, and the chain's
# hashes recomputed the way someone with the sqlite3 shell would, with no
# key, a guessed one, or (to prove the recomputation exact) the real one.
#
# audit_copy NAME: $T_DIR/NAME.db, a copy of the test's database with the
#   audit triggers dropped, the checkpoint file copied beside it, and
#   $T_DIR/NAME.conf naming the installation's own key file. Sets A_DB,
#   A_CONF and A_CP (the copy's checkpoint file).
# audit_sql SQL: run SQL on the copy with the sqlite3 shell.
# audit_verify: `dialdesk audit verify` on the copy: VERIFY_RC and OUT.
# audit_rehash FROM TO sha256|hmac [KEYFILE]: give entries FROM to TO (0:
#   to the end) of the copy new prev_hash/hash values: plain SHA-256 (the
#   rule before the key), or HMAC-SHA-256 under the entry key dialdesk
#   derives from KEYFILE's key.
# shellcheck shell=bash disable=SC2153,SC2034  # T_DIR and the rest come from lib.sh; OUT and VERIFY_RC are for the tests

A_KEY=$(t_local audit-key)
A_CHECKPOINTS=$(t_local audit-checkpoints)

audit_copy() {
	local state=$T_STATE_DIR
	A_CONF=$T_DIR/$1.conf
	if [[ $T_ENGINE == postgresql ]]; then
		# A database of its own (pg_dump: serve's connections stay), and
		# a state_dir of its own with the checkpoints.
		A_DB=$(t_pg_copy "$1") || exit 1
		T_STATE_DIR=$T_DIR/$1.local
		rm -rf "$T_STATE_DIR"
		mkdir -p "$T_STATE_DIR"
		A_CP=$(t_local audit-checkpoints)
		audit_sql "DROP TRIGGER IF EXISTS audit_no_update ON audit;
		    DROP TRIGGER IF EXISTS audit_no_delete ON audit;
		    DROP TRIGGER IF EXISTS audit_append_at_end ON audit;"
	else
		A_DB=$T_DIR/$1.db
		A_CP=$A_DB.audit-checkpoints
		rm -f "$A_DB" "$A_CP"
		sqlite3 "$T_DB" ".timeout 5000" ".backup '$A_DB'"
		audit_sql "DROP TRIGGER IF EXISTS audit_no_update;
		    DROP TRIGGER IF EXISTS audit_no_delete;
		    DROP TRIGGER IF EXISTS audit_append_at_end;"
	fi
	[[ -f $A_CHECKPOINTS ]] && cp "$A_CHECKPOINTS" "$A_CP"
	t_conf audit_key_file "$A_KEY"
	t_write_config "$A_CONF" "$A_DB"
	unset 'T_SET[audit_key_file]'
	T_STATE_DIR=$state
}

if [[ $T_ENGINE == postgresql ]]; then
	audit_sql() { psql -X -q -v ON_ERROR_STOP=1 -d "$A_DB" -c "$1" >/dev/null; }
else
	audit_sql() { sqlite3 -batch "$A_DB" "$1" >/dev/null; }
fi

audit_verify() {
	VERIFY_RC=0
	OUT=$("$DIALDESK_BIN" --config "$A_CONF" audit verify 2>&1) || VERIFY_RC=$?
}

audit_rehash() {
	python3 - "$A_DB" "$@" <<-'PY'
	import hashlib, hmac, sqlite3, struct, sys
	db, start, end, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
	key = None
	if mode == "hmac":
	    # crypto_kdf_derive_from_key(subkey 1, context "ddaudit1"): BLAKE2b
	    # keyed with the file's key, the subkey id as salt, the context as
	    # personalisation.
	    master = open(sys.argv[5], "rb").read()
	    key = hashlib.blake2b(b"", digest_size=32, key=master,
	        salt=struct.pack("<Q", 1) + bytes(8),
	        person=b"ddaudit1" + bytes(8)).digest()
	con = sqlite3.connect(db)
	row = con.execute("SELECT hash FROM audit WHERE id = ?", (start - 1,)).fetchone()
	prev = row[0] if row else "0" * 64
	rows = con.execute("SELECT id, json_array(id, ts, actor_id, actor, addr,"
	    " user_agent, action, object, details) FROM audit"
	    " WHERE id >= ? AND (? = 0 OR id <= ?) ORDER BY id",
	    (start, end, end)).fetchall()
	for ident, canonical in rows:
	    text = (prev + canonical).encode()
	    if key is None:
	        digest = hashlib.sha256(text).hexdigest()
	    else:
	        digest = hmac.new(key, text, hashlib.sha256).hexdigest()
	    con.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?",
	        (prev, digest, ident))
	    prev = digest
	con.commit()
	PY
}
