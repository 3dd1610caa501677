#!/usr/bin/env bash
# t4003-result-page.sh: the task page's 供应商导入结果 against the pushes the
# sandbox vendor really made after a real send: each batch's 13 figures
# and their percentages, the 合计 row, the inline SVG chart (bars, labels,
# values, widths), the local figures beside the vendor's, and 「等待」 for
# batches without a push. Then the exports: /tasks.csv and /tasks.xlsx
# (with the filters of /tasks) and /tasks/M/breakdown.csv and .xlsx, each
# audited; the CSVs start with the UTF-8 BOM and escape formulas.
# The figures are handed around as words ($WANT1 and the like):
# shellcheck disable=SC2086
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf batch_size 5
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

# 13 valid rows whose last digits spread over the number check (the
# sandbox's rule, tools/README.md), an invalid one and a duplicate.
LIST=$T_DIR/results.csv
cat >"$LIST" <<'EOF'
手机号,姓名
13500001000,甲
13500000011,乙
1234,坏号
13500000015,丙
13500000016,丁
13500000017,戊
13500000018,己
13500000019,庚
135 0000 0011,重复
13500002000,辛
13500000022,壬
13500000023,癸
13500000035,子
13500000036,丑
4bf8ae0ba3e8c0f17d885b8c5b0af60f,寅
EOF
# Per batch of 5, columns as on the page: 导入总数 成功 失败 黑名单 重复 过滤
# 实号 空号 停机 库无 沉默 风险 超频.
WANT1="5 4 0 1 0 0 1 1 1 1 0 0 0"
WANT2="5 4 0 1 0 0 2 0 0 0 1 1 0"
WANT3="3 3 0 0 0 0 0 2 1 0 0 0 0"
WANTT="13 11 0 2 0 0 3 3 2 1 1 1 0"
LABELS=(导入总数 成功 失败 黑名单 重复 过滤 实号 空号 停机 库无 沉默 风险 超频)
COLS='total, success, fail, blacklist, repeat, filter, shi, kong, tingji, kuwu, chenmo, fenxian, chaopin'

# columns JSON: an import_mark in the page's column order.
columns() {
	jq -r '[.totalCount, .successCount, .failCount, .blacklistCount,
	    .repeatCount, .filterCount, .shiCount, .kongCount, .tingjiCount,
	    .kuwuCount, .chenmoCount, .fenxianCount, .chaopinCount] | join(" ")'
}

# pcts F1..F13: what the page shows beside each figure: nothing for the
# total, then each figure's share of it to one decimal.
pcts() {
	awk -v s="$*" 'BEGIN { n = split(s, f, " "); printf " "
	    for (i = 2; i <= n; i++) {
		if (f[1] > 0) printf "%.1f%%", 100 * f[i] / f[1]; else printf "—"
		if (i < n) printf " " } }'
}

# fracs TOTAL F2..F13: the same shares as the numbers an .xlsx holds
# (formatted 0.0% there), as libxlsxwriter writes them.
fracs() {
	awk -v s="$*" 'BEGIN { n = split(s, f, " ")
	    for (i = 2; i <= n; i++) printf "%s%.16g", (i > 2 ? " " : ""), f[i] / f[1] }'
}

