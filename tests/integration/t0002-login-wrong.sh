#!/usr/bin/env bash
# t0002-login-wrong.sh: a wrong password and an unknown user get the same
# 401 page, so the answer does not tell which names exist; no session.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar
message='用户名或密码错误'

login admin 'not-the-password' "$jar" || true
expect_status 401 "a wrong password answers 401"
expect_body_contains "$message" "the page says 用户名或密码错误"
expect_body_contains 'name="csrf"' "the page offers the form again"
expect_no_header Set-Cookie '^dd_session=[^;]' "no session cookie is set"
cp "$R_BODY" "$T_DIR/wrong-password.html"

login nobody-by-this-name 'not-the-password' "$jar" || true
expect_status 401 "an unknown user answers 401"
expect_body_contains "$message" "the page says the same 用户名或密码错误"
expect_no_header Set-Cookie '^dd_session=[^;]' "no session cookie is set"

expect_eq 2 "$(audit_count login.failed)" "both failures are in the audit log as login.failed"
expect_eq 0 "$(sql 'SELECT count(*) FROM sessions')" "no session was created"
req "$jar" GET /
expect_status 303 "GET / still redirects to the login page"
