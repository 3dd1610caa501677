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

# b_init: the state folder (0755: nginx's workers reach the sockets in it),
# the free ports and an empty summary.
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
	# b_result's lines, for the summary.
	B_SUMMARY=$B_DIR/summary.tsv
	: >"$B_SUMMARY"
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
	b_ref_nginx_config || return 1
	cat >"$extra" <<EOF
    # --- added by bench/lib.sh ---
    include $B_DIR/nginx-ref.conf;
    proxy_temp_path $B_DIR/nginx-tmp/proxy;
    access_log $B_DIR/nginx-timing.log bench_timing;
    include $B_DIR/sandbox-vendor.conf;
    # The yardstick: bench/hello, set up like dialdesk's location. In the
    # same http {} as dialdesk's server, it has nginx.conf.example's
    # http-level settings too (fastcgi_buffer_size, fastcgi_buffers, the
    # access logs): the ratio compares the programs behind one nginx.
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
	# The timing log's format opens http {} (a format must be defined
	# before a log names it), and the callback locations, which have
	# access logs of their own and so do not inherit http's, log to the
	# timing log too: the callback target counts its 200s there.
	awk -v workers="$B_NGINX_WORKERS" -v extra="$extra" -v tlog="$B_DIR/nginx-timing.log" -v q="'" '
	    { line[NR] = $0 }
	    END {
		for (last = NR; last > 0 && line[last] !~ /^}[[:space:]]*$/; last--)
			;
		for (i = 1; i < last; i++) {
			if (line[i] ~ /^worker_processes /)
				line[i] = "worker_processes " workers ";"
			print line[i]
			if (line[i] ~ /^http[[:space:]]*\{/)
				print "    log_format bench_timing " q "$server_port $request_method $uri $status $upstream_response_time $request_time" q ";"
			if (line[i] ~ /^[[:space:]]*access_log .* dialdesk_callback;/) {
				ind = line[i]; sub(/access_log.*/, "", ind)
				print ind "access_log " tlog " bench_timing;"
			}
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
	b_stop_refs
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
	[[ -x $B_BIN/hello && -x $B_BIN/seed && -x $B_BIN/commits && -x $B_BIN/refpage ]] && return 0
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
	if ! gcc $cflags "$DD_TOP/bench/hello.c" "$DD_TOP/bench/prefork.c" -o "$B_BIN/hello" -lfcgi ||
	    ! gcc $cflags "$DD_TOP/bench/commits.c" "$DD_TOP/bench/timing.c" -o "$B_BIN/commits" -lsqlite3 ||
	    ! gcc $cflags "$DD_TOP/bench/refpage.c" "$DD_TOP/bench/prefork.c" -o "$B_BIN/refpage" -lfcgi -lsqlite3 ||
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

# --- the reference pages (bench/ref-audit.php, bench/refpage.c) -------------

B_PHP_PORT=
B_REFC_PORT=
B_PHP_PID=
B_REFC_PID=
# Rows a page of the reference pages: dialdesk's audit page shows 25.
B_REF_ROWS=${B_REF_ROWS:-25}

# b_ref_nginx_config: the servers of the PHP page (PHP-FPM) and of the
# minimal C page, on two more free ports (chosen again at every nginx
# config, as b_pick_ports is after a port was taken), in
# $B_DIR/nginx-ref.conf, which b_nginx_config includes.
b_ref_nginx_config() {
	local used=" $B_PORT $B_HELLO_PORT $B_VENDOR_PORT $B_HELLO2_PORT "
	B_PHP_PORT=$(dd_pick_port)
	while [[ $used == *" $B_PHP_PORT "* ]]; do B_PHP_PORT=$(dd_pick_port); done
	B_REFC_PORT=$(dd_pick_port)
	while [[ "$used$B_PHP_PORT " == *" $B_REFC_PORT "* ]]; do B_REFC_PORT=$(dd_pick_port); done
	mkdir -p "$B_DIR/ref"
	cp "$DD_TOP/bench/ref-audit.php" "$B_DIR/ref/audit.php"
	chmod 755 "$B_DIR/ref"
	chmod 644 "$B_DIR/ref/audit.php"
	cat >"$B_DIR/nginx-ref.conf" <<EOF
    # The PHP reference page, run by PHP-FPM (b_start_php).
    server {
        listen 127.0.0.1:$B_PHP_PORT;
        server_name ref-php;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $B_DIR/ref/audit.php;
            fastcgi_pass unix:$B_DIR/run/php.sock;
            fastcgi_keep_conn off;
        }
    }
    # The minimal C reference page (bench/refpage).
    server {
        listen 127.0.0.1:$B_REFC_PORT;
        server_name ref-c;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_pass unix:$B_DIR/run/refpage.sock;
            fastcgi_keep_conn off;
        }
    }
EOF
}

