#!/usr/bin/env bash
# t7021-callback-token-rotation.sh: rotating callback_token without
# downtime (issue 7, point 2; docs/CONFIG.md has the procedure). The new
# token goes into callback_token and the old one into
# callback_token_previous; SIGHUP makes `dialdesk serve` read the file
# again and replace its workers, the sockets staying open, so that pushes
# sent meanwhile are all answered 200. During the rotation both tokens are
# taken; once callback_token_previous is emptied (and SIGHUP again) the
# old one is refused. A file with an error on SIGHUP leaves the tokens in
# use as they were.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
OLD=old7021-$(dd_random_hex 12)
NEW=new7021-$(dd_random_hex 12)
t_conf callback_token "$OLD"
# The old token is tried many times after the rotation: no 429 here (t7022).
t_conf callback_refusals_max 100000
t_start
BURST=$(dirname "$0")/t7039-push-burst.py
n=0

# status_with TOKEN: the status of a new push sent with TOKEN.
status_with() {
	n=$((n + 1))
	push_send "$(push_json "$(printf '7021%028x' "$n")" "$(mark 1 1 0 0 0 0 1 0 0 0 0 0 0)")" "" "$1"
	printf '%s\n' "$R_STATUS"
}

# hup_during_burst FIRST: SIGHUP to serve while 200 pushes (vendor tasks
# FIRST...) are being sent with the old token; their statuses go to
# $T_DIR/burst.
hup_during_burst() {
	python3 "$BURST" "$T_PORT" "$OLD" 200 "$1" 30 >"$T_DIR/burst" &
	local bp=$!
	sleep 0.05
	kill -HUP "$T_SERVE_PID"
	wait "$bp" || true
}

# wait_status TOKEN WANT: until a push with TOKEN answers WANT (5 s).
wait_status() {
	local i
	for ((i = 0; i < 50; i++)); do
		[[ $(status_with "$1") == "$2" ]] && return 0
		sleep 0.1
	done
	return 1
}

expect_eq "200 403" "$(status_with "$OLD") $(status_with "$NEW")" "before: the old token is taken, the new one refused"

# The rotation begins: new token, old one kept as the previous.
t_conf callback_token "$NEW"
t_conf callback_token_previous "$OLD"
t_write_config "$T_CONF" "$T_DB"
hup_during_burst 100000
expect_eq "200 200" "$(wc -l <"$T_DIR/burst" | tr -d ' ') $(awk '$1 == 200' "$T_DIR/burst" | wc -l | tr -d ' ')" \
    "200 pushes sent while serve reads its configuration again are all answered 200"
check "the new token is taken once the workers are replaced" wait_status "$NEW" 200
expect_eq "200 200" "$(status_with "$OLD") $(status_with "$NEW")" "during the rotation both tokens are taken"
check "serve says it read the file again" grep -q 'SIGHUP: .* read again' "$T_LOG"

# A mistake in the file on SIGHUP: nothing changes.
t_conf callback_token_previous "$NEW"
t_write_config "$T_CONF" "$T_DB"
kill -HUP "$T_SERVE_PID"
sleep 0.5
check "a file with an error is refused on SIGHUP, and said so" grep -q 'callback_token_previous: is the same as callback_token' "$T_LOG"
expect_eq "200 200" "$(status_with "$OLD") $(status_with "$NEW")" "... and both tokens are still taken"

# The rotation ends: the vendor has the new URL.
t_conf callback_token_previous ""
t_write_config "$T_CONF" "$T_DB"
cp "$T_DIR/burst" "$T_DIR/burst.1"
hup_during_burst 200000
expect_eq 200 "$(awk '$1 == 200 || $1 == 403' "$T_DIR/burst" | wc -l | tr -d ' ')" \
    "pushes sent during the second reload are all answered (200 or, once replaced, 403)"
check "after the rotation the old token is refused" wait_status "$OLD" 403
expect_eq "403 200" "$(status_with "$OLD") $(status_with "$NEW")" "... and the new one taken"
expect_eq 0 "$(grep -c ' 502 ' "$T_DIR/nginx-access.log")" "no push got a 502 during the reloads"
ids=$(cat "$T_DIR/burst.1" "$T_DIR/burst" | awk '$1 == 200 {printf "%s\047%s\047", sep, $3; sep = ","}')
expect_eq "$(cat "$T_DIR/burst.1" "$T_DIR/burst" | awk '$1 == 200' | wc -l | tr -d ' ')" \
    "$(sql "SELECT count(*) FROM pushes WHERE vendor_task_id IN ($ids)")" \
    "every push answered 200 during the reloads is stored"
