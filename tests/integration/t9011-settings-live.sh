#!/usr/bin/env bash
# t9011-settings-live.sh: a change on 设置 takes effect without a restart.
# An already running `dialdesk worker` that holds batches because the file
# names no vendor_url sends them to the address saved on the page; the web
# workers split the next list by the batch_size saved a moment before and
# show the new values on their very next request, and so does the pool
# that takes the vendor's pushes (callback_allow). The request preview of
# the queued batch carries the sign the sandbox vendor then receives for
# it, and its body is the one sent, but for the masked phones.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
# shellcheck source-path=SCRIPTDIR source=settings.sh
source "$(dirname "$0")/settings.sh"
t_conf vendor_url ''
t_start
vendor_start
ajar=$T_DIR/ajar ojar=$T_DIR/ojar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "$ojar" || not_ok "operator signs in" "$(r_summary)"

WORKER_PID=
# stop_worker: SIGTERM to the worker this test started; its exit status.
stop_worker() {
	local pid=$WORKER_PID
	WORKER_PID=
	[[ -z $pid ]] || dd_stop "$pid" 10
}
# The worker goes first, then vendor.sh's and lib.sh's teardown with the
# script's own exit status.
trap 'rc=$?; stop_worker || true; (exit $rc); v_teardown' EXIT
"$DIALDESK_BIN" --config "$T_CONF" worker >>"$W_LOG" 2>&1 &
WORKER_PID=$!

new_task "$ojar" "$V_FIXTURES/two-rows.csv" name=设置即时生效 || true
sleep 2
expect_eq 0 "$(recorded_count)" "with no vendor_url the running worker sends nothing"
expect_eq queued "$(sql "SELECT state FROM batches WHERE task_id = ${TASK_ID:-0}")" "... the batch waits in the queue"

# --- the preview of that batch ------------------------------------------------

req "$ajar" GET /settings/preview
expect_status 200 "the request preview answers 200"
expect_body_contains "第 1 / 1 批，2 个号码" "... it previews the queued batch"
psign=$(grep -oE '<code class="preview-sign">[0-9a-f]{64}</code>' "$R_BODY" | sed -e 's/<[^>]*>//g')
expect_match '^[0-9a-f]{64}$' "$psign" "... with its sign"
python3 -c 'import html,re,sys; b=open(sys.argv[1],encoding="utf-8").read(); m=re.search(r"<pre class=\"preview-body\"><code>(.*?)</code></pre>", b, re.S); print(html.unescape(m.group(1)) if m else "")' "$R_BODY" >"$T_DIR/preview.json"
expect_eq object "$(jq -r type "$T_DIR/preview.json" 2>/dev/null)" "... and its body as JSON"

# --- vendor_url and batch_size changed on the page ------------------------------------

settings_post "$ajar" "vendor_url=$V_BASE" batch_size=1
expect_status 303 "vendor_url and batch_size saved on the page"
# Both web workers (workers = 2) answer the next requests: each shows the
# new values at once.
for i in 1 2 3 4; do
	req "$ajar" GET /settings
	expect_eq "$V_BASE|1" "$(setting_value vendor_url)|$(setting_value batch_size)" "request $i to a web worker shows the new values"
done
for ((i = 0; i < 150; i++)); do
	(($(recorded_count) >= 1)) && break
	sleep 0.1
done
expect_eq 1 "$(recorded_count)" "the running worker sends the queued batch to the new vendor_url"
check "... it is the same worker process, not restarted" dd_alive "$WORKER_PID"
expect_eq "$psign" "$(json_get "$(recorded 1)" .sign)" "the sign the sandbox received is the preview's"
expect_eq 0 "$(json_get "$(recorded_meta 1)" .errCode)" "... and the sandbox accepted it"
jq -S '.deliverList[].phone |= (.[0:3] + "****" + .[7:])' "$(recorded 1)" >"$T_DIR/sent.masked"
jq -S . "$T_DIR/preview.json" >"$T_DIR/preview.sorted"
if cmp -s "$T_DIR/sent.masked" "$T_DIR/preview.sorted"; then
	ok "the body sent is the preview's, but for the masked phones"
else
	not_ok "the body sent is the preview's, but for the masked phones" "$(diff "$T_DIR/preview.sorted" "$T_DIR/sent.masked" | head -n 10)"
fi

upload_list "$ojar" "$V_FIXTURES/two-rows.csv" name=每批一个
expect_status 303 "a new list is taken"
req "$ojar" GET "/imports/$IMPORT_ID"
expect_body_contains '每批 1 条' "its preview splits it by the new batch_size at once"
confirm_import "$ojar" "$IMPORT_ID"
expect_eq "2|1,1" "$(sql "SELECT count(*), group_concat(rows) FROM batches WHERE task_id = ${TASK_ID:-0}")" \
    "... and confirming makes 2 batches of 1"
for ((i = 0; i < 150; i++)); do
	(($(recorded_count) >= 3)) && break
	sleep 0.1
done
expect_eq 3 "$(recorded_count)" "the running worker sends both"
rc=0
stop_worker || rc=$?
expect_eq 0 "$rc" "the worker stops cleanly on SIGTERM"
expect_eq 1 "$(grep -c 'worker .* started' "$W_LOG")" "the worker was started once"
# The callback pool follows the allow-list saved on the page.
settings_post "$ajar" 'callback_allow=10.9.9.9'
expect_status 303 "an allow-list without this host saved on the page"
push_send "$(push_json 0123456789abcdef0123456789abcdef "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)")"
expect_status 403 "... a push from 127.0.0.1 is refused at once"
settings_post "$ajar" 'callback_allow=10.9.9.9 127.0.0.1'
push_send "$(push_json 0123456789abcdef0123456789abcdef "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)")"
expect_status 200 "... and taken once 127.0.0.1 is added"
hits=$(grep -lF -e "$V_KEY" "$W_LOG" "$T_LOG" "$T_DIR"/nginx-*.log 2>/dev/null || true)
expect_eq "" "$hits" "neither the worker's nor dialdesk's nor nginx's log holds sign_key"
