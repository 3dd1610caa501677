#!/usr/bin/env bash
# t0008-session-idle.sh: a session unused for longer than
# session_idle_minutes (30) is over: GET / sends to the login page.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_conf session_idle_minutes 30
t_start
jar=$T_DIR/jar

login admin "$ADMIN_PASS" "$jar" || true
expect_status 303 "admin signs in"
sql "UPDATE sessions SET last_seen = last_seen - 20 * 60"
req "$jar" GET /
expect_status 200 "after 20 idle minutes the session still works"
sql "UPDATE sessions SET last_seen = last_seen - 3600"
req "$jar" GET /
expect_status 303 "after an idle hour GET / answers 303"
expect_location '/login(\?next=%2F)?' "to the login page"
req "$jar" GET /audit
expect_status 303 "and so does GET /audit"
