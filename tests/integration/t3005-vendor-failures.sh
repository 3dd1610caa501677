#!/usr/bin/env bash
# t3005-vendor-failures.sh: what the worker makes of each way the vendor
# can fail, one task per fault. A documented errCode (-1..-4, 10) fails
# the batch with the document's Chinese meaning; an errCode the document
# does not list fails it as such; HTTP 500, an HTML page, a dropped
# connection and an answer slower than vendor_timeout leave it "unknown"
# (结果未知), which the worker never retries. A person resends an unknown
# batch (audited as batch.resent). A vendor that cannot be reached leaves
# the batch queued with a later next_attempt: nothing is lost, and it goes
# out once the vendor is back.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv

batch_of() { sql "SELECT id FROM batches WHERE task_id = $1"; }
outcome() { sql "SELECT state || '|' || coalesce(CAST(err_code AS TEXT), 'null') || '|' || coalesce(vendor_task_id, 'null') || '|' || attempts FROM batches WHERE id = $1"; }
message() { sql "SELECT message FROM batches WHERE id = $1"; }

# fault DESC MODE-JSON STATE ERRCODE MESSAGE-PART: a task sent while the
# sandbox plays MODE-JSON (for one request) ends in STATE with ERRCODE
# ("null": none) and a message holding MESSAGE-PART. BATCH is its batch.
fault() {
	local desc=$1 mode=$2 state=$3 code=$4 part=$5 sent
	new_task "$jar" "$LIST" "name=故障 $desc" || return 0
	BATCH=$(batch_of "$TASK_ID")
	sandbox_mode "$mode"
	sent=$(recorded_count)
	worker_once || not_ok "$desc: worker --once exits 0"
	expect_eq $((sent + 1)) "$(recorded_count)" "$desc: the request reached the sandbox"
	expect_eq "$state|$code|null|1" "$(outcome "$BATCH")" "$desc: the batch is $state, errCode $code, no vendor task id, 1 attempt"
	expect_match "$part" "$(message "$BATCH")" "$desc: the message says $part"
	expect_eq attention "$(sql "SELECT state FROM tasks WHERE id = $TASK_ID")" "$desc: the task needs attention (需处理)"
}

# --- refused: documented errCodes and one the document lacks ------------------------

fault "errCode -1" '{"mode":"errcode","errCode":-1,"count":1}' failed -1 '错误码 -1 参数错误'
fault "errCode -2" '{"mode":"errcode","errCode":-2,"count":1}' failed -2 '错误码 -2 找不到此机构'
fault "errCode -3" '{"mode":"errcode","errCode":-3,"count":1}' failed -3 \
    '错误码 -3 该机构下没有此账号/手机号有误/富媒体短信参数错误/视频短信参数错误'
fault "errCode -4 with errMsg" '{"mode":"errcode","errCode":-4,"errMsg":"您的可用额度不足，请联系商务进行充值","count":1}' \
    failed -4 '错误码 -4 该视频尚未通过审核/无效视频互动 id/您的可用额度不足.*您的可用额度不足，请联系商务进行充值'
fault "errCode 10" '{"mode":"errcode","errCode":10,"count":1}' failed 10 '错误码 10 其它异常错误'
fault "errCode 99" '{"mode":"errcode","errCode":99,"count":1}' failed 99 '文档中没有的错误码 99'
FAILED_BATCH=$BATCH
FAILED_TASK=$TASK_ID
req "$jar" GET "/tasks/$FAILED_TASK"
expect_body_contains '供应商拒绝' "the task page shows the batch refused by the vendor (供应商拒绝)"
expect_body_contains '文档中没有的错误码 99' "... with the message"
expect_body_contains "/batches/$FAILED_BATCH/resend" "... and offers to resend it"
expect_eq 6 "$(audit_count batch.sent)" "each refused batch is audited as batch.sent"
expect_eq 99 "$(sql "SELECT json_extract(details, '$.errCode') FROM audit WHERE action = 'batch.sent' ORDER BY id DESC LIMIT 1")" \
    "... with the errCode in its details"

# --- unknown: the vendor may have the list ---------------------------------------------

fault "HTTP 500" '{"mode":"http500","count":1}' unknown null '结果未知'
fault "an HTML page" '{"mode":"html","count":1}' unknown null '结果未知.*不是 JSON'
fault "a dropped connection" '{"mode":"drop","count":1}' unknown null '结果未知.*连接中断'
fault "an answer after 5 s (vendor_timeout 3)" '{"mode":"slow","delay_ms":5000,"count":1}' unknown null '结果未知.*超时'
expect_eq 0 "$(sql "SELECT CAST(err_code IS NOT NULL AS INTEGER) FROM batches WHERE id = $BATCH")" "... no errCode for the slow one"
UNKNOWN_BATCH=$BATCH
UNKNOWN_TASK=$TASK_ID
expect_eq 4 "$(audit_count batch.unknown)" "each unknown batch is audited as batch.unknown"

