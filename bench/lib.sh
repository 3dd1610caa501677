# bench/lib.sh: the private stack bench/run.sh measures (sourced, never
# run): a state folder, a config, a migrated database with users, dialdesk
# behind nginx on a free loopback port, the FastCGI hello world (bench/hello)
# and the sandbox vendor behind the same nginx, and the helpers that run
# wrk and curl against them and turn their output into figures.
# shellcheck shell=bash

# shellcheck source-path=SCRIPTDIR source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

BUILD=${BUILD:-$DD_TOP/build}
DIALDESK_BIN=${DIALDESK_BIN:-$BUILD/dialdesk}
SANDBOX_BIN=${SANDBOX_BIN:-$BUILD/tools/sandbox-vendor}
TEMPLATES=${TEMPLATES:-$DD_TOP/templates}
STATIC=${STATIC:-$DD_TOP/static}
# nginx's worker processes: production's `auto` (one per core), not the
# tests' 1, so that nginx is configured as it would be deployed here.
B_NGINX_WORKERS=${B_NGINX_WORKERS:-auto}

ADMIN_PASS='Admin-pass-4821'
OPERATOR_PASS='Operator-pass-7365'
CALLBACK_TOKEN=bench-callback-token-0123456789abcdef
VENDOR_ORG=bench_org
VENDOR_LOGIN=bench_user
VENDOR_KEY=bench-sign-key
VENDOR_RECIPE='{orgCode}{loginName}{name}{key}'

B_DIR=
B_PORT=
B_HELLO_PORT=
B_VENDOR_PORT=
B_SERVE_PID=
B_NGINX_PID=
B_HELLO_PID=
B_HELLO2_PID=
B_HELLO2_PORT=
B_SANDBOX_PID=
declare -A B_SET=()

# b_pick_ports: four distinct free ports.
b_pick_ports() {
	B_PORT=$(dd_pick_port)
	B_HELLO_PORT=$(dd_pick_port)
	while [[ $B_HELLO_PORT == "$B_PORT" ]]; do B_HELLO_PORT=$(dd_pick_port); done
	B_VENDOR_PORT=$(dd_pick_port)
	while [[ $B_VENDOR_PORT == "$B_PORT" || $B_VENDOR_PORT == "$B_HELLO_PORT" ]]; do
		B_VENDOR_PORT=$(dd_pick_port)
	done
	B_HELLO2_PORT=$(dd_pick_port)
	while [[ " $B_PORT $B_HELLO_PORT $B_VENDOR_PORT " == *" $B_HELLO2_PORT "* ]]; do
		B_HELLO2_PORT=$(dd_pick_port)
	done
	BASE=http://127.0.0.1:$B_PORT
}

# b_init: the state folder (0755: nginx's workers reach the sockets in it)
# and three free ports.
b_init() {
	B_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dialdesk-bench.XXXXXX")
	chmod 755 "$B_DIR"
	mkdir -p "$B_DIR/run" "$B_DIR/uploads" "$B_DIR/static" "$B_DIR/data"
	cp -R "$STATIC/." "$B_DIR/static/"
	b_pick_ports
	B_CONF=$B_DIR/dialdesk.conf
	B_DB=$B_DIR/dialdesk.db
	B_SOCK=$B_DIR/run/dialdesk.sock
	B_LOG=$B_DIR/serve.log
	B_DIRS_TO_REMOVE+=("$B_DIR")
}

# b_conf KEY VALUE: a config value besides the defaults of b_write_config.
b_conf() { B_SET[$1]=$2; }

b_write_config() {
	local k
	local -A kv=(
		[database]=$B_DB
		[socket]=$B_SOCK
		[socket_group]=www-data
		[workers]=4
		[templates]=$TEMPLATES
		[upload_dir]=$B_DIR/uploads
		[public_url]=$BASE
		[callback_token]=$CALLBACK_TOKEN
		[upload_max_bytes]=200M
		[max_rows]=2000000
		[vendor_url]=http://127.0.0.1:$B_VENDOR_PORT
		[org_code]=$VENDOR_ORG
		[login_name]=$VENDOR_LOGIN
		[sign_key]=$VENDOR_KEY
		[sign_recipe]=$VENDOR_RECIPE
	)
	for k in "${!B_SET[@]}"; do
		kv[$k]=${B_SET[$k]}
	done
	{
		printf '# dialdesk.conf written by bench/run.sh\n'
		for k in "${!kv[@]}"; do
			printf '%s = %s\n' "$k" "${kv[$k]}"
		done | sort
	} >"$B_CONF"
}

