#!/usr/bin/env bash
# t7301-pg-engine.sh: `database = postgresql://...` runs dialdesk on
# PostgreSQL (a throw-away cluster): serve and worker refuse the database
# while it is behind (never migrated, then one step short) and say so
# without the URI's password; `dialdesk migrate` brings it to the binary's
# version, each step recorded in schema_migrations, and is a no-op run
# again; the host's own files (audit and do-not-call keys, checkpoints) go
# to state_dir, not beside a database file; then serve answers through
# nginx from PostgreSQL: a sign-in, a page, the audit chain it wrote
# verified. SQLite's refusal of a database one step behind is checked too.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

t_own_cluster
pg() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$DD_PG_SOCKET_URI" -c "$1"; }
pass=${DD_PG_URI#*://dialdesk:}
pass=${pass%%@*}

# --- SQLite: one step behind is refused ------------------------------------
mkdir -p "$T_DIR/run" "$T_DIR/uploads" "$T_DIR/sq"
t_write_config "$T_DIR/sq.conf" "sqlite:$T_DIR/sq/dialdesk.db"
"$DIALDESK_BIN" --config "$T_DIR/sq.conf" migrate >>"$T_LOG" 2>&1
sqlite3 "$T_DIR/sq/dialdesk.db" "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)"
rc=0
timeout 20 "$DIALDESK_BIN" --config "$T_DIR/sq.conf" serve >"$T_DIR/sq-serve.out" 2>&1 || rc=$?
expect_eq 1 "$([[ $rc -ne 0 ]] && grep -q 'run `dialdesk migrate` first' "$T_DIR/sq-serve.out" && echo 1)" \
    "SQLite (sqlite:PATH): serve refuses a database one step behind"

# --- PostgreSQL --------------------------------------------------------------
t_conf database "$DD_PG_URI"
t_conf state_dir "$T_DIR/state"
mkdir -p "$T_DIR/state"
t_write_config "$T_CONF" "$DD_PG_URI"

rc=0
timeout 20 "$DIALDESK_BIN" --config "$T_CONF" serve >"$T_DIR/serve0.out" 2>&1 || rc=$?
expect_eq 1 "$([[ $rc -ne 0 ]] && grep -q '`dialdesk migrate`' "$T_DIR/serve0.out" && echo 1)" \
    "serve refuses a PostgreSQL database never migrated" "$(cat "$T_DIR/serve0.out")"
rc=0
timeout 20 "$DIALDESK_BIN" --config "$T_CONF" worker --once >"$T_DIR/worker0.out" 2>&1 || rc=$?
expect_eq 1 "$([[ $rc -ne 0 ]] && grep -q 'dialdesk migrate' "$T_DIR/worker0.out" && echo 1)" \
    "the worker refuses it too" "$(cat "$T_DIR/worker0.out")"

version=$(dialdesk migrate 2>>"$T_LOG")
latest=$(ls "$DD_TOP"/sql/postgresql/*.sql | wc -l)
expect_match '^database at version [0-9]+$' "$version" "dialdesk migrate on PostgreSQL: $version"
expect_eq "$latest" "$(pg "SELECT count(*) FROM schema_migrations")" \
    "every step is recorded in schema_migrations ($latest)"
expect_eq "${version##* }" "$(pg "SELECT max(version) FROM schema_migrations")" \
    "the last one is the binary's version"
expect_eq "$version" "$(dialdesk migrate 2>>"$T_LOG")" "migrate again changes nothing"
expect_eq "$latest" "$(pg "SELECT count(*) FROM schema_migrations")" "no step recorded twice"
expect_eq "yes yes yes" "$(for f in audit-key dnc-key audit-checkpoints; do
	[[ -f $T_DIR/state/dialdesk.$f ]] && printf 'yes '; done | sed 's/ $//')" \
    "the key files and the checkpoints are made in state_dir"

# One step behind: refused again.
pg "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)"
rc=0
timeout 20 "$DIALDESK_BIN" --config "$T_CONF" serve >"$T_DIR/serve1.out" 2>&1 || rc=$?
expect_eq 1 "$([[ $rc -ne 0 ]] && grep -q "needs ${version##* }" "$T_DIR/serve1.out" && echo 1)" \
    "serve refuses a PostgreSQL database one step behind" "$(cat "$T_DIR/serve1.out")"
expect_eq "" "$(grep -F -- "$pass" "$T_DIR/serve1.out")" \
    "its message names the database without the URI's password"
expect_eq 1 "$(grep -q 'dialdesk:\*\*\*@127.0.0.1' "$T_DIR/serve1.out" && echo 1)" \
    "the password shows as ***" "$(cat "$T_DIR/serve1.out")"
pg "INSERT INTO schema_migrations SELECT ${version##* }, 'back', 0"

# Serving from PostgreSQL.
t_setup
t_start
if login admin "$ADMIN_PASS" "$T_DIR/jar"; then ok "sign-in on PostgreSQL"; else
	not_ok "sign-in on PostgreSQL" "status $R_STATUS"; fi
req "$T_DIR/jar" GET /tasks
expect_status 200 "a signed-in page answers from PostgreSQL"
expect_eq 1 "$(pg "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = 'admin'")" \
    "the session is a row of PostgreSQL's sessions"
expect_ge 1 "$(pg "SELECT count(*) FROM audit WHERE action = 'login.ok'")" \
    "the sign-in is in PostgreSQL's audit log"
out=$(dialdesk audit verify 2>&1) && rc=0 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify: the chain serve wrote is intact" "$out"
rc=0
out=$(dialdesk backup "$T_DIR/b.db" 2>&1) || rc=$?
expect_eq 1 "$([[ $rc -eq 2 ]] && grep -q 'pg_dump' <<<"$out" && echo 1)" \
    "dialdesk backup refuses PostgreSQL and names pg_dump" "$out"
