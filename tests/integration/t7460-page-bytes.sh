#!/usr/bin/env bash
# t7460-page-bytes.sh: the list pages' bytes (issue 12). A full page of the
# audit log (25 entries), of the unmatched pushes and of the do-not-call list
# (50 each) stays under its bound (main: 32,063, 37,349 and 26,782 bytes;
# now 18,738, 28,499 and 17,431): the columns' looks come from style.css,
# not from a class or a title on every cell; no page carries an inline
# style; the list's 移除 buttons share one form and one CSRF token, and a
# button still removes its entry; a page over libfcgi's 8 KB stream buffer
# arrives whole (every row, then the closing </html>) through nginx.conf.example's
# FastCGI buffers, one 32 KB buffer for a page rather than 4 KB ones.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"

UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
# 60 of each, more than a page: pushes as the callback stores them, and
# numbers added through the do-not-call form by a browser, each also an
# audit entry (dnc.added, with its details).
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, ok, total, success) SELECT strftime('%s', 'now'), '127.0.0.1',
    'application/json', '{}', 'sha' || i, 'dial_task_main_sn|u0000' || i, 'nobody' || i, 1, 1000, 970 FROM n"
csrf=$(csrf_of "$ajar" /dnc) || not_ok "the do-not-call page has a form" "$(r_summary)"
for ((i = 10; i < 70; i++)); do
	req "$ajar" POST /dnc/add -A "$UA" --data-urlencode "csrf=$csrf" \
	    --data-urlencode "phone=135000010$i" --data-urlencode 'reason=客户投诉' \
	    --data-urlencode 'expires=2099-12-31'
	[[ $R_STATUS == 303 ]] || not_ok "number $i is added (303)" "$(r_summary)"
done
expect_eq 60 "$(sql "SELECT count(*) FROM audit WHERE action = 'dnc.added'")" "60 numbers added, each audited"

# at_most MAX GOT DESC: the number GOT is at most MAX.
at_most() {
	if [[ $2 =~ ^[0-9]+$ ]] && (($2 <= $1)); then ok "$3"; else not_ok "$3" "want at most $1, got '$2'"; fi
}

# page PATH ROWS BOUND ROW-PATTERN: GET PATH: 200, ROWS rows, at most BOUND
# bytes, over 8 KB and whole.
page() {
	local size
	req "$ajar" GET "$1"
	expect_status 200 "GET $1 answers 200"
	size=$(wc -c <"$R_BODY")
	expect_eq "$2" "$(grep -oE "$4" "$R_BODY" | wc -l)" "... with $2 rows"
	at_most "$3" "$size" "... in at most $3 bytes ($size)"
	expect_ge 8193 "$size" "... over libfcgi's 8 KB buffer"
	expect_match '</footer></body></html>$' "$(tail -c 40 "$R_BODY")" "... and whole, up to </html>"
	expect_body_lacks ' style=' "... with no inline style"
}
page /audit 25 20000 '<tr id="audit-[0-9]+">'
# The cells hold what a person reads, with no label of their own.
expect_body_contains '<p><span>原因</span>：客户投诉</p>' "a detail reads label：value"
expect_body_lacks 'class="nowrap"' "... no cell carries a class for its column"
expect_body_contains "title=\"$UA\">127.0.0.1</td>" "... the address still names its browser on hover"
page /pushes 50 30000 '<tr id="push-[0-9]+">'
page /dnc 50 19000 '<tr id="dnc-[0-9]+">'
expect_eq 1 "$(grep -o 'form="dnc-remove"' "$R_BODY" | sort -u | wc -l)" "the 移除 buttons name one form"
at_most 6 "$(grep -o 'name="csrf"' "$R_BODY" | wc -l)" "... and the page holds a few CSRF tokens, not one a row"
# A person presses 移除 on the newest entry: the shared form's token goes
# to that button's formaction.
csrf=$(grep -o '<form id="dnc-remove"[^>]*><input[^>]*name="csrf"[^>]*>' "$R_BODY" |
    sed -n -e 's/.*value="\([0-9A-Za-z_-]*\)".*/\1/p')
action=$(grep -oE 'form="dnc-remove" formaction="/dnc/[0-9]+/remove"' "$R_BODY" | head -n 1 |
    sed -e 's/.*formaction="\([^"]*\)"/\1/')
expect_match '^/dnc/60/remove$' "$action" "the first 移除 posts to the newest entry"
req "$ajar" POST "$action" --data-urlencode "csrf=$csrf"
expect_status 303 "... and removes it (303)"
expect_eq 59 "$(sql 'SELECT count(*) FROM dnc')" "... leaving 59 entries"
expect_eq 'fastcgi_buffer_size 32k;|fastcgi_buffers 8 32k;' \
    "$(grep -oE 'fastcgi_buffer(s|_size) [^#;]*;' "$T_DIR/nginx.conf" | paste -sd '|' -)" \
    "nginx reads a page into 32 KB buffers (nginx.conf.example, http {})"
req "$ajar" GET /users
expect_status 200 "GET /users answers 200"
expect_body_lacks ' style=' "... with no inline style"
