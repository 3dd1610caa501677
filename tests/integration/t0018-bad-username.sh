#!/usr/bin/env bash
# t0018-bad-username.sh: a username that is not valid UTF-8, holds a NUL
# byte, or is absurdly long answers 400 before anything else looks at it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar
csrf=$(csrf_of "$jar" /login) || csrf=

# post_raw BODY-AFTER-CSRF DESC: POST /login with a raw urlencoded body.
post_raw() {
	req "$jar" POST /login --data-raw "csrf=$csrf&$1"
	expect_status 400 "$2 answers 400"
	expect_no_header Set-Cookie '^dd_session=[^;]' "$2 signs nobody in"
}

post_raw 'username=%FF%FEadmin&password=x' "a username with invalid UTF-8"
post_raw 'username=%C0%AF&password=x' "a username with an overlong UTF-8 sequence"
post_raw 'username=ad%00min&password=x' "a username with %00"
post_raw "username=$(head -c 10000 /dev/zero | tr '\0' a)&password=x" "a 10,000-character username"
post_raw 'username=admin&password=x%' "a truncated %-escape"
req "$jar" GET /login
expect_status 200 "GET /login answers 200 afterwards"
