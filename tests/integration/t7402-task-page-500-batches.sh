#!/usr/bin/env bash
# t7402-task-page-500-batches.sh: a task of 500 batches has a small page.
# Its totals, progress and chart are over all 500 batches (one aggregate),
# its batch tables show 20 batches a page, paged by batch number; the page
# is under 60 KB; a bad page key is a 400.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
op=$(sql "SELECT id FROM users WHERE name = 'operator'")

# One task of 500 batches of 10 rows: 480 sent, each with a push of
# 10 imported, 7 successes (a batch's older push, of other figures, does
# not count); 15 queued; 5 refused.
task_of_500 "$op" 5000
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
    INSERT INTO batches (id, task_id, seq, first_seq, rows, state, updated,
    vendor_task_id, sent_at)
    SELECT i, 1, i, 1 + 10 * (i - 1), 10, CASE WHEN i <= 480 THEN 'sent'
    WHEN i <= 495 THEN 'queued' ELSE 'failed' END, 0,
    CASE WHEN i <= 480 THEN 'V' || i END, CASE WHEN i <= 480 THEN 1 ELSE 0 END FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 480)
    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, batch_id, linked_by, ok, total, success, fail)
    SELECT 1, '127.0.0.1', 'application/json', '{}', 'old' || i, 'V' || i, 'V' || i,
    i, 'auto', 1, 99, 99, 0 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 480)
    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, batch_id, linked_by, ok, total, success, fail)
    SELECT 2, '127.0.0.1', 'application/json', '{}', 'new' || i, 'V' || i, 'V' || i,
    i, 'auto', 1, 10, 7, 3 FROM n"

req "$ajar" GET /tasks/1
expect_status 200 "the task page of 500 batches answers 200"
size=$(wc -c <"$R_BODY")
if ((size < 60000)); then ok "... in $size bytes, under 60 KB"; else not_ok "... under 60 KB" "$size bytes"; fi
expect_body_contains "已完成 <strong>485</strong> / 500 批" "the progress counts all 500 batches (480 sent, 5 refused)"
expect_body_contains "导入结果（导入总数 4800）" "the chart is over the newest push of all 480 batches"
expect_body_contains "480/500 批有结果" "the 合计 row says 480 of 500 batches reported"
expect_match '<td class="num"><span class="cell-count">3360</span>' "$(cat "$R_BODY")" \
    "... and sums their successes (480 × 7)"
expect_eq 20 "$(grep -oE '<td class="nowrap">[0-9]+/500</td>' "$R_BODY" | wc -l)" \
    "the batch table shows 20 batches"
expect_body_contains '<td class="nowrap">1/500</td>' "... from batch 1"
expect_body_lacks '<td class="nowrap">21/500</td>' "... not batch 21"
expect_body_contains "第 1 至 20 批，共 500 批" "the pager says which batches are shown"
expect_body_contains 'href="/tasks/1?after=20" rel="next"' "下一页 carries the last batch number"

req "$ajar" GET "/tasks/1?after=480"
expect_status 200 "a later page answers 200"
expect_body_contains '<td class="nowrap">481/500</td>' "... showing batch 481"
expect_body_contains '<th scope="row" class="import-label">481/500</th>' "... in the figures table too"
expect_body_contains "480/500 批有结果" "... with the same totals over all batches"
expect_body_contains 'href="/tasks/1?before=481" rel="prev"' "... and 上一页"
req "$ajar" GET "/tasks/1?before=481"
expect_body_contains '<td class="nowrap">461/500</td>' "上一页 shows batches 461 to 480"
expect_body_lacks '<td class="nowrap">481/500</td>' "... not 481"

req "$ajar" GET "/tasks/1?after=abc"
expect_status 400 "a bad key is refused with 400"
expect_body_contains "翻页位置" "... saying so in Chinese"
