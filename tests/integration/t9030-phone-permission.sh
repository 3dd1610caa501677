#!/usr/bin/env bash
# t9030-phone-permission.sh: who may see whole phone numbers. Without the
# per-user permission (off for every account, administrators too) the
# preview and the error report are masked and the reveal routes answer
# 403 (audited). An administrator grants it on the user page; then the
# preview offers 显示完整号码, which needs a reason, writes the reason to
# the audit log before showing anything, and shows whole numbers for that
# answer only; the full error report is marked full_numbers in its entry.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
op=$T_DIR/op.jar
admin=$T_DIR/admin.jar
login operator "$OPERATOR_PASS" "$op" || not_ok "operator signs in" "$(r_summary)"
login admin "$ADMIN_PASS" "$admin" || not_ok "admin signs in" "$(r_summary)"
LIST=$T_DIR/list.csv
printf '%s\n' '手机号,姓名' '13500000001,张三' '13500000001,李四' '1350000000123,王五' >"$LIST"
upload_list "$op" "$LIST" name=权限检查
expect_status 303 "the list is uploaded"
I=$IMPORT_ID

reveal() {	# JAR PATH [reason]
	local csrf
	csrf=$(csrf_of "$1" "/imports/$I") || csrf=
	if [[ $# -ge 3 ]]; then
		req "$1" POST "$2" --data-urlencode "csrf=$csrf" --data-urlencode "reason=$3"
	else
		req "$1" POST "$2" --data-urlencode "csrf=$csrf"
	fi
}

for who in op admin; do
	jar=${!who}
	req "$jar" GET "/imports/$I"
	expect_body_lacks 13500000001 "$who without the permission: the preview masks every number"
	expect_body_lacks "/imports/$I/reveal" "... and offers no reveal"
	reveal "$jar" "/imports/$I/reveal" '核对号码'
	expect_status 403 "$who without the permission: POST reveal is refused (403)"
	expect_body_lacks 13500000001 "... and shows no number"
	reveal "$jar" "/imports/$I/errors-full.csv" '核对号码'
	expect_status 403 "$who without the permission: the full error report is refused (403)"
done
expect_eq 4 "$(sql "SELECT count(*) FROM audit WHERE action = 'permission.denied' AND json_extract(details, '$.reason') = 'phones'")" \
    "each refusal is audited as permission.denied, reason phones"

# The administrator grants the permission to operator.
opid=$(sql "SELECT id FROM users WHERE name = 'operator'")
csrf=$(csrf_of "$admin" "/users/$opid")
req "$admin" POST "/users/$opid/phones" --data-urlencode "csrf=$csrf" --data-urlencode may_see_phones=1
expect_status 303 "admin grants operator the permission"
expect_match '"new_may_see_phones":true' "$(sql "SELECT details FROM audit WHERE action = 'user.phone_permission'")" \
    "... audited as user.phone_permission, old -> new"
login operator "$OPERATOR_PASS" "$op" || true

req "$op" GET "/imports/$I"
expect_body_lacks 13500000001 "with the permission the preview is still masked until asked"
expect_body_contains "action=\"/imports/$I/reveal\"" "... and offers 显示完整号码"
reveal "$op" "/imports/$I/reveal"
expect_status 422 "a reveal without a reason is refused (422)"
expect_body_lacks 13500000001 "... and shows nothing"
reveal "$op" "/imports/$I/reveal" ' '
expect_status 422 "a blank reason is refused too"
before=$(audit_count phones.revealed)
reveal "$op" "/imports/$I/reveal" '客户来电核对号码'
expect_status 200 "with a reason the preview shows whole numbers (200)"
expect_body_contains '<code>13500000001</code>' "... the valid number whole"
expect_body_contains '1350000000123' "... and the invalid one as typed"
expect_body_contains '正在显示完整号码' "... and says so"
expect_header Cache-Control 'no-store' "... on a page no cache keeps"
expect_eq $((before + 1)) "$(audit_count phones.revealed)" "the reveal is audited"
expect_eq "客户来电核对号码 preview 1" "$(sql "SELECT json_extract(details, '$.reason') || ' ' || json_extract(details, '$.what') || ' ' || json_extract(details, '$.full_numbers') FROM audit WHERE action = 'phones.revealed' ORDER BY id DESC LIMIT 1")" \
    "... with who asked why"
req "$op" GET "/imports/$I"
expect_body_lacks 13500000001 "the next visit is masked again"

reveal "$op" "/imports/$I/errors-full.csv" '修正原始文件'
expect_status 200 "the full error report is given with a reason"
expect_header Content-Type '^text/csv' "... as CSV"
expect_contains_text '"13500000001"' "$(cat "$R_BODY")" "... with whole numbers"
expect_eq "1" "$(sql "SELECT json_extract(details, '$.full_numbers') FROM audit WHERE action = 'export.errors' ORDER BY id DESC LIMIT 1")" \
    "its export entry is marked full_numbers"
req "$op" GET "/imports/$I/errors.csv"
expect_eq 0 "$(grep -c 13500000001 "$R_BODY" || true)" "the plain error report stays masked"
expect_eq "0" "$(sql "SELECT json_extract(details, '$.full_numbers') FROM audit WHERE action = 'export.errors' ORDER BY id DESC LIMIT 1")" \
    "... and its entry says so"

# Revoked: refused again.
csrf=$(csrf_of "$admin" "/users/$opid")
req "$admin" POST "/users/$opid/phones" --data-urlencode "csrf=$csrf" --data-urlencode may_see_phones=0
login operator "$OPERATOR_PASS" "$op" || true
reveal "$op" "/imports/$I/reveal" '再看一次'
expect_status 403 "once revoked, the reveal is refused again"
