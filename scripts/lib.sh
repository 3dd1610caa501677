# scripts/lib.sh: shell helpers shared by demo.sh, check.sh and the tests
# (sourced, never run): installing Debian packages, building, writing a
# local config, and starting and stopping dialdesk and nginx.
# shellcheck shell=bash

DD_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What building and running dialdesk needs (Debian 12 package names).
# shellcheck disable=SC2034  # used by the scripts that source this file
DD_BASE_PACKAGES=(
	autoconf automake libtool pkg-config make gcc g++
	libfcgi-dev libctemplate-dev libcjson-dev libcurl4-openssl-dev
	libsodium-dev libcsv-dev libzip-dev libexpat1-dev libxlsxwriter-dev
	check libsqlite3-dev libssl-dev libfreexl-dev
	sqlite3 nginx-light curl iproute2 ca-certificates
)
# PostgreSQL's client library: the second store engine (docs/SCALING.md).
DD_BASE_PACKAGES+=(libpq-dev)
# What scripts/check.sh needs on top: the browser test (with a Chinese font
# for its screenshots), xz for make distcheck, wrk for bench/, jq and unzip
# for the integration tests that read JSON bodies and .xlsx exports, python3
# for the audit-chain tests that recompute hashes (tests/integration/audit.sh).
# shellcheck disable=SC2034
DD_CHECK_PACKAGES=(chromium fonts-wqy-microhei nodejs npm xz-utils wrk jq unzip python3)
# t8052 reads the .xlsx exports as a spreadsheet program does.
DD_CHECK_PACKAGES+=(python3-openpyxl)
# t7457 counts the task page's instructions with callgrind.
DD_CHECK_PACKAGES+=(valgrind)
# The fuzz stage: clang and its libFuzzer runtime.
DD_CHECK_PACKAGES+=(clang libclang-rt-14-dev)
# The package test (tests/package/run.sh): building the .deb, lintian, and
# systemd-analyze for the units.
DD_CHECK_PACKAGES+=(debhelper dpkg-dev fakeroot lintian systemd)
# The PostgreSQL tests: a throw-away cluster (tests/pg/cluster.sh) and psql.
DD_CHECK_PACKAGES+=(postgresql)
# bench/: the PHP reference page (bench/ref-audit.php) under PHP-FPM.
DD_CHECK_PACKAGES+=(php8.2-fpm php8.2-sqlite3)

dd_say() { printf '%s: %s\n' "${DD_PROG:-dialdesk}" "$*" >&2; }
dd_die() { dd_say "$*"; exit 1; }

# dd_missing_packages PKG...: print the packages dpkg does not list as
# installed.
dd_missing_packages() {
	local p status
	for p in "$@"; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || status=
		[[ $status == installed ]] || printf '%s\n' "$p"
	done
}

