#!/usr/bin/env bash
# t7461-pushes-rows.sh: the rows of /pushes as issue 12 makes them without
# printf and with one CSRF token for the page: every unmatched push's form
# carries the session's token and links its own id, its summary reads
# "导入总数 T，成功 S" (or the failure reason, escaped), and after linking
# one by its form the page still answers.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"

sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, ok, total, success, reason) SELECT strftime('%s', 'now'), '127.0.0.1',
    'application/json', '{}', 'sha' || i, 'sn' || i, 'nobody' || i, CASE WHEN i % 10 <> 0 THEN 1 ELSE 0 END,
    i * 1000003, i, CASE WHEN i % 10 = 0 THEN 'bad <x> & ' || i ELSE '' END FROM n"

req "$ajar" GET /pushes
expect_status 200 "the pushes page answers 200"
token=$(grep -o '<form method="post" action="/logout"><input type="hidden" name="csrf" value="[^"]*"' "$R_BODY" |
    sed -e 's/.*value="//' -e 's/"$//')
[[ -n $token ]] && ok "the page has the session's token" || not_ok "the page has the session's token"
forms=$(grep -oE '<form method="post" action="/pushes/[0-9]+/link"><input type="hidden" name="csrf" value="[^"]*"' "$R_BODY")
expect_eq 50 "$(printf '%s\n' "$forms" | grep -c .)" "50 rows, each with its link form"
expect_eq 50 "$(printf '%s\n' "$forms" | grep -cF "value=\"$token\"")" \
    "... every form carrying the session's CSRF token"
expect_eq "$(sql 'SELECT id FROM pushes WHERE batch_id IS NULL ORDER BY id DESC LIMIT 50')" \
    "$(printf '%s\n' "$forms" | grep -oE '/pushes/[0-9]+/link' | grep -oE '[0-9]+')" \
    "... and linking its own push, newest first"
for i in 59 51 11; do
	id=$(sql "SELECT id FROM pushes WHERE sn = 'sn$i'")
	expect_body_contains "<tr id=\"push-$id\"><td>$id</td>" "push $i is a row"
	expect_body_contains "<td>导入总数 $((i * 1000003))，成功 $i</td>" "... reading its counts"
done
expect_body_contains "<td>导入失败：bad &lt;x&gt; &amp; 50</td>" "a failed push shows its reason, escaped"
expect_body_lacks "bad <x>" "... never raw"

# Link the newest through its form, as a browser would.
id=$(sql "SELECT id FROM pushes WHERE sn = 'sn60'")
batch=$(sql "SELECT id FROM batches LIMIT 1")
if [[ -n $batch ]]; then
	req "$ajar" POST "/pushes/$id/link" --data-urlencode "csrf=$token" --data-urlencode "batch=$batch"
	expect_status 303 "the row's token links the push"
	req "$ajar" GET /pushes
	expect_body_lacks "<tr id=\"push-$id\">" "... which leaves the list"
else
	req "$ajar" POST "/pushes/$id/link" --data-urlencode "csrf=$token" --data-urlencode "batch=999999"
	expect_status 404 "the row's token is accepted (no such batch: 404, not a CSRF refusal)"
fi
