#!/usr/bin/env bash
# bench/pg.sh: the PostgreSQL targets of issue 11 (docs/SCALING.md,
# docs/PERFORMANCE.md), measured as bench/run.sh measures (bench/lib.sh:
# nginx on 127.0.0.1, wrk, medians of runs), on a throw-away cluster of
# tests/pg/cluster.sh started with DD_PG_DURABLE=1 (fsync on: the commits
# measured are durable ones).
#
# usage: bench/pg.sh [-r RUNS] [-d SECONDS] [-k] [TARGET...]
#   TARGET   callback  POST /callback/import, distinct bodies: >= 1,500/s,
#                      p99 < 50 ms
#            audit     GET /audit, 100,000 entries, random pages and a
#                      filter (action), PostgreSQL vs SQLite: >= 50 %
#                      (the entries are seeded on SQLite by bench/seed and
#                      moved by `dialdesk db copy`)
#            import    a 50,000-row CSV, upload to preview: <= 1 s
#            kill      two hosts behind one nginx upstream, one killed with
#                      kill -9 in the middle of a wrk run of pushes: only
#                      the requests in flight on it fail (counted)
#            (default: all, in that order)
#   -r RUNS  runs per figure, medians reported (default 5)
#   -d SECS  each wrk run (default 10)
#   -k       keep the state folder and the cluster's data
# Environment: as bench/run.sh (BUILD, DIALDESK_BIN, SANDBOX_BIN,
# B_WORKERS default 4).
# Exit status: 0 when every target passed, 1 when one failed, 2 on misuse.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034  # read by scripts/lib.sh
DD_PROG=bench-pg

RUNS=5
B_DURATION=10s
B_CONNS=32
KEEP=
B_WORKERS=${B_WORKERS:-4}
ALL_TARGETS=(callback audit import kill)
CLUSTER=$DD_TOP/tests/pg/cluster.sh
PG_DIR=

b_options 8,26 0 "$@"
b_need nginx wrk curl psql sqlite3 gcc

B_B_PID=
B_B_SOCK=
# b_cleanup_more: at exit (b_cleanup), after the stack: host B and the
# cluster.
b_cleanup_more() {
	[[ -n $B_B_PID ]] && { dd_stop "$B_B_PID" 10 || true; }
	if [[ -n $PG_DIR ]]; then
		if [[ -n $KEEP ]]; then
			dd_say "cluster kept in $PG_DIR (stop it: $CLUSTER stop $PG_DIR)"
		else
			"$CLUSTER" stop "$PG_DIR" >/dev/null 2>&1 || true
		fi
	fi
	return 0
}
b_traps
b_init
b_programs

# --- the cluster, and dialdesk on it --------------------------------------------

PG_DIR=$(mktemp -d /tmp/dd-bench-pg.XXXXXX)
DD_PG_DURABLE=1 "$CLUSTER" start "$PG_DIR" >"$B_DIR/cluster.log" 2>&1 ||
    dd_die "the PostgreSQL cluster does not start: $(tail -n 5 "$B_DIR/cluster.log")"
eval "$("$CLUSTER" env "$PG_DIR")"

# pg_uri NAME: the cluster's URI for database NAME.
pg_uri() { printf '%s\n' "$DD_PG_URI" | sed -e "s|^\\(postgresql://[^/]*\\)/[^?]*|\\1/$1|"; }
# pg_createdb NAME: a fresh database as the store wants it (docs/SCALING.md).
pg_createdb() {
	psql -X -q -v ON_ERROR_STOP=1 -d "$DD_PG_ADMIN_URI" \
	    -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
	    -c "CREATE DATABASE $1 OWNER dialdesk ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" \
	    >>"$B_LOG" 2>&1 || dd_die "cannot create database $1"
}

