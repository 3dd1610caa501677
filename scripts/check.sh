#!/usr/bin/env bash
# scripts/check.sh: every test of dialdesk, as CI runs them (.ci/run). On a
# fresh Debian 12 (as root) it installs what is missing, then:
#   build/       configure --enable-werror, make, make check (unit tests),
#                the integration tests, the browser test, make distcheck;
#   postgresql   a throw-away PostgreSQL cluster (tests/pg/cluster.sh): the
#                unit tests that read DD_TEST_PG_URI (tests/unit/testdb.h)
#                and the whole integration suite again on it
#                (DD_ENGINE=postgresql); the cluster is stopped on every exit;
#   build-asan/  AddressSanitizer + UBSan build, make check and the
#                integration tests again;
#   build-fuzz/  clang with libFuzzer (configure --enable-fuzz): each
#                harness of tests/fuzz for FUZZ_SECONDS (30), one test each.
#   package      the Debian package built, checked and installed into a
#                throw-away root (tests/package/run.sh).
# Logs go to tests/artifacts/check/. The last line, alone, is
# `N passed, M failed` summed over all stages (a build counts as one test);
# the exit status is non-zero when anything failed.
set -euo pipefail

DD_PROG=check.sh
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
cd "$DD_TOP"
exec </dev/null

LOGS=$DD_TOP/tests/artifacts/check
BUILD=$DD_TOP/build
ASAN_BUILD=$DD_TOP/build-asan
FUZZ_BUILD=$DD_TOP/build-fuzz
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
SAN_FLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
PASSED=0
FAILED=0
RESULTS=()
STAGE_START=0
rm -rf "$LOGS"
mkdir -p "$LOGS"

stage() {
	STAGE_START=$SECONDS
	printf '\n=== %s\n' "$1"
}

# record NAME PASSED FAILED: add a stage's counts to the totals.
record() {
	local line
	PASSED=$((PASSED + $2))
	FAILED=$((FAILED + $3))
	line=$(printf '%-22s %4d ok  %4d failed  %4ds' "$1" "$2" "$3" $((SECONDS - STAGE_START)))
	RESULTS+=("$line")
	printf '=== %s\n' "$line"
}

skip() {
	RESULTS+=("$(printf '%-22s skipped: %s' "$1" "$2")")
	printf '=== %s skipped: %s\n' "$1" "$2"
}

# show_tail FILE: the end of a log, when a stage failed.
show_tail() {
	printf -- '--- last lines of %s:\n' "${1#"$DD_TOP"/}"
	tail -n "${2:-40}" "$1" || true
}

# run_build NAME DIR [CONFIGURE-ARGS...]: one build, counted as one test.
run_build() {
	local name=$1 dir=$2 log=$LOGS/$1.log
	shift 2
	stage "$name: $dir"
	if dd_build --exact "$dir" "$@" >"$log" 2>&1; then
		record "$name" 1 0
	else
		show_tail "$log"
		record "$name" 0 1
		return 1
	fi
}

# count_unit DIR [NAME...]: passed and failed unit tests of the last make
# check in DIR (only the programs NAME..., when named).
# A Check program counts as its number of checks (its "N%: Checks: ..."
# line); anything else, or a program that died, as one test.
count_unit() {
	local dir=$1 trs log result line n f e p=0 fl=0 only=''
	shift
	[[ $# -gt 0 ]] && only=" $* "
	while IFS= read -r trs; do
		if [[ -n $only && $only != *" $(basename "$trs" .trs) "* ]]; then continue; fi
		result=$(sed -n -e 's/^:test-result: //p' "$trs" | head -n 1)
		log=${trs%.trs}.log
		line=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$log" 2>/dev/null | tail -n 1) || line=
		if [[ -n $line ]]; then
			read -r n f e < <(printf '%s\n' "$line" | sed -e 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/')
			p=$((p + n - f - e))
			fl=$((fl + f + e))
			# passed every check, yet failed: died at exit (a leak, say)
			[[ $result == PASS || $((f + e)) -gt 0 ]] || fl=$((fl + 1))
		else
			case $result in
			PASS | XFAIL) p=$((p + 1)) ;;
			SKIP) ;;
			*) fl=$((fl + 1)) ;;
			esac
		fi
		# What failed goes to stderr: stdout is the two counts alone.
		case $result in
		FAIL | ERROR | XPASS)
			printf -- '--- %s: %s\n' "$result" "${log#"$DD_TOP"/}" >&2
			tail -n 30 "$log" >&2 || true
			;;
		esac
	done < <(find "$dir/tests" -name '*.trs' 2>/dev/null | sort)
	printf '%s %s\n' "$p" "$fl"
}

