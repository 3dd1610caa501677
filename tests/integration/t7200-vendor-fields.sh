#!/usr/bin/env bash
# t7200-vendor-fields.sh: every vendor field of the task form, from one
# table below (as src/fields.def has them), goes the whole way: the form
# has its control under the vendor's name, the preview lists it with its
# label, the sandbox vendor receives it with its JSON type, the task page
# lists it, and 复制为新任务 fills it in again. A task whose parameters were
# stored by the code before the field table (strings first, then switches
# and phases) is still sent, shown and copied with every value.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv

# API name | kind | value on the form | label on the task page | shown as
# (every switch on, so that each field counts)
SPEC='name|text|字段表任务|任务名称|字段表任务
videoBotId|text|vb-fields-1|视频互动内容 ID|vb-fields-1
isVoiceDivide|switch|true|语音分流|开启
audioBotId|text|ab-fields-2|音频 bot ID|ab-fields-2
isRelateSendMessage|switch|true|关联文本短信|是
msgTemplateId|text|tpl-fields-3|文本短信模板 ID|tpl-fields-3
msgTitle|text|字段签名|文本短信签名|字段签名
sendMessagePhase|phase|3|文本短信发送时机|通话结束后
isRelateVideoMessage|switch|true|关联视频短信|是
videoMessageTemplateId|text|vtpl-fields-4|视频短信模板 ID|vtpl-fields-4
sendVideoMessagePhase|phase|1|视频短信发送时机|拨打电话时'

# control API KIND: the form's control for the field is there.
control() {
	case $2 in
	text) expect_body_contains "id=\"task-$1\" type=\"text\" name=\"$1\"" "the form has the text input $1" ;;
	switch) expect_body_contains "id=\"task-$1\" type=\"checkbox\" name=\"$1\" value=\"true\"" "the form has the checkbox $1" ;;
	phase) expect_body_contains "<select id=\"task-$1\" name=\"$1\"" "the form has the select $1" ;;
	esac
}
# filled API KIND VALUE: the form (a copy) holds VALUE for the field.
filled() {
	local flat
	flat=$(tr -d '\n' <"$R_BODY")
	case $2 in
	text) expect_contains_text "name=\"$1\" value=\"$3\"" "$flat" "the copy fills $1 with $3" ;;
	switch) expect_match "name=\"$1\" value=\"true\" [^>]* checked>" "$flat" "the copy ticks $1" ;;
	phase) expect_eq "$3" "$(grep -o "<select id=\"task-$1\".*" <<<"$flat" | sed -e 's|</select>.*||' |
	    grep -o '<option value="[0-9]*" selected>' | sed -e 's/[^0-9]//g')" "the copy selects $3 for $1" ;;
	esac
}
# listed LABEL SHOWN: the page lists the parameter.
listed() {
	expect_body_contains "<div><dt>$1</dt><dd>$2</dd></div>" "the page lists $1: $2"
}

req "$jar" GET /tasks/new
expect_status 200 "GET /tasks/new shows the form"
args=()
while IFS='|' read -r api kind value _ _; do
	control "$api" "$kind"
	args+=("$api=$value")
done <<<"$SPEC"

# --- the whole way ------------------------------------------------------------

upload_list "$jar" "$LIST" "${args[@]}"
expect_status 303 "the form with every field filled goes on to the preview"
req "$jar" GET "/imports/$IMPORT_ID"
while IFS='|' read -r _ _ _ label shown; do
	listed "$label" "$shown"
done <<<"$SPEC"
listed 内容类型 '视频互动（videoBot）'

confirm_import "$jar" "$IMPORT_ID"
expect_status 303 "confirming answers 303"
task=$TASK_ID
worker_once || true
body=$(recorded 1)
expect_eq 0 "$(json_get "$(recorded_meta 1)" .errCode)" "the sandbox vendor accepts the body"
while IFS='|' read -r api kind value _ _; do
	case $kind in
	text) expect_eq "string|$value" "$(json_get "$body" ".$api | type")|$(json_get "$body" ".$api")" \
	    "$api is sent as the string $value" ;;
	switch) expect_eq "boolean|true" "$(json_get "$body" ".$api | type")|$(json_get "$body" ".$api")" \
	    "$api is sent as true" ;;
	phase) expect_eq "number|$value" "$(json_get "$body" ".$api | type")|$(json_get "$body" ".$api")" \
	    "$api is sent as the number $value" ;;
	esac
done <<<"$SPEC"
expect_eq "videoBot" "$(json_get "$body" .mediaType)" "mediaType is videoBot"

req "$jar" GET "/tasks/$task"
while IFS='|' read -r api _ _ label shown; do
	[[ $api == name ]] && continue	# the task page has the name as its title
	listed "$label" "$shown"
done <<<"$SPEC"

req "$jar" GET "/tasks/new?copy=$task"
expect_status 200 "复制为新任务 opens the form"
while IFS='|' read -r api kind value _ _; do
	[[ $api == name ]] && value="$value（副本）"
	filled "$api" "$kind" "$value"
done <<<"$SPEC"

# --- parameters stored by the code before the field table -----------------------

OLD='{"name":"旧格式任务","videoBotId":"vb-old-1","audioBotId":"ab-old-2","msgTemplateId":"tpl-old-3","msgTitle":"旧签名","videoMessageTemplateId":"vtpl-old-4","isVoiceDivide":true,"isRelateSendMessage":true,"sendMessagePhase":2,"isRelateVideoMessage":false,"sendVideoMessagePhase":0}'
new_task "$jar" "$LIST" name=旧格式任务
old=$TASK_ID
sql "UPDATE tasks SET params = '$OLD' WHERE id = $old"
worker_once || true
body=$(recorded 2)
want=$(jq -c '{videoBotId, isVoiceDivide, audioBotId, isRelateSendMessage, msgTemplateId, msgTitle, sendMessagePhase, isRelateVideoMessage}' <<<"$OLD")
expect_eq "$want" "$(jq -c '{videoBotId, isVoiceDivide, audioBotId, isRelateSendMessage, msgTemplateId, msgTitle, sendMessagePhase, isRelateVideoMessage}' "$body")" \
    "a task stored by the old code is sent with its values"
expect_eq "null|null" "$(json_get "$body" .videoMessageTemplateId)|$(json_get "$body" .sendVideoMessagePhase)" \
    "... and without what its switched-off video SMS governs"
req "$jar" GET "/tasks/$old"
listed '视频互动内容 ID' vb-old-1
listed '文本短信签名' 旧签名
listed '文本短信发送时机' 电话接通时
listed '关联视频短信' 否
expect_body_lacks 'vtpl-old-4' "... the task page does not list what a switch that is off governs"
req "$jar" GET "/tasks/new?copy=$old"
filled name text '旧格式任务（副本）'
filled audioBotId text ab-old-2
filled isRelateSendMessage switch true
filled sendMessagePhase phase 2
