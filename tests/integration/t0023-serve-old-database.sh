#!/usr/bin/env bash
# t0023-serve-old-database.sh: `dialdesk serve` refuses a database whose
# schema is behind the program's, with a message, rather than serving it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_setup
sql 'DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)'

rc=0
timeout 15 "$DIALDESK_BIN" --config "$T_CONF" serve </dev/null >"$T_DIR/serve.out" 2>&1 || rc=$?
if [[ $rc -ne 0 && $rc -ne 124 ]]; then
	ok "serve exits non-zero (status $rc)"
else
	not_ok "serve exits non-zero" "status $rc (124: still running after 15 s)" "$(head -c 500 "$T_DIR/serve.out")"
fi
if grep -qi 'migrat' "$T_DIR/serve.out"; then
	ok "its message points to dialdesk migrate"
else
	not_ok "its message points to dialdesk migrate" "$(head -c 500 "$T_DIR/serve.out")"
fi
if [[ -S $T_SOCK ]]; then not_ok "no socket is left behind"; else ok "no socket is left behind"; fi