# b_db_shared: the database and its WAL files readable and writable by
# PHP-FPM's pool user (www-data), which opens them as a PHP page does.
b_db_shared() {
	local f
	for f in "$B_DB" "$B_DB-wal" "$B_DB-shm"; do
		[[ -e $f ]] && chmod 666 "$f"
	done
	return 0
}

# b_start_php WORKERS: PHP-FPM (php-fpm8.2: Debian's php8.2-fpm with
# php8.2-sqlite3) in the foreground with its own config in the state
# folder: a master of ours and a static pool of WORKERS children running
# as www-data on a unix socket; no system service is touched.
b_start_php() {
	local fpm tz
	fpm=$(command -v php-fpm8.2 || ls /usr/sbin/php-fpm8.2 2>/dev/null) ||
	    dd_die "php-fpm8.2 is not installed (scripts/lib.sh: DD_CHECK_PACKAGES)"
	tz=$(cat /etc/timezone 2>/dev/null || echo UTC)
	cat >"$B_DIR/php-fpm.conf" <<EOF
; written by bench/lib.sh
[global]
pid = $B_DIR/run/php-fpm.pid
error_log = $B_DIR/php-fpm.log
daemonize = no
[bench]
user = www-data
group = www-data
listen = $B_DIR/run/php.sock
listen.mode = 0666
pm = static
pm.max_children = $1
clear_env = yes
env[DD_REF_DB] = $B_DB
env[DD_REF_ROWS] = $B_REF_ROWS
php_admin_value[date.timezone] = $tz
php_admin_flag[log_errors] = on
php_admin_value[error_log] = $B_DIR/php-errors.log
EOF
	b_db_shared
	"$fpm" -F -y "$B_DIR/php-fpm.conf" -p "$B_DIR" </dev/null >>"$B_DIR/php-fpm.log" 2>&1 &
	B_PHP_PID=$!
	b_wait_socket "$B_DIR/run/php.sock" "$B_PHP_PID" ||
	    dd_die "php-fpm does not start: $(tail -n 5 "$B_DIR/php-fpm.log")"
	dd_wait_http "http://127.0.0.1:$B_PHP_PORT/audit" 200 10 "$B_PHP_PID" ||
	    dd_die "the PHP page does not answer 200: $(tail -n 5 "$B_DIR/php-errors.log" 2>/dev/null)"
}

# b_start_refpage WORKERS: the minimal C page on the database.
b_start_refpage() {
	"$B_BIN/refpage" "$B_DIR/run/refpage.sock" "$1" "$B_DB" "$B_REF_ROWS" \
	    </dev/null >>"$B_DIR/refpage.log" 2>&1 &
	B_REFC_PID=$!
	b_wait_socket "$B_DIR/run/refpage.sock" "$B_REFC_PID" || dd_die "bench/refpage does not start"
	dd_wait_http "http://127.0.0.1:$B_REFC_PORT/audit" 200 10 "$B_REFC_PID" ||
	    dd_die "the minimal C page does not answer"
}

b_stop_refs() {
	local p
	for p in "$B_PHP_PID" "$B_REFC_PID"; do
		[[ -n $p ]] && { dd_stop "$p" 10 || true; }
	done
	B_PHP_PID=
	B_REFC_PID=
}

# b_seed_cache_dir: where seeded databases are kept between runs
# (B_SEED_CACHE, default /var/tmp/dialdesk-bench-seed).
b_seed_cache_dir() { printf '%s\n' "${B_SEED_CACHE:-/var/tmp/dialdesk-bench-seed}"; }

