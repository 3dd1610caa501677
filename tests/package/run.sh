#!/usr/bin/env bash
# tests/package/run.sh: the Debian package, built and installed as an
# administrator would. It builds dialdesk_*.deb with dpkg-buildpackage from
# a copy of the tree, runs lintian (no error allowed), checks the package's
# contents, verifies the units with systemd-analyze, and installs the
# package into a throw-away root: an overlay of this machine's own root in
# a private mount namespace (unshare -m), so the dependencies are this
# machine's and nothing of the install reaches it. There dpkg runs the real
# maintainer scripts; the test checks the user, the generated config, the
# state folder and the database, starts `dialdesk serve` and nginx with the
# package's site by hand (no systemd in a chroot), signs in through HTTPS,
# reads /healthz, then upgrades (a backup first), removes (data kept) and
# purges (data gone). Prints `ok`/`not ok` lines and `N passed, M failed`.
#
# Needs root, debhelper, lintian, dpkg-dev, fakeroot, systemd (for
# systemd-analyze) and nginx. Where an overlay cannot be mounted (an
# unprivileged container) the install part is reported as skipped with the
# reason; everything else still runs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
source "$here/../../scripts/lib.sh"
DD_PROG=package

P_PASSED=0
P_FAILED=0
ok() { printf 'ok - %s\n' "$1"; P_PASSED=$((P_PASSED + 1)); }
not_ok() {
	local d
	printf 'not ok - %s\n' "$1"
	shift
	for d in "$@"; do printf '%s\n' "$d" | sed -e 's/^/#   /'; done
	P_FAILED=$((P_FAILED + 1))
}
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc" "command failed: $*"; fi
}
expect_eq() { if [[ $2 == "$1" ]]; then ok "$3"; else not_ok "$3" "want '$1', got '$2'"; fi; }
expect_match() { if [[ $2 =~ $1 ]]; then ok "$3"; else not_ok "$3" "want a match of $1 in:" "$2"; fi; }

