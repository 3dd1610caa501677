#!/usr/bin/env bash
# t7400-audit-key-paging.sh: the audit log pages by key. Filtered by user
# and action, a page holds the 25 newest matching entries below the key
# of its link; entries written between two page loads do not move the
# next page (it shows exactly the matching entries older than the first
# page's last), and its 上一页 leads back to the first page's entries; a
# key that is not a number, or two keys, is a 400 with a Chinese message;
# page= still pages the unfiltered log.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar ojar=$T_DIR/ojar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "$ojar" || not_ok "operator signs in" "$(r_summary)"

# denied N: N refusals of the operator, each a permission.denied entry.
denied() {
	local i
	for ((i = 0; i < $1; i++)); do
		curl -sS -o /dev/null -b "$ojar" "$BASE/users"
	done
}
# ids: the entry ids of the last page, in order, one a line.
ids() { grep -oE '<tr id="audit-[0-9]+"' "$R_BODY" | grep -oE '[0-9]+'; }
# link REL: the href of the pager's link rel=REL, unescaped.
link() {
	grep -oE "<a class=\"btn btn-secondary\" href=\"[^\"]*\" rel=\"$1\"" "$R_BODY" |
	    sed -e 's/.*href="\([^"]*\)".*/\1/' -e 's/&amp;/\&/g'
}
# expected KEY: the ids of the 25 matching entries older than KEY.
expected() {
	sql "SELECT id FROM audit WHERE actor = 'operator' AND action = 'permission.denied'
	    AND id < $1 ORDER BY id DESC LIMIT 25"
}

denied 60
expect_eq 60 "$(sql "SELECT count(*) FROM audit WHERE action = 'permission.denied'")" \
    "60 refusals are in the log"

filter='user=operator&action=permission.denied'
req "$ajar" GET "/audit?$filter"
expect_status 200 "the filtered log answers 200"
first=$(ids)
expect_eq 25 "$(printf '%s\n' "$first" | wc -l)" "... 25 entries on its first page"
expect_eq "$(expected 9223372036854775807)" "$first" "... the 25 newest refusals, newest first"
last=$(printf '%s\n' "$first" | tail -n 1)
next=$(link next)
expect_match "^/audit\\?before=$last&" "$next" "下一页 carries the first page's last id as its key"
expect_match "user=operator" "$next" "... and the user filter"
expect_match "action=permission.denied" "$next" "... and the action filter"
expect_eq "" "$(link prev)" "the first page has no 上一页"

# New entries arrive between the two page loads.
denied 7
req "$ajar" GET "$next"
expect_status 200 "the second page answers 200"
second=$(ids)
expect_eq "$(expected "$last")" "$second" \
    "the second page shows exactly the 25 refusals after the first page's last, new entries notwithstanding"
expect_eq "$(sql "SELECT max(id) FROM audit WHERE actor = 'operator'
    AND action = 'permission.denied' AND id < $last")" "$(printf '%s\n' "$second" | head -n 1)" \
    "... starting right below it"
expect_match "^/audit\\?after=$(printf '%s\n' "$second" | head -n 1)&" "$(link prev)" \
    "上一页 carries the second page's first id"
prev=$(link prev)
third=$(link next)
req "$ajar" GET "$prev"
expect_status 200 "上一页 answers 200"
expect_eq "$first" "$(ids)" "... and shows the first page's entries again, not the new ones"
req "$ajar" GET "$third"
expect_eq "$(expected "$(printf '%s\n' "$second" | tail -n 1)")" "$(ids)" \
    "the third page holds the last refusals"
expect_eq 10 "$(ids | wc -l)" "... 10 of them (60 - 50)"
expect_eq "" "$(link next)" "... and no 下一页"

# The whole log, unfiltered, by key and by page number.
req "$ajar" GET "/audit"
top=$(ids | head -n 1)
expect_eq "$(sql 'SELECT max(id) FROM audit')" "$top" "the unfiltered log starts at the newest entry"
req "$ajar" GET "/audit?page=2"
expect_eq "$(sql "SELECT id FROM audit WHERE id <= $top - 25 ORDER BY id DESC LIMIT 25")" "$(ids)" \
    "page=2 of the unfiltered log is the next 25 ids"

# A date range with the filters: today holds them all.
today=$(date +%F)
req "$ajar" GET "/audit?$filter&from=$today&to=$today"
expect_eq "$(expected 9223372036854775807)" "$(ids)" "a date range of today pages the same entries"
req "$ajar" GET "/audit?$filter&to=2000-01-01"
expect_body_contains "没有符合条件的记录" "a date range before any entry shows none"

for bad in "before=abc" "after=-3" "before=3&after=2" "before=99999999999999999999" "page=2&$filter"; do
	req "$ajar" GET "/audit?$bad"
	expect_status 400 "/audit?$bad is refused with 400"
	expect_body_contains "翻页位置" "... saying what is wrong, in Chinese"
done
