#!/usr/bin/env bash
# t1310-backup-under-load.sh: `dialdesk backup FILE` while the vendor
# pushes 500 import results and an operator uploads a large list: the copy
# passes integrity_check and audit verify and holds every push answered
# before the backup began. Then `dialdesk restore`: refused while serve
# runs or another process has the database open, refused for a file that
# is no backup, and otherwise put in place with the old database kept.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_engine sqlite "dialdesk backup is sqlite3_backup and integrity_check; PostgreSQL has pg_basebackup"
t_start

P=$T_DIR/pushes
mkdir -p "$P"
for ((i = 1; i <= 500; i++)); do
	push_json "$(printf 'bk%030x' "$i")" "$(mark 10 "$i" 0 0 0 0 0 0 0 0 0 0 0)" >"$P/$i.json"
done
URL="$BASE/callback/import?token=$(v_token)"

# A list large enough that its upload is still being read and stored
# while the backup runs.
awk 'BEGIN { print "name,phone"; for (i = 0; i < 60000; i++) printf "客户%d,1350%07d\n", i, i }' \
    >"$T_DIR/big.csv"
login operator "$OPERATOR_PASS" "$T_DIR/o.jar" || not_ok "operator signs in"
(upload_list "$T_DIR/o.jar" "$T_DIR/big.csv"; echo "$R_STATUS" >"$T_DIR/upload.status") &
upload_pid=$!

# Each push: its number, the answer, and when the answer was in (ns).
ls "$P" | sed -e 's/\.json$//' | sort -n | xargs -P 8 -I{} sh -c \
    'c=$(curl -sS --max-time 60 -o /dev/null -w "%{http_code}" -H "Content-Type: application/json; charset=utf-8" --data-binary @"$1/$2.json" "$3"); echo "$2 $c $(date +%s%N)"' \
    _ "$P" {} "$URL" >"$T_DIR/acks" 2>>"$T_DIR/curl.err" &
pushers=$!
for ((i = 0; i < 300; i++)); do
	(($(wc -l <"$T_DIR/acks") >= 150)) && break
	sleep 0.05
done

began=$(date +%s%N)
if dd_alive "$upload_pid"; then echo "# the upload is still running as the backup begins"; fi
rc=0
said=$(dialdesk backup "$T_DIR/copy.db" 2>&1) || rc=$?
expect_eq 0 "$rc" "dialdesk backup exits 0 during the pushes and the upload"
expect_match "checked: integrity ok, schema version [0-9]+, audit chain intact" "$said" \
    "it says the copy was checked"
expect_match "audit_key_file" "$said" "it names the key files to keep beside it"
expect_match "do-not-call key file .*\.dnc-key \(dnc_key_file" "$said" "... the do-not-call key file too, by its path"
expect_match "configuration $T_CONF" "$said" "it names the configuration file to keep"
wait "$pushers" || true
wait "$upload_pid" || true
running=$(awk -v t="$began" '$3 > t' "$T_DIR/acks" | wc -l)
expect_ge 1 "$running" "pushes were still arriving after the backup began ($running)"
expect_eq 500 "$(grep -c ' 200 ' "$T_DIR/acks")" "all 500 pushes are answered 200"
expect_eq 303 "$(cat "$T_DIR/upload.status" 2>/dev/null)" "the upload went through (303 to its preview)"

check "the copy is one file (no -wal beside it)" test ! -e "$T_DIR/copy.db-wal"
expect_eq 600 "$(stat -c %a "$T_DIR/copy.db")" "the copy is mode 0600"
expect_eq ok "$(sqlite3 "$T_DIR/copy.db" 'PRAGMA integrity_check')" "integrity_check on the copy: ok"
t_write_config "$T_DIR/copy.conf" "$T_DIR/copy.db"
# The copy is checked with the installation's audit key and checkpoints.
sed -i -e '/^audit_key_file =/d' -e '/^audit_checkpoint_file =/d' "$T_DIR/copy.conf"
printf 'audit_key_file = %s\naudit_checkpoint_file = %s\n' "$T_DB.audit-key" \
    "$T_DB.audit-checkpoints" >>"$T_DIR/copy.conf"
