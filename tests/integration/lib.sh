# tests/integration/lib.sh: what every tNNNN-*.sh sources. It sets up a
# private dialdesk behind nginx (a temporary state folder, free loopback
# port, config, migrated database, users admin/operator/auditor), tears it
# all down on exit, and gives the helpers the tests are written in: one
# request at a time (req, login, csrf_of) and checks that print TAP-like
# `ok - ...` / `not ok - ...` lines (expect_status, expect_header, ...).
#
# Environment: DIALDESK_BIN (default build/dialdesk), TEMPLATES (default the
# repository's templates/), STATIC (default static/), T_KEEP=1 keeps the
# state folder for a look afterwards. DD_ENGINE=postgresql (the default is
# sqlite) runs the test on PostgreSQL: it needs a cluster started by the
# caller (tests/pg/cluster.sh; run.sh starts one when none is named) and
# its DD_PG_URI and DD_PG_ADMIN_URI; each test gets a database of its own,
# dropped at the end, and sql() goes through psql.
# shellcheck shell=bash
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
DD_PROG=${0##*/}

DIALDESK_BIN=${DIALDESK_BIN:-$DD_TOP/build/dialdesk}
[[ $DIALDESK_BIN == /* ]] || DIALDESK_BIN=$PWD/$DIALDESK_BIN
TEMPLATES=${TEMPLATES:-$DD_TOP/templates}
STATIC=${STATIC:-$DD_TOP/static}

# Known passwords of the three users every test starts with.
ADMIN_PASS='Admin-pass-4821'
OPERATOR_PASS='Operator-pass-7365'
AUDITOR_PASS='Auditor-pass-1937'

T_FAILS=0
T_SKIPS=0
T_SERVE_PID=
T_NGINX_PID=
T_PORT=
BASE=
T_BODY_MAX=50m
T_SET_UP=
declare -A T_SET=()

T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dialdesk-test.XXXXXX")
# nginx's workers (www-data) need to reach the socket and the static copy.
chmod 755 "$T_DIR"
T_CONF=$T_DIR/dialdesk.conf
T_DB=$T_DIR/dialdesk.db
T_ENGINE=${DD_ENGINE:-sqlite}
T_PG_DB=
T_PG_ADMIN=
T_PG_BASE=
T_SOCK=$T_DIR/run/dialdesk.sock
T_LOG=$T_DIR/serve.log
R_HEADERS=$T_DIR/response.headers
R_BODY=$T_DIR/response.body
R_STATUS=000

# Sanitizer reports (ASan build) go to files, from every process, the
# forked workers included; the teardown turns any into a failure.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$T_DIR/sanitizer"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$T_DIR/sanitizer"

# --- results ---------------------------------------------------------------

ok() { printf 'ok - %s\n' "$1"; }

# skip DESC WHY: a check that does not apply here; run.sh counts it as
# skipped, neither passed nor failed.
skip() {
	printf 'ok - %s # SKIP %s\n' "$1" "$2"
	T_SKIPS=$((T_SKIPS + 1))
}

# not_ok DESC [DETAIL...]: a failure, with details as comment lines.
not_ok() {
	local d
	printf 'not ok - %s\n' "$1"
	shift
	for d in "$@"; do
		printf '%s\n' "$d" | sed -e 's/^/#   /'
	done
	T_FAILS=$((T_FAILS + 1))
}

# check DESC COMMAND...: ok when COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "command failed: $*"; fi
}

# --- the private installation ---------------------------------------------

# t_conf KEY VALUE: a config value of this test (before t_setup/t_start).
t_conf() { T_SET[$1]=$2; }

# t_write_config FILE DATABASE: the config for this test's installation:
# the defaults below, with the test's t_conf values in their place.
t_write_config() {
	local file=$1 db=$2 k
	local -A kv=(
		[database]=$db
		[socket]=$T_SOCK
		[socket_group]=www-data
		[workers]=2
		[templates]=$TEMPLATES
		[upload_dir]=$T_DIR/uploads
		[public_url]=http://127.0.0.1:${T_PORT:-8080}
		[callback_token]=test-callback-token-0123456789
	)
	# With a URI, host-local files go to a folder of their own.
	[[ $db == postgresql:* ]] && kv[state_dir]=$T_STATE_DIR
	for k in "${!T_SET[@]}"; do
		kv[$k]=${T_SET[$k]}
	done
	{
		printf '# dialdesk.conf written by %s\n' "$DD_PROG"
		for k in "${!kv[@]}"; do
			printf '%s = %s\n' "$k" "${kv[$k]}"
		done | sort
	} >"$file"
}

# dialdesk ARGS...: the program under test, with this test's config.
dialdesk() { "$DIALDESK_BIN" --config "$T_CONF" "$@"; }

# sql QUERY: run QUERY on this test's database. On PostgreSQL through
# psql, printing as sqlite3 does (fields split by |, no header, NULL as
# nothing), with the SQLite functions the tests use (tests/pg/compat.sql)
# on the session's search path only.
if [[ $T_ENGINE == postgresql ]]; then
	sql() {
		PGOPTIONS='-c search_path=public,dd_test -c client_min_messages=warning' \
		    psql -X -A -t -F '|' -q -v ON_ERROR_STOP=1 -d "$T_DB" -c "$1"
	}
else
	sql() { sqlite3 -batch -cmd '.timeout 5000' "$T_DB" "$1"; }
fi

# sql_blob HEX: a literal of those bytes in this engine's SQL.
sql_blob() {
	if [[ $T_ENGINE == postgresql ]]; then
		printf "'\\\\x%s'::bytea" "$1"
	else
		printf "x'%s'" "$1"
	fi
}

# sql_hex EXPR: EXPR (bytes) as hex digits, in this engine's SQL.
sql_hex() {
	if [[ $T_ENGINE == postgresql ]]; then
		printf "encode(%s, 'hex')" "$1"
	else
		printf 'hex(%s)' "$1"
	fi
}

# sql_text EXPR: EXPR (bytes) read as UTF-8 text, in this engine's SQL.
sql_text() {
	if [[ $T_ENGINE == postgresql ]]; then
		printf "convert_from(%s, 'UTF8')" "$1"
	else
		printf 'CAST(%s AS TEXT)' "$1"
	fi
}

# sql_bytes_sha256 QUERY: the SHA-256 of the bytes QUERY's one column
# gives, its rows joined in the order it returns them.
sql_bytes_sha256() {
	sql "$1" | python3 -c 'import binascii, hashlib, sys
print(hashlib.sha256(binascii.unhexlify("".join(sys.stdin.read().split()))).hexdigest())'
}

# t_local NAME: the path of a host-local file dialdesk keeps beside its
# database (audit-key, audit-checkpoints, vendor-journal, dnc-key,
# worker.heartbeat): on SQLite the database's path plus .NAME (the
# heartbeat: in the database's folder), with a URI state_dir/dialdesk.NAME
# (the heartbeat: state_dir/worker.heartbeat), as docs/CONFIG.md says.
t_local() {
	if [[ $T_ENGINE == postgresql && $1 == worker.heartbeat ]]; then
		printf '%s/%s\n' "$T_STATE_DIR" "$1"
	elif [[ $T_ENGINE == postgresql ]]; then
		printf '%s/dialdesk.%s\n' "$T_STATE_DIR" "$1"
	elif [[ $1 == worker.heartbeat ]]; then
		printf '%s/%s\n' "$(dirname "$T_DB")" "$1"
	else
		printf '%s.%s\n' "$T_DB" "$1"
	fi
}

# sql_has TYPE NAME: prints NAME when the database has that table or
# trigger (TYPE table or trigger).
sql_has() {
	if [[ $T_ENGINE == postgresql ]]; then
		case $1 in
		table) sql "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = '$2'" ;;
		trigger) sql "SELECT DISTINCT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname = '$2'" ;;
		esac
	else
		sql "SELECT name FROM sqlite_master WHERE type = '$1' AND name = '$2'"
	fi
}

# sql_drop_trigger NAME TABLE: the statement dropping trigger NAME of TABLE.
sql_drop_trigger() {
	if [[ $T_ENGINE == postgresql ]]; then
		printf 'DROP TRIGGER %s ON %s' "$1" "$2"
	else
		printf 'DROP TRIGGER %s' "$1"
	fi
}

# sql_schema: the whole schema as text, to compare before and after.
sql_schema() {
	if [[ $T_ENGINE == postgresql ]]; then
		# Not the \restrict lines: their key is new at every dump.
		pg_dump --schema-only --schema=public --no-owner -d "$T_DB" |
		    grep -v '^\\\(un\)\{0,1\}restrict '
	else
		sql '.schema'
	fi
}

# t_engine ENGINE WHY: this test's subject is ENGINE itself (its shell, its
# files, its locks): on another engine it reports one skip, saying WHY, and
# ends.
t_engine() {
	[[ $T_ENGINE == "$1" ]] && return 0
	skip "${DD_PROG%.sh}" "$1 only, not $T_ENGINE: $2"
	exit 0
}

# audit_count ACTION: audit entries with that action.
audit_count() { sql "SELECT count(*) FROM audit WHERE action = '$1'"; }

# t_add_user NAME ROLE PASSWORD
t_add_user() {
	printf '%s\n' "$3" | dialdesk user add "$1" --role "$2" >>"$T_LOG" 2>&1
}

# t_setup: config, migrated database and the three users, no server.
t_setup() {
	[[ -n $T_SET_UP ]] && return 0
	T_SET_UP=1
	[[ -n $T_PORT ]] || T_PORT=$(dd_pick_port)
	BASE=http://127.0.0.1:$T_PORT
	mkdir -p "$T_DIR/run" "$T_DIR/uploads"
	t_write_config "$T_CONF" "$T_DB"
	if ! dialdesk migrate >>"$T_LOG" 2>&1; then
		not_ok "setup: dialdesk migrate" "$(tail -n 20 "$T_LOG")"
		exit 1
	fi
	if ! t_add_user admin admin "$ADMIN_PASS" ||
	    ! t_add_user operator operator "$OPERATOR_PASS" ||
	    ! t_add_user auditor auditor "$AUDITOR_PASS"; then
		not_ok "setup: dialdesk user add" "$(tail -n 20 "$T_LOG")"
		exit 1
	fi
}

# t_nginx_body_max SIZE: client_max_body_size of this test's nginx.
t_nginx_body_max() { T_BODY_MAX=$1; }

# t_start_serve: start `dialdesk serve` and wait for its socket.
t_start_serve() {
	local i
	dd_serve_start "$DIALDESK_BIN" "$T_CONF" "$T_LOG"
	T_SERVE_PID=$DD_PID
	for ((i = 0; i < 100; i++)); do
		[[ -S $T_SOCK ]] && return 0
		dd_alive "$T_SERVE_PID" || break
		sleep 0.1
	done
	not_ok "setup: dialdesk serve creates $T_SOCK" "$(tail -n 20 "$T_LOG")"
	exit 1
}

# t_start: the whole stack, serving http://127.0.0.1:$T_PORT ($BASE).
# nginx serves a copy of static/ from the state folder, next to the
# config, so that a path escaping /static/ would find the config.
t_start() {
	local user
	t_setup
	mkdir -p "$T_DIR/static"
	if [[ -d $STATIC ]]; then
		cp -R "$STATIC/." "$T_DIR/static/"
	fi
	user=$(dd_nginx_user "$T_DIR/static" "$T_DIR/run")
	dd_nginx_local "$T_DIR/nginx.conf" "$T_PORT" "$T_DIR" "$T_SOCK" \
	    "$T_DIR/static" "$user" "$T_BODY_MAX" ||
	    { not_ok "setup: derive the nginx config"; exit 1; }
	t_start_serve
	if ! dd_nginx_start "$T_DIR/nginx.conf" "$T_DIR"; then
		not_ok "setup: nginx starts" "$(tail -n 20 "$T_DIR/nginx-error.log" 2>/dev/null)"
		exit 1
	fi
	T_NGINX_PID=$DD_PID
	if ! dd_wait_http "$BASE/login" 200 20 "$T_SERVE_PID" "$T_NGINX_PID"; then
		not_ok "setup: GET /login answers 200" \
		    "$(tail -n 20 "$T_LOG")" "$(tail -n 5 "$T_DIR/nginx-error.log" 2>/dev/null)"
		exit 1
	fi
}

# t_stop_serve: SIGTERM to `dialdesk serve`; returns its exit status.
t_stop_serve() {
	local pid=$T_SERVE_PID
	T_SERVE_PID=
	[[ -n $pid ]] || return 0
	dd_stop "$pid" 10
}

# task_of_500 USER_ID ROWS: import 1, confirmed, and its task 1 of ROWS rows
# cut into 500 batches, sending: the task of 500 batches that t7402, t7456
# and t7457 each give their own batches and pushes.
task_of_500() {
	sql "INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
	    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col,
	    rows_read, valid) VALUES (1, $1, strftime('%s', 'now'), 'confirmed', '{}',
	    'big.csv', '', 1, 'x', 'csv', 'utf-8', ',', '[\"手机号\"]', 0, -1, $2, $2);
	    INSERT INTO tasks (id, import_id, user_id, name, params, login_name, created, state,
	    rows, batch_count) VALUES (1, 1, $1, '五百批', '{}', 'l', strftime('%s', 'now'),
	    'sending', $2, 500)"
}

# t_stop: stop nginx and dialdesk, then turn every sanitizer report the
# processes left into a failure. The teardown calls it; a script that counts
# results itself calls it first.
t_stop() {
	local f
	if [[ -n $T_NGINX_PID ]]; then
		dd_stop "$T_NGINX_PID" 5 || true
		T_NGINX_PID=
	fi
	t_stop_serve || true
	for f in "$T_DIR"/sanitizer.*; do
		[[ -e $f ]] || continue
		not_ok "no sanitizer report (${f##*/})" "$(head -n 40 "$f")"
		mv "$f" "$T_DIR/seen-${f##*/}"
	done
}

