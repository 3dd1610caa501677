#!/usr/bin/env bash
# t7356-two-hosts-fresh.sh: what one host changes, the other obeys on its
# very next request, although a signed-in request no longer asks for the
# settings' version on its own (it comes with the session, issue 11).
# Two `dialdesk serve` on one database (two workers each), each behind an
# nginx of its own: settings saved on host A's page show on every request
# to host B at once, and B's push pool follows A's callback_allow at once
# (no session: the version is asked for alone); an operator made an auditor
# on A is signed out on B at once and an auditor at the next sign-in, and
# sessions ended on A end on B.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
# shellcheck source-path=SCRIPTDIR source=settings.sh
source "$(dirname "$0")/settings.sh"

B_DIR=$T_DIR/host-b
B_SOCK=$B_DIR/run/dialdesk.sock
B_LOG=$B_DIR/serve.log
B_SERVE_PID= B_NGINX_PID=
b_teardown() {
	local rc=$?
	set +e
	[[ -n $B_NGINX_PID ]] && dd_stop "$B_NGINX_PID" 5
	[[ -n $B_SERVE_PID ]] && dd_stop "$B_SERVE_PID" 10
	if [[ $T_FAILS -gt 0 || $rc -ne 0 ]] && [[ -s $B_LOG ]]; then
		printf '# host B log (last lines):\n%s\n' "$(tail -n 10 "$B_LOG" | sed -e 's/^/#   /')"
	fi
	(exit "$rc")
	v_teardown
}
trap b_teardown EXIT

t_conf workers 2
t_start
# Host B: the same config but for its socket and its own folders (the key
# files copied once, as at set-up).
mkdir -p "$B_DIR/run" "$B_DIR/uploads" "$B_DIR/local"
chmod 755 "$B_DIR" "$B_DIR/run"
[[ -n ${T_STATE_DIR:-} && -d $T_STATE_DIR ]] && cp -pR "$T_STATE_DIR/." "$B_DIR/local/"
t_conf socket "$B_SOCK"
t_conf upload_dir "$B_DIR/uploads"
[[ $T_DB == postgresql:* ]] && t_conf state_dir "$B_DIR/local"
t_write_config "$B_DIR/dialdesk.conf" "$T_DB"
unset 'T_SET[socket]' 'T_SET[upload_dir]' 'T_SET[state_dir]'
dd_serve_start "$DIALDESK_BIN" "$B_DIR/dialdesk.conf" "$B_LOG"
B_SERVE_PID=$DD_PID
B_PORT=$(dd_pick_port)
BASE_A=$BASE BASE_B=http://127.0.0.1:$B_PORT
user=$(dd_nginx_user "$T_DIR/static" "$B_DIR/run")
dd_nginx_local "$B_DIR/nginx.conf" "$B_PORT" "$B_DIR" "$B_SOCK" "$T_DIR/static" "$user" 50m ||
    { not_ok "setup: host B's nginx config"; exit 1; }
for ((i = 0; i < 100; i++)); do
	[[ -S $B_SOCK ]] && break
	sleep 0.1
done
dd_nginx_start "$B_DIR/nginx.conf" "$B_DIR" || { not_ok "setup: host B's nginx starts"; exit 1; }
B_NGINX_PID=$DD_PID
dd_wait_http "$BASE_B/login" 200 20 "$B_SERVE_PID" "$B_NGINX_PID" ||
    { not_ok "setup: host B answers GET /login"; exit 1; }

# on HOST FUNCTION ARGS...: FUNCTION (req, settings_post, ...) sent to
# host A or B.
on() {
	local host=$1
	shift
	if [[ $host == A ]]; then BASE=$BASE_A "$@"; else BASE=$BASE_B "$@"; fi
}

ajar=$T_DIR/ajar ojar=$T_DIR/ojar
on A login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in on host A" "$(r_summary)"
on A login operator "$OPERATOR_PASS" "$ojar" || not_ok "operator signs in on host A" "$(r_summary)"

# --- settings ---------------------------------------------------------------------
# Both of B's workers have loaded the settings before the change.
for i in 1 2 3 4; do
	on B req "$ajar" GET /settings
done
expect_status 200 "host B shows the settings page to the session host A made"
old=$(setting_value org_code)
on A settings_post "$ajar" org_code=ORG-FROM-A batch_size=7
expect_status 303 "org_code and batch_size saved on host A's page"
for i in 1 2 3 4; do
	on B req "$ajar" GET /settings
	expect_eq "ORG-FROM-A|7" "$(setting_value org_code)|$(setting_value batch_size)" \
	    "request $i to host B shows host A's new values (was '$old')"
done
on A settings_post "$ajar" org_code=ORG-AGAIN
for i in 1 2; do
	on B req "$ajar" GET /settings
	expect_eq ORG-AGAIN "$(setting_value org_code)" "a second change on A: request $i to host B shows it"
done

# B's push pool reads no session: it asks for the version itself.
push=$(push_json 0123456789abcdef0123456789abcdef "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)")
on B push_send "$push"
expect_status 200 "host B takes a push from 127.0.0.1"
on A settings_post "$ajar" 'callback_allow=10.9.9.9'
expect_status 303 "an allow-list without this host saved on host A"
on B push_send "$push"
expect_status 403 "... host B refuses the next push from 127.0.0.1 at once"
on A settings_post "$ajar" 'callback_allow=10.9.9.9 127.0.0.1'
on B push_send "$push"
expect_status 200 "... and takes it once 127.0.0.1 is added on host A"

# --- roles and sessions -------------------------------------------------------------
opid=$(sql "SELECT id FROM users WHERE name = 'operator'")
# admin_post PATH KEY=VALUE...: a form of /users/ID posted on host A.
admin_post() {
	local path=$1 csrf kv args=()
	shift
	csrf=$(on A csrf_of "$ajar" "/users/$opid") || csrf=
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	on A req "$ajar" POST "$path" --data-urlencode "csrf=$csrf" "${args[@]}"
}
for i in 1 2 3 4; do
	on B req "$ojar" GET /tasks/new
done
expect_status 200 "the operator's session from host A opens the task form on host B"
on B req "$ojar" GET /audit
expect_status 403 "... but not the audit log"
admin_post "/users/$opid/role" role=auditor
expect_status 303 "host A makes the operator an auditor"
# A new role ends the account's sessions (users.c): on B too, at once.
on B req "$ojar" GET /tasks/new
expect_status 303 "host B's next request with the operator's session goes to sign-in"
expect_location '/login\?next=%2Ftasks%2Fnew' "... at /login"
on B login operator "$OPERATOR_PASS" "$ojar" || not_ok "the account signs in again on host B" "$(r_summary)"
for i in 1 2; do
	on B req "$ojar" GET /tasks/new
	expect_status 403 "request $i to host B: as an auditor, the task form is refused"
	on B req "$ojar" GET /audit
	expect_status 200 "request $i to host B: as an auditor, the audit log opens"
done
admin_post "/users/$opid/sessions"
expect_status 303 "host A ends the account's sessions"
for i in 1 2; do
	on B req "$ojar" GET /audit
	expect_status 303 "request $i to host B with the ended session goes to sign-in"
	expect_location '/login\?next=%2Faudit' "... at /login"
done
