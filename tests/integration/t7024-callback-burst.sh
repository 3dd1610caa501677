#!/usr/bin/env bash
# t7024-callback-burst.sh: 1,000 pushes at once (issue 7, point 5). With
# the listen backlog at 128 and nginx's 1,024 connections, a burst of 250
# got 20 answers 502. Now every one is answered 200 and stored, each with
# its own figures and its push.received entry, and nginx has nothing to
# say about it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
TOKEN=test-callback-token-0123456789

python3 "$(dirname "$0")/t7039-push-burst.py" "$T_PORT" "$TOKEN" 1000 1 60 >"$T_DIR/burst" 2>"$T_DIR/burst.err" ||
    not_ok "the push client ran" "$(tail -n 5 "$T_DIR/burst.err")"
n200=$(awk '$1 == 200' "$T_DIR/burst" | wc -l)
expect_eq "1000 1000" "$(wc -l <"$T_DIR/burst" | tr -d ' ') $n200" \
    "1,000 concurrent pushes are all answered 200 ($(awk '$1 != 200 {print $1}' "$T_DIR/burst" | sort | uniq -c | tr '\n' ' '))"
expect_eq 1000 "$(sql 'SELECT count(DISTINCT vendor_task_id) FROM pushes')" "... all 1,000 are stored"
expect_eq 500500 "$(sql 'SELECT sum(total) FROM pushes')" "... each with its own figures (1 + ... + 1000)"
expect_eq 1000 "$(audit_count push.received)" "... each with its push.received audit entry"
p99=$(awk '{print $2}' "$T_DIR/burst" | sort -n | awk '{v[NR] = $1} END {print v[int(NR * 0.99)]}')
ok "p99 of the burst: ${p99} ms (not a goal here; bench/callback-pool.sh measures it)"
if grep -E 'worker_connections|Resource temporarily unavailable|connect\(\)' "$T_DIR/nginx-error.log" >/dev/null 2>&1; then
	not_ok "nginx's error log has no connection shortage" "$(grep -E 'worker_connections|unavailable|connect' "$T_DIR/nginx-error.log" | head -n 3)"
else
	ok "nginx's error log has no connection shortage"
fi
rc=0
dialdesk audit verify >"$T_DIR/verify.out" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"
