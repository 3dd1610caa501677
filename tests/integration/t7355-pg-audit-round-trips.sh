#!/usr/bin/env bash
# t7355-pg-audit-round-trips.sh: a signed-in GET /audit on PostgreSQL runs
# two statements (issue 11): the session with the settings' version in
# one, and the page, which finds the newest id itself for page=N; no
# separate version check, no max(id), no session write within the minute.
# Counted in the server log of the test's own cluster, with log_statement
# = all for the test's database. The pages are still the right ones.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_engine postgresql "it counts the statements PostgreSQL logs"
# The database lib.sh made goes; this test's own is made in its own
# cluster, whose log holds its statements only.
t_pg_drop
t_own_cluster
t_pg_create
# ... and goes with that cluster (stopped before t_teardown).
DB_NAME=$T_PG_DB T_PG_DB=

t_conf workers 1
t_setup
psql -X -q -d "$T_PG_ADMIN" -c "ALTER DATABASE $DB_NAME SET log_statement = 'all'" >/dev/null ||
    not_ok "setup: log_statement = all for the test's database"
t_start
jar=$T_DIR/jar ojar=$T_DIR/ojar
login auditor "$AUDITOR_PASS" "$jar" || not_ok "auditor signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "$ojar" || not_ok "operator signs in" "$(r_summary)"
# 80 entries more: the operator refused /users, each a permission.denied.
for ((i = 0; i < 80; i++)); do
	curl -sS -o /dev/null -b "$ojar" "$BASE/users"
done
newest=$(sql "SELECT max(id) FROM audit")
expect_ge 80 "$newest" "the log holds 80 entries and more"
# ids: the entry ids of the last page, in order, one a line.
ids() { grep -oE '<tr id="audit-[0-9]+"' "$R_BODY" | grep -oE '[0-9]+' | tr '\n' ' '; }
# The worker's first requests prepare its statements and load the
# settings: not counted.
for i in 1 2 3; do
	req "$jar" GET /audit
done
expect_status 200 "GET /audit answers 200"

PG_LOG=$PG_DIR/server.log
# statements_per_request N PATH: N GETs of PATH; the statements the
# server logged for them, divided by N (to one decimal).
statements_per_request() {
	local n=$1 path=$2 from to i
	from=$(grep -cE 'LOG: +(execute|statement)' "$PG_LOG" || true)
	for ((i = 0; i < n; i++)); do
		req "$jar" GET "$path"
		[[ $R_STATUS == 200 ]] || { printf 'status %s\n' "$R_STATUS"; return; }
	done
	to=$(grep -cE 'LOG: +(execute|statement)' "$PG_LOG" || true)
	awk -v a="$from" -v b="$to" -v n="$n" 'BEGIN { printf "%.1f\n", (b - a) / n }'
}

got=$(statements_per_request 5 /audit)
printf '# statements per GET /audit: %s\n' "$got"
expect_eq 2.0 "$got" "a signed-in GET /audit runs 2 statements (session with the settings' version, page)"
expect_eq "$(sql "SELECT id FROM audit ORDER BY id DESC LIMIT 25" | tr '\n' ' ')" "$(ids)" \
    "... and shows the newest 25 entries"

got=$(statements_per_request 5 /audit?page=3)
printf '# statements per GET /audit?page=3: %s\n' "$got"
expect_eq 2.0 "$got" "page=3 runs 2 statements: the page finds the newest id itself"
expect_eq "$(sql "SELECT id FROM audit WHERE id <= $newest - 50 ORDER BY id DESC LIMIT 25" | tr '\n' ' ')" \
    "$(ids)" "... and shows the 25 entries from 50 below the newest"
expect_body_contains 'rel="prev"' "... with a link to the newer page"
expect_body_contains 'rel="next"' "... and one to the older"

before=$((newest - 20))
got=$(statements_per_request 5 "/audit?action=permission.denied&before=$before")
printf '# statements per filtered GET /audit: %s\n' "$got"
expect_eq 2.0 "$got" "a page filtered by action, by key, runs 2 statements"
expect_eq "$(sql "SELECT id FROM audit WHERE action = 'permission.denied' AND id < $before
    ORDER BY id DESC LIMIT 25" | tr '\n' ' ')" "$(ids)" "... and shows the 25 matching entries below the key"
