#!/usr/bin/env bash
# t0015-body-too-large-nginx.sh: a body over client_max_body_size (set to
# match upload_max_bytes) is refused by nginx with 413 and our 413 page.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_conf upload_max_bytes 1048576
t_nginx_body_max 1m
t_start

head -c 2000000 /dev/zero | tr '\0' a >"$T_DIR/big.body"
req - POST /login -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary @"$T_DIR/big.body"
expect_status 413 "a 2 MB POST answers 413"
if [[ -f $T_DIR/static/errors/413.html ]] && cmp -s "$R_BODY" "$T_DIR/static/errors/413.html"; then
	ok "the answer is static/errors/413.html"
else
	not_ok "the answer is static/errors/413.html" "$(r_summary)"
fi
expect_header Content-Type '^text/html' "served as text/html"
req - GET /login
expect_status 200 "GET /login answers 200 afterwards"
