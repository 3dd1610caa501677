#!/usr/bin/env bash
# t3007-preview-mapping.sh: on the preview, POST /imports/N/mapping with
# phone_col and name_col reads the list again with those columns, and the
# figures change with them (audited as list.remapped); a mapping the list
# cannot use is refused and leaves the preview as it was; what is sent
# follows the mapping. POST /imports/N/cancel drops the list: its rows and
# its bytes are gone, and it can no longer be confirmed.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

# The column titled 手机号 is half wrong; the numbers to call are in 备用号码.
LIST=$T_DIR/mapping.csv
cat >"$LIST" <<'EOF'
手机号,姓名,备用号码,城市
13500000001,张三,13600000001,杭州
未知,李四,13600000002,上海
13500000001,王五,13600000003,北京
13500000004,赵六,13600000004,深圳
EOF

figures() { sql "SELECT rows_read || ' ' || valid || ' ' || invalid || ' ' || duplicates || ' ' || phone_col || ' ' || name_col FROM imports WHERE id = $1"; }

# remap N PHONE_COL NAME_COL: the preview's mapping form.
remap() { post_form "$jar" "/imports/$1" "/imports/$1/mapping" --data-urlencode "phone_col=$2" --data-urlencode "name_col=$3"; }

upload_list "$jar" "$LIST" name=改列测试
ID=$IMPORT_ID
expect_eq "4 2 1 1 0 1" "$(figures "$ID")" "detected: phone column 1 (手机号), name column 2: 2 valid, 1 invalid, 1 duplicate"
req "$jar" GET "/imports/$ID"
expect_body_contains "action=\"/imports/$ID/mapping\"" "the preview has the mapping form"
phone_select=$(tr -d '\n' <"$R_BODY" | sed -e 's/.*name="phone_col">//' -e 's|</select>.*||')
expect_contains_text '<option value="2">第 3 列:备用号码</option>' "$phone_select" "... offering 备用号码 as the phone column"
expect_contains_text '<option value="0" selected>第 1 列:手机号</option>' "$phone_select" "... with 手机号 selected"

remap "$ID" 2 1
expect_status 303 "mapping phone_col 2, name_col 1 answers 303"
expect_location "/imports/$ID" "... back to the preview"
expect_eq "4 4 0 0 2 1" "$(figures "$ID")" "the figures change: 4 valid, 0 invalid, 0 duplicates"
req "$jar" GET "/imports/$ID"
expect_body_contains '<dt>有效</dt><dd>4</dd>' "the preview shows 4 valid"
expect_body_contains '<code>136****0002</code>' "... samples from the new phone column"
expect_body_contains '没有无效或重复的行' "... and no bad row"
expect_eq 1 "$(audit_count list.remapped)" "the remapping is audited as list.remapped"
expect_eq "2 1 4" "$(sql "SELECT json_extract(details, '$.phone_col') || ' ' || json_extract(details, '$.name_col') || ' ' || json_extract(details, '$.valid') FROM audit WHERE action = 'list.remapped'")" \
    "... with the columns and the new figures"

remap "$ID" 2 -2
expect_status 303 "mapping name_col -2 (no name column) answers 303"
expect_eq "4 4 0 0 2 -1" "$(figures "$ID")" "... the list now has no name column"

before=$(figures "$ID")
remap "$ID" 9 1
expect_status 422 "a phone column the list does not have is refused (422)"
expect_body_contains '指定的第 10 列不存在' "... saying which"
remap "$ID" 1 1
expect_status 422 "the same column for phone and name is refused (422)"
expect_eq "$before" "$(figures "$ID")" "the refused mappings leave the preview as it was"
expect_eq preview "$(sql "SELECT state FROM imports WHERE id = $ID")" "... still in preview"

login auditor "$AUDITOR_PASS" "$T_DIR/auditor" || true
csrf=$(csrf_of "$T_DIR/auditor" "/imports/$ID") || csrf=$(csrf_of "$T_DIR/auditor" /)
req "$T_DIR/auditor" POST "/imports/$ID/mapping" --data-urlencode "csrf=$csrf" \
    --data-urlencode phone_col=0 --data-urlencode name_col=1
expect_status 403 "an auditor may not change the mapping (403)"

# What is sent follows the mapping: 备用号码 as the phone, 姓名 as the
# name, 手机号 and 城市 as otherInfo.
remap "$ID" 2 1
confirm_import "$jar" "$ID"
expect_status 303 "the remapped list is confirmed"
worker_once || true
body=$(recorded 1)
expect_eq '{"name":"李四","phone":"13600000002","otherInfo":[{"title":"手机号","value":"未知"},{"title":"城市","value":"上海"}]}' \
    "$(jq -c '.deliverList[1]' "$body" 2>/dev/null)" "the vendor gets the phone from 备用号码 and 手机号 as otherInfo"
expect_eq 4 "$(jq '.deliverList | length' "$body" 2>/dev/null)" "... all 4 rows"

# --- cancel ------------------------------------------------------------------------

upload_list "$jar" "$LIST" name=取消测试
ID=$IMPORT_ID
expect_eq "$(stat -c %s "$LIST")" "$(sql "SELECT sum(length(bytes)) FROM upload_bytes WHERE owner = 'import' AND owner_id = $ID")" \
    "the upload's bytes are kept in the database during the preview"
expect_eq 4 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $ID")" "its 4 rows are stored"
cancel_import "$jar" "$ID"
expect_status 303 "POST /imports/$ID/cancel answers 303"
expect_location "/imports/$ID" "... back to the preview"
expect_eq cancelled "$(sql "SELECT state FROM imports WHERE id = $ID")" "the import is cancelled"
expect_eq 0 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $ID")" "its rows are removed"
expect_eq 0 "$(sql "SELECT count(*) FROM upload_bytes WHERE owner = 'import' AND owner_id = $ID")" "its bytes are removed"
expect_eq 1 "$(audit_count list.cancelled)" "the cancel is audited as list.cancelled"
req "$jar" GET "/imports/$ID"
expect_contains_text '这份名单已取消，不会发送。' "$(cat "$R_BODY")" "the preview says it is cancelled"
expect_body_lacks "/imports/$ID/confirm" "... and offers no confirmation"
post_form "$jar" /tasks/new "/imports/$ID/confirm"
expect_status 409 "confirming a cancelled list answers 409"
post_form "$jar" /tasks/new "/imports/$ID/mapping" --data-urlencode phone_col=2 --data-urlencode name_col=1
expect_status 409 "remapping a cancelled list answers 409"
expect_eq 1 "$(sql 'SELECT count(*) FROM tasks')" "no task was made of it"
