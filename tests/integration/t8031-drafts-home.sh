#!/usr/bin/env bash
# t8031-drafts-home.sh: the home page says how many uploaded lists wait for
# a decision ("N 个名单待确认") and links to them in the task list: an
# operator their own, an administrator everyone's (or one creator's), an
# auditor the number of all without a link. No drafts, no line.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_setup
t_add_user other operator 'Other-pass-5512' || not_ok "add a second operator"
t_start
op=$T_DIR/op other=$T_DIR/other admin=$T_DIR/admin aud=$T_DIR/aud
login operator "$OPERATOR_PASS" "$op" || not_ok "operator signs in" "$(r_summary)"
login other 'Other-pass-5512' "$other" || not_ok "other signs in" "$(r_summary)"
login admin "$ADMIN_PASS" "$admin" || not_ok "admin signs in" "$(r_summary)"
login auditor "$AUDITOR_PASS" "$aud" || not_ok "auditor signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv

# note: the drafts line of the last answer, tags and all.
note() { tr -d '\n' <"$R_BODY" | grep -o '<p class="flash flash-warn drafts-note"[^>]*>.*</p>' | sed -e 's/<\/p>.*/<\/p>/'; }

req "$op" GET /
expect_status 200 "the operator's home page"
expect_body_lacks '个名单待确认' "... without drafts, no drafts line"

upload_list "$op" "$LIST" name=草稿一
first=$IMPORT_ID
upload_list "$op" "$LIST" name=草稿二
upload_list "$other" "$LIST" name=别人的草稿
new_task "$op" "$LIST" name=已确认

req "$op" GET /
expect_match '<a href="/tasks\?status=preview">2 个名单待确认</a>' "$(note)" \
    "the operator's home page: 2 个名单待确认, linking to the drafts in the task list"
expect_match '7 天内未确认将自动取消' "$(note)" "... saying when they go"
req "$op" GET '/tasks?status=preview'
expect_eq 2 "$(grep -o '<tr id="draft-' "$R_BODY" | wc -l)" "... the link lists exactly those 2"

req "$other" GET /
expect_match '>1 个名单待确认<' "$(note)" "the other operator: 1, their own"

req "$admin" GET /
expect_match '<a href="/tasks\?status=preview">3 个名单待确认</a>' "$(note)" "the administrator: all 3"
other_id=$(sql "SELECT id FROM users WHERE name = 'other'")
req "$admin" GET "/?creator=$other_id"
expect_match "<a href=\"/tasks\\?status=preview&amp;creator=$other_id\">1 个名单待确认</a>" "$(note)" \
    "... for one creator, that creator's, linking to them"

req "$aud" GET /
expect_match '3 个名单待确认' "$(note)" "the auditor: the number of all"
expect_match '^[^<]*<p[^>]*>3 个名单' "$(note)" "... without a link (nothing to decide)"

cancel_import "$op" "$first"
req "$op" GET /
expect_match '>1 个名单待确认<' "$(note)" "a cancelled draft is not counted"
