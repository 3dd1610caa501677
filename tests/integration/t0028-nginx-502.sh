#!/usr/bin/env bash
# t0028-nginx-502.sh: with dialdesk down, nginx answers 502 with our page.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
t_stop_serve || true

req - GET /login
expect_status 502 "GET /login with dialdesk stopped answers 502"
if [[ -f $T_DIR/static/errors/502.html ]] && cmp -s "$R_BODY" "$T_DIR/static/errors/502.html"; then
	ok "the answer is static/errors/502.html"
else
	not_ok "the answer is static/errors/502.html" "$(r_summary)"
fi
