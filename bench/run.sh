#!/usr/bin/env bash
# bench/run.sh: the performance targets of docs/PERFORMANCE.md, measured on
# a private dialdesk behind nginx on 127.0.0.1 (bench/lib.sh), each run
# bounded in time; prints one summary table with PASS/FAIL per target.
#
# usage: bench/run.sh [-r RUNS] [-d SECONDS] [-k] [TARGET...]
#   TARGET   foundation, import, send, callback, task, dnc, pages (default:
#            all, in that order)
#   -r RUNS  runs per figure, medians reported (default 5, at least 3)
#   -d SECS  each wrk run (default 10)
#   -k       keep the state folder (config, database, logs, wrk reports)
# Environment: BUILD (default build/), DIALDESK_BIN, SANDBOX_BIN,
# B_WORKERS (dialdesk's workers for the page targets, default 4, as in
# dialdesk.conf.example), B_NGINX_WORKERS (default auto); for the import target B_IMPORT_LISTS
# (some lists only) and B_IMPORT_DIR (the lists of an earlier run).
# Exit status: 0 when every target passed, 1 when one failed, 2 on misuse.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034  # read by scripts/lib.sh
DD_PROG=bench

RUNS=5
B_DURATION=10s
B_CONNS=32
KEEP=
B_WORKERS=${B_WORKERS:-4}
ALL_TARGETS=(foundation import send callback task dnc)
# A year's data, every list page and filter at random pages (bench/pages.sh).
ALL_TARGETS+=(pages)

b_options 4,15 3 "$@"
b_need nginx wrk curl sqlite3 gcc
b_traps
b_init
b_programs

# --- the machine ----------------------------------------------------------------

b_machine "$B_DIR" 'nginx, dialdesk and the load generator' \
    "nginx $(b_nginx_version), SQLite $(sqlite3 --version | cut -d' ' -f1), $(b_wrk_version)" |
    tee "$B_DIR/machine.txt"

b_setup
b_start_nginx
b_start_sandbox

# --- what several targets need ----------------------------------------------------

# b_need_audit N: at least N audit entries.
b_need_audit() {
	local have
	have=$(b_sql 'SELECT count(*) FROM audit')
	if ((have < $1)); then
		dd_say "seeding $(($1 - have)) audit entries"
		"$B_BIN/seed" "$B_DB" audit $(($1 - have)) >>"$B_LOG" 2>&1 ||
		    dd_die "seed audit failed: see $B_LOG"
	fi
}

B_TASK_ID=
b_need_task() {
	[[ -n $B_TASK_ID ]] && return 0
	B_TASK_ID=$("$B_BIN/seed" "$B_DB" task 100 2 2>>"$B_LOG") ||
	    dd_die "seed task failed: see $B_LOG"
}

# --- 1. foundation: login and audit pages against the hello world -----------------

