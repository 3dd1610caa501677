#!/usr/bin/env bash
# t0026-sigterm.sh: SIGTERM makes `dialdesk serve` finish and exit 0 within
# a few seconds, its workers with it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start

req - GET /login
expect_status 200 "GET /login answers 200"
workers=$(dd_children "$T_SERVE_PID")
started=$(date +%s%N)
rc=0
t_stop_serve || rc=$?
ms=$((($(date +%s%N) - started) / 1000000))
expect_eq 0 "$rc" "serve exits 0 on SIGTERM"
if ((ms <= 5000)); then ok "within 5 s (${ms} ms)"; else not_ok "within 5 s" "took ${ms} ms"; fi
left=
for pid in $workers; do
	dd_alive "$pid" && left+=" $pid"
done
expect_eq '' "$left" "no worker is left running"
req - GET /login
expect_status 502 "nginx then answers 502"
