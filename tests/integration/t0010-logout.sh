#!/usr/bin/env bash
# t0010-logout.sh: POST /logout ends the session on the server: 303 to
# /login, and the old cookie no longer signs anyone in. GET /logout is 405.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar

login admin "$ADMIN_PASS" "$jar" || true
expect_status 303 "admin signs in"
cp "$jar" "$T_DIR/old.jar"
expect_eq 1 "$(sql 'SELECT count(*) FROM sessions')" "one session on the server"

req "$jar" GET /logout
expect_status 405 "GET /logout answers 405"
expect_header Allow 'POST' "with Allow: POST"

csrf=$(csrf_of "$jar" /)
req "$jar" POST /logout --data-urlencode "csrf=$csrf"
expect_status 303 "POST /logout answers 303"
expect_location '/login' "to /login"
expect_eq 0 "$(sql 'SELECT count(*) FROM sessions')" "the session is gone on the server"
expect_ge 1 "$(audit_count logout)" "the logout is in the audit log"

req "$T_DIR/old.jar" GET /
expect_status 303 "the old cookie no longer works: GET / answers 303"
expect_location '/login(\?next=%2F)?' "to the login page"
