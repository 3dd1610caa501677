#!/usr/bin/env bash
# t9042-recent-duplicates.sh: duplicates across tasks. Every number of a
# batch the vendor accepted is remembered (a keyed hash, the task's owner,
# the time). The task form offers VICIdial's rule: this list only, or also
# numbers sent in the last N days (default dup_days_default) by this user
# or by anyone, excluded or kept. A number another operator sent 10 days
# ago is 近期已发送 and excluded with scope all and 30 days; not with
# scope mine, nor with 5 days; with keep it is sent and still counted and
# listed. Retention forgets sent numbers older than retention_days.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf dup_days_default 20
t_setup
t_add_user operator2 operator 'Operator2-pass-5590' ||
    { not_ok "setup: dialdesk user add operator2" "$(tail -n 5 "$T_LOG")"; exit 1; }
t_start
vendor_start
op=$T_DIR/op.jar
op2=$T_DIR/op2.jar
login operator "$OPERATOR_PASS" "$op" || not_ok "operator signs in" "$(r_summary)"
login operator2 'Operator2-pass-5590' "$op2" || not_ok "operator2 signs in" "$(r_summary)"

req "$op" GET /tasks/new
expect_body_contains 'name="dup_scope" value="list" checked' "the task form offers the rule, this list only by default"
expect_body_contains 'name="dup_days" min="1" max="365" value="20"' "... N days from dup_days_default (20)"
expect_body_contains 'name="dup_action" value="exclude" checked' "... repeats excluded by default"

# operator2 sends 13700000001; the history says it was 10 days ago.
LIST=$T_DIR/list.csv
printf '%s\n' '手机号' '13700000001' >"$LIST"
new_task "$op2" "$LIST" name=十天前 || true
worker_once
expect_eq 1 "$(recorded_count)" "operator2's task is sent"
expect_eq "1 32" "$(sql "SELECT count(*) || ' ' || max(length(hash)) FROM sent_numbers")" \
    "the sent number is remembered as a 32-byte hash"
expect_eq "blob" "$(sql "SELECT group_concat(DISTINCT typeof(hash)) FROM sent_numbers")" \
    "... the history holds no number, only hashes"
sql "UPDATE sent_numbers SET sent_at = sent_at - 10 * 86400"

printf '%s\n' '手机号' '13700000001' '13700000002' >"$LIST"
# preview SCOPE DAYS ACTION: upload as operator with that rule.
preview() {
	upload_list "$op" "$LIST" "name=规则 $1 $2 $3" "dup_scope=$1" "dup_days=$2" "dup_action=$3"
	expect_status 303 "upload with scope $1, $2 days, $3 (303)"
	req "$op" GET "/imports/$IMPORT_ID"
}

preview all 30 exclude
expect_body_contains '<dt>近期已发送</dt><dd>1' "scope all, 30 days: 1 近期已发送"
expect_body_contains '<dt>有效</dt><dd>1</dd>' "... and 1 valid left"
flat=$(tr -d '\n' <"$R_BODY" | sed -e 's/> *</></g')
expect_contains_text '<td class="num">2</td><td><code class="details">137****0001</code></td><td>近期已发送(已排除)</td>' \
    "$flat" "... listed among the problem rows, masked"
req "$op" GET "/imports/$IMPORT_ID/errors.csv"
expect_contains_text '"137****0001","近期已发送(已排除)"' "$(cat "$R_BODY")" "... and in errors.csv"
expect_eq '1 all 30 exclude' "$(sql "SELECT json_extract(details, '$.recent') || ' ' || json_extract(details, '$.dup_scope') || ' ' || json_extract(details, '$.dup_days') || ' ' || json_extract(details, '$.dup_action') FROM audit WHERE action = 'list.uploaded' ORDER BY id DESC LIMIT 1")" \
    "... and in the upload's audit entry with the rule"
cancel_import "$op" "$IMPORT_ID"

preview mine 30 exclude
expect_body_contains '<dt>近期已发送</dt><dd>0' "scope mine: another user's number is no repeat"
expect_body_contains '<dt>有效</dt><dd>2</dd>' "... 2 valid"
cancel_import "$op" "$IMPORT_ID"

preview all 5 exclude
expect_body_contains '<dt>近期已发送</dt><dd>0' "5 days: a number sent 10 days ago is no repeat"
cancel_import "$op" "$IMPORT_ID"

upload_list "$op2" "$LIST" name=自己 dup_scope=mine dup_days=30 dup_action=exclude
req "$op2" GET "/imports/$IMPORT_ID"
expect_body_contains '<dt>近期已发送</dt><dd>1' "scope mine for operator2, who sent it: 1 近期已发送"
cancel_import "$op2" "$IMPORT_ID"

upload_list "$op" "$LIST" name=默认
req "$op" GET "/imports/$IMPORT_ID"
expect_body_contains '<dt>近期已发送</dt><dd>0' "the default rule (this list only) finds no repeat"
cancel_import "$op" "$IMPORT_ID"

upload_list "$op" "$LIST" name=错误 dup_scope=all dup_days=0
expect_status 422 "0 days is refused (422)"
expect_body_contains '查重天数为 1 到 365 天' "... with the reason on the form"
upload_list "$op" "$LIST" name=错误 dup_scope=everyone
expect_status 422 "an unknown scope is refused (422)"

preview all 30 keep
expect_body_contains '<dt>近期已发送</dt><dd>1' "keep: the repeat is still counted"
expect_body_contains '<dt>有效</dt><dd>2</dd>' "... and stays valid"
flat=$(tr -d '\n' <"$R_BODY" | sed -e 's/> *</></g')
expect_contains_text '137****0001</code></td><td>近期已发送(已保留,仍会发送)</td>' "$flat" \
    "... and is listed as kept"
confirm_import "$op" "$IMPORT_ID"
worker_once
phones=$(jq -r '.deliverList[].phone' "$(recorded 2)" | sort | tr '\n' ' ')
expect_eq '13700000001 13700000002 ' "$phones" "... and is sent"
expect_eq 3 "$(sql 'SELECT count(*) FROM sent_numbers')" "both are remembered, operator's under operator"

# Retention: sent numbers older than retention_days are forgotten.
sql "UPDATE sent_numbers SET sent_at = sent_at - 200 * 86400 WHERE user_id = (SELECT id FROM users WHERE name = 'operator2')"
worker_once
expect_eq 2 "$(sql 'SELECT count(*) FROM sent_numbers')" "the housekeeping forgets what was sent 210 days ago (retention 180)"
