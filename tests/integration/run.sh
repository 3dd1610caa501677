#!/usr/bin/env bash
# tests/integration/run.sh: run the integration tests (all tNNNN-*.sh, or
# those named) one after another, each against its own dialdesk and nginx,
# and count their `ok` / `not ok` lines. A script that dies, reports nothing
# or exceeds its time counts as one more failure. Ends with one line:
# `N passed, M failed`. Needs DIALDESK_BIN (default build/dialdesk).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
limit=${T_TIMEOUT:-180}	# seconds per script
passed=0
failed=0

if [[ $# -gt 0 ]]; then
	scripts=()
	for name in "$@"; do
		name=${name##*/}
		name=${name%.sh}
		matches=("$here/$name"*.sh)
		[[ -f ${matches[0]} ]] || { echo "run.sh: no test $name" >&2; exit 2; }
		scripts+=("${matches[@]}")
	done
else
	scripts=("$here"/t[0-9][0-9][0-9][0-9]-*.sh)
fi

out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

for script in "${scripts[@]}"; do
	name=$(basename "$script" .sh)
	printf '# %s\n' "$name"
	rc=0
	timeout -k 10 "$limit" bash "$script" </dev/null 2>"$err" | tee "$out" || rc=${PIPESTATUS[0]}
	p=$(grep -c '^ok ' "$out" || true)
	f=$(grep -c '^not ok ' "$out" || true)
	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		printf 'not ok - %s finished within %s s\n' "$name" "$limit"
		f=$((f + 1))
	elif [[ $rc -ne 0 && $f -eq 0 ]]; then
		printf 'not ok - %s exited with status %s\n' "$name" "$rc"
		f=$((f + 1))
	elif [[ $((p + f)) -eq 0 ]]; then
		printf 'not ok - %s reported no result\n' "$name"
		f=1
	fi
	if [[ $f -gt 0 && -s $err ]]; then
		printf '# %s: standard error (last lines):\n' "$name"
		tail -n 15 "$err" | sed -e 's/^/#   /'
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

printf '%s passed, %s failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