# --- inside the private mount namespace: the install ------------------------
if [[ ${1:-} == --install ]]; then
	# Every check counts; none ends the script.
	set +e +o pipefail
	work=$2 deb=$3
	root=$work/root
	mkdir -p "$work/up" "$work/ovl" "$root"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$work/up,workdir=$work/ovl" "$root"
	mount --rbind /dev "$root/dev"
	mount -t proc proc "$root/proc"
	mount -t tmpfs tmpfs "$root/run"
	mount -t tmpfs tmpfs "$root/tmp"
	in_root() { chroot "$root" "$@"; }
	cp "$deb" "$root/tmp/dialdesk.deb"
	# The throw-away root must not already have what the package makes.
	if in_root id dialdesk >/dev/null 2>&1 || [[ -e $root/etc/dialdesk ]]; then
		not_ok "this machine already has a dialdesk user or /etc/dialdesk: cannot test a first install"
		exit 1
	fi

	rc=0
	out=$(in_root env DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/dialdesk.deb 2>&1) || rc=$?
	expect_eq 0 "$rc" "dpkg -i dialdesk.deb exits 0"
	[[ $rc -eq 0 ]] || { printf '%s\n' "$out" | sed -e 's/^/#   /'; exit 1; }
	expect_match "sudo -u dialdesk dialdesk user add admin --role admin" "$out" \
	    "the postinst message says how to create the first administrator"
	quiet() { "$@" >/dev/null 2>&1; }
	check "the system user dialdesk exists" quiet in_root id -u dialdesk
	expect_match '^[0-9]+$' "$(in_root id -u dialdesk)" "... with a uid"
	if (($(in_root id -u dialdesk) < 1000)); then ok "... a system uid"; else not_ok "... a system uid"; fi
	check "the group dialdesk exists" quiet in_root getent group dialdesk
	conf=$root/etc/dialdesk/dialdesk.conf
	expect_eq "640 root dialdesk" "$(in_root stat -c '%a %U %G' /etc/dialdesk/dialdesk.conf 2>/dev/null)" \
	    "/etc/dialdesk/dialdesk.conf is 0640 root:dialdesk"
	token=$(sed -n -e 's/^callback_token = //p' "$conf")
	expect_match '^[0-9a-f]{48}$' "$token" "it has a random callback_token"
	expect_eq "750 dialdesk dialdesk" "$(in_root stat -c '%a %U %G' /var/lib/dialdesk 2>/dev/null)" \
	    "/var/lib/dialdesk is 0750 dialdesk:dialdesk"
	expect_eq dialdesk "$(in_root stat -c %U /var/lib/dialdesk/dialdesk.db 2>/dev/null)" \
	    "the database was made by dialdesk"
	# audit verify refuses a database whose schema is not this binary's.
	check "the database is migrated (audit verify runs on it)" \
	    quiet in_root runuser -u dialdesk -- dialdesk audit verify
	check "dialdesk.service is enabled" test -L "$root/etc/systemd/system/multi-user.target.wants/dialdesk.service"
	check "dialdesk-worker.service is enabled" test -L "$root/etc/systemd/system/multi-user.target.wants/dialdesk-worker.service"
	check "the nginx site is in sites-available" test -f "$root/etc/nginx/sites-available/dialdesk"
	check "... and not enabled" test ! -e "$root/etc/nginx/sites-enabled/dialdesk"
	check "logrotate knows dialdesk's logs" grep -q '/var/log/dialdesk/\*.log' "$root/etc/logrotate.d/dialdesk"
	check "dpkg lists the nginx site and logrotate file as conffiles" \
	    grep -qx ' */etc/nginx/sites-available/dialdesk [0-9a-f]*' <(in_root dpkg-query -W -f='${Conffiles}\n' dialdesk)

	# Start it as the units would: user dialdesk, group www-data for the
	# socket, the state and runtime folders systemd would name.
	printf 'Pkg-admin-pass-5521\n' | in_root runuser -u dialdesk -- dialdesk user add admin --role admin >/dev/null ||
	    not_ok "dialdesk user add admin"
	in_root install -d -m 0755 -o dialdesk -g dialdesk /run/dialdesk
	chroot "$root" env STATE_DIRECTORY=/var/lib/dialdesk RUNTIME_DIRECTORY=/run/dialdesk \
	    DIALDESK_CONFIG=/etc/dialdesk/dialdesk.conf \
	    setpriv --reuid dialdesk --regid dialdesk --groups www-data,dialdesk \
	    /usr/bin/dialdesk serve >"$work/serve.log" 2>&1 &
	serve=$!
	https=$(dd_pick_port)
	http=$(dd_pick_port)
	mkdir -p "$root/etc/ssl/dialdesk"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=dialdesk.example.com \
	    -keyout "$root/etc/ssl/dialdesk/privkey.pem" -out "$root/etc/ssl/dialdesk/fullchain.pem" \
	    >/dev/null 2>&1
	sed -e "s/listen 443 ssl http2;/listen 127.0.0.1:$https ssl http2;/" \
	    -e "s/listen 80;/listen 127.0.0.1:$http;/" -e '/listen \[::\]/d' \
	    "$root/etc/nginx/sites-available/dialdesk" >"$root/etc/nginx/sites-enabled/dialdesk"
	rm -f "$root/etc/nginx/sites-enabled/default"
	if in_root nginx -t >"$work/nginx-t.log" 2>&1; then
		ok "nginx -t accepts Debian's nginx.conf with the package's site"
	else
		not_ok "nginx -t accepts Debian's nginx.conf with the package's site" "$(cat "$work/nginx-t.log")"
	fi
	chroot "$root" nginx -g 'daemon off;' >"$work/nginx.log" 2>&1 &
	nginx=$!
	base=https://127.0.0.1:$https
	for ((i = 0; i < 100; i++)); do
		[[ -S $root/run/dialdesk/dialdesk.sock ]] && break
		sleep 0.1
	done
	check "dialdesk serve, started as the unit does, makes /run/dialdesk/dialdesk.sock" \
	    test -S "$root/run/dialdesk/dialdesk.sock"
	sleep 0.5	# nginx's start
	jar=$work/jar
	code=$(curl -sk -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/login")
	expect_eq 301 "$code" "plain HTTP is sent to HTTPS"
	page=$(curl -sk -c "$jar" -b "$jar" "$base/login")
	csrf=$(printf '%s' "$page" | grep -o 'name="csrf"[^>]*' | sed -n -e 's/.*value="\([^"]*\)".*/\1/p' | head -n 1)
	expect_match '.' "$csrf" "GET /login through nginx's site shows the sign-in form"
	code=$(curl -sk -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
	    --data-urlencode "csrf=$csrf" --data-urlencode username=admin \
	    --data-urlencode password=Pkg-admin-pass-5521 "$base/login")
	expect_eq 303 "$code" "admin signs in through the package's nginx site"
	[[ $code == 303 ]] || printf '# serve log:\n%s\n# nginx:\n%s\n' "$(tail -n 20 "$work/serve.log")" \
	    "$(tail -n 20 "$root/var/log/nginx/error.log" 2>/dev/null)"
	code=$(curl -sk -b "$jar" -o /dev/null -w '%{http_code}' "$base/tasks")
	expect_eq 200 "$code" "... and reads /tasks"
	body=$(curl -sk "$base/healthz" || true)
	expect_match '"database"' "$body" "GET /healthz answers through the site"
	dd_stop "$nginx" 10 || true
	dd_stop "$serve" 10 || true

	# An upgrade (the same version again: dpkg runs the upgrade path).
	rc=0
	out=$(in_root env DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/dialdesk.deb 2>&1) || rc=$?
	expect_eq 0 "$rc" "installing over the installed package (an upgrade) exits 0"
	expect_match "database backed up to /var/lib/dialdesk/backups/before-" "$out" "... after a backup"
	copy=$(ls "$root"/var/lib/dialdesk/backups/before-*.db 2>/dev/null | head -n 1)
	expect_eq ok "$(sqlite3 "$copy" 'PRAGMA integrity_check' 2>/dev/null)" "... which passes integrity_check"
	expect_eq "$token" "$(sed -n -e 's/^callback_token = //p' "$conf")" "the upgrade keeps the config (same callback_token)"

	in_root env DEBIAN_FRONTEND=noninteractive dpkg -r dialdesk >/dev/null 2>&1 || not_ok "dpkg -r dialdesk"
	check "removing keeps the database" test -s "$root/var/lib/dialdesk/dialdesk.db"
	check "... and the config" test -f "$conf"
	in_root env DEBIAN_FRONTEND=noninteractive dpkg -P dialdesk >/dev/null 2>&1 || not_ok "dpkg -P dialdesk"
	check "purging removes /var/lib/dialdesk" test ! -e "$root/var/lib/dialdesk"
	check "... and /etc/dialdesk" test ! -e "$root/etc/dialdesk"
	printf 'P_COUNTS %d %d\n' "$P_PASSED" "$P_FAILED"
	exit 0
fi

# --- build, lintian, contents, units ----------------------------------------
[[ $(id -u) -eq 0 ]] || { echo "tests/package/run.sh: needs root" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/dialdesk-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
# The tree as it is (committed or not), without builds and artifacts.
(cd "$DD_TOP" && git ls-files -co --exclude-standard | grep -v -E '^(build[^/]*|tests/artifacts)/' |
    tar -cf - -T -) | tar -xf - -C "$work/src"
rc=0
(cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) \
    >"$work/build.log" 2>&1 || rc=$?
expect_eq 0 "$rc" "dpkg-buildpackage -us -uc -b exits 0"
if [[ $rc -ne 0 ]]; then
	tail -n 30 "$work/build.log" | sed -e 's/^/#   /'
	printf '%d passed, %d failed\n' "$P_PASSED" "$P_FAILED"
	exit 1
fi
deb=$(ls "$work"/dialdesk_*_*.deb | head -n 1)
check "it made ${deb##*/}" test -s "$deb"

lintian --tag-display-limit 0 "$work"/dialdesk_*.changes >"$work/lintian.log" 2>&1 || true
errors=$(grep -c '^E: ' "$work/lintian.log" || true)
expect_eq 0 "$errors" "lintian reports no errors"
grep -E '^[EW]: ' "$work/lintian.log" | sed -e 's/^/# lintian: /' || true

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/dialdesk ./lib/systemd/system/dialdesk.service \
    ./lib/systemd/system/dialdesk-worker.service ./etc/nginx/sites-available/dialdesk \
    ./etc/logrotate.d/dialdesk ./usr/share/dialdesk/dialdesk.conf.example \
    ./usr/share/man/man8/dialdesk.8.gz ./usr/share/man/man5/dialdesk.conf.5.gz; do
	if grep -qx -- "$f" <<<"$contents"; then ok "the package holds ${f#.}"; else not_ok "the package holds ${f#.}"; fi
done
if grep -q '^./etc/dialdesk/dialdesk.conf$' <<<"$contents"; then
	not_ok "the package does not ship a config with a fixed callback_token"
else
	ok "the package does not ship a config with a fixed callback_token"
fi

mkdir "$work/x"
dpkg-deb -x "$deb" "$work/x"
for u in dialdesk dialdesk-worker; do
	unit=$work/x/lib/systemd/system/$u.service
	for want in ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
	    CapabilityBoundingSet= ReadWritePaths=/var/lib/dialdesk; do
		if grep -qx -- "$want" "$unit"; then ok "$u.service has $want"; else not_ok "$u.service has $want"; fi
	done
	# systemd-analyze resolves ExecStart= on this machine: point it at the
	# package's binary.
	sed -e "s|^ExecStart=/usr/bin/dialdesk|ExecStart=$work/x/usr/bin/dialdesk|" "$unit" \
	    >"$work/$u.service"
	rc=0
	out=$(systemd-analyze verify --man=no "$work/$u.service" 2>&1) || rc=$?
	if [[ $rc -eq 0 && -z $(grep -v -E 'Failed to connect|System has not been booted|Failed to setup working directory' <<<"$out") ]]; then
		ok "systemd-analyze verify $u.service"
	else
		not_ok "systemd-analyze verify $u.service" "$out"
	fi
done

# --- the install, in a mount namespace of its own ---------------------------
if ! unshare -m true 2>/dev/null || ! modprobe -n overlay 2>/dev/null && ! grep -qw overlay /proc/filesystems; then
	printf '# install test skipped: no mount namespace or overlayfs here\n'
else
	rc=0
	unshare -m --propagation private bash "$0" --install "$work/inst" "$deb" >"$work/install.out" 2>&1 || rc=$?
	grep -v '^P_COUNTS ' "$work/install.out" || true
	if read -r _ p f < <(grep '^P_COUNTS ' "$work/install.out"); then
		P_PASSED=$((P_PASSED + p))
		P_FAILED=$((P_FAILED + f))
	else
		not_ok "the install test ran to its end (status $rc)"
	fi
fi
printf '%d passed, %d failed\n' "$P_PASSED" "$P_FAILED"
[[ $P_FAILED -eq 0 ]]
