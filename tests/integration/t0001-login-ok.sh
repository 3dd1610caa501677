#!/usr/bin/env bash
# t0001-login-ok.sh: the right password signs in: 303 to /, a session cookie
# that scripts cannot read and other sites cannot send, and the home page
# names the user.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/admin.jar

req "$jar" GET /login
expect_status 200 "GET /login answers 200"
expect_body_contains 'name="csrf"' "the login form carries a csrf field"
expect_body_contains 'name="username"' "the login form has a username field"
expect_body_contains 'name="password"' "the login form has a password field"
expect_header Set-Cookie '^dd_csrf=' "GET /login sets the dd_csrf cookie"

login admin "$ADMIN_PASS" "$jar" || true
expect_status 303 "POST /login with the right password answers 303"
expect_location '/' "it sends the user to /"
expect_header Set-Cookie '^dd_session=[^;]+;' "it sets the dd_session cookie"
expect_header Set-Cookie '^dd_session=.*; *HttpOnly(;|$)' "the session cookie is HttpOnly"
expect_header Set-Cookie '^dd_session=.*; *SameSite=Lax(;|$)' "the session cookie is SameSite=Lax"
expect_header Set-Cookie '^dd_session=.*; *Path=/(;|$)' "the session cookie has Path=/"
expect_no_header Set-Cookie '^dd_session=.*; *Secure(;|$)' "no Secure flag over plain HTTP"
expect_ge 1 "$(audit_count login.ok)" "the sign-in is in the audit log as login.ok"

req "$jar" GET /
expect_status 200 "GET / answers 200 once signed in"
expect_body_contains 'admin' "the home page names the user"
expect_body_contains 'name="csrf"' "the home page has the logout form's csrf field"