# run_unit NAME DIR: make check in DIR.
run_unit() {
	local name=$1 dir=$2 log=$LOGS/$1.log rc=0 p f
	stage "$name: make check in $dir"
	make -C "$dir" -j2 check >"$log" 2>&1 || rc=$?
	grep -E '^(PASS|FAIL|ERROR|XPASS|XFAIL|SKIP):|^# (TOTAL|PASS|FAIL|ERROR):' "$log" || true
	read -r p f < <(count_unit "$dir")
	if [[ $rc -ne 0 && $f -eq 0 ]]; then
		show_tail "$log"
		f=1
	fi
	record "$name" "$p" "$f"
}

# run_counted NAME LOG COMMAND...: a runner that ends with
# `N passed, M failed`; its output is shown and kept in LOG.
run_counted() {
	local name=$1 log=$LOGS/$2 rc=0 line p f
	shift 2
	stage "$name"
	"$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1) || line=
	if [[ -n $line ]]; then
		p=${line%% *}
		f=${line#*, }
		f=${f%% *}
	else
		p=0
		f=0
	fi
	[[ $rc -ne 0 && $f -eq 0 ]] && f=1
	record "$name" "$p" "$f"
	# Skips (tests/integration/run.sh) are neither: said beside the counts.
	line=$(sed -n -e 's/^# \([0-9][0-9]*\) skipped.*/\1/p' "$log" | tail -n 1)
	[[ -n $line ]] && RESULTS[-1]+="  ($line skipped, listed in ${log#"$DD_TOP"/})"
	return 0
}

# PostgreSQL's stage: one throw-away cluster for the unit and integration
# tests of DIR's build, stopped whatever happens (pg_stop, also on exit).
PG_DIR=
pg_stop() {
	[[ -n $PG_DIR ]] || return 0
	"$DD_TOP/tests/pg/cluster.sh" stop "$PG_DIR" >>"$LOGS/pg-cluster.log" 2>&1 || true
	PG_DIR=
}
trap pg_stop EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

run_postgresql() {
	local dir=$1 log=$LOGS/unit-pg.log rc=0 p f progs=() c
	stage "pg-cluster: a throw-away PostgreSQL cluster (tests/pg/cluster.sh)"
	# Short and under /tmp: the unix socket's path must fit in sun_path.
	PG_DIR=$(mktemp -d /tmp/dd-check-pg.XXXXXX)
	if ! "$DD_TOP/tests/pg/cluster.sh" start "$PG_DIR" >"$LOGS/pg-cluster.log" 2>&1; then
		show_tail "$LOGS/pg-cluster.log"
		rm -rf "$PG_DIR"
		PG_DIR=
		record pg-cluster 0 1
		skip unit-pg "no PostgreSQL cluster"
		skip integration-pg "no PostgreSQL cluster"
		return 0
	fi
	record pg-cluster 1 0
	eval "$("$DD_TOP/tests/pg/cluster.sh" env "$PG_DIR")"
	# The store's unit tests that take DD_TEST_PG_URI (tests/unit/testdb.h).
	for c in "$DD_TOP"/tests/unit/check_*.c; do
		grep -q '"testdb.h"' "$c" && progs+=("$(basename "$c" .c)")
	done
	if [[ ${#progs[@]} -eq 0 ]]; then
		skip unit-pg "no unit test reads DD_TEST_PG_URI (tests/unit/testdb.h)"
	else
		stage "unit-pg: ${progs[*]} with DD_TEST_PG_URI"
		env DD_TEST_PG_URI="$DD_PG_URI" make -C "$dir" -j2 check \
		    TESTS="$(printf 'tests/unit/%s ' "${progs[@]}")" >"$log" 2>&1 || rc=$?
		grep -E '^(PASS|FAIL|ERROR|XPASS|XFAIL|SKIP):' "$log" || true
		read -r p f < <(count_unit "$dir" "${progs[@]}")
		if [[ $rc -ne 0 && $f -eq 0 ]]; then
			show_tail "$log"
			f=1
		fi
		record unit-pg "$p" "$f"
	fi
	run_counted integration-pg integration-pg.log \
	    env DD_ENGINE=postgresql DIALDESK_BIN="$dir/dialdesk" \
	    SANDBOX_BIN="$dir/tools/sandbox-vendor" tests/integration/run.sh
	pg_stop
	# The later stages run as before: on SQLite, with no cluster named.
	unset DD_PG_URI DD_PG_SOCKET_URI DD_PG_ADMIN_URI PGHOST PGPORT PGUSER PGDATABASE
}

# run_distcheck: make distcheck in build/, counted as one test.
run_distcheck() {
	local log=$LOGS/distcheck.log
	stage "distcheck: make distcheck in $BUILD"
	if make -C "$BUILD" -j2 distcheck >"$log" 2>&1; then
		grep -A2 -E '^=+$' "$log" | grep -E 'archives ready|\.tar' || true
		record distcheck 1 0
	else
		show_tail "$log" 60
		record distcheck 0 1
	fi
}

# lsan_works: LeakSanitizer needs ptrace-like powers some containers lack;
# find out on a program that leaks nothing.
lsan_works() {
	local dir
	dir=$(mktemp -d)
	printf 'int main(void) { return 0; }\n' >"$dir/probe.c"
	gcc -fsanitize=address -o "$dir/probe" "$dir/probe.c" 2>/dev/null &&
	    ASAN_OPTIONS=detect_leaks=1 "$dir/probe" >/dev/null 2>&1
	local rc=$?
	rm -rf "$dir"
	return "$rc"
}

finish() {
	local r
	printf '\n=== summary\n'
	for r in "${RESULTS[@]}"; do printf '    %s\n' "$r"; done
	printf '%s passed, %s failed\n' "$PASSED" "$FAILED"
	[[ $FAILED -eq 0 ]]
}

stage "install"
if ! dd_install "${DD_BASE_PACKAGES[@]}" "${DD_CHECK_PACKAGES[@]}"; then
	record install 0 1
	finish || true
	exit 1
fi

if run_build build "$BUILD" --enable-werror; then
	run_unit unit "$BUILD"
	run_counted integration integration.log \
	    env DIALDESK_BIN="$BUILD/dialdesk" SANDBOX_BIN="$BUILD/tools/sandbox-vendor" \
	    tests/integration/run.sh
	run_postgresql "$BUILD"
	run_counted browser browser.log \
	    env DIALDESK_BIN="$BUILD/dialdesk" ARTIFACTS="$DD_TOP/tests/artifacts/browser" \
	    tests/browser/run.sh
	run_distcheck
else
	skip unit "the build failed"
	skip integration "the build failed"
	skip pg-cluster "the build failed"
	skip browser "the build failed"
	skip distcheck "the build failed"
fi

if run_build build-asan "$ASAN_BUILD" \
    CFLAGS="$SAN_FLAGS" CXXFLAGS="$SAN_FLAGS" LDFLAGS="-fsanitize=address,undefined"; then
	detect_leaks=1
	if ! lsan_works; then
		dd_say "LeakSanitizer does not work here: leak checks off"
		detect_leaks=0
	fi
	# Set for the tests only (configure's probes must not be judged).
	# abort_on_error: a report ends the process with SIGABRT, which a test
	# sees. serve's forked workers report into the log_path files that
	# tests/integration/lib.sh adds and turns into failures.
	export ASAN_OPTIONS="detect_leaks=$detect_leaks:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
	run_unit unit-asan "$ASAN_BUILD"
	run_counted integration-asan integration-asan.log \
	    env DIALDESK_BIN="$ASAN_BUILD/dialdesk" SANDBOX_BIN="$ASAN_BUILD/tools/sandbox-vendor" \
	    tests/integration/run.sh
	unset ASAN_OPTIONS UBSAN_OPTIONS
else
	skip unit-asan "the build failed"
	skip integration-asan "the build failed"
fi

# The harnesses are built by clang (libFuzzer); configure adds coverage
# and ASan+UBSan to every file (tests/fuzz/README).
if run_build build-fuzz "$FUZZ_BUILD" --enable-fuzz CC=clang CXX=clang++ \
    CFLAGS="-O1 -g" CXXFLAGS="-O1 -g"; then
	detect_leaks=1
	lsan_works || detect_leaks=0
	run_counted fuzz fuzz.log \
	    env FUZZ_DETECT_LEAKS="$detect_leaks" \
	    make -C "$FUZZ_BUILD" --no-print-directory fuzz FUZZ_SECONDS="$FUZZ_SECONDS"
else
	skip fuzz "the build failed"
fi

# The Debian package: build, lintian, units, install into a throw-away
# root (tests/package/run.sh says how); needs root.
if [[ $(id -u) -eq 0 ]]; then
	run_counted package package.log tests/package/run.sh
else
	skip package "needs root"
fi

finish
