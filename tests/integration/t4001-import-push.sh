#!/usr/bin/env bash
# t4001-import-push.sh: POST /callback/import?token=TOKEN, the vendor's
# asynchronous import push (PRODUCT.md section 2). The document's own
# example is taken and stored; a failure reason instead of figures is kept
# and shown; the same push twice is one row; of two different pushes for a
# task the later one holds the current figures, in either order; a push
# that arrives before its batch has the vendor's task id waits and is
# linked when the worker stores the id, or by an administrator by hand; a
# wrong token, unreadable JSON, a body over callback_max_bytes are refused
# (403, 400, 413) and the unreadable ones kept, the wrong tokens counted in
# one push.forbidden entry for the minute (t7022 has the details); the
# urlencoded form works.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf callback_max_bytes 2048
t_start
# The sandbox's own pushes would come in between: here the test pushes.
vendor_start --push-delay-ms 600000
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv

pushes() { sql "SELECT count(*) FROM pushes"; }
rejected() { sql "SELECT count(*) FROM rejected_pushes"; }
expect_answer() {
	expect_status "$1" "$2"
	expect_header Content-Type '^application/json' "... as JSON"
	expect_eq "$1" "$(jq -r '.code | if . == 0 then 200 else . end' "$R_BODY" 2>/dev/null)" "... whose code says the same"
}

# sent_task NAME: a task of one batch, sent; VTASK is its vendor task id,
# BATCH its batch, TASK_ID the task.
sent_task() {
	new_task "$jar" "$LIST" "name=$1" || return 1
	worker_once || true
	BATCH=$(sql "SELECT id FROM batches WHERE task_id = $TASK_ID")
	VTASK=$(sql "SELECT vendor_task_id FROM batches WHERE id = $BATCH")
	[[ $VTASK =~ ^[0-9a-f]{32}$ ]] || not_ok "task $1 is sent" "$(tail -n 3 "$W_LOG")"
}

# --- the document's example, exactly as written ------------------------------------

# seeds/import-push.zh.txt, the <pre><code> of 返回示例 with its HTML
# entities decoded (&amp;quot; is ").
EXAMPLE='{ "dial_task_main_sn": "dial_task_main_sn|1427a04cae36a5b7161c0b04b9206fa4", "import_mark": { "totalCount": 1, "failCount": 1, "blacklistCount": 0, "repeatCount": 0, "successCount": 0, "filterCount": 0, "shiCount": 0, "kongCount": 0, "tingjiCount": 0, "kuwuCount": 0, "chenmoCount": 0, "fenxianCount": 0, "chaopinCount": 0 } } '
push_send "$EXAMPLE" application/json
expect_answer 200 "the document's example push answers 200"
expect_eq '{"code":0,"message":"ok"}' "$(tr -d '\n' <"$R_BODY")" "... {\"code\":0}"
expect_eq "1|dial_task_main_sn|1427a04cae36a5b7161c0b04b9206fa4|1427a04cae36a5b7161c0b04b9206fa4|1|1|0|1|0|0|0|0|0|0|0|0|0|0|1|1" \
    "$(sql "SELECT (SELECT count(*) FROM pushes), sn, vendor_task_id, ok, total, success, fail, blacklist, repeat, filter, shi, kong, tingji, kuwu, chenmo, fenxian, chaopin, CAST(batch_id IS NULL AS INTEGER), CAST(body = '$EXAMPLE' AS INTEGER) FROM pushes")" \
    "... stored: the sn, its task id, every figure, no batch yet, the body byte for byte"
expect_eq 1 "$(audit_count push.received)" "... audited as push.received"
expect_eq vendor "$(sql "SELECT actor FROM audit WHERE action = 'push.received'")" "... by the vendor"

# --- a failure reason instead of figures --------------------------------------------

sent_task 导入失败
push_send "$(push_json "$VTASK" '"号码文件格式错误"')"
expect_answer 200 "a push whose import_mark is a failure reason answers 200"
expect_eq "0|号码文件格式错误|$BATCH|auto" \
    "$(sql "SELECT ok, reason, batch_id, linked_by FROM pushes WHERE vendor_task_id = '$VTASK'")" \
    "... stored with ok 0 and the reason, linked to its batch"