# dd_install PKG...: install what is missing, and only then touch apt.
# Node and npm are checked by command, not by package: a node from another
# source (NodeSource's nodejs bundles npm) serves as well as Debian's.
dd_install() {
	local missing=() sudo=()
	mapfile -t missing < <(dd_missing_packages "$@")
	if [[ " $* " == *" nodejs "* ]] || [[ " $* " == *" npm "* ]]; then
		local keep=() p
		for p in "${missing[@]}"; do
			case $p in
			nodejs) command -v node >/dev/null || keep+=("$p") ;;
			npm) command -v npm >/dev/null || keep+=("$p") ;;
			*) keep+=("$p") ;;
			esac
		done
		missing=("${keep[@]}")
	fi
	[[ ${#missing[@]} -eq 0 ]] && return 0
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null ||
		    dd_die "missing packages: ${missing[*]} (run as root, or install them)"
		sudo=(sudo)
	fi
	dd_say "installing: ${missing[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
	    dd_die "apt-get update failed"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends "${missing[@]}" ||
	    dd_die "apt-get install failed"
}

# dd_autoreconf: generate configure when it is missing or older than its
# sources. Afterwards automake's own rules keep it up to date.
dd_autoreconf() {
	if [[ ! -x $DD_TOP/configure || $DD_TOP/configure.ac -nt $DD_TOP/configure ||
	    $DD_TOP/Makefile.am -nt $DD_TOP/configure ]]; then
		dd_say "autoreconf -fi"
		(cd "$DD_TOP" && autoreconf -fi) || return 1
	fi
}

# dd_build [--exact] DIR [CONFIGURE-ARGS...]: build out of tree in DIR.
# configure runs when DIR has no Makefile yet; with --exact also when DIR
# was configured with other arguments (or by someone else). make decides
# what else to do.
dd_build() {
	local exact='' dir args stamp
	if [[ ${1:-} == --exact ]]; then
		exact=1
		shift
	fi
	dir=$1
	shift
	args=$(printf '%q ' "$@")
	stamp=$dir/.dd-configure-args
	dd_autoreconf || return 1
	if [[ -f $DD_TOP/config.status ]]; then
		dd_say "the source tree is configured in place (./config.status);" \
		    "out-of-tree builds need it clean: run 'make distclean' in $DD_TOP"
		return 1
	fi
	mkdir -p "$dir"
	if [[ ! -f $dir/Makefile ]] ||
	    [[ -n $exact && "$(cat "$stamp" 2>/dev/null)" != "$args" ]]; then
		dd_say "configure in $dir $*"
		rm -f "$stamp"
		(cd "$dir" && "$DD_TOP/configure" "$@") || return 1
		printf '%s\n' "$args" >"$stamp"
	fi
	make -C "$dir" -j2
}

# dd_random_hex BYTES: that many random bytes in hex.
dd_random_hex() {
	od -An -tx1 -N "$1" /dev/urandom | tr -d ' \n'
}

# dd_random_password: 20 letters and digits.
dd_random_password() {
	local s
	s=$(head -c 60 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')
	printf '%s\n' "${s:0:20}"
}

# dd_port_free PORT: no TCP socket on this machine listens on PORT. Only a
# listening socket takes a port: nginx binds with SO_REUSEADDR, so the
# connections a load test leaves in TIME_WAIT (or any other state) on that
# port do not stop it.
dd_port_free() {
	! ss -Hltn | awk '{print $4}' | grep -qE "[:.]$1\$"
}

# dd_pick_port: a free loopback port, chosen at random so that runs side by
# side rarely collide, and outside the kernel's range for outgoing
# connections, which could take it between the choice and the bind().
dd_pick_port() {
	local i port low=32768 high=60999 from=10000 to
	read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	to=$((low - 1))
	if ((to - from < 1000)); then
		from=$((high + 1))
		to=65000
	fi
	for ((i = 0; i < 100; i++)); do
		port=$((from + RANDOM % (to - from + 1)))
		if dd_port_free "$port"; then
			printf '%s\n' "$port"
			return 0
		fi
	done
	dd_say "no free port found"
	return 1
}

# dd_sed_quote TEXT: TEXT safe as the replacement of s|...|...|.
dd_sed_quote() {
	printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'
}

# dd_nginx_user PATH...: the user nginx's workers run as locally: www-data,
# as in production, when www-data can reach every PATH (a repository under
# /root is out of its reach); otherwise root, which is tolerable only
# because the local server listens on the loopback address alone.
dd_nginx_user() {
	local p
	if [[ $(id -u) -ne 0 ]]; then
		id -un
		return 0
	fi
	for p in "$@"; do
		if ! runuser -u www-data -- test -r "$p" -a -x "$p" 2>/dev/null; then
			dd_say "www-data cannot reach $p: local nginx workers run as root"
			echo root
			return 0
		fi
	done
	echo www-data
}

# dd_nginx_local OUT PORT STATE SOCKET STATIC USER [BODY_MAX
# [CALLBACK_SOCKET [CALLBACK_MAX]]]: write to OUT the local nginx
# configuration derived from nginx.conf.example (see the markers described
# at its top): plain HTTP on 127.0.0.1:PORT, no TLS, pid, logs and
# temporary files under STATE. CALLBACK_SOCKET defaults to callback.sock
# beside SOCKET, as dialdesk's callback_socket does; CALLBACK_MAX to 1m.
dd_nginx_local() {
	local out=$1 port=$2 state=$3 socket=$4 static=$5 user=$6
	local body_max=${7:-50m}
	local callback_socket=${8:-$(dirname "$socket")/callback.sock}
	local callback_max=${9:-1m}
	mkdir -p "$state/nginx-tmp"
	# Markers count only on lines that are not comments themselves.
	sed -e '/^[[:space:]]*# local-drop-begin[[:space:]]*$/,/^[[:space:]]*# local-drop-end[[:space:]]*$/d' \
	    -e '/^[[:space:]]*#/!{/# local: -[[:space:]]*$/d}' \
	    -e '/^[[:space:]]*#/!s/^\([[:space:]]*\).*# local: \(.*[^[:space:]]\)[[:space:]]*$/\1\2/' \
	    -e 's/^\([[:space:]]*\)#+local /\1/' \
	    -e "/^[[:space:]]*#/!s|@LISTEN@|127.0.0.1:$port|g" \
	    -e "/^[[:space:]]*#/!s|@STATE@|$(dd_sed_quote "$state")|g" \
	    -e "/^[[:space:]]*#/!s|@SOCKET@|$(dd_sed_quote "$socket")|g" \
	    -e "/^[[:space:]]*#/!s|@STATIC@|$(dd_sed_quote "${static%/}")|g" \
	    -e "/^[[:space:]]*#/!s|@USER@|$(dd_sed_quote "$user")|g" \
	    -e "/^[[:space:]]*#/!s|@BODY_MAX@|$(dd_sed_quote "$body_max")|g" \
	    -e "/^[[:space:]]*#/!s|@CALLBACK_SOCKET@|$(dd_sed_quote "$callback_socket")|g" \
	    -e "/^[[:space:]]*#/!s|@CALLBACK_MAX@|$(dd_sed_quote "$callback_max")|g" \
	    "$DD_TOP/nginx.conf.example" >"$out.tmp" || return 1
	if grep -n '^[^#]*@[A-Z_]*@' "$out.tmp" >&2; then
		dd_say "nginx.conf.example: unknown placeholder left in $out"
		return 1
	fi
	mv "$out.tmp" "$out"
}

# dd_sandbox_server OUT PORT SOCKET: the sandbox vendor's nginx server
# block (tools/sandbox-vendor.nginx.conf) for 127.0.0.1:PORT, passing to
# the sandbox listening on SOCKET.
dd_sandbox_server() {
	sed -e "s|@PORT@|$2|g" -e "s|@SOCKET@|$(dd_sed_quote "$3")|g" \
	    "$DD_TOP/tools/sandbox-vendor.nginx.conf" >"$1"
}

# dd_sandbox_nginx STATE PORT SOCKET: STATE/nginx.conf, an nginx of its
# own in front of the sandbox vendor (pid, logs and temporary files under
# STATE), to be started with dd_nginx_start STATE/nginx.conf STATE.
dd_sandbox_nginx() {
	local state=$1
	mkdir -p "$state/nginx-tmp"
	dd_sandbox_server "$state/sandbox-vendor.conf" "$2" "$3" || return 1
	cat >"$state/nginx.conf" <<EOF
# nginx in front of the sandbox vendor (scripts/lib.sh: dd_sandbox_nginx).
user $(dd_nginx_user "$(dirname "$3")");
worker_processes 1;
daemon off;
pid $state/nginx.pid;
error_log $state/nginx-error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $state/nginx-tmp/body;
    fastcgi_temp_path $state/nginx-tmp/fastcgi;
    proxy_temp_path $state/nginx-tmp/proxy;
    include $state/sandbox-vendor.conf;
}
EOF
}

# dd_alive PID: the process exists and is not a zombie (a child of ours
# that exited stays a zombie until we wait for it, and kill -0 still works).
dd_alive() {
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != Z ]]
}