t_teardown() {
	local rc=$?
	trap - EXIT
	t_stop
	t_pg_drop
	if [[ $T_FAILS -gt 0 || $rc -ne 0 ]]; then
		[[ -s $T_LOG ]] && printf '# dialdesk log (last lines):\n%s\n' \
		    "$(tail -n 15 "$T_LOG" | sed -e 's/^/#   /')"
		[[ -s $T_DIR/nginx-error.log ]] && printf '# nginx error log (last lines):\n%s\n' \
		    "$(tail -n 5 "$T_DIR/nginx-error.log" | sed -e 's/^/#   /')"
	fi
	if [[ ${T_KEEP:-} == 1 ]]; then
		printf '# state kept in %s\n' "$T_DIR"
	else
		rm -rf "$T_DIR"
	fi
	[[ $rc -eq 0 && $T_FAILS -gt 0 ]] && rc=1
	exit "$rc"
}
trap t_teardown EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# --- PostgreSQL: a database of this test's own -------------------------------

# t_pg_create: a fresh database owned by the cluster's role dialdesk, in
# SQLite's byte order (docs/SCALING.md), with tests/pg/compat.sql; T_DB
# becomes its URI (DD_PG_URI with the database's name in place).
t_pg_create() {
	local base=${DD_PG_URI:-} admin=${DD_PG_ADMIN_URI:-} name err
	if [[ -z $base || -z $admin ]]; then
		not_ok "setup: DD_ENGINE=postgresql needs DD_PG_URI and DD_PG_ADMIN_URI" \
		    "start a cluster (tests/pg/cluster.sh start DIR; eval \"\$(tests/pg/cluster.sh env DIR)\"), or let run.sh start one"
		exit 1
	fi
	name=dd_$(dd_random_hex 6)_${DD_PROG%%-*}
	if ! err=$(psql -X -q -v ON_ERROR_STOP=1 -d "$admin" 2>&1 <<-EOF
		CREATE DATABASE $name OWNER dialdesk ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
		\\connect $name
		\\i $DD_TOP/tests/pg/compat.sql
		EOF
	); then
		not_ok "setup: create the test's PostgreSQL database $name" "$err"
		exit 1
	fi
	T_PG_DB=$name
	# Kept: a test may name another cluster in DD_PG_* later (t7300).
	T_PG_ADMIN=$admin T_PG_BASE=$base
	# The URI's path is the database: the part between host and ? changes.
	T_DB=$(t_pg_uri "$name")
	T_STATE_DIR=$T_DIR/local
	mkdir -p "$T_STATE_DIR"
}

