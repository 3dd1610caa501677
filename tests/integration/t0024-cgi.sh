#!/usr/bin/env bash
# t0024-cgi.sh: run as a CGI program (GATEWAY_INTERFACE set, no arguments)
# dialdesk answers the one request in its environment on standard output.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_setup

rc=0
env DIALDESK_CONFIG="$T_CONF" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/login \
    "$DIALDESK_BIN" </dev/null >"$T_DIR/cgi.out" 2>"$T_DIR/cgi.err" || rc=$?
expect_eq 0 "$rc" "it exits 0"
expect_match '^Status: 200( |$)' "$(head -n 1 "$T_DIR/cgi.out" | tr -d '\r')" "the answer starts with Status: 200"
if grep -qi '^Content-Type: text/html' "$T_DIR/cgi.out"; then ok "it is text/html"; else not_ok "it is text/html" "$(head -n 12 "$T_DIR/cgi.out")"; fi
if grep -q 'name="csrf"' "$T_DIR/cgi.out"; then ok "it is the login form"; else not_ok "it is the login form" "$(head -c 600 "$T_DIR/cgi.out")"; fi

rc=0
env DIALDESK_CONFIG="$T_CONF" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/no-such-page \
    "$DIALDESK_BIN" </dev/null >"$T_DIR/cgi.out" 2>"$T_DIR/cgi.err" || rc=$?
expect_match '^Status: 404( |$)' "$(head -n 1 "$T_DIR/cgi.out" | tr -d '\r')" "an unknown path answers Status: 404"
