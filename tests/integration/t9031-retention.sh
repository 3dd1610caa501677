#!/usr/bin/env bash
# t9031-retention.sh: personal data is kept for retention_days. A sent
# task's list loses its rows (numbers, names, other columns) once the task
# has been done that long; the task, its figures and the audit trail stay;
# the run is one audit entry with the counts; the preview says so. A list
# with a batch still waiting for a person keeps its rows, and so does a
# recent one.
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
printf '%s\n' '手机号,姓名,城市' '13500000001,张三,杭州' '13500000002,李四,上海' '12345,王五,北京' >"$LIST"

new_task "$jar" "$LIST" name=旧任务 && old_task=$TASK_ID old_import=$IMPORT_ID
new_task "$jar" "$LIST" name=新任务 && new_task_id=$TASK_ID new_import=$IMPORT_ID
new_task "$jar" "$LIST" name=待处理 && wait_task=$TASK_ID wait_import=$IMPORT_ID
worker_once
worker_once
worker_once
expect_eq 3 "$(sql "SELECT count(*) FROM batches WHERE state = 'sent'")" "the three tasks are sent"
# One done 31 days ago, one today, one done long ago but with a batch a
# person must still decide on.
sql "UPDATE batches SET updated = updated - 31 * 86400, sent_at = sent_at - 31 * 86400 WHERE task_id IN ($old_task, $wait_task);
     UPDATE batches SET state = 'unknown' WHERE task_id = $wait_task"
rows_before=$(sql "SELECT count(*) FROM import_rows WHERE import_id = $new_import")
figures_before=$(sql "SELECT rows_read || ':' || valid || ':' || invalid FROM imports WHERE id = $old_import")

worker_once
expect_eq 0 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $old_import")" \
    "the old task's list has no rows left"
expect_ge 1 "$(sql "SELECT purged FROM imports WHERE id = $old_import")" "... and is marked purged"
expect_eq "$figures_before" "$(sql "SELECT rows_read || ':' || valid || ':' || invalid FROM imports WHERE id = $old_import")" \
    "... while its figures stay"
expect_eq 1 "$(sql "SELECT count(*) FROM tasks WHERE id = $old_task")" "... and so does the task"
expect_eq "$rows_before" "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $new_import")" \
    "a recent task keeps its rows"
expect_ge 1 "$(sql "SELECT count(*) FROM import_rows WHERE import_id = $wait_import")" \
    "a task with a batch waiting for a person keeps its rows"
expect_eq "1 3 30" "$(sql "SELECT json_extract(details, '$.lists') || ' ' || json_extract(details, '$.rows') || ' ' || json_extract(details, '$.retention_days') FROM audit WHERE action = 'retention.purged'")" \
    "the purge is one audit entry with the counts"
expect_eq "system" "$(sql "SELECT actor FROM audit WHERE action = 'retention.purged'")" "... made by the system"

req "$jar" GET "/imports/$old_import"
expect_status 200 "the purged list's preview still opens"
expect_body_contains '按个人信息保留期限删除' "... and says its rows were removed"
expect_body_lacks '13500000001' "... without any number"
req "$jar" GET "/tasks/$old_task"
expect_status 200 "the task page still opens"
worker_once
expect_eq 1 "$(audit_count retention.purged)" "a run with nothing to purge writes no entry"
