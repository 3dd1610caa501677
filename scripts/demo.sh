#!/usr/bin/env bash
# scripts/demo.sh: dialdesk on this machine in one command. On a fresh
# Debian 12 (as root) it installs what is missing, builds, writes a config
# and database under the state folder, creates the user admin, starts
# `dialdesk serve` and `dialdesk worker` behind nginx on
# http://127.0.0.1:PORT, with the sandbox vendor (tools/) on the next port,
# and stays in the foreground until Ctrl-C.
#
#   scripts/demo.sh          start (a second run reuses what is built)
#   scripts/demo.sh stop     stop a demo started from another terminal
#
# Environment: DIALDESK_PORT (default 8080), DIALDESK_VAR (state folder,
# default ./var), DIALDESK_CONFIG (use this config instead of writing one).
set -euo pipefail

DD_PROG=demo.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$DD_TOP"

PORT=${DIALDESK_PORT:-8080}
VAR=${DIALDESK_VAR:-$DD_TOP/var}
mkdir -p "$VAR"
VAR=$(cd "$VAR" && pwd)
# The path keys a config leaves out default to the state folder, as they do
# under systemd (StateDirectory=, RuntimeDirectory=; config.c).
export STATE_DIRECTORY=$VAR RUNTIME_DIRECTORY=$VAR/run
chmod 755 "$VAR"	# nginx's workers (www-data) reach the socket through it
LOGDIR=$VAR/log
NGINX_STATE=$VAR/nginx
PIDS=()

# stop_pidfile FILE NAME: stop the process named in FILE if it still runs
# and is NAME (a stale file may name a pid the system has given to another
# program since).
stop_pidfile() {
	local pid cmd
	[[ -f $1 ]] || return 0
	pid=$(<"$1")
	if [[ $pid =~ ^[0-9]+$ ]] && dd_alive "$pid"; then
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || cmd=
		if [[ $cmd == *"$2"* ]]; then
			dd_stop "$pid" 15 || true
		fi
	fi
	rm -f "$1"
}

# stop_all: everything this demo started, the web server first.
stop_all() {
	stop_pidfile "$NGINX_STATE/nginx.pid" nginx
	stop_pidfile "$VAR/vendor-nginx.pid" nginx
	stop_pidfile "$VAR/vendor.pid" sandbox-vendor
	stop_pidfile "$VAR/worker.pid" dialdesk
	stop_pidfile "$VAR/serve.pid" dialdesk
}

if [[ ${1:-start} == stop ]]; then
	# The demo in the foreground stops its processes itself; stop_all is
	# for those of a demo that was killed outright.
	stop_pidfile "$VAR/demo.pid" demo.sh
	stop_all
	dd_say "stopped"
	exit 0
elif [[ ${1:-start} != start ]]; then
	printf 'usage: scripts/demo.sh [start|stop]\n' >&2
	exit 2
fi

if [[ -f $VAR/demo.pid ]] && dd_alive "$(<"$VAR/demo.pid")"; then
	dd_die "a demo is already running (pid $(<"$VAR/demo.pid")): scripts/demo.sh stop"
fi
stop_all	# leftovers of a demo that was killed outright

# --- install and build --------------------------------------------------
dd_install "${DD_BASE_PACKAGES[@]}"
dd_port_free "$PORT" ||
    dd_die "port $PORT is taken: DIALDESK_PORT=8081 scripts/demo.sh"
if [[ -f $DD_TOP/config.status ]]; then
	# Configured in place by hand: build there.
	make -C "$DD_TOP" -j2 || dd_die "make failed"
	BIN=$DD_TOP/dialdesk
	SANDBOX=$DD_TOP/tools/sandbox-vendor
else
	dd_build "$DD_TOP/build" || dd_die "the build failed"
	BIN=$DD_TOP/build/dialdesk
	SANDBOX=$DD_TOP/build/tools/sandbox-vendor
fi

