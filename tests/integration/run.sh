#!/usr/bin/env bash
# tests/integration/run.sh: run the integration tests (all tNNNN-*.sh, or
# those named) one after another, each against its own dialdesk and nginx,
# and count their `ok` / `not ok` lines. A script that dies, reports nothing
# or exceeds its time counts as one more failure. A line `ok - ... # SKIP
# why` (lib.sh: skip, t_engine) counts as skipped, not passed; the skips are
# listed before the last line, which is always `N passed, M failed`.
# Needs DIALDESK_BIN (default build/dialdesk). DD_ENGINE=postgresql runs
# every test on PostgreSQL: on the cluster DD_PG_URI and DD_PG_ADMIN_URI
# name, or on a throw-away one (tests/pg/cluster.sh) started here for the run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
limit=${T_TIMEOUT:-180}	# seconds per script
passed=0
failed=0
skipped=0
skips=()

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
pg_dir=
cleanup() {
	rm -f "$out" "$err"
	if [[ -n $pg_dir ]]; then
		"$here/../pg/cluster.sh" stop "$pg_dir" >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

if [[ ${DD_ENGINE:-sqlite} == postgresql && -z ${DD_PG_ADMIN_URI:-} ]]; then
	# Short: the socket's path must fit in a sockaddr_un.
	pg_dir=$(mktemp -d /tmp/dd-pg.XXXXXX)
	if ! "$here/../pg/cluster.sh" start "$pg_dir" >/dev/null; then
		pg_dir=
		printf 'not ok - a throw-away PostgreSQL cluster starts (tests/pg/cluster.sh)\n'
		printf '0 passed, 1 failed\n'
		exit 1
	fi
	eval "$("$here/../pg/cluster.sh" env "$pg_dir")"
	export DD_PG_URI DD_PG_SOCKET_URI DD_PG_ADMIN_URI
fi

for script in "${scripts[@]}"; do
	name=$(basename "$script" .sh)
	printf '# %s\n' "$name"
	rc=0
	timeout -k 10 "$limit" bash "$script" </dev/null 2>"$err" | tee "$out" || rc=${PIPESTATUS[0]}
	s=$(grep -c '^ok .* # SKIP ' "$out" || true)
	p=$(($(grep -c '^ok ' "$out" || true) - s))
	f=$(grep -c '^not ok ' "$out" || true)
	if [[ $s -gt 0 ]]; then
		while IFS= read -r line; do
			skips+=("$name: ${line#* # SKIP }")
		done < <(grep '^ok .* # SKIP ' "$out")
	fi
	if [[ $rc -eq 124 || $rc -eq 137 ]]; then
		printf 'not ok - %s finished within %s s\n' "$name" "$limit"
		f=$((f + 1))
	elif [[ $rc -ne 0 && $f -eq 0 ]]; then
		printf 'not ok - %s exited with status %s\n' "$name" "$rc"
		f=$((f + 1))
	elif [[ $((p + f + s)) -eq 0 ]]; then
		printf 'not ok - %s reported no result\n' "$name"
		f=1
	fi
	if [[ $f -gt 0 && -s $err ]]; then
		printf '# %s: standard error (last lines):\n' "$name"
		tail -n 15 "$err" | sed -e 's/^/#   /'
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done

if [[ $skipped -gt 0 ]]; then
	printf '# %s skipped (engine %s):\n' "$skipped" "${DD_ENGINE:-sqlite}"
	printf '#   %s\n' "${skips[@]}"
fi
printf '%s passed, %s failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
