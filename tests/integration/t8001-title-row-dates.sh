#!/usr/bin/env bash
# t8001-title-row-dates.sh: an .xlsx as offices make it (openpyxl's
# office-title.xlsx: a merged title row, a blank row and a note above the
# header; dates, times, a percentage, booleans, a phone shown as 1.35E+10,
# landlines) is taken, not refused. The preview says the header is row 4;
# the rows above it are not data; what the vendor gets is what the sheet
# shows: 2026-11-28, 2026-11-28 14:30, 50%, TRUE, not serial numbers.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
CL=$DD_TOP/tests/fixtures/calllist

upload_list "$jar" "$CL/office-title.xlsx" name=标题行测试
expect_status 303 "a list with a title, a blank and a note row above the header is taken (303)"
ID=${IMPORT_ID:-0}
expect_eq "5 3 2 4 2 1" "$(sql "SELECT rows_read || ' ' || valid || ' ' || invalid || ' ' || header_line || ' ' || phone_col || ' ' || name_col FROM imports WHERE id = $ID")" \
    "5 data rows below the header on row 4: 3 valid, 2 landlines; phone 手机号码, name 姓名"
req "$jar" GET "/imports/$ID"
expect_status 200 "the preview answers 200"
expect_body_contains '<div class="fact-header"><dt>表头</dt><dd>第 4 行</dd></div>' "the preview says the header is row 4"
expect_body_contains '<dt>工作表</dt><dd>客户名单（8 行）</dd>' "... and which sheet was read"
expect_body_contains '<option value="4" selected>第 4 行：序号 | 姓名 | 手机号码' "... with row 4 selected among the header rows offered"
expect_body_contains '<option value="1">第 1 行：2026年12月客户名单</option>' "... the title row offered too"
expect_body_lacks '46354' "no Excel serial number on the page"
expect_body_contains '登记日期：2026-11-28；回访时间：2026-11-28 14:30；比例：50%；是否会员：TRUE' "the samples show dates, times, percentages and booleans as the sheet does"
expect_eq 0 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $ID AND (name LIKE '%名单%' OR name LIKE '说明%')")" "the title and note rows are not data"

confirm_import "$jar" "$ID"
expect_status 303 "the list is confirmed"
worker_once || true
body=$(recorded 1)
expect_eq '[{"title":"序号","value":"1"},{"title":"登记日期","value":"2026-11-28"},{"title":"回访时间","value":"2026-11-28 14:30"},{"title":"比例","value":"50%"},{"title":"是否会员","value":"TRUE"},{"title":"备注","value":"老客户"}]' \
    "$(jq -c '.deliverList[0].otherInfo' "$body" 2>/dev/null)" "the vendor gets the dates as ISO text, not 46354"
expect_eq '13500000003' "$(jq -r '.deliverList[2].phone' "$body" 2>/dev/null)" "... and the phone shown as 1.35E+10 in full"
expect_eq '2025-12-31 23:59' "$(jq -r '.deliverList[2].otherInfo[2].value' "$body" 2>/dev/null)" "... its time too"