pg_createdb bench
B_DB=$(pg_uri bench)
b_conf state_dir "$B_DIR/local"
mkdir -p "$B_DIR/local"
b_sql() { psql -X -A -t -F '|' -q -v ON_ERROR_STOP=1 -d "$B_DB" -c "$1"; }

b_machine "$PG_DIR" 'PostgreSQL, nginx, dialdesk and wrk' \
    "PostgreSQL $(psql -X -A -t -d "$DD_PG_ADMIN_URI" -c 'SHOW server_version') (fsync on, synchronous_commit $(psql -X -A -t -d "$DD_PG_ADMIN_URI" -c 'SHOW synchronous_commit')), nginx $(b_nginx_version), $(b_wrk_version)" \
    "commit $(git -C "$DD_TOP" rev-parse --short HEAD 2>/dev/null || echo '?'); load average $(cut -d' ' -f1-3 /proc/loadavg)" |
    tee "$B_DIR/machine.txt"

b_setup || dd_die "dialdesk migrate on PostgreSQL failed: see $B_LOG"
b_start_nginx
b_start_sandbox

# --- callback: durable pushes ----------------------------------------------------

target_callback() {
	local url="$BASE/callback/import?token=$CALLBACK_TOKEN" r out before after rows
	local rps p99 req non err all_rps='' all_p99='' bad=''
	echo "== callback: POST /callback/import on PostgreSQL (fsync on), distinct bodies, $B_WORKERS workers"
	b_restart_serve "$B_WORKERS"
	b_push_script "$(dd_random_hex 4)"
	b_warm "$url" -s "$B_DIR/push.lua"
	for ((r = 1; r <= RUNS; r++)); do
		b_push_script "$(dd_random_hex 4)"
		before=$(b_sql 'SELECT count(*) FROM pushes')
		out=$B_DIR/wrk-pg-callback-$r.txt
		b_wrk "$out" "$url" -s "$B_DIR/push.lua"
		sleep 1
		after=$(b_sql 'SELECT count(*) FROM pushes')
		read -r rps p99 req non err < <(b_wrk_figures "$out")
		rows=$((after - before))
		# wrk's last requests may be stored without wrk counting them.
		((rows >= req - non - err && non == 0)) || bad+=" run $r: $req requests, $non non-2xx, $rows stored;"
		all_rps+=" $rps"
		all_p99+=" $p99"
		printf '  run %d: %s pushes/s, p99 %s ms, %d stored\n' "$r" "$rps" "$p99" "$rows"
	done
	[[ -z $bad ]] || dd_say "callback:$bad"
	# shellcheck disable=SC2086
	{
		b_result pg-callback "pushes/s" "$(b_median $all_rps)" "$(b_range $all_rps)" '>= 1500' \
		    "$(b_ge "$(b_median $all_rps)" 1500 && echo 1 || echo 0)"
		b_result pg-callback "p99 ms" "$(b_median $all_p99)" "$(b_range $all_p99)" '< 50' \
		    "$(b_le "$(b_median $all_p99)" 49.999 && echo 1 || echo 0)"
		b_result pg-callback "stored = acknowledged" "$([[ -z $bad ]] && echo yes || echo no)" "all runs" yes \
		    "$([[ -z $bad ]] && echo 1 || echo 0)"
	}
}

# --- audit: the page on 100,000 entries, PostgreSQL vs SQLite -------------------------