dialdesk() { "$DIALDESK_BIN" --config "$B_CONF" "$@"; }

b_sql() { sqlite3 -batch -cmd '.timeout 10000' "$B_DB" "$1"; }

# b_setup: config, migrated database, an admin and an operator.
b_setup() {
	b_write_config
	dialdesk migrate >>"$B_LOG" 2>&1 || dd_die "dialdesk migrate failed: see $B_LOG"
	if ! printf '%s\n' "$ADMIN_PASS" | dialdesk user add admin --role admin >>"$B_LOG" 2>&1 ||
	    ! printf '%s\n' "$OPERATOR_PASS" | dialdesk user add operator --role operator >>"$B_LOG" 2>&1; then
		dd_die "dialdesk user add failed: see $B_LOG"
	fi
}

# b_nginx_config: nginx.conf.example made local (dd_nginx_local), with
# production's worker count, plus in the same http {}: the hello world's
# server, the sandbox vendor's, and a log of upstream times.
b_nginx_config() {
	local conf=$B_DIR/nginx.conf user extra
	user=$(dd_nginx_user "$B_DIR/static" "$B_DIR/run")
	dd_nginx_local "$conf.base" "$B_PORT" "$B_DIR" "$B_SOCK" "$B_DIR/static" \
	    "$user" 200m || return 1
	dd_sandbox_server "$B_DIR/sandbox-vendor.conf" "$B_VENDOR_PORT" \
	    "$B_DIR/run/sandbox.sock" || return 1
	extra=$B_DIR/nginx-extra.conf
	cat >"$extra" <<EOF
    # --- added by bench/lib.sh ---
    proxy_temp_path $B_DIR/nginx-tmp/proxy;
    log_format bench_timing '\$server_port \$request_method \$uri \$status \$upstream_response_time \$request_time';
    access_log $B_DIR/nginx-timing.log bench_timing;
    include $B_DIR/sandbox-vendor.conf;
    # The yardstick: bench/hello, set up like dialdesk's location.
    server {
        listen 127.0.0.1:$B_HELLO_PORT;
        server_name hello;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_pass unix:$B_DIR/run/hello.sock;
            fastcgi_keep_conn off;
        }
    }
    # The same, padded to the size of a page measured against it.
    server {
        listen 127.0.0.1:$B_HELLO2_PORT;
        server_name hello-padded;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_pass unix:$B_DIR/run/hello-padded.sock;
            fastcgi_keep_conn off;
        }
    }
EOF
	# Everything before the last line, which closes http {}, then ours.
	awk -v workers="$B_NGINX_WORKERS" -v extra="$extra" '
	    { line[NR] = $0 }
	    END {
		for (last = NR; last > 0 && line[last] !~ /^}[[:space:]]*$/; last--)
			;
		for (i = 1; i < last; i++) {
			if (line[i] ~ /^worker_processes /)
				line[i] = "worker_processes " workers ";"
			print line[i]
		}
		while ((getline l < extra) > 0)
			print l
		for (i = last; i <= NR; i++)
			print line[i]
	    }' "$conf.base" >"$conf" || return 1
}

# b_start_nginx: nginx on the three ports; other ports when one was taken
# between the choice and the bind (other engineers run servers here too).
b_start_nginx() {
	local try
	for ((try = 1; try <= 5; try++)); do
		b_nginx_config || dd_die "cannot write the nginx config"
		: >"$B_DIR/nginx-error.log"
		if dd_nginx_start "$B_DIR/nginx.conf" "$B_DIR"; then
			B_NGINX_PID=$DD_PID
			sleep 0.3
			dd_alive "$B_NGINX_PID" && return 0
		fi
		grep -q 'Address already in use' "$B_DIR/nginx-error.log" || break
		b_pick_ports
		b_write_config
	done
	dd_die "nginx does not start: $(tail -n 5 "$B_DIR/nginx-error.log" 2>/dev/null)"
}

# b_wait_socket PATH PID: until PATH is a socket, or PID died.
b_wait_socket() {
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -S $1 ]] && return 0
		dd_alive "$2" || return 1
		sleep 0.05
	done
	return 1
}