req "$jar" GET "/tasks/$TASK_ID"
expect_match '>导入失败<' "$(breakdown_row 1/1)" "the task page shows the import failed"
expect_contains_text '供应商返回的原因：<span class="fail-reason">号码文件格式错误</span>' "$(breakdown_row 1/1)" \
    "... with the vendor's reason"

# --- the same push twice ----------------------------------------------------------------

sent_task 重复推送
body=$(push_json "$VTASK" "$(mark 2 2 0 0 0 0 1 1 0 0 0 0 0)")
push_send "$body"
expect_answer 200 "a push answers 200"
push_send "$body"
expect_answer 200 "the same push again answers 200 too"
expect_eq 1 "$(sql "SELECT count(*) FROM pushes WHERE vendor_task_id = '$VTASK'")" "... and is stored once"
expect_eq "1 1" "$(sql "SELECT count(*) FROM audit WHERE action = 'push.received' AND object = '$VTASK'") $(sql "SELECT count(*) FROM audit WHERE action = 'push.duplicate' AND object = '$VTASK'")" \
    "... the audit log has one push.received and one push.duplicate"

# --- two different pushes for one task, in either order --------------------------------------

first=$(mark 2 1 1 0 0 0 1 0 0 0 0 0 0)
second=$(mark 2 2 0 0 0 0 1 1 0 0 0 0 0)
sent_task 先后推送
push_send "$(push_json "$VTASK" "$first")"
push_send "$(push_json "$VTASK" "$second")"
expect_eq "2|2" "$(sql "SELECT count(*), (SELECT success FROM pushes WHERE vendor_task_id = '$VTASK' ORDER BY id DESC LIMIT 1) FROM pushes WHERE vendor_task_id = '$VTASK'")" \
    "two different pushes for a task are both kept"
req "$jar" GET "/tasks/$TASK_ID"
expect_eq "2 2 0 0 0 0 1 1 0 0 0 0 0" "$(breakdown_counts 1/1)" "the task page shows the later push's figures"
expect_contains_text '共收到 2 次推送,显示最新一次' "$(breakdown_row 1/1)" "... and that there were 2"
sent_task 倒序推送
push_send "$(push_json "$VTASK" "$second")"
push_send "$(push_json "$VTASK" "$first")"
req "$jar" GET "/tasks/$TASK_ID"
expect_eq "2 1 1 0 0 0 1 0 0 0 0 0 0" "$(breakdown_counts 1/1)" "in the other order, the later push (now the first figures) is shown"
expect_eq 2 "$(sql "SELECT count(*) FROM pushes WHERE vendor_task_id = '$VTASK'")" "... the earlier one stays"

# --- a push before its batch has the vendor's task id --------------------------------------

new_task "$jar" "$LIST" name=先推后存
EARLY_BATCH=$(sql "SELECT id FROM batches WHERE task_id = $TASK_ID")
n=$(($(recorded_count) + 1))
# The sandbox records the request, then answers 2 s later: the push comes
# in between, while the worker is still waiting for its answer.
sandbox_mode '{"mode":"slow","delay_ms":2000,"count":1}'
dialdesk worker --once >>"$W_LOG" 2>&1 &
wpid=$!
for ((i = 0; i < 100; i++)); do
	[[ -s $(recorded_meta "$n") ]] && break
	sleep 0.05
done
EARLY=$(json_get "$(recorded_meta "$n")" .taskId 2>/dev/null) || EARLY=
push_send "$(push_json "$EARLY" "$(mark 2 2 0 0 0 0 2 0 0 0 0 0 0)")"
expect_answer 200 "a push for a vendor task no batch has yet answers 200"
expect_eq "1|" "$(sql "SELECT CAST(batch_id IS NULL AS INTEGER), (SELECT group_concat(id) FROM batches WHERE vendor_task_id = '$EARLY') FROM pushes WHERE vendor_task_id = '$EARLY'")" \
    "... stored unlinked while the batch has not got that id"
wait "$wpid" || true
expect_eq "sent|$EARLY" "$(sql "SELECT state, vendor_task_id FROM batches WHERE id = $EARLY_BATCH")" "the worker then stores the id"
expect_eq "$EARLY_BATCH|auto" "$(sql "SELECT batch_id, linked_by FROM pushes WHERE vendor_task_id = '$EARLY'")" \
    "... and links the waiting push to the batch"
