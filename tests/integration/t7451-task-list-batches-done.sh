#!/usr/bin/env bash
# t7451-task-list-batches-done.sh: the settled batches sql/018_task_list.sql
# keeps in every task row (tasks.batches_done: sent, refused, unknown or
# cancelled) equal the count of them, on either engine, after a random mix
# of what changes them: batches added in any state, moved from state to
# state by the statements the sender and the pages use and by hand, and
# deleted. The task list shows the kept count as its progress. On SQLite,
# the migration fills the count of a database that had batches before it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
op=$(sql "SELECT id FROM users WHERE name = 'operator'")

SEED=${T7451_SEED:-$(date +%s)}
RANDOM=$SEED
echo "# random seed $SEED (T7451_SEED=$SEED repeats this run)"
TASKS=5
for t in $(seq 1 $TASKS); do
	sql "INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
	    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
	    VALUES ($t, $op, 1, 'confirmed', '{}', 'f.csv', '', 1, 'x', 'csv', 'utf-8', ',',
	    '[]', 0, -1);
	    INSERT INTO tasks (id, import_id, user_id, name, params, login_name, created, state,
	    rows, batch_count) VALUES ($t, $t, $op, '任务 $t', '{}', 'l', 1, 'sending', 100, 10)"
done

states=(queued sending sent failed unknown cancelled)
# The batches as the test made them: state by id, and their task (one sql
# call a change: each is slow on a busy machine).
declare -A st=() tk=() did=()
next=1
mixed() {
	[[ ${did[added_settled]:-} && ${did[added_open]:-} && ${did[settled]:-} &&
	    ${did[unsettled]:-} && ${did[settled_to_settled]:-} && ${did[deleted_settled]:-} &&
	    ${did[deleted_open]:-} && ${did[cancel_all]:-} && ${did[stale]:-} ]]
}
settled() { [[ $1 == sent || $1 == failed || $1 == unknown || $1 == cancelled ]]; }
# 150 changes, more (up to 2,000) until every kind was done once.
for i in $(seq 1 2000); do
	((i > 150)) && mixed && break
	t=$((1 + RANDOM % TASKS))
	ids=("${!st[@]}")
	b=
	((${#ids[@]} > 0)) && b=${ids[RANDOM % ${#ids[@]}]}
	case $((RANDOM % 8)) in
	0 | 1 | 2)
		s=${states[RANDOM % ${#states[@]}]}
		sql "INSERT INTO batches (id, task_id, seq, first_seq, rows, state, updated,
		    claimed_at) VALUES ($next, $t, $next, 1, 10, '$s', 0, 0)"
		st[$next]=$s
		tk[$next]=$t
		next=$((next + 1))
		if settled "$s"; then did[added_settled]=1; else did[added_open]=1; fi ;;
	3 | 4)	[[ -n $b ]] || continue
		s=${states[RANDOM % ${#states[@]}]}
		sql "UPDATE batches SET state = '$s', updated = 1 WHERE id = $b"
		if settled "${st[$b]}" && settled "$s"; then did[settled_to_settled]=1
		elif settled "$s"; then did[settled]=1
		elif settled "${st[$b]}"; then did[unsettled]=1; fi
		st[$b]=$s ;;
	5)	[[ -n $b ]] || continue
		settled "${st[$b]}" && did[deleted_settled]=1 || did[deleted_open]=1
		sql "DELETE FROM batches WHERE id = $b"
		unset "st[$b]" "tk[$b]" ;;
	6)	# a task cancelled (STMT_TASK_CANCEL_BATCHES): every queued one
		sql "UPDATE batches SET state = 'cancelled', updated = 2
		    WHERE task_id = $t AND state = 'queued'"
		for b in "${!st[@]}"; do
			[[ ${tk[$b]} == "$t" && ${st[$b]} == queued ]] && st[$b]=cancelled
		done
		did[cancel_all]=1 ;;
	7)	if ((RANDOM % 2)); then
			# the sender's sweep (STMT_BATCH_STALE): sending ones become unknown
			sql "UPDATE batches SET state = 'unknown', message = 'm', updated = 3,
			    claimed_by = '' WHERE state = 'sending' AND claimed_at < 1"
			for b in "${!st[@]}"; do
				[[ ${st[$b]} == sending ]] && st[$b]=unknown
			done
			did[stale]=1
		elif [[ -n $b ]]; then
			# an UPDATE that leaves the state as it was
			sql "UPDATE batches SET state = state, updated = 4 WHERE id = $b"
		fi ;;
	esac
done
echo "# did: ${!did[*]}"
expect_eq 1 "$(mixed && echo 1)" \
    "the mix added open and settled batches, settled, unsettled, cancelled, swept and deleted them"

count="SELECT t.id, (SELECT count(*) FROM batches AS b WHERE b.task_id = t.id
    AND b.state IN ('sent', 'failed', 'unknown', 'cancelled')) FROM tasks AS t ORDER BY t.id"
kept="SELECT id, batches_done FROM tasks ORDER BY id"
expect_eq "$(sql "$count")" "$(sql "$kept")" "each task keeps the count of its settled batches"
mine=$(for ((t = 1; t <= TASKS; t++)); do
	n=0
	for b in "${!st[@]}"; do
		[[ ${tk[$b]} == "$t" ]] && settled "${st[$b]}" && n=$((n + 1))
	done
	echo "$t|$n"
done)
expect_eq "$mine" "$(sql "$kept")" "... the count of those the test left settled"
nonzero=$(sql "SELECT count(*) FROM tasks WHERE batches_done > 0")
expect_eq 1 "$((nonzero > 0))" "... and some tasks have settled batches ($nonzero)"

# The list shows the kept count, out of the task's batch_count.
read -r tid done_n < <(sql "SELECT id, batches_done FROM tasks ORDER BY batches_done DESC,
    id LIMIT 1" | tr '|' ' ')
req "$ajar" GET "/tasks"
expect_status 200 "the task list answers 200"
row=$(tr -d '\n' <"$R_BODY" | grep -o "<tr id=\"task-$tid\">.*" | sed -e 's|</tr>.*||')
expect_match "<td class=\"nowrap\">$done_n/10 批</td>" "$row" \
    "the list shows task $tid's settled batches ($done_n of 10)"

# The migration fills the count of the batches stored before it (SQLite:
# the steps up to 017 from sql/, some data, then 018).
if [[ $T_ENGINE != postgresql ]]; then
	old=$T_DIR/old.db
	for f in "$DD_TOP"/sql/0*.sql; do
		[[ $(basename "$f") < 018 ]] && sqlite3 -batch "$old" <"$f" >/dev/null
	done
	sqlite3 -batch "$old" "INSERT INTO users (id, name, role, pwhash, created, updated)
	    VALUES (1, 'op', 'operator', 'x', 0, 0);
	    INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
	    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
	    VALUES (1, 1, 1, 'confirmed', '{}', 'f', '', 1, 'x', 'csv', 'utf-8', ',', '[]', 0, -1),
	    (2, 1, 1, 'confirmed', '{}', 'f', '', 1, 'x', 'csv', 'utf-8', ',', '[]', 0, -1);
	    INSERT INTO tasks (id, import_id, user_id, name, params, login_name, created, state,
	    rows, batch_count) VALUES (1, 1, 1, 't', '{}', 'l', 1, 'sent', 60, 6),
	    (2, 2, 1, 'u', '{}', 'l', 1, 'queued', 10, 1);
	    INSERT INTO batches (id, task_id, seq, first_seq, rows, state, updated) VALUES
	    (1, 1, 1, 1, 10, 'sent', 0), (2, 1, 2, 11, 10, 'failed', 0),
	    (3, 1, 3, 21, 10, 'unknown', 0), (4, 1, 4, 31, 10, 'cancelled', 0),
	    (5, 1, 5, 41, 10, 'queued', 0), (6, 1, 6, 51, 10, 'sending', 0),
	    (7, 2, 1, 1, 10, 'queued', 0)"
	sqlite3 -batch "$old" <"$DD_TOP"/sql/018_*.sql
	expect_eq "1|4
2|0" "$(sqlite3 -batch "$old" "SELECT id, batches_done FROM tasks ORDER BY id")" \
	    "the migration counts the settled batches already stored (not queued or sending)"
fi
