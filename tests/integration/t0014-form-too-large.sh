#!/usr/bin/env bash
# t0014-form-too-large.sh: an urlencoded body over 64 KiB is refused by
# dialdesk with 413, and the worker goes on serving.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar

csrf=$(csrf_of "$jar" /login) || csrf=
{
	printf 'csrf=%s&username=admin&password=%s&pad=' "$csrf" "$ADMIN_PASS"
	head -c 70000 /dev/zero | tr '\0' a
} >"$T_DIR/big.form"
req "$jar" POST /login -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary @"$T_DIR/big.form"
expect_status 413 "a 70 KB urlencoded POST /login answers 413"
expect_no_header Server '[0-9]' "answered by dialdesk through nginx, without a version"
expect_no_header Set-Cookie '^dd_session=[^;]' "and signs nobody in"
req "$jar" GET /login
expect_status 200 "GET /login answers 200 afterwards"