target_foundation() {
	local jar=$B_DIR/admin.jar cookie r ep out f rps p99 req non err
	local -A RPS=() P99=() RATIO=() BAD=()
	local eps=(hello login audit1 audit500 audit-random hello-padded)
	local -A URL=(
		[hello]=http://127.0.0.1:$B_HELLO_PORT/
		[hello-padded]=http://127.0.0.1:$B_HELLO2_PORT/
		[login]=$BASE/login
		[audit1]=$BASE/audit
		[audit500]=$BASE/audit?page=500
		[audit-random]=$BASE/audit
	)

	echo "== foundation: GET /login, GET /audit (pages 1, 500, at random) vs. a FastCGI hello world, $B_WORKERS workers each"
	b_need_audit 100000
	b_restart_serve "$B_WORKERS"
	b_start_hello "$B_WORKERS"
	b_signed_in admin "$ADMIN_PASS" "$jar"
	cookie=$(b_cookie "$jar" dd_session)
	# wrk_args EP: wrk's arguments for EP in WARGS. Signed in for the
	# audit pages only: /login answers a session with a redirect.
	wrk_args() {
		WARGS=()
		[[ $1 == audit* ]] && WARGS+=(-H "Cookie: dd_session=$cookie")
		[[ $1 == audit-random ]] && WARGS+=(-s "$B_DIR/random-page.lua")
		return 0
	}
	# A page at random among the first 2,000 (100,000 entries of 50 a
	# page): what paging through the log costs when no worker has the
	# page's rows at hand.
	b_random_page_script "$B_DIR/random-page.lua" '/audit?page=' 2000
	for ep in audit1 audit500; do
		f=$(curl -sS -o "$B_DIR/$ep.html" -w '%{http_code}' -b "dd_session=$cookie" "${URL[$ep]}")
		[[ $f == 200 ]] || dd_die "GET ${URL[$ep]} answers $f, not 200"
		grep -q '<tr id="audit-' "$B_DIR/$ep.html" || dd_die "${URL[$ep]} shows no entries"
	done
	# What moving a page of this size costs, dialdesk's work aside.
	f=$(wc -c <"$B_DIR/audit1.html")
	b_start_hello "$B_WORKERS" "$f"
	echo "  hello-padded: the hello world padded to $f bytes, the size of the audit page"
	# Warm up: templates, page cache, SQLite's cache in every worker.
	for ep in "${eps[@]}"; do
		wrk_args "$ep"
		b_warm "${URL[$ep]}" "${WARGS[@]}"
	done
	for ((r = 1; r <= RUNS; r++)); do
		for ep in "${eps[@]}"; do
			out=$B_DIR/wrk-foundation-$ep-$r.txt
			wrk_args "$ep"
			b_wrk "$out" "${URL[$ep]}" "${WARGS[@]}"
			read -r rps p99 req non err < <(b_wrk_figures "$out")
			RPS[$ep]+=" $rps"
			P99[$ep]+=" $p99"
			((non + err == 0)) || BAD[$ep]+=" run $r: $non non-2xx, $err socket errors"
			[[ $ep == hello ]] && f=$rps || RATIO[$ep]+=" $(b_fmt '%.3f' "$(awk -v a="$rps" -v b="$f" 'BEGIN { print a / b }')")"
		done
		printf '  run %d:' "$r"
		for ep in "${eps[@]}"; do printf ' %s %s/s p99 %s ms;' "$ep" "${RPS[$ep]##* }" "${P99[$ep]##* }"; done
		printf '\n'
	done
	b_stop_hello
	# Every answer a page, none a redirect.
	f=$(b_not_pages)
	[[ -z $f ]] || dd_die "foundation: answers other than 200:$f"
	# shellcheck disable=SC2086
	for ep in "${eps[@]}"; do
		[[ -z ${BAD[$ep]:-} ]] || dd_say "foundation $ep:${BAD[$ep]}"
		b_result foundation "$ep requests/s" "$(b_median ${RPS[$ep]})" "$(b_range ${RPS[$ep]})" - -
		f=$(b_median ${P99[$ep]})
		if [[ $ep == hello* || $ep == audit-random ]]; then
			b_result foundation "$ep p99 ms" "$f" "$(b_range ${P99[$ep]})" - -
			continue
		fi
		b_result foundation "$ep p99 ms" "$f" "$(b_range ${P99[$ep]})" '< 20' \
		    "$(b_le "$f" 19.999 && [[ -z ${BAD[$ep]:-} ]] && echo 1 || echo 0)"
		f=$(b_median ${RATIO[$ep]})
		b_result foundation "$ep / hello" "$f" "$(b_range ${RATIO[$ep]})" '>= 0.5' \
		    "$(b_ge "$f" 0.5 && echo 1 || echo 0)"
	done
	# shellcheck disable=SC2086  # lists of figures
	for ep in audit-random hello-padded; do
		f=$(b_median ${RATIO[$ep]})
		b_result foundation "$ep / hello" "$f" "$(b_range ${RATIO[$ep]})" - -
	done
}

# --- 2. import: upload to preview, and the worker's peak memory ----------------------

