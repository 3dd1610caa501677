#!/usr/bin/env bash
# t7456-task-page-figures.sh: on the page of a task of 500 batches, in
# mixed states, with figures that differ from batch to batch, some batches
# pushed twice and some whose newest push failed, every figure shown
# equals the one computed here from the batches and pushes: the 合计 row
# (the newest push of each batch, when it counts), each share beside it
# (as "%.1f%%" writes it), the numbers sent, the progress, and on pages
# chosen at random each batch's own 13 figures and shares.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
op=$(sql "SELECT id FROM users WHERE name = 'operator'")

# 500 batches of 10 to 16 rows (6,497 in all, the task's rows as when it
# is cut into batches): 430 sent, 40 queued, 10 sending, 20
# failed. Each sent batch has a push (figures from its number); every
# 7th a second, newer one of other figures; every 50th's newest failed.
task_of_500 "$op" 6497
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
    INSERT INTO batches (id, task_id, seq, first_seq, rows, state, updated,
    vendor_task_id, sent_at)
    SELECT i, 1, i, i, 10 + i % 7, CASE WHEN i <= 430 THEN 'sent'
    WHEN i <= 470 THEN 'queued' WHEN i <= 480 THEN 'sending' ELSE 'failed' END, 0,
    CASE WHEN i <= 430 THEN 'V' || i END, CASE WHEN i <= 430 THEN 1 ELSE 0 END FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 430)
    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, batch_id, linked_by, ok, total, success, fail, blacklist, repeat,
    filter, shi, kong, tingji, kuwu, chenmo, fenxian, chaopin)
    SELECT 1, '127.0.0.1', 'application/json', '{}', 'a' || i, 'A' || i, 'V' || i, i,
    'auto', 1, 10 + i % 7, 3 + i % 5, 7 + i % 7 - 3 - i % 5, i % 3, i % 2, i % 4,
    i % 5, i % 6, i % 3, (i * 7) % 11, i % 9, i % 8, i % 13 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 7 UNION ALL SELECT i + 7 FROM n WHERE i + 7 <= 430)
    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, batch_id, linked_by, ok, total, success, fail, blacklist, repeat,
    filter, shi, kong, tingji, kuwu, chenmo, fenxian, chaopin)
    SELECT 2, '127.0.0.1', 'application/json', '{}', 'b' || i, 'B' || i, 'V' || i, i,
    'auto', 1, 10 + i % 7, 1 + i % 3, 9 + i % 7 - 1 - i % 3, 0, 1, 2, 3, 4, 5, 6, 7, 8,
    i % 4 FROM n;
    WITH RECURSIVE n(i) AS (SELECT 50 UNION ALL SELECT i + 50 FROM n WHERE i + 50 <= 430)
    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, batch_id, linked_by, ok, reason)
    SELECT 3, '127.0.0.1', 'application/json', '{}', 'c' || i, 'C' || i, 'V' || i, i,
    'auto', 0, '导入失败' FROM n"

FIGS="total, success, fail, blacklist, repeat, filter, shi, kong, tingji, kuwu, chenmo, fenxian, chaopin"
NEWEST="p.id = (SELECT max(id) FROM pushes WHERE batch_id = b.id)"

# row_counts LABEL / row_pcts LABEL: the counts and the shares of that row
# of the figures table, space-separated.
row_cells() {
	tr -d '\n' <"$R_BODY" | sed -e 's/<tr/\n<tr/g' |
	    grep -F "<th scope=\"row\" class=\"import-label\">$1</th>" |
	    grep -o "class=\"$2\">[^<]*<" | sed -e "s/^class=\"$2\">//" -e 's/<$//' |
	    paste -sd ' ' -
}
# pcts F1..F13: the shares of the 12 figures after the total, as the page
# writes them ("%.1f%%", nothing beside the total).
pcts() {
	awk '{ for (i = 2; i <= NF; i++) printf "%s%s", (i > 2 ? " " : ""),
	    ($1 > 0 ? sprintf("%.1f%%", 100 * $i / $1) : "—"); print "" }' <<<"$*"
}

req "$ajar" GET /tasks/1
expect_status 200 "the task page of 500 batches answers 200"
want=$(sql "SELECT $(sed -e 's/\([a-z][a-z]*\)/sum(p.\1)/g' <<<"$FIGS") FROM batches AS b
    JOIN pushes AS p ON $NEWEST WHERE b.task_id = 1 AND p.ok = 1" | tr '|' ' ')
batches=$(sql "SELECT count(*) FROM batches AS b JOIN pushes AS p ON $NEWEST
    WHERE b.task_id = 1 AND p.ok = 1")
expect_eq 422 "$batches" "(the data: 430 pushed batches, 8 whose newest push failed)"
expect_eq "$want" "$(row_cells 合计 cell-count)" "the 合计 row is the sum of each batch's newest push that counts"
expect_eq "$(pcts "$want")" "$(row_cells 合计 cell-pct | sed -e 's/^ //')" "... its shares as printf writes them"
expect_body_contains "$batches/500 批有结果" "... over the $batches batches that have figures"
sent=$(sql "SELECT sum(rows) FROM batches WHERE task_id = 1 AND state = 'sent'")
expect_match "<dt>已发送号码</dt><dd>$sent</dd>" "$(cat "$R_BODY")" "已发送号码 is the rows of the sent batches ($sent)"
settled=$(sql "SELECT count(*) FROM batches WHERE task_id = 1 AND state NOT IN ('queued', 'sending')")
expect_body_contains "已完成 <strong>$settled</strong> / 500 批" "the progress counts the $settled settled batches"
expect_body_contains "导入结果（导入总数 ${want%% *}）" "the chart's title has the sum of the totals"
success=$(cut -d' ' -f2 <<<"$want")
expect_match "class=\"bar-value\"[^>]*>$success（$(pcts "$want" | cut -d' ' -f1)）" "$(cat "$R_BODY")" \
    "the chart's 成功 bar says the sum of successes and its share"

# Random pages: each batch's counts and shares are those of its newest push.
RANDOM=7456
bad=0 seen=0
for _ in 1 2 3 4 5 6; do
	key=$((RANDOM % 480))
	req "$ajar" GET "/tasks/1?after=$key"
	[[ $R_STATUS == 200 ]] || { bad=$((bad + 1)); continue; }
	for seq in $((key + 1)) $((key + 7)) $((key + 20)); do
		got=$(row_cells "$seq/500" cell-count)
		w=$(sql "SELECT $(sed -e 's/\([a-z][a-z]*\)/p.\1/g' <<<"$FIGS") FROM batches AS b
		    JOIN pushes AS p ON $NEWEST WHERE b.task_id = 1 AND b.seq = $seq AND p.ok = 1" | tr '|' ' ')
		seen=$((seen + 1))
		if [[ $got != "$w" ]]; then
			bad=$((bad + 1))
			echo "# batch $seq: page '$got', pushes '$w'"
		elif [[ -n $w && $(row_cells "$seq/500" cell-pct | sed -e 's/^ //') != "$(pcts "$w")" ]]; then
			bad=$((bad + 1))
			echo "# batch $seq: shares '$(row_cells "$seq/500" cell-pct)', want '$(pcts "$w")'"
		fi
	done
done
expect_eq 0 "$bad" "each of the $seen batches checked on 6 random pages shows its newest push's figures and shares"
