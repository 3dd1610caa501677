#!/usr/bin/env bash
# bench/cost.sh: where the CPU of a page goes, for the foundation target of
# docs/PERFORMANCE.md: for the hello world (plain and padded to the audit
# page's size), /login and /audit (pages 1, 500 and at random), the CPU
# time that the FastCGI program, nginx and wrk each spend per request,
# under wrk with 32 connections on 127.0.0.1, read from /proc/PID/stat
# before and after a bounded run. The three share the machine's cores, so
# a page's rate is the cores divided by their sum.
#
# usage: bench/cost.sh [-d SECONDS]   (each wrk run, default 6)
# Environment: as bench/run.sh (BUILD, DIALDESK_BIN, B_WORKERS).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034  # read by scripts/lib.sh
DD_PROG=bench-cost

SECS=6
while getopts 'd:' opt; do
	case $opt in
	d) SECS=${OPTARG%s} ;;
	*) sed -n '2,11p' "$0" >&2; exit 2 ;;
	esac
done
if [[ ! $SECS =~ ^[0-9]+$ ]] || ((SECS < 1 || SECS > 60)); then
	dd_die "-d: 1 to 60 seconds"
fi
B_WORKERS=${B_WORKERS:-4}
B_CONNS=32
b_traps

[[ -x /usr/bin/time ]] || dd_die "needs /usr/bin/time (Debian package time)"
b_init
b_programs
b_setup
b_start_nginx
"$B_BIN/seed" "$B_DB" audit 100000 >>"$B_LOG" 2>&1 || dd_die "seed failed"
b_start_serve "$B_WORKERS"
b_login admin "$ADMIN_PASS" "$B_DIR/admin.jar" || dd_die "cannot sign in"
COOKIE=$(b_cookie "$B_DIR/admin.jar" dd_session)
PAGE_BYTES=$(curl -sS -o /dev/null -w '%{size_download}' -H "Cookie: dd_session=$COOKIE" "$BASE/audit")
b_start_hello "$B_WORKERS"
b_start_hello "$B_WORKERS" "$PAGE_BYTES"

# ticks PID...: their user + system time, in clock ticks.
ticks() {
	local t=0 p f
	for p in "$@"; do
		read -r -a f <"/proc/$p/stat"
		# Fields 14 and 15 (utime, stime); the name (field 2) has no
		# blanks here.
		t=$((t + f[13] + f[14]))
	done
	printf '%s\n' "$t"
}

# measure NAME URL PID...: one warm-up, then a run with the CPU counted.
# Signed in for the audit pages only (/login redirects a session).
measure() {
	local name=$1 url=$2 hz nginx a0 a1 n0 n1 wu ws rps req size status
	local auth=() script=()
	shift 2
	[[ $name == audit* ]] && auth=(-H "Cookie: dd_session=$COOKIE")
	[[ $name == audit-random ]] && script=(-s "$B_DIR/random-page.lua")
	hz=$(getconf CLK_TCK)
	mapfile -t nginx < <(dd_children "$B_NGINX_PID")
	read -r status size < <(curl -sS -o /dev/null -w '%{http_code} %{size_download}\n' \
	    "${auth[@]}" "$url")
	[[ $status == 200 ]] || dd_die "$url answers $status"
	b_warm "$url" "${auth[@]}" "${script[@]}"
	a0=$(ticks "$@")
	n0=$(ticks "${nginx[@]}")
	/usr/bin/time -f '%U %S' -o "$B_DIR/time.txt" \
	    wrk -t2 -c"$B_CONNS" -d"${SECS}s" --latency "${auth[@]}" "${script[@]}" \
	    "$url" >"$B_DIR/wrk.txt" 2>&1
	a1=$(ticks "$@")
	n1=$(ticks "${nginx[@]}")
	read -r wu ws <"$B_DIR/time.txt"
	read -r rps _ req _ _ < <(b_wrk_figures "$B_DIR/wrk.txt")
	awk -v n="$name" -v sz="$size" -v rps="$rps" -v req="$req" -v hz="$hz" \
	    -v a=$((a1 - a0)) -v g=$((n1 - n0)) -v w="$wu $ws" 'BEGIN {
		split(w, x, " ")
		us = 1e6 / req
		printf "%-16s %8d %10.0f %10.1f %10.1f %10.1f %10.1f\n", n, sz, rps,
		    a / hz * us, g / hz * us, (x[1] + x[2]) * us,
		    (a / hz + g / hz + x[1] + x[2]) * us
	    }'
}

mapfile -t APP < <(dd_children "$B_SERVE_PID")
mapfile -t HELLO < <(dd_children "$B_HELLO_PID")
mapfile -t HELLO2 < <(dd_children "$B_HELLO2_PID")
printf 'CPU per request (µs), wrk -t2 -c%s -d%ss, %s workers; %s cores shared\n' \
    "$B_CONNS" "$SECS" "$B_WORKERS" "$(nproc)"
printf '%-16s %8s %10s %10s %10s %10s %10s\n' page bytes 'req/s' program nginx wrk sum
measure hello "http://127.0.0.1:$B_HELLO_PORT/" "${HELLO[@]}"
measure hello-padded "http://127.0.0.1:$B_HELLO2_PORT/" "${HELLO2[@]}"
measure login "$BASE/login" "${APP[@]}"
measure audit "$BASE/audit" "${APP[@]}"
measure audit-page500 "$BASE/audit?page=500" "${APP[@]}"
# Pages at random among the first 2,000: rows no worker has at hand.
b_random_page_script "$B_DIR/random-page.lua" '/audit?page=' 2000
measure audit-random "$BASE/audit" "${APP[@]}"
