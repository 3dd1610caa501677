#!/usr/bin/env bash
# t0009-session-absolute.sh: a session older than session_max_hours (12) is
# over however busy it was.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_conf session_max_hours 12
t_start
jar=$T_DIR/jar

login admin "$ADMIN_PASS" "$jar" || true
expect_status 303 "admin signs in"
sql "UPDATE sessions SET created = created - 11 * 3600"
req "$jar" GET /
expect_status 200 "an 11-hour-old session in use still works"
sql "UPDATE sessions SET created = created - 2 * 3600"
req "$jar" GET /
expect_status 303 "a 13-hour-old session in use answers 303"
expect_location '/login(\?next=%2F)?' "to the login page"
