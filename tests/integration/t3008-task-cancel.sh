#!/usr/bin/env bash
# t3008-task-cancel.sh: POST /tasks/M/cancel while batches are queued
# cancels them (audited as task.cancelled); the worker then sends none of
# them; a task with nothing left to cancel answers 409.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf batch_size 1
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv

new_task "$jar" "$LIST" name=待取消
expect_eq "queued,queued" "$(sql "SELECT group_concat(state) FROM batches WHERE task_id = $TASK_ID")" "two queued batches"
req "$jar" GET "/tasks/$TASK_ID"
expect_body_contains "action=\"/tasks/$TASK_ID/cancel\"" "the task page offers to cancel"
post_form "$jar" "/tasks/$TASK_ID" "/tasks/$TASK_ID/cancel"
expect_status 303 "POST /tasks/$TASK_ID/cancel answers 303"
expect_location "/tasks/$TASK_ID" "... back to the task"
expect_eq "cancelled,cancelled|cancelled" \
    "$(sql "SELECT group_concat(b.state) || '|' || t.state FROM batches AS b JOIN tasks AS t ON t.id = b.task_id WHERE t.id = $TASK_ID GROUP BY t.state")" \
    "both batches and the task are cancelled"
expect_eq "operator|task $TASK_ID|2" \
    "$(sql "SELECT actor || '|' || object || '|' || json_extract(details, '$.batches_cancelled') FROM audit WHERE action = 'task.cancelled'")" \
    "task.cancelled is audited with who and how many batches"
worker_once || true
expect_eq 0 "$(recorded_count)" "the worker sends none of them"
req "$jar" GET "/tasks/$TASK_ID"
expect_body_contains '已取消' "the task page shows them cancelled"
expect_body_lacks "action=\"/tasks/$TASK_ID/cancel\"" "... and no longer offers to cancel"
post_form "$jar" /tasks/new "/tasks/$TASK_ID/cancel"
expect_status 409 "cancelling again answers 409"
expect_eq 1 "$(audit_count task.cancelled)" "... and is not audited again"

new_task "$jar" "$LIST" name=已发出
worker_once || true
post_form "$jar" "/tasks/$TASK_ID" "/tasks/$TASK_ID/cancel"
expect_status 409 "a task whose batches are all sent cannot be cancelled (409)"
expect_eq "sent,sent" "$(sql "SELECT group_concat(state) FROM batches WHERE task_id = $TASK_ID")" "... they stay sent"
