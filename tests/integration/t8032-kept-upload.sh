#!/usr/bin/env bash
# t8032-kept-upload.sh: a refused task form keeps its file on the server,
# bound to the session and to the form (its upload_token), so that the
# operator does not choose it again: the page names the kept file and its
# size, the file input is no longer required, and sending the form again
# without a file (as a browser does: an empty part) reaches the preview
# with that file. A new file replaces the kept one; "不使用这个文件" drops
# it. Another session, user or form does not get it. The bytes are kept
# in the database, never in a file named by the browser; upload_dir is
# empty between requests.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_setup
t_add_user other operator 'Other-pass-5512' || not_ok "add a second operator"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv
three=$T_DIR/three-rows.csv
printf '%s\n' '手机号,姓名' 13500000011,甲 13500000012,乙 13500000013,丙 >"$three"

uploads() { find "$T_DIR/uploads" -type f | wc -l; }
kept() { sql 'SELECT count(*) FROM kept_uploads'; }
# kept_bytes: the size of every kept upload's bytes, in id order.
kept_bytes() { sql "SELECT group_concat(n, ' ') FROM (SELECT sum(length(b.bytes)) AS n FROM kept_uploads AS k JOIN upload_bytes AS b ON b.owner = 'kept' AND b.owner_id = k.id GROUP BY k.id ORDER BY k.id) AS s"; }
all_kept_bytes() { sql "SELECT count(*) FROM upload_bytes WHERE owner = 'kept'"; }
field_error() {
	sed -n -e "s|.*<p class=\"field-error\" id=\"task-$1-error\">\\([^<]*\\)</p>.*|\\1|p" "$R_BODY"
}
# form_token: the upload token of the form in the last answer.
form_token() {
	grep -o '<input type="hidden" name="upload_token" value="[0-9a-f]*">' "$R_BODY" |
	    sed -e 's/.*value="\([0-9a-f]*\)".*/\1/' | head -n 1
}
# again JAR TOKEN [KEY=VALUE]...: the whole form once more, with no file
# chosen: the empty file part, named "", that a browser sends.
again() {
	local jar=$1 tok=$2
	shift 2
	: >"$T_DIR/nothing"
	upload_list "$jar" - "upload_token=$tok" "$@" -F 'list=@'"$T_DIR/nothing"';filename=""'
}

req "$jar" GET /tasks/new
tok=$(form_token)
expect_match '^[0-9a-f]{64}$' "$tok" "the task form carries an upload token"
expect_body_contains 'type="file" name="list" required' "... and asks for a file"

# --- a refused form keeps the file ---------------------------------------
upload_list "$jar" "$LIST" name=- "upload_token=$tok"
expect_status 422 "a form with a file but no name is refused"
expect_eq 请填写任务名称 "$(field_error name)" "... the reason next to the name"
expect_body_contains '已保留上次选择的文件：<span class="file-name">two-rows.csv</span>（' \
    "... the page names the kept file"
expect_contains_text "（$(stat -c %s "$LIST") 字节）" "$(cat "$R_BODY")" "... and its size"
expect_eq "$tok" "$(form_token)" "... the form keeps its token"
expect_body_lacks 'name="list" required' "... the file input is not required now"
expect_body_contains 'name="drop_upload" value="true"' "... and the file can be dropped"
expect_eq 1 "$(kept)" "the file is kept (one row)"
expect_eq "$(stat -c %s "$LIST")" "$(kept_bytes)" "... its bytes in the database"
expect_eq 0 "$(uploads)" "... and no file in upload_dir"
expect_eq 0 "$(sql 'SELECT count(*) FROM imports')" "... no import yet"

# A second error: still kept, still shown.
again "$jar" "$tok" name=- videoBotId=-
expect_status 422 "a second refusal without a file"
expect_body_contains '<p class="error" role="alert">有 2 处需要修改' "... counts the two fields, not the file"
expect_body_lacks 'id="task-list-error"' "... no reason next to the file"
expect_body_contains '<span class="file-name">two-rows.csv</span>' "... the file is still kept"

# Right at last, no file chosen: the kept one is used.
again "$jar" "$tok" name=留存文件的任务
expect_status 303 "the form sent again without a file reaches the preview"
expect_match '^[0-9]+$' "$IMPORT_ID" "... of a new import"
first=$IMPORT_ID
expect_eq 'two-rows.csv|2|留存文件的任务' "$(sql "SELECT file_name || '|' || valid || '|' || json_extract(params, '$.name') FROM imports WHERE id = '$IMPORT_ID'")" \
    "... made of the kept file"
expect_eq "$(stat -c %s "$LIST")" "$(sql "SELECT sum(length(bytes)) FROM upload_bytes WHERE owner = 'import' AND owner_id = '$IMPORT_ID'")" \
    "... whose bytes became the import's"
