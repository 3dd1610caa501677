#!/usr/bin/env bash
# t0004-rate-limit-account.sh: after login_max_failures (5) failures for one
# account within the window, the next attempt is refused with 429 even with
# the right password; other accounts are not affected.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_conf login_max_failures 5
t_conf login_window_minutes 15
t_start
jar=$T_DIR/jar

for i in 1 2 3 4 5; do
	login admin "wrong-password-$i" "$jar" || true
	expect_status 401 "wrong password $i of 5 answers 401"
done
login admin "$ADMIN_PASS" "$jar" || true
expect_status 429 "the 6th attempt answers 429 even with the right password"
expect_no_header Set-Cookie '^dd_session=[^;]' "and sets no session cookie"
expect_ge 1 "$(audit_count login.rate_limited)" "the refusal is in the audit log as login.rate_limited"

login operator "$OPERATOR_PASS" "$T_DIR/operator.jar" || true
expect_status 303 "another account still signs in"
