#!/usr/bin/env bash
# t3002-task-form-rules.sh: POST /tasks/new refuses, with 422, a form the
# vendor would refuse: name and videoBotId always required, audioBotId only
# with voice diversion, the SMS template and signature only with the SMS,
# the video SMS template only with the video SMS, phases 1 to 3 only, a list
# file required. The page comes back filled in with what was typed and the
# reason next to each field; nothing is stored. Each rule once.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv

stored() { sql "SELECT (SELECT count(*) FROM imports) || '/' || (SELECT count(*) FROM import_rows) || '/' || (SELECT count(*) FROM audit WHERE action = 'list.uploaded')"; }
uploads() { find "$T_DIR/uploads" -type f | wc -l; }

# field_error ID: the reason shown next to the field task-ID, or nothing.
field_error() {
	sed -n -e "s|.*<p class=\"field-error\" id=\"task-$1-error\">\\([^<]*\\)</p>.*|\\1|p" "$R_BODY"
}

# refused DESC ID REASON [KEY=VALUE | KEY=-]...: the form with these
# changes is refused with 422 and REASON next to field ID, which is marked
# invalid; nothing is stored.
refused() {
	local desc=$1 id=$2 reason=$3 before
	shift 3
	before=$(stored)
	upload_list "$jar" "$LIST" "$@"
	expect_status 422 "refused with 422: $desc"
	expect_text "$reason" "$(field_error "$id")" "... the reason next to the field: $reason"
	expect_body_contains "aria-describedby=\"task-$id-error\"" "... the field points at its reason"
	expect_body_contains '<p class="error" role="alert">有 1 处需要修改' \
	    "... the page says one thing is to be changed"
	expect_eq "$before" "$(stored)" "... nothing is stored (imports/rows/audit)"
}

# accepted DESC [KEY=VALUE | KEY=-]...: the form goes on to a preview.
accepted() {
	local desc=$1
	shift
	upload_list "$jar" "$LIST" "$@"
	if [[ $R_STATUS == 303 && -n $IMPORT_ID ]]; then
		ok "accepted (303 to the preview): $desc"
		cancel_import "$jar" "$IMPORT_ID"
	else
		not_ok "accepted (303 to the preview): $desc" "$(r_summary)"
	fi
}

req "$jar" GET /tasks/new
expect_status 200 "GET /tasks/new shows the form"
expect_body_contains 'enctype="multipart/form-data"' "... a multipart form"

# --- required always --------------------------------------------------------------

refused "name missing" name 请填写任务名称 name=-
refused "name empty" name 请填写任务名称 name=
refused "name with a line break" name '任务名称为 1 到 100 个字符,不能换行' $'name=a\nb'
refused "name of 101 characters" name '任务名称为 1 到 100 个字符,不能换行' "name=$(printf '回%.0s' {1..101})"
refused "videoBotId missing" videoBotId '请填写视频互动内容 ID' videoBotId=-
refused "videoBotId with a space" videoBotId 'ID 只能包含字母、数字和 _ . : -,最长 64 个字符' 'videoBotId=vb 1'

# --- required when a switch is on -------------------------------------------------------

refused "isVoiceDivide on, audioBotId missing" audioBotId '开启语音分流时必须填写音频 bot ID' audioBotId=-
accepted "isVoiceDivide off, audioBotId missing" isVoiceDivide=- audioBotId=-
refused "isRelateSendMessage on, msgTemplateId missing" msgTemplateId '关联文本短信时必须填写短信模板 ID' msgTemplateId=
refused "isRelateSendMessage on, msgTitle missing" msgTitle '关联文本短信时必须填写短信签名' msgTitle=-
refused "isRelateSendMessage on, msgTitle of 31 characters" msgTitle '短信签名为 1 到 30 个字符,不能换行' "msgTitle=$(printf '甜%.0s' {1..31})"
accepted "isRelateSendMessage off, no template, no signature, no phase" \
    isRelateSendMessage=- msgTemplateId=- msgTitle=- sendMessagePhase=-
refused "isRelateVideoMessage on, videoMessageTemplateId missing" videoMessageTemplateId \
    '关联视频短信时必须填写视频短信模板 ID' videoMessageTemplateId=-
accepted "isRelateVideoMessage off, no video template" \
    isRelateVideoMessage=- videoMessageTemplateId=- sendVideoMessagePhase=-

# --- phases ------------------------------------------------------------------------------

refused "sendMessagePhase 4" sendMessagePhase '发送时机只能是拨打电话时、电话接通时或通话结束后' sendMessagePhase=4
refused "sendVideoMessagePhase 0" sendVideoMessagePhase '发送时机只能是拨打电话时、电话接通时或通话结束后' sendVideoMessagePhase=0
accepted "phases not given (不指定)" sendMessagePhase= sendVideoMessagePhase=

# --- the list -------------------------------------------------------------------------------

before=$(stored)
upload_list "$jar" -
expect_status 422 "refused with 422: no list file"
expect_eq 请选择呼叫名单文件 "$(field_error list)" "... the reason next to the file field"
expect_eq "$before" "$(stored)" "... nothing is stored"

# --- the page comes back filled in -----------------------------------------------------------

upload_list "$jar" "$LIST" name=- 'videoBotId=vb 1' isVoiceDivide=true audioBotId=ab-9 \
    'msgTitle=甜新"科技<>' sendMessagePhase=3 isRelateVideoMessage=-
expect_status 422 "two mistakes at once: 422"
expect_body_contains '有 2 处需要修改' "... the page counts both"
expect_eq 请填写任务名称 "$(field_error name)" "... the name's reason"
expect_text 'ID 只能包含字母、数字和 _ . : -,最长 64 个字符' "$(field_error videoBotId)" "... the videoBotId's reason"
expect_body_contains 'name="videoBotId" value="vb 1"' "... the invalid value typed is shown again"
expect_body_contains 'name="audioBotId" value="ab-9"' "... audioBotId refilled"
expect_body_contains 'name="msgTitle" value="甜新&quot;科技&lt;&gt;"' "... msgTitle refilled, escaped"
expect_body_contains 'name="msgTemplateId" value="600184215"' "... msgTemplateId refilled"
expect_body_contains 'name="videoMessageTemplateId" value="16083"' "... videoMessageTemplateId refilled"
expect_body_contains 'aria-controls="group-voice" checked>' "... isVoiceDivide still ticked"
expect_body_contains 'aria-controls="group-sms" checked>' "... isRelateSendMessage still ticked"
expect_body_lacks 'aria-controls="group-video-sms" checked>' "... isRelateVideoMessage still unticked"
expect_match '<option value="3" selected>通话结束后</option>' "$(sed -n '/name="sendMessagePhase"/,/<\/select>/p' "$R_BODY" | tr -d '\n')" \
    "... sendMessagePhase 3 still selected"
expect_body_lacks 'class="field-error" id="task-audioBotId-error"' "... no reason next to a field that was right"

upload_list "$jar" "$LIST" isVoiceDivide=maybe
expect_status 422 "a forged switch value (isVoiceDivide=maybe) is refused with 422"

expect_eq 0 "$(uploads)" "no uploaded file is left behind by the refusals and cancels"
expect_eq 4 "$(sql "SELECT count(*) FROM imports WHERE state = 'cancelled'")" \
    "only the 4 accepted forms made imports (cancelled since)"
