#!/usr/bin/env bash
# t7141-upload-bytes-end.sh: a list's bytes go with its preview: when it is
# cancelled, when the worker cancels a preview nobody decided on, when a
# half-loaded upload is removed, and when retention purges a sent list;
# a recent preview keeps them.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf retention_days 30
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$T_DIR/list.csv
printf '%s\n' '手机号,姓名' '13500000001,甲' '13500000002,乙' >"$LIST"
size=$(stat -c %s "$LIST")
bytes_of() { sql "SELECT coalesce(sum(length(bytes)), 0) FROM upload_bytes WHERE owner = 'import' AND owner_id = $1"; }

upload_list "$jar" "$LIST" name=取消
cancelled=${IMPORT_ID:-0}
expect_eq "$size" "$(bytes_of "$cancelled")" "a preview's bytes are stored"
cancel_import "$jar" "$cancelled"
expect_status 303 "the preview is cancelled"
expect_eq 0 "$(bytes_of "$cancelled")" "... and its bytes are gone"

upload_list "$jar" "$LIST" name=过期
expired=${IMPORT_ID:-0}
upload_list "$jar" "$LIST" name=新的
recent=${IMPORT_ID:-0}
sql "UPDATE imports SET created = created - 8 * 86400 WHERE id = $expired"
# An upload whose worker died while its bytes were being written.
sql "INSERT INTO imports (user_id, created, state, params, file_name, file_path,
     file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
     VALUES (2, unixepoch() - 7200, 'loading', '{}', 'dead.csv', '', 3, '', '', '', '', '[]', 0, -1)"
dead=$(sql "SELECT max(id) FROM imports")
sql "INSERT INTO upload_bytes (owner, owner_id, seq, bytes) VALUES ('import', $dead, 0, $(sql_blob 414243))"
worker_once
expect_eq cancelled "$(sql "SELECT state FROM imports WHERE id = $expired")" "the week-old preview expires"
expect_eq 0 "$(bytes_of "$expired")" "... with its bytes"
expect_eq 0 "$(bytes_of "$dead")" "the half-loaded upload's bytes are removed with it"
expect_eq "$size" "$(bytes_of "$recent")" "the recent preview keeps its bytes"

# Retention: a sent list whose bytes are still there (as a database
# restored from before the confirmation deleted them would have) loses
# them with its rows.
confirm_import "$jar" "$recent"
expect_status 303 "the recent preview is confirmed"
expect_eq 0 "$(bytes_of "$recent")" "... and its bytes are gone at once"
worker_once
sql "INSERT INTO upload_bytes (owner, owner_id, seq, bytes) VALUES ('import', $recent, 0, $(sql_blob 414243))"
sql "UPDATE batches SET updated = updated - 31 * 86400, sent_at = sent_at - 31 * 86400"
worker_once
expect_ge 1 "$(sql "SELECT purged FROM imports WHERE id = $recent")" "retention purges the sent list"
expect_eq 0 "$(bytes_of "$recent")" "... and its bytes"
expect_eq 0 "$(sql 'SELECT count(*) FROM upload_bytes')" "no bytes are left in the database"
