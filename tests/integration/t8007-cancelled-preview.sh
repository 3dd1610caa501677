#!/usr/bin/env bash
# t8007-cancelled-preview.sh: after 取消 the preview shows a clean 已取消
# state: what the list was, no empty tables, no pager, no batch count, no
# forms.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

printf '手机号,姓名\n13500000001,张三\n010-12345678,座机\n' >"$T_DIR/c.csv"
upload_list "$jar" "$T_DIR/c.csv" name=取消页测试
ID=${IMPORT_ID:-0}
cancel_import "$jar" "$ID"
expect_status 303 "the list is cancelled"
req "$jar" GET "/imports/$ID"
expect_status 200 "its preview answers 200"
expect_body_contains '<h2 id="cancelled-title">已取消</h2>' "it says 已取消"
expect_body_contains 'c.csv' "... and which file it was"
expect_body_lacks '<table' "no table is left"
expect_body_lacks 'class="pager' "no pager"
expect_body_lacks '将分批发送' "no batch count"
expect_body_lacks "/imports/$ID/mapping" "no mapping or header form"
expect_body_lacks '没有有效号码' "no empty-table message"
