#!/usr/bin/env bash
# t0016-security-headers.sh: every page says nosniff, forbids framing, sets a
# referrer policy; signed-in pages are not cached; nginx hides its version
# and its static files carry the same headers.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar

# page_headers WHAT: the headers every dialdesk page has.
page_headers() {
	expect_header X-Content-Type-Options '^nosniff$' "$1: X-Content-Type-Options: nosniff"
	expect_header Content-Security-Policy "frame-ancestors 'none'" "$1: CSP with frame-ancestors 'none'"
	expect_header Referrer-Policy '.' "$1: a Referrer-Policy"
	expect_header Server '^nginx$' "$1: Server: nginx without a version"
}

req "$jar" GET /login
page_headers "GET /login"
expect_header Content-Type '^text/html; *charset=utf-8' "GET /login: text/html; charset=utf-8"

login admin "$ADMIN_PASS" "$jar" || true
page_headers "POST /login"
for path in / /audit; do
	req "$jar" GET "$path"
	expect_status 200 "GET $path answers 200 signed in"
	page_headers "GET $path signed in"
	expect_header Cache-Control 'no-store' "GET $path signed in: Cache-Control: no-store"
done

req - GET /static/style.css
expect_status 200 "GET /static/style.css answers 200"
expect_header Content-Type '^text/css' "as text/css"
expect_header X-Content-Type-Options '^nosniff$' "static: X-Content-Type-Options: nosniff"
expect_header Content-Security-Policy "frame-ancestors 'none'" "static: CSP with frame-ancestors 'none'"
expect_header Cache-Control 'max-age=[1-9]' "static: cacheable"
