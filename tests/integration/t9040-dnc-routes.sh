#!/usr/bin/env bash
# t9040-dnc-routes.sh: the do-not-call list at /dnc. Everyone reads it,
# masked; only administrators add (one number through the form, in any
# format a list takes, with a reason and an expiry), upload a file of
# numbers, and remove; the search takes a whole number only and answers
# masked; the export is masked; each change is audited with counts and the
# masked form only. Then the proof that the list leaks no number: neither
# a page, the export, the logs, the audit log nor the database file holds
# any of the numbers in clear.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
admin=$T_DIR/admin.jar
op=$T_DIR/op.jar
aud=$T_DIR/aud.jar
login admin "$ADMIN_PASS" "$admin" || not_ok "admin signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "$op" || not_ok "operator signs in" "$(r_summary)"
login auditor "$AUDITOR_PASS" "$aud" || not_ok "auditor signs in" "$(r_summary)"
# Every page body this test gets, to look for numbers in at the end.
PAGES=$T_DIR/pages
mkdir -p "$PAGES"
keep() { cp "$R_BODY" "$PAGES/$1"; }

# dnc_post JAR PATH [CURL-ARGS...]: a POST with the token of /dnc's forms.
dnc_post() {
	local jar=$1 path=$2 csrf
	shift 2
	csrf=$(csrf_of "$jar" /dnc) || csrf=
	req "$jar" POST "$path" --data-urlencode "csrf=$csrf" "$@"
}

# --- reading: every role, nobody signed in ---------------------------------------
for who in admin op aud; do
	req "${!who}" GET /dnc
	expect_status 200 "$who: GET /dnc answers 200"
	expect_body_contains '免打扰名单' "... the list page"
	expect_body_contains 'href="/dnc"' "... with 免打扰 in the navigation"
done
req - GET /dnc
expect_status 303 "nobody signed in: GET /dnc goes to the sign-in page"
req "$op" GET /dnc
expect_body_lacks 'action="/dnc/add"' "the operator sees no add form"
expect_body_lacks 'action="/dnc/upload"' "... and no upload form"
expect_body_contains '精确查询' "the page says the search takes whole numbers only"
req "$admin" GET /dnc
expect_body_contains 'action="/dnc/add"' "the administrator sees the add form"
expect_body_contains 'action="/dnc/upload"' "... and the upload form"

# --- adding one number ---------------------------------------------------------------
# Not an administrator: refused by role, audited, nothing added.
for who in op aud; do
	dnc_post "${!who}" /dnc/add --data-urlencode 'phone=13812340001'
	expect_status 403 "$who: POST /dnc/add is refused (403)"
done
expect_eq 0 "$(sql 'SELECT count(*) FROM dnc')" "... and nothing is added"
expect_eq 2 "$(sql "SELECT count(*) FROM audit WHERE action = 'permission.denied' AND object = '/dnc/add'")" \
    "... each refusal audited"

dnc_post "$admin" /dnc/add --data-urlencode 'phone=+86 138 1234 0001' \
    --data-urlencode 'reason=客户投诉' --data-urlencode 'expires=2099-12-31'
expect_status 303 "admin adds +86 138 1234 0001 with a reason and an expiry (303)"
expect_location '/dnc' "... back to the list"
expect_eq "138****0001|客户投诉|2099-12-31|32" \
    "$(sql "SELECT masked || '|' || reason || '|' || expires || '|' || length(hash) FROM dnc")" \
    "... stored as its masked form and a 32-byte keyed hash"
expect_eq '{"id":1,"number":"138****0001","reason":"客户投诉","expires":"2099-12-31"}' \
    "$(sql "SELECT json_remove(details, '$.request_id') FROM audit WHERE action = 'dnc.added'")" \
    "... audited as dnc.added with the masked number"
