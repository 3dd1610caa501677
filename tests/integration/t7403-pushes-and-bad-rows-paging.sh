#!/usr/bin/env bash
# t7403-pushes-and-bad-rows-paging.sh: the unmatched pushes, a preview's
# invalid rows and the do-not-call list page by key. Pushes arriving between two page
# loads do not move the next page of unmatched pushes; 上一页 comes back to
# the first; a preview of 250 invalid rows shows them 100 a page by line,
# 下一页 carrying the last line shown, 上一页 the first; bad keys are 400s.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"

# pushes FROM TO: unmatched pushes FROM..TO, as the callback stored them.
pushes() {
	sql "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
	    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
	    vendor_task_id, ok, total, success) SELECT strftime('%s', 'now'), '127.0.0.1',
	    'application/json', '{}', 'sha' || i, 'sn' || i, 'nobody' || i, 1, 1, 1 FROM n"
}
push_ids() { grep -oE 'action="/pushes/[0-9]+/link"' "$R_BODY" | grep -oE '[0-9]+'; }
link() {
	grep -oE "<a class=\"btn btn-secondary\" href=\"[^\"]*\" rel=\"$1\"" "$R_BODY" |
	    sed -e 's/.*href="\([^"]*\)".*/\1/' -e 's/&amp;/\&/g'
}

pushes 1 130
req "$ajar" GET /pushes
expect_status 200 "the pushes page answers 200"
first=$(push_ids)
expect_eq "$(sql 'SELECT id FROM pushes WHERE batch_id IS NULL ORDER BY id DESC LIMIT 50')" \
    "$first" "the 50 newest unmatched pushes, newest first"
last=$(printf '%s\n' "$first" | tail -n 1)
expect_eq "/pushes?before=$last" "$(link next)" "下一页 carries the last id shown"
next=$(link next)
pushes 131 140
req "$ajar" GET "$next"
expect_eq "$(sql "SELECT id FROM pushes WHERE batch_id IS NULL AND id < $last ORDER BY id DESC LIMIT 50")" \
    "$(push_ids)" "the next page is the 50 after the first page's last, new pushes notwithstanding"
req "$ajar" GET "$(link prev)"
expect_eq "$first" "$(push_ids)" "上一页 shows the first page's pushes again"
req "$ajar" GET "/pushes?before=x"
expect_status 400 "a bad key on /pushes is a 400"
expect_body_contains "翻页位置" "... saying so in Chinese"

# A list of 250 invalid numbers and one valid one.
list=$T_DIR/bad.csv
{
	printf '手机号,姓名\n13500000001,甲\n'
	for ((i = 0; i < 250; i++)); do printf '12%d,乙\n' "$i"; done
} >"$list"
upload_list "$ajar" "$list" "name=坏行翻页"
[[ -n $IMPORT_ID ]] || not_ok "the list uploads" "$(r_summary)"
lines() { grep -oE '<td class="num">[0-9]+</td>' "$R_BODY" | grep -oE '[0-9]+'; }
req "$ajar" GET "/imports/$IMPORT_ID"
expect_status 200 "the preview answers 200"
expect_body_contains "第 1 页" "... on its first page of bad rows"
bad_first=$(grep -oE 'href="/imports/[0-9]+\?after=[0-9]+" rel="next"' "$R_BODY" | grep -oE 'after=[0-9]+')
expect_eq "after=$(sql "SELECT line FROM import_rows WHERE import_id = $IMPORT_ID AND seq < 0
    ORDER BY seq DESC LIMIT 1 OFFSET 99")" "$bad_first" "下一页 carries the 100th bad row's line"
req "$ajar" GET "/imports/$IMPORT_ID?$bad_first"
expect_status 200 "the second page of bad rows answers 200"
from=$(sql "SELECT line FROM import_rows WHERE import_id = $IMPORT_ID AND seq < 0 ORDER BY seq DESC LIMIT 1 OFFSET 100")
to=$(sql "SELECT line FROM import_rows WHERE import_id = $IMPORT_ID AND seq < 0 ORDER BY seq DESC LIMIT 1 OFFSET 199")
expect_body_contains "第 $from 至 $to 行" "... shows lines $from to $to"
expect_body_contains "href=\"/imports/$IMPORT_ID?before=$from\" rel=\"prev\"" "... with 上一页 carrying its first line"
req "$ajar" GET "/imports/$IMPORT_ID?before=$from"
expect_body_contains "第 1 页" "上一页 is the first page again"
req "$ajar" GET "/imports/$IMPORT_ID?after=abc"
expect_status 400 "a bad key on a preview is a 400"
expect_body_contains "翻页位置" "... saying so in Chinese"

# The do-not-call list: 上一页 from its second page comes back to the first.
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 130)
    INSERT INTO dnc (hash, masked, added_by, added_at) SELECT randomblob(32),
    '135****' || printf('%04d', i), 1, strftime('%s', 'now') FROM n"
dnc_ids() { grep -oE '<tr id="dnc-[0-9]+"' "$R_BODY" | grep -oE '[0-9]+'; }
req "$ajar" GET /dnc
dfirst=$(dnc_ids)
expect_eq "" "$(link prev)" "the first page of the do-not-call list has no 上一页"
req "$ajar" GET "$(link next)"
expect_match "^/dnc\\?after=[0-9]+$" "$(link prev)" "its second page has 上一页 by key"
req "$ajar" GET "$(link prev)"
expect_eq "$dfirst" "$(dnc_ids)" "... which shows the first page again"
req "$ajar" GET "/dnc?after=x"
expect_status 400 "a bad key on /dnc is a 400"
expect_body_contains "翻页位置" "... saying so in Chinese"
