#!/usr/bin/env bash
# t3001-task-whole-path.sh: the whole path of a call task. An operator
# uploads a CSV saved in GB18030 with phones written as people write them;
# the preview shows the figures, the encoding, masked samples and every bad
# row; after the confirmation `dialdesk worker --once` sends one batch; the
# sandbox vendor received exactly the body the contract asks for, field by
# field; the batch is sent with the vendor's task id; and the audit log
# tells the story.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

# The list, line by line (the header is line 1): a phone grouped with
# spaces, one with +86 and dashes, one of full-width digits, a duplicate of
# line 2, one too short, and one row without a name.
LIST=$T_DIR/回访名单.csv
iconv -f UTF-8 -t GB18030 >"$LIST" <<'EOF'
手机号,姓名,城市
135 0000 0001,张三,杭州
+86 135-0000-0002,李四,上海
１３５０００００００３,王五,北京
13500000001,赵六,深圳
12345,钱七,广州
13500000005,,南京
EOF
if iconv -f UTF-8 -t UTF-8 "$LIST" >/dev/null 2>&1; then
	not_ok "the fixture is not valid UTF-8 (it is GB18030)"
fi

# --- upload and preview --------------------------------------------------------

upload_list "$jar" "$LIST" name='春季回访' sendMessagePhase=2 sendVideoMessagePhase=3
expect_status 303 "POST /tasks/new with a GB18030 list answers 303"
expect_location '/imports/[0-9]+' "... to the list's preview"
req "$jar" GET "/imports/$IMPORT_ID"
expect_status 200 "GET /imports/$IMPORT_ID answers 200"
expect_body_contains '<dt>读取行数</dt><dd>6</dd>' "the preview counts 6 rows read"
expect_body_contains '<dt>有效</dt><dd>4</dd>' "... 4 valid"
expect_body_contains '<dt>无效</dt><dd>1</dd>' "... 1 invalid"
expect_body_contains '<dt>重复</dt><dd>1</dd>' "... 1 duplicate"
expect_body_contains '<dt>编码</dt><dd>GB18030' "... and names the encoding GB18030"
expect_body_contains '<dt>分隔符</dt><dd>逗号</dd>' "... and the comma delimiter"
for p in 135****0001 135****0002 135****0003 135****0005; do
	expect_body_contains "<code>$p</code>" "the sample shows $p masked"
done
expect_body_contains '<td>张三</td>' "the sample shows the name decoded from GB18030"
expect_contains_text '城市:杭州' "$(cat "$R_BODY")" "... and the other column with its title"
for p in 13500000001 13500000002 13500000003 13500000005; do
	expect_body_lacks "$p" "the preview never shows $p whole"
done
bad=$(tr -d '\n' <"$R_BODY" | grep -o '<caption id="bad-caption".*</table>' || true)
expect_contains_text '<td class="num">5</td><td><code class="details">135****0001</code></td><td>重复号码(与第 2 行相同)</td>' \
    "$(sed -e 's/> *</></g' <<<"$bad")" "line 5 is listed as a duplicate of line 2, its phone masked"
expect_match '<td class="num">6</td><td><code class="details">12345</code></td><td>位数不足</td>' \
    "$(sed -e 's/> *</></g' <<<"$bad")" "line 6 is listed as too short"
expect_body_contains "/imports/$IMPORT_ID/errors.csv" "the preview links the error report"

req "$jar" GET "/imports/$IMPORT_ID/errors.csv"
expect_status 200 "GET errors.csv answers 200"
expect_header Content-Type '^text/csv' "... as text/csv"
expect_eq efbbbf "$(head -c 3 "$R_BODY" | od -An -tx1 | tr -d ' \n')" "errors.csv starts with the UTF-8 BOM"
expect_eq $'\xef\xbb\xbf"行号","号码","原因","与第几行重复"\r
5,"135****0001","重复号码",2\r
6,"12345","位数不足",""\r' "$(cat "$R_BODY")" "errors.csv lists both bad rows with line, value (masked like the preview) and reason"
expect_eq 1 "$(audit_count export.errors)" "taking the error report is audited"

