#!/usr/bin/env bash
# bench/callback-pool.sh: the vendor's pushes beside large uploads (issue 7,
# point 5; figures in docs/PERFORMANCE.md, target 6), on a private dialdesk
# behind nginx on 127.0.0.1 (bench/lib.sh), every run bounded in time.
#
#   uploads  four operators upload 1,000,000-row CSV lists at once (all
#            four page workers parsing); once all four are loading, 200
#            pushes at once. Goal: every push answered 200, p99 < 1 s,
#            every one stored; the uploads reach their previews.
#   burst    1,000 pushes at once. Goal: every one answered 200 and stored.
#
# usage: bench/callback-pool.sh [-r RUNS] [-n ROWS] [-k] [uploads|burst...]
#   -r RUNS  runs of each (default 3)
#   -n ROWS  rows of each uploaded list (default 1000000)
#   -k       keep the state folder
# Environment: BUILD, DIALDESK_BIN (as bench/run.sh), B_WORKERS (page
# workers, default 4), B_CALLBACK_WORKERS (default: dialdesk's default).
# Exit status: 0 when every goal is met, 1 when one is missed.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck disable=SC2034  # read by scripts/lib.sh
DD_PROG=bench

RUNS=3
ROWS=1000000
KEEP=
B_WORKERS=${B_WORKERS:-4}
BURST=$DD_TOP/tests/integration/t7039-push-burst.py

while getopts 'r:n:k' opt; do
	case $opt in
	r) RUNS=$OPTARG ;;
	n) ROWS=$OPTARG ;;
	k) KEEP=1 ;;
	*) sed -n '14,21p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ $RUNS =~ ^[0-9]+$ ]] && ((RUNS >= 1 && RUNS <= 11)) || dd_die "-r: 1 to 11 runs"
[[ $ROWS =~ ^[0-9]+$ ]] && ((ROWS >= 1000 && ROWS <= 2000000)) || dd_die "-n: 1000 to 2000000 rows"
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(uploads burst)
b_need nginx curl sqlite3 python3
b_traps
b_init
[[ -n ${B_CALLBACK_WORKERS:-} ]] && b_conf callback_workers "$B_CALLBACK_WORKERS"
b_setup
b_start_nginx
b_start_serve "$B_WORKERS"
JAR=$B_DIR/jar
b_login operator "$OPERATOR_PASS" "$JAR" || dd_die "the operator cannot sign in"
echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== dialdesk: $(grep -o 'serving on .*' "$B_LOG" | tail -n 1)"

# burst_figures FILE: "count n200 p50 p99 max" of a t7039-push-burst.py
# report (milliseconds).
burst_figures() {
	local n ok
	n=$(wc -l <"$1")
	ok=$(awk '$1 == 200' "$1" | wc -l)
	awk '{ print $2 }' "$1" | sort -g | awk -v n="$n" -v ok="$ok" '
	    function at(q) { i = int(NR * q); return v[i > 0 ? i : 1] }
	    { v[NR] = $1 }
	    END { printf "%d %d %.1f %.1f %.1f\n", n, ok, at(0.5), at(0.99), v[NR] }'
}

# stored FIRST COUNT: how many of the vendor tasks FIRST.. are stored.
stored() {
	b_sql "SELECT count(*) FROM pushes WHERE vendor_task_id BETWEEN printf('%032x', $1) AND printf('%032x', $(($1 + $2 - 1)))"
}

