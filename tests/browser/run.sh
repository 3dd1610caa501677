#!/usr/bin/env bash
# tests/browser/run.sh: the browser tests. Installs playwright-core from the
# lock file when needed, starts dialdesk and nginx like the integration
# tests do (tests/integration/lib.sh), with the sandbox vendor and a worker
# (vendor.sh), runs login.mjs, task.mjs, drafts.mjs, users.mjs, pages.mjs
# (every page, both widths, every GET form), lists.mjs, settings.mjs,
# paging.mjs and pushes.mjs in Chromium, and ends with one
# (vendor.sh), runs login.mjs, task.mjs, drafts.mjs, dnc.mjs and pages.mjs
# (every page, both widths, every GET form) in Chromium, and ends with one
# line: `N passed, M failed`. Needs DIALDESK_BIN (default build/dialdesk),
# SANDBOX_BIN (default build/tools/sandbox-vendor) and /usr/bin/chromium.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [[ ! -f $here/node_modules/playwright-core/package.json ]]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
source "$here/../integration/lib.sh"
# The sandbox vendor and a running worker, for task.mjs.
# shellcheck source-path=SCRIPTDIR source=../integration/vendor.sh
source "$here/../integration/vendor.sh"
t_start
vendor_start
"$DIALDESK_BIN" --config "$T_CONF" worker </dev/null >>"$W_LOG" 2>&1 &
worker_pid=$!

# A call list as Excel in China saves it: GB18030, CRLF, a header row.
list=$T_DIR/list-gb18030.csv
{
	printf '手机号,姓名,城市\r\n'
	for i in $(seq 10 39); do
		printf '135 0000 00%s,客户%s,上海\r\n' "$i" "$i"
	done
} | iconv -f UTF-8 -t GB18030 >"$list"

out=$T_DIR/browser.out
rc=0
export ARTIFACTS=${ARTIFACTS:-$DD_TOP/tests/artifacts/browser}
BASE_URL=$BASE DD_USER=admin DD_PASS=$ADMIN_PASS \
    timeout -k 10 300 node "$here/login.mjs" | tee "$out" || rc=${PIPESTATUS[0]}
BASE_URL=$BASE DD_USER=operator DD_PASS=$OPERATOR_PASS LIST_GB18030=$list \
    LIST_ROWS=30 timeout -k 10 300 node "$here/task.mjs" | tee -a "$out" ||
    rc=${PIPESTATUS[0]}
BASE_URL=$BASE DD_USER=operator DD_PASS=$OPERATOR_PASS LIST_GB18030=$list \
    timeout -k 10 300 node "$here/drafts.mjs" | tee -a "$out" || rc=${PIPESTATUS[0]}
BASE_URL=$BASE DD_PASS=$ADMIN_PASS timeout -k 10 300 node "$here/users.mjs" |
    tee -a "$out" || rc=${PIPESTATUS[0]}
BASE_URL=$BASE ADMIN_PASS=$ADMIN_PASS OPERATOR_PASS=$OPERATOR_PASS \
    timeout -k 10 300 node "$here/dnc.mjs" | tee -a "$out" || rc=${PIPESTATUS[0]}
BASE_URL=$BASE ADMIN_PASS=$ADMIN_PASS OPERATOR_PASS=$OPERATOR_PASS \
    AUDITOR_PASS=$AUDITOR_PASS LIST_GB18030=$list \
    timeout -k 10 400 node "$here/pages.mjs" | tee -a "$out" || rc=${PIPESTATUS[0]}
BASE_URL=$BASE DD_USER=operator DD_PASS=$OPERATOR_PASS LISTS_DIR=$DD_TOP/tests/fixtures/calllist \
    timeout -k 10 300 node "$here/lists.mjs" | tee -a "$out" || rc=${PIPESTATUS[0]}
# Last: it changes the settings in force.
BASE_URL=$BASE ADMIN_PASS=$ADMIN_PASS OPERATOR_PASS=$OPERATOR_PASS \
    AUDITOR_PASS=$AUDITOR_PASS timeout -k 10 300 node "$here/settings.mjs" |
    tee -a "$out" || rc=${PIPESTATUS[0]}
# More than two pages of the operator's sent tasks, for paging.mjs.
op_id=$(sql "SELECT id FROM users WHERE name = 'operator'")
sql "WITH RECURSIVE n(i) AS (SELECT 100001 UNION ALL SELECT i + 1 FROM n WHERE i < 100130)
    INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
    SELECT i, $op_id, strftime('%s', 'now'), 'confirmed', '{}', 'f.csv', '', 1, 'x',
    'csv', 'utf-8', ',', '[]', 0, -1 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 100001 UNION ALL SELECT i + 1 FROM n WHERE i < 100130)
    INSERT INTO tasks (id, import_id, user_id, name, params, login_name, created,
    state, rows, batch_count) SELECT i, i, $op_id, '翻页 ' || i, '{}', 'l',
    strftime('%s', 'now'), 'sent', 10, 0 FROM n"
BASE_URL=$BASE ADMIN_PASS=$ADMIN_PASS OPERATOR_PASS=$OPERATOR_PASS \
    timeout -k 10 300 node "$here/paging.mjs" | tee -a "$out" || rc=${PIPESTATUS[0]}
# Two pushes no batch claims, for pushes.mjs to link to a batch task.mjs sent.
sql "INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, ok, total, success) VALUES
    (strftime('%s', 'now'), '127.0.0.1', 'application/json', '{}', 'browser-1',
    'browser-sn-1', 'browser-sn-1', 1, 30, 28),
    (strftime('%s', 'now'), '127.0.0.1', 'application/json', '{}', 'browser-2',
    'browser-sn-2', 'browser-sn-2', 1, 30, 27)"
BASE_URL=$BASE ADMIN_PASS=$ADMIN_PASS PUSH_SNS=browser-sn-1,browser-sn-2 \
    BATCH_ID=$(sql "SELECT coalesce(min(id), 0) FROM batches") \
    timeout -k 10 300 node "$here/pushes.mjs" | tee -a "$out" || rc=${PIPESTATUS[0]}
dd_stop "$worker_pid" 10 || true

# Count here rather than trust the scripts' own lines: stopping the servers
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
