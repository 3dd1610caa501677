#!/usr/bin/env bash
# t7357-pg-audit-generic-plans.sh: on PostgreSQL the audit pages (page=N,
# and a filter by action or by user, both directions) run on plans made
# once, not planned afresh at each request (issue 11): PostgreSQL keeps a
# prepared statement's generic plan only when it costs no more than the
# plans it makes with each execution's values, and a page whose LIMIT
# alone bounded it (page=N), or a statement sent with its text each time
# (the filters), was planned at every GET (0.1 ms to 0.3 ms of the
# server's). auto_explain logs each plan in the test's own cluster: a
# generic plan names its parameters ($1), one made for the values holds
# them as constants ('50'::bigint). The pages are still the right ones.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_engine postgresql "it reads the plans PostgreSQL logs"
t_pg_drop
t_own_cluster
t_pg_create
DB_NAME=$T_PG_DB T_PG_DB=

t_conf workers 1
t_setup
psql -X -q -d "$T_PG_ADMIN" -v ON_ERROR_STOP=1 \
    -c "ALTER DATABASE $DB_NAME SET session_preload_libraries = 'auto_explain'" \
    -c "ALTER DATABASE $DB_NAME SET auto_explain.log_min_duration = 0" >/dev/null ||
    not_ok "setup: auto_explain for the test's database"
t_start
jar=$T_DIR/jar ojar=$T_DIR/ojar
login auditor "$AUDITOR_PASS" "$jar" || not_ok "auditor signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "$ojar" || not_ok "operator signs in" "$(r_summary)"
for ((i = 0; i < 80; i++)); do
	curl -sS -o /dev/null -b "$ojar" "$BASE/users"
done
newest=$(sql "SELECT max(id) FROM audit")
expect_ge 80 "$newest" "the log holds 80 entries and more"
ids() { grep -oE '<tr id="audit-[0-9]+"' "$R_BODY" | grep -oE '[0-9]+' | tr '\n' ' '; }
before=$((newest - 10))
after=$((newest - 70))
paths=(/audit?page=2 /audit?page=3 "/audit?action=permission.denied&before=$before"
    "/audit?action=permission.denied&after=$after" "/audit?user=operator&before=$before"
    "/audit?user=operator&after=$after")
# PostgreSQL chooses between its generic plan and custom ones over a
# statement's first five executions: not counted.
for ((i = 0; i < 7; i++)); do
	for p in "${paths[@]}"; do
		req "$jar" GET "$p"
	done
done
expect_status 200 "the pages answer 200"

PG_LOG=$PG_DIR/server.log
# plans PATH: 3 GETs of PATH; of the plans auto_explain logged for them
# for statements on audit, the index conditions as "all literal", where
# all is how many and literal how many hold a constant.
plans() {
	local from
	from=$(wc -l <"$PG_LOG")
	for ((i = 0; i < 3; i++)); do
		req "$jar" GET "$1"
		[[ $R_STATUS == 200 ]] || { printf 'status %s\n' "$R_STATUS"; return; }
	done
	sleep 0.5
	tail -n +"$((from + 1))" "$PG_LOG" | awk '
		/Query Text:/ { on = /FROM audit/ }
		on && /Index Cond:/ { all++; if (/\x27/) lit++ }
		END { printf "%d %d\n", all, lit }'
}
for p in "${paths[@]}"; do
	read -r all lit < <(plans "$p")
	printf '# %s: %s index conditions on audit, %s with constants\n' "$p" "$all" "$lit"
	expect_ge 3 "$all" "$p: its plans are logged"
	expect_eq 0 "$lit" "$p: every plan is the generic one, made once"
done

req "$jar" GET /audit?page=3
expect_eq "$(sql "SELECT id FROM audit WHERE id <= $newest - 50 ORDER BY id DESC LIMIT 25" | tr '\n' ' ')" \
    "$(ids)" "page=3 shows the 25 entries from 50 below the newest"
req "$jar" GET "/audit?action=permission.denied&before=$before"
expect_eq "$(sql "SELECT id FROM audit WHERE action = 'permission.denied' AND id < $before
    ORDER BY id DESC LIMIT 25" | tr '\n' ' ')" "$(ids)" "a page filtered by action shows the 25 below the key"
req "$jar" GET "/audit?user=operator&after=$after"
expect_eq "$(sql "SELECT id FROM (SELECT id FROM audit WHERE actor = 'operator' AND id > $after
    ORDER BY id LIMIT 25) AS p ORDER BY id DESC" | tr '\n' ' ')" "$(ids)" \
    "a page filtered by user, after a key, shows the 25 above it, newest first"