# b_need_year AUDIT: the database of a year (bench/seed year AUDIT) in
# place of B_DB, from the cache when this seed version made one for this
# schema, else seeded now, verified with `dialdesk audit verify` and kept.
# serve must be stopped. Sets B_BIG_TASK (the task of 500 batches).
B_BIG_TASK=
b_need_year() {
	local n=$1 key dir f base=${B_DB##*/}
	# The database as b_setup left it (users admin and operator), kept
	# before the first swap: every size is seeded from it.
	if [[ ! -d $B_DIR/base-db ]]; then
		b_sql 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
		mkdir -p "$B_DIR/base-db"
		for f in "$B_DB" "$B_DB".*; do
			case $f in *-wal|*-shm) continue ;; esac
			[[ -e $f ]] && cp -p "$f" "$B_DIR/base-db/"
		done
	fi
	key=$("$B_BIN/seed" --version)-$(cat "$DD_TOP"/sql/*.sql | sha256sum | cut -c1-12)-$n
	dir=$(b_seed_cache_dir)/$key
	if [[ ! -s $dir/big-task ]]; then
		dd_say "seeding a year with $n audit entries (kept in $dir)"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		cp -p "$B_DIR/base-db/"* "$dir.tmp/"
		SECONDS=0
		"$B_BIN/seed" "$dir.tmp/$base" year "$n" >"$dir.tmp/big-task" 2>>"$B_LOG" ||
		    dd_die "seed year $n failed: see $B_LOG"
		dd_say "seeded in $SECONDS s"
		sed -e "s|^database = .*|database = $dir.tmp/$base|" "$B_CONF" >"$dir.tmp/verify.conf"
		"$DIALDESK_BIN" --config "$dir.tmp/verify.conf" audit verify >"$dir.tmp/verify.txt" 2>&1 ||
		    dd_die "the seeded chain does not verify: $(tail -n 3 "$dir.tmp/verify.txt")"
		sqlite3 "$dir.tmp/$base" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
		rm -f "$dir.tmp/verify.conf" "$dir.tmp/$base-wal" "$dir.tmp/$base-shm"
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
	fi
	rm -f "$B_DB" "$B_DB-wal" "$B_DB-shm"
	for f in "$dir"/*; do
		case ${f##*/} in big-task|verify.txt) continue ;; esac
		cp -p "$f" "$B_DIR/"
	done
	B_BIG_TASK=$(cat "$dir/big-task")
	dd_say "$(grep -m 1 "chain intact" "$dir/verify.txt")"
}

# b_rss_kib PID: "VmRSS VmHWM" of the process, in KiB.
b_rss_kib() { awk '$1 == "VmRSS:" { r = $2 } $1 == "VmHWM:" { h = $2 } END { print r, h }' "/proc/$1/status"; }

# b_page_workers: the FastCGI page workers of `dialdesk serve` (the
# children holding the page socket, as b_worker_pid tells them).
b_page_workers() {
	local p holders
	holders=$(ss -xlpH src "$B_SOCK" | grep -o 'pid=[0-9]*' | sed -e 's/^pid=//')
	for p in $(dd_children "$B_SERVE_PID"); do
		grep -qx "$p" <<<"$holders" && printf '%s\n' "$p"
	done
	return 0
}

# --- what the scripts share (run.sh, pg.sh, callback-pool.sh, cost.sh) -----

# b_options USAGE WARN "$@": the -r RUNS, -d SECONDS and -k of bench/run.sh
# and bench/pg.sh into RUNS, B_DURATION and KEEP, and the targets named
# after them (default: ALL_TARGETS) into TARGETS, each checked. USAGE is
# the sed range of the script's usage lines, printed on a bad option; with
# fewer runs than WARN it says that medians mean little.
b_options() {
	local usage=$1 warn=$2 opt t OPTIND=1
	shift 2
	while getopts 'r:d:k' opt; do
		case $opt in
		r) RUNS=$OPTARG ;;
		d) B_DURATION=${OPTARG%s}s ;;
		k) KEEP=1 ;;
		*) sed -n "${usage}p" "$0" >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	if [[ ! $RUNS =~ ^[0-9]+$ ]] || ((RUNS < 1 || RUNS > 21)); then
		dd_die "-r: 1 to 21 runs"
	fi
	((RUNS >= warn)) || dd_say "warning: fewer than $warn runs: medians mean little"
	if [[ ! $B_DURATION =~ ^[0-9]+s$ ]] || ((${B_DURATION%s} < 1 || ${B_DURATION%s} > 120)); then
		dd_die "-d: 1 to 120 seconds"
	fi
	TARGETS=("$@")
	[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL_TARGETS[@]}")
	for t in "${TARGETS[@]}"; do
		[[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || dd_die "unknown target $t (${ALL_TARGETS[*]})"
	done
}

# b_need CMD...: each command installed, and dialdesk built.
b_need() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null || dd_die "$cmd is not installed (scripts/lib.sh: DD_CHECK_PACKAGES)"
	done
	[[ -x $DIALDESK_BIN ]] || dd_die "no $DIALDESK_BIN: build first (make -C build)"
}