B_LISTS=
b_need_lists() {
	[[ -n $B_LISTS ]] && return 0
	# B_IMPORT_DIR: the lists of an earlier run (bench_import -k, then
	# bench/make-lists.py), so that runs compared are of the same files.
	if [[ -n ${B_IMPORT_DIR:-} ]]; then
		[[ -f $B_IMPORT_DIR/list-50k.ods ]] || dd_die "no lists in $B_IMPORT_DIR"
		B_LISTS=$B_IMPORT_DIR
		return 0
	fi
	dd_say "generating the lists (bench_import, which also times calllist_read alone)"
	"$BUILD/bench/bench_import" -r 1 -k >"$B_DIR/bench_import.txt" 2>&1 ||
	    dd_die "bench_import failed: $(tail -n 3 "$B_DIR/bench_import.txt")"
	B_LISTS=$(sed -n -e 's/.*files in \(.*\)$/\1/p' "$B_DIR/bench_import.txt")
	[[ -d $B_LISTS ]] || dd_die "bench_import left no files"
	B_DIRS_TO_REMOVE+=("$B_LISTS")
	dd_say "writing the .xls (xlwt) and .ods (LibreOffice) of the 50,000-row list"
	/usr/bin/python3 "$DD_TOP/bench/make-lists.py" "$B_LISTS" ||
	    dd_die "bench/make-lists.py failed (python3-xlwt, libreoffice-calc-nogui)"
	"$BUILD/bench/bench_import" -r 1 "$B_LISTS/list-50k.xls" "$B_LISTS/list-50k.ods" |
	    sed -e 1d -e 2d -e "s|$B_LISTS/||" >>"$B_DIR/bench_import.txt" ||
	    dd_die "bench_import failed on the .xls or .ods"
	cat "$B_DIR/bench_import.txt"
}

