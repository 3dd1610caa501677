#!/usr/bin/env bash
# t0020-path-traversal.sh: no URI reaches a file outside static/: not
# /etc/passwd, not the config next to the static folder; no directory lists.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
canary=test-callback-token-0123456789	# in dialdesk.conf beside static/

for path in '/..%2f..%2fetc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/../../etc/passwd' \
    '/static/../dialdesk.conf' '/static/..%2fdialdesk.conf' '/static/%2e%2e/dialdesk.conf' \
    '/static/..%5cdialdesk.conf' '/static//../dialdesk.conf' '/static..%2fdialdesk.conf' \
    '/static/%2e%2e%2fdialdesk.conf' '/favicon.ico/../dialdesk.conf'; do
	req - GET "$path"
	if [[ $R_STATUS != 200 ]] && ! grep -q 'root:x:0:0' "$R_BODY" && ! grep -qF "$canary" "$R_BODY"; then
		ok "GET $path returns no file (status $R_STATUS)"
	else
		not_ok "GET $path returns no file" "$(r_summary)"
	fi
done
req - GET /static/
if [[ $R_STATUS != 200 ]]; then ok "GET /static/ lists nothing (status $R_STATUS)"; else not_ok "GET /static/ lists nothing" "$(r_summary)"; fi
req - GET /static/errors/
if [[ $R_STATUS != 200 ]]; then ok "GET /static/errors/ lists nothing (status $R_STATUS)"; else not_ok "GET /static/errors/ lists nothing" "$(r_summary)"; fi
