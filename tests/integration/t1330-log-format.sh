#!/usr/bin/env bash
# t1330-log-format.sh: dialdesk logs one line per event with stable
# fields, as key=value text (the default) or as JSON (log_format = json);
# nginx's $request_id reaches dialdesk's log line and the audit entry of
# that request, and nginx's access log, so one id ties the three together;
# an id that could break a line is dropped, not logged.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start

# An unreadable push: a warning in the log, push.rejected audited.
req - POST '/callback/import?token=test-callback-token-0123456789' \
    -H 'Content-Type: application/json' --data 'not json'
expect_status 400 "an unreadable push is refused"
sleep 0.2
line=$(grep 'callback: unreadable push' "$T_LOG" | tail -n 1)
expect_match '^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z level=warning prog=dialdesk pid=[0-9]+ request_id=[0-9a-f]{32} msg="callback: unreadable push from 127\.0\.0\.1: .*"$' \
    "$line" "the log line is ts= level= prog= pid= request_id= msg=\"...\""
rid=$(sed -n -e 's/.* request_id=\([0-9a-f]*\) .*/\1/p' <<<"$line")
expect_eq "$rid" "$(sql "SELECT json_extract(details, '$.request_id') FROM audit WHERE action = 'push.rejected' ORDER BY id DESC LIMIT 1")" \
    "the push.rejected audit entry carries the same request id"
expect_match "request_id=$rid\$" "$(grep 'POST /callback/import' "$T_DIR/nginx-access.log" | tail -n 1)" \
    "nginx's access log line ends with it too"
bad=$(grep -v -E '^ts=[^ ]+ level=(info|warning|error) prog=dialdesk pid=[0-9]+( request_id=[0-9A-Za-z_-]+)? msg=".*"$' "$T_LOG" |
    grep -v -E '^(database at version|user .* created)' || true)
expect_eq "" "$bad" "every line dialdesk logged has that form"
login admin "$ADMIN_PASS" "$T_DIR/a.jar"
expect_match '^[0-9a-f]{32}$' "$(sql "SELECT json_extract(details, '$.request_id') FROM audit WHERE action = 'login.ok' ORDER BY id DESC LIMIT 1")" \
    "a sign-in's audit entry has its request id"
rc=0
dialdesk audit verify >/dev/null 2>&1 || rc=$?
expect_eq 0 "$rc" "the audit chain with request ids verifies"

# JSON, through CGI so that REQUEST_ID is ours to set.
t_write_config "$T_DIR/json.conf" "$T_DB"
printf 'log_format = json\n' >>"$T_DIR/json.conf"
cgi() {
	env DIALDESK_CONFIG="$T_DIR/json.conf" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=POST \
	    PATH_INFO=/callback/import QUERY_STRING=token=test-callback-token-0123456789 \
	    CONTENT_TYPE=application/json CONTENT_LENGTH=8 REMOTE_ADDR=127.0.0.1 \
	    REQUEST_ID="$1" "$DIALDESK_BIN" <<<'not json' >"$T_DIR/cgi.out" 2>"$T_DIR/cgi.err" || true
}
cgi 'req-4711_ab'
json=$(grep 'unreadable push' "$T_DIR/cgi.err" | tail -n 1)
expect_eq "warning req-4711_ab dialdesk" "$(jq -r '"\(.level) \(.request_id) \(.prog)"' <<<"$json" 2>/dev/null)" \
    "log_format = json: one JSON object with level, request_id, prog"
expect_match '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$(jq -r .ts <<<"$json" 2>/dev/null)" "... and ts"
expect_match '^callback: unreadable push' "$(jq -r .msg <<<"$json" 2>/dev/null)" "... and msg"
cgi 'bad id"x'
json=$(grep 'unreadable push' "$T_DIR/cgi.err" | tail -n 1)
expect_eq null "$(jq -r .request_id <<<"$json" 2>/dev/null)" "a request id with a blank or a quote is dropped"
expect_eq "" "$(sql "SELECT json_extract(details, '$.request_id') FROM audit WHERE action = 'push.rejected' ORDER BY id DESC LIMIT 1")" \
    "... from the audit entry too"