req "$jar" GET "/tasks/$TASK_ID"
expect_eq "2 2 0 0 0 0 2 0 0 0 0 0 0" "$(breakdown_counts 1/1)" "the task page shows its figures"

# --- linked by an administrator ------------------------------------------------------------

sent_task 手动关联
push_send "$(push_json 0123456789abcdef0123456789abcdef "$(mark 2 1 0 1 0 0 1 0 0 0 0 0 0)")"
ORPHAN=$(sql "SELECT id FROM pushes WHERE vendor_task_id = '0123456789abcdef0123456789abcdef'")
admin=$T_DIR/admin
login admin "$ADMIN_PASS" "$admin" || not_ok "admin signs in" "$(r_summary)"
req "$admin" GET /pushes
expect_status 200 "GET /pushes answers 200 for an administrator"
expect_body_contains "action=\"/pushes/$ORPHAN/link\"" "... listing the unmatched push with a link form"
expect_body_contains 'dial_task_main_sn|1427a04cae36a5b7161c0b04b9206fa4' "... and the document's example, unmatched too"
req "$jar" GET /pushes
expect_status 403 "an operator may not see /pushes (403)"
post_form "$jar" /tasks/new "/pushes/$ORPHAN/link" --data-urlencode "batch=$BATCH"
expect_status 403 "... nor link a push (403)"
post_form "$admin" /pushes "/pushes/$ORPHAN/link" --data-urlencode "batch=999999"
expect_status 404 "linking to a batch that does not exist answers 404"
post_form "$admin" /pushes "/pushes/$ORPHAN/link"
expect_status 422 "linking without a batch answers 422"
post_form "$admin" /pushes "/pushes/$ORPHAN/link" --data-urlencode "batch=$BATCH"
expect_status 303 "POST /pushes/$ORPHAN/link with the batch answers 303"
expect_eq "$BATCH|admin" "$(sql "SELECT batch_id, linked_by FROM pushes WHERE id = $ORPHAN")" "the push is linked to the batch by admin"
expect_eq "admin|push $ORPHAN|$BATCH" "$(sql "SELECT actor || '|' || object || '|' || json_extract(details, '$.batch') FROM audit WHERE action = 'push.linked'")" \
    "... audited as push.linked"
req "$jar" GET "/tasks/$TASK_ID"
expect_eq "2 1 0 1 0 0 1 0 0 0 0 0 0" "$(breakdown_counts 1/1)" "the task page shows the linked push's figures"
post_form "$admin" /pushes "/pushes/$ORPHAN/link" --data-urlencode "batch=$BATCH"
expect_status 404 "linking it again answers 404"

# --- the urlencoded form ---------------------------------------------------------------------

sent_task 表单推送
req - POST "/callback/import?token=$(v_token)" \
    --data-urlencode "dial_task_main_sn=dial_task_main_sn|$VTASK" \
    --data-urlencode "import_mark=$(mark 2 2 0 0 0 0 0 1 1 0 0 0 0)"
expect_answer 200 "the urlencoded push answers 200"
expect_eq "$BATCH|1|2|1|1|application/x-www-form-urlencoded" \
    "$(sql "SELECT batch_id, ok, total, kong, tingji, content_type FROM pushes WHERE vendor_task_id = '$VTASK'")" \
    "... stored with its figures and linked"
sent_task 表单失败
req - POST "/callback/import?token=$(v_token)" \
    --data-urlencode "dial_task_main_sn=dial_task_main_sn|$VTASK" --data-urlencode "import_mark=号码文件格式错误"
expect_answer 200 "an urlencoded failure reason answers 200"
expect_eq "0|号码文件格式错误" "$(sql "SELECT ok, reason FROM pushes WHERE vendor_task_id = '$VTASK'")" "... stored as a failure"

# --- refused ----------------------------------------------------------------------------------

n_push=$(pushes)
n_rej=$(rejected)
good=$(push_json "$VTASK" "$(mark 9 9 0 0 0 0 9 0 0 0 0 0 0)")
push_send "$good" "" wrong-token-0123456789
expect_answer 403 "a wrong token answers 403"
req - POST /callback/import -H 'Content-Type: application/json' --data-binary "$good"
expect_answer 403 "no token answers 403"
push_send "$good" "" "$(v_token)x"
expect_answer 403 "the token with one more character answers 403"
expect_eq "$n_push $n_rej" "$(pushes) $(rejected)" "... and nothing stored"