rc=0
"$DIALDESK_BIN" --config "$T_DIR/copy.conf" audit verify >"$T_DIR/verify.out" 2>&1 || rc=$?
expect_eq 0 "$rc" "audit verify on the copy exits 0"
awk -v t="$began" '$2 == 200 && $3 < t { printf "bk%030x\n", $1 }' "$T_DIR/acks" | sort >"$T_DIR/acked"
sqlite3 "$T_DIR/copy.db" 'SELECT vendor_task_id FROM pushes' | sort >"$T_DIR/in-copy"
before=$(wc -l <"$T_DIR/acked")
expect_ge 150 "$before" "at least 150 pushes were answered before the backup began ($before)"
lost=$(comm -23 "$T_DIR/acked" "$T_DIR/in-copy" | wc -l)
expect_eq 0 "$lost" "the copy holds every push answered before the backup began"
expect_eq "$(wc -l <"$T_DIR/in-copy")" "$(sqlite3 "$T_DIR/copy.db" "SELECT count(*) FROM audit WHERE action = 'push.received'")" \
    "each push in the copy has its push.received entry"

rc=0
said=$(dialdesk backup "$T_DIR/copy.db" 2>&1) || rc=$?
expect_eq 1 "$rc" "backup onto an existing file exits 1"
expect_match "exists already" "$said" "... saying so"
printf 'database = postgresql://dialdesk@localhost/dialdesk\n' >"$T_DIR/pg.conf"
rc=0
said=$("$DIALDESK_BIN" --config "$T_DIR/pg.conf" backup "$T_DIR/pg.dump" 2>&1) || rc=$?
expect_eq 2 "$rc" "backup of a PostgreSQL database exits 2"
expect_match "pg_dump" "$said" "... and says to use pg_dump"

# --- restore ------------------------------------------------------------------
rc=0
said=$(dialdesk restore "$T_DIR/copy.db" 2>&1) || rc=$?
expect_eq 1 "$rc" "restore while serve runs exits 1"
expect_match "stop the service first" "$said" "... and says to stop the service"
t_stop
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1]); c.execute("SELECT count(*) FROM users").fetchall()
open(sys.argv[2], "w").close(); time.sleep(30)' "$T_DB" "$T_DIR/holder.ready" &
holder=$!
for ((i = 0; i < 100; i++)); do [[ -e $T_DIR/holder.ready ]] && break; sleep 0.05; done
rc=0
said=$(dialdesk restore "$T_DIR/copy.db" 2>&1) || rc=$?
expect_eq 1 "$rc" "restore while another process has the database open exits 1"
expect_match "is open in process $holder" "$said" "... naming that process"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true

now_pushes=$(sql 'SELECT count(*) FROM pushes')
printf 'not a database\n' >"$T_DIR/junk.db"
rc=0
said=$(dialdesk restore "$T_DIR/junk.db" 2>&1) || rc=$?
expect_eq 1 "$rc" "restore of a file that is no database exits 1"
expect_eq "$now_pushes" "$(sql 'SELECT count(*) FROM pushes')" "... and leaves the database as it was"

rc=0
said=$(dialdesk restore "$T_DIR/copy.db" 2>&1) || rc=$?
expect_eq 0 "$rc" "restore of the backup exits 0"
kept=$(printf '%s\n' "$said" | sed -n -e 's/^the database it replaced is kept as //p')
check "the replaced database is kept ($kept)" test -s "$kept"
expect_eq "$now_pushes" "$(sqlite3 "$kept" 'SELECT count(*) FROM pushes')" "... with all its pushes"
expect_eq "$(wc -l <"$T_DIR/in-copy")" "$(sql 'SELECT count(*) FROM pushes')" "the database now holds the backup's pushes"
rc=0
dialdesk audit verify >/dev/null 2>&1 || rc=$?
expect_eq 0 "$rc" "audit verify on the restored database exits 0"
t_start_serve
check "serve starts on the restored database" dd_alive "$T_SERVE_PID"