# t_pg_uri NAME: DD_PG_URI naming database NAME.
t_pg_uri() {
	printf '%s\n' "${T_PG_BASE:-$DD_PG_URI}" | sed -e "s|^\(postgresql://[^/]*\)/[^?]*|\1/$1|"
}

# t_pg_copy SUFFIX: a copy of the test's database (pg_dump, so that the
# test's processes may stay connected), named after it and so dropped with
# it at the end; prints its URI.
t_pg_copy() {
	local name=${T_PG_DB}_$1 err
	if ! err=$(psql -X -q -v ON_ERROR_STOP=1 -d "$T_PG_ADMIN" 2>&1 \
	    -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
	    -c "CREATE DATABASE $name OWNER dialdesk ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"); then
		not_ok "setup: create database $name" "$err"
		return 1
	fi
	if ! err=$(pg_dump --no-owner -d "$T_DB" 2>&1 |
	    psql -X -q -v ON_ERROR_STOP=1 -d "$(t_pg_uri "$name")" 2>&1 >/dev/null); then
		not_ok "setup: copy the test's database to $name" "$err"
		return 1
	fi
	t_pg_uri "$name"
}

# t_pg_drop: the test's databases go (every process of the test stopped).
t_pg_drop() {
	local name
	[[ -n $T_PG_DB ]] || return 0
	[[ ${T_KEEP:-} == 1 ]] && { printf '# database %s kept\n' "$T_PG_DB"; return 0; }
	for name in $(psql -X -A -t -d "$T_PG_ADMIN" -c "SELECT datname FROM pg_database
	    WHERE datname = '$T_PG_DB' OR starts_with(datname, '${T_PG_DB}_')" 2>/dev/null) "$T_PG_DB"; do
		psql -X -q -d "$T_PG_ADMIN" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" \
		    >/dev/null 2>&1 || printf '# could not drop database %s\n' "$name"
	done
	T_PG_DB=
}

T_STATE_DIR=$T_DIR/local
case $T_ENGINE in
sqlite) ;;
postgresql) t_pg_create ;;
*)
	not_ok "setup: DD_ENGINE is sqlite or postgresql, not $T_ENGINE"
	exit 1
	;;
