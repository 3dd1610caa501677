#!/usr/bin/env bash
# t7350-pg-push-rounds.sh: on PostgreSQL a committer round costs three
# round trips whatever its size (issue 11): BEGIN with the chain's lock,
# the pushes' INSERTs with the chain's head, COMMIT with the audit entries
# sent ahead (the marker is known from the first committed round). 200
# distinct pushes, 32 at a time: every one answered 200 and stored with its
# entry, the chain intact, and the committer's last log line (at stop)
# counts its pushes, rounds and round trips.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_engine postgresql "it counts the committer's round trips to PostgreSQL"
t_start

P=$T_DIR/pushes
mkdir -p "$P"
for ((i = 1; i <= 200; i++)); do
	push_json "$(printf 'r%031x' "$i")" "$(mark $((i + 10)) "$i" 10 0 0 0 "$i" 0 0 0 0 0 0)" >"$P/$i.json"
done
URL="$BASE/callback/import?token=$(v_token)"
printf '%s\n' "$P"/*.json | xargs -P 32 -I{} curl -sS --max-time 60 -o /dev/null \
    -w '%{http_code}\n' -H 'Content-Type: application/json; charset=utf-8' \
    --data-binary @{} "$URL" >"$T_DIR/codes" 2>>"$T_DIR/curl.err"
expect_eq "200 200" "$(wc -l <"$T_DIR/codes" | tr -d ' ') $(grep -cx 200 "$T_DIR/codes")" \
    "200 concurrent pushes are all answered 200"
expect_eq 200 "$(sql 'SELECT count(*) FROM pushes')" "200 rows are stored"
expect_eq 200 "$(audit_count push.received)" "200 push.received audit entries"

# The committer writes its line when it stops.
t_stop_serve || true
line=$(grep -o 'committer: [0-9]* pushes in [0-9]* rounds (at most [0-9]* in one), [0-9]* database round trips' "$T_LOG" | tail -n 1)
expect_match 'committer: 200 pushes' "$line" "the committer's last log line counts the 200 pushes"
read -r pushes rounds trips < <(sed -E 's/committer: ([0-9]+) pushes in ([0-9]+) rounds .*, ([0-9]+) database round trips/\1 \2 \3/' <<<"$line")
printf '# %s pushes in %s rounds, %s round trips\n' "${pushes:-?}" "${rounds:-?}" "${trips:-?}"
expect_ge 1 "${rounds:-0}" "... in at least one round"
# Three a round at most, and three more: the connection's two settings
# (SET) and the first round's look for the marker.
expect_ge "${trips:-999999}" $((3 * ${rounds:-0} + 3)) "... each round 3 round trips (BEGIN, INSERTs with the head, COMMIT), beside the connection's setup and the first marker look-up"

rc=0
dialdesk audit verify >"$T_DIR/verify.out" 2>&1 || rc=$?
expect_eq 0 "$rc" "dialdesk audit verify exits 0"
expect_match 'intact' "$(cat "$T_DIR/verify.out")" "... the chain is intact"