target_uploads() {
	local r i first csrf p99s=() p50s=() maxs=() oks=() ups=() bad=() list=$B_DIR/data/big.csv
	local n n200 p50 p99 max rows st upl_s up
	echo "== uploads: four ${ROWS}-row lists at once, then 200 pushes at once"
	awk -v n="$ROWS" 'BEGIN { print "手机号,姓名,城市"; for (i = 0; i < n; i++) printf "135%08d,客户%d,杭州\n", i, i }' >"$list"
	for ((r = 1; r <= RUNS; r++)); do
		b_sql "DELETE FROM import_rows; DELETE FROM imports" >/dev/null
		csrf=$(b_csrf "$JAR" /tasks/new) || dd_die "no csrf token on /tasks/new"
		up=()
		for i in 1 2 3 4; do
			curl -sS --max-time 300 -o /dev/null -w '%{http_code} %{time_total}\n' -b "$JAR" \
			    --form-string "csrf=$csrf" --form-string "name=bench$r-$i" --form-string videoBotId=vb-1 \
			    --form-string isVoiceDivide=false --form-string isRelateSendMessage=false \
			    --form-string isRelateVideoMessage=false -F "list=@$list;filename=big$i.csv" \
			    "$BASE/tasks/new" >"$B_DIR/upload.$r.$i" 2>&1 &
			up+=($!)
		done
		for ((i = 0; i < 600; i++)); do
			(($(b_sql "SELECT count(*) FROM imports WHERE state = 'loading'") >= 4)) && break
			sleep 0.1
		done
		st=$(b_sql "SELECT count(*) FROM imports WHERE state = 'loading'")
		first=$((r * 1000000 + 1))
		python3 "$BURST" "$B_PORT" "$CALLBACK_TOKEN" 200 "$first" 60 >"$B_DIR/burst.uploads.$r"
		local still=0
		for i in "${up[@]}"; do dd_alive "$i" && still=$((still + 1)); done
		for i in "${up[@]}"; do wait "$i" || true; done
		read -r n n200 p50 p99 max < <(burst_figures "$B_DIR/burst.uploads.$r")
		rows=$(stored "$first" 200)
		upl_s=$(cut -d' ' -f2 "$B_DIR"/upload."$r".[1-4] | sort -g | tail -n 1)
		printf '  run %d: %s loading when the pushes began, %s still uploading when the last was answered;' "$r" "$st" "$still"
		printf ' pushes %d/%d answered 200, p50 %s ms, p99 %s ms, max %s ms, %d stored;' "$n200" "$n" "$p50" "$p99" "$max" "$rows"
		printf ' uploads %s, slowest %s s\n' "$(cut -d' ' -f1 "$B_DIR"/upload."$r".[1-4] | paste -sd ' ')" "$upl_s"
		p50s+=("$p50")
		p99s+=("$p99")
		maxs+=("$max")
		ups+=("$upl_s")
		oks+=("$n200")
		if ((n200 != 200 || rows != 200 || st < 4 || still < 1)) ||
		    [[ $(cut -d' ' -f1 "$B_DIR"/upload."$r".[1-4] | paste -sd ' ') != "303 303 303 303" ]]; then
			bad+=("run $r")
		fi
	done
	b_result uploads "pushes answered 200 (of 200)" "$(b_median "${oks[@]}")" "$(b_range "${oks[@]}")" 200 \
	    "$([[ ${#bad[@]} -eq 0 ]] && echo 1 || echo 0)"
	b_result uploads "push p50 ms" "$(b_median "${p50s[@]}")" "$(b_range "${p50s[@]}")" - -
	b_result uploads "push p99 ms" "$(b_median "${p99s[@]}")" "$(b_range "${p99s[@]}")" '< 1000' \
	    "$(b_le "$(b_median "${p99s[@]}")" 999.9 && echo 1 || echo 0)"
	b_result uploads "push max ms" "$(b_median "${maxs[@]}")" "$(b_range "${maxs[@]}")" - -
	b_result uploads "slowest upload s" "$(b_median "${ups[@]}")" "$(b_range "${ups[@]}")" - -
	b_sql "DELETE FROM import_rows; DELETE FROM imports" >/dev/null
}

target_burst() {
	local r first n n200 p50 p99 max rows secs t0 p99s=() secss=() oks=() bad=()
	echo "== burst: 1,000 pushes at once"
	for ((r = 1; r <= RUNS; r++)); do
		first=$((r * 1000000 + 500001))
		t0=$(date +%s%N)
		python3 "$BURST" "$B_PORT" "$CALLBACK_TOKEN" 1000 "$first" 60 >"$B_DIR/burst.burst.$r"
		secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
		read -r n n200 p50 p99 max < <(burst_figures "$B_DIR/burst.burst.$r")
		rows=$(stored "$first" 1000)
		printf '  run %d: %d/%d answered 200 in %s s, p50 %s ms, p99 %s ms, max %s ms, %d stored\n' \
		    "$r" "$n200" "$n" "$secs" "$p50" "$p99" "$max" "$rows"
		oks+=("$n200")
		p99s+=("$p99")
		secss+=("$secs")
		((n200 == 1000 && rows == 1000)) || bad+=("run $r")
	done
	b_result burst "answered 200 and stored (of 1000)" "$(b_median "${oks[@]}")" "$(b_range "${oks[@]}")" 1000 \
	    "$([[ ${#bad[@]} -eq 0 ]] && echo 1 || echo 0)"
	b_result burst "p99 ms" "$(b_median "${p99s[@]}")" "$(b_range "${p99s[@]}")" - -
	b_result burst "seconds for all 1,000" "$(b_median "${secss[@]}")" "$(b_range "${secss[@]}")" - -
}

for t in "${TARGETS[@]}"; do
	case $t in
	uploads) target_uploads ;;
	burst) target_burst ;;
	*) dd_die "unknown target $t (uploads, burst)" ;;
	esac
done
if grep -q ' 502 ' "$B_DIR/nginx-access.log"; then
	b_result all "502 answers in nginx's access log" "$(grep -c ' 502 ' "$B_DIR/nginx-access.log")" - 0 0
fi
echo "== summary"
column -t -s $'\t' "$B_SUMMARY"
((B_FAILED == 0))
