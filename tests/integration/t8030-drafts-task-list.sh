#!/usr/bin/env bash
# t8030-drafts-task-list.sh: an uploaded list nobody has confirmed is a
# draft. The task list shows it above the tasks, state 待确认, linking to
# its preview, with the day it is cancelled (7 days after the upload); the
# status filter has 待确认. An operator sees their own drafts only, an
# administrator everyone's, an auditor none. Confirmed or cancelled, it
# is no draft any more; the preview opens again as it was left.
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

# draft_row ID: the row of draft ID in the last answer, on one line.
draft_row() {
	tr -d '\n' <"$R_BODY" | sed -e 's/<tr/\n<tr/g' -e 's/<\/tr>/<\/tr>\n/g' |
	    grep -F "<tr id=\"draft-$1\"" || true
}

# A task (confirmed) and a draft of the operator's, a draft of the other's.
new_task "$op" "$LIST" name=已发的任务
task=$TASK_ID
upload_list "$op" "$LIST" name=春季回访草稿
mine=$IMPORT_ID
upload_list "$other" "$LIST" name=别人的草稿
theirs=$IMPORT_ID
expect_match '^[0-9]+ [0-9]+ [0-9]+$' "$task $mine $theirs" "a task and two drafts are made"

req "$op" GET /tasks
expect_status 200 "the operator's task list"
row=$(draft_row "$mine")
expect_match '春季回访草稿' "$row" "... shows the operator's draft"
expect_match 'title="名单文件：two-rows.csv"' "$row" "... naming its file"
expect_match "href=\"/imports/$mine\"" "$row" "... linking to its preview"
expect_match '<span class="badge badge-preview">待确认</span>' "$row" "... in state 待确认"
expect_match '<td class="num">2</td>' "$row" "... with its 2 valid numbers"
created=$(sql "SELECT created FROM imports WHERE id = $mine")
expires=$(date -d "@$((created + 7 * 86400))" '+%Y-%m-%d %H:%M')
expect_match "$expires:[0-9]{2} 自动取消" "$row" "... and the time it is cancelled, 7 days after the upload"
expect_eq "" "$(draft_row "$theirs")" "... but not the other operator's draft"
expect_body_contains "<tr id=\"task-$task\">" "... and the tasks below"
expect_body_contains '<option value="preview">待确认</option>' "the status filter offers 待确认"

req "$op" GET '/tasks?status=preview'
expect_status 200 "filtered by 待确认"
expect_match '待确认' "$(draft_row "$mine")" "... the draft is listed"
expect_body_lacks "<tr id=\"task-$task\">" "... the tasks are not"
expect_body_contains '<option value="preview" selected>待确认</option>' "... the filter shows its choice"
req "$op" GET '/tasks?status=sent'
expect_eq "" "$(draft_row "$mine")" "filtered by another state, no draft"
req "$op" GET '/tasks?q=%E6%98%A5%E5%AD%A3'
expect_match '春季回访草稿' "$(draft_row "$mine")" "the name filter finds the draft by a part of its name"
req "$op" GET '/tasks?q=nothing-like-it'
expect_eq "" "$(draft_row "$mine")" "... and leaves it out when it does not match"
expect_body_contains '没有符合条件的任务' "... saying nothing matched"

req "$admin" GET /tasks
expect_match '春季回访草稿' "$(draft_row "$mine")" "an administrator sees the operator's draft"
expect_match '别人的草稿' "$(draft_row "$theirs")" "... and the other's"
other_id=$(sql "SELECT id FROM users WHERE name = 'other'")
req "$admin" GET "/tasks?creator=$other_id"
expect_eq "" "$(draft_row "$mine")" "... filtered by creator, only that creator's"
expect_match '别人的草稿' "$(draft_row "$theirs")" "... which is there"

req "$aud" GET /tasks
expect_status 200 "the auditor's task list"
expect_body_lacks '<tr id="draft-' "... lists no draft (nothing to decide, personal data not sent)"
expect_body_contains "<tr id=\"task-$task\">" "... but the tasks"
expect_body_lacks '<option value="preview">' "... and offers no 待确认 filter"

# The draft opens again where it was left: a new column mapping stays.
post_form "$op" "/imports/$mine" "/imports/$mine/mapping" --data-urlencode phone_col=0 \
    --data-urlencode name_col=-2
expect_status 303 "the operator changes the preview's mapping (no name column)"
req "$op" GET /tasks
href=$(draft_row "$mine" | sed -n -e 's/.*<a href="\([^"]*\)"[^>]*>春季回访草稿.*/\1/p')
req "$op" GET "$href"
expect_status 200 "the draft's link opens the preview again"
expect_match '<option value="-2" selected>' "$(tr -d '\n' <"$R_BODY" | sed -n -e 's/.*\(<select id="map-name".*\)/\1/p' | sed -e 's/<\/select>.*//')" \
    "... as it was left (no name column)"

confirm_import "$op" "$mine"
expect_match '^[0-9]+$' "$TASK_ID" "the operator confirms the draft"
req "$op" GET /tasks
expect_eq "" "$(draft_row "$mine")" "... a confirmed list is no draft"
expect_body_contains "<tr id=\"task-$TASK_ID\">" "... it is a task now"
cancel_import "$other" "$theirs"
req "$admin" GET /tasks
expect_eq "" "$(draft_row "$theirs")" "a cancelled list is no draft either"
