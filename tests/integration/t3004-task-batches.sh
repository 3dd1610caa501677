#!/usr/bin/env bash
# t3004-task-batches.sh: a list of 60,000 rows is split into batches of
# batch_size rows (10,000 by default: 6 batches, each a vendor task named
# "name (k/6)"), and `dialdesk worker --once` sends them all: every row
# exactly once, in the list's order, no body over the vendor's 50,000 rows.
# With batch_size 50000 the same list makes 2 batches, 50,000 and 10,000.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"

N=60000
LIST=$T_DIR/sixty-thousand.csv
awk -v n="$N" 'BEGIN { print "手机号,姓名,编号"
    for (i = 0; i < n; i++) printf "1350%07d,客户%d,%d\n", i, i, i }' >"$LIST"
awk -F, 'NR > 1 { print $1 }' "$LIST" >"$T_DIR/phones.expected"

# sent_phones FROM TO: the phones of records FROM..TO, in order.
sent_phones() {
	local k
	for ((k = $1; k <= $2; k++)); do
		jq -r '.deliverList[].phone' "$(recorded "$k")"
	done
}

# check_split BATCHES SIZE FIRST-RECORD NAME: the records FIRST.. of one
# task of BATCHES batches.
check_split() {
	local n=$1 size=$2 first=$3 name=$4 k rec rows names='' counts='' want_counts=''
	for ((k = 1; k <= n; k++)); do
		rec=$(recorded $((first + k - 1)))
		names+="$(json_get "$rec" .name)|"
		counts+="$(json_get "$rec" '.deliverList | length') "
		if ((k < n)); then want_counts+="$size "; else want_counts+="$((N - size * (n - 1))) "; fi
		rows=$(json_get "$rec" '.deliverList | length')
		if ((rows > 50000)); then not_ok "record $((first + k - 1)) has $rows rows, over 50,000"; fi
	done
	local want_names=''
	for ((k = 1; k <= n; k++)); do want_names+="$name ($k/$n)|"; done
	expect_eq "$want_names" "$names" "the $n vendor tasks are named \"$name (k/$n)\", in order"
	expect_eq "$want_counts" "$counts" "their deliverLists hold $want_counts rows"
	expect_eq "$n" "$(for ((k = first; k < first + n; k++)); do jq -r '.sign' "$(recorded "$k")"; done | sort -u | wc -l)" \
	    "each has a sign of its own (the name is in the recipe)"
	expect_eq "$n" "$(for ((k = first; k < first + n; k++)); do json_get "$(recorded_meta "$k")" .errCode; done | grep -cx 0)" \
	    "the sandbox accepted all $n (so each sign was right)"
	sent_phones "$first" $((first + n - 1)) >"$T_DIR/phones.sent"
	expect_eq "$N" "$(wc -l <"$T_DIR/phones.sent")" "the deliverLists hold $N rows in all"
	expect_eq 0 "$(sort "$T_DIR/phones.sent" | uniq -d | wc -l)" "no phone is sent twice"
	if cmp -s "$T_DIR/phones.expected" "$T_DIR/phones.sent"; then
		ok "every row of the list is sent once, in the list's order"
	else
		not_ok "every row of the list is sent once, in the list's order" \
		    "$(diff "$T_DIR/phones.expected" "$T_DIR/phones.sent" | head -n 5)"
	fi
	expect_eq '{"name":"客户0","phone":"13500000000","otherInfo":[{"title":"编号","value":"0"}]}' \
	    "$(jq -c '.deliverList[0]' "$(recorded "$first")")" "rows keep their name and other columns"
}

# --- the default batch_size: 10,000 ---------------------------------------------

started=$(date +%s)
upload_list "$jar" "$LIST" name=六万名单
expect_status 303 "a 60,000-row list is taken (303) in $(($(date +%s) - started)) s"
req "$jar" GET "/imports/$IMPORT_ID"
expect_body_contains '<dt>有效</dt><dd>60000</dd>' "the preview counts 60,000 valid rows"
expect_body_contains '<dd>6<span class="stat-unit">批</span><span class="stat-note">每批 10000 条</span>' \
    "... to go in 6 batches of 10,000"
confirm_import "$jar" "$IMPORT_ID"
expect_status 303 "confirmed"
expect_eq "6|60000|1:1:10000 2:10001:10000 3:20001:10000 4:30001:10000 5:40001:10000 6:50001:10000" \
    "$(sql "SELECT count(*), sum(rows), group_concat(seq || ':' || first_seq || ':' || rows, ' ') FROM (SELECT * FROM batches WHERE task_id = $TASK_ID ORDER BY seq) AS b")" \
    "6 batches of 10,000 consecutive rows"
started=$(date +%s)
rc=0
worker_once || rc=$?
expect_eq 0 "$rc" "worker --once sends them in $(($(date +%s) - started)) s"
expect_eq 6 "$(recorded_count)" "the sandbox received 6 create requests"
check_split 6 10000 1 六万名单
expect_eq "6|6" "$(sql "SELECT sum(state = 'sent'), count(DISTINCT vendor_task_id) FROM batches WHERE task_id = $TASK_ID")" \
    "all 6 batches are sent, each with a vendor task id of its own"
req "$jar" GET "/tasks/$TASK_ID"
expect_body_contains '已完成 <strong>6</strong> / 6 批' "the task page shows 6 of 6 batches done"

# --- batch_size 50000: the vendor's maximum ---------------------------------------------

t_stop_serve || true
t_conf batch_size 50000
t_write_config "$T_CONF" "$T_DB"
rm -f "$T_SOCK"
t_start_serve
dd_wait_http "$BASE/login" 200 20 "$T_SERVE_PID" || not_ok "dialdesk restarts with batch_size 50000"
new_task "$jar" "$LIST" name=五万一批
expect_eq "2|50000,10000" "$(sql "SELECT count(*), group_concat(rows) FROM (SELECT rows FROM batches WHERE task_id = ${TASK_ID:-0} ORDER BY seq) AS b")" \
    "with batch_size 50000 the list makes 2 batches: 50,000 and 10,000"
rc=0
worker_once || rc=$?
expect_eq "0 8" "$rc $(recorded_count)" "worker --once sends both"
check_split 2 50000 7 五万一批
