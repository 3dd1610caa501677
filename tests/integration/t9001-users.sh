#!/usr/bin/env bash
# t9001-users.sh: administration of accounts in the browser's forms. An
# administrator creates accounts (a typed password, and a generated one
# shown once), changes a role, disables and enables, resets a password,
# ends sessions and sets the vendor login; every change is audited with
# old and new values and never a password; the last enabled administrator
# cannot be disabled or demoted, nobody disables themselves, and weak
# passwords are refused with the reason. The CLI goes through the same
# rules.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
admin=$T_DIR/admin.jar
login admin "$ADMIN_PASS" "$admin" || not_ok "admin signs in" "$(r_summary)"

# post JAR PATH FIELD=VALUE...: a form of /users as the browser sends it.
post() {
	local jar=$1 path=$2 csrf kv args=()
	shift 2
	csrf=$(csrf_of "$jar" /users) || csrf=$(csrf_of "$jar" /account) || csrf=
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	req "$jar" POST "$path" --data-urlencode "csrf=$csrf" "${args[@]}"
}
uid() { sql "SELECT id FROM users WHERE name = '$1'"; }
audit_details() { sql "SELECT group_concat(details, ' ') FROM audit WHERE action LIKE 'user.%' OR action LIKE 'account.%'"; }

req "$admin" GET /users
expect_status 200 "GET /users answers 200 for an administrator"
for u in admin operator auditor; do
	expect_body_contains ">$u</a>" "the list shows $u"
done
expect_body_contains '从未登录' "an account that never signed in says so"
expect_body_contains '127.0.0.1' "the admin's last sign-in address is shown"
expect_body_contains 'name="username"' "the create form has a username field"
expect_body_contains 'name="role"' "... a role field"
expect_body_contains 'name="password"' "... and a password field"

# --- create -------------------------------------------------------------------
post "$admin" /users username=carol role=operator 'password=Carol likes tea 42'
expect_status 303 "creating carol with a typed password answers 303"
login carol 'Carol likes tea 42' "$T_DIR/carol.jar"
expect_status 303 "carol signs in with it"
post "$admin" /users username=carol role=auditor 'password=Another pass 9931'
expect_status 409 "a second carol is refused (409)"
expect_body_contains '该用户名已被使用' "... saying the name is taken"
post "$admin" /users username=dave role=operator password=password1234
expect_status 422 "a common password is refused (422)"
expect_body_contains '常见或有规律的密码' "... with the reason"
expect_body_contains 'value="dave"' "... and the form keeps the name"
post "$admin" /users username=dave role=operator password=short
expect_status 422 "a short password is refused (422)"
expect_body_contains '密码太短' "... as too short"
post "$admin" /users 'username=Bad Name' role=operator 'password=Long enough pass 1'
expect_status 422 "a bad user name is refused (422)"
expect_eq "" "$(uid dave)" "no refused account was made"

post "$admin" /users username=erin role=auditor generate=1 must_change=1
expect_status 200 "creating erin with a generated password shows it (200)"
gen=$(grep -o '<code id="generated-password">[^<]*</code>' "$R_BODY" | sed -e 's/<[^>]*>//g')
expect_match '^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$' "$gen" "the generated password is shown once"
expect_header Cache-Control 'no-store' "... on a page no cache keeps"
req "$admin" GET "/users/$(uid erin)"
expect_body_lacks "$gen" "the user page never shows it again"
login erin "$gen" "$T_DIR/erin.jar"
expect_status 303 "erin signs in with the generated password"
expect_location '/account$' "... and is sent to /account to choose her own"
req "$T_DIR/erin.jar" GET /tasks
expect_status 303 "until she has, other pages send her back"
expect_location '/account$' "... to /account"
erin_csrf=$(csrf_of "$T_DIR/erin.jar" /account)
req "$T_DIR/erin.jar" POST /account/password --data-urlencode "csrf=$erin_csrf" \
    --data-urlencode "old_password=$gen" --data-urlencode 'password=Erin own pass phrase' \
    --data-urlencode 'password2=Erin own pass phrase'
expect_status 303 "erin sets her own password"
req "$T_DIR/erin.jar" GET /tasks
expect_status 200 "... and may use the console"

# --- role, state, password, sessions, vendor login -----------------------------------
carol=$(uid carol)
post "$admin" "/users/$carol/role" role=auditor
expect_status 303 "changing carol's role answers 303"
expect_eq auditor "$(sql "SELECT role FROM users WHERE id = $carol")" "carol is an auditor now"
req "$T_DIR/carol.jar" GET /tasks
expect_status 303 "carol's session ended with the change"
expect_match '"old_role":"operator".*"new_role":"auditor"' "$(sql "SELECT details FROM audit WHERE action = 'user.role_changed'")" \
    "the audit entry has the old and the new role"