dnc_post "$admin" /dnc/add --data-urlencode 'phone=１３８-１２３４-０００２'
expect_status 303 "a number in full-width digits is taken too"
dnc_post "$admin" /dnc/add --data-urlencode 'phone=13812340001'
expect_status 409 "the same number again is refused (409)"
expect_body_contains '已在免打扰名单中' "... saying it is listed already"
keep add-again.html
dnc_post "$admin" /dnc/add --data-urlencode 'phone=1381234'
expect_status 422 "a number too short is refused (422)"
expect_body_contains '位数不足' "... with the reason"
dnc_post "$admin" /dnc/add --data-urlencode 'phone=13812340003' --data-urlencode 'expires=2001-01-01'
expect_status 422 "an expiry in the past is refused (422)"
dnc_post "$admin" /dnc/add --data-urlencode 'phone=13812340003' --data-urlencode 'expires=明天'
expect_status 422 "an expiry that is no date is refused (422)"
keep bad-expiry.html
expect_eq 2 "$(sql 'SELECT count(*) FROM dnc')" "two numbers are listed"

# --- the list, masked for everyone ------------------------------------------------------
for who in admin op aud; do
	req "${!who}" GET /dnc
	keep "list-$who.html"
	expect_body_contains '138****0001' "$who: the list shows 138****0001"
	expect_body_contains '客户投诉' "... with its reason"
	expect_body_lacks '13812340001' "... and never the number"
done
req "$op" GET /dnc
expect_body_lacks '/dnc/1/remove' "the operator sees no remove button"

# --- search: exact, masked ----------------------------------------------------------------
dnc_post "$op" /dnc/search --data-urlencode 'phone=138 1234 0001'
expect_status 200 "the operator searches 138 1234 0001 (200)"
expect_body_contains '138****0001 在免打扰名单中' "... found, masked"
keep search-hit.html
dnc_post "$aud" /dnc/search --data-urlencode 'phone=13812349999'
expect_body_contains '138****9999 不在免打扰名单中' "the auditor searches another number: not listed"
keep search-miss.html
dnc_post "$op" /dnc/search --data-urlencode 'phone=1381234'
expect_status 422 "part of a number is no search (422)"
expect_body_contains '位数不足' "... the page says why"
keep search-part.html
req "$op" GET '/dnc/search'
expect_status 405 "the search is a POST: GET /dnc/search answers 405"

# --- upload a file of numbers ---------------------------------------------------------------
UP=$T_DIR/upload
mkdir -p "$UP"
printf '%s\r\n' '手机号' '13812340001' '13812340004' '13812340005' '138-1234-0005' 'abc' '1381234' >"$UP/dnc.csv"
csrf=$(csrf_of "$op" /dnc)
req "$op" POST /dnc/upload -F "csrf=$csrf" -F "list=@$UP/dnc.csv;filename=dnc.csv"
expect_status 403 "the operator cannot upload (403)"
csrf=$(csrf_of "$admin" /dnc)
req "$admin" POST /dnc/upload -F "csrf=$csrf" -F "reason=批量导入" -F "list=@$UP/dnc.csv;filename=dnc.csv"
expect_status 200 "admin uploads a CSV of 6 numbers (200)"
expect_body_contains '已读取 6 行：新加入 2 个，已在名单中 2 个，无效 2 个' "... the summary: 2 new, 2 listed already, 2 invalid"
expect_body_contains '位数不足' "... the invalid lines with their reason"
keep upload.html
expect_eq 4 "$(sql 'SELECT count(*) FROM dnc')" "four numbers are listed now"
expect_eq '6 2 2 2' "$(sql "SELECT json_extract(details, '$.rows') || ' ' || json_extract(details, '$.added') || ' ' || json_extract(details, '$.already') || ' ' || json_extract(details, '$.invalid') FROM audit WHERE action = 'dnc.imported'")" \
    "... audited as dnc.imported with the counts"
printf 'not a list\0\1\2' >"$UP/bad.bin"
req "$admin" POST /dnc/upload -F "csrf=$csrf" -F "list=@$UP/bad.bin;filename=bad.csv"
expect_status 422 "a file that is no list is refused (422)"
expect_eq 4 "$(sql 'SELECT count(*) FROM dnc')" "... and adds nothing"

