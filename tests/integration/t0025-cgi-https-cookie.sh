#!/usr/bin/env bash
# t0025-cgi-https-cookie.sh: over HTTPS (the HTTPS variable nginx passes)
# the session cookie is __Host-dd_session with Secure. Driven through the
# CGI mode, which sees the same variables as FastCGI.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_setup

cgi_env=(DIALDESK_CONFIG="$T_CONF" GATEWAY_INTERFACE=CGI/1.1 HTTPS=on
    REQUEST_SCHEME=https HTTP_HOST=127.0.0.1 SERVER_NAME=127.0.0.1 SERVER_PORT=443
    REMOTE_ADDR=127.0.0.1 HTTP_USER_AGENT=t0025 PATH_INFO=/login SCRIPT_NAME=/login
    REQUEST_URI=/login DOCUMENT_URI=/login)

env "${cgi_env[@]}" REQUEST_METHOD=GET "$DIALDESK_BIN" </dev/null >"$T_DIR/get.out" 2>"$T_DIR/get.err" || true
tr -d '\r' <"$T_DIR/get.out" >"$T_DIR/get.txt"
cookie=$(sed -n -e 's/^Set-Cookie: *\([^=;]*dd_csrf=[^;]*\).*/\1/Ip' "$T_DIR/get.txt" | head -n 1)
csrf=$(grep -o '<input[^>]*name="csrf"[^>]*>' "$T_DIR/get.txt" | head -n 1 |
    sed -n -e 's/.*value="\([0-9A-Za-z_-]*\)".*/\1/p')
if [[ -n $cookie && -n $csrf ]]; then ok "GET /login gives a csrf cookie and token"; else not_ok "GET /login gives a csrf cookie and token" "$(head -n 15 "$T_DIR/get.txt")"; fi

body="csrf=$csrf&username=admin&password=$ADMIN_PASS"
printf '%s' "$body" | env "${cgi_env[@]}" REQUEST_METHOD=POST \
    CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=${#body} \
    HTTP_COOKIE="$cookie" HTTP_ORIGIN=https://127.0.0.1 \
    "$DIALDESK_BIN" >"$T_DIR/post.out" 2>"$T_DIR/post.err" || true
tr -d '\r' <"$T_DIR/post.out" >"$T_DIR/post.txt"
expect_match '^Status: 303( |$)' "$(head -n 1 "$T_DIR/post.txt")" "POST /login over HTTPS answers 303"
session=$(grep -i '^Set-Cookie: *__Host-dd_session=' "$T_DIR/post.txt" || true)
expect_match '; *Secure(;|$)' "$session" "the session cookie is __Host-dd_session; Secure"
expect_match '; *HttpOnly(;|$)' "$session" "and HttpOnly"
expect_match '; *Path=/(;|$)' "$session" "and Path=/"
if grep -qi '^Set-Cookie: *dd_session=' "$T_DIR/post.txt"; then
	not_ok "no plain dd_session cookie over HTTPS"
else
	ok "no plain dd_session cookie over HTTPS"
fi
