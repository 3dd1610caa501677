#!/usr/bin/env bash
# t3006-two-workers.sh: two `dialdesk worker --once` running at the same
# time on a task of 30 batches (batch_size 20) share the work without
# sending any batch twice: the vendor receives exactly 30 requests, 30
# different vendor task names, 600 different phones, and every batch is
# sent once with a vendor task id of its own. Done three times over.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf batch_size 20
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

for round in 1 2 3; do
	LIST=$T_DIR/list$round.csv
	awk -v r="$round" 'BEGIN { print "手机号,姓名"
	    for (i = 0; i < 600; i++) printf "13%d%08d,客户%d\n", 5 + r, i, i }' >"$LIST"
	new_task "$jar" "$LIST" "name=并发$round" || continue
	expect_eq 30 "$(sql "SELECT count(*) FROM batches WHERE task_id = $TASK_ID AND state = 'queued'")" \
	    "round $round: 30 queued batches of 20"
	first=$(($(recorded_count) + 1))
	"$DIALDESK_BIN" --config "$T_CONF" worker --once >>"$W_LOG" 2>&1 &
	w1=$!
	"$DIALDESK_BIN" --config "$T_CONF" worker --once >>"$W_LOG" 2>&1 &
	w2=$!
	rc1=0 rc2=0
	wait "$w1" || rc1=$?
	wait "$w2" || rc2=$?
	expect_eq "0 0" "$rc1 $rc2" "round $round: both workers exit 0"
	printf '# round %s: worker %s sent %s batches, worker %s sent %s\n' "$round" \
	    "$w1" "$(grep -c "pid=$w1 msg=\"batch" "$W_LOG" || true)" \
	    "$w2" "$(grep -c "pid=$w2 msg=\"batch" "$W_LOG" || true)"
	last=$(recorded_count)
	expect_eq 30 $((last - first + 1)) "round $round: the vendor received exactly 30 requests"
	names=$(for ((k = first; k <= last; k++)); do json_get "$(recorded "$k")" .name; done | sort -u)
	expect_eq 30 "$(grep -c "^并发$round ([0-9]*/30)\$" <<<"$names")" "round $round: 30 distinct names \"并发$round (k/30)\""
	phones=$(for ((k = first; k <= last; k++)); do jq -r '.deliverList[].phone' "$(recorded "$k")"; done)
	expect_eq "600 600" "$(wc -l <<<"$phones" | tr -d ' ') $(sort -u <<<"$phones" | wc -l | tr -d ' ')" \
	    "round $round: 600 phones sent, none twice"
	expect_eq "30|30|30" "$(sql "SELECT sum(state = 'sent'), sum(attempts = 1), count(DISTINCT vendor_task_id) FROM batches WHERE task_id = $TASK_ID")" \
	    "round $round: every batch sent once, on its first attempt, with its own vendor task id"
	expect_eq 30 "$(sql "SELECT count(*) FROM audit WHERE action = 'batch.sent' AND object = '并发$round'")" \
	    "round $round: 30 batch.sent audit entries"
done
expect_eq 0 "$(grep -ci 'error\|locked\|busy' "$W_LOG")" "the workers logged no error"
rc=0
dialdesk audit verify >>"$T_LOG" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"
