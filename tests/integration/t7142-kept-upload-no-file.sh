#!/usr/bin/env bash
# t7142-kept-upload-no-file.sh: the file of a refused task form is kept as
# bytes in the database, not in upload_dir, which is empty between
# requests; sending the form again without a file reads the kept bytes and
# reaches the preview. When they cannot be read back (no scratch space),
# the page says so in Chinese, the log in English, and the kept upload is
# still there for the next try.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv
files_left() { find "$T_DIR/uploads" -type f | wc -l; }
kept_bytes() { sql "SELECT coalesce(sum(length(b.bytes)), 0) FROM kept_uploads AS k JOIN upload_bytes AS b ON b.owner = 'kept' AND b.owner_id = k.id"; }
form_token() {
	grep -o '<input type="hidden" name="upload_token" value="[0-9a-f]*">' "$R_BODY" |
	    sed -e 's/.*value="\([0-9a-f]*\)".*/\1/' | head -n 1
}

req "$jar" GET /tasks/new
tok=$(form_token)
upload_list "$jar" "$LIST" name=- "upload_token=$tok"
expect_status 422 "a form without a name is refused"
expect_body_contains '<span class="file-name">two-rows.csv</span>' "... and keeps its file"
expect_eq 0 "$(files_left)" "... with upload_dir empty after the request"
expect_eq "$(stat -c %s "$LIST")" "$(kept_bytes)" "... its bytes in the database"

# No scratch space: upload_dir is not a folder for a moment.
rmdir "$T_DIR/uploads"
: >"$T_DIR/uploads"
upload_list "$jar" - "upload_token=$tok" name=无处可写
expect_status 500 "the kept bytes cannot be written out: 500"
expect_body_contains '保留的名单文件暂时无法读取，它仍保留着' "... the page says so in Chinese"
expect_match 'upload: cannot create a file in' "$(cat "$T_LOG")" "... the log in English"
expect_eq 1 "$(sql 'SELECT count(*) FROM kept_uploads')" "... the kept upload is not lost"
expect_eq "$(stat -c %s "$LIST")" "$(kept_bytes)" "... nor its bytes"
expect_eq 0 "$(sql 'SELECT count(*) FROM imports')" "... and no import is half made"
rm -f "$T_DIR/uploads"
mkdir -m 700 "$T_DIR/uploads"

upload_list "$jar" - "upload_token=$tok" name=留存无文件
expect_status 303 "the form sent again without a file reaches the preview"
expect_eq "two-rows.csv|2" "$(sql "SELECT file_name || '|' || valid FROM imports WHERE id = '${IMPORT_ID:-0}'")" \
    "... made of the kept bytes"
expect_eq 0 "$(sql 'SELECT count(*) FROM kept_uploads')" "... no longer kept"
expect_eq 0 "$(sql "SELECT count(*) FROM upload_bytes WHERE owner = 'kept'")" "... its kept bytes are gone"
expect_eq "$(stat -c %s "$LIST")" "$(sql "SELECT sum(length(bytes)) FROM upload_bytes WHERE owner = 'import' AND owner_id = '${IMPORT_ID:-0}'")" \
    "... and became the import's"
expect_eq 0 "$(files_left)" "... with upload_dir empty: the scratch file was removed"
req "$jar" GET "/imports/${IMPORT_ID:-0}"
expect_status 200 "the preview answers 200"