# csv_row LABEL ROWS STATE REASON [F1..F13]: a line of breakdown.csv.
csv_row() {
	local label=$1 rows=$2 state=$3 reason=$4 f p line
	shift 4
	line="\"$label\",$rows,\"$state\",\"$reason\""
	if [[ $# -gt 0 ]]; then
		for f in "$@"; do line+=",$f"; done
		for p in $(pcts "$@"); do line+=",\"$p\""; done
	fi
	printf '%s\r\n' "$line"
}

# xlsx_row FILE N: the values of row N of the first sheet, in order.
xlsx_row() {
	unzip -p "$1" xl/worksheets/sheet1.xml | tr -d '\n' | sed -e 's/<row /\n<row /g' |
	    grep "^<row r=\"$2\"" | sed -e 's/<c /\n<c /g' |
	    sed -n -e 's|.*<v>\([^<]*\)</v>.*|\1|p' -e 's|.*<t[^>]*>\([^<]*\)</t>.*|\1|p' |
	    paste -sd ' ' -
}

# --- a real send, and the sandbox's pushes ------------------------------------------

new_task "$jar" "$LIST" name=导入结果
TASK=$TASK_ID
worker_once || true
expect_eq "3|sent,sent,sent" "$(sql "SELECT count(*), group_concat(state) FROM batches WHERE task_id = $TASK")" \
    "3 batches (5, 5, 3) are sent"
wait_pushes 3 || not_ok "the sandbox's 3 pushes arrive" "$(tail -n 5 "$V_LOG")"
expect_eq "3|3" "$(sql "SELECT count(*), count(batch_id) FROM pushes")" "the sandbox's 3 pushes arrived, each linked to its batch"

k=0
for want in "$WANT1" "$WANT2" "$WANT3"; do
	k=$((k + 1))
	rec=$(recorded "$k")
	expect_eq "$want" "$(sandbox_figures "$rec" | columns)" "batch $k: the sandbox's rule gives the figures worked out by hand"
	vt=$(json_get "$(recorded_meta "$k")" .taskId)
	expect_eq "$(sandbox_figures "$rec")" "$(sql "SELECT body FROM pushes WHERE vendor_task_id = '$vt'" | jq -c .import_mark)" \
	    "batch $k: the push the sandbox made carries them"
	expect_eq "$want" "$(sql "SELECT $COLS FROM pushes WHERE vendor_task_id = '$vt'" | tr '|' ' ')" \
	    "batch $k: dialdesk stored them"
done

# --- the result page ---------------------------------------------------------------------

req "$jar" GET "/tasks/$TASK"
expect_status 200 "GET /tasks/$TASK answers 200"
expect_body_contains '<h2 id="breakdown-title">供应商导入结果</h2>' "the page has 供应商导入结果"
heads=$(tr -d '\n' <"$R_BODY" | sed -e 's/.*class="data-table import-table"//' -e 's|</thead>.*||' |
    grep -o '<th scope="col" class="num">[^<]*</th>' | sed -e 's/<[^>]*>//g' | paste -sd ' ' -)
expect_eq "${LABELS[*]}" "$heads" "its columns are the 13 figures, labelled in Chinese"
k=0
for want in "$WANT1" "$WANT2" "$WANT3"; do
	k=$((k + 1))
	expect_eq "$want" "$(breakdown_counts "$k/3")" "row $k/3 shows the batch's figures"
	expect_eq "$(pcts $want)" "$(breakdown_pcts "$k/3")" "row $k/3 shows each as a share of its 导入总数"
	expect_match '已推送' "$(breakdown_row "$k/3")" "row $k/3 says 已推送"
done
expect_eq "$WANTT" "$(breakdown_counts 合计)" "the 合计 row sums the batches"
expect_eq "$(pcts $WANTT)" "$(breakdown_pcts 合计)" "... with the shares of the sum"
expect_match '3/3 批有结果' "$(breakdown_row 合计)" "... and says 3 of 3 batches have results"
cmp=$(tr -d '\n' <"$R_BODY" | sed -e 's/.*<section class="card compare-card"//' -e 's|</section>.*||' -e 's/<[^>]*>/ /g' | tr -s ' ')
expect_match ' 本地预检有效 13 本地预检无效 1 本地预检重复 1 ' "$cmp" "the local figures: 13 valid, 1 invalid, 1 duplicate"
expect_match ' 已发送号码 13 供应商导入总数 13 供应商导入成功 11 ' "$cmp" "... beside the vendor's: 13 sent, 13 imported, 11 successful"
expect_contains_text '一致(13 条)' "$cmp" "... which agree"

svg=$(tr -d '\n' <"$R_BODY" | sed -n -e 's|.*\(<svg role="img".*</svg>\).*|\1|p')
expect_match '^<svg role="img" aria-labelledby="task-chart-t task-chart-d"' "$svg" "the chart is an inline <svg role=\"img\">"
expect_contains_text '<title id="task-chart-t">导入结果(导入总数 13)</title>' "$svg" "... titled with the 导入总数"
got=$(sed -e 's|<g class="chart-row">|\n&|g' <<<"$svg" | grep '^<g class="chart-row">' |
    sed -e 's|.*text-anchor="end">\([^<]*\)</text>.*width="\([0-9]*\)".*class="bar-value"[^>]*>\([^<]*\)</text>.*|\1 \2 \3|')
want=$(awk -v s="$WANTT" -v l="${LABELS[*]}" 'BEGIN { split(s, f, " "); split(l, n, " ")
    max = 0; for (i = 2; i <= 13; i++) if (f[i] > max) max = f[i]
    for (i = 2; i <= 13; i++) { w = int(160 * f[i] / max + 0.5); if (f[i] > 0 && w < 1) w = 1
	printf "%s %d %d（%.1f%%）\n", n[i], w, f[i], 100 * f[i] / f[1] } }')
expect_text "$want" "$got" "12 bars, each with its label, a width in proportion and its count and share"
expect_contains_text '<desc id="task-chart-d">导入结果(导入总数 13):成功 11(84.6%),失败 0(0.0%),黑名单 2(15.4%)' "$svg" \
    "... and the same figures in words for screen readers"

# --- batches without a push: 等待 ---------------------------------------------------------

sandbox_restart --push-delay-ms 600000
grep -v -e 1234 -e '135 0000' "$LIST" | head -n 8 >"$T_DIR/seven.csv"
new_task "$jar" "$T_DIR/seven.csv" 'name==SUM(A1:A2)'
WAITING=$TASK_ID
worker_once || true
req "$jar" GET "/tasks/$WAITING"
expect_body_contains '所有批次都在等待供应商推送导入结果。' "before any push the page says every batch is waiting"
for k in 1 2; do
	expect_contains_text '已发送 不到 1 分钟,尚未收到供应商的导入推送' "$(breakdown_row "$k/2")" \
	    "row $k/2 says since when it waits"
	expect_match '>等待推送<' "$(breakdown_row "$k/2")" "row $k/2 says 等待推送"
	expect_eq "" "$(breakdown_counts "$k/2")" "... and shows no figures"
done
expect_body_contains '暂无可以绘制的数据。' "the chart says there is nothing to draw yet"
b1=$(sql "SELECT vendor_task_id FROM batches WHERE task_id = $WAITING AND seq = 1")
fig=$(sandbox_figures "$(recorded 1)")
push_send "$(push_json "$b1" "$fig")"
expect_status 200 "a push for batch 1/2 is taken"
req "$jar" GET "/tasks/$WAITING"
W1=$(columns <<<"$fig")
expect_eq "$W1" "$(breakdown_counts 1/2)" "row 1/2 now shows its figures"
expect_match '等待推送' "$(breakdown_row 2/2)" "row 2/2 is still waiting"
expect_eq "$W1" "$(breakdown_counts 合计)" "合计 holds batch 1 alone"
expect_match '1/2 批有结果' "$(breakdown_row 合计)" "... 1 of 2 batches have results"

# --- exports --------------------------------------------------------------------------------

req "$jar" GET "/tasks/$TASK/breakdown.csv"
expect_status 200 "GET breakdown.csv answers 200"
expect_header Content-Type '^text/csv; charset=utf-8' "... as UTF-8 CSV"
expect_header Content-Disposition "filename\\*=UTF-8''" "... as a download with a UTF-8 file name"
expect_eq efbbbf "$(head -c 3 "$R_BODY" | od -An -tx1 | tr -d ' \n')" "... starting with the UTF-8 BOM"
{
	printf '\xef\xbb\xbf'
	printf '"%s",' 批次 号码数 推送状态 失败原因 "${LABELS[@]}"
	for l in "${LABELS[@]:1}"; do printf '"%s占比"' "$l"; [[ $l != 超频 ]] && printf ','; done
	printf '\r\n'
	# shellcheck disable=SC2086  # the figures are words
	{ csv_row 1/3 5 已推送 "" $WANT1; csv_row 2/3 5 已推送 "" $WANT2; csv_row 3/3 3 已推送 "" $WANT3
	  csv_row 合计 13 "" "" $WANTT; }
} >"$T_DIR/breakdown.expected"
if cmp -s "$T_DIR/breakdown.expected" "$R_BODY"; then
	ok "breakdown.csv holds every batch's figures and shares and the 合计 row"
else
	not_ok "breakdown.csv holds every batch's figures and shares and the 合计 row" \
	    "$(diff "$T_DIR/breakdown.expected" "$R_BODY" | head -n 12)"
fi
req "$jar" GET "/tasks/$WAITING/breakdown.csv"
# shellcheck disable=SC2086
{ csv_row 1/2 5 已推送 "" $W1; csv_row 2/2 2 等待推送 ""; csv_row 合计 7 "" "" $W1; } >"$T_DIR/waiting.expected"
if tail -n +2 "$R_BODY" | cmp -s "$T_DIR/waiting.expected" -; then
	ok "the waiting task's breakdown.csv: figures, a waiting row, the 合计"
else
	not_ok "the waiting task's breakdown.csv: figures, a waiting row, the 合计" \
	    "$(tail -n +2 "$R_BODY" | diff "$T_DIR/waiting.expected" - | head -n 8)"
fi

req "$jar" GET "/tasks/$TASK/breakdown.xlsx"
expect_status 200 "GET breakdown.xlsx answers 200"
expect_header Content-Type '^application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' "... as an .xlsx"
cp "$R_BODY" "$T_DIR/breakdown.xlsx"
check "... a zip holding xl/worksheets/sheet1.xml" unzip -tq "$T_DIR/breakdown.xlsx"
expect_eq "批次 号码数 推送状态 失败原因 ${LABELS[*]} $(for l in "${LABELS[@]:1}"; do printf '%s占比 ' "$l"; done | sed -e 's/ $//')" \
    "$(xlsx_row "$T_DIR/breakdown.xlsx" 1)" "... the header row"
expect_eq "2/3 5 已推送 $WANT2 $(fracs $WANT2)" "$(xlsx_row "$T_DIR/breakdown.xlsx" 3)" \
    "... row 2/3 with its figures and shares (numbers)"
expect_eq "合计 13 $WANTT $(fracs $WANTT)" "$(xlsx_row "$T_DIR/breakdown.xlsx" 5)" \
    "... the 合计 row"
expect_eq 0 "$(unzip -p "$T_DIR/breakdown.xlsx" xl/worksheets/sheet1.xml | grep -c '<f>')" "... and no formula"

req "$jar" GET /tasks.csv
expect_status 200 "GET /tasks.csv answers 200"
expect_eq efbbbf "$(head -c 3 "$R_BODY" | od -An -tx1 | tr -d ' \n')" "... starting with the UTF-8 BOM"
expect_eq $'\xef\xbb\xbf"编号","任务名称","创建人","创建时间","号码数","批次","已完成批次","状态"\r' "$(head -n 1 "$R_BODY")" "... its header row"
expect_match "^$WAITING,\"'=SUM\\(A1:A2\\)\",\"operator\",\"[0-9: -]+\",7,2,2,\"已发送\"" "$(sed -n 2p "$R_BODY")" \
    "... a name starting with = is written '=SUM(A1:A2), not as a formula"
expect_match "^$TASK,\"导入结果\",\"operator\",\"[0-9: -]+\",13,3,3,\"已发送\"" "$(sed -n 3p "$R_BODY")" "... the other task"
req "$jar" GET '/tasks.csv?q=%E5%AF%BC%E5%85%A5'
expect_eq 2 "$(wc -l <"$R_BODY")" "/tasks.csv?q=导入 holds only the matching task"
expect_match "^$TASK,\"导入结果\"" "$(sed -n 2p "$R_BODY")" "... 导入结果"
req "$jar" GET '/tasks.csv?status=queued'
expect_eq 1 "$(wc -l <"$R_BODY")" "/tasks.csv?status=queued holds the header alone"
req "$jar" GET '/tasks.csv?status=nonsense'
expect_status 400 "/tasks.csv with an invalid filter answers 400"

req "$jar" GET /tasks.xlsx
expect_status 200 "GET /tasks.xlsx answers 200"
cp "$R_BODY" "$T_DIR/tasks.xlsx"
expect_match "^$WAITING =SUM\\(A1:A2\\) operator [0-9]+\\.[0-9]+ 7 2 2 已发送\$" "$(xlsx_row "$T_DIR/tasks.xlsx" 2)" \
    "tasks.xlsx row 2: the task with its figures, the name as text"
expect_match '<c r="B2" t="inlineStr"><is><t>=SUM\(A1:A2\)</t></is></c>' \
    "$(unzip -p "$T_DIR/tasks.xlsx" xl/worksheets/sheet1.xml)" "... a string cell, never a formula"
expect_match "^$TASK 导入结果 operator [0-9]+\\.[0-9]+ 13 3 3 已发送\$" "$(xlsx_row "$T_DIR/tasks.xlsx" 3)" "tasks.xlsx row 3: the other task"

login auditor "$AUDITOR_PASS" "$T_DIR/auditor" || not_ok "auditor signs in"
req "$T_DIR/auditor" GET "/tasks/$TASK/breakdown.csv"
expect_status 200 "an auditor may export a breakdown too"

expect_eq 4 "$(audit_count export.tasks)" "each of the 4 task exports is in the audit log (export.tasks), not the refused one"
expect_eq 4 "$(audit_count export.breakdown)" "each of the 4 breakdown exports is in the audit log (export.breakdown)"
expect_eq "auditor|导入结果|/tasks/$TASK/breakdown.csv|$TASK" \
    "$(sql "SELECT actor || '|' || object || '|' || json_extract(details, '$.path') || '|' || json_extract(details, '$.task') FROM audit WHERE action = 'export.breakdown' ORDER BY id DESC LIMIT 1")" \
    "... naming who, the task and the path"
expect_eq "q=%E5%AF%BC%E5%85%A5" "$(sql "SELECT json_extract(details, '$.query') FROM audit WHERE action = 'export.tasks' AND json_extract(details, '$.query') != '' ORDER BY id LIMIT 1")" \
    "... and the filters of a task export"