# The state folders b_cleanup removes (b_init adds its own).
B_DIRS_TO_REMOVE=()

# b_cleanup: the exit trap of b_traps: the stack stopped (b_stop_all, then
# b_cleanup_more where the script defines one), the state folders removed
# unless KEEP (-k).
b_cleanup() {
	local rc=$? d
	trap - EXIT
	b_stop_all
	if declare -F b_cleanup_more >/dev/null; then b_cleanup_more; fi
	if [[ -n ${KEEP:-} ]]; then
		dd_say "state kept in $B_DIR"
	else
		for d in "${B_DIRS_TO_REMOVE[@]}"; do rm -rf "$d"; done
	fi
	exit "$rc"
}

# b_traps: b_cleanup at exit; TERM and INT end the script through it.
b_traps() {
	trap b_cleanup EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
}

# b_machine DIR SHARERS LINE...: what the figures were taken on: cores,
# CPU, memory, kernel, the disk under DIR, the LINEs (versions and the
# like), then the runs and who shares the machine with the load.
b_machine() {
	local dir=$1 sharers=$2
	shift 2
	printf 'machine: %s cores, %s, %s MiB memory, kernel %s\n' "$(nproc)" \
	    "$(sed -n -e 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
	    "$(($(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) / 1024))" "$(uname -r)"
	printf 'disk under %s: %s\n' "$dir" "$(df -PT "$dir" | awk 'NR == 2 { print $1 " " $2 }')"
	printf '%s\n' "$@"
	printf 'runs %s, wrk %s x %s connections x 2 threads; %s share the machine\n' \
	    "$RUNS" "$B_DURATION" "$B_CONNS" "$sharers"
}

# b_nginx_version, b_wrk_version: for b_machine's lines.
b_nginx_version() { nginx -v 2>&1 | sed -e 's|.*nginx/||'; }
b_wrk_version() { wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2; }

# b_restart_serve WORKERS
b_restart_serve() {
	b_stop_serve
	b_start_serve "$1"
}

# b_signed_in USER PASS JAR: log in once per jar.
b_signed_in() {
	[[ -s $3 ]] && b_cookie "$3" dd_session >/dev/null && return 0
	b_login "$1" "$2" "$3" || dd_die "cannot sign in as $1"
}

# b_upload JAR FILE NAME [CURL-ARGS...]: POST /tasks/new as the form does;
# prints "status import_id seconds". The answer page goes to
# $B_DIR/upload.html.
b_upload() {
	local jar=$1 file=$2 name=$3 csrf w status url secs
	shift 3
	csrf=$(b_csrf "$jar" /tasks/new) || return 1
	w=$(curl -sS --max-time 120 -o "$B_DIR/upload.html" -b "$jar" -c "$jar" \
	    -w '%{http_code} %{redirect_url} %{time_total}' \
	    -F "csrf=$csrf" -F "name=$name" -F "videoBotId=vb-bench" "$@" \
	    -F "list=@$file;filename=${file##*/}" "$BASE/tasks/new") || return 1
	read -r status url secs <<<"$w"
	printf '%s %s %s\n' "$status" "${url##*/imports/}" "$secs"
}

# b_post JAR PATH CSRF-PAGE: POST a form of buttons only (csrf), print
# "status location".
b_post() {
	local csrf
	csrf=$(b_csrf "$1" "$3") || return 1
	curl -sS --max-time 120 -o /dev/null -b "$1" -c "$1" \
	    -w '%{http_code} %{redirect_url}\n' --data-urlencode "csrf=$csrf" "$BASE$2"
}

# b_preview JAR ID: GET /imports/ID as JAR (the page to
# $B_DIR/preview.html); prints its seconds; dies on another status than 200.
b_preview() {
	local status secs
	read -r status secs < <(curl -sS --max-time 60 -o "$B_DIR/preview.html" -b "$1" \
	    -w '%{http_code} %{time_total}\n' "$BASE/imports/$2")
	[[ $status == 200 ]] || dd_die "GET /imports/$2: $status"
	printf '%s\n' "$secs"
}

