#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS HARNESS...: run each libFuzzer harness for
# SECONDS, from the build folder (make fuzz does). Seeds come from
# tests/fuzz/corpus/<name>/ (never written to); what the fuzzer finds goes
# to tests/fuzz/work/<name>/ and is kept for the next run; a crash, a leak,
# a hang or a broken check leaves its input in tests/fuzz/crashes/<name>/
# and fails the harness, with the input and the report printed. One line
# per harness, then `N passed, M failed`.
# FUZZ_DETECT_LEAKS=0 turns leak checks off where LeakSanitizer cannot
# run (some containers).
set -uo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 SECONDS HARNESS..." >&2; exit 2; }
seconds=$1
shift
src=$(cd "$(dirname "$0")" && pwd)
# UBSan stops at the first report (the build has -fno-sanitize-recover),
# with the stack.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0

# The counters of libFuzzer's last status line ("#1234 DONE cov: 1 ...").
stats() {
	sed -n -e 's/^#\([0-9]*\)[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*corp: \([0-9]*\).*/\1 runs, \2 edges, corpus \3/p' "$1" |
	    tail -n 1
}

for h in "$@"; do
	name=$(basename "$h")
	sub=${name#fuzz_}
	seeds=$src/corpus/$sub
	work=tests/fuzz/work/$sub
	crashes=tests/fuzz/crashes/$sub
	log=tests/fuzz/logs/$sub.log
	rm -rf "$crashes"
	mkdir -p "$work" "$crashes" "$(dirname "$log")"
	args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
	    -detect_leaks="${FUZZ_DETECT_LEAKS:-1}" -close_fd_mask=2
	    -print_final_stats=1 -artifact_prefix="$crashes/")
	[[ -f $src/$sub.dict ]] && args+=(-dict="$src/$sub.dict")
	dirs=("$work")
	[[ -d $seeds ]] && dirs+=("$seeds")
	start=$SECONDS
	if "$h" "${args[@]}" "${dirs[@]}" >"$log" 2>&1; then
		printf 'PASS: %s: %s in %ds\n' "$name" "$(stats "$log")" \
		    $((SECONDS - start))
		passed=$((passed + 1))
		continue
	fi
	failed=$((failed + 1))
	printf 'FAIL: %s after %ds (log: %s)\n' "$name" $((SECONDS - start)) "$log"
	for c in "$crashes"/*; do
		[[ -f $c ]] || continue
		printf -- '--- input %s (%d bytes):\n' "$c" "$(stat -c %s "$c")"
		od -A d -c "$c" | head -n 40
		# Again, alone and with its stderr: the harness's own words
		# and the whole report.
		printf -- '--- replayed:\n'
		"$h" -detect_leaks="${FUZZ_DETECT_LEAKS:-1}" "$c" 2>&1 |
		    grep -v -e '^INFO: ' | sed -e '/^SUMMARY: /q' | head -n 80
	done
	if ! compgen -G "$crashes/*" >/dev/null; then
		printf -- '--- last lines of %s:\n' "$log"
		tail -n 40 "$log"
	fi
done
printf '%d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
