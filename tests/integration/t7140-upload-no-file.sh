#!/usr/bin/env bash
# t7140-upload-no-file.sh: an uploaded list is deleted from upload_dir as
# soon as its rows are stored; its bytes are kept in the database, exactly,
# until the preview is decided. With upload_dir empty between every two
# requests the preview works, another sheet, another header row and other
# columns are read from the stored bytes, the list is confirmed and sent,
# and after the confirmation its bytes are gone from the database.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$DD_TOP/tests/fixtures/calllist/office-multi.xlsx

# files_left: what upload_dir holds now.
files_left() { find "$T_DIR/uploads" -type f | wc -l; }
# stored_sha ID: SHA-256 of import ID's stored bytes, chunks in order.
stored_sha() {
	sql_bytes_sha256 "SELECT $(sql_hex bytes) FROM upload_bytes WHERE owner = 'import' AND owner_id = $1 ORDER BY seq"
}
chunks() { sql "SELECT count(*) FROM upload_bytes WHERE owner = 'import' AND owner_id = $1"; }
read_as() { sql "SELECT sheet || ' ' || header_line || ' ' || rows_read || ' ' || valid || ' ' || phone_col || ' ' || name_col FROM imports WHERE id = $1"; }
mapping() { post_form "$jar" "/imports/$ID" "/imports/$ID/mapping" "$@"; }

upload_list "$jar" "$LIST" name=无文件预览
expect_status 303 "the upload reaches its preview"
ID=${IMPORT_ID:-0}
expect_eq 0 "$(files_left)" "after the upload request upload_dir holds no file"
expect_eq "$(sha256sum "$LIST" | cut -d' ' -f1)" "$(stored_sha "$ID")" "... the list's bytes are in the database, exactly"
expect_eq "" "$(sql "SELECT file_path FROM imports WHERE id = $ID")" "... and the import names no file"
expect_eq "1 1 5 5 1 0" "$(read_as "$ID")" "sheet 名单 read: header on row 1, 5 valid"

req "$jar" GET "/imports/$ID"
expect_status 200 "the preview answers 200 with upload_dir empty"
expect_body_contains '<dt>工作表</dt><dd>名单（6 行）</dd>' "... and names the sheet read"

mapping --data-urlencode sheet=2
expect_status 303 "switching to sheet 补充 answers 303 with upload_dir empty"
expect_eq "2 1 2 2" "$(read_as "$ID" | cut -d' ' -f1-4)" "... sheet 补充 is read from the stored bytes"
expect_eq 0 "$(files_left)" "... and upload_dir is empty again"
mapping --data-urlencode sheet=1
expect_status 303 "back to sheet 名单"

mapping --data-urlencode header_row=0
expect_status 303 "no header row (无表头) answers 303"
expect_eq "1 0 6 5" "$(read_as "$ID" | cut -d' ' -f1-4)" "... every row is data: 6 rows, 5 valid"
expect_eq 0 "$(files_left)" "... upload_dir is empty"
mapping --data-urlencode header_row=1
expect_status 303 "header row 1 again"
expect_eq "1 1 5 5" "$(read_as "$ID" | cut -d' ' -f1-4)" "... 5 rows again"

mapping --data-urlencode phone_col=1 --data-urlencode name_col=-1
expect_status 303 "other columns (phone 2, no name) answer 303"
expect_eq "1 1 5 5 1 -1" "$(read_as "$ID")" "... the list is read with them"
expect_eq 0 "$(files_left)" "... upload_dir is empty"
expect_eq "$(sha256sum "$LIST" | cut -d' ' -f1)" "$(stored_sha "$ID")" "the stored bytes are unchanged by the re-reads"
expect_eq 5 "$(audit_count list.remapped)" "each re-read is audited"

confirm_import "$jar" "$ID"
expect_status 303 "the preview is confirmed with upload_dir empty"
expect_eq 0 "$(chunks "$ID")" "... and the list's bytes are gone from the database"
expect_eq 0 "$(files_left)" "... upload_dir is empty"
expect_eq 5 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $ID AND seq > 0")" "... the 5 rows stay"
worker_once
expect_eq sent "$(sql "SELECT state FROM batches WHERE task_id = ${TASK_ID:-0}")" "the task is sent"
expect_eq 5 "$(jq '.deliverList | length' "$(recorded 1)" 2>/dev/null)" "... all 5 rows reach the vendor"
expect_eq 13500000005 "$(jq -r '.deliverList[4].phone' "$(recorded 1)" 2>/dev/null)" "... from the second column"
expect_eq 0 "$(sql 'SELECT count(*) FROM upload_bytes')" "no bytes of any list are left"
