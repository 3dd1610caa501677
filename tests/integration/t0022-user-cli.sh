#!/usr/bin/env bash
# t0022-user-cli.sh: `dialdesk user add/passwd/disable`, with the password
# on standard input, and what each does to signing in.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start

# cli EXPECT-SUCCESS DESC ARGS...: run dialdesk ARGS with $INPUT on stdin.
INPUT=
cli() {
	local want=$1 desc=$2 rc=0
	shift 2
	printf '%s' "$INPUT" | dialdesk "$@" >"$T_DIR/cli.out" 2>&1 || rc=$?
	if [[ $want == yes && $rc -eq 0 ]] || [[ $want == no && $rc -ne 0 && -s $T_DIR/cli.out ]]; then
		ok "$desc"
	else
		not_ok "$desc" "exit status $rc" "$(head -c 500 "$T_DIR/cli.out")"
	fi
}

INPUT=$'Alice-pass-5512\n'
cli yes "user add alice --role operator succeeds" user add alice --role operator
login alice 'Alice-pass-5512' "$T_DIR/alice.jar" || true
expect_status 303 "alice signs in with that password"
expect_ge 4 "$(audit_count user.created)" "the creation is in the audit log as user.created"

INPUT=$'Other-pass-9931\n'
cli no "adding alice again fails with a message" user add alice --role operator
cli no "a role that does not exist fails with a message" user add bob --role root
INPUT=$'\n'
cli no "an empty password fails with a message" user add carol --role auditor

INPUT=$'Alice-newpass-8830\n'
cli yes "user passwd alice succeeds" user passwd alice
login alice 'Alice-pass-5512' "$T_DIR/alice2.jar" || true
expect_status 401 "the old password no longer works"
login alice 'Alice-newpass-8830' "$T_DIR/alice2.jar" || true
expect_status 303 "the new one does"
expect_ge 1 "$(audit_count user.password_reset)" "the change is in the audit log as user.password_reset"
cli no "user passwd for an unknown user fails with a message" user passwd nobody-here

INPUT=
cli yes "user disable alice succeeds" user disable alice
login alice 'Alice-newpass-8830' "$T_DIR/alice3.jar" || true
expect_status 401 "a disabled user cannot sign in"
expect_ge 1 "$(audit_count user.disabled)" "the disabling is in the audit log as user.disabled"
req "$T_DIR/alice2.jar" GET /
expect_status 303 "the disabled user's open session is over too"