push_send '{"dial_task_main_sn": "dial_task_main_sn|abc", "import_mark": {"totalCount": 1,,}}'
expect_answer 400 "malformed JSON answers 400"
push_send "${good:0:60}"
expect_answer 400 "truncated JSON answers 400"
push_send '{"import_mark": {"totalCount": 1}}'
expect_answer 400 "a push without dial_task_main_sn answers 400"
push_send "$(push_json "$VTASK" '{"totalCount": -1}')"
expect_answer 400 "a negative count answers 400"
expect_eq "$n_push $((n_rej + 4))" "$(pushes) $(rejected)" "the 4 unreadable pushes are kept in rejected_pushes, not in pushes"
expect_eq "${good:0:60}" "$(sql "SELECT $(sql_text body) FROM rejected_pushes ORDER BY id LIMIT 1 OFFSET $((n_rej + 1))")" \
    "... with the body as received"
expect_eq 4 "$(audit_count push.rejected)" "... each audited as push.rejected"

# sized VENDOR_TASK_ID BYTES: a valid push of exactly BYTES bytes.
sized() {
	local b
	b=$(push_json "$1" "$(mark 2 2 0 0 0 0 2 0 0 0 0 0 0)")
	b=${b%\}},\"padding\":\"
	printf '%s%s"}' "$b" "$(head -c $(($2 - ${#b} - 2)) /dev/zero | tr '\0' x)"
}
sent_task 刚好上限
push_send "$(sized "$VTASK" 2048)"
expect_eq "2048 200" "$(stat -c %s "$T_DIR/push.body") $R_STATUS" "a push of exactly callback_max_bytes (2048) is taken"
n_push=$(pushes)
push_send "$(sized "$VTASK" 2049)"
expect_answer 413 "a push of 2049 bytes, over callback_max_bytes, answers 413"
expect_eq "$n_push 1" "$(pushes) $(sql "SELECT count(*) FROM rejected_pushes WHERE reason = 'body too large'")" \
    "... it is not stored as a push, but kept as refused"

push_send "$good" text/plain
expect_answer 400 "a push of Content-Type text/plain answers 400"
push_send $'{"dial_task_main_sn":"dial_task_main_sn|\xff\xfe","import_mark":"\xc3"}'
expect_answer 400 "a push that is not UTF-8 answers 400"

# What the vendor writes is shown escaped.
sent_task 转义
push_send "$(push_json "$VTASK" '"<img src=x onerror=alert(1)>"')"
req "$jar" GET "/tasks/$TASK_ID"
expect_body_contains '&lt;img src=x onerror=alert(1)&gt;' "a failure reason with markup is shown as text"
expect_body_lacks '<img src=x' "... never as markup"

req "$admin" GET /pushes
expect_body_contains 'body too large' "GET /pushes lists the refused pushes with their reason"
if iconv -f UTF-8 -t UTF-8 "$R_BODY" >/dev/null 2>&1; then
	ok "GET /pushes is valid UTF-8 even after a push of other bytes"
else
	not_ok "GET /pushes is valid UTF-8 even after a push of other bytes" \
	    "the rejected body's bytes are copied into the page: $(iconv -f UTF-8 -t UTF-8 "$R_BODY" 2>&1 >/dev/null)"
fi
rc=0
dialdesk audit verify >>"$T_LOG" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"

# The callback URL carries the token: nginx's log must not keep it.
check "nginx logged the pushes" grep -q '/callback/import' "$T_DIR/nginx-access.log"
if grep -qF -- "$(v_token)" "$T_DIR/nginx-access.log"; then
	not_ok "the access log does not hold the callback token" "$(grep -F -- "$(v_token)" "$T_DIR/nginx-access.log" | head -n 2)"
else
	ok "the access log does not hold the callback token"
fi

# The refusals are written when their minute is over, or when serve stops.
t_stop_serve || true
expect_eq "3 yes" "$(sql "SELECT sum(CAST(json_extract(details, '$.wrong_token') AS INTEGER)) || ' ' || iif(count(*) <= 2, 'yes', 'no') FROM audit WHERE action = 'push.forbidden'")" \
    "the 3 wrong tokens are counted in the push.forbidden entry of their minute (two if it ended in between)"