# b_start_serve [WORKERS]: `dialdesk serve` with that many workers
# (default 4), answering through nginx.
b_start_serve() {
	b_conf workers "${1:-4}"
	b_write_config
	dd_serve_start "$DIALDESK_BIN" "$B_CONF" "$B_LOG"
	B_SERVE_PID=$DD_PID
	b_wait_socket "$B_SOCK" "$B_SERVE_PID" ||
	    dd_die "dialdesk serve does not start: $(tail -n 5 "$B_LOG")"
	dd_wait_http "$BASE/login" 200 20 "$B_SERVE_PID" "$B_NGINX_PID" ||
	    dd_die "GET /login does not answer 200"
}

b_stop_serve() {
	[[ -n $B_SERVE_PID ]] || return 0
	dd_stop "$B_SERVE_PID" 30 || true
	B_SERVE_PID=
}

# b_start_hello WORKERS [BYTES]: the hello world (B_HELLO_PID), or with
# BYTES the padded one (B_HELLO2_PID).
b_start_hello() {
	local sock=$B_DIR/run/hello.sock port=$B_HELLO_PORT pid
	if [[ -n ${2:-} ]]; then
		sock=$B_DIR/run/hello-padded.sock
		port=$B_HELLO2_PORT
	fi
	"$B_BIN/hello" "$sock" "$1" ${2:+"$2"} </dev/null >>"$B_DIR/hello.log" 2>&1 &
	pid=$!
	if [[ -n ${2:-} ]]; then B_HELLO2_PID=$pid; else B_HELLO_PID=$pid; fi
	b_wait_socket "$sock" "$pid" || dd_die "bench/hello does not start"
	dd_wait_http "http://127.0.0.1:$port/" 200 10 "$pid" ||
	    dd_die "the hello world does not answer"
}

b_stop_hello() {
	local p
	for p in "$B_HELLO_PID" "$B_HELLO2_PID"; do
		[[ -n $p ]] && { dd_stop "$p" 10 || true; }
	done
	B_HELLO_PID=
	B_HELLO2_PID=
}

# b_start_sandbox: the sandbox vendor, checking sign like the real one.
b_start_sandbox() {
	"$SANDBOX_BIN" --socket "$B_DIR/run/sandbox.sock" --org "$VENDOR_ORG" \
	    --login "$VENDOR_LOGIN" --sign-key "$VENDOR_KEY" \
	    --sign-recipe "$VENDOR_RECIPE" </dev/null >>"$B_DIR/sandbox.log" 2>&1 &
	B_SANDBOX_PID=$!
	b_wait_socket "$B_DIR/run/sandbox.sock" "$B_SANDBOX_PID" || dd_die "the sandbox does not start"
	dd_wait_http "http://127.0.0.1:$B_VENDOR_PORT/sandbox/mode" 200 10 "$B_SANDBOX_PID" ||
	    dd_die "the sandbox does not answer"
}

b_stop_sandbox() {
	[[ -n $B_SANDBOX_PID ]] || return 0
	dd_stop "$B_SANDBOX_PID" 10 || true
	B_SANDBOX_PID=
}

b_stop_all() {
	if [[ -n $B_NGINX_PID ]]; then
		dd_stop "$B_NGINX_PID" 5 || true
		B_NGINX_PID=
	fi
	b_stop_serve
	b_stop_hello
	b_stop_sandbox
}

# b_worker_pid: the FastCGI page worker among the children of `dialdesk
# serve` (the others are the callback pool and the push committer): the
# child that holds the page socket (each child keeps only the socket it
# serves), as ss -xlp lists its holders.
b_worker_pid() {
	local p holders
	holders=$(ss -xlpH src "$B_SOCK" | grep -o 'pid=[0-9]*' | sed -e 's/^pid=//')
	for p in $(dd_children "$B_SERVE_PID"); do
		if grep -qx "$p" <<<"$holders"; then
			printf '%s\n' "$p"
			return 0
		fi
	done
	return 1
}

# b_hwm_kib PID: VmHWM of the process, in KiB.
b_hwm_kib() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status"; }

