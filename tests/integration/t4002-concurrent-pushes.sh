#!/usr/bin/env bash
# t4002-concurrent-pushes.sh: the vendor pushes 200 different import
# results at once, 32 connections at a time: every one is answered 200 and
# stored, each with its push.received audit entry, and the audit chain is
# intact. Then 32 copies of one push at once: one row, one push.received,
# 31 push.duplicate.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start

P=$T_DIR/pushes
mkdir -p "$P"
for ((i = 1; i <= 200; i++)); do
	push_json "$(printf '%032x' "$i")" "$(mark $((i + 10)) "$i" 10 0 0 0 "$i" 0 0 0 0 0 0)" >"$P/$i.json"
done
URL="$BASE/callback/import?token=$(v_token)"

# send_all FILE...: POST each file, 32 at a time; one status per line.
send_all() {
	printf '%s\n' "$@" | xargs -P 32 -I{} curl -sS --max-time 60 -o /dev/null \
	    -w '%{http_code}\n' -H 'Content-Type: application/json; charset=utf-8' \
	    --data-binary @{} "$URL" 2>>"$T_DIR/curl.err"
}

started=$(date +%s%N)
send_all "$P"/*.json >"$T_DIR/codes"
ms=$((($(date +%s%N) - started) / 1000000))
expect_eq "200 200" "$(wc -l <"$T_DIR/codes" | tr -d ' ') $(grep -cx 200 "$T_DIR/codes")" \
    "200 concurrent pushes are all answered 200 (${ms} ms)"
expect_eq 200 "$(sql 'SELECT count(*) FROM pushes')" "200 rows are stored"
expect_eq 200 "$(sql 'SELECT count(DISTINCT vendor_task_id) FROM pushes')" "... one per vendor task"
expect_eq 20100 "$(sql 'SELECT sum(success) FROM pushes')" "... each with its own figures (the successes sum to 1+...+200)"
expect_eq 0 "$(sql 'SELECT count(*) FROM pushes WHERE total != success + 10 OR shi != success')" "... none mixed up"
expect_eq 200 "$(audit_count push.received)" "200 push.received audit entries"
expect_eq 200 "$(sql "SELECT count(DISTINCT json_extract(details, '$.push')) FROM audit WHERE action = 'push.received'")" \
    "... each naming its own push"
expect_eq "0 0" "$(audit_count push.rejected) $(sql 'SELECT count(*) FROM rejected_pushes')" "nothing was rejected"

same=()
for ((i = 0; i < 32; i++)); do same+=("$P/7.json"); done
push_json "$(printf '%032x' 7)" "$(mark 20 19 1 0 0 0 19 0 0 0 0 0 0)" >"$P/7.json"
send_all "${same[@]}" >"$T_DIR/codes"
expect_eq 32 "$(grep -cx 200 "$T_DIR/codes")" "32 copies of one new push at once are all answered 200"
expect_eq 2 "$(sql "SELECT count(*) FROM pushes WHERE vendor_task_id = '$(printf '%032x' 7)'")" "... and stored once (beside the earlier push)"
expect_eq "201 31" "$(audit_count push.received) $(audit_count push.duplicate)" "... one push.received, 31 push.duplicate"

rc=0
dialdesk audit verify >"$T_DIR/verify.out" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"
expect_match 'intact' "$(cat "$T_DIR/verify.out")" "... the chain is intact"
