#!/usr/bin/env bash
# t3009-vendor-login-and-columns.sh: a user's own vendor account
# (`dialdesk user vendor-login`) overrides login_name in what is sent; and
# rows whose cells do not match the header (a missing column, an extra
# one) are invalid with their reason, the rest of the list going on.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar

rc=0
out=$(dialdesk user vendor-login operator 'bad login!' 2>&1) || rc=$?
expect_eq 2 "$rc" "a vendor login with a space and ! is refused"
rc=0
out=$(dialdesk user vendor-login nobody op_vendor 2>&1) || rc=$?
expect_eq 1 "$rc" "an unknown user is refused"
expect_match 'no user nobody' "$out" "... by name"
rc=0
dialdesk user vendor-login operator op_vendor >/dev/null 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk user vendor-login operator op_vendor"
expect_eq op_vendor "$(sql "SELECT vendor_login FROM users WHERE name = 'operator'")" "... is stored"
expect_ge 1 "$(sql "SELECT count(*) FROM audit WHERE action = 'user.changed' AND object = 'operator' AND details LIKE '%op_vendor%'")" \
    "... and audited as user.changed"

login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
list=$T_DIR/columns.csv
printf '%s\n' '手机号,姓名,城市' '13500000001,甲,北京' '13500000002,乙' \
    '13500000003,丙,上海,多余' '13500000004,丁,广州' >"$list"
upload_list "$jar" "$list" name=列数检查
expect_status 303 "a list with a short and a long row is accepted for preview"
req "$jar" GET "/imports/$IMPORT_ID"
expect_eq "2/2" "$(sql "SELECT valid || '/' || invalid FROM imports WHERE id = $IMPORT_ID")" \
    "two rows valid, the short and the long one invalid"
expect_eq missing_columns "$(sql "SELECT reason FROM import_rows WHERE import_id = $IMPORT_ID AND line = 3")" \
    "line 3 lacks a column"
expect_eq extra_columns "$(sql "SELECT reason FROM import_rows WHERE import_id = $IMPORT_ID AND line = 4")" \
    "line 4 has one too many"
expect_contains_text '列数少于表头' "$(cat "$R_BODY")" "the preview gives the short row's reason"
expect_contains_text '列数多于表头' "$(cat "$R_BODY")" "and the long row's"

confirm_import "$jar" "$IMPORT_ID"
expect_status 303 "the preview is confirmed"
expect_eq op_vendor "$(sql "SELECT login_name FROM tasks WHERE id = $TASK_ID")" \
    "the task is sent as the operator's own vendor account"
worker_once
expect_eq 1 "$(recorded_count)" "the worker sent one request"
expect_eq op_vendor "$(json_get "$(recorded 1)" .loginName)" "its loginName is op_vendor, not login_name"
expect_eq 2 "$(json_get "$(recorded 1)" '.deliverList | length')" "it carries the two valid rows only"

dialdesk user vendor-login operator >/dev/null 2>&1
expect_eq "" "$(sql "SELECT vendor_login FROM users WHERE name = 'operator'")" \
    "without a login the override is cleared"
