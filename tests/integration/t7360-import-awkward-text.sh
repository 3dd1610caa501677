#!/usr/bin/env bash
# t7360-import-awkward-text.sh: a list uploaded through the task form whose
# names and other cells hold what PostgreSQL's COPY text must escape (tabs,
# newlines, CRs, backslashes, \N, \., quotes, emoji, empty cells) is stored
# byte for byte on either engine, over several of the load's commits (12,000
# rows: the rows go by COPY on PostgreSQL, 5,000 a transaction); the preview
# and its counts follow, and a cancelled upload leaves no row behind.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$T_DIR/awkward.csv
ROWS=12000
# The list, and what some of its rows must be stored as (the row's number
# among the valid ones, its name and other cells as x and the hex of their
# UTF-8).
python3 - "$LIST" "$ROWS" >"$T_DIR/expected" <<'PY'
import csv, sys
texts = ["a\tb", "line1\nline2", "cr\r\nlf", "back\\slash", "\\N", "\\.",
         "ends\\", "\\t\\n", 'say "hi", \'ok\'', "emoji \U0001F600 \U0001F1E8\U0001F1F3",
         "", "客户 张三", "NULL", "x\\\\y", "tab\tand\\tescape"]
path, rows = sys.argv[1], int(sys.argv[2])
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\r\n")
    w.writerow(["手机号", "姓名", "备注", "城市"])
    for i in range(rows):
        name = texts[i % len(texts)]
        note = texts[(i + 3) % len(texts)]
        city = texts[(i + 7) % len(texts)]
        w.writerow(["135%08d" % i, name, note, city])
        if i % 997 == 0 or i == rows - 1:
            print(i + 1, *("x" + t.encode().hex() for t in (name, note, city)))
PY
upload_list "$jar" "$LIST" name=怪字符
expect_status 303 "the list of $ROWS awkward rows is uploaded to its preview"
id=${IMPORT_ID:-0}
expect_eq "$ROWS|$ROWS|0|0" "$(sql "SELECT rows_read || '|' || valid || '|' || invalid || '|' || duplicates FROM imports WHERE id = $id")" \
    "... every row read and valid"
expect_eq "$ROWS" "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $id AND seq > 0")" "... and stored"
expect_eq "$ROWS" "$(sql "SELECT max(seq) FROM import_rows WHERE import_id = $id")" "... numbered 1 to $ROWS"
if [[ $T_ENGINE == postgresql ]]; then
	hex() { printf "encode(convert_to(%s, 'UTF8'), 'hex')" "$1"; }
	cell() { printf "(%s)::jsonb ->> %d" "$1" "$2"; }
else
	hex() { printf "lower(hex(%s))" "$1"; }
	cell() { printf "json_extract(%s, '\$[%d]')" "$1" "$2"; }
fi
bad=
n=0
while read -r seq name note city; do
	got=$(sql "SELECT 'x' || $(hex name) || ' x' || $(hex "$(cell other 0)") || ' x' || $(hex "$(cell other 1)")
	    FROM import_rows WHERE import_id = $id AND seq = $seq")
	[[ $got == "$name $note $city" ]] || bad+=" row $seq: stored '$got', sent '$name $note $city';"
	n=$((n + 1))
done <"$T_DIR/expected"
if [[ -z $bad ]]; then
	ok "the $n rows looked at hold their name and other cells byte for byte"
else
	not_ok "the $n rows looked at hold their name and other cells byte for byte" "$bad"
fi
# The preview pages the rows from the store.
req "$jar" GET "/imports/$id"
expect_status 200 "the preview answers 200"
expect_body_contains "<dt>有效</dt><dd>$ROWS</dd>" "... and counts $ROWS valid"
cancel_import "$jar" "$id"
expect_status 303 "the preview is cancelled"
expect_eq 0 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $id")" "... and no row of it is left"