# b_sum A B: A + B, to the thousandth.
b_sum() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }

# b_ratio A B: A / B, to the thousandth.
b_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

# b_list_csv FILE PREFIX: a 50,000-row list: distinct mobiles (PREFIX and
# 8 digits), a name and two more columns.
b_list_csv() {
	awk -v p="$2" 'BEGIN { print "手机号,姓名,城市,备注"
	    split("北京 上海 广州 深圳", c, " ")
	    for (i = 0; i < 50000; i++)
		printf "%s%08d,客户%d,%s,春季回访 第%d组\n", p, i, i, c[i % 4 + 1], i % 7 }' >"$1"
}

# b_lua_threads: the start of a wrk script in which each thread knows its
# number (tid), set in setup(): wrk's threads share one seed and one
# counter, so a script mixes tid into what must differ between them.
b_lua_threads() {
	cat <<'LUA'
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
LUA
}

# b_push_script NONCE: $B_DIR/push.lua, the wrk script of the callback
# targets: each push a distinct body (wrk's threads share one seed, so the
# body carries the thread's number and its own counter, and NONCE, this
# run's).
b_push_script() {
	{
		echo "-- push.lua: distinct vendor pushes for wrk (written by bench/${0##*/})"
		b_lua_threads
		cat <<LUA
function init(args)
    n = 0
    nonce = "$1"
end
function request()
    n = n + 1
    local sn = string.format("%s%04x%020x", nonce, tid, n)
    local body = '{"dial_task_main_sn":"dial_task_main_sn|' .. sn ..
        '","import_mark":{"totalCount":10000,"failCount":0,' ..
        '"blacklistCount":12,"repeatCount":40,"successCount":9948,' ..
        '"filterCount":0,"shiCount":' .. (n % 5000) .. ',"kongCount":51,' ..
        '"tingjiCount":7,"kuwuCount":3,"chenmoCount":2,"fenxianCount":1,' ..
        '"chaopinCount":0}}'
    return wrk.format("POST", nil,
        { ["Content-Type"] = "application/json; charset=utf-8" }, body)
end
LUA
	} >"$B_DIR/push.lua"
}

# b_random_page_script FILE PATH MAX: a wrk script asking for PATH and a
# number at random in 1..MAX (PATH ends in "page="): pages no worker has at
# hand. wrk's threads share one seed: the thread's number is mixed in.
b_random_page_script() {
	{
		echo "-- ${1##*/}: GET ${2}N, N at random in 1..$3 (bench/${0##*/})"
		b_lua_threads
		cat <<LUA
function init(args)
    math.randomseed(os.time() * 1000 + tid)
end
function request()
    return wrk.format("GET", "$2" .. math.random(1, $3))
end
LUA
	} >"$1"
}

# b_warm URL [WRK-ARGS...]: a 2 s wrk run whose figures are thrown away
# (templates, page cache and the database's cache in every worker).
b_warm() {
	local url=$1
	shift
	wrk -t2 -c"$B_CONNS" -d2s "$@" "$url" >/dev/null 2>&1
}

# b_not_pages: " PATH STATUS: N;" for each GET that nginx answered for
# dialdesk otherwise than with 200 (wrk counts a 3xx as a success; 499 is a
# request wrk left in flight when it stopped); nothing when all were pages.
b_not_pages() {
	awk -v p="$B_PORT" '$1 == p && $2 == "GET" && $4 != 200 && $4 != 499 { n[$3 " " $4]++ }
	    END { for (k in n) printf " %s: %d;", k, n[k] }' "$B_DIR/nginx-timing.log"
}

# b_summary: the table of b_result's lines; exit status 1 when a goal was
# missed.
b_summary() {
	echo
	echo "== summary (medians of $RUNS runs; range min–max)"
	{
		printf 'target\tmeasure\tmedian\trange\tgoal\tverdict\n'
		cat "$B_SUMMARY"
	} | column -t -s $'\t'
	cp "$B_SUMMARY" "$B_DIR/summary.txt"
	if ((B_FAILED > 0)); then
		echo "$B_FAILED goal(s) missed"
		exit 1
	fi
	echo "every goal met"
}
