# bench/pages.sh: the `pages` target of bench/run.sh (sourced by it, never
# run): what people ask of a year's data (issue 12). On a database seeded
# by `bench/seed year` with 100,000 and with 1,000,000 audit entries
# (B_PAGES_SIZES), each wrk run asks for pages at random from a list made
# from that data (bench/pages-urls.py), so that no cache answers:
#   audit pages with each filter (none, user, action, date range, all
#   three), each against the PHP page (PHP-FPM, PDO, OFFSET) and the
#   minimal C page (bench/refpage) on the same database and pages;
#   the task list filtered by status, by creator and by text; the task
#   of 500 batches; the pushes page (100,000 pushes).
# Every run is measured against the libfcgi hello world in the same round;
# rounds interleave everything; figures are medians of the rounds, ratios
# taken within a round. After every scenario: VmRSS and VmHWM of each
# dialdesk page worker. Goals (issue 12): >= 0.4 of hello, p99 < 20 ms,
# >= 3x the PHP page, audit >= 0.8 of the minimal C page, 1,000,000 within
# 10 % of 100,000, worker RSS < 32 MiB.
# shellcheck shell=bash

B_PAGES_SIZES=${B_PAGES_SIZES:-100000 1000000}
B_PAGES_SCEN=(audit-none audit-user audit-action audit-date audit-all
    tasks-status tasks-creator tasks-text task-500 pushes)

