#!/usr/bin/env bash
# t0017-bad-multipart.sh: broken multipart/form-data bodies (no boundary, a
# part cut short, a part header over the limit) answer 400, and the worker
# that read them goes on serving: no worker dies.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar
csrf=$(csrf_of "$jar" /login) || csrf=
workers_before=$(dd_children "$T_SERVE_PID" | sort | tr '\n' ' ')
crlf=$'\r\n'

# post_multipart CONTENT-TYPE FILE DESC
post_multipart() {
	req "$jar" POST /login -H "Content-Type: $1" --data-binary @"$2"
	expect_status 400 "$3 answers 400"
	req "$jar" GET /login
	expect_status 200 "GET /login answers 200 after it"
}

printf 'csrf=%s&username=admin' "$csrf" >"$T_DIR/no-boundary"
post_multipart 'multipart/form-data' "$T_DIR/no-boundary" "multipart/form-data without a boundary"

{
	printf -- '--XyZ%sContent-Disposition: form-data; name="csrf"%s%s' "$crlf" "$crlf" "$crlf"
	printf '%s%s--XyZ%s' "$csrf" "$crlf" "$crlf"
	printf 'Content-Disposition: form-data; name="username"%s%sadm' "$crlf" "$crlf"
} >"$T_DIR/truncated"
post_multipart 'multipart/form-data; boundary=XyZ' "$T_DIR/truncated" "a body cut off inside a part"

{
	printf -- '--XyZ%sContent-Disposition: form-data; name="username"%s' "$crlf" "$crlf"
	printf 'X-Padding: '
	head -c 48000 /dev/zero | tr '\0' a
	printf '%s%sadmin%s--XyZ--%s' "$crlf" "$crlf" "$crlf" "$crlf"
} >"$T_DIR/long-header"
post_multipart 'multipart/form-data; boundary=XyZ' "$T_DIR/long-header" "a part header of 48 KB"

{
	printf -- '--XyZ%sContent-Disposition: form-data; name="username"%s' "$crlf" "$crlf"
	printf 'this is not a header line%s%sadmin%s--XyZ--%s' "$crlf" "$crlf" "$crlf" "$crlf"
} >"$T_DIR/bad-header"
post_multipart 'multipart/form-data; boundary=XyZ' "$T_DIR/bad-header" "a part header without a colon"

workers_after=$(dd_children "$T_SERVE_PID" | sort | tr '\n' ' ')
expect_eq "$workers_before" "$workers_after" "the same workers serve as before (none crashed)"
