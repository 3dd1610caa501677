#!/usr/bin/env bash
# t7450-task-figures-kept.sh: the figures sql/016_task_figures.sql keeps in
# every task and batch row equal the ones computed from every batch's newest
# push, on either engine, after a random mix of what changes them: pushes
# stored linked and unlinked, linked automatically (by vendor task id) and
# by hand, unlinked, moved to another batch and deleted; batches sent,
# refused, cancelled, requeued and deleted. A batch keeps its task and its
# rows. The task page shows the computed figures. On SQLite, the migration
# fills the kept figures of a database that had pushes before it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
op=$(sql "SELECT id FROM users WHERE name = 'operator'")

SEED=${T7450_SEED:-$(date +%s)}
RANDOM=$SEED
echo "# random seed $SEED (T7450_SEED=$SEED repeats this run)"
TASKS=4
PER=10	# batches per task
NB=$((TASKS * PER))

for t in $(seq 1 $TASKS); do
	sql "INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
	    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
	    VALUES ($t, $op, 1, 'confirmed', '{}', 'f.csv', '', 1, 'x', 'csv', 'utf-8', ',',
	    '[]', 0, -1);
	    INSERT INTO tasks (id, import_id, user_id, name, params, login_name, created, state,
	    rows, batch_count) VALUES ($t, $t, $op, '任务 $t', '{}', 'l', 1, 'sending',
	    $((PER * 10)), $PER)"
done
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $NB)
    INSERT INTO batches (id, task_id, seq, first_seq, rows, state, updated, vendor_task_id)
    SELECT i, 1 + (i - 1) / $PER, 1 + (i - 1) % $PER, 1 + 10 * ((i - 1) % $PER), 3 + i % 7,
    'queued', 0, 'V' || i FROM n"

