#!/usr/bin/env bash
# t7320-two-hosts.sh: two dialdesk hosts on one PostgreSQL (docs/SCALING.md).
# Two `dialdesk serve` on two sockets, each with a state_dir and upload_dir
# of its own (the key files copied once from the first, as at set-up),
# behind one nginx `upstream` with `fastcgi_next_upstream error timeout`,
# and two `dialdesk worker`, one a host. A sign-in on one host is
# recognised by the other, and a form one host wrote is taken by the other;
# a 60,000-row list uploaded through one host is previewed and confirmed
# through the other, and sent exactly once in 6 batches by the two workers;
# 200 concurrent pushes are stored once each, 32 copies of one push once;
# one host killed with kill -9 in the middle of a burst of pushes loses no
# push it acknowledged, and the other answers everything after; the audit
# chain that both hosts wrote verifies.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_engine postgresql "several hosts share one database, which SQLite on one machine is not"

t_conf batch_size 10000
t_nginx_body_max 50m
# Host A is lib.sh's installation; host B the same but for its files.
B_DIR=$T_DIR/host-b
B_CONF=$B_DIR/dialdesk.conf
B_SOCK=$B_DIR/run/dialdesk.sock
B_LOG=$B_DIR/serve.log
B_SERVE_PID=
W_PIDS=()
HOSTS_LOG=$T_DIR/hosts.log

h_teardown() {
	local rc=$? p
	set +e
	for p in "${W_PIDS[@]}" "$B_SERVE_PID"; do
		[[ -n $p ]] && dd_stop "$p" 10
	done
	if [[ $T_FAILS -gt 0 || $rc -ne 0 ]] && [[ -s $B_LOG ]]; then
		printf '# host B log (last lines):\n%s\n' "$(tail -n 10 "$B_LOG" | sed -e 's/^/#   /')"
	fi
	(exit "$rc")
	v_teardown
}
trap h_teardown EXIT

t_setup
mkdir -p "$B_DIR/run" "$B_DIR/uploads" "$B_DIR/local"
chmod 755 "$B_DIR" "$B_DIR/run"
# The key files are the same bytes on every host (copied once); each
# host's checkpoints and journal are its own.
cp -pR "$T_STATE_DIR/." "$B_DIR/local/"
rm -f "$B_DIR/local/"*checkpoint* "$B_DIR/local/"*journal* "$B_DIR/local/"*heartbeat*
t_conf socket "$B_SOCK"
t_conf upload_dir "$B_DIR/uploads"
t_conf state_dir "$B_DIR/local"
t_write_config "$B_CONF" "$T_DB"
unset 'T_SET[socket]' 'T_SET[upload_dir]' 'T_SET[state_dir]'
expect_eq "$(grep -v '^\(#\|socket\|upload_dir\|state_dir\) ' "$T_CONF")" \
    "$(grep -v '^\(#\|socket\|upload_dir\|state_dir\) ' "$B_CONF")" \
    "the two hosts' configs differ in their sockets and local folders only"

# One nginx, both hosts as one upstream for the pages and one for the
# callback; a request that reached no host goes to the next, a POST sent
# to a host that died is not replayed (no non_idempotent).
mkdir -p "$T_DIR/static"
cp -R "$STATIC/." "$T_DIR/static/"
user=$(dd_nginx_user "$T_DIR/static" "$T_DIR/run" "$B_DIR/run")
dd_nginx_local "$T_DIR/nginx.one" "$T_PORT" "$T_DIR" "$T_SOCK" "$T_DIR/static" "$user" 50m ||
    { not_ok "setup: derive the nginx config"; exit 1; }
dd_nginx_two_hosts "$T_DIR/nginx.one" "$T_DIR/nginx.conf" "$T_SOCK" "$T_DIR/run/callback.sock" \
    "$B_SOCK" "$B_DIR/run/callback.sock" "$HOSTS_LOG" ||
    { not_ok "setup: the nginx config for two hosts"; exit 1; }
expect_eq 0 "$(grep -c 'fastcgi_pass unix:' "$T_DIR/nginx.conf")" \
    "nginx passes every dialdesk location to the two hosts' upstream, none to one socket"

