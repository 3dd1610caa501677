#!/usr/bin/env bash
# t8004-no-phone-column.sh: a list in which no column looks like phones
# is not refused: the upload makes a preview (303) that says so, shows the
# first rows and offers the header row and column pickers; picking the
# phone column through the real form reads the list with it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
CL=$DD_TOP/tests/fixtures/calllist

upload_list "$jar" "$CL/office-nophone.xlsx" name=无号码列
expect_status 303 "a list without a phone column is not refused: 303 to a preview"
ID=${IMPORT_ID:-0}
expect_eq "preview 0 0 -1 1" "$(sql "SELECT state || ' ' || rows_read || ' ' || valid || ' ' || phone_col || ' ' || header_line FROM imports WHERE id = $ID")" \
    "... a preview without rows, no phone column, the header on row 1"
expect_eq 1 "$(audit_count list.uploaded)" "... audited as list.uploaded"
req "$jar" GET "/imports/$ID"
expect_status 200 "the preview answers 200"
expect_body_contains '<h2 id="no-phone-title">找不到手机号列</h2>' "it says no phone column was found"
expect_body_contains '<span class="head-line">第 2 行</span> <span class="head-text">销售部 | 张三 | 见附件</span>' "... and shows the first rows"
expect_body_contains 'name="header_row"' "... with the header row picker"
expect_body_contains 'name="phone_col"' "... and the column picker"
expect_body_lacks "/imports/$ID/confirm" "... and nothing to confirm"

# The operator says the phones are in 联系方式 (column 3): all invalid
# here, but read.
post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode phone_col=2 --data-urlencode name_col=1
expect_status 303 "picking the phone column answers 303"
expect_eq "2 0 2 2" "$(sql "SELECT rows_read || ' ' || valid || ' ' || invalid || ' ' || phone_col FROM imports WHERE id = $ID")" \
    "... the list is read with it: 2 rows, both invalid"
req "$jar" GET "/imports/$ID"
expect_body_lacks 'no-phone-title' "... and the notice is gone"

# The same for a CSV.
printf '部门,负责人\n销售部,张三\n' >"$T_DIR/nophone.csv"
upload_list "$jar" "$T_DIR/nophone.csv" name=无号码列CSV
expect_status 303 "a CSV without a phone column is not refused either"