# --- confirm and send ---------------------------------------------------------------

confirm_import "$jar" "$IMPORT_ID"
expect_status 303 "confirming answers 303"
expect_location '/tasks/[0-9]+' "... to the task"
expect_eq "1|4|queued" "$(sql "SELECT count(*), sum(rows), group_concat(state) FROM batches WHERE task_id = $TASK_ID")" \
    "one queued batch of 4 rows"
req "$jar" GET "/tasks/$TASK_ID"
expect_body_contains '排队中' "the task page shows the batch queued"

started=$(date +%s%N)
rc=0
worker_once || rc=$?
ms=$((($(date +%s%N) - started) / 1000000))
expect_eq 0 "$rc" "dialdesk worker --once exits 0 (${ms} ms)"
expect_eq 1 "$(recorded_count)" "the sandbox received one create request"

meta=$(recorded_meta 1)
VTASK=$(json_get "$meta" .taskId)
expect_match '^[0-9a-f]{32}$' "$VTASK" "the sandbox accepted it with a task id"
expect_eq 'application/json; charset=utf-8' "$(json_get "$meta" .content_type)" \
    "the request's Content-Type is application/json; charset=utf-8"

SIGN=$(printf '%s' "${V_ORG}${V_LOGIN}春季回访${V_KEY}" | sha256sum | cut -d' ' -f1)
jq -n --arg org "$V_ORG" --arg login "$V_LOGIN" --arg sign "$SIGN" '{
	orgCode: $org, sign: $sign, loginName: $login, name: "春季回访",
	mediaType: "videoBot", videoBotId: "vb-20240501",
	isVoiceDivide: true, audioBotId: "ab-7",
	deliverList: [
		{name: "张三", phone: "13500000001", otherInfo: [{title: "城市", value: "杭州"}]},
		{name: "李四", phone: "13500000002", otherInfo: [{title: "城市", value: "上海"}]},
		{name: "王五", phone: "13500000003", otherInfo: [{title: "城市", value: "北京"}]},
		{phone: "13500000005", otherInfo: [{title: "城市", value: "南京"}]}
	],
	isRelateSendMessage: true, msgTemplateId: "600184215", msgTitle: "甜新科技",
	sendMessagePhase: 2,
	isRelateVideoMessage: true, videoMessageTemplateId: "16083",
	sendVideoMessagePhase: 3}' >"$T_DIR/expected.json"
body=$(recorded 1)
if diff <(jq -S . "$T_DIR/expected.json") <(jq -S . "$body") >"$T_DIR/body.diff"; then
	ok "the body sent is exactly the expected one, field by field"
else
	not_ok "the body sent is exactly the expected one, field by field" "$(head -n 40 "$T_DIR/body.diff")"
fi
for f in orgCode sign loginName name mediaType videoBotId audioBotId msgTemplateId msgTitle videoMessageTemplateId; do
	expect_eq string "$(json_get "$body" ".$f | type")" "$f is a JSON string"
done
for f in isVoiceDivide isRelateSendMessage isRelateVideoMessage; do
	expect_eq boolean "$(json_get "$body" ".$f | type")" "$f is a JSON boolean"
done
for f in sendMessagePhase sendVideoMessagePhase; do
	expect_eq number "$(json_get "$body" ".$f | type")" "$f is a JSON number"
done
expect_match '^[0-9a-f]{64}$' "$(json_get "$body" .sign)" "sign is 64 lower-case hex digits"

expect_eq "sent|0|1|$VTASK" "$(sql "SELECT state, err_code, attempts, vendor_task_id FROM batches WHERE task_id = $TASK_ID")" \
    "the batch is sent, errCode 0, one attempt, with the vendor's task id"
expect_eq sent "$(sql "SELECT state FROM tasks WHERE id = $TASK_ID")" "the task is sent"
expect_eq "$(sha256sum <"$body" | cut -d' ' -f1)" "$(sql "SELECT body_sha256 FROM batches WHERE task_id = $TASK_ID")" \
    "the batch keeps the SHA-256 of the very bytes sent"