expect_eq 0 "$(kept)" "... and is no longer kept"
expect_eq 0 "$(all_kept_bytes)" "... nor its bytes"
expect_eq 0 "$(uploads)" "... and upload_dir is empty"
expect_eq 1 "$(audit_count list.uploaded)" "one list.uploaded entry"
again "$jar" "$tok" name=第二次
expect_status 422 "the same form once more finds no kept file"
expect_eq 请选择呼叫名单文件 "$(field_error list)" "... and asks for one"
cancel_import "$jar" "$first"

# --- a new file replaces the kept one; dropping it -----------------------
req "$jar" GET /tasks/new
tok=$(form_token)
upload_list "$jar" "$LIST" name=- "upload_token=$tok"
upload_list "$jar" "$three" name=- "upload_token=$tok"
expect_status 422 "refused again, with another file"
expect_body_contains '<span class="file-name">three-rows.csv</span>' "... the new file is kept"
expect_eq 1 "$(kept)" "... in place of the old one"
expect_eq "$(stat -c %s "$three")" "$(kept_bytes)" "... whose bytes replaced the old ones"
expect_eq 1 "$(all_kept_bytes)" "... which are removed"
again "$jar" "$tok" name=- drop_upload=true
expect_status 422 "不使用这个文件 without a new file"
expect_eq 请选择呼叫名单文件 "$(field_error list)" "... asks for a file"
expect_body_contains 'type="file" name="list" required' "... the file input is required again"
expect_eq 0 "$(kept)" "... nothing is kept"
expect_eq 0 "$(all_kept_bytes)" "... no bytes are left"
expect_eq 0 "$(uploads)" "... and no file is left"

# A new file when one is kept: the new one is used.
upload_list "$jar" "$LIST" name=- "upload_token=$tok"
upload_list "$jar" "$three" "upload_token=$tok"
expect_status 303 "a new file with a kept one: the preview"
expect_eq three-rows.csv "$(sql "SELECT file_name FROM imports WHERE id = '$IMPORT_ID'")" "... of the new file"
expect_eq 0 "$(kept)" "... the kept one is gone"
expect_eq 0 "$(all_kept_bytes)" "... with its bytes"
expect_eq 0 "$(uploads)" "... and upload_dir is empty"
cancel_import "$jar" "$IMPORT_ID"

# --- bound to the session, the user and the form -------------------------
req "$jar" GET /tasks/new
tok=$(form_token)
upload_list "$jar" "$LIST" name=- "upload_token=$tok"
jar2=$T_DIR/jar2
login operator "$OPERATOR_PASS" "$jar2" || not_ok "the operator signs in a second time"
again "$jar2" "$tok" name=别的会话
expect_status 422 "another session of the same user does not get the kept file"
expect_eq 请选择呼叫名单文件 "$(field_error list)" "... it asks for a file"
jar3=$T_DIR/jar3
login other 'Other-pass-5512' "$jar3" || not_ok "other signs in"
again "$jar3" "$tok" name=别人
expect_status 422 "another user with the same token does not get it"
req "$jar" GET /tasks/new
again "$jar" "$(form_token)" name=另一个表单
expect_status 422 "another form of the same session does not get it"
expect_eq 1 "$(kept)" "... it stays kept for its own form"
again "$jar" "$tok" name=原来的表单
expect_status 303 "its own form gets it"
cancel_import "$jar" "$IMPORT_ID"

# --- the browser's file name is never a path ------------------------------
req "$jar" GET /tasks/new
tok=$(form_token)
csrf=$(csrf_of "$jar" /tasks/new)
req "$jar" POST /tasks/new --form-string "csrf=$csrf" --form-string "upload_token=$tok" \
    --form-string videoBotId=vb-1 -F "list=@$LIST;filename=../../../etc/evil.csv"
expect_status 422 "a refused form whose file is named ../../../etc/evil.csv"
expect_eq "evil.csv|" "$(sql "SELECT file_name || '|' || file_path FROM kept_uploads")" \
    "... is kept as evil.csv, in no file at all"
expect_eq "$(stat -c %s "$LIST")" "$(kept_bytes)" "... its bytes in the database"
check "... nothing is written outside upload_dir" test ! -e "$T_DIR/etc/evil.csv"

# --- a form without a token keeps nothing (as before) ----------------------
sql 'DELETE FROM kept_uploads'
sql "DELETE FROM upload_bytes WHERE owner = 'kept'"
upload_list "$jar" "$LIST" name=-
expect_status 422 "a form that carries no upload token is refused"
expect_eq 0 "$(kept)" "... and keeps nothing"
expect_eq 0 "$(uploads)" "... its file removed at once"