esac

if [[ ! -x $DIALDESK_BIN ]]; then
	not_ok "dialdesk binary at $DIALDESK_BIN" "build it first (scripts/check.sh does)"
	exit 1
fi

# --- requests ----------------------------------------------------------------

# req JAR METHOD PATH [CURL-ARGS...]: one request to nginx, not following
# redirects. JAR is a cookie jar file, read and updated, or - for none.
# The answer: R_STATUS (000 when the connection failed), the headers in
# $R_HEADERS, the body in $R_BODY.
req() {
	local jar=$1 method=$2 path=$3 jar_args=()
	shift 3
	[[ $jar != - ]] && jar_args=(-b "$jar" -c "$jar")
	: >"$R_HEADERS"
	: >"$R_BODY"
	R_STATUS=$(curl -sS --path-as-is --max-time 30 -X "$method" \
	    -o "$R_BODY" -D "$R_HEADERS" -w '%{http_code}' \
	    "${jar_args[@]}" "$@" "$BASE$path" 2>"$T_DIR/curl.err") || R_STATUS=000
}

# csrf_of JAR PATH: GET PATH and print the csrf token of its first form.
csrf_of() {
	req "$1" GET "$2"
	grep -o '<input[^>]*name="csrf"[^>]*>' "$R_BODY" | head -n 1 |
	    sed -n -e 's/.*value="\([0-9A-Za-z_-]*\)".*/\1/p' | grep . || {
		printf '# no csrf token on %s (status %s)\n' "$2" "$R_STATUS" >&2
		return 1
	}
}