# --- configuration ------------------------------------------------------
# conf_value FILE KEY: a key's value in a dialdesk.conf (empty if unset).
conf_value() {
	sed -n -e "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$1" | tail -n 1 |
	    sed -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/'
}

if [[ -n ${DIALDESK_CONFIG:-} ]]; then
	CONF=$(cd "$(dirname "$DIALDESK_CONFIG")" && pwd)/$(basename "$DIALDESK_CONFIG")
	[[ -f $CONF ]] || dd_die "DIALDESK_CONFIG: no file $CONF"
	dd_say "using the config $CONF"
else
	CONF=$VAR/dialdesk.conf
	token=
	sign_key=
	if [[ -f $CONF ]]; then
		token=$(conf_value "$CONF" callback_token)
		sign_key=$(conf_value "$CONF" sign_key)
	fi
	[[ -n $token ]] || token=$(dd_random_hex 24)
	[[ -n $sign_key ]] || sign_key=$(dd_random_hex 16)
	# The sandbox vendor (tools/README.md) stands in for the real one,
	# which this machine cannot reach: the port next to ours if free.
	VENDOR_PORT=$((PORT + 1))
	dd_port_free "$VENDOR_PORT" || VENDOR_PORT=$(dd_pick_port)
	# Written on every start (the port may change); the callback token is
	# kept from the last one.
	cat >"$CONF.tmp" <<-EOF
	# dialdesk.conf for scripts/demo.sh, rewritten on each start.
	# Every key is described in docs/CONFIG.md.
	database = $VAR/dialdesk.db
	socket = $VAR/run/dialdesk.sock
	socket_group = www-data
	workers = 2
	upload_dir = $VAR/uploads
	upload_max_bytes = 50M
	public_url = http://127.0.0.1:$PORT
	callback_token = $token
	# The sandbox vendor started by this script (tools/README.md).
	vendor_url = http://127.0.0.1:$VENDOR_PORT
	org_code = demo_org
	login_name = demo_user
	sign_key = $sign_key
	sign_recipe = {orgCode}{loginName}{key}
	vendor_timeout = 30
	# The audit log's key and checkpoints, made by \`dialdesk migrate\`:
	# back them up with the database.
	audit_key_file = $VAR/dialdesk.db.audit-key
	audit_checkpoint_file = $VAR/dialdesk.db.audit-checkpoints
	EOF
	mv "$CONF.tmp" "$CONF"
	chmod 600 "$CONF"
fi
DB=$(conf_value "$CONF" database)
SOCKET=$(conf_value "$CONF" socket)
UPLOADS=$(conf_value "$CONF" upload_dir)
: "${DB:=$STATE_DIRECTORY/dialdesk.db}" "${SOCKET:=$RUNTIME_DIRECTORY/dialdesk.sock}"
: "${UPLOADS:=$STATE_DIRECTORY/uploads}"
mkdir -p "$LOGDIR" "$NGINX_STATE" "$(dirname "$SOCKET")" "$(dirname "$DB")" "$UPLOADS"
chmod 755 "$(dirname "$SOCKET")"

dialdesk() { "$BIN" --config "$CONF" "$@"; }

# --- database and the first user ----------------------------------------
dialdesk migrate 2>>"$LOGDIR/dialdesk.log" || dd_die "dialdesk migrate failed: see $LOGDIR/dialdesk.log"
PASSWORD=
if [[ $(sqlite3 -batch -cmd '.timeout 5000' "$DB" "SELECT count(*) FROM users WHERE name = 'admin'") == 0 ]]; then
	PASSWORD=$(dd_random_password)
	printf '%s\n' "$PASSWORD" | dialdesk user add admin --role admin >>"$LOGDIR/dialdesk.log" 2>&1 ||
	    dd_die "dialdesk user add admin failed: see $LOGDIR/dialdesk.log"
fi