sent=$(recorded_count)
worker_once || true
expect_eq "$sent" "$(recorded_count)" "the worker never sends an unknown or refused batch again by itself"
expect_eq 4 "$(sql "SELECT count(*) FROM batches WHERE state = 'unknown' AND attempts = 1")" "... all 4 are still unknown after 1 attempt"
req "$jar" GET "/tasks/$UNKNOWN_TASK"
expect_body_contains '结果未知' "the task page shows 结果未知"
expect_body_contains "/batches/$UNKNOWN_BATCH/resend" "... and offers to resend"

# --- a person resends the unknown batch ---------------------------------------------------

post_form "$jar" "/tasks/$UNKNOWN_TASK" "/batches/$UNKNOWN_BATCH/resend"
expect_status 303 "POST /batches/$UNKNOWN_BATCH/resend answers 303"
expect_location "/tasks/$UNKNOWN_TASK" "... back to the task"
expect_eq queued "$(sql "SELECT state FROM batches WHERE id = $UNKNOWN_BATCH")" "the batch is queued again"
expect_eq 1 "$(audit_count batch.resent)" "the resend is audited as batch.resent"
expect_eq "operator|batch $UNKNOWN_BATCH|$UNKNOWN_TASK" \
    "$(sql "SELECT actor || '|' || object || '|' || json_extract(details, '$.task') FROM audit WHERE action = 'batch.resent'")" \
    "... naming who, the batch and the task"
worker_once || true
expect_eq "$((sent + 1))" "$(recorded_count)" "the worker sends the resent batch"
expect_match "^sent\|0\|[0-9a-f]{32}\|2$" "$(outcome "$UNKNOWN_BATCH")" "... which is now sent, on its 2nd attempt"
post_form "$jar" "/tasks/$UNKNOWN_TASK" "/batches/$UNKNOWN_BATCH/resend"
expect_status 409 "a sent batch cannot be resent (409)"
post_form "$jar" "/tasks/$FAILED_TASK" "/batches/$FAILED_BATCH/resend"
expect_status 303 "a refused batch can be resent too (303)"
worker_once || true
expect_match "^sent\|0\|[0-9a-f]{32}\|2$" "$(outcome "$FAILED_BATCH")" "... and goes out again"

login auditor "$AUDITOR_PASS" "$T_DIR/auditor" || true
csrf=$(csrf_of "$T_DIR/auditor" "/tasks/$FAILED_TASK") || csrf=
req "$T_DIR/auditor" POST "/batches/$FAILED_BATCH/resend" --data-urlencode "csrf=$csrf"
expect_status 403 "an auditor may not resend (403)"

# --- the vendor cannot be reached: nothing is lost ----------------------------------------------

expect_eq 0 "$(sql "SELECT count(*) FROM batches WHERE state = 'queued'")" "nothing else is queued"
new_task "$jar" "$LIST" name=供应商宕机
DOWN_BATCH=$(batch_of "$TASK_ID")
dead=$(dd_pick_port)
while [[ $dead == "$V_PORT" || $dead == "$T_PORT" ]]; do dead=$(dd_pick_port); done
saved=${T_SET[vendor_url]}
T_SET[vendor_url]=http://127.0.0.1:$dead
t_write_config "$T_DIR/down.conf" "$T_DB"
T_SET[vendor_url]=$saved
sent=$(recorded_count)
before=$(date +%s)
rc=0
"$DIALDESK_BIN" --config "$T_DIR/down.conf" worker --once >>"$W_LOG" 2>&1 || rc=$?
expect_eq 0 "$rc" "worker --once with the vendor down exits 0"
expect_eq "queued|null|null|1" "$(outcome "$DOWN_BATCH")" "the batch stays queued after 1 attempt"
expect_ge $((before + 5)) "$(sql "SELECT next_attempt FROM batches WHERE id = $DOWN_BATCH")" "... its next attempt is later"
expect_match '连接供应商失败.*请求未发出' "$(message "$DOWN_BATCH")" "... the message says the request was not sent"
expect_eq "$sent" "$(recorded_count)" "nothing reached the sandbox"
"$DIALDESK_BIN" --config "$T_DIR/down.conf" worker --once >>"$W_LOG" 2>&1 || true
expect_eq "queued|null|null|1" "$(outcome "$DOWN_BATCH")" "a worker run before next_attempt leaves it alone"
worker_once || true
expect_eq "queued|null|null|1" "$(outcome "$DOWN_BATCH")" "... even with the vendor back"
sql "UPDATE batches SET next_attempt = 0 WHERE id = $DOWN_BATCH"
worker_once || true
expect_match "^sent\|0\|[0-9a-f]{32}\|2$" "$(outcome "$DOWN_BATCH")" "once due, it is sent to the vendor that is back (attempt 2)"
expect_eq $((sent + 1)) "$(recorded_count)" "... exactly once"
expect_eq sent "$(sql "SELECT state FROM tasks WHERE id = $TASK_ID")" "... and the task is sent"
