#!/usr/bin/env bash
# t7465-audit-list-migration.sh: migration 019 (audit_list, the covering
# index of the audit page by user and action) applied to a log written
# before it, on either engine: `dialdesk migrate` keeps every entry as it
# was and the chain intact (`dialdesk audit verify`), the old index goes,
# and every filter shape (none, user, action, date range, all three) shows
# the same entries on its first page, its 下一页 and that page's 上一页
# before and after; SQLite's audit_list holds the list's columns after its
# key (PostgreSQL's the key only: sql/postgresql/019_audit_list.sql). An
# entry appended after the migration keeps the chain.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar ojar=$T_DIR/ojar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "$ojar" || not_ok "operator signs in" "$(r_summary)"

# A log of several users and actions: the sign-ins, refusals of the
# operator and failed sign-ins.
for ((i = 0; i < 40; i++)); do
	curl -sS -o /dev/null -b "$ojar" "$BASE/users"
	if ((i % 4 == 0)); then
		login operator wrong "$T_DIR/bad" || true
	fi
done
expect_ge "$(sql "SELECT count(*) FROM audit WHERE actor = 'operator' AND action = 'permission.denied'")" 40 \
    "the log holds the operator's 40 refusals"

ids() { grep -oE '<tr id="audit-[0-9]+"' "$R_BODY" | grep -oE '[0-9]+' | tr '\n' ' '; }
link() {
	grep -oE "<a class=\"btn btn-secondary\" href=\"[^\"]*\" rel=\"$1\"" "$R_BODY" |
	    sed -e 's/.*href="\([^"]*\)".*/\1/' -e 's/&amp;/\&/g'
}
day=$(date +%F)
shapes=("" "user=operator" "action=permission.denied" "from=$day&to=$day"
	"user=operator&action=permission.denied&from=$day&to=$day")
# pages: for each shape, its first page, 下一页 and that page's 上一页.
pages() {
	local s next prev
	for s in "${shapes[@]}"; do
		req "$ajar" GET "/audit?$s"
		[[ $R_STATUS == 200 ]] || printf 'status %s ' "$R_STATUS"
		printf '[%s] first: %s\n' "$s" "$(ids)"
		next=$(link next)
		[[ -n $next ]] || { printf '[%s] no next\n' "$s"; continue; }
		req "$ajar" GET "$next"
		printf '[%s] next: %s\n' "$s" "$(ids)"
		prev=$(link prev)
		req "$ajar" GET "$prev"
		printf '[%s] prev: %s\n' "$s" "$(ids)"
	done
}
before=$(pages)
expect_eq 0 "$(grep -c 'status\|no next' <<<"$before")" \
    "every shape answers 200 and has a 下一页 (a second page) on the log"
expect_eq "$(sql "SELECT id FROM audit WHERE actor = 'operator' AND action = 'permission.denied'
    ORDER BY id DESC LIMIT 25" | tr '\n' ' ')" \
    "$(sed -n -e 's/^\[user=operator&action=[^]]*\] first: //p' <<<"$before")" \
    "all three filters: the first page is the 25 newest refusals"

# The store as 018 left it: audit_actor_action, no audit_list, version 18
# (on SQLite with the planner's figures, as a seeded year has them).
t_stop_serve
if [[ $T_ENGINE == postgresql ]]; then
	sql "ALTER INDEX audit_list RENAME TO audit_actor_action;
	    DELETE FROM schema_migrations WHERE version = 19" >/dev/null
else
	sql "DROP INDEX audit_list; CREATE INDEX audit_actor_action ON audit(actor, action, id);
	    ANALYZE; DELETE FROM schema_migrations WHERE version = 19"
fi
rows() { sql "SELECT id, ts, actor_id, actor, addr, user_agent, action, object, details,
    prev_hash, hash FROM audit ORDER BY id" | sha256sum; }
entries=$(rows)
n=$(sql "SELECT count(*) FROM audit")
rc=0
out=$(dialdesk migrate 2>&1) || rc=$?
expect_eq 0 "$rc" "dialdesk migrate applies 019 to a log of $n entries ($T_ENGINE)" "$out"
expect_match "019_audit_list" "$out" "... naming the step"
expect_eq "$entries" "$(rows)" "... and keeps every entry as it was"
rc=0
out=$(dialdesk audit verify 2>&1) || rc=$?
expect_eq 0 "$rc" "audit verify after the migration" "$out"
expect_match "audit chain intact: $n entries" "$out" "... the chain is intact"
if [[ $T_ENGINE == postgresql ]]; then
	expect_eq "actor,action,id" "$(sql "SELECT string_agg(a.attname, ',' ORDER BY k.ord)
	    FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid,
	    unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
	    JOIN pg_attribute a ON a.attrelid = 'audit'::regclass AND a.attnum = k.attnum
	    WHERE c.relname = 'audit_list'")" "PostgreSQL's audit_list is the key (actor, action, id)"
	expect_eq 0 "$(sql "SELECT count(*) FROM pg_class WHERE relname = 'audit_actor_action'")" \
	    "... and audit_actor_action is gone"
else
	expect_eq "actor,action,id,ts,addr,user_agent,object,details,hash" \
	    "$(sql "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info('audit_list')
	    ORDER BY seqno)")" "SQLite's audit_list is the key and the list's columns"
	expect_eq 0 "$(sql "SELECT count(*) FROM sqlite_master WHERE name = 'audit_actor_action'")" \
	    "... and audit_actor_action is gone"
	expect_eq 1 "$(sql "SELECT count(*) FROM sqlite_stat1 WHERE idx = 'audit_list'")" \
	    "... and audit_list has the planner's figures"
	expect_match "COVERING INDEX audit_list" "$(sql "EXPLAIN QUERY PLAN SELECT id, ts, actor,
	    addr, user_agent, action, object, details, hash FROM audit WHERE actor = 'operator'
	    AND action = 'login.failed' AND id < 1000 ORDER BY id DESC LIMIT 26")" \
	    "... which the page by user and action reads alone"
fi

t_start_serve
expect_eq "$before" "$(pages)" \
    "every filter shape shows the same pages after the migration (first, 下一页, 上一页)"
curl -sS -o /dev/null -b "$ojar" "$BASE/users"
rc=0
out=$(dialdesk audit verify 2>&1) || rc=$?
expect_eq 0 "$rc" "an entry appended after the migration keeps the chain" "$out"
expect_match "audit chain intact: $((n + 1)) entries" "$out" "... one entry more"
