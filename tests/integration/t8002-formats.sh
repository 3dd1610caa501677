#!/usr/bin/env bash
# t8002-formats.sh: the same office list saved by LibreOffice as .ods,
# .xls (Excel 97-2003) and .xlsx, by xlwt as .xls, and as a CSV with a
# title row, is taken in every format: the preview names the format and
# the header row, and the rows are the same.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
CL=$DD_TOP/tests/fixtures/calllist

# taken FILE FORMAT-LABEL HEADER-LINE FIGURES [DATE-INDEX]: uploaded,
# previewed; DATE-INDEX: where in the first row's other columns the date
# 2026-11-28 is.
taken() {
	local file=$1 label=$2 line=$3 figures=$4 date=${5:-} id
	upload_list "$jar" "$CL/$file" name="格式测试"
	expect_status 303 "$file: taken (303 to its preview)"
	id=${IMPORT_ID:-0}
	expect_eq "$figures" "$(sql "SELECT format || ' ' || rows_read || ' ' || valid || ' ' || invalid FROM imports WHERE id = $id")" \
	    "... read as $figures"
	req "$jar" GET "/imports/$id"
	expect_body_contains "<dt>格式</dt><dd>$label</dd>" "... the preview says $label"
	expect_body_contains "<dt>表头</dt><dd>第 $line 行</dd>" "... and that the header is row $line"
	[[ -n $date ]] || return 0
	expect_eq "2026-11-28" "$(sql "SELECT json_extract(other, '\$[$date]') FROM import_rows WHERE import_id = $id AND line = $((line + 1))")" \
	    "... the first row's date as the sheet shows it"
}

taken lo-title.ods "OpenDocument .ods" 4 "ods 5 3 2" 1
taken lo-title.xls "Excel 97-2003 .xls" 4 "xls 5 3 2" 1
taken lo-title.xlsx "Excel .xlsx" 4 "xlsx 5 3 2" 1
taken office-xlwt.xls "Excel 97-2003 .xls" 3 "xls 3 2 1" 0
taken title.csv "CSV" 4 "csv 2 1 1"