# The wrk script: a path at random from the list file given after --.
b_pages_lua() {
	{
		echo '-- url-list.lua: GET a path at random from the file named after -- (bench/pages.sh)'
		b_lua_threads
		cat <<'EOF'
function init(args)
    math.randomseed(os.time() * 1000 + tid)
    paths = {}
    for line in io.lines(args[1]) do
        if line ~= "" then paths[#paths + 1] = line end
    end
end
function request()
    return wrk.format("GET", paths[math.random(#paths)])
end
EOF
	} >"$B_DIR/url-list.lua"
}

# b_pages_style KIND PATH COOKIE: "KIND page" or "KIND key PARAM", read
# from the next-page link of PATH's first page.
b_pages_style() {
	local href param
	href=$(curl -sS --max-time 30 -H "Cookie: dd_session=$3" "$BASE$2" |
	    grep -o '<a[^>]*rel="next"[^>]*>' | head -n 1 |
	    sed -n -e 's/.*href="\([^"]*\)".*/\1/p' | sed -e 's/&amp;/\&/g')
	if [[ -z $href || $href == *page=2* ]]; then
		printf '%s page\n' "$1"
		return
	fi
	# The parameter whose value is a number and not a filter's.
	param=$(tr '?&' '\n\n' <<<"$href" | grep -E '^[a-z_]+=[0-9]+$' |
	    grep -vE '^(creator|page)=' | head -n 1 | cut -d= -f1)
	printf '%s key %s\n' "$1" "${param:-page}"
}

# b_wrk_list OUT BASE-URL LIST [WRK-ARGS...]: b_wrk with url-list.lua
# asking for the paths of LIST at random (the script's argument goes after
# the URL and --).
b_wrk_list() {
	local out=$1 url=$2 list=$3
	shift 3
	wrk -t2 -c"$B_CONNS" -d"$B_DURATION" --timeout 10s --latency "$@" \
	    -s "$B_DIR/url-list.lua" "$url" -- "$list" >"$out" 2>&1
}

# b_pages_drain: until dialdesk has answered every request wrk left behind
# (FastCGI cannot cancel one: a slow page's queue would fall on the next
# scenario), i.e. until a request sent now is answered (at most 300 s).
b_pages_drain() {
	curl -sS -o /dev/null --max-time 300 "$BASE/login" || dd_say "pages: dialdesk still busy after 300 s"
}

# b_pages_rss: "max VmRSS KiB, max VmHWM KiB" over the page workers.
b_pages_rss() {
	local p rss hwm mr=0 mh=0
	for p in $(b_page_workers); do
		read -r rss hwm < <(b_rss_kib "$p")
		((rss > mr)) && mr=$rss
		((hwm > mh)) && mh=$hwm
	done
	printf '%s %s\n' "$mr" "$mh"
}

target_pages() {
	local n jar cookie r sc ep out rps p99 req non err f dd ratio rss hwm
	local -A RPS=() P99=() RH=() RP=() RC=() BAD=() MRSS=() MHWM=() URLS=()
	local sizes=($B_PAGES_SIZES)
	echo "== pages: a year of data, random pages of every list and filter vs. the hello world, the PHP page and the minimal C page"
	b_pages_lua
	b_start_hello "$B_WORKERS"
	for n in "${sizes[@]}"; do
		b_stop_serve
		b_stop_refs
		b_need_year "$n"
		b_start_serve "$B_WORKERS"
		jar=$B_DIR/pages-$n.jar
		rm -f "$jar"
		b_signed_in admin "$ADMIN_PASS" "$jar"
		cookie=$(b_cookie "$jar" dd_session)
		# Fresh workers: a sign-in's password hash (32 MiB) is not a
		# page's; the session is in the database and stays valid.
		b_restart_serve "$B_WORKERS"
		b_db_shared
		b_start_php "$B_WORKERS"
		b_start_refpage "$B_WORKERS"
		{
			b_pages_style audit "/audit?action=login.ok" "$cookie"
			b_pages_style tasks "/tasks?status=sent" "$cookie"
			b_pages_style pushes "/pushes" "$cookie"
		} >"$B_DIR/styles-$n.txt"
		dd_say "paging as dialdesk's next links say: $(tr '\n' ';' <"$B_DIR/styles-$n.txt")"
		mkdir -p "$B_DIR/urls-$n"
		python3 "$DD_TOP/bench/pages-urls.py" "$B_DB" "$B_DIR/urls-$n" "$B_DIR/styles-$n.txt" ||
		    dd_die "bench/pages-urls.py failed"
		printf '/tasks/%s\n' "$B_BIG_TASK" >"$B_DIR/urls-$n/task-500.urls"
		f=$(curl -sS -o "$B_DIR/task-500.html" -w '%{http_code} %{size_download}' \
		    -H "Cookie: dd_session=$cookie" "$BASE/tasks/$B_BIG_TASK")
		echo "  $n: task of 500 batches: status and bytes $f"
		# Every list answers 200 before it is measured.
		for sc in "${B_PAGES_SCEN[@]}"; do
			f=$(head -n 1 "$B_DIR/urls-$n/$sc.urls")
			[[ $(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: dd_session=$cookie" "$BASE$f") == 200 ]] ||
			    dd_die "$BASE$f does not answer 200"
		done
		# Warm up: every server, SQLite's cache in every worker.
		for sc in "${B_PAGES_SCEN[@]}"; do
			wrk -t2 -c"$B_CONNS" -d1s -H "Cookie: dd_session=$cookie" -s "$B_DIR/url-list.lua" \
			    "$BASE" -- "$B_DIR/urls-$n/$sc.urls" >/dev/null 2>&1
			b_pages_drain
		done
		for sc in audit-none audit-action; do
			wrk -t2 -c"$B_CONNS" -d1s -s "$B_DIR/url-list.lua" "http://127.0.0.1:$B_PHP_PORT" \
			    -- "$B_DIR/urls-$n/$sc.ref.urls" >/dev/null 2>&1
			wrk -t2 -c"$B_CONNS" -d1s -s "$B_DIR/url-list.lua" "http://127.0.0.1:$B_REFC_PORT" \
			    -- "$B_DIR/urls-$n/$sc.ref.urls" >/dev/null 2>&1
		done
		for ((r = 1; r <= RUNS; r++)); do
			out=$B_DIR/wrk-pages-$n-hello-$r.txt
			b_wrk "$out" "http://127.0.0.1:$B_HELLO_PORT/"
			read -r rps p99 _ _ _ < <(b_wrk_figures "$out")
			RPS[$n hello]+=" $rps"
			P99[$n hello]+=" $p99"
			f=$rps
			printf '  %s entries, round %d: hello %s/s;' "$n" "$r" "$rps"
			for sc in "${B_PAGES_SCEN[@]}"; do
				for ep in dd php c; do
					[[ $ep != dd && $sc != audit-* ]] && continue
					out=$B_DIR/wrk-pages-$n-$sc-$ep-$r.txt
					case $ep in
					dd) b_wrk_list "$out" "$BASE" "$B_DIR/urls-$n/$sc.urls" \
					    -H "Cookie: dd_session=$cookie" ;;
					php) b_wrk_list "$out" "http://127.0.0.1:$B_PHP_PORT" \
					    "$B_DIR/urls-$n/$sc.ref.urls" ;;
					c) b_wrk_list "$out" "http://127.0.0.1:$B_REFC_PORT" \
					    "$B_DIR/urls-$n/$sc.ref.urls" ;;
					esac
					[[ $ep == dd ]] && b_pages_drain
					read -r rps p99 req non err < <(b_wrk_figures "$out")
					RPS[$n $sc $ep]+=" $rps"
					P99[$n $sc $ep]+=" $p99"
					((non + err == 0)) || BAD[$n $sc $ep]+=" round $r: $non non-2xx, $err socket errors;"
					[[ $ep == dd ]] && dd=$rps
				done
				RH[$n $sc]+=" $(b_ratio "$dd" "$f")"
				if [[ $sc == audit-* ]]; then
					RP[$n $sc]+=" $(b_ratio "$dd" "${RPS[$n $sc php]##* }")"
					RC[$n $sc]+=" $(b_ratio "$dd" "${RPS[$n $sc c]##* }")"
					printf ' %s %s/%s/%s;' "$sc" "$dd" "${RPS[$n $sc php]##* }" "${RPS[$n $sc c]##* }"
				else
					printf ' %s %s;' "$sc" "$dd"
				fi
				read -r rss hwm < <(b_pages_rss)
				((rss > ${MRSS[$n $sc]:-0})) && MRSS[$n $sc]=$rss
				((hwm > ${MHWM[$n $sc]:-0})) && MHWM[$n $sc]=$hwm
			done
			printf '\n'
		done
		b_stop_refs
	done
	b_stop_hello
	# Every dialdesk answer a page (wrk counts a 3xx as a success).
	f=$(b_not_pages)
	[[ -z $f ]] || dd_say "pages: dialdesk answers other than 200:$f"
	# shellcheck disable=SC2086  # lists of figures
	for n in "${sizes[@]}"; do
		b_result pages "$n hello requests/s" "$(b_median ${RPS[$n hello]})" "$(b_range ${RPS[$n hello]})" - -
		for sc in "${B_PAGES_SCEN[@]}"; do
			[[ -z ${BAD[$n $sc dd]:-} ]] || dd_say "pages $n $sc:${BAD[$n $sc dd]}"
			b_result pages "$n $sc requests/s" "$(b_median ${RPS[$n $sc dd]})" "$(b_range ${RPS[$n $sc dd]})" - -
			f=$(b_median ${RH[$n $sc]})
			b_result pages "$n $sc / hello" "$f" "$(b_range ${RH[$n $sc]})" '>= 0.4' \
			    "$(b_ge "$f" 0.4 && echo 1 || echo 0)"
			f=$(b_median ${P99[$n $sc dd]})
			b_result pages "$n $sc p99 ms" "$f" "$(b_range ${P99[$n $sc dd]})" '< 20' \
			    "$(b_le "$f" 19.999 && [[ -z ${BAD[$n $sc dd]:-} ]] && echo 1 || echo 0)"
			if [[ $sc == audit-* ]]; then
				b_result pages "$n $sc PHP requests/s" "$(b_median ${RPS[$n $sc php]})" "$(b_range ${RPS[$n $sc php]})" - -
				b_result pages "$n $sc minimal C requests/s" "$(b_median ${RPS[$n $sc c]})" "$(b_range ${RPS[$n $sc c]})" - -
				f=$(b_median ${RP[$n $sc]})
				b_result pages "$n $sc / PHP" "$f" "$(b_range ${RP[$n $sc]})" '>= 3' \
				    "$(b_ge "$f" 3 && echo 1 || echo 0)"
				f=$(b_median ${RC[$n $sc]})
				b_result pages "$n $sc / minimal C" "$f" "$(b_range ${RC[$n $sc]})" '>= 0.8' \
				    "$(b_ge "$f" 0.8 && echo 1 || echo 0)"
			fi
			b_result pages "$n $sc worker VmRSS / VmHWM MiB" \
			    "$(b_fmt '%.1f' "$(awk -v k="${MRSS[$n $sc]}" 'BEGIN { print k / 1024 }')")" \
			    "VmHWM $(b_fmt '%.1f' "$(awk -v k="${MHWM[$n $sc]}" 'BEGIN { print k / 1024 }')")" '< 32' \
			    "$(((MHWM[$n $sc] < 32768)) && echo 1 || echo 0)"
		done
	done
	if ((${#sizes[@]} >= 2)); then
		local small=${sizes[0]} big=${sizes[-1]} a b
		for sc in "${B_PAGES_SCEN[@]}"; do
			a=$(b_median ${RPS[$small $sc dd]})
			b=$(b_median ${RPS[$big $sc dd]})
			f=$(b_ratio "$b" "$a")
			b_result pages "$sc $big / $small" "$f" "medians" '>= 0.9' \
			    "$(b_ge "$f" 0.9 && echo 1 || echo 0)"
		done
	fi
}
