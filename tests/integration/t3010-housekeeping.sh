#!/usr/bin/env bash
# t3010-housekeeping.sh: the worker tidies up as it goes: a preview nobody
# decided on within 7 days is cancelled (rows and bytes removed, audited as
# the system's doing), an upload left half-loaded for an hour is removed,
# and sessions past their time are deleted. Recent ones stay.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

list=$T_DIR/list.csv
printf '%s\n' '手机号,姓名' '13500000001,甲' '13500000002,乙' >"$list"
upload_list "$jar" "$list" name=旧预览
old=$IMPORT_ID
upload_list "$jar" "$list" name=新预览
new=$IMPORT_ID
expect_match '^[0-9]+$' "$old$new" "two previews are made"
bytes_of() { sql "SELECT count(*) FROM upload_bytes WHERE owner = 'import' AND owner_id = $1"; }
expect_eq 1 "$(bytes_of "$old")" "the old preview's bytes are kept while it waits"

# Age one preview past 7 days, and fake an upload whose worker died an
# hour ago, with a file of its own.
sql "UPDATE imports SET created = created - 8 * 86400 WHERE id = $old"
: >"$T_DIR/uploads/upload-dead"
sql "INSERT INTO imports (user_id, created, state, params, file_name, file_path,
     file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
     VALUES (2, unixepoch() - 7200, 'loading', '{}', 'dead.csv', '$T_DIR/uploads/upload-dead',
     0, '', '', '', '', '[]', 0, -1)"
dead=$(sql "SELECT max(id) FROM imports")
sql "INSERT INTO upload_bytes (owner, owner_id, seq, bytes) VALUES ('import', $dead, 0, $(sql_blob 0102))"
# And a session idle for a day.
sql "INSERT INTO sessions (token_hash, user_id, csrf, created, last_seen, addr, user_agent)
     VALUES (randomblob(32), 1, 'x', unixepoch() - 86400, unixepoch() - 86400, '', '')"
expect_eq 2 "$(sql 'SELECT count(*) FROM sessions')" "two sessions before"

worker_once

expect_eq cancelled "$(sql "SELECT state FROM imports WHERE id = $old")" "the week-old preview is cancelled"
expect_eq 0 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $old")" "... its rows are gone"
expect_eq 0 "$(bytes_of "$old")" "... and its bytes"
expect_eq 1 "$(sql "SELECT count(*) FROM audit WHERE action = 'list.cancelled' AND actor = 'system'")" \
    "... audited as the system's doing"
expect_eq preview "$(sql "SELECT state FROM imports WHERE id = $new")" "the recent preview stays"
expect_eq 1 "$(bytes_of "$new")" "... with its bytes"
expect_eq 0 "$(sql "SELECT count(*) FROM imports WHERE id = $dead")" "the half-loaded upload is removed"
check "... with its file" test ! -e "$T_DIR/uploads/upload-dead"
expect_eq 0 "$(bytes_of "$dead")" "... and its bytes"
expect_eq 1 "$(sql 'SELECT count(*) FROM sessions')" "the day-idle session is deleted, the live one kept"
req "$jar" GET /tasks
expect_status 200 "the operator is still signed in"
