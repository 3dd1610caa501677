#!/usr/bin/env bash
# t0007-origin.sh: a POST whose Origin header names another site is refused
# with 403 even with a valid token; the site's own origin is accepted.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar

login admin "$ADMIN_PASS" "$jar" -H 'Origin: http://evil.example' || true
expect_status 403 "POST /login with Origin http://evil.example answers 403"
expect_no_header Set-Cookie '^dd_session=[^;]' "and sets no session cookie"

login admin "$ADMIN_PASS" "$jar" -H "Origin: http://127.0.0.1:$T_PORT" || true
expect_status 303 "POST /login with the site's own Origin signs in"

csrf=$(csrf_of "$jar" /)
req "$jar" POST /logout --data-urlencode "csrf=$csrf" -H 'Origin: https://127.0.0.1.evil.example'
expect_status 403 "POST /logout from another origin answers 403"
req "$jar" GET /
expect_status 200 "the session survives it"