t_start_serve
dd_serve_start "$DIALDESK_BIN" "$B_CONF" "$B_LOG"
B_SERVE_PID=$DD_PID
for ((i = 0; i < 100; i++)); do
	[[ -S $B_SOCK ]] && break
	dd_alive "$B_SERVE_PID" || break
	sleep 0.1
done
[[ -S $B_SOCK ]] || { not_ok "setup: host B's serve creates $B_SOCK" "$(tail -n 20 "$B_LOG")"; exit 1; }
if ! dd_nginx_start "$T_DIR/nginx.conf" "$T_DIR"; then
	not_ok "setup: nginx starts" "$(tail -n 20 "$T_DIR/nginx-error.log" 2>/dev/null)"
	exit 1
fi
T_NGINX_PID=$DD_PID
dd_wait_http "$BASE/login" 200 20 "$T_SERVE_PID" "$B_SERVE_PID" "$T_NGINX_PID" ||
    { not_ok "setup: GET /login answers 200"; exit 1; }
vendor_start
"$DIALDESK_BIN" --config "$T_CONF" worker >>"$W_LOG" 2>&1 </dev/null &
W_PIDS+=($!)
"$DIALDESK_BIN" --config "$B_CONF" worker >>"$B_DIR/worker.log" 2>&1 </dev/null &
W_PIDS+=($!)

# host_of METHOD PATH: the socket that answered the last such request.
host_of() {
	awk -v m="$1" -v u="$2" '$1 == m && $2 == u { h = $4 } END { print h }' "$HOSTS_LOG" |
	    tr -d '"' | sed -e "s|unix:$T_SOCK|A|" -e "s|unix:$B_SOCK|B|" \
	    -e "s|unix:$T_DIR/run/callback.sock|A|" -e "s|unix:$B_DIR/run/callback.sock|B|"
}
# other HOST: the other host's name.
other() { [[ $1 == A ]] && echo B || echo A; }
# req_on HOST JAR METHOD PATH [CURL-ARGS...]: the request, sent again until
# HOST answers it (round robin: the next or the one after); GETs only.
req_on() {
	local want=$1 i
	shift
	for ((i = 0; i < 4; i++)); do
		req "$@"
		[[ $(host_of "$2" "${3%%\?*}") == "$want" ]] && return 0
	done
	return 1
}

# --- a session and a form from one host, taken by the other ------------------
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
h_login=$(host_of POST /login)
expect_match '^[AB]$' "$h_login" "the sign-in was answered by one host ($h_login)"
h_other=$(other "$h_login")
req_on "$h_other" "$jar" GET /tasks/new
expect_status 200 "host $h_other knows the session host $h_login made: GET /tasks/new answers 200"
expect_body_contains 'name="csrf"' "... with the task form"
expect_eq "$h_other" "$(host_of GET /tasks/new)" "... answered by host $h_other"

# --- a 60,000-row list: uploaded on one host, the rest on the other -----------------
LIST=$T_DIR/list-60k.csv
awk 'BEGIN { print "手机号,姓名"
    for (i = 0; i < 60000; i++) printf "136%08d,客户%d\n", i, i }' >"$LIST"
# The form comes from one host; the upload goes to whichever is next.
upload_list "$jar" "$LIST" name=两台主机
expect_status 303 "the 60,000-row list is uploaded to its preview"
h_up=$(host_of POST /tasks/new)
h_form=$(host_of GET /tasks/new)
printf '# form from host %s, upload on host %s\n' "$h_form" "$h_up"
ID=${IMPORT_ID:-0}
expect_eq 0 "$(find "$T_DIR/uploads" "$B_DIR/uploads" -type f | wc -l)" "... and neither host keeps a file of it"
# n_of QUERY: the number QUERY gives, 0 when it gives none (so that the
# waits below end when the database fails).
n_of() { local n; n=$(sql "$1" 2>>"$T_DIR/sql.err") || n=0; [[ $n =~ ^[0-9]+$ ]] || n=0; printf '%s\n' "$n"; }
if [[ $ID == 0 ]]; then
	not_ok "the list reached a preview: the send part cannot run" "$(r_summary)"
