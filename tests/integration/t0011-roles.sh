#!/usr/bin/env bash
# t0011-roles.sh: /audit is for admin and auditor; an operator gets 403 and
# the attempt is audited; a visitor is sent to sign in first.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start

req - GET /audit
expect_status 303 "signed out, GET /audit answers 303"
expect_location '/login\?next=%2Faudit' "to /login?next=%2Faudit"

login operator "$OPERATOR_PASS" "$T_DIR/operator.jar" || true
req "$T_DIR/operator.jar" GET /audit
expect_status 403 "an operator gets 403 for /audit"
expect_ge 1 "$(sql "SELECT count(*) FROM audit WHERE action = 'permission.denied' AND actor = 'operator'")" \
    "the refusal is in the audit log as permission.denied by operator"
req "$T_DIR/operator.jar" GET /
expect_status 200 "an operator gets the home page"
expect_body_contains operator "which names the operator"

login auditor "$AUDITOR_PASS" "$T_DIR/auditor.jar" || true
req "$T_DIR/auditor.jar" GET /audit
expect_status 200 "an auditor gets /audit"
expect_body_contains 'login.ok' "which lists the sign-ins"

login admin "$ADMIN_PASS" "$T_DIR/admin.jar" || true
req "$T_DIR/admin.jar" GET /audit
expect_status 200 "an admin gets /audit"
expect_body_contains 'permission.denied' "which shows the operator's refused attempt"
