#!/usr/bin/env bash
# t8050-vendor-task-id-forms.sh: the vendor's task id in either form on
# either side (PRODUCT.md section 5). The create answer's taskId may be the
# bare id or "dial_task_main_sn|<id>", and so may the push's
# dial_task_main_sn; in all four combinations the batch stores the bare id,
# the sandbox's own push links to that batch, and the task page shows its
# figures.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv

n=0
for answer in bare full; do
	for sn in full bare; do
		n=$((n + 1))
		what="taskId $answer, dial_task_main_sn $sn"
		sandbox_restart --answer-task-id "$answer" --push-sn "$sn"
		new_task "$jar" "$LIST" "name=编号形式 $n" || continue
		worker_once || true
		meta=$(recorded_meta 1)
		id=$(json_get "$meta" .taskId 2>/dev/null) || id=
		answered=$(json_get "$meta" .answer 2>/dev/null | jq -r .result.taskId 2>/dev/null) || answered=
		if [[ $answer == full ]]; then
			expect_eq "dial_task_main_sn|$id" "$answered" "$what: the sandbox answers the full form"
		else
			expect_eq "$id" "$answered" "$what: the sandbox answers the bare id"
		fi
		batch=$(sql "SELECT id FROM batches WHERE task_id = $TASK_ID")
		expect_eq "sent|$id" "$(sql "SELECT state, vendor_task_id FROM batches WHERE id = $batch")" \
		    "$what: the batch is sent and keeps the bare id"
		wait_pushes "$n" || not_ok "$what: the sandbox's push arrives" "$(tail -n 3 "$V_LOG")"
		if [[ $sn == full ]]; then want="dial_task_main_sn|$id"; else want=$id; fi
		expect_eq "$want|$id|$batch|auto" \
		    "$(sql "SELECT sn, vendor_task_id, batch_id, linked_by FROM pushes WHERE id = (SELECT max(id) FROM pushes)")" \
		    "$what: the push is stored with the bare id and linked to its batch"
		req "$jar" GET "/tasks/$TASK_ID"
		expect_status 200 "$what: the task page answers"
		want=$(sandbox_figures "$(recorded 1)" | jq -r '[.totalCount, .successCount, .failCount, .blacklistCount, .repeatCount, .filterCount, .shiCount, .kongCount, .tingjiCount, .kuwuCount, .chenmoCount, .fenxianCount, .chaopinCount] | join(" ")')
		expect_eq "$want" "$(breakdown_counts 1/1)" \
		    "$what: the task page shows the push's figures"
	done
done
expect_eq 0 "$(sql "SELECT count(*) FROM pushes WHERE batch_id IS NULL")" "no push waits for a batch"