else
req_on "$(other "$h_up")" "$jar" GET "/imports/$ID"
expect_status 200 "host $(other "$h_up") shows the preview host $h_up made"
expect_body_contains '60000' "... with its 60,000 rows"
confirm_import "$jar" "$ID"
expect_status 303 "the preview is confirmed (host $(host_of POST "/imports/$ID/confirm"))"
TASK=${TASK_ID:-0}
expect_eq "6|60000|queued" "$(sql "SELECT count(*), sum(rows), min(state) FROM batches WHERE task_id = $TASK")" \
    "... into 6 batches of 10,000"

# The two workers send them.
sent_all() { [[ $(n_of "SELECT count(*) FROM batches WHERE task_id = $TASK AND state = 'sent'") == 6 ]]; }
for ((i = 0; i < 900; i++)); do
	sent_all && break
	sleep 0.1
done
check "the two workers sent the 6 batches within 90 s" sent_all
expect_eq "6|6|6" "$(sql "SELECT count(*), sum(CASE WHEN attempts = 1 THEN 1 ELSE 0 END), count(DISTINCT vendor_task_id) FROM batches WHERE task_id = $TASK")" \
    "... each once, on its first attempt, with a vendor task id of its own"
expect_eq 6 "$(recorded_count)" "the vendor received exactly 6 requests"
phones=$(for ((k = 1; k <= $(recorded_count); k++)); do jq -r '.deliverList[].phone' "$(recorded "$k")"; done)
expect_eq "60000 60000" "$(wc -l <<<"$phones" | tr -d ' ') $(sort -u <<<"$phones" | wc -l | tr -d ' ')" \
    "... 60,000 phones, none twice"
printf '# batches claimed by: %s\n' "$(sql "SELECT string_agg(DISTINCT claimed_by, ' ') FROM batches WHERE task_id = $TASK")"
for ((i = 0; i < 300; i++)); do
	(($(n_of "SELECT count(*) FROM pushes") >= 6)) && break
	sleep 0.1
done
expect_eq "6|6" "$(sql "SELECT count(*), count(batch_id) FROM pushes")" \
    "the vendor's 6 pushes are stored, each linked to its batch whichever host took it"
fi

# --- 200 concurrent pushes, then 32 copies of one -----------------------------------
P=$T_DIR/pushes
mkdir -p "$P"
for ((i = 1; i <= 200; i++)); do
	push_json "$(printf '7320%028x' "$i")" "$(mark $((i + 10)) "$i" 10 0 0 0 "$i" 0 0 0 0 0 0)" >"$P/$i.json"
done
URL="$BASE/callback/import?token=$(v_token)"
# send_all PARALLEL FILE...: POST each file; "status file" per line.
send_all() {
	local n=$1
	shift
	printf '%s\n' "$@" | xargs -P "$n" -I{} curl -sS --max-time 20 -o /dev/null \
	    -w '%{http_code} {}\n' -H 'Content-Type: application/json; charset=utf-8' \
	    --data-binary @{} "$URL" 2>>"$T_DIR/curl.err"
}
before=$(wc -l <"$HOSTS_LOG")
send_all 32 "$P"/[0-9]*.json >"$T_DIR/codes"
expect_eq "200 200" "$(wc -l <"$T_DIR/codes" | tr -d ' ') $(grep -c '^200 ' "$T_DIR/codes")" \
    "200 concurrent pushes through both hosts are all answered 200"
expect_eq "200|200" "$(sql "SELECT count(*), count(DISTINCT vendor_task_id) FROM pushes WHERE vendor_task_id LIKE '7320%'")" \
    "... and stored once each"
