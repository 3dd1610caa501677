#!/usr/bin/env bash
# t0030-cli-basics.sh: version, usage errors and config errors: a clear
# message and a non-zero exit, never a crash or a silent default.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_setup

# run_cli WANT-RC-ZERO DESC PATTERN ARGS...: run the binary itself (no
# --config added); the output must match PATTERN (grep -Ei).
run_cli() {
	local want=$1 desc=$2 pattern=$3 rc=0
	shift 3
	env -u DIALDESK_CONFIG "$DIALDESK_BIN" "$@" </dev/null >"$T_DIR/cli.out" 2>&1 || rc=$?
	if { [[ $want == yes ]] && ((rc == 0)); } || { [[ $want == no ]] && ((rc != 0 && rc < 128)); }; then
		if grep -qEi -- "$pattern" "$T_DIR/cli.out"; then
			ok "$desc"
		else
			not_ok "$desc" "output does not match $pattern" "$(head -c 400 "$T_DIR/cli.out")"
		fi
	else
		not_ok "$desc" "exit status $rc" "$(head -c 400 "$T_DIR/cli.out")"
	fi
}

run_cli yes "dialdesk version prints the version" '[0-9]+\.[0-9]+' version
run_cli no "an unknown subcommand fails with a message" 'frobnicate|usage|unknown' frobnicate
run_cli no "no subcommand outside CGI fails with usage" 'usage'
run_cli no "a missing config file is named" 'no-such\.conf' --config "$T_DIR/no-such.conf" migrate

cp "$T_CONF" "$T_DIR/bad-key.conf"
printf 'colour = blue\n' >>"$T_DIR/bad-key.conf"
run_cli no "an unknown config key is named" 'colour' --config "$T_DIR/bad-key.conf" migrate
cp "$T_CONF" "$T_DIR/bad-value.conf"
printf 'workers = many\n' >>"$T_DIR/bad-value.conf"
run_cli no "a bad config value is named" 'workers' --config "$T_DIR/bad-value.conf" migrate
run_cli no "user add without --role fails with a message" 'role|usage|password' --config "$T_CONF" user add dave
