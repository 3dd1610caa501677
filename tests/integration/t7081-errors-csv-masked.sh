#!/usr/bin/env bash
# t7081-errors-csv-masked.sh: the error report (errors.csv) follows the
# preview's masking rule: neither a duplicate nor a number that is too long
# or has a stray character ever appears whole; short junk shows as it is.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

LIST=$T_DIR/list.csv
cat >"$LIST" <<'EOF2'
手机号,姓名
13500000001,张三
13500000001,李四
1350000000123,王五
1350000x0004,赵六
12345,钱七
EOF2
upload_list "$jar" "$LIST" name='掩码检查'
expect_status 303 "the list is uploaded"
req "$jar" GET "/imports/$IMPORT_ID/errors.csv"
expect_status 200 "GET errors.csv answers 200"
body=$(cat "$R_BODY")
for whole in 13500000001 1350000000123 1350000x0004; do
	expect_eq 0 "$(grep -c -- "$whole" <<<"$body" || true)" "errors.csv never holds $whole whole"
done
expect_contains_text '3,"135****0001","重复号码",2' "$body" "the duplicate is masked as the preview masks it"
expect_contains_text '4,"135****23",' "$body" "a number too long shows only its ends"
expect_contains_text '5,"135****04",' "$body" "a number with a stray letter shows only its ends"
expect_contains_text '6,"12345",' "$body" "short junk shows as it is"
req "$jar" GET "/imports/$IMPORT_ID"
expect_body_contains '135****23' "the preview shows the same masked form"
