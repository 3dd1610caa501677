#!/usr/bin/env bash
# t8005-sheets.sh: a workbook's first visible sheet that holds rows is
# read; the preview names it, and names every other sheet that holds rows
# (a hidden one marked so) instead of ignoring it; the 工作表 form (sheet)
# reads another sheet, finding its header and columns anew; a sheet the
# workbook does not have is refused (422). In .xlsx and .ods alike.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
CL=$DD_TOP/tests/fixtures/calllist

read_as() { sql "SELECT sheet || ' ' || rows_read || ' ' || valid || ' ' || header_line FROM imports WHERE id = $1"; }
option_value() {
	tr -d '\n' <"$R_BODY" | sed -e "s/.*name=\"$1\">//" -e 's|</select>.*||' |
	    grep -o "<option value=\"[0-9-]*\"[^>]*>$2" | head -n 1 |
	    sed -e 's/<option value="\([0-9-]*\)".*/\1/' || true
}

for f in office-multi.xlsx lo-multi.ods; do
	upload_list "$jar" "$CL/$f" name=多表测试
	expect_status 303 "$f: taken"
	ID=${IMPORT_ID:-0}
	expect_eq "1 5 5 1" "$(read_as "$ID")" "... the empty first sheet passed over: sheet 2 (名单) read, 5 rows"
	req "$jar" GET "/imports/$ID"
	expect_body_contains '<dt>工作表</dt><dd>名单（6 行）</dd>' "... the preview names the sheet read"
	expect_body_contains '另有工作表 补充（3 行） 未读取' "... and the other sheet with rows"
	expect_body_lacks '另有工作表 封面' "... but not the empty one"
	sheet=$(option_value sheet '补充')
	expect_eq 2 "$sheet" "... the sheet form offers 补充"
	post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode "sheet=$sheet"
	expect_status 303 "... switching to it answers 303"
	expect_eq "2 2 2 1" "$(read_as "$ID")" "... sheet 3 read: its own header, 2 rows"
	req "$jar" GET "/imports/$ID"
	expect_body_contains '<dt>工作表</dt><dd>补充（3 行）</dd>' "... the preview says so"
	expect_body_contains '另有工作表 名单（6 行） 未读取' "... and names the list left aside"
	post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode "sheet=9"
	expect_status 422 "... a sheet the workbook lacks is refused (422)"
	expect_body_contains '指定的第 10 个工作表不存在' "... saying which"
	expect_eq "2 2 2 1" "$(read_as "$ID")" "... the preview stays as it was"
done

for f in office-hidden.xlsx lo-hidden.ods; do
	upload_list "$jar" "$CL/$f" name=隐藏表测试
	ID=${IMPORT_ID:-0}
	expect_eq "1 2 2 1" "$(read_as "$ID")" "$f: the hidden first sheet is passed over"
	req "$jar" GET "/imports/$ID"
	expect_body_contains '另有工作表 上月（2 行，隐藏） 未读取' "... and named on the preview as hidden"
	expect_body_contains '<option value="0">上月（2 行，隐藏）</option>' "... offered in the sheet form"
done