# --- export: masked ------------------------------------------------------------------------------
for who in admin op aud; do
	req "${!who}" GET /dnc.csv
	expect_status 200 "$who: GET /dnc.csv answers 200"
	keep "export-$who.csv"
	expect_body_contains '138****0004' "... masked numbers"
	expect_body_lacks '13812340004' "... never whole"
done
expect_header Content-Type 'text/csv' "the export is CSV"
expect_eq 3 "$(sql "SELECT count(*) FROM audit WHERE action = 'dnc.exported' AND CAST(json_extract(details, '$.rows') AS INTEGER) = 4")" \
    "each export is audited as dnc.exported with its count"

# --- paging by key --------------------------------------------------------------------------------
for i in $(seq 10 70); do
	sql "INSERT INTO dnc (hash, masked, reason, added_by, added_at) VALUES (randomblob(32), '139****00$i', '', 1, unixepoch())"
done
req "$op" GET /dnc
expect_body_contains 'href="/dnc?before=' "a list of 65 has a next page"
before=$(grep -o 'href="/dnc?before=[0-9]*"' "$R_BODY" | head -n 1 | sed 's/[^0-9]//g')
req "$op" GET "/dnc?before=$before"
expect_status 200 "... which answers 200"
expect_body_contains '138****0001' "... and holds the oldest entries"
expect_body_lacks 'href="/dnc?before=' "... and is the last"
sql "DELETE FROM dnc WHERE masked LIKE '139%'"

# --- remove ------------------------------------------------------------------------------------------
id=$(sql "SELECT id FROM dnc WHERE masked = '138****0002'")
dnc_post "$op" "/dnc/$id/remove"
expect_status 403 "the operator cannot remove an entry (403)"
dnc_post "$admin" "/dnc/$id/remove"
expect_status 303 "admin removes 138****0002 (303)"
expect_eq 0 "$(sql "SELECT count(*) FROM dnc WHERE id = $id")" "... it is gone"
expect_eq "{\"id\":$id,\"number\":\"138****0002\"}" "$(sql "SELECT json_remove(details, '$.request_id') FROM audit WHERE action = 'dnc.removed'")" \
    "... audited as dnc.removed, masked"
dnc_post "$admin" "/dnc/$id/remove"
expect_status 404 "removing it again answers 404"

# --- no number in clear anywhere ---------------------------------------------------------------------
numbers='1381234000[1-5]|13812349999'
expect_eq 0 "$(grep -rEl "$numbers" "$PAGES" | wc -l)" "no page or export holds a number in clear"
expect_eq 0 "$(grep -Ec "$numbers" "$T_LOG" || true)" "the server's log holds none"
expect_eq 0 "$(cat "$T_DIR"/nginx*.log 2>/dev/null | grep -Ec "$numbers" || true)" "nginx's logs hold none"
expect_eq 0 "$(sql "SELECT count(*) FROM audit WHERE details LIKE '%1381234000%' OR object LIKE '%1381234000%' OR details LIKE '%13812349999%'")" \
    "the audit log holds none"
if [[ $T_ENGINE == sqlite ]]; then
	sqlite3 "$T_DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	expect_eq 0 "$(grep -Eac "$numbers" "$T_DB" || true)" "the database file holds none"
	expect_eq 0 "$(grep -Eac '138-?1234-?0001' "$T_DB" || true)" "... in any form"
else
	skip "the database file holds none" "the server's files are no file of the test's on $T_ENGINE (the audit and dnc rows are checked above and below)"
fi
key=$(t_local dnc-key)
expect_eq "600 32" "$(stat -c '%a %s' "$key")" "migrate made the key beside the database: mode 0600, 32 bytes"
# The key itself is a secret: in no page, log or audit detail either.
hex=$(od -An -tx1 -v "$key" | tr -d ' \n')
expect_eq 64 "${#hex}" "the key reads as 64 hex digits"
expect_eq 0 "$(grep -rlF "$hex" "$PAGES" "$T_LOG" | wc -l)" "no page or log holds the key"
expect_eq 0 "$(sql "SELECT count(*) FROM audit WHERE instr(lower(details), '$hex') > 0 OR instr(lower(hex(details)), upper('$hex')) > 0")" \
    "no audit detail holds it"
