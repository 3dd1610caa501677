#!/usr/bin/env bash
# t8035-blank-task-name.sh: task names are trimmed of ASCII and full-width
# (U+3000) spaces at both ends; a name of spaces only is refused with 422
# and the reason beside the name field, the form filled in again, nothing
# stored.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv
stored() { sql "SELECT (SELECT count(*) FROM imports) || '/' || (SELECT count(*) FROM audit WHERE action = 'list.uploaded')"; }
field_error() {
	sed -n -e "s|.*<p class=\"field-error\" id=\"task-$1-error\">\\([^<]*\\)</p>.*|\\1|p" "$R_BODY"
}

for blank in '   ' '　　' $' \t　 '; do
	shown=$(printf '%q' "$blank")
	before=$(stored)
	upload_list "$jar" "$LIST" "name=$blank" msgTitle=签名
	expect_status 422 "the name $shown is refused with 422"
	expect_text '任务名称不能只有空格，请填写名称' "$(field_error name)" "... the reason beside the name"
	expect_body_contains 'aria-describedby="task-name-error"' "... the field points at it"
	expect_body_contains 'name="msgTitle" value="签名"' "... the form is filled in again"
	expect_eq "$before" "$(stored)" "... nothing is stored"
done

upload_list "$jar" "$LIST" name=
expect_eq 请填写任务名称 "$(field_error name)" "an empty name still asks for one"

upload_list "$jar" "$LIST" $'name= 　春季 回访\t　 '
expect_status 303 "a name with spaces around it is accepted"
expect_eq '春季 回访' "$(sql "SELECT json_extract(params, '$.name') FROM imports WHERE id = '$IMPORT_ID'")" \
    "... stored trimmed, the space inside kept"
confirm_import "$jar" "$IMPORT_ID"
expect_eq '春季 回访' "$(sql "SELECT name FROM tasks WHERE id = '$TASK_ID'")" "... and so is the task's name"
worker_once
expect_eq '春季 回访' "$(json_get "$(recorded 1)" .name)" "... and the name the vendor gets"

long=$(printf '长%.0s' {1..100})
upload_list "$jar" "$LIST" "name=  $long　"
expect_status 303 "100 characters with spaces around them are accepted"
upload_list "$jar" "$LIST" "name=  ${long}长"
expect_status 422 "101 characters are not, spaces or not"
expect_text '任务名称为 1 到 100 个字符，不能换行' "$(field_error name)" "... with the length reason"
