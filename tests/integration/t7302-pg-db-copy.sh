#!/usr/bin/env bash
# t7302-pg-db-copy.sh: `dialdesk db copy --from sqlite:PATH --to
# postgresql://...` moves an installation that has been used (users,
# sessions, sign-ins in the audit log, a checkpoint) to a new PostgreSQL
# database: refused while serve holds the SQLite file open and when the
# target is not a URI; then every table arrives with its rows and ids,
# `dialdesk audit verify` passes on the target with the same key and
# checkpoint files, a second copy into the now full target is refused and
# changes nothing, new rows take ids after the copied ones, and serve on
# the target signs in the copied admin with their password.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_engine sqlite "the source of the copy is a SQLite installation (the target is a cluster of its own, so the SQLite run covers it)"

# The source is an SQLite installation whatever engine the suite runs on;
# the target is this test's own cluster.
if [[ ${DD_ENGINE:-sqlite} != sqlite ]]; then
	printf 'ok - %s # SKIP sqlite only: the copy starts from an SQLite installation\n' "${DD_PROG%.sh}"
	exit 0
fi

t_own_cluster
psql -X -q -v ON_ERROR_STOP=1 -d "$DD_PG_ADMIN_URI" -c \
    "CREATE DATABASE moved OWNER dialdesk ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
TARGET="postgresql:///moved?host=$PG_DIR&port=$PGPORT&user=dialdesk"
pg() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$TARGET" -c "$1"; }

# The SQLite installation, used.
t_start
login admin "$ADMIN_PASS" "$T_DIR/jar" || not_ok "sign-in on SQLite"
login operator "$OPERATOR_PASS" "$T_DIR/jar2" || not_ok "sign-in on SQLite"
req - POST /login --data-urlencode "username=admin" --data-urlencode "password=wrong" >/dev/null
dialdesk audit checkpoint >>"$T_LOG" 2>&1

rc=0
out=$(dialdesk db copy --from "sqlite:$T_DB" --to "$TARGET" 2>&1) || rc=$?
expect_eq 1 "$([[ $rc -eq 1 ]] && grep -q 'stop dialdesk serve and worker first' <<<"$out" && echo 1)" \
    "refused while serve has the SQLite file open" "$out"
t_stop
rc=0
out=$(dialdesk db copy --from "sqlite:$T_DB" --to "$T_DIR/other.db" 2>&1) || rc=$?
expect_eq 1 "$([[ $rc -eq 1 ]] && grep -q 'postgresql:// URI' <<<"$out" && echo 1)" \
    "refused when --to is no PostgreSQL URI" "$out"

rc=0
dialdesk db copy --from "sqlite:$T_DB" --to "$TARGET" >"$T_DIR/copy.out" 2>"$T_DIR/copy.err" || rc=$?
expect_eq 0 "$rc" "dialdesk db copy into a new PostgreSQL database" "$(cat "$T_DIR/copy.err")"
expect_eq 1 "$(grep -q 'audit verify' "$T_DIR/copy.out" && echo 1)" "it says what to check next"
for t in users sessions audit login_failures login_known; do
	expect_eq "$(sql "SELECT count(*) FROM $t")" "$(pg "SELECT count(*) FROM $t")" \
	    "table $t: as many rows on the target"
done
expect_eq "$(sql "SELECT group_concat(id || ':' || name || ':' || role || ':' || pwhash, ',') FROM (SELECT * FROM users ORDER BY id)")" \
    "$(pg "SELECT string_agg(id || ':' || name || ':' || role || ':' || pwhash, ',' ORDER BY id) FROM users")" \
    "users arrive with their ids, roles and password hashes"
expect_eq "$(sql "SELECT hex(token_hash) FROM sessions ORDER BY id LIMIT 1")" \
    "$(pg "SELECT upper(encode(token_hash, 'hex')) FROM sessions ORDER BY id LIMIT 1")" \
    "a session's token hash arrives byte for byte (bytea)"
expect_eq "$(sql "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")" \
    "$(pg "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")" "the audit head is the same"
# Without statistics the planner takes the list pages' statements to a
# bitmap scan and a sort (a 100,000-entry audit page: 70 ms, not 0.1 ms).
expect_eq 0 "$(pg "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('audit', 'tasks', 'batches', 'pushes', 'users') AND last_analyze IS NULL")" \
    "every copied table has the planner's statistics (ANALYZE after the copy)"
expect_eq "$(sql "SELECT max(version) FROM schema_migrations")" \
    "$(pg "SELECT max(version) FROM schema_migrations")" "the target is at the source's schema version"

# The target's configuration: the same key and checkpoint files.
{
	printf 'database = %s\n' "$TARGET"
	grep -v '^database' "$T_CONF"
	printf 'audit_key_file = %s\naudit_checkpoint_file = %s\ndnc_key_file = %s\n' \
	    "$T_DB.audit-key" "$T_DB.audit-checkpoints" "$T_DB.dnc-key"
} >"$T_DIR/pg.conf"
rc=0
out=$("$DIALDESK_BIN" --config "$T_DIR/pg.conf" audit verify 2>&1) || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify passes on the target" "$out"
expect_eq 1 "$(grep -q 'checkpoints agree' <<<"$out" && echo 1)" "its checkpoints agree with the copy" "$out"

before=$(pg "SELECT count(*) FROM audit")
rc=0
out=$("$DIALDESK_BIN" --config "$T_DIR/pg.conf" db copy --from "sqlite:$T_DB" --to "$TARGET" 2>&1) || rc=$?
expect_eq 1 "$([[ $rc -eq 1 ]] && grep -q 'copy into a new database' <<<"$out" && echo 1)" \
    "a second copy into the full target is refused" "$out"
expect_eq "$before" "$(pg "SELECT count(*) FROM audit")" "and changes nothing"

maxid=$(pg "SELECT max(id) FROM users")
printf '%s\n' 'Newcomer-pass-5521' | "$DIALDESK_BIN" --config "$T_DIR/pg.conf" user add newcomer --role operator >>"$T_LOG" 2>&1
expect_eq "$((maxid + 1))" "$(pg "SELECT id FROM users WHERE name = 'newcomer'")" \
    "a user added on the target takes the id after the copied ones"

# serve on the target.
T_CONF=$T_DIR/pg.conf
t_start_serve
T_NGINX_PID=
user=$(dd_nginx_user "$T_DIR/static" "$T_DIR/run")
dd_nginx_local "$T_DIR/nginx2.conf" "$T_PORT" "$T_DIR" "$T_SOCK" "$T_DIR/static" "$user" "$T_BODY_MAX"
dd_nginx_start "$T_DIR/nginx2.conf" "$T_DIR" && T_NGINX_PID=$DD_PID
dd_wait_http "$BASE/login" 200 20 "$T_SERVE_PID" "$T_NGINX_PID" || not_ok "serve on the target answers"
if login admin "$ADMIN_PASS" "$T_DIR/jar3"; then ok "the copied admin signs in on PostgreSQL"; else
	not_ok "the copied admin signs in on PostgreSQL" "status $R_STATUS"; fi
req "$T_DIR/jar3" GET /tasks
expect_status 200 "and is served a page"