# b_programs: B_BIN, where hello, seed and commits are.
# They come from `make bench-programs` once Makefile.am
# lists them; until then they are compiled here, as the Makefile would.
b_programs() {
	local libs cflags w
	make -s -C "$BUILD" bench-programs >"$B_DIR/make.log" 2>&1 || true
	B_BIN=$BUILD/bench
	[[ -x $B_BIN/hello && -x $B_BIN/seed && -x $B_BIN/commits ]] && return 0
	B_BIN=$B_DIR/bin
	mkdir -p "$B_BIN"
	dd_say "compiling bench/hello, bench/seed and bench/commits into $B_BIN"
	# shellcheck disable=SC2016  # $(DD_LIBS) is make's, not the shell's
	libs=$(printf 'b-print-libs:\n\t@echo $(DD_LIBS)\n' |
	    make -s -C "$BUILD" -f Makefile -f - b-print-libs) ||
	    dd_die "cannot read DD_LIBS from $BUILD/Makefile"
	w='-std=c11 -D_GNU_SOURCE -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wwrite-strings -Wformat=2 -Werror'
	cflags="$w -O2 -I$BUILD -I$DD_TOP/src -I$BUILD/src"
	# shellcheck disable=SC2086  # word lists
	if ! gcc $cflags "$DD_TOP/bench/hello.c" -o "$B_BIN/hello" -lfcgi ||
	    ! gcc $cflags "$DD_TOP/bench/commits.c" -o "$B_BIN/commits" -lsqlite3 ||
	    ! gcc $cflags -c "$DD_TOP/bench/seed.c" -o "$B_BIN/seed.o" ||
	    ! g++ "$B_BIN/seed.o" -o "$B_BIN/seed" "$BUILD/libdialdesk.a" $libs; then
		dd_die "compiling the bench programs failed"
	fi
}

# --- requests -----------------------------------------------------------

# b_csrf JAR PATH: GET PATH with the jar, print the first form's token.
b_csrf() {
	curl -sS --max-time 30 -b "$1" -c "$1" "$BASE$2" |
	    grep -o '<input[^>]*name="csrf"[^>]*>' | head -n 1 |
	    sed -n -e 's/.*value="\([0-9A-Za-z_-]*\)".*/\1/p' | grep .
}

# b_login USER PASS JAR: sign in as a browser does; succeeds on 303.
b_login() {
	local csrf status
	csrf=$(b_csrf "$3" /login) || return 1
	status=$(curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -b "$3" -c "$3" \
	    --data-urlencode "csrf=$csrf" --data-urlencode "username=$1" \
	    --data-urlencode "password=$2" "$BASE/login") || return 1
	[[ $status == 303 ]]
}

# b_cookie JAR NAME: the cookie's value in a curl jar.
b_cookie() { awk -v n="$2" '$6 == n { v = $7 } END { if (v != "") print v; else exit 1 }' "$1"; }

# --- wrk -------------------------------------------------------------------

# b_wrk OUT URL [WRK-ARGS...]: wrk with two threads (the cores) and
# B_CONNS connections for B_DURATION; the report goes to OUT.
b_wrk() {
	local out=$1 url=$2
	shift 2
	wrk -t2 -c"$B_CONNS" -d"$B_DURATION" --timeout 10s --latency "$@" "$url" >"$out" 2>&1
}

# b_wrk_figures OUT: "rps p99_ms requests non2xx errors" from a wrk report.
b_wrk_figures() {
	awk '
	    function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /m$/) return v * 60000
		if (v ~ /s$/) return v * 1000
		return v
	    }
	    $1 == "99%" { p99 = ms($2) }
	    $1 == "Requests/sec:" { rps = $2 }
	    $2 == "requests" && $3 == "in" { req = $1 }
	    /Non-2xx or 3xx responses:/ { non = $NF }
	    /Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
	    END { printf "%.1f %.2f %d %d %d\n", rps, p99, req, non, err }' "$1"
}

# --- figures ----------------------------------------------------------------

# b_median V...: the median (mean of the middle two for an even count).
b_median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
	    END { if (NR == 0) exit 1
		  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		  print m }'
}

# b_range V...: "min-max".
b_range() {
	printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }'
}

# b_fmt FORMAT V: printf a number (awk rounds as printf does).
b_fmt() { awk -v f="$1" -v v="$2" 'BEGIN { printf f, v }'; }

# b_le A B / b_ge A B: numeric comparisons of decimals.
b_le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
b_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }

B_FAILED=0

# b_result TARGET MEASURE MEDIAN RANGE GOAL OK: one line of the summary;
# OK is 1 (PASS), 0 (FAIL) or - (a figure reported, no goal).
b_result() {
	local verdict=-
	case $6 in
	1) verdict=PASS ;;
	0) verdict=FAIL; B_FAILED=$((B_FAILED + 1)) ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$verdict" >>"$B_SUMMARY"
	printf '  %-10s %-44s %12s  (%s)  goal %s  %s\n' "$1" "$2" "$3" "$4" "$5" "$verdict"
}