req "$jar" GET "/tasks/$TASK_ID"
expect_body_contains "<code>$VTASK</code>" "the task page shows the vendor's task id"
expect_body_contains '已发送' "... and the batch sent"

rc=0
worker_once || rc=$?
expect_eq "0 1" "$rc $(recorded_count)" "a second worker run sends nothing more"

# --- switches off: their fields are not sent ----------------------------------------

# What was typed in a switched-off group stays out of the body, and a
# phase left 不指定 is left out too.
printf '手机号\n13500000009\n' >"$T_DIR/one.csv"
first_import=$IMPORT_ID first_task=$TASK_ID
new_task "$jar" "$T_DIR/one.csv" name=开关关闭 isVoiceDivide=- audioBotId=ab-7 sendMessagePhase= \
    isRelateVideoMessage=- videoMessageTemplateId=16083 sendVideoMessagePhase=2
worker_once || true
body2=$(recorded 2)
SIGN2=$(printf '%s' "${V_ORG}${V_LOGIN}开关关闭${V_KEY}" | sha256sum | cut -d' ' -f1)
jq -n --arg org "$V_ORG" --arg login "$V_LOGIN" --arg sign "$SIGN2" '{
	orgCode: $org, sign: $sign, loginName: $login, name: "开关关闭",
	mediaType: "videoBot", videoBotId: "vb-20240501", isVoiceDivide: false,
	deliverList: [{phone: "13500000009"}],
	isRelateSendMessage: true, msgTemplateId: "600184215", msgTitle: "甜新科技",
	isRelateVideoMessage: false}' >"$T_DIR/expected2.json"
if diff <(jq -S . "$T_DIR/expected2.json") <(jq -S . "$body2" 2>&1) >"$T_DIR/body2.diff"; then
	ok "switches off: isVoiceDivide and isRelateVideoMessage false, their fields and the unset phase left out"
else
	not_ok "switches off: isVoiceDivide and isRelateVideoMessage false, their fields and the unset phase left out" \
	    "$(head -n 30 "$T_DIR/body2.diff")"
fi
expect_eq 0 "$(json_get "$(recorded_meta 2)" .errCode)" "... and the sandbox accepts it"
IMPORT_ID=$first_import TASK_ID=$first_task

# --- the audit log -------------------------------------------------------------------

audit_of() { sql "SELECT actor || '|' || object || '|' || details FROM audit WHERE action = '$1' ORDER BY id"; }
expect_eq 2 "$(audit_count list.uploaded)" "two list.uploaded entries"
a=$(audit_of list.uploaded | head -n 1)
expect_match '^operator\|回访名单\.csv\|' "$a" "... by the operator, naming the file"
expect_eq "$IMPORT_ID gb18030 6 4 1 1" "$(jq -r '[.import, .encoding, .rows, .valid, .invalid, .duplicates] | join(" ")' <<<"${a#*|*|}")" \
    "... with the import, encoding and figures"
expect_eq 2 "$(audit_count task.confirmed)" "two task.confirmed entries"
a=$(audit_of task.confirmed | head -n 1)
expect_match '^operator\|春季回访\|' "$a" "... by the operator, naming the task"
expect_eq "$TASK_ID 4 1 $V_LOGIN" "$(jq -r '[.task, .rows, .batches, .loginName] | join(" ")' <<<"${a#*|*|}")" \
    "... with the task, rows, batches and vendor account"
expect_eq 2 "$(audit_count batch.sent)" "two batch.sent entries"
a=$(audit_of batch.sent | head -n 1)
expect_match '^system\|春季回访\|' "$a" "... by the system"
expect_eq "$TASK_ID 4 $VTASK 0 $(sha256sum <"$body" | cut -d' ' -f1)" \
    "$(jq -r '[.task, .rows, .taskId, .errCode, .body_sha256] | join(" ")' <<<"${a#*|*|}")" \
    "... with the task, rows, vendor task id, errCode and body digest"
rc=0
dialdesk audit verify >>"$T_LOG" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"
