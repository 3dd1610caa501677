#!/usr/bin/env bash
# t0005-rate-limit-address.sh: after login_max_failures_addr failures from
# one address, across accounts (known or not), that address gets 429 even
# for an account that never failed and the right password.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_conf login_max_failures_addr 3
t_start
jar=$T_DIR/jar

for user in admin operator no-such-user; do
	login "$user" 'wrong-password' "$jar" || true
	expect_status 401 "a wrong password for $user answers 401"
done
login auditor "$AUDITOR_PASS" "$jar" || true
expect_status 429 "the 4th attempt from the address answers 429 (auditor, right password)"
expect_ge 1 "$(audit_count login.rate_limited)" "the refusal is in the audit log as login.rate_limited"
