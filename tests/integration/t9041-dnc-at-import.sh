#!/usr/bin/env bash
# t9041-dnc-at-import.sh: the do-not-call list applied at every import. A
# listed number is excluded from the list: counted as 免打扰 in the
# preview's figures, shown (masked) with that reason among the problem rows
# and in errors.csv, counted in the upload's audit entry, still excluded
# after a new column mapping, and it never reaches the sandbox vendor; an
# entry past its expiry applies no more and its number is sent. The task's
# result page shows 免打扰 beside the vendor's 黑名单.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
admin=$T_DIR/admin.jar
op=$T_DIR/op.jar
login admin "$ADMIN_PASS" "$admin" || not_ok "admin signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "$op" || not_ok "operator signs in" "$(r_summary)"

# Two numbers on the list; the second one's entry ends yesterday.
for n in 13600000001 13600000002; do
	post_form "$admin" /dnc /dnc/add --data-urlencode "phone=$n" --data-urlencode 'reason=客户要求'
	expect_status 303 "admin lists $n"
done
sql "UPDATE dnc SET expires = date('now', 'localtime', '-1 day') WHERE masked = '136****0002'"
post_form "$admin" /dnc /dnc/search --data-urlencode 'phone=13600000002'
expect_body_contains '已过有效期' "the search says the second entry has expired"

LIST=$T_DIR/list.csv
printf '%s\n' '手机号,姓名,备注' '13600000001,张三,甲' '13600000002,李四,乙' '13600000003,王五,丙' '136 0000 0001,张三,再来一次' >"$LIST"
upload_list "$op" "$LIST" name=免打扰检查
expect_status 303 "the operator uploads a list with a listed number twice (303)"
I=$IMPORT_ID
req "$op" GET "/imports/$I"
expect_body_contains '<dt>有效</dt><dd>2</dd>' "the preview counts 2 valid"
expect_body_contains '<dt>免打扰</dt><dd>2</dd>' "... 2 免打扰"
expect_body_contains '<dt>无效</dt><dd>0</dd>' "... none of them invalid"
flat=$(tr -d '\n' <"$R_BODY" | sed -e 's/> *</></g')
expect_contains_text '<td class="num">2</td><td><code class="details">136****0001</code></td><td>免打扰</td>' \
    "$flat" "line 2 is listed as 免打扰, masked"
expect_contains_text '<td class="num">5</td><td><code class="details">136****0001</code></td><td>免打扰</td>' \
    "$flat" "... and line 5, the same number written with spaces"
expect_body_lacks 13600000001 "the preview never shows the number whole"
req "$op" GET "/imports/$I/errors.csv"
expect_status 200 "errors.csv answers 200"
expect_contains_text '"136****0001","免打扰"' "$(cat "$R_BODY")" "... listing the number as 免打扰, masked"
expect_body_lacks 13600000001 "... never whole"
expect_eq '2' "$(sql "SELECT json_extract(details, '$.dnc') FROM audit WHERE action = 'list.uploaded' ORDER BY id DESC LIMIT 1")" \
    "the upload's audit entry counts 2 免打扰"

# A new column mapping reads the list again: the list still applies.
post_form "$op" "/imports/$I" "/imports/$I/mapping" --data-urlencode phone_col=0 --data-urlencode name_col=2
expect_status 303 "the operator maps the third column as the name (303)"
req "$op" GET "/imports/$I"
expect_body_contains '<dt>免打扰</dt><dd>2</dd>' "... and the preview still counts 2 免打扰"

confirm_import "$op" "$I"
expect_status 303 "the operator confirms the list"
worker_once
expect_eq 1 "$(recorded_count)" "the worker sent one batch"
phones=$(jq -r '.deliverList[].phone' "$(recorded 1)" | sort | tr '\n' ' ')
expect_eq '13600000002 13600000003 ' "$phones" \
    "the vendor got the expired entry's number and the unlisted one, never the listed one"

req "$op" GET "/tasks/$TASK_ID"
flat=$(tr -d '\n' <"$R_BODY" | sed -e 's/> *</></g')
expect_contains_text '<dt>免打扰(本地排除)</dt><dd>2</dd>' "$flat" "the result page shows 免打扰 2"
expect_contains_text '<dt>黑名单(供应商)</dt><dd>' "$flat" "... beside the vendor's 黑名单"

# Removed from the list, the number goes out with the next list.
id=$(sql "SELECT id FROM dnc WHERE masked = '136****0001'")
post_form "$admin" /dnc "/dnc/$id/remove"
expect_status 303 "admin removes 136****0001"
printf '%s\n' '手机号' '13600000001' >"$LIST"
new_task "$op" "$LIST" name=移除之后 || true
req "$op" GET "/imports/$IMPORT_ID"
expect_body_contains '<dt>免打扰</dt><dd>0</dd>' "a list after the removal counts no 免打扰"
worker_once
expect_eq '13600000001' "$(jq -r '.deliverList[].phone' "$(recorded 2)")" "... and the number is sent"