# audit_rps DATABASE LABEL: the medians of requests/s on /audit with
# database DATABASE (its admin signs in afresh): AUDIT_RANDOM, AUDIT_FILTER.
audit_rps() {
	local db=$1 label=$2 jar=$B_DIR/audit-$2.jar cookie r ep out rps p99 req non err
	local -A RPS=()
	b_conf database "$db"
	b_restart_serve "$B_WORKERS"
	rm -f "$jar"
	b_signed_in admin "$ADMIN_PASS" "$jar"
	cookie=$(b_cookie "$jar" dd_session)
	for ep in random filter; do
		b_warm "$BASE/audit" -H "Cookie: dd_session=$cookie" -s "$B_DIR/audit-$ep.lua"
	done
	for ((r = 1; r <= RUNS; r++)); do
		for ep in random filter; do
			out=$B_DIR/wrk-pg-audit-$label-$ep-$r.txt
			b_wrk "$out" "$BASE/audit" -H "Cookie: dd_session=$cookie" -s "$B_DIR/audit-$ep.lua"
			read -r rps p99 req non err < <(b_wrk_figures "$out")
			((non + err == 0)) || dd_say "audit $label $ep run $r: $non non-2xx, $err socket errors"
			RPS[$ep]+=" $rps"
			printf '  %s %s run %d: %s/s, p99 %s ms\n' "$label" "$ep" "$r" "$rps" "$p99"
		done
	done
	# shellcheck disable=SC2086
	AUDIT_RANDOM=$(b_median ${RPS[random]})
	# shellcheck disable=SC2086
	AUDIT_FILTER=$(b_median ${RPS[filter]})
}