target_import() {
	local jar=$B_DIR/operator.jar file r status id up get secs hwm pid kind
	local -A SECS=() HWM=() CPU=() GOAL=([list-50k.csv]=0.5 [list-50k.xlsx]=0.5
	    [list-50k.xls]=0.5 [list-50k.ods]=0.5 [list-1m.csv]=10 [list-1m.xlsx]=15)
	local tck cpu
	tck=$(getconf CLK_TCK)
	echo "== import: POST /tasks/new to the preview page, dialdesk with workers = 1"
	b_need_lists
	# Sign in first, on a worker that is then replaced: a sign-in hashes
	# the password with argon2id (64 MiB), which would be that worker's
	# VmHWM whatever the import costs.
	b_restart_serve 1
	b_signed_in operator "$OPERATOR_PASS" "$jar"
	# B_IMPORT_LISTS: some of the lists only (names as below). Rounds
	# interleave the lists, so that a change in the machine's load
	# falls on every list alike rather than on one.
	local lists=${B_IMPORT_LISTS:-list-50k.csv list-50k.xlsx list-50k.xls list-50k.ods list-1m.csv list-1m.xlsx}
	for ((r = 1; r <= RUNS; r++)); do
		for file in $lists; do
			# A fresh worker, so that its VmHWM is this import's.
			b_restart_serve 1
			pid=$(b_worker_pid) || dd_die "cannot tell the FastCGI worker from the committer"
			read -r status id up < <(b_upload "$jar" "$B_LISTS/$file" "基准 $file $r") ||
			    dd_die "upload of $file failed"
			[[ $status == 303 && $id =~ ^[0-9]+$ ]] ||
			    dd_die "upload of $file: status $status, not 303 to /imports/N: $(grep -o 'class="[a-z-]*error[^<]*<[^>]*>[^<]*' "$B_DIR/upload.html" | head -n 3)"
			get=$(b_preview "$jar" "$id")
			hwm=$(b_hwm_kib "$pid")
			# The fresh worker's CPU time is this upload's (and a
			# figure that other load on the machine hardly moves).
			cpu=$(awk -v t="$tck" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$pid/stat")
			CPU[$file]+=" $cpu"
			secs=$(b_sum "$up" "$get")
			SECS[$file]+=" $secs"
			HWM[$file]+=" $(b_fmt '%.1f' "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')")"
			printf '  %s run %d: upload %.3f s + preview %.3f s = %s s, worker %s CPU %s s, VmHWM %s KiB, import %s: %s rows\n' \
			    "$file" "$r" "$up" "$get" "$secs" "$pid" "$cpu" "$hwm" "$id" \
			    "$(b_sql "SELECT rows_read || ' read, ' || valid || ' valid' FROM imports WHERE id = $id")"
			# Drop it again: the database stays small run after run.
			read -r status _ < <(b_post "$jar" "/imports/$id/cancel" "/imports/$id")
			[[ $status == 303 ]] || dd_say "cancel of import $id: $status"
		done
	done
	for file in $lists; do
		# shellcheck disable=SC2086
		{
			kind=${file#list-}
			b_result import "$kind upload→preview s" "$(b_median ${SECS[$file]})" \
			    "$(b_range ${SECS[$file]})" "<= ${GOAL[$file]}" \
			    "$(b_le "$(b_median ${SECS[$file]})" "${GOAL[$file]}" && echo 1 || echo 0)"
			b_result import "$kind worker CPU s (not a goal)" "$(b_median ${CPU[$file]})" \
			    "$(b_range ${CPU[$file]})" - -
			b_result import "$kind worker VmHWM MiB" "$(b_median ${HWM[$file]})" \
			    "$(b_range ${HWM[$file]})" '< 64' \
			    "$(b_le "$(b_median ${HWM[$file]})" 63.999 && echo 1 || echo 0)"
		}
	done
}

# --- 3. sending one 50,000-row batch to the sandbox vendor ----------------------------

target_send() {
	local jar=$B_DIR/operator.jar list=$B_DIR/data/send-50k.csv r status id task t0 t1 secs state
	local all=''
	echo "== send: \`dialdesk worker --once\` on a task of one 50,000-row batch, sandbox vendor behind nginx"
	b_list_csv "$list" 138
	b_conf batch_size 50000
	b_restart_serve 2
	b_signed_in operator "$OPERATOR_PASS" "$jar"
	for ((r = 1; r <= RUNS; r++)); do
		read -r status id _ < <(b_upload "$jar" "$list" "发送基准 $r") || dd_die "upload failed"
		[[ $status == 303 ]] || dd_die "upload: $status"
		read -r status task < <(b_post "$jar" "/imports/$id/confirm" "/imports/$id")
		task=${task##*/tasks/}
		[[ $status == 303 && $task =~ ^[0-9]+$ ]] || dd_die "confirm of import $id: $status"
		[[ $(b_sql "SELECT count(*) || ' ' || sum(rows) FROM batches WHERE task_id = $task") == '1 50000' ]] ||
		    dd_die "task $task is not one batch of 50,000 rows"
		t0=$(date +%s.%N)
		dialdesk worker --once >>"$B_DIR/worker.log" 2>&1 || dd_die "dialdesk worker --once failed"
		t1=$(date +%s.%N)
		secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
		state=$(b_sql "SELECT state FROM batches WHERE task_id = $task")
		[[ $state == sent ]] || dd_die "batch of task $task is $state, not sent: $(tail -n 3 "$B_DIR/worker.log")"
		all+=" $secs"
		printf '  run %d: task %s, worker --once %s s\n' "$r" "$task" "$secs"
	done
	b_conf batch_size 10000
	# shellcheck disable=SC2086
	b_result send "worker --once, 50k rows s" "$(b_median $all)" "$(b_range $all)" '<= 0.5' \
	    "$(b_le "$(b_median $all)" 0.5 && echo 1 || echo 0)"
	"$BUILD/bench/bench_send" "$RUNS" >"$B_DIR/bench_send.txt" 2>&1 || dd_die "bench_send failed"
	grep median "$B_DIR/bench_send.txt" | sed -e 's/^/  bench_send: /'
	for aes in off on; do
		b_result send "bench_send AES $aes total s" \
		    "$(sed -n -e "s/^AES $aes *median.*total \([0-9.]*\) s.*/\1/p" "$B_DIR/bench_send.txt")" \
		    "median of $RUNS" - -
	done
}

# --- 4. the vendor's push under load ----------------------------------------------------

target_callback() {
	local url="$BASE/callback/import?token=$CALLBACK_TOKEN" w r out before after rows
	local rps p99 req non err ok n200 n499 m0 m1 commits ratio
	local -A RPS=() P99=() RATIO=() COMMITS=() BAD=()
	echo "== callback: POST /callback/import, distinct bodies, vs. bare SQLite commits (WAL, synchronous=FULL)"
	for w in 4 8; do
		b_restart_serve "$w"
		b_push_script "$(dd_random_hex 4)"
		b_warm "$url" -s "$B_DIR/push.lua"
		for ((r = 1; r <= RUNS; r++)); do
			commits=$("$B_BIN/commits" "$B_DIR" 2000 | awk '{ print $6 + 0 }')
			COMMITS[$w]+=" $commits"
			b_push_script "$(dd_random_hex 4)"
			before=$(b_sql 'SELECT count(*) FROM pushes')
			m0=$(wc -l <"$B_DIR/nginx-timing.log")
			out=$B_DIR/wrk-callback-$w-$r.txt
			b_wrk "$out" "$url" -s "$B_DIR/push.lua"
			sleep 1	# the answers wrk stopped waiting for
			after=$(b_sql 'SELECT count(*) FROM pushes')
			m1=$(wc -l <"$B_DIR/nginx-timing.log")
			read -r rps p99 req non err < <(b_wrk_figures "$out")
			ok=$((req - non))
			rows=$((after - before))
			# Requests wrk gave up on at the end are 499 in nginx's log;
			# dialdesk may have stored those too.
			read -r n200 n499 < <(sed -n -e "$((m0 + 1)),${m1}p" "$B_DIR/nginx-timing.log" |
			    awk '$3 == "/callback/import" { n[$4]++ }
				END { print n[200] + 0, n[499] + 0 }')
			# wrk stops with a request in flight on most connections:
			# nginx then answered 200 without wrk counting it, or logged
			# 499 (client gone) while dialdesk may have stored it. What
			# must hold: every 200 sent is a stored row, and nothing is
			# stored that was not asked for.
			if ((ok > n200 || rows < n200 || rows > n200 + n499 || non > 0)); then
				BAD[$w]+=" run $r: wrk counted $ok 2xx, nginx sent $n200 200s and logged $n499 abandoned, $rows stored, $non non-2xx;"
			fi
			ratio=$(b_ratio "$rps" "$commits")
			RPS[$w]+=" $rps"
			P99[$w]+=" $p99"
			RATIO[$w]+=" $ratio"
			printf '  workers %d run %d: %s pushes/s, p99 %s ms; 2xx: wrk %d, nginx %d (+%d abandoned at the end); rows stored %d; bare commits %s/s\n' \
			    "$w" "$r" "$rps" "$p99" "$ok" "$n200" "$n499" "$rows" "$commits"
		done
	done
	# shellcheck disable=SC2086
	for w in 4 8; do
		[[ -z ${BAD[$w]:-} ]] || dd_say "callback workers $w:${BAD[$w]}"
		b_result callback "workers $w pushes/s" "$(b_median ${RPS[$w]})" "$(b_range ${RPS[$w]})" '>= 1500' \
		    "$(b_ge "$(b_median ${RPS[$w]})" 1500 && echo 1 || echo 0)"
		b_result callback "workers $w p99 ms" "$(b_median ${P99[$w]})" "$(b_range ${P99[$w]})" '< 50' \
		    "$(b_le "$(b_median ${P99[$w]})" 49.999 && echo 1 || echo 0)"
		b_result callback "workers $w bare commits/s" "$(b_median ${COMMITS[$w]})" "$(b_range ${COMMITS[$w]})" - -
		b_result callback "workers $w pushes / commits" "$(b_median ${RATIO[$w]})" "$(b_range ${RATIO[$w]})" '>= 0.4' \
		    "$(b_ge "$(b_median ${RATIO[$w]})" 0.4 && echo 1 || echo 0)"
		b_result callback "workers $w stored = acknowledged" "$([[ -z ${BAD[$w]:-} ]] && echo yes || echo no)" \
		    "all runs" 'yes' "$([[ -z ${BAD[$w]:-} ]] && echo 1 || echo 0)"
	done
}

# --- 5. the task page with 100 batches and their pushes --------------------------------

target_task() {
	local jar=$B_DIR/admin.jar r m0 m1 args i up ttfb status
	local all_up='' all_ttfb=''
	echo "== task: GET /tasks/ID with 100 batches and 200 pushes, 100 requests a run, one at a time"
	b_need_task
	b_restart_serve "$B_WORKERS"
	b_signed_in admin "$ADMIN_PASS" "$jar"
	status=$(curl -sS -o "$B_DIR/task.html" -w '%{http_code}' -b "$jar" "$BASE/tasks/$B_TASK_ID")
	[[ $status == 200 ]] || dd_die "GET /tasks/$B_TASK_ID: $status"
	args=()
	for ((i = 0; i < 100; i++)); do args+=(-o /dev/null "$BASE/tasks/$B_TASK_ID"); done
	curl -sS -b "$jar" "${args[@]}" >/dev/null	# warm up every worker
	for ((r = 1; r <= RUNS; r++)); do
		m0=$(wc -l <"$B_DIR/nginx-timing.log")
		ttfb=$(curl -sS -b "$jar" -w '%{time_starttransfer}\n' "${args[@]}" |
		    awk '{ print $1 * 1000 }')
		sleep 0.2
		m1=$(wc -l <"$B_DIR/nginx-timing.log")
		# shellcheck disable=SC2086
		up=$(sed -n -e "$((m0 + 1)),${m1}p" "$B_DIR/nginx-timing.log" |
		    awk -v p="/tasks/$B_TASK_ID" '$3 == p && $4 == 200 { print $5 * 1000 }')
		[[ $(wc -l <<<"$up") == 100 ]] || dd_die "nginx logged $(wc -l <<<"$up") task pages, not 100"
		# shellcheck disable=SC2086
		up=$(b_median $up)
		# shellcheck disable=SC2086
		ttfb=$(b_median $ttfb)
		all_up+=" $up"
		all_ttfb+=" $ttfb"
		printf '  run %d: median upstream %s ms, curl time to first byte %s ms\n' "$r" "$up" "$ttfb"
	done
	# shellcheck disable=SC2086
	{
		b_result task "upstream ms (median)" "$(b_median $all_up)" "$(b_range $all_up)" '<= 10' \
		    "$(b_le "$(b_median $all_up)" 10 && echo 1 || echo 0)"
		b_result task "curl first byte ms (median)" "$(b_median $all_ttfb)" "$(b_range $all_ttfb)" - -
	}
}

# --- 6. the do-not-call list and 30 days of history at import ---------------------------

# b_dnc_seed N: N random hashes in dnc and in sent_numbers (the last 30
# days), straight SQL, in one transaction each.
b_dnc_seed() {
	b_sql "BEGIN;
	    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
	    INSERT OR IGNORE INTO dnc (hash, masked, reason, added_by, added_at)
	    SELECT randomblob(32), '139****0000', '', 1, unixepoch() FROM n;
	    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
	    INSERT OR IGNORE INTO sent_numbers (hash, user_id, sent_at)
	    SELECT randomblob(32), 1, unixepoch() - abs(random() % (30 * 86400)) FROM n;
	    COMMIT"
}

# b_dnc_real FIRST COUNT TABLE: the keyed hashes of 135FIRST... (COUNT
# numbers) as dialdesk computes them (HMAC-SHA-256 under the key file), as
# rows of TABLE (dnc, or sent_numbers 10 days ago).
b_dnc_real() {
	python3 - "$B_DB.dnc-key" "$1" "$2" "$3" <<'PY' | sqlite3 -batch -cmd '.timeout 10000' "$B_DB"
import hashlib, hmac, sys
key = open(sys.argv[1], 'rb').read()
first, count, table = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print('BEGIN;')
for i in range(first, first + count):
    h = hmac.new(key, b'135%08d' % i, hashlib.sha256).hexdigest()
    if table == 'dnc':
        print("INSERT INTO dnc (hash, masked, reason, added_by, added_at) "
              "VALUES (X'%s', '135****%04d', '基准', 1, unixepoch());" % (h, i % 10000))
    else:
        print("INSERT INTO sent_numbers (hash, user_id, sent_at) "
              "VALUES (X'%s', 1, unixepoch() - 10 * 86400);" % h)
print('COMMIT;')
PY
}

# b_cpu_ticks PID: user + system clock ticks the process has used.
b_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

target_dnc() {
	local jar=$B_DIR/operator.jar list=$B_DIR/data/dnc-50k.csv r status id up get secs
	local with='' without='' with_cpu='' without_cpu='' figures pid cpu0 cpu phase
	echo "== dnc: a 50,000-row CSV to its preview, without lists, then against 1,000,000 do-not-call numbers and 1,000,000 sent in 30 days"
	mkdir -p "$B_DIR/data"
	awk 'BEGIN { print "手机号,姓名"; for (i = 0; i < 50000; i++) printf "135%08d,客户%d\n", i, i }' >"$list"
	b_restart_serve 1
	b_signed_in operator "$OPERATOR_PASS" "$jar"
	b_sql 'DELETE FROM dnc; DELETE FROM sent_numbers'
	for phase in without with; do
		if [[ $phase == with ]]; then
			dd_say "seeding 1,000,000 + 1,000 do-not-call and 1,000,000 + 1,000 sent numbers"
			b_dnc_seed 1000000
			b_dnc_real 0 1000 dnc
			b_dnc_real 1000 1000 sent_numbers
			b_sql 'ANALYZE'
			b_restart_serve 1
		fi
		for ((r = 1; r <= RUNS; r++)); do
			pid=$(b_worker_pid) || dd_die "cannot tell the FastCGI worker from the committer"
			cpu0=$(b_cpu_ticks "$pid")
			read -r status id up < <(b_upload "$jar" "$list" "免打扰 $phase $r" \
			    -F dup_scope=all -F dup_days=30 -F dup_action=exclude) ||
			    dd_die "upload of $list failed"
			[[ $status == 303 && $id =~ ^[0-9]+$ ]] || dd_die "upload of $list: status $status"
			get=$(b_preview "$jar" "$id")
			secs=$(b_sum "$up" "$get")
			cpu=$(awk -v a="$cpu0" -v b="$(b_cpu_ticks "$pid")" -v t="$(getconf CLK_TCK)" \
			    'BEGIN { printf "%.3f", (b - a) / t }')
			figures=$(b_sql "SELECT valid || ' valid, ' || dnc_count || ' 免打扰, ' || recent_count || ' 近期已发送' FROM imports WHERE id = $id")
			printf '  %s lists run %d: upload %.3f s + preview %.3f s = %s s, worker CPU %s s: %s\n' \
			    "$phase" "$r" "$up" "$get" "$secs" "$cpu" "$figures"
			if [[ $phase == with ]]; then
				with+=" $secs"
				with_cpu+=" $cpu"
				[[ $figures == '48000 valid, 1000 免打扰, 1000 近期已发送' ]] ||
				    dd_die "import $id: $figures, not 1000 and 1000 found"
			else
				without+=" $secs"
				without_cpu+=" $cpu"
			fi
			read -r status _ < <(b_post "$jar" "/imports/$id/cancel" "/imports/$id")
			[[ $status == 303 ]] || dd_say "cancel of import $id: $status"
		done
	done
	# shellcheck disable=SC2086
	{
		b_result dnc "50k.csv without lists s" "$(b_median $without)" "$(b_range $without)" - -
		b_result dnc "50k.csv without lists worker CPU s" "$(b_median $without_cpu)" "$(b_range $without_cpu)" - -
		b_result dnc "50k.csv vs 1M dnc + 1M sent worker CPU s" "$(b_median $with_cpu)" "$(b_range $with_cpu)" - -
		b_result dnc "50k.csv vs 1M dnc + 1M sent s" "$(b_median $with)" "$(b_range $with)" '<= 0.5' \
		    "$(b_le "$(b_median $with)" 0.5 && echo 1 || echo 0)"
	}
}

# shellcheck source-path=SCRIPTDIR source=pages.sh
source "$(dirname "$0")/pages.sh"

for t in "${TARGETS[@]}"; do
	"target_$t"
done

b_summary
