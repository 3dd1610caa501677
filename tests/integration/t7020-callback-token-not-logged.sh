#!/usr/bin/env bash
# t7020-callback-token-not-logged.sh: the callback URL carries the token,
# and nginx's error log writes the whole request line after each message
# about a request (issue 7, point 2). Pushes of 30 KB and 1 MB (over any
# default body buffer), one over the limit (413), one malformed (400 from
# dialdesk) and one that nginx itself finds malformed (400), a wrong token
# (403), mistyped callback URLs (404), and one while dialdesk is down
# (502): then no file that nginx or dialdesk wrote under the state folder
# (logs, temporary files, the database and its WAL), and no audit detail,
# holds the token, the previous token or the wrong one. The access log
# still tells each status.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
TOKEN=tok7020-$(dd_random_hex 16)
PREVIOUS=prev7020-$(dd_random_hex 16)
WRONG=wrong7020-$(dd_random_hex 16)
t_conf callback_token "$TOKEN"
t_conf callback_token_previous "$PREVIOUS"
t_start

# sized_push FILE BYTES N: a readable push of BYTES bytes for vendor task N.
sized_push() {
	python3 - "$1" "$2" "$3" <<'PY'
import sys
path, size, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
head = ('{"dial_task_main_sn":"dial_task_main_sn|%032x","import_mark":{"totalCount":2,'
        '"successCount":2},"padding":"' % n)
open(path, "w").write(head + "x" * (size - len(head) - 2) + '"}')
PY
}
post() {
	req - POST "/callback/import?token=$2" -H 'Content-Type: application/json; charset=utf-8' \
	    --data-binary "@$1"
}
code_is() { expect_eq "$1" "$(jq -r .code "$R_BODY" 2>/dev/null)" "... with a JSON body whose code is $1"; }

sized_push "$T_DIR/p30k" 30000 1
post "$T_DIR/p30k" "$TOKEN"
expect_status 200 "a 30 KB push answers 200"
sized_push "$T_DIR/p1m" 1000000 2
post "$T_DIR/p1m" "$TOKEN"
expect_status 200 "a 1 MB push answers 200"
sized_push "$T_DIR/p1mprev" 1000000 3
post "$T_DIR/p1mprev" "$PREVIOUS"
expect_status 200 "a 1 MB push with the previous token (a rotation) answers 200"
expect_eq 3 "$(sql 'SELECT count(*) FROM pushes')" "... the three are stored"
sized_push "$T_DIR/p2m" 2000000 4
post "$T_DIR/p2m" "$TOKEN"
expect_status 413 "a 2 MB push, over callback_max_bytes, answers 413"
code_is 413
printf '{"dial_task_main_sn": "dial_task_main_sn|abc", "import_mark": {"totalCount": 1,,}}' >"$T_DIR/bad"
post "$T_DIR/bad" "$TOKEN"
expect_status 400 "a malformed push answers 400"
code_is 400
post "$T_DIR/p30k" "$WRONG"
expect_status 403 "a push with a wrong token answers 403"
req - POST "/callback?token=$TOKEN" --data-binary "@$T_DIR/p30k"
expect_status 404 "a push to a mistyped callback URL (/callback?token=...) answers 404"
req - POST "/callbackimport?token=$TOKEN" --data-binary "@$T_DIR/p30k"
expect_status 404 "... and to /callbackimport?token=... too"

# A chunked body nginx cannot read: nginx answers 400 itself.
exec 3<>"/dev/tcp/127.0.0.1/$T_PORT"
printf 'POST /callback/import?token=%s HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz-not-a-size\r\n\r\n' "$TOKEN" >&3
IFS= read -r -t 10 line <&3 || line=
exec 3<&- 3>&-
expect_match '^HTTP/1\.1 400 ' "$line" "a push whose chunked body is malformed answers 400 (from nginx)"

t_stop_serve || true
post "$T_DIR/p30k" "$TOKEN"
expect_status 502 "a push while dialdesk is down answers 502"
code_is 502
t_stop

# Every status is in the access log, by path alone.
for s in 200 413 400 403 502; do
	if grep -E "\"POST /callback/import HTTP/1\.1\" $s " "$T_DIR/nginx-access.log" >/dev/null; then
		ok "the access log has the $s answer of the callback"
	else
		not_ok "the access log has the $s answer of the callback" "$(cat "$T_DIR/nginx-access.log")"
	fi
done
check "... and the 502 says dialdesk was not reached (upstream 502 or -)" \
    grep -qE '" 502 .*upstream=(502|-)' "$T_DIR/nginx-access.log"

# Every file nginx and dialdesk wrote: the state folder, temporary
# folders included, but not the config this test wrote itself.
hits=$(grep -rlaF -e "$TOKEN" -e "$PREVIOUS" -e "$WRONG" "$T_DIR" --exclude=dialdesk.conf 2>/dev/null || true)
if [[ -z $hits ]]; then
	ok "no file under the state folder holds a token ($(find "$T_DIR" -type f | wc -l) files)"
else
	not_ok "no file under the state folder holds a token" "$hits" \
	    "$(grep -ahF -e "$TOKEN" -e "$PREVIOUS" -e "$WRONG" $hits | head -n 3 | cut -c 1-300)"
fi
expect_eq 0 "$(sql "SELECT count(*) FROM audit WHERE instr(details, '$TOKEN') > 0 OR instr(details, '$PREVIOUS') > 0 OR instr(details, '$WRONG') > 0 OR instr(object, '$WRONG') > 0")" \
    "no audit entry holds a token"
check "the error log exists (nginx logs to it)" test -e "$T_DIR/nginx-error.log"
if grep -q '/callback' "$T_DIR/nginx-error.log"; then
	not_ok "nginx's error log says nothing about the callback" "$(grep '/callback' "$T_DIR/nginx-error.log" | head -n 2 | cut -c 1-300)"
else
	ok "nginx's error log says nothing about the callback"
fi
expect_eq 0 "$(find "$T_DIR/nginx-tmp" -type f | wc -l)" "no temporary body file is left"
