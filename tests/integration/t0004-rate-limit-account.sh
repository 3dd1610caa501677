#!/usr/bin/env bash
# t0004-rate-limit-account.sh: after login_max_failures (5) failures of one
# account from one address, that pair waits login_delay_seconds (doubling
# with each further failure) and is answered 429 with Retry-After, even
# with the right password; once the delay is over the right password works
# again. Other accounts from the same address are not affected.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_conf login_max_failures 5
t_conf login_delay_seconds 2
t_conf login_window_minutes 15
t_start
jar=$T_DIR/jar

for i in 1 2 3 4 5; do
	login admin "wrong-password-$i" "$jar" || true
	expect_status 401 "wrong password $i of 5 answers 401"
done
login admin "$ADMIN_PASS" "$jar" || true
expect_status 429 "right after the 5th failure even the right password waits (429)"
expect_header Retry-After '^[12]$' "... with Retry-After of the delay left (at most 2 s)"
expect_no_header Set-Cookie '^dd_session=[^;]' "and sets no session cookie"
expect_body_contains '登录尝试过于频繁' "the page says to try again later"
expect_ge 1 "$(audit_count login.rate_limited)" "the refusal is in the audit log as login.rate_limited"
expect_eq 5 "$(audit_count login.failed)" "the refused attempt was not counted as a failure"

login operator "$OPERATOR_PASS" "$T_DIR/operator.jar" || true
expect_status 303 "another account still signs in from the same address"

sleep 2.2
login admin "wrong-password-6" "$jar" || true
expect_status 401 "after the delay a wrong password is looked at again (401)"
login admin "$ADMIN_PASS" "$jar" || true
expect_status 429 "the 6th failure doubled the delay: the right password waits again"
expect_header Retry-After '^[34]$' "... for about 4 s"
sleep 4.2
login admin "$ADMIN_PASS" "$jar" || true
expect_status 303 "once the delay is over the right password signs in: nothing locked the owner out"
expect_eq 0 "$(sql "SELECT count(*) FROM login_failures WHERE key = 'pair:admin|127.0.0.1'")" \
    "signing in forgets the account's failures from that address"