# login USER PASS JAR [CURL-ARGS...]: sign in through the form like a
# browser: GET /login for the token, then POST it. Succeeds on 303; the
# answer is left in R_* either way.
login() {
	local user=$1 pass=$2 jar=$3 csrf
	shift 3
	csrf=$(csrf_of "$jar" /login) || csrf=
	req "$jar" POST /login --data-urlencode "csrf=$csrf" \
	    --data-urlencode "username=$user" --data-urlencode "password=$pass" "$@"
	[[ $R_STATUS == 303 ]]
}

# header NAME: the values of header NAME in the last answer, one a line.
header() {
	tr -d '\r' <"$R_HEADERS" | sed -n -e "s/^$1:[[:space:]]*//Ip"
}

# r_summary: the last answer, for failure details.
r_summary() {
	printf 'status %s\n' "$R_STATUS"
	tr -d '\r' <"$R_HEADERS" | head -n 20
	head -c 600 "$R_BODY"
	[[ -s $T_DIR/curl.err ]] && cat "$T_DIR/curl.err"
	return 0
}

# --- checks on the last answer -----------------------------------------------

# expect_status WANT DESC
expect_status() {
	if [[ $R_STATUS == "$1" ]]; then ok "$2"; else not_ok "$2" "want status $1" "$(r_summary)"; fi
}

