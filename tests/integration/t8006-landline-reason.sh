#!/usr/bin/env bash
# t8006-landline-reason.sh: a landline (010-12345678, 0755 1234 5678) in
# a list is invalid with its own reason, 固定电话，不是手机号, on the
# preview and in the error report; a 400 number is named as one.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

printf '手机号,姓名\n13500000001,张三\n010-12345678,北京座机\n0755 1234 5678,深圳座机\n400-123-4567,客服\n' >"$T_DIR/land.csv"
upload_list "$jar" "$T_DIR/land.csv" name=座机测试
ID=${IMPORT_ID:-0}
expect_eq "landline landline service" "$(sql "SELECT group_concat(reason, ' ') FROM (SELECT reason FROM import_rows WHERE import_id = $ID AND seq < 0 ORDER BY line) AS r")" \
    "the landlines and the 400 number are stored with their own reasons"
req "$jar" GET "/imports/$ID"
expect_body_contains '<td>固定电话，不是手机号</td>' "the preview says 固定电话，不是手机号"
expect_body_lacks '位数过多' "... not 位数过多"
expect_body_contains '<td>400/800 客服号码，不是手机号</td>' "... and names the 400 number"
req "$jar" GET "/imports/$ID/errors.csv"
expect_status 200 "the error report answers 200"
expect_body_contains '固定电话，不是手机号' "... and gives the same reason"