login carol 'Carol likes tea 42' "$T_DIR/carol.jar"
post "$admin" "/users/$carol/state" disable=1
expect_status 303 "disabling carol answers 303"
req "$T_DIR/carol.jar" GET /tasks
expect_status 303 "carol's session is over"
login carol 'Carol likes tea 42' "$T_DIR/carol2.jar" || true
expect_status 401 "a disabled account cannot sign in"
post "$admin" "/users/$carol/state" disable=0
expect_status 303 "enabling carol answers 303"
login carol 'Carol likes tea 42' "$T_DIR/carol.jar"
expect_status 303 "carol signs in again"

post "$admin" "/users/$carol/password" 'password=Reset by admin 7734' must_change=1
expect_status 303 "resetting carol's password answers 303"
req "$T_DIR/carol.jar" GET /tasks
expect_status 303 "... and ends her sessions"
login carol 'Carol likes tea 42' "$T_DIR/carol3.jar" || true
expect_status 401 "the old password no longer works"
login carol 'Reset by admin 7734' "$T_DIR/carol3.jar"
expect_location '/account$' "the new one does, and asks for her own"

login operator "$OPERATOR_PASS" "$T_DIR/op1.jar"
login operator "$OPERATOR_PASS" "$T_DIR/op2.jar"
post "$admin" "/users/$(uid operator)/sessions"
expect_status 303 "ending operator's sessions answers 303"
expect_eq 0 "$(sql "SELECT count(*) FROM sessions WHERE user_id = $(uid operator)")" "operator has no session left"

post "$admin" "/users/$(uid operator)/vendor-login" vendor_login=vend.op-01
expect_status 303 "setting operator's vendor login answers 303"
expect_eq vend.op-01 "$(sql "SELECT vendor_login FROM users WHERE name = 'operator'")" "... is stored"
post "$admin" "/users/$(uid operator)/vendor-login" 'vendor_login=bad login!'
expect_status 422 "a vendor login with a space is refused (422)"
expect_eq vend.op-01 "$(sql "SELECT vendor_login FROM users WHERE name = 'operator'")" "... and the stored one stays"

# --- the rules that keep the console usable ------------------------------------------
me=$(uid admin)
post "$admin" "/users/$me/state" disable=1
expect_status 409 "the admin cannot disable themselves (409)"
expect_body_contains '不能停用自己的账号' "... and is told why"
post "$admin" "/users/$me/role" role=operator
expect_status 409 "the last enabled admin cannot be demoted (409)"
expect_body_contains '最后一个启用的管理员' "... and is told why"
expect_eq admin "$(sql "SELECT role FROM users WHERE id = $me")" "admin is still an admin"
post "$admin" /users username=frank role=admin 'password=Frank the second admin'
frank=$(uid frank)
post "$admin" "/users/$frank/state" disable=1
expect_status 303 "another admin can be disabled while one stays"
post "$admin" "/users/$me/role" role=operator
expect_status 409 "... but then admin is the last enabled one again"
sql "UPDATE users SET disabled = 0 WHERE id = $frank"
post "$admin" "/users/$me/role" role=operator
expect_status 303 "with frank enabled, admin may step down"
rc=0
dialdesk user disable frank >"$T_DIR/cli.out" 2>&1 || rc=$?
expect_eq 1 "$rc" "the CLI cannot disable the last enabled admin either"
expect_match 'last enabled administrator' "$(cat "$T_DIR/cli.out")" "... and says so in English"

# --- audit: every change, never a password ---------------------------------------------
for a in user.created user.role_changed user.disabled user.enabled user.password_reset user.sessions_ended user.changed account.password_changed; do
	expect_ge 1 "$(audit_count "$a")" "the audit log has $a"
done
details=$(audit_details)
for secret in 'Carol likes tea 42' 'Reset by admin 7734' 'Erin own pass phrase' "$gen" 'Frank the second admin'; do
	expect_eq 0 "$(grep -cF -- "$secret" <<<"$details" || true)" "no audit entry holds a password ($secret)"
	expect_eq 0 "$(grep -rlF -- "$secret" "$T_DIR" --include='*.log' | wc -l)" "... nor any log file"
done

# --- other roles ------------------------------------------------------------------
login auditor "$AUDITOR_PASS" "$T_DIR/aud.jar"
req "$T_DIR/aud.jar" GET /users
expect_status 403 "an auditor may not see /users"
