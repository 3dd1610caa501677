#!/usr/bin/env bash
# t3003-task-bad-lists.sh: a list dialdesk cannot use is refused at upload
# with 422 and the list's own reason next to the file field: an empty
# file, a header without rows, binary data, a zip that is no workbook, a
# damaged .xls, UTF-16 text, an unbalanced quote (with its line) and more
# rows than max_rows (a list without a phone column is not refused: it
# gets a preview with a column picker, t8004). Nothing of a refused upload is kept: no import, no rows,
# no file, no audit entry.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf max_rows 5
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
L=$T_DIR/lists
mkdir -p "$L"

stored() { sql "SELECT (SELECT count(*) FROM imports) || '/' || (SELECT count(*) FROM import_rows) || '/' || (SELECT count(*) FROM audit WHERE action = 'list.uploaded')"; }
field_error() {
	sed -n -e "s|.*<p class=\"field-error\" id=\"task-$1-error\">\\([^<]*\\)</p>.*|\\1|p" "$R_BODY"
}

# refused FILE REASON DESC: uploading FILE is refused with REASON.
refused() {
	local file=$1 reason=$2 desc=$3 before
	before=$(stored)
	upload_list "$jar" "$file" name=坏名单测试
	expect_status 422 "$desc: refused with 422"
	expect_text "$reason" "$(field_error list)" "... the reason next to the file field: $reason"
	expect_body_contains 'name="name" value="坏名单测试"' "... the form comes back filled in"
	expect_eq "$before" "$(stored)" "... no import, no rows, no audit entry"
	expect_eq 0 "$(find "$T_DIR/uploads" -type f | wc -l)" "... no file left in upload_dir"
}

: >"$L/empty.csv"
refused "$L/empty.csv" 文件是空的 "an empty file"

printf '\n\r\n  \n' >"$L/blank.csv"
refused "$L/blank.csv" 文件是空的 "a file of blank lines"

printf '手机号,姓名,城市\r\n' >"$L/header.csv"
refused "$L/header.csv" 只有表头，没有数据行 "a header row only"

head -c 3000 /dev/urandom >"$L/random.bin"
printf 'PNG\0\0\0\1\2\3' >>"$L/random.bin"
refused "$L/random.bin" '文件不是文本格式的 CSV，也不是 Excel（.xlsx、.xls）或 .ods 表格' "binary data"

refused "$V_FIXTURES/not-xlsx.zip" '不是 Excel（.xlsx、.xls）或 .ods 表格文件' "a zip that is not a workbook"

printf '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0' >"$L/old.xls"
refused "$L/old.xls" 'Excel 文件已损坏，无法读取' "a damaged .xls (OLE2 header only)"

printf '手机号,姓名\n13500000001,张三\n' | iconv -f UTF-8 -t UTF-16 >"$L/utf16.txt"
refused "$L/utf16.txt" '文件是 UTF-16 编码的文本，请在 Excel 中另存为 CSV 或 .xlsx 后再上传' "UTF-16 text"

printf '手机号,姓名\n13500000001,张三\n13500000002,"李四\n13500000003,王五\n13500000004,赵六\n' >"$L/quote.csv"
refused "$L/quote.csv" '第 3 行引号不成对' "an unbalanced quote opened on line 3"

printf '手机号,姓名\n13500000001,张三\n\n13500000002,李四\n13500000003,王五,"备注\n跨行"\n13500000004,"孙""八"\n13500000005,周九,x"y\n' >"$L/quote7.csv"
refused "$L/quote7.csv" '第 8 行引号不成对' "a stray quote on line 8, after a blank line and a cell over two lines"

seq -f '1350000%04g' 1 6 | sed -e '1i 手机号' >"$L/six.csv"
refused "$L/six.csv" '名单超过 5 行的上限' "6 data rows over max_rows 5"

# The limit is on data rows: five of them with a header are fine.
seq -f '1350000%04g' 1 5 | sed -e '1i 手机号' >"$L/five.csv"
upload_list "$jar" "$L/five.csv"
expect_status 303 "5 data rows under max_rows 5 are taken (303)"
expect_eq "5|5" "$(sql "SELECT rows_read, valid FROM imports WHERE id = ${IMPORT_ID:-0}")" "... all 5 rows read and valid"
expect_eq 1 "$(audit_count list.uploaded)" "only that upload is in the audit log"
