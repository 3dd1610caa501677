#!/usr/bin/env bash
# t8036-draft-expiry-retention.sh: a draft is cancelled after 7 days, or
# after retention_days when that is shorter; the task list and the home
# page give the time the worker really keeps to.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf retention_days 3
t_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
upload_list "$jar" "$V_FIXTURES/two-rows.csv" name=三天草稿
expect_match '^[0-9]+$' "$IMPORT_ID" "a draft is made"
created=$(sql "SELECT created FROM imports WHERE id = '$IMPORT_ID'")
req "$jar" GET /tasks
expires=$(date -d "@$((created + 3 * 86400))" '+%Y-%m-%d %H:%M')
expect_match "$expires:[0-9]{2} 自动取消" "$(tr -d '\n' <"$R_BODY" | grep -o "<tr id=\"draft-$IMPORT_ID\".*" | sed -e 's/<\/tr>.*//')" \
    "the task list: cancelled 3 days after the upload (retention_days 3)"
req "$jar" GET /
expect_body_contains '3 天内未确认将自动取消' "the home page says 3 days"

# And the worker keeps to it.
sql "UPDATE imports SET created = created - 3 * 86400 - 60 WHERE id = '$IMPORT_ID'"
worker_once
expect_eq cancelled "$(sql "SELECT state FROM imports WHERE id = '$IMPORT_ID'")" \
    "a draft 3 days old is cancelled by the worker"
