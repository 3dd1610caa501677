#!/usr/bin/env bash
# t9002-account.sh: every signed-in user's own account: change the password
# (the old one required, the rules applied, the other sessions ended) and
# see the devices signed in and end the others.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
a=$T_DIR/a.jar
b=$T_DIR/b.jar
login operator "$OPERATOR_PASS" "$a" -A 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36'
login operator "$OPERATOR_PASS" "$b" -A 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1'

req "$a" GET /account
expect_status 200 "GET /account answers 200"
expect_body_contains 'Chrome · Windows' "the sessions list names this device"
expect_body_contains 'Safari · iPhone' "... and the other one"
expect_body_contains '当前' "... marks the current one"
expect_body_contains 'action="/account/sessions"' "... and offers to end the others"

change() {
	local csrf
	csrf=$(csrf_of "$a" /account)
	req "$a" POST /account/password --data-urlencode "csrf=$csrf" \
	    --data-urlencode "old_password=$1" --data-urlencode "password=$2" \
	    --data-urlencode "password2=$3"
}
change 'not my password' 'A new pass phrase 1' 'A new pass phrase 1'
expect_status 422 "a wrong old password is refused (422)"
expect_body_contains '当前密码不正确' "... beside its field"
change "$OPERATOR_PASS" 'A new pass phrase 1' 'A new pass phrase 2'
expect_status 422 "two different new passwords are refused"
expect_body_contains '两次输入的新密码不一致' "... with the reason"
change "$OPERATOR_PASS" 'qwertyuiop123' 'qwertyuiop123'
expect_status 422 "a common password is refused"
change "$OPERATOR_PASS" '1234567890123' '1234567890123'
expect_status 422 "a run of digits is refused"
expect_body_contains '常见或有规律' "... as easy to guess"
req "$b" GET /tasks
expect_status 200 "nothing refused ended the other session"

change "$OPERATOR_PASS" 'A new pass phrase 1' 'A new pass phrase 1'
expect_status 303 "the change answers 303"
req "$a" GET /tasks
expect_status 200 "this session goes on"
req "$b" GET /tasks
expect_status 303 "the other session is over"
login operator "$OPERATOR_PASS" "$T_DIR/c.jar" || true
expect_status 401 "the old password is gone"
login operator 'A new pass phrase 1' "$b"
expect_status 303 "the new one signs in"

csrf=$(csrf_of "$a" /account)
req "$a" POST /account/sessions --data-urlencode "csrf=$csrf"
expect_status 303 "ending the other sessions answers 303"
req "$b" GET /tasks
expect_status 303 "... and the other device is signed out"
req "$a" GET /tasks
expect_status 200 "... while this one stays"
expect_ge 1 "$(audit_count account.password_changed)" "the change is audited"
expect_ge 1 "$(audit_count user.sessions_ended)" "... and so is ending sessions"