expect_eq 20100 "$(sql "SELECT sum(success) FROM pushes WHERE vendor_task_id LIKE '7320%'")" "... each with its own figures"
served=$(tail -n +"$((before + 1))" "$HOSTS_LOG" | awk '$2 == "/callback/import" { print $4 }' | sort | uniq -c | wc -l)
expect_eq 2 "$served" "... both hosts took some of them"
same=()
for ((i = 0; i < 32; i++)); do same+=("$P/7.json"); done
push_json "$(printf '7320%028x' 7)" "$(mark 20 19 1 0 0 0 19 0 0 0 0 0 0)" >"$P/7.json"
send_all 32 "${same[@]}" >"$T_DIR/codes"
expect_eq 32 "$(grep -c '^200 ' "$T_DIR/codes")" "32 copies of one new push, to both hosts at once, are all answered 200"
expect_eq 2 "$(sql "SELECT count(*) FROM pushes WHERE vendor_task_id = '$(printf '7320%028x' 7)'")" \
    "... and stored once (beside the earlier push)"

# --- one host killed with kill -9 mid-burst -----------------------------------------
K=$T_DIR/kill
mkdir -p "$K"
for ((i = 1; i <= 600; i++)); do
	push_json "$(printf '7321%028x' "$i")" "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)" >"$K/$i.json"
done
send_all 16 "$K"/*.json >"$T_DIR/kill-codes" &
burst=$!
# Wait until the burst is under way, then the host dies, all its processes at once.
for ((i = 0; i < 100; i++)); do
	(($(n_of "SELECT count(*) FROM pushes WHERE vendor_task_id LIKE '7321%'") >= 100)) && break
	sleep 0.05
done
victims=("$B_SERVE_PID" $(dd_children "$B_SERVE_PID") "${W_PIDS[1]}")
kill -KILL "${victims[@]}" 2>/dev/null || true
at_kill=$(sql "SELECT count(*) FROM pushes WHERE vendor_task_id LIKE '7321%'")
wait "$B_SERVE_PID" 2>/dev/null || true
wait "${W_PIDS[1]}" 2>/dev/null || true
B_SERVE_PID=
W_PIDS=("${W_PIDS[0]}")
wait "$burst" || true
n200=$(grep -c '^200 ' "$T_DIR/kill-codes" || true)
nbad=$(grep -vc '^200 ' "$T_DIR/kill-codes" || true)
printf '# kill -9 of host B mid-burst: %s answered 200, %s failed (%s)\n' "$n200" "$nbad" \
    "$(grep -v '^200 ' "$T_DIR/kill-codes" | cut -d' ' -f1 | sort | uniq -c | tr -s ' \n' ' ')"
expect_eq 600 "$((n200 + nbad))" "every push of the burst got an answer or an error"
expect_eq yes "$( ((at_kill < 600)) && echo yes)" "host B was killed mid-burst ($at_kill of 600 stored by then)"
# The vendor task ids answered 200, and those stored (each how often).
awk '$1 == 200 { n = $2; sub(/.*\//, "", n); sub(/\.json$/, "", n); printf "7321%028x\n", n }' \
    "$T_DIR/kill-codes" | sort >"$T_DIR/acked"
sql "SELECT vendor_task_id FROM pushes WHERE vendor_task_id LIKE '7321%'" | sort >"$T_DIR/stored"
expect_eq "$n200" "$(wc -l <"$T_DIR/acked" | tr -d ' ')" "(the ids answered 200 are read back)"
expect_eq "" "$(comm -23 "$T_DIR/acked" "$T_DIR/stored" | head -n 5)" \
    "every push answered 200 is in the database: nothing acknowledged was lost"
expect_eq "" "$(uniq -d "$T_DIR/stored" | head -n 5)" "... and none is stored twice"
expect_ge $((600 - 16)) "$n200" "... only requests in flight on the killed host failed (at most 16, the burst's parallelism)"
# Everything after goes to host A.
A=$T_DIR/after
mkdir -p "$A"
for ((i = 1; i <= 50; i++)); do
	push_json "$(printf '7322%028x' "$i")" "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)" >"$A/$i.json"
done
send_all 8 "$A"/*.json >"$T_DIR/after-codes"
expect_eq 50 "$(grep -c '^200 ' "$T_DIR/after-codes")" "after the kill, 50 pushes are all answered 200 by the host left"
req "$jar" GET /
expect_status 200 "... and the session still works"

rc=0
dialdesk audit verify >"$T_DIR/verify.out" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0: one chain from both hosts"
expect_match 'intact' "$(cat "$T_DIR/verify.out")" "... the chain is intact"