n_push=0
rb() { echo $((1 + RANDOM % NB)); }
# push BATCH_OR_NULL VENDOR_BATCH: a push for the vendor task of that batch,
# stored linked or not; one in five is a failure reason (ok = 0).
push() {
	local ok=$((RANDOM % 5 != 0)) linked=auto
	[[ $1 == NULL ]] && linked=
	n_push=$((n_push + 1))
	sql "INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
	    vendor_task_id, batch_id, linked_by, ok, reason, total, success, fail, blacklist,
	    repeat, filter, shi, kong, tingji, kuwu, chenmo, fenxian, chaopin)
	    VALUES ($n_push, '127.0.0.1', 'application/json', '{}', 'sha$n_push', 'V$2',
	    'V$2', $1, '$linked', $ok, '', $((RANDOM % 100)), $((RANDOM % 50)),
	    $((RANDOM % 50)), $((RANDOM % 9)), $((RANDOM % 9)), $((RANDOM % 9)),
	    $((RANDOM % 30)), $((RANDOM % 30)), $((RANDOM % 9)), $((RANDOM % 9)),
	    $((RANDOM % 9)), $((RANDOM % 9)), $((RANDOM % 9)))"
}
any_push() { sql "SELECT id FROM pushes ORDER BY id LIMIT 1 OFFSET $((RANDOM % (n_push + 1)))"; }
states=(queued sending sent failed unknown cancelled)
declare -A did=() gone=()
# mixed: every kind the check below names was done at least once.
mixed() {
	[[ ${did[stored_linked]:-} && ${did[linked_auto]:-} && ${did[linked_by_hand]:-} &&
	    ${did[unlinked]:-} && ${did[push_deleted]:-} && ${did[batch_sent]:-} &&
	    ${did[batch_failed]:-} && ${did[batch_cancelled]:-} ]]
}
# 300 changes, and more (up to 2,000) until the mix has every kind: a
# seed whose first 300 lack one would prove less, not fail.
for i in $(seq 1 2000); do
	((i > 300)) && mixed && break
	b=$(rb)
	[[ -n ${gone[$b]:-} ]] && continue
	case $((RANDOM % 10)) in
	0 | 1 | 2) push "$b" "$b"; did[stored_linked]=1 ;;
	3) push NULL "$b"; did[stored_unlinked]=1 ;;
	4)	# the committer's automatic link (STMT_PUSH_LINK_AUTO)
		sql "UPDATE pushes SET batch_id = $b, linked_by = 'auto'
		    WHERE vendor_task_id = 'V$b' AND batch_id IS NULL"
		did[linked_auto]=1 ;;
	5)	# a link by hand (STMT_PUSH_LINK_MANUAL), to any batch
		p=$(sql "SELECT id FROM pushes WHERE batch_id IS NULL ORDER BY id DESC LIMIT 1")
		if [[ -n $p ]]; then
			sql "UPDATE pushes SET batch_id = $b, linked_by = 'admin'
			    WHERE id = $p AND batch_id IS NULL"
			did[linked_by_hand]=1
		fi ;;
	6)	p=$(any_push)
		if [[ -n $p ]]; then
			if ((RANDOM % 2)); then
				sql "UPDATE pushes SET batch_id = NULL, linked_by = '' WHERE id = $p"
				did[unlinked]=1
			else
				sql "UPDATE pushes SET batch_id = $b, linked_by = 'admin' WHERE id = $p"
				did[moved]=1
			fi
		fi ;;
	7)	p=$(any_push)
		if [[ -n $p ]]; then
			sql "DELETE FROM pushes WHERE id = $p"
			did[push_deleted]=1
		fi ;;
	8)	s=${states[RANDOM % ${#states[@]}]}
		sql "UPDATE batches SET state = '$s', updated = 1 WHERE id = $b"
		did[batch_$s]=1 ;;
	9)	# a batch no push names goes (and its task's figures with it)
		if [[ -z $(sql "SELECT 1 FROM pushes WHERE batch_id = $b LIMIT 1") ]] &&
		    [[ -n $(sql "SELECT 1 FROM batches WHERE id = $b") ]] && ((RANDOM % 4 == 0)); then
			sql "DELETE FROM batches WHERE id = $b"
			gone[$b]=1
			did[batch_deleted]=1
		fi ;;
	esac
done
echo "# did: ${!did[*]}"
expect_eq 1 "$(mixed && echo 1)" \
    "the mix stored, linked by vendor task and by hand, unlinked and deleted pushes, and sent, refused and cancelled batches"

FIGS="total, success, fail, blacklist, repeat, filter, shi, kong, tingji, kuwu, chenmo, fenxian, chaopin"
kept_b=$(sql "SELECT id, fig_push, $(sed -e 's/\([a-z][a-z]*\)/fig_\1/g' <<<"$FIGS")
    FROM batches ORDER BY id")
walk_b=$(sql "SELECT b.id, coalesce(p.id, 0), $(sed -e 's/\([a-z][a-z]*\)/coalesce(p.\1, 0)/g' <<<"$FIGS")
    FROM batches AS b LEFT JOIN pushes AS p ON p.id =
    (SELECT max(id) FROM pushes WHERE batch_id = b.id) AND p.ok = 1 ORDER BY b.id")
expect_eq "$walk_b" "$kept_b" "each batch keeps its newest push's figures when that push counts"
# The task page's totals before 016 (STMT_TASK_TOTALS), computed.
walk_t=$(sql "SELECT t.id, count(p.id), coalesce(sum(CASE WHEN p.id IS NOT NULL THEN b.rows END), 0),
    $(sed -e 's/\([a-z][a-z]*\)/coalesce(sum(p.\1), 0)/g' <<<"$FIGS")
    FROM tasks AS t LEFT JOIN batches AS b ON b.task_id = t.id LEFT JOIN pushes AS p ON p.id =
    (SELECT max(id) FROM pushes WHERE batch_id = b.id) AND p.ok = 1 GROUP BY t.id ORDER BY t.id")
kept_t=$(sql "SELECT id, fig_batches, fig_rows, $(sed -e 's/\([a-z][a-z]*\)/fig_\1/g' <<<"$FIGS")
    FROM tasks ORDER BY id")
expect_eq "$walk_t" "$kept_t" "each task keeps the sums of its batches' newest counting pushes"
nonzero=$(sql "SELECT count(*) FROM tasks WHERE fig_batches > 0 AND fig_success > 0")
expect_eq 1 "$((nonzero > 0))" "... and some tasks have figures ($nonzero)"

# The page shows them: the task with the most counted batches.
read -r tid succ < <(sql "SELECT t.id, coalesce(sum(p.success), 0) FROM tasks AS t
    JOIN batches AS b ON b.task_id = t.id JOIN pushes AS p ON p.id =
    (SELECT max(id) FROM pushes WHERE batch_id = b.id) AND p.ok = 1
    GROUP BY t.id ORDER BY count(*) DESC, t.id LIMIT 1" | tr '|' ' ')
req "$ajar" GET "/tasks/$tid"
expect_status 200 "task $tid's page"
expect_body_contains ">$succ<" "... shows its computed successes ($succ)"

# A batch keeps its task and its rows: the sums would count it twice.
# (A batch the mix kept: an UPDATE of a deleted one changes nothing.)
b=$(sql "SELECT min(id) FROM batches")
expect_eq 1 "$((${b:-0} > 0))" "a batch is left to try ($b)"
rc=0
sql "UPDATE batches SET rows = rows + 1 WHERE id = $b" >/dev/null 2>&1 || rc=$?
expect_eq 1 "$((rc != 0))" "a batch's rows cannot change"
rc=0
sql "UPDATE batches SET task_id = 1 + task_id % $TASKS WHERE id = $b" >/dev/null 2>&1 || rc=$?
expect_eq 1 "$((rc != 0))" "a batch cannot move to another task"
expect_eq "$kept_t" "$(sql "SELECT id, fig_batches, fig_rows,
    $(sed -e 's/\([a-z][a-z]*\)/fig_\1/g' <<<"$FIGS") FROM tasks ORDER BY id")" \
    "... and the figures stay as they were"

# The migration fills the figures of the pushes stored before it (SQLite:
# the steps up to 015 from sql/, some data, then 016).
if [[ $T_ENGINE != postgresql ]]; then
	old=$T_DIR/old.db
	for f in "$DD_TOP"/sql/0*.sql; do
		[[ $(basename "$f") < 016 ]] && sqlite3 -batch "$old" <"$f" >/dev/null
	done
	sqlite3 -batch "$old" "INSERT INTO users (id, name, role, pwhash, created, updated)
	    VALUES (1, 'op', 'operator', 'x', 0, 0);
	    INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
	    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
	    VALUES (1, 1, 1, 'confirmed', '{}', 'f', '', 1, 'x', 'csv', 'utf-8', ',', '[]', 0, -1);
	    INSERT INTO tasks (id, import_id, user_id, name, params, login_name, created, state,
	    rows, batch_count) VALUES (1, 1, 1, 't', '{}', 'l', 1, 'sent', 30, 3);
	    INSERT INTO batches (id, task_id, seq, first_seq, rows, state, updated)
	    VALUES (1, 1, 1, 1, 10, 'sent', 0), (2, 1, 2, 11, 7, 'sent', 0),
	    (3, 1, 3, 18, 5, 'sent', 0);
	    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
	    vendor_task_id, batch_id, ok, total, success, chaopin) VALUES
	    (1, 'a', 'c', '{}', 'a', 's', 'v', 1, 1, 100, 1, 1),
	    (2, 'a', 'c', '{}', 'b', 's', 'v', 1, 1, 10, 4, 2),
	    (3, 'a', 'c', '{}', 'c', 's', 'v', 2, 1, 7, 3, 0),
	    (4, 'a', 'c', '{}', 'd', 's', 'v', 3, 1, 50, 50, 0),
	    (5, 'a', 'c', '{}', 'e', 's', 'v', 3, 0, 0, 0, 0)"
	sqlite3 -batch "$old" <"$DD_TOP"/sql/016_*.sql
	expect_eq "2|17|17|7|2" "$(sqlite3 -batch "$old" "SELECT fig_batches, fig_rows,
	    fig_total, fig_success, fig_chaopin FROM tasks")" \
	    "the migration fills the figures of the pushes already stored (a failed newest push counts nothing)"
fi
