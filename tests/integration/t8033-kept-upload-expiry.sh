#!/usr/bin/env bash
# t8033-kept-upload-expiry.sh: a file kept after a refused form holds
# personal data: it is not used once an hour old, and the worker's
# housekeeping removes it (row and bytes) when its session has ended or an
# hour has passed. A recent one of a live session stays.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
LIST=$V_FIXTURES/two-rows.csv
kept() { sql 'SELECT count(*) FROM kept_uploads'; }
# bytes_of ID: the chunks stored for kept upload ID.
bytes_of() { sql "SELECT count(*) FROM upload_bytes WHERE owner = 'kept' AND owner_id = $1"; }
form_token() {
	grep -o '<input type="hidden" name="upload_token" value="[0-9a-f]*">' "$R_BODY" |
	    sed -e 's/.*value="\([0-9a-f]*\)".*/\1/' | head -n 1
}
# keep JAR: a refused form with a file; its token in TOK, its id in KEPT.
keep() {
	req "$1" GET /tasks/new
	TOK=$(form_token)
	upload_list "$1" "$LIST" name=- "upload_token=$TOK"
	KEPT=$(sql "SELECT id FROM kept_uploads WHERE form_token = '$TOK'" 2>&1) || KEPT=0
	[[ $R_STATUS == 422 && $(bytes_of "${KEPT:-0}") == 1 ]] || not_ok "a refused form keeps its file" "$(r_summary)"
}

live=$T_DIR/live gone=$T_DIR/gone old=$T_DIR/old
login operator "$OPERATOR_PASS" "$live" || not_ok "operator signs in"
login operator "$OPERATOR_PASS" "$gone" || not_ok "operator signs in again"
login operator "$OPERATOR_PASS" "$old" || not_ok "operator signs in a third time"
keep "$live"
live_file=$KEPT
keep "$gone"
gone_file=$KEPT
keep "$old"
old_file=$KEPT old_tok=$TOK
expect_eq 3 "$(kept)" "three kept files, one per session"

# An hour old: not used any more, even before housekeeping.
sql "UPDATE kept_uploads SET created = created - 3601 WHERE form_token = '$old_tok'"
upload_list "$old" - "upload_token=$old_tok" name=太旧
expect_status 422 "a kept file an hour old is not used"
expect_eq 0 "$(bytes_of "$old_file")" "... and is removed when it is found so"

# Another one an hour old, left alone; one whose session ended.
keep "$old"
old_file=$KEPT
sql "UPDATE kept_uploads SET created = created - 3601 WHERE form_token = '$TOK'"
post_form "$gone" / /logout
expect_status 303 "one session signs out"

worker_once
expect_eq 1 "$(kept)" "housekeeping leaves one kept file"
expect_eq "$live_file" "$(sql 'SELECT id FROM kept_uploads')" "... the recent one of the live session"
expect_eq 1 "$(bytes_of "$live_file")" "... whose bytes stay"
expect_eq 0 "$(bytes_of "$gone_file")" "the bytes of the ended session are removed"
expect_eq 0 "$(bytes_of "$old_file")" "the bytes an hour old are removed"
expect_eq 1 "$(sql "SELECT count(*) FROM upload_bytes")" "nothing else is left in the database"
expect_eq 0 "$(find "$T_DIR/uploads" -type f | wc -l)" "... nor in upload_dir"
