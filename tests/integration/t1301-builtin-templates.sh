#!/usr/bin/env bash
# t1301-builtin-templates.sh: dialdesk serves its pages from the templates
# compiled into it, with no templates key and no installed folder; a
# `templates = DIR` override is checked at start-up; the path keys a
# config leaves out follow STATE_DIRECTORY and RUNTIME_DIRECTORY (systemd's,
# the demo's); and a port with connections in TIME_WAIT is free for the
# demo, one with a listener is not.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

# The whole stack with templates = "" (the built-in ones).
t_conf templates ''
t_start
req - GET /login
expect_status 200 "GET /login answers 200 with the built-in templates"
expect_body_contains 'name="csrf"' "the sign-in form is there"
login admin "$ADMIN_PASS" "$T_DIR/a.jar"
expect_status 303 "admin signs in"
req "$T_DIR/a.jar" GET /settings
expect_status 200 "GET /settings (settings.tpl, never installed before) answers 200"
t_stop

# An override that does not exist stops start-up with the key's name.
t_write_config "$T_DIR/bad.conf" "$T_DB"
printf 'templates = %s/no-such-folder\n' "$T_DIR" >>"$T_DIR/bad.conf"
sed -i -e '/^templates = $/d' "$T_DIR/bad.conf"
rc=0
out=$(timeout 20 "$DIALDESK_BIN" --config "$T_DIR/bad.conf" serve 2>&1) || rc=$?
expect_eq 1 "$rc" "serve with a missing templates folder exits 1"
expect_match "templates: .*no-such-folder: cannot open template directory" "$out" \
    "it names the folder"

# A config with no path key at all: everything in the state folder.
state=$T_DIR/state
mkdir -p "$state/run"
printf 'callback_token = test-callback-token-0123456789\n' >"$T_DIR/min.conf"
rc=0
out=$(STATE_DIRECTORY=$state RUNTIME_DIRECTORY=$state/run \
    "$DIALDESK_BIN" --config "$T_DIR/min.conf" migrate 2>&1) || rc=$?
expect_eq 0 "$rc" "migrate with a config that names no path exits 0"
check "the database is made in STATE_DIRECTORY" test -s "$state/dialdesk.db"
STATE_DIRECTORY=$state RUNTIME_DIRECTORY=$state/run \
    "$DIALDESK_BIN" --config "$T_DIR/min.conf" serve >>"$T_LOG" 2>&1 &
pid=$!
for ((i = 0; i < 100; i++)); do
	[[ -S $state/run/dialdesk.sock ]] && break
	sleep 0.1
done
check "serve listens on RUNTIME_DIRECTORY/dialdesk.sock" test -S "$state/run/dialdesk.sock"
check "serve makes the upload folder in STATE_DIRECTORY" test -d "$state/uploads"
dd_stop "$pid" 10 || true

# Ports: a socket left in TIME_WAIT does not take its port, a listener does.
port=$(dd_pick_port)
python3 - "$port" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(1)
cli = socket.create_connection(("127.0.0.1", port))
conn, _ = srv.accept()
conn.close()          # the listening side closes first: TIME_WAIT on port
time.sleep(0.3)
cli.close()
srv.close()
PY
wait $!
state=$(ss -Htan "( sport = :$port )" | awk '{print $1}' | sort -u | tr '\n' ' ')
expect_match "TIME-WAIT" "$state" "a connection on port $port is in TIME_WAIT"
check "dd_port_free counts port $port as free" dd_port_free "$port"
python3 - "$port" "$T_DIR/listening" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
open(sys.argv[2], "w").close()
time.sleep(20)
PY
lpid=$!
for ((i = 0; i < 200; i++)); do [[ -e $T_DIR/listening ]] && break; sleep 0.05; done
check "dd_port_free counts port $port as taken while something listens" \
    bash -c "! { source '$DD_TOP/scripts/lib.sh'; dd_port_free $port; }"
kill "$lpid" 2>/dev/null || true
wait "$lpid" 2>/dev/null || true
