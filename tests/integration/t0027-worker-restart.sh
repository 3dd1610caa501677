#!/usr/bin/env bash
# t0027-worker-restart.sh: a worker killed outright is replaced, and the
# site answers all along. (serve's children are its workers, forked first,
# and may include helpers; the one killed is the first worker.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_conf workers 2
t_start

# Counted once the count holds still: a helper may be forked a moment after
# the socket answers (under ASan the first count was one short, and the
# count after the restart one "too many").
children=()
prev=-1
for _ in $(seq 1 50); do
	mapfile -t children < <(dd_children "$T_SERVE_PID" | sort -n)
	((${#children[@]} == prev)) && break
	prev=${#children[@]}
	sleep 0.3
done
total=${#children[@]}
expect_ge 2 "$total" "serve runs its 2 workers (and $((total - 2)) helper processes)"
victim=${children[0]:-}
if [[ -n $victim ]]; then
	kill -KILL "$victim"
	ok "killed worker $victim"
else
	not_ok "found a worker to kill"
fi

fails=0
for _ in $(seq 1 10); do
	req - GET /login
	[[ $R_STATUS == 200 ]] || fails=$((fails + 1))
done
expect_eq 0 "$fails" "10 requests after the kill all answer 200"

now=()
for _ in $(seq 1 50); do
	mapfile -t now < <(dd_children "$T_SERVE_PID")
	[[ ${#now[@]} -eq $total && " ${now[*]} " != *" $victim "* ]] && break
	sleep 0.1
done
expect_eq "$total" "${#now[@]}" "serve is back to $total children"
if [[ " ${now[*]} " != *" $victim "* ]]; then ok "the killed one is not among them"; else not_ok "the killed one is not among them"; fi
if dd_alive "$T_SERVE_PID"; then ok "the master still runs"; else not_ok "the master still runs"; fi
