#!/usr/bin/env bash
# t7300-pg-schema.sh: the PostgreSQL migrations (sql/postgresql/) build the
# same schema as the SQLite ones (sql/): the same steps under the same
# names, each PostgreSQL step applied with psql in one transaction on a
# throw-away cluster, then every table's columns (type class, nullability,
# default), keys, foreign keys, checks and triggers, and every index,
# compared with the database `dialdesk migrate` makes (tests/pg/schema.py).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

PG_DIR=$T_DIR/pg
CLUSTER=$DD_TOP/tests/pg/cluster.sh
# The cluster goes before the state folder does, whatever ends the script.
trap 'rc=$?; "$CLUSTER" stop "$PG_DIR" >/dev/null 2>&1 || true; (exit $rc); t_teardown' EXIT

# make_list VAR: the files of Makefile.am's list VAR, one a line.
make_list() {
	sed -n -e "/^$1 = /,/[^\\\\]\$/p" "$DD_TOP/Makefile.am" |
	    sed -e "s/^$1 = //" -e 's/\\$//' | tr -s ' \t' '\n' | sed -e '/^$/d'
}

mapfile -t sqlite_list < <(make_list MIGRATIONS)
mapfile -t pg_list < <(make_list MIGRATIONS_POSTGRESQL)
steps_of() { local f; for f in "$@"; do basename "$f"; done; }
expect_eq "$(steps_of "${sqlite_list[@]}")" "$(steps_of "${pg_list[@]}")" \
    "Makefile.am lists the same steps for SQLite and PostgreSQL (${#pg_list[@]})"
expect_eq "$(steps_of "$DD_TOP"/sql/*.sql)" "$(steps_of "$DD_TOP"/sql/postgresql/*.sql)" \
    "sql/ and sql/postgresql/ hold the same files"
expect_eq "$(cd "$DD_TOP" && printf '%s\n' sql/postgresql/*.sql)" "$(printf '%s\n' "${pg_list[@]}")" \
    "every file of sql/postgresql/ is embedded, in order"

mkdir -p "$T_DIR/run" "$T_DIR/uploads"
# The SQLite side is a file whatever the suite's engine.
T_DB=$T_DIR/dialdesk.db
t_write_config "$T_CONF" "$T_DB"
rc=0
version=$(dialdesk migrate 2>"$T_DIR/migrate.err") || rc=$?
expect_eq 0 "$rc" "dialdesk migrate makes the SQLite database"
if [[ ${#pg_list[@]} -eq 0 ]]; then
	not_ok "Makefile.am lists the PostgreSQL migrations (MIGRATIONS_POSTGRESQL)"
	exit 1
fi
last=$(basename "${pg_list[-1]}")
last=${last%%_*}
expect_eq "database at version $((10#$last))" "$version" \
    "the binary's schema ends with the last PostgreSQL step ($last)"

if ! uri=$("$CLUSTER" start "$PG_DIR" 2>"$T_DIR/cluster.err"); then
	not_ok "a throw-away PostgreSQL cluster starts" "$(cat "$T_DIR/cluster.err")"
	exit 1
fi
ok "a throw-away PostgreSQL cluster starts"
psql=(psql -X -q -v ON_ERROR_STOP=1 -d "$uri")
# Its own names: the suite's DD_PG_* (DD_ENGINE=postgresql) stay as they are.
eval "$("$CLUSTER" env "$PG_DIR" | sed -e 's/DD_PG_/T_OWN_PG_/g')"
expect_eq "127.0.0.1|$PG_DIR|off" \
    "$(psql -X -A -t -d "$T_OWN_PG_ADMIN_URI" -c "SELECT current_setting('listen_addresses')
	|| '|' || current_setting('unix_socket_directories') || '|' || current_setting('fsync')")" \
    "it listens on 127.0.0.1 and a unix socket in its folder, fsync off"
expect_eq "dialdesk|false" "$(psql -X -A -t -d "$T_OWN_PG_SOCKET_URI" -c "SELECT current_user || '|' ||
	(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")" \
    "the URIs sign in as dialdesk, a role that is no superuser"
pg_owner=$(stat -c %U "$PG_DIR/data")
expect_eq 1 "$([[ $pg_owner != root ]] && echo 1)" "its files belong to an unprivileged user ($pg_owner)"

failed=
for f in "${pg_list[@]}"; do
	if ! "${psql[@]}" --single-transaction -f "$DD_TOP/$f" >>"$T_DIR/psql.log" 2>&1; then
		failed=$f
		break
	fi
done
if [[ -z $failed ]]; then
	ok "every PostgreSQL migration applies, each in one transaction"
else
	not_ok "every PostgreSQL migration applies, each in one transaction" \
	    "$failed failed:" "$(tail -n 5 "$T_DIR/psql.log")"
	exit 1
fi

if ! "${psql[@]}" -A -t -f "$DD_TOP/tests/pg/schema.sql" >"$T_DIR/pg-schema.json" 2>"$T_DIR/psql.err"; then
	not_ok "read PostgreSQL's catalogue" "$(cat "$T_DIR/psql.err")"
	exit 1
fi
python3 "$DD_TOP/tests/pg/schema.py" "$T_DB" "$T_DIR/pg-schema.json" ||
    T_FAILS=$((T_FAILS + 1))

# Ended: no such process, or one that only waits to be reaped.
pg_ended() { [[ $(ps -o stat= -p "$1" 2>/dev/null) == Z* ]] || ! kill -0 "$1" 2>/dev/null; }
read -r pg_pid <"$PG_DIR/data/postmaster.pid"
"$CLUSTER" stop "$PG_DIR"
expect_eq "gone" "$([[ ! -e $PG_DIR ]] && pg_ended "$pg_pid" && echo gone)" \
    "stop ends the server and removes its folder"