# dd_detach: the words to put before a background command. With
# DD_DETACH=1 (the demo) the command gets a session of its own, so that
# Ctrl-C reaches only the script, whose trap then stops it in order.
dd_detach() {
	if [[ -n ${DD_DETACH:-} ]]; then
		DD_PRE=(setsid)
	else
		DD_PRE=()
	fi
}

# dd_nginx_start CONF STATE: test CONF, then run nginx in the background
# (the configuration says daemon off); its process id goes to DD_PID.
# Not to be called in $(...): the process must be a child of this shell.
dd_nginx_start() {
	local conf=$1 state=$2
	nginx -q -t -c "$conf" -e "$state/nginx-error.log" -p "$state/" || return 1
	dd_detach
	"${DD_PRE[@]}" nginx -c "$conf" -e "$state/nginx-error.log" -p "$state/" \
	    </dev/null >>"$state/nginx.out" 2>&1 &
	# shellcheck disable=SC2034  # read by the caller
	DD_PID=$!
}

# dd_serve_start BIN CONF LOG: run `dialdesk serve` in the background; its
# process id goes to DD_PID.
dd_serve_start() {
	local bin=$1 conf=$2 log=$3
	dd_detach
	"${DD_PRE[@]}" "$bin" --config "$conf" serve </dev/null >>"$log" 2>&1 &
	# shellcheck disable=SC2034  # read by the caller
	DD_PID=$!
}

