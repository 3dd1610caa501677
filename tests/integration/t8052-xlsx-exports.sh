#!/usr/bin/env bash
# t8052-xlsx-exports.sh: the .xlsx exports open in Excel as a sheet made
# for it. /tasks.xlsx and /tasks/N/breakdown.xlsx: one worksheet named
# 任务列表 / 导入结果, the header row frozen, 创建时间 a real date cell
# (a serial number with a date-time format), each share a number with a
# 0.0% format, and columns as wide as what they hold. Read with unzip (the
# XML as written) and with openpyxl (as a spreadsheet program reads it).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
NAME="一个相当长的任务名称用来检验列宽是否合适"
new_task "$jar" "$V_FIXTURES/two-rows.csv" "name=$NAME" || true
worker_once || true
wait_pushes 1 || not_ok "the sandbox's push arrives" "$(tail -n 3 "$V_LOG")"

# cell FILE SHEET-PYTHON: openpyxl's view of FILE, printed by the Python
# expression (ws is the first sheet, wb the workbook).
cell() {
	/usr/bin/python3 -c 'import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1]); ws = wb.worksheets[0]
print(eval(sys.argv[2]))' "$1" "$2" 2>&1
}

req "$jar" GET /tasks.xlsx
expect_status 200 "GET /tasks.xlsx answers 200"
x=$T_DIR/tasks.xlsx
cp "$R_BODY" "$x"
expect_match '<sheet name="任务列表" sheetId="1"' "$(unzip -p "$x" xl/workbook.xml)" "its one sheet is named 任务列表"
sheet=$(unzip -p "$x" xl/worksheets/sheet1.xml)
expect_match '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' "$sheet" "... the header row is frozen"
expect_eq "A2" "$(cell "$x" ws.freeze_panes)" "... as openpyxl reads it too"
expect_eq "创建时间" "$(cell "$x" 'ws["D1"].value')" "D1 is 创建时间"
expect_match '<c r="D2" s="[0-9]+"><v>[0-9]+\.[0-9]+</v></c>' "$sheet" "D2 is a number with a style, not text"
expect_eq "True yyyy-mm-dd hh:mm:ss" "$(cell "$x" 'str(ws["D2"].is_date) + " " + ws["D2"].number_format')" "... a date cell formatted yyyy-mm-dd hh:mm:ss"
created=$(sql "SELECT created FROM tasks WHERE id = $TASK_ID")
expect_eq "$(date -d "@$created" '+%Y-%m-%d %H:%M:%S')" "$(cell "$x" 'ws["D2"].value.strftime("%Y-%m-%d %H:%M:%S")')" \
    "... holding the task's creation time (local)"
expect_match '<cols>' "$sheet" "the sheet sets its column widths"
wb_width=$(cell "$x" 'ws.column_dimensions["B"].width')
expect_match '^[0-9.]+$' "$wb_width" "... 任务名称 has a width"
# The name is ${#NAME} Chinese characters, about two units each.
if awk -v w="$wb_width" -v n="${#NAME}" 'BEGIN { exit !(w >= 2 * n && w <= 2 * n + 4) }'; then
	ok "... wide enough for the long name and not much wider ($wb_width)"
else
	not_ok "... wide enough for the long name and not much wider" "width $wb_width for ${#NAME} characters"
fi
if awk -v w="$(cell "$x" 'ws.column_dimensions["A"].width')" 'BEGIN { exit !(w >= 4 && w <= 8) }'; then
	ok "... 编号 is narrow"
else
	not_ok "... 编号 is narrow" "$(cell "$x" 'ws.column_dimensions["A"].width')"
fi

req "$jar" GET "/tasks/$TASK_ID/breakdown.xlsx"
expect_status 200 "GET breakdown.xlsx answers 200"
x=$T_DIR/breakdown.xlsx
cp "$R_BODY" "$x"
expect_match '<sheet name="导入结果" sheetId="1"' "$(unzip -p "$x" xl/workbook.xml)" "its one sheet is named 导入结果"
expect_match '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' \
    "$(unzip -p "$x" xl/worksheets/sheet1.xml)" "... the header row is frozen"
# Columns: 批次 号码数 推送状态 失败原因, 13 figures (E..Q), then the 12
# shares from R: R1 is 成功占比.
expect_eq "成功占比" "$(cell "$x" 'ws["R1"].value')" "R1 is 成功占比"
success=$(sql "SELECT success FROM pushes")
total=$(sql "SELECT total FROM pushes")
expect_eq "$(awk -v a="$success" -v b="$total" 'BEGIN { printf "%.6f", a / b }') 0.0%" \
    "$(cell "$x" '"%.6f %s" % (ws["R2"].value, ws["R2"].number_format)')" \
    "... R2 is the share as a number, formatted 0.0%"
expect_eq "$(awk -v a="$success" -v b="$total" 'BEGIN { printf "%.6f", a / b }') 0.0%" \
    "$(cell "$x" '"%.6f %s" % (ws["R3"].value, ws["R3"].number_format)')" "... and so is the 合计 row's"
