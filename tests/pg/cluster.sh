#!/usr/bin/env bash
# tests/pg/cluster.sh: a throw-away PostgreSQL cluster for the tests, in one
# folder that holds everything (data, unix socket, log) and goes with it.
#
#   cluster.sh start DIR   initdb into DIR (new or empty), start the server
#                          on a unix socket in DIR and on 127.0.0.1 at a free
#                          port; prints the libpq URI of database dialdesk
#   cluster.sh env DIR     prints shell `export` lines: DD_PG_URI (the same
#                          URI), DD_PG_SOCKET_URI (through the socket),
#                          DD_PG_ADMIN_URI (superuser, socket) and PGHOST,
#                          PGPORT, PGUSER, PGDATABASE for psql
#   cluster.sh stop DIR    stop the server at once and remove DIR
#
# DIR may instead come from DD_PG_DIR. The server never runs as root: run as
# root, it runs as DD_PG_RUN_AS (default nobody), which must be able to
# reach DIR. The role dialdesk (a password, CREATEDB, no superuser, as in
# production) owns the database dialdesk; the superuser postgres signs in
# through the socket only. Durability is switched off for speed (fsync,
# full_page_writes): the data is thrown away anyway, and synchronous_commit
# keeps its default so that what the program asks for per transaction is
# what it gets. DD_PG_DURABLE=1 keeps fsync and full_page_writes on, as in
# production: for bench/pg.sh, whose figures must be of durable commits. Needs PostgreSQL's server binaries (Debian: postgresql);
# DD_PG_BINDIR names their folder when pg_config does not.
set -euo pipefail
exec </dev/null

# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
DD_PROG=cluster.sh
MARK=.dialdesk-test-cluster

usage() {
	printf 'usage: %s start|env|stop DIR (or DD_PG_DIR)\n' "$0" >&2
	exit 2
}

# pg_bindir: the folder of initdb, pg_ctl and psql of one PostgreSQL.
pg_bindir() {
	local d
	if [[ -n ${DD_PG_BINDIR:-} ]]; then
		printf '%s\n' "$DD_PG_BINDIR"
		return 0
	fi
	d=$(pg_config --bindir 2>/dev/null) || d=
	if [[ -n $d && -x $d/initdb ]]; then
		printf '%s\n' "$d"
		return 0
	fi
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
		[[ -x $d/initdb ]] && { printf '%s\n' "$d"; return 0; }
	done
	d=$(command -v initdb) || dd_die "no initdb: install the Debian package postgresql"
	dirname "$d"
}

# as_owner COMMAND...: COMMAND as the user the server runs as, in DIR (the
# caller's folder may be closed to that user).
as_owner() {
	if [[ $(id -u) -eq 0 ]]; then
		(cd "$DIR" && setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" \
		    --clear-groups env HOME="$DIR" "$@")
	else
		(cd "$DIR" && "$@")
	fi
}

# admin_psql SQL: one statement as the superuser, through the socket.
admin_psql() {
	"$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U postgres \
	    -d postgres -c "$1" >/dev/null
}

start() {
	local pass i started=''
	if [[ -e $DIR ]]; then
		[[ -d $DIR && -z $(ls -A "$DIR") ]] || dd_die "$DIR exists and is not empty"
	fi
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd)
	# The socket path must fit in sun_path (107 bytes) with its name.
	((${#DIR} <= 80)) || dd_die "$DIR: too long a path for a unix socket"
	chmod 700 "$DIR"
	if [[ $(id -u) -eq 0 ]]; then
		chown "$RUN_AS:$(id -g "$RUN_AS")" "$DIR"
		as_owner test -w "$DIR" ||
		    dd_die "$RUN_AS cannot write to $DIR (every folder above it must let it through)"
	fi
	: >"$DIR/$MARK"
	if ! as_owner "$BINDIR/initdb" -D "$DIR/data" -U postgres -E UTF8 --locale=C \
	    --auth-local=trust --auth-host=scram-sha-256 --no-sync --no-instructions \
	    >"$DIR/initdb.log" 2>&1; then
		cat "$DIR/initdb.log" >&2
		dd_die "initdb failed"
	fi
	cat >>"$DIR/data/postgresql.conf" <<-EOF
	# tests/pg/cluster.sh
	listen_addresses = '127.0.0.1'
	unix_socket_directories = '$DIR'
	unix_socket_permissions = 0700
	fsync = $FSYNC
	full_page_writes = $FSYNC
	max_connections = 200
	max_wal_size = 1GB
	timezone = 'UTC'
	log_timezone = 'UTC'
	log_min_messages = warning
	EOF
	# Another test may take the port between the choice and the bind.
	for ((i = 0; i < 5; i++)); do
		PORT=$(dd_pick_port) || dd_die "no free port"
		if as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -o "-p $PORT" \
		    -w -t 60 start >/dev/null 2>&1; then
			started=1
			break
		fi
		grep -q 'could not bind\|Address already in use' "$DIR/server.log" 2>/dev/null ||
		    break
	done
	if [[ -z $started ]]; then
		tail -n 20 "$DIR/server.log" >&2 || true
		dd_die "the PostgreSQL server did not start"
	fi
	pass=$(dd_random_hex 16)
	admin_psql "CREATE ROLE dialdesk LOGIN CREATEDB PASSWORD '$pass'"
	admin_psql "CREATE DATABASE dialdesk OWNER dialdesk"
	(
		umask 077
		cat >"$DIR/env" <<-EOF
		export DD_PG_URI='postgresql://dialdesk:$pass@127.0.0.1:$PORT/dialdesk'
		export DD_PG_SOCKET_URI='postgresql:///dialdesk?host=$DIR&port=$PORT&user=dialdesk'
		export DD_PG_ADMIN_URI='postgresql:///postgres?host=$DIR&port=$PORT&user=postgres'
		export PGHOST='$DIR' PGPORT='$PORT' PGUSER='dialdesk' PGDATABASE='dialdesk'
		EOF
	)
	printf 'postgresql://dialdesk:%s@127.0.0.1:%s/dialdesk\n' "$pass" "$PORT"
}

stop() {
	local pid
	[[ -d $DIR ]] || return 0
	[[ -e $DIR/$MARK ]] || dd_die "$DIR is not a cluster of this script: left alone"
	if [[ -f $DIR/data/postmaster.pid ]]; then
		if ! as_owner "$BINDIR/pg_ctl" -D "$DIR/data" -m immediate -w -t 20 stop \
		    >/dev/null 2>&1; then
			read -r pid <"$DIR/data/postmaster.pid" || pid=
			if [[ -n $pid ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
		fi
	fi
	rm -rf "$DIR"
}

[[ $# -ge 1 ]] || usage
cmd=$1
DIR=${2:-${DD_PG_DIR:-}}
[[ -n $DIR ]] || usage
RUN_AS=${DD_PG_RUN_AS:-nobody}
FSYNC=off
[[ ${DD_PG_DURABLE:-} == 1 ]] && FSYNC=on
BINDIR=$(pg_bindir)
PORT=
case $cmd in
start) start ;;
env)
	[[ -f $DIR/env ]] || dd_die "$DIR: no cluster started there"
	cat "$DIR/env"
	;;
stop) stop ;;
*) usage ;;
esac
