#!/usr/bin/env bash
# t8003-header-row-pick.sh: the preview's 表头所在的行 form (header_row)
# reads the list again with the row the operator picks as the header,
# finding the columns anew, audited as list.remapped; 无表头 reads every
# row as data; a row that is not among those offered is refused (422) and
# the preview stays as it was.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

# The header detection is fooled: the real header (row 3) names the phone
# column 联系方式, and a note on row 2 holds a phone number, so row 1 is
# taken as the header (the row above the first number).
LIST=$T_DIR/pick.csv
cat >"$LIST" <<'CSV'
客户回访名单,
值班电话,13900000000
姓名,联系方式
张三,13500000001
李四,13500000002
CSV

figures() { sql "SELECT header_line || ' ' || rows_read || ' ' || valid || ' ' || phone_col || ' ' || name_col FROM imports WHERE id = $1"; }
# option_value SELECT-NAME LABEL-PREFIX: the value of the option of the
# preview's select whose label starts so (the page last fetched).
option_value() {
	tr -d '\n' <"$R_BODY" | sed -e "s/.*name=\"$1\">//" -e 's|</select>.*||' |
	    grep -o "<option value=\"[0-9-]*\"[^>]*>$2" | head -n 1 |
	    sed -e 's/<option value="\([0-9-]*\)".*/\1/' || true
}

upload_list "$jar" "$LIST" name=表头选择
ID=${IMPORT_ID:-0}
expect_eq "1 4 3 1 -1" "$(figures "$ID")" "detected: the row above the first number (row 1) is taken as the header"

req "$jar" GET "/imports/$ID"
expect_body_contains "<form method=\"post\" action=\"/imports/$ID/mapping\" class=\"choice-form header-form\">" "the preview has the header row form"
row=$(option_value header_row '第 3 行')
expect_eq 3 "$row" "... offering row 3 (姓名 | 联系方式)"
post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode "header_row=$row"
expect_status 303 "picking row 3 as the header answers 303"
expect_location "/imports/$ID" "... back to the preview"
expect_eq "3 2 2 1 0" "$(figures "$ID")" "row 3 is the header: 2 rows, both valid; phone 联系方式 found by its values, name 姓名"
req "$jar" GET "/imports/$ID"
expect_body_contains '<dt>表头</dt><dd>第 3 行</dd>' "the preview says the header is row 3"
expect_body_contains '<option value="3" selected>第 3 行' "... and has it selected"
expect_body_contains '第 2 行：值班电话 | 139****0000' "... the numbers in the rows offered masked"
expect_eq 3 "$(sql "SELECT json_extract(details, '\$.header_line') FROM audit WHERE action = 'list.remapped' ORDER BY id DESC LIMIT 1")" \
    "the change is audited as list.remapped with the header row"

none=$(option_value header_row '无表头')
post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode "header_row=$none"
expect_status 303 "无表头 answers 303"
expect_eq "0 5 3 1 -1" "$(figures "$ID")" "... every row is data: 5 rows, 3 valid (the note's number too)"

before=$(figures "$ID")
post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode "header_row=40"
expect_status 422 "a header row beyond the first rows is refused (422)"
expect_body_contains '第 40 行不在表格开头的 10 个非空行中' "... saying why"
expect_eq "$before" "$(figures "$ID")" "... the preview stays as it was"
post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode "header_row=x"
expect_status 400 "a header row that is not a number is refused (400)"
