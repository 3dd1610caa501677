#!/usr/bin/env bash
# t7143-upload-large-streamed.sh: a list of a few MB is stored as several
# chunks (streamed, not held whole) whose concatenation is the file; a
# re-read when no scratch file can be made is refused with a Chinese
# message (English in the log) and loses nothing: the preview, its rows
# and its bytes stay as they were, and the next try works.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$T_DIR/big.csv
{
	printf '手机号,姓名,备注\n'
	for ((i = 0; i < 60000; i++)); do
		printf '135%08d,客户%d,这是一段用来把文件变大的备注文字\n' "$i" "$i"
	done
} >"$LIST"
files_left() { find "$T_DIR/uploads" -type f | wc -l; }
stored_sha() {
	sql_bytes_sha256 "SELECT $(sql_hex bytes) FROM upload_bytes WHERE owner = 'import' AND owner_id = $1 ORDER BY seq"
}
state() { sql "SELECT state || ' ' || rows_read || ' ' || valid || ' ' || phone_col || ' ' || name_col FROM imports WHERE id = $1"; }

upload_list "$jar" "$LIST" name=大名单
expect_status 303 "a list of $(($(stat -c %s "$LIST") / 1048576)) MB reaches its preview"
ID=${IMPORT_ID:-0}
expect_ge 5 "$(sql "SELECT count(*) FROM upload_bytes WHERE owner = 'import' AND owner_id = $ID")" "... stored as several chunks"
expect_eq 524288 "$(sql "SELECT max(length(bytes)) FROM upload_bytes WHERE owner = 'import' AND owner_id = $ID")" "... of 512 KiB at most"
expect_eq "$(sha256sum "$LIST" | cut -d' ' -f1)" "$(stored_sha "$ID")" "... which together are the file"
expect_eq 0 "$(files_left)" "... and upload_dir is empty"
before=$(state "$ID")
expect_eq "preview 60000 60000 0 1" "$before" "60,000 valid rows"

rmdir "$T_DIR/uploads"
: >"$T_DIR/uploads"
post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode phone_col=0 --data-urlencode name_col=-1
expect_status 500 "a re-read without scratch space answers 500"
expect_body_contains '名单暂时无法重新读取，预览保持不变' "... saying in Chinese that the preview is unchanged"
expect_match 'upload: cannot create a file in' "$(cat "$T_LOG")" "... the log says why in English"
expect_eq "$before" "$(state "$ID")" "... the preview is as it was"
expect_eq 60000 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $ID AND seq > 0")" "... with its rows"
expect_eq "$(sha256sum "$LIST" | cut -d' ' -f1)" "$(stored_sha "$ID")" "... and its bytes"
rm -f "$T_DIR/uploads"
mkdir -m 700 "$T_DIR/uploads"

post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" --data-urlencode phone_col=0 --data-urlencode name_col=-1
expect_status 303 "the same re-read with scratch space answers 303"
expect_eq "preview 60000 60000 0 -1" "$(state "$ID")" "... the list is read without names"
expect_eq 0 "$(files_left)" "... and the scratch file is gone"