# expect_header NAME REGEX DESC: some NAME header matches the extended REGEX.
expect_header() {
	if header "$1" | grep -qE -- "$2"; then
		ok "$3"
	else
		not_ok "$3" "want a $1 header matching $2" "$(r_summary)"
	fi
}

# expect_no_header NAME REGEX DESC: no NAME header matches REGEX.
expect_no_header() {
	if header "$1" | grep -qE -- "$2"; then
		not_ok "$3" "unwanted $1 header matching $2" "$(r_summary)"
	else
		ok "$3"
	fi
}

# expect_body_contains TEXT DESC
expect_body_contains() {
	if grep -qF -- "$1" "$R_BODY"; then ok "$2"; else not_ok "$2" "want body with: $1" "$(r_summary)"; fi
}

# expect_body_lacks TEXT DESC
expect_body_lacks() {
	if grep -qF -- "$1" "$R_BODY"; then not_ok "$2" "unwanted body text: $1" "$(r_summary)"; else ok "$2"; fi
}

# expect_location REGEX DESC: the Location header, made relative to this
# site when absolute, matches the whole extended REGEX (write \? for ?).
expect_location() {
	local loc
	loc=$(header Location | head -n 1)
	loc=${loc#"$BASE"}
	if [[ $loc =~ ^($1)$ ]]; then
		ok "$2"
	else
		not_ok "$2" "want Location matching $1, got '$loc'" "$(r_summary)"
	fi
}

# expect_eq WANT GOT DESC
expect_eq() {
	if [[ $2 == "$1" ]]; then ok "$3"; else not_ok "$3" "want '$1', got '$2'"; fi
}

# expect_match REGEX TEXT DESC: TEXT matches the extended REGEX.
expect_match() {
	if [[ $2 =~ $1 ]]; then ok "$3"; else not_ok "$3" "want a match of $1 in:" "$2"; fi
}

# expect_ge MIN GOT DESC: the number GOT is at least MIN.
expect_ge() {
	if [[ $2 =~ ^[0-9]+$ ]] && (($2 >= $1)); then ok "$3"; else not_ok "$3" "want at least $1, got '$2'"; fi
}

# t_own_cluster: a throw-away PostgreSQL cluster of this test's own in
# $T_DIR/pg (PG_DIR; CLUSTER is tests/pg/cluster.sh), its DD_PG_* and PG*
# exported here, stopped at exit before t_teardown. Without PostgreSQL's
# server binaries the test reports one skip and ends; a cluster that does
# not start fails it.
t_own_cluster() {
	PG_DIR=$T_DIR/pg
	CLUSTER=$DD_TOP/tests/pg/cluster.sh
	trap 'rc=$?; "$CLUSTER" stop "$PG_DIR" >/dev/null 2>&1 || true; (exit $rc); t_teardown' EXIT
	if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null &&
	    ! command -v initdb >/dev/null && [[ -z ${DD_PG_BINDIR:-} ]]; then
		ok "skip: no PostgreSQL server binaries (Debian: postgresql)"
		exit 0
	fi
	if ! "$CLUSTER" start "$PG_DIR" >"$T_DIR/uri" 2>"$T_DIR/cluster.err"; then
		not_ok "a throw-away PostgreSQL cluster starts" "$(cat "$T_DIR/cluster.err")"
		exit 1
	fi
	eval "$("$CLUSTER" env "$PG_DIR")"
}
