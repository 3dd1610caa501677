#!/usr/bin/env bash
# t7022-callback-refusals.sh: pushes with a wrong token (issue 7, smaller
# finding). Each used to write its own fsynced audit entry, without limit.
# Now the committer counts them per address and minute across all workers:
# past callback_refusals_max in a minute the answer is 429 with
# Retry-After; when the minute is over one push.forbidden entry per
# address holds the counts; a push with the right token is still taken; no
# log or audit entry holds the wrong token.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf callback_refusals_max 5
t_conf callback_workers 3
t_start
WRONG=wrong7022-$(dd_random_hex 12)
BURST=$(dirname "$0")/t7039-push-burst.py

# All in one minute: start at its beginning when it is nearly over.
(( 10#$(date +%S) < 45 )) || sleep $((61 - 10#$(date +%S)))
minute=$(($(date +%s) / 60 * 60))

python3 "$BURST" "$T_PORT" "$WRONG" 12 1 >"$T_DIR/burst"
expect_eq "5 7" "$(awk '$1 == 403' "$T_DIR/burst" | wc -l | tr -d ' ') $(awk '$1 == 429' "$T_DIR/burst" | wc -l | tr -d ' ')" \
    "12 wrong-token pushes at once, through 3 workers: 5 answered 403, the 7 past callback_refusals_max 429"
push_send "$(push_json "$(printf '%032x' 99)" "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)")" "" "$WRONG"
expect_status 429 "one more answers 429"
expect_header Retry-After '^60$' "... with Retry-After: 60"
expect_eq 429 "$(jq -r .code "$R_BODY")" "... and a JSON code 429"
push_send "$(push_json "$(printf '%032x' 98)" "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)")"
expect_status 200 "a push with the right token from the same address is still taken"
expect_eq 0 "$(audit_count push.forbidden)" "nothing is written for the refusals while their minute lasts"
expect_eq 0 "$(sql "SELECT count(*) FROM pushes WHERE vendor_task_id <> '$(printf '%032x' 98)'")" "... and no refused push is stored"

# The minute ends: one entry for the address, with the counts.
sleep $((minute + 62 - $(date +%s)))
expect_eq 1 "$(audit_count push.forbidden)" "when the minute is over, the 13 refusals are one push.forbidden entry"
expect_eq "127.0.0.1|127.0.0.1|13|13|0|8|$minute|60" \
    "$(sql "SELECT addr, object, json_extract(details, '$.count'), json_extract(details, '$.wrong_token'), json_extract(details, '$.address_not_allowed'), json_extract(details, '$.answered_429'), json_extract(details, '$.minute_start'), json_extract(details, '$.seconds') FROM audit WHERE action = 'push.forbidden'")" \
    "... naming the address, 13 refused (all wrong tokens), 8 answered 429, and the minute"
check "serve's log says it once" test "$(grep -c 'callback: refused 13 push(es) from 127.0.0.1' "$T_LOG")" = 1

# A new minute, a new count; serve stopping writes what it has.
push_send "$(push_json "$(printf '%032x' 97)" "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)")" "" "$WRONG"
expect_status 403 "in the next minute a wrong token answers 403 again"
t_stop_serve || true
expect_eq "2 1" "$(audit_count push.forbidden) $(sql "SELECT json_extract(details, '$.count') FROM audit WHERE action = 'push.forbidden' ORDER BY id DESC LIMIT 1")" \
    "serve stopping writes the minute's count (1) in an entry of its own"
rc=0
dialdesk audit verify >"$T_DIR/verify.out" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"
hits=$(grep -rlaF -e "$WRONG" "$T_DIR" 2>/dev/null || true)
expect_eq "" "$hits" "no file under the state folder holds the wrong token"