# dd_wait_http URL STATUS SECONDS [PID...]: poll URL until it answers STATUS;
# fail early when one of the PIDs is gone.
dd_wait_http() {
	local url=$1 want=$2 secs=$3 got=000 i p
	shift 3
	for ((i = 0; i < secs * 10; i++)); do
		got=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url") || got=000
		[[ $got == "$want" ]] && return 0
		for p in "$@"; do
			dd_alive "$p" || { dd_say "process $p exited"; return 1; }
		done
		sleep 0.1
	done
	dd_say "$url did not answer $want within ${secs}s (last: $got)"
	return 1
}

# dd_stop PID [SECONDS]: SIGTERM, then SIGKILL after SECONDS (default 10).
# Returns the process's exit status when it is a child of this shell (so
# callers that do not care write `dd_stop PID || true`), else 0.
dd_stop() {
	local pid=$1 secs=${2:-10} i rc=0
	if dd_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < secs * 10; i++)); do
			dd_alive "$pid" || break
			sleep 0.1
		done
		if dd_alive "$pid"; then
			dd_say "process $pid ignored SIGTERM for ${secs}s: SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	wait "$pid" 2>/dev/null || rc=$?
	[[ $rc -eq 127 ]] && rc=0	# not our child: no status to report
	return "$rc"
}

# dd_children PID: the process ids whose parent is PID (read from /proc, so
# nothing beyond bash is needed).
dd_children() {
	local f stat ppid
	for f in /proc/[0-9]*/stat; do
		{ read -r stat <"$f"; } 2>/dev/null || continue
		stat=${stat##*) }
		read -r _ ppid _ <<<"$stat"
		if [[ $ppid == "$1" ]]; then
			f=${f#/proc/}
			printf '%s\n' "${f%/stat}"
		fi
	done
}

# dd_nginx_two_hosts IN OUT SOCKET_A CALLBACK_A SOCKET_B CALLBACK_B LOG: OUT
# is IN (a local config from dd_nginx_local for SOCKET_A) with both hosts
# behind it: every fastcgi_pass to host A's page or callback socket goes to
# an `upstream` of A's and B's instead, with `fastcgi_next_upstream error
# timeout` (a request that reached no host goes to the next; a POST that
# reached a host that then died is not replayed). LOG gets one line a
# request: method, path, status, "upstream addresses", upstream statuses.
# For the two-host test (t7320) and bench/pg.sh.
dd_nginx_two_hosts() {
	local in=$1 out=$2 sa=$3 ca=$4 sb=$5 cb=$6 log=$7
	sed -e "s|fastcgi_pass unix:$(dd_sed_quote "$sa");|fastcgi_pass dd_hosts;|" \
	    -e "s|fastcgi_pass unix:$(dd_sed_quote "$ca");|fastcgi_pass dd_callbacks;|" \
	    -e "s|^\\([[:space:]]*\\)access_log \\(.*\\) dialdesk_callback;|&\\n\\1access_log $(dd_sed_quote "$log") dd_hosts;|" \
	    -e "/^http {/a\\
    upstream dd_hosts { server unix:$sa; server unix:$sb; }\\
    upstream dd_callbacks { server unix:$ca; server unix:$cb; }\\
    fastcgi_next_upstream error timeout;\\
    log_format dd_hosts '\$request_method \$uri \$status \"\$upstream_addr\" \$upstream_status';\\
    access_log $log dd_hosts;" "$in" >"$out.tmp" || return 1
	if grep -qF -e "fastcgi_pass unix:$sa;" -e "fastcgi_pass unix:$ca;" "$out.tmp"; then
		dd_say "dd_nginx_two_hosts: a fastcgi_pass to host A alone is left in $out"
		return 1
	fi
	mv "$out.tmp" "$out"
}
