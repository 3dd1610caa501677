#!/usr/bin/env bash
# t7357-pg-audit-generic-plans.sh: on PostgreSQL the audit pages (page=N,
# and a filter by action or by user, both directions) run as statements
# prepared once, not sent with their text to be parsed and planned at
# each request (issue 11: 0.2 ms to 0.3 ms of the server's a GET), and
# none of their plans takes audit_ts (a BitmapAnd of it with the key, which
# a generic plan of the shared text did). Read in the test's own
# cluster's log: log_statement = all names each execution (execute s12,
# or execute <unnamed> for a text sent), auto_explain logs each plan. The
# pages are still the right ones.
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
    -c "ALTER DATABASE $DB_NAME SET auto_explain.log_min_duration = 0" \
    -c "ALTER DATABASE $DB_NAME SET log_statement = 'all'" >/dev/null ||
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
# A worker's first requests prepare its statements: not counted.
for p in "${paths[@]}"; do
	req "$jar" GET "$p"
done
expect_status 200 "the pages answer 200"

PG_LOG=$PG_DIR/server.log
# plans PATH: 3 GETs of PATH; of what the server logged for them, the
# statements on audit executed as "prepared sent", where prepared is how
# many ran a prepared statement and sent how many came with their text,
# and the plans on audit as "plans bad", bad: those with audit_ts or a
# BitmapAnd.
plans() {
	local from
	from=$(wc -l <"$PG_LOG")
	for ((i = 0; i < 3; i++)); do
		req "$jar" GET "$1"
		[[ $R_STATUS == 200 ]] || { printf 'status %s\n' "$R_STATUS"; return; }
	done
	sleep 0.5
	tail -n +"$((from + 1))" "$PG_LOG" | awk '
		/LOG: +execute [^:]*: .*FROM audit/ { if (/execute <unnamed>/) sent++; else prepared++ }
		/LOG: +statement: .*FROM audit/ { sent++ }
		/Query Text:/ { on = /FROM audit/; if (on) plans++ }
		on && /audit_ts|BitmapAnd/ { bad++ }
		END { printf "%d %d %d %d\n", prepared, sent, plans, bad }'
}
for p in "${paths[@]}"; do
	read -r prepared sent nplans bad < <(plans "$p")
	printf '# %s: %s prepared, %s sent with their text; %s plans, %s with audit_ts or a BitmapAnd\n' \
	    "$p" "$prepared" "$sent" "$nplans" "$bad"
	expect_ge 3 "$prepared" "$p: its page statement runs prepared"
	expect_eq 0 "$sent" "$p: ... and none is sent with its text"
	expect_ge 3 "$nplans" "$p: its plans are logged"
	expect_eq 0 "$bad" "$p: ... and none takes audit_ts or a BitmapAnd"
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
