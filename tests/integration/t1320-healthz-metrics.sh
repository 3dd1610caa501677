#!/usr/bin/env bash
# t1320-healthz-metrics.sh: GET /healthz says whether the database is
# migrated, the worker's heartbeat fresh and the queue moving (200, or 503
# naming what is not well), with no sign-in and nothing secret; GET
# /metrics gives Prometheus text: requests by route and status summed over
# both workers, the duration histogram, pushes by outcome, batches by
# state, the queue's age, the worker's heartbeats, the database's size;
# only for the addresses of metrics_allow, and nginx lets only loopback
# reach either.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_conf vendor_url ''	# the worker below only comes round, it sends nothing
t_start

HB=$(t_local worker.heartbeat)
req - GET /healthz
expect_status 503 "/healthz without a worker ever running answers 503"
expect_header Content-Type '^application/json' "... as JSON"
expect_eq fail "$(jq -r .status "$R_BODY")" '... "status":"fail"'
expect_eq "false true true" "$(jq -r '[.worker.ok, .database.ok, .queue.ok] | map(tostring) | join(" ")' "$R_BODY")" \
    "... the worker is what is not well"
expect_body_lacks "$(v_token)" "... and it holds no callback token"

dialdesk worker --once >>"$T_DIR/worker.log" 2>&1 || not_ok "dialdesk worker --once"
check "the worker wrote its heartbeat next to the database" test -s "$HB"
req - GET /healthz
expect_status 200 "/healthz after a worker round answers 200"
expect_eq ok "$(jq -r .status "$R_BODY")" '... "status":"ok"'
expect_match '^[0-9]+$' "$(jq -r .worker.heartbeat_age_seconds "$R_BODY")" "... with the heartbeat's age"
expect_match '^([1-9][0-9]*) \1$' "$(jq -r '"\(.database.schema) \(.database.schema_wanted)"' "$R_BODY")" \
    "... and the schema it is at, the one wanted"
expect_eq 200 "$(curl -sS -I --max-time 10 -o /dev/null -w '%{http_code}' "$BASE/healthz")" \
    "HEAD /healthz answers 200 too"

touch -d '10 minutes ago' "$HB"
req - GET /healthz
expect_status 503 "a heartbeat 10 minutes old (limit 120 s) makes it 503"
touch "$HB"

# A task with a batch queued two hours ago.
login operator "$OPERATOR_PASS" "$T_DIR/o.jar"
new_task "$T_DIR/o.jar" "$V_FIXTURES/two-rows.csv" || true
sql "UPDATE batches SET updated = updated - 7200 WHERE state = 'queued'"
req - GET /healthz
expect_status 503 "a batch queued for 2 hours (limit 1 hour) makes it 503"
expect_eq false "$(jq -r .queue.ok "$R_BODY")" "... the queue is what is not well"
expect_ge 7200 "$(jq -r .queue.oldest_age_seconds "$R_BODY")" "... with its age"
sql "UPDATE batches SET updated = updated + 7200 WHERE state = 'queued'"

# --- /metrics -------------------------------------------------------------------
metric() { grep -E "^$1 " "$R_BODY" | awk '{print $2}' | head -n 1; }
req - GET /metrics
expect_status 200 "GET /metrics from 127.0.0.1 answers 200"
expect_header Content-Type '^text/plain; version=0\.0\.4' "... in the Prometheus text format"
before=$(metric 'dialdesk_http_requests_total\{route="/login",status="200"\}')
for ((i = 0; i < 25; i++)); do req - GET /login; done
for ((i = 0; i < 3; i++)); do req - GET /no-such-page; done
P=$T_DIR/p
mkdir -p "$P"
push_send "$(push_json "$(printf '%032x' 1)" "$(mark 1 1 0 0 0 0 0 0 0 0 0 0 0)")"
push_send "$(push_json "$(printf '%032x' 2)" "$(mark 2 2 0 0 0 0 0 0 0 0 0 0 0)")"
push_send "$(push_json "$(printf '%032x' 2)" "$(mark 2 2 0 0 0 0 0 0 0 0 0 0 0)")"
push_send 'x' 'text/plain'
sql "UPDATE batches SET state = 'unknown' WHERE id = (SELECT min(id) FROM batches)"
req - GET /metrics
after=$(metric 'dialdesk_http_requests_total\{route="/login",status="200"\}')
expect_eq 25 "$((after - ${before:-0}))" "25 GET /login over two workers are counted 25 times"
expect_ge 3 "$(metric 'dialdesk_http_requests_total\{route="none",status="404"\}')" "unknown paths count as route none, 404"
expect_eq "$(metric 'dialdesk_http_request_duration_seconds_count')" \
    "$(metric 'dialdesk_http_request_duration_seconds_bucket\{le="\+Inf"\}')" "the histogram's +Inf bucket is its count"
expect_ge 30 "$(metric 'dialdesk_http_request_duration_seconds_count')" "... which counts every request"
expect_eq "2 1 1" "$(metric 'dialdesk_pushes_total\{outcome="received"\}') $(metric 'dialdesk_pushes_total\{outcome="duplicate"\}') $(metric 'dialdesk_pushes_total\{outcome="rejected"\}')" \
    "pushes: 2 received, 1 duplicate, 1 rejected"
expect_eq 1 "$(metric dialdesk_batches_unknown)" "one batch of unknown outcome"
expect_eq "$(sql "SELECT count(*) FROM batches WHERE state = 'queued'")" "$(metric 'dialdesk_batches\{state="queued"\}')" \
    "batches by state match the database"
expect_ge 1 "$(metric dialdesk_worker_heartbeats_total)" "the worker's heartbeats"
expect_ge 4096 "$(metric dialdesk_database_bytes)" "the database's size"
expect_match '^[0-9]+$' "$(metric dialdesk_queue_oldest_age_seconds)" "the queue's age"
expect_body_lacks "$(v_token)" "no callback token in the metrics"

# An address outside metrics_allow (CGI, so that REMOTE_ADDR is ours to set).
rc=0
env DIALDESK_CONFIG="$T_CONF" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/metrics \
    REMOTE_ADDR=192.0.2.7 "$DIALDESK_BIN" </dev/null >"$T_DIR/cgi.out" 2>"$T_DIR/cgi.err" || rc=$?
expect_match '^Status: 403' "$(head -n 1 "$T_DIR/cgi.out" | tr -d '\r')" "/metrics from 192.0.2.7 (not in metrics_allow) answers 403"
env DIALDESK_CONFIG="$T_CONF" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET PATH_INFO=/metrics \
    REMOTE_ADDR=::1 "$DIALDESK_BIN" </dev/null >"$T_DIR/cgi.out" 2>"$T_DIR/cgi.err" || true
expect_match '^Status: 200' "$(head -n 1 "$T_DIR/cgi.out" | tr -d '\r')" "... from ::1 (the default list) 200"

# nginx: both locations are for listed addresses only.
for loc in healthz metrics; do
	block=$(sed -n -e "/location = \/$loc {/,/}/p" "$T_DIR/nginx.conf")
	expect_match 'deny all;' "$block" "nginx's location /$loc denies all but the listed addresses"
done

# The database behind the program's schema: 503.
sql "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)"
req - GET /healthz
expect_status 503 "a database behind the program's schema makes it 503"
expect_eq false "$(jq -r .database.ok "$R_BODY")" "... the database is what is not well"