# --- start everything ---------------------------------------------------
# shellcheck disable=SC2317  # called by the traps
cleanup() {
	trap - INT TERM EXIT
	printf '\n'
	dd_say "stopping"
	stop_all
	rm -f "$VAR/demo.pid"
	dd_say "stopped"
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT
echo "$$" >"$VAR/demo.pid"

DD_DETACH=1	# see dd_detach
dd_serve_start "$BIN" "$CONF" "$LOGDIR/dialdesk.log"
echo "$DD_PID" >"$VAR/serve.pid"
PIDS+=("$DD_PID")

setsid "$BIN" --config "$CONF" worker </dev/null >>"$LOGDIR/worker.log" 2>&1 &
echo "$!" >"$VAR/worker.pid"
PIDS+=("$!")

# The sandbox vendor, behind an nginx of its own, pushing its import
# results back to this demo's callback URL. Only with the config written
# here: a config of the user's own names its own vendor.
if [[ -z ${DIALDESK_CONFIG:-} ]]; then
	VSTATE=$VAR/vendor
	mkdir -p "$VSTATE/run" "$VSTATE/nginx-tmp"
	chmod 755 "$VSTATE" "$VSTATE/run"
	setsid "$SANDBOX" --socket "$VSTATE/run/sandbox.sock" \
	    --org demo_org --login demo_user --sign-key "$sign_key" \
	    --sign-recipe '{orgCode}{loginName}{key}' --push-delay-ms 2000 \
	    --callback "http://127.0.0.1:$PORT/callback/import?token=$token" \
	    </dev/null >>"$LOGDIR/vendor.log" 2>&1 &
	echo "$!" >"$VAR/vendor.pid"
	PIDS+=("$!")
	dd_sandbox_nginx "$VSTATE" "$VENDOR_PORT" "$VSTATE/run/sandbox.sock" ||
	    dd_die "could not write the vendor sandbox's nginx config"
	dd_nginx_start "$VSTATE/nginx.conf" "$VSTATE" ||
	    dd_die "the vendor sandbox's nginx did not start: see $VSTATE/nginx-error.log"
	echo "$DD_PID" >"$VAR/vendor-nginx.pid"
	PIDS+=("$DD_PID")
fi

dd_nginx_local "$NGINX_STATE/nginx.conf" "$PORT" "$NGINX_STATE" "$SOCKET" \
    "$DD_TOP/static" "$(dd_nginx_user "$DD_TOP/static" "$(dirname "$SOCKET")")" ||
    dd_die "could not derive the nginx config from nginx.conf.example"
dd_nginx_start "$NGINX_STATE/nginx.conf" "$NGINX_STATE" ||
    dd_die "nginx did not start: see $NGINX_STATE/nginx-error.log"
PIDS+=("$DD_PID")

URL=http://127.0.0.1:$PORT
dd_wait_http "$URL/login" 200 30 "${PIDS[@]}" ||
    dd_die "dialdesk does not answer: see $LOGDIR/dialdesk.log and $NGINX_STATE/nginx-error.log"

rel() { printf '%s' "${1#"$PWD"/}"; }
cat <<EOF

  dialdesk is running:   $URL/
EOF
if [[ -n $PASSWORD ]]; then
	cat <<EOF
  user:                  admin
  password:              $PASSWORD
                         (shown this once; write it down)
EOF
else
	cat <<EOF
  user:                  admin (created on an earlier run)
  forgot the password?   $(rel "$BIN") --config $(rel "$CONF") user passwd admin
EOF
fi
if [[ -z ${DIALDESK_CONFIG:-} ]]; then
	cat <<EOF
  sandbox vendor:        http://127.0.0.1:$VENDOR_PORT/ (tools/README.md)
EOF
fi
cat <<EOF
  audit log:             $(rel "$BIN") --config $(rel "$CONF") audit verify
  logs:                  $(rel "$LOGDIR")/, $(rel "$NGINX_STATE")/nginx-error.log
  stop:                  Ctrl-C here, or scripts/demo.sh stop

EOF

# Stay until Ctrl-C or until one of the processes ends by itself.
rc=0
wait -n "${PIDS[@]}" || rc=$?
dd_say "a process of the demo exited (status $rc): stopping the rest"
exit 1
