#!/usr/bin/env bash
# tests/browser/run.sh: the browser test. Installs playwright-core from the
# lock file when needed, starts dialdesk and nginx like the integration
# tests do (tests/integration/lib.sh), runs login.mjs in Chromium, and ends
# with one line: `N passed, M failed`. Needs DIALDESK_BIN (default
# build/dialdesk) and /usr/bin/chromium.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [[ ! -f $here/node_modules/playwright-core/package.json ]]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
source "$here/../integration/lib.sh"
t_start

out=$T_DIR/browser.out
rc=0
BASE_URL=$BASE DD_USER=admin DD_PASS=$ADMIN_PASS \
    ARTIFACTS=${ARTIFACTS:-$DD_TOP/tests/artifacts/browser} \
    timeout -k 10 300 node "$here/login.mjs" | tee "$out" || rc=${PIPESTATUS[0]}

# Count here rather than trust login.mjs's own line: stopping the servers
# may add failures (sanitizer reports).
t_stop
passed=$(grep -c '^ok ' "$out" || true)
failed=$(($(grep -c '^not ok ' "$out" || true) + T_FAILS))
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
	printf 'not ok - login.mjs exited with status %s\n' "$rc"
	failed=1
fi
T_FAILS=$failed
printf '%s passed, %s failed\n' "$passed" "$failed"
