# tests/integration/journal.sh: what the vendor-journal tests (t706x)
# share: holding the test's database locked from the sqlite3 shell, the
# teardown that lets go of it first, and waiting for a condition. Source it
# after lib.sh and vendor.sh.
# shellcheck shell=bash
LOCK_PID=

# lock_db SECONDS: BEGIN IMMEDIATE on the test's database in the sqlite3
# shell, in the background, held SECONDS or until unlock_db; returns once
# the lock is held.
lock_db() {
	local i
	rm -f "$T_DIR/locked" "$T_DIR/release"
	printf 'i=0; while [ $i -lt %d ] && [ ! -e %s/release ]; do sleep 0.1; i=$((i + 1)); done\n' \
	    $(($1 * 10)) "$T_DIR" >"$T_DIR/hold.sh"
	sqlite3 -batch -cmd '.timeout 10000' "$T_DB" >>"$T_DIR/lock.log" 2>&1 <<-EOF &
		BEGIN IMMEDIATE;
		.system touch $T_DIR/locked
		.system sh $T_DIR/hold.sh
		COMMIT;
	EOF
	LOCK_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -e $T_DIR/locked ]] && return 0
		sleep 0.1
	done
	not_ok "setup: the sqlite3 shell holds BEGIN IMMEDIATE" "$(cat "$T_DIR/lock.log")"
	exit 1
}

# unlock_db: end the lock (if held) and wait for the shell.
unlock_db() {
	[[ -n $LOCK_PID ]] || return 0
	touch "$T_DIR/release"
	wait "$LOCK_PID" || true
	LOCK_PID=
}

# The lock goes first when the test ends early.
j_teardown() {
	local rc=$?
	unlock_db
	(exit "$rc")
	v_teardown
}
trap j_teardown EXIT

# wait_for SECONDS COMMAND...: until COMMAND succeeds; fails when it never does.
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
reached_sandbox() { (($(recorded_count) >= 1)); }
