#!/usr/bin/env bash
# t0006-csrf.sh: a POST without the double-submit token, with a wrong one,
# or without the dd_csrf cookie is refused with 403 and audited as
# csrf.rejected; signed in, a wrong token does not end the session.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar
creds=(--data-urlencode username=admin --data-urlencode "password=$ADMIN_PASS")

csrf=$(csrf_of "$jar" /login)
req "$jar" POST /login "${creds[@]}"
expect_status 403 "POST /login without the csrf field answers 403"

wrong=$(printf '%s' "$csrf" | tr '0-9a-f' '1-9a-f0')
req "$jar" POST /login --data-urlencode "csrf=$wrong" "${creds[@]}"
expect_status 403 "POST /login with a wrong csrf value answers 403"

req - POST /login --data-urlencode "csrf=$csrf" "${creds[@]}"
expect_status 403 "POST /login with the token but without the dd_csrf cookie answers 403"
expect_no_header Set-Cookie '^dd_session=[^;]' "none of them set a session cookie"

login admin "$ADMIN_PASS" "$jar" || true
expect_status 303 "the same form with its token signs in"
req "$jar" POST /logout --data-urlencode "csrf=$wrong"
expect_status 403 "POST /logout with a wrong csrf value answers 403"
req "$jar" POST /logout --data ''
expect_status 403 "POST /logout without the csrf field answers 403"
req "$jar" GET /
expect_status 200 "the session survives the refused logouts"

expect_ge 5 "$(audit_count csrf.rejected)" "all five refusals are in the audit log as csrf.rejected"
expect_ge 1 "$(sql "SELECT count(*) FROM audit WHERE action = 'csrf.rejected' AND actor = 'admin'")" \
    "a refusal while signed in names the user"
