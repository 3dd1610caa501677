#!/usr/bin/env bash
# t7455-get-one-snapshot.sh: on SQLite a signed-in GET reads in one
# transaction: however many statements a page runs (the session, the
# settings' version, the newest entry, the page's rows, the pager's
# walk), its worker takes a WAL read lock once per request, not once per
# statement (counted with strace: the fcntl() on a read mark of the -shm
# file). A GET that writes (the session touch) and a POST still
# answer, and what they wrote is on the next page.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_engine sqlite "SQLite's locks; PostgreSQL takes no snapshot per request"
command -v strace >/dev/null || { skip "${DD_PROG%.sh}" "no strace"; exit 0; }
t_conf workers 1
t_start
jar=$T_DIR/jar
login admin "$ADMIN_PASS" "$jar" || not_ok "admin signs in" "$(r_summary)"
req "$jar" GET /audit
expect_status 200 "the audit page answers"

mapfile -t kids < <(dd_children "$T_SERVE_PID")
args=()
for p in "${kids[@]}"; do args+=(-p "$p"); done
strace -f -qq -e trace=fcntl -o "$T_DIR/strace.txt" "${args[@]}" &
spid=$!
sleep 1
N=10
for ((i = 0; i < N; i++)); do
	curl -sS -o /dev/null -b "$jar" "$BASE/audit?user=admin&action=login.ok&from=2000-01-01&to=2999-01-01"
	curl -sS -o /dev/null -b "$jar" "$BASE/audit"
done
sleep 0.5
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null || true
# A read transaction in WAL mode: a read lock on one of the -shm file's
# read marks (bytes 123 to 127: WAL_READ_LOCK(0..4)), taken at its start
# and dropped at its end. Counted in the process that answered the pages
# (the one with the most).
shared=$(awk '/F_SETLK, \{l_type=F_RDLCK, l_whence=SEEK_SET, l_start=12[3-7], l_len=1\}/ { n[$1]++ }
    END { m = 0; for (p in n) if (n[p] > m) m = n[p]; print m + 0 }' "$T_DIR/strace.txt")
printf '# %s WAL read locks for %s GET requests\n' "$shared" $((2 * N))
expect_ge 1 "$shared" "strace saw the worker lock the database"
if ((shared <= 2 * N)); then
	ok "one WAL read lock per GET at most ($shared for $((2 * N)))"
else
	not_ok "one WAL read lock per GET at most" "$shared for $((2 * N)) requests"
fi

# A touch of the session (a write inside a GET) and then the page's reads.
sql "UPDATE sessions SET last_seen = last_seen - 120" >/dev/null
before=$(sql "SELECT last_seen FROM sessions ORDER BY id DESC LIMIT 1")
req "$jar" GET /audit
expect_status 200 "a GET that touches its session answers"
after=$(sql "SELECT last_seen FROM sessions ORDER BY id DESC LIMIT 1")
expect_ge $((before + 60)) "$after" "the GET's touch is stored"
# A POST's write, then the GET after it shows it.
csrf=$(csrf_of "$jar" /users)
req "$jar" POST /users --data-urlencode "csrf=$csrf" --data-urlencode username=snap1 \
    --data-urlencode role=operator --data-urlencode "password=Tidal-Quartz-Lantern-58"
expect_eq 1 "$(sql "SELECT count(*) FROM users WHERE name = 'snap1'")" "the POST's user is stored"
req "$jar" GET /users
expect_body_contains "snap1" "the next GET shows it"
