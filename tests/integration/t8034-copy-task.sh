#!/usr/bin/env bash
# t8034-copy-task.sh: "复制为新任务" on a task page (for those who may
# create tasks) opens the task form filled from that task's stored
# parameters, every vendor field, with "（副本）" after the name; the list
# is not copied. Any operator may copy any task, as any may read it. A
# copy id that is not valid is 400, a task that is not there 404.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_setup
t_add_user other operator 'Other-pass-5512' || not_ok "add a second operator"
t_start
op=$T_DIR/op other=$T_DIR/other aud=$T_DIR/aud
login operator "$OPERATOR_PASS" "$op" || not_ok "operator signs in" "$(r_summary)"
login other 'Other-pass-5512' "$other" || not_ok "other signs in" "$(r_summary)"
login auditor "$AUDITOR_PASS" "$aud" || not_ok "auditor signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv
three=$T_DIR/three.csv
printf '%s\n' '手机号' 13500000021 13500000022 13500000023 >"$three"

# value NAME: the value attribute of the text input NAME in the answer.
value() {
	grep -o "<input [^>]*name=\"$1\" value=\"[^\"]*\"" "$R_BODY" | sed -e 's/.*value="\([^"]*\)"$/\1/'
}
# selected NAME: the selected option of select NAME.
selected() {
	tr -d '\n' <"$R_BODY" | grep -o "<select id=\"task-$1\".*" | sed -e 's/<\/select>.*//' |
	    grep -o '<option value="[0-9]*" selected>' | sed -e 's/[^0-9]//g'
}

new_task "$op" "$LIST" name=秋季回访 videoBotId=vb-copy-1 isVoiceDivide=true audioBotId=ab-copy-2 \
    isRelateSendMessage=true msgTemplateId=tpl-copy-3 msgTitle=甜新 sendMessagePhase=2 \
    isRelateVideoMessage=true videoMessageTemplateId=vtpl-copy-4 sendVideoMessagePhase=3
task=$TASK_ID

req "$op" GET "/tasks/$task"
expect_body_contains "<a class=\"btn btn-secondary btn-small\" href=\"/tasks/new?copy=$task\">复制为新任务</a>" \
    "the task page links to 复制为新任务"
req "$other" GET "/tasks/$task"
expect_body_contains "href=\"/tasks/new?copy=$task\">复制为新任务</a>" \
    "... also for another operator, who may read it but not act on it"
req "$aud" GET "/tasks/$task"
expect_body_lacks '复制为新任务' "... not for an auditor, who may not create tasks"
req "$aud" GET "/tasks/new?copy=$task"
expect_status 403 "... nor may an auditor open the copied form"

# Another operator copies it: the task is theirs to read, so to copy.
req "$other" GET "/tasks/new?copy=$task"
expect_status 200 "another operator opens the copy"
expect_eq '秋季回访（副本）' "$(value name)" "... the name with （副本）"
expect_eq vb-copy-1 "$(value videoBotId)" "... videoBotId"
expect_eq ab-copy-2 "$(value audioBotId)" "... audioBotId"
expect_eq tpl-copy-3 "$(value msgTemplateId)" "... msgTemplateId"
expect_eq 甜新 "$(value msgTitle)" "... msgTitle"
expect_eq vtpl-copy-4 "$(value videoMessageTemplateId)" "... videoMessageTemplateId"
expect_body_contains 'aria-controls="group-voice" checked>' "... isVoiceDivide ticked"
expect_body_contains 'aria-controls="group-sms" checked>' "... isRelateSendMessage ticked"
expect_body_contains 'aria-controls="group-video-sms" checked>' "... isRelateVideoMessage ticked"
expect_eq 2 "$(selected sendMessagePhase)" "... sendMessagePhase 2"
expect_eq 3 "$(selected sendVideoMessagePhase)" "... sendVideoMessagePhase 3"
expect_contains_text "已复制任务「秋季回访」（编号 $task）的参数" "$(cat "$R_BODY")" "... saying what was copied"
expect_body_contains 'type="file" name="list" required' "... the list is not copied: a file is asked for"
expect_body_lacks 'kept-file' "... and none is kept"

# Sending the copied form as it is, with a list of its own.
csrf=$(grep -o '<input type="hidden" name="csrf" value="[^"]*">' "$R_BODY" | sed -e 's/.*value="\([^"]*\)".*/\1/' | head -n 1)
args=(--form-string "csrf=$csrf")
for k in name videoBotId audioBotId msgTemplateId msgTitle videoMessageTemplateId; do
	args+=(--form-string "$k=$(value "$k")")
done
req "$other" POST /tasks/new "${args[@]}" --form-string isVoiceDivide=true \
    --form-string isRelateSendMessage=true --form-string isRelateVideoMessage=true \
    --form-string "sendMessagePhase=$(selected sendMessagePhase)" \
    --form-string "sendVideoMessagePhase=$(selected sendVideoMessagePhase)" -F "list=@$three;filename=three.csv"
expect_status 303 "the copied form is accepted with a new list"
copy=$(header Location | sed -n -e 's|.*/imports/\([0-9]*\)$|\1|p')
expect_eq "$(sql "SELECT json_set(params, '$.name', '') FROM tasks WHERE id = $task")" \
    "$(sql "SELECT json_set(params, '$.name', '') FROM imports WHERE id = '$copy'")" \
    "... with the very parameters of the task copied"
expect_eq '秋季回访（副本）|3' "$(sql "SELECT json_extract(params, '$.name') || '|' || valid FROM imports WHERE id = '$copy'")" \
    "... its own name and its own list"

# A switch that was off stays off; a name of 100 characters stays within 100.
long=$(printf '长%.0s' {1..100})
new_task "$op" "$LIST" "name=$long" isVoiceDivide=- audioBotId=- isRelateVideoMessage=- \
    videoMessageTemplateId=- sendVideoMessagePhase=-
req "$op" GET "/tasks/new?copy=$TASK_ID"
expect_eq "$(printf '长%.0s' {1..96})（副本）" "$(value name)" "a 100-character name is cut to make room for （副本）"
expect_body_lacks 'aria-controls="group-voice" checked>' "... isVoiceDivide off as it was"
expect_body_lacks 'aria-controls="group-video-sms" checked>' "... isRelateVideoMessage off as it was"
expect_eq "" "$(value audioBotId)" "... audioBotId empty"

req "$op" GET '/tasks/new?copy=abc'
expect_status 400 "copy=abc is refused with 400"
req "$op" GET '/tasks/new?copy=99999'
expect_status 404 "copy of a task that is not there: 404"
expect_body_contains '要复制的任务不存在' "... saying so"