target_audit() {
	local sq=$B_DIR/audit-sqlite.db pgdb sq_r sq_f pg_r pg_f ep
	echo "== audit: GET /audit with 100,000 entries (pages at random, and filtered by action), SQLite then PostgreSQL"
	# A page at random of the first 2,000 (25 a page) of the 100,000 entries;
	# the filtered pages follow once the seed has written them.
	b_random_page_script "$B_DIR/audit-random.lua" '/audit?page=' 2000
	# The SQLite installation: the same users, 100,000 entries by the seed.
	rm -f "$sq"*
	b_conf database "$sq"
	unset 'B_SET[state_dir]'
	b_setup
	"$B_BIN/seed" "$sq" audit 100000 >>"$B_LOG" 2>&1 || dd_die "seed audit failed: see $B_LOG"
	# A page at random of those ?action=batch.sent has, asked by key as
	# dialdesk's own next links ask (a filter with ?page=N is refused:
	# docs/PAGING.md); the ids are the same on both engines after db copy.
	{
		echo '-- audit-filter.lua: GET a page at random of ?action=batch.sent, by key (bench/pg.sh)'
		b_lua_threads
		echo 'paths = {'
		sqlite3 -batch "$sq" "SELECT id + 1 FROM (SELECT id, row_number() OVER (ORDER BY id DESC) AS n
		    FROM audit WHERE action = 'batch.sent') WHERE n % 25 = 1 LIMIT 250" |
		    sed -e 's|.*|    "/audit?action=batch.sent\&before=&",|'
		echo '}'
		cat <<'LUA'
function init(args)
    math.randomseed(os.time() * 1000 + tid)
end
function request()
    return wrk.format("GET", paths[math.random(#paths)])
end
LUA
	} >"$B_DIR/audit-filter.lua"
	grep -q 'before=' "$B_DIR/audit-filter.lua" || dd_die "no batch.sent entries in the seeded log"
	# The same entries on PostgreSQL, by the copy an installation moving
	# over makes.
	pgdb=bench_audit
	pg_createdb "$pgdb"
	b_conf state_dir "$B_DIR/local"
	"$DIALDESK_BIN" --config "$B_CONF" db copy --from "sqlite:$sq" --to "$(pg_uri "$pgdb")" \
	    >>"$B_LOG" 2>&1 || dd_die "dialdesk db copy to PostgreSQL failed: see $B_LOG"
	unset 'B_SET[state_dir]'
	audit_rps "$sq" sqlite
	sq_r=$AUDIT_RANDOM sq_f=$AUDIT_FILTER
	b_conf state_dir "$B_DIR/local"
	audit_rps "$(pg_uri "$pgdb")" postgresql
	pg_r=$AUDIT_RANDOM pg_f=$AUDIT_FILTER
	b_conf database "$B_DB"
	b_result pg-audit "SQLite random page /s" "$sq_r" "median" - -
	b_result pg-audit "PostgreSQL random page /s" "$pg_r" "median" - -
	b_result pg-audit "random page PG / SQLite" "$(b_fmt '%.3f' "$(awk -v a="$pg_r" -v b="$sq_r" 'BEGIN { print a / b }')")" \
	    "of medians" '>= 0.5' "$(b_ge "$(awk -v a="$pg_r" -v b="$sq_r" 'BEGIN { print a / b }')" 0.5 && echo 1 || echo 0)"
	b_result pg-audit "SQLite filtered page /s" "$sq_f" "median" - -
	b_result pg-audit "PostgreSQL filtered page /s" "$pg_f" "median" - -
	b_result pg-audit "filtered page PG / SQLite" "$(b_fmt '%.3f' "$(awk -v a="$pg_f" -v b="$sq_f" 'BEGIN { print a / b }')")" \
	    "of medians" '>= 0.5' "$(b_ge "$(awk -v a="$pg_f" -v b="$sq_f" 'BEGIN { print a / b }')" 0.5 && echo 1 || echo 0)"
}

# --- import: 50,000 rows to the preview ---------------------------------------------

target_import() {
	local jar=$B_DIR/operator.jar list=$B_DIR/data/pg-50k.csv r status id up get secs all=''
	echo "== import: a 50,000-row CSV, POST /tasks/new to the preview page, on PostgreSQL"
	b_list_csv "$list" 139
	b_restart_serve 1
	b_signed_in operator "$OPERATOR_PASS" "$jar"
	for ((r = 1; r <= RUNS; r++)); do
		read -r status id up < <(b_upload "$jar" "$list" "PG 导入 $r") || dd_die "upload failed"
		[[ $status == 303 && $id =~ ^[0-9]+$ ]] || dd_die "upload: status $status"
		get=$(b_preview "$jar" "$id")
		secs=$(b_sum "$up" "$get")
		all+=" $secs"
		printf '  run %d: upload %.3f s + preview %.3f s = %s s, %s\n' "$r" "$up" "$get" "$secs" \
		    "$(b_sql "SELECT rows_read || ' read, ' || valid || ' valid' FROM imports WHERE id = $id")"
		read -r status _ < <(b_post "$jar" "/imports/$id/cancel" "/imports/$id")
	done
	# shellcheck disable=SC2086
	b_result pg-import "50k.csv upload→preview s" "$(b_median $all)" "$(b_range $all)" '<= 1' \
	    "$(b_le "$(b_median $all)" 1 && echo 1 || echo 0)"
}

# --- kill: two hosts, one killed with kill -9 during wrk -------------------------------

target_kill() {
	local url="$BASE/callback/import?token=$CALLBACK_TOKEN" bdir=$B_DIR/host-b r out
	local rps p99 req non err before after fails all_fails='' all_late='' late t_kill
	echo "== kill: two hosts behind one nginx upstream, host B killed with kill -9 mid-run (pushes, $B_CONNS connections)"
	mkdir -p "$bdir/run" "$bdir/uploads" "$bdir/local"
	chmod 755 "$bdir" "$bdir/run"
	B_B_SOCK=$bdir/run/dialdesk.sock
	# Host B: the same config but for its sockets and local files; the
	# key files copied once, as at set-up.
	b_conf state_dir "$B_DIR/local"
	b_conf workers "$B_WORKERS"
	b_write_config
	sed -e "s|^socket = .*|socket = $B_B_SOCK|" -e "s|^upload_dir = .*|upload_dir = $bdir/uploads|" \
	    -e "s|^state_dir = .*|state_dir = $bdir/local|" "$B_CONF" >"$bdir/dialdesk.conf"
	cp -pR "$B_DIR/local/." "$bdir/local/"
	rm -f "$bdir/local/"*checkpoint* "$bdir/local/"*journal* "$bdir/local/"*heartbeat*
	# nginx again, with both hosts as one upstream.
	dd_stop "$B_NGINX_PID" 5 || true
	B_NGINX_PID=
	b_nginx_config || dd_die "cannot write the nginx config"
	dd_nginx_two_hosts "$B_DIR/nginx.conf" "$B_DIR/nginx-two.conf" "$B_SOCK" \
	    "$B_DIR/run/callback.sock" "$B_B_SOCK" "$bdir/run/callback.sock" "$B_DIR/hosts.log" ||
	    dd_die "cannot write the two-host nginx config"
	dd_nginx_start "$B_DIR/nginx-two.conf" "$B_DIR" || dd_die "nginx (two hosts) does not start"
	B_NGINX_PID=$DD_PID
	for ((r = 1; r <= RUNS; r++)); do
		b_restart_serve "$B_WORKERS"
		dd_serve_start "$DIALDESK_BIN" "$bdir/dialdesk.conf" "$bdir/serve.log"
		B_B_PID=$DD_PID
		b_wait_socket "$B_B_SOCK" "$B_B_PID" || dd_die "host B does not start: $(tail -n 5 "$bdir/serve.log")"
		# New nginx workers: the old ones hold host B as failed for
		# fail_timeout after the last run's kill.
		kill -HUP "$B_NGINX_PID"
		sleep 1
		local m0
		m0=$(wc -l <"$B_DIR/hosts.log")
		b_push_script "$(dd_random_hex 4)"
		before=$(b_sql 'SELECT count(*) FROM pushes')
		out=$B_DIR/wrk-pg-kill-$r.txt
		b_wrk "$out" "$url" -s "$B_DIR/push.lua" &
		local wrk_pid=$!
		sleep "$(( ${B_DURATION%s} / 2 ))"
		t_kill=$(wc -l <"$B_DIR/hosts.log")
		kill -KILL "$B_B_PID" $(dd_children "$B_B_PID") 2>/dev/null || true
		wait "$B_B_PID" 2>/dev/null || true
		B_B_PID=
		wait "$wrk_pid" || true
		sleep 1
		after=$(b_sql 'SELECT count(*) FROM pushes')
		read -r rps p99 req non err < <(b_wrk_figures "$out")
		fails=$((non + err))
		# How many pushes host B answered before it died: the kill came mid-run.
		local on_b
		on_b=$(sed -n -e "$((m0 + 1)),${t_kill}p" "$B_DIR/hosts.log" | grep -c "unix:$bdir/run/callback.sock\"" || true)
		# After the kill, nothing answered otherwise than 200 but the
		# requests in flight at the kill (at most one a connection).
		late=$(tail -n +"$((t_kill + 1))" "$B_DIR/hosts.log" |
		    awk '$2 == "/callback/import" && $3 != 200 && $3 != 499 { n++ } END { print n + 0 }')
		all_fails+=" $fails"
		all_late+=" $late"
		printf '  run %d: %s pushes/s, p99 %s ms, %d requests (%d answered by host B before the kill), %d failed (%d non-2xx, %d socket errors), non-200 after the kill %d, stored %d\n' \
		    "$r" "$rps" "$p99" "$req" "$on_b" "$fails" "$non" "$err" "$late" "$((after - before))"
	done
	# shellcheck disable=SC2086
	{
		b_result pg-kill "failed requests per run" "$(b_median $all_fails)" "$(b_range $all_fails)" "<= $B_CONNS" \
		    "$(b_le "$(printf '%s\n' $all_fails | sort -g | tail -n 1)" "$B_CONNS" && echo 1 || echo 0)"
		b_result pg-kill "non-200 after the kill" "$(b_median $all_late)" "$(b_range $all_late)" "<= $B_CONNS" \
		    "$(b_le "$(printf '%s\n' $all_late | sort -g | tail -n 1)" "$B_CONNS" && echo 1 || echo 0)"
	}
}

for t in "${TARGETS[@]}"; do
	"target_$t"
done

b_summary
