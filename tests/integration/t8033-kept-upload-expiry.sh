#!/usr/bin/env bash
# t8033-kept-upload-expiry.sh: a file kept after a refused form holds
# personal data: it is not used once an hour old, and the worker's
# housekeeping removes it (row and file) when its session has ended or an
# hour has passed. A recent one of a live session stays.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
LIST=$V_FIXTURES/two-rows.csv
kept() { sql 'SELECT count(*) FROM kept_uploads'; }
form_token() {
	grep -o '<input type="hidden" name="upload_token" value="[0-9a-f]*">' "$R_BODY" |
	    sed -e 's/.*value="\([0-9a-f]*\)".*/\1/' | head -n 1
}
# keep JAR: a refused form with a file; its token in TOK, the file in KEPT.
keep() {
	req "$1" GET /tasks/new
	TOK=$(form_token)
	upload_list "$1" "$LIST" name=- "upload_token=$TOK"
	KEPT=$(sql "SELECT file_path FROM kept_uploads WHERE form_token = '$TOK'" 2>&1) || KEPT=
	[[ $R_STATUS == 422 && -f $KEPT ]] || not_ok "a refused form keeps its file" "$(r_summary)"
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
check "... and is removed when it is found so" test ! -e "$old_file"

# Another one an hour old, left alone; one whose session ended.
keep "$old"
old_file=$KEPT
sql "UPDATE kept_uploads SET created = created - 3601 WHERE form_token = '$TOK'"
post_form "$gone" / /logout
expect_status 303 "one session signs out"

worker_once
expect_eq 1 "$(kept)" "housekeeping leaves one kept file"
expect_eq "$live_file" "$(sql 'SELECT file_path FROM kept_uploads')" "... the recent one of the live session"
check "... whose file stays" test -f "$live_file"
check "the file of the ended session is removed" test ! -e "$gone_file"
check "the file an hour old is removed" test ! -e "$old_file"
expect_eq 1 "$(find "$T_DIR/uploads" -type f | wc -l)" "nothing else is left in upload_dir"
