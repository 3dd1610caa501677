#!/usr/bin/env bash
# t7457-task-page-instructions.sh: the page of a task of 500 batches costs
# at most 3.8 million instructions to make (page_task, counted by
# valgrind's callgrind on the CGI program, for the first page and a later
# one; a CGI run loads the templates too, which a worker does once): its
# totals are kept figures and ranges of an index, not a walk of 500
# batches, an import row is one dictionary, not 14, and its shares are
# integer code. Before those (2026-12-02) it took 4.7 million, after 3.3.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
if ! command -v valgrind >/dev/null 2>&1; then
	skip "the task page's instructions" "valgrind is not installed (Debian package valgrind)"
	exit 0
fi
# valgrind cannot run a sanitizer build, whose counts would mean nothing.
if grep -q __asan_init "$DIALDESK_BIN" 2>/dev/null; then
	skip "the task page's instructions" "a sanitizer build, which valgrind cannot run"
	exit 0
fi
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
op=$(sql "SELECT id FROM users WHERE name = 'operator'")
cookie=$(awk '$6 == "dd_session" { print $7 }' "$ajar")

# t7402's task: 500 batches of 10 rows, 480 sent with a push each.
task_of_500 "$op" 5000
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
    INSERT INTO batches (id, task_id, seq, first_seq, rows, state, updated,
    vendor_task_id, sent_at, body_sha256)
    SELECT i, 1, i, 1 + 10 * (i - 1), 10, CASE WHEN i <= 480 THEN 'sent'
    WHEN i <= 495 THEN 'queued' ELSE 'failed' END, 0,
    CASE WHEN i <= 480 THEN 'V' || i END, CASE WHEN i <= 480 THEN 1 ELSE 0 END,
    lower(hex(randomblob(32))) FROM n;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 480)
    INSERT INTO pushes (received, addr, content_type, body, body_sha256, sn,
    vendor_task_id, batch_id, linked_by, ok, total, success, fail, kong, chenmo)
    SELECT 2, '127.0.0.1', 'application/json', '{}', 'new' || i, 'V' || i, 'V' || i,
    i, 'auto', 1, 10 + i % 3, 7, 3 + i % 3, i % 4, i % 5 FROM n"

# instructions QUERY: page_task's instructions for /tasks/1?QUERY.
instructions() {
	local out=$T_DIR/cg.out
	rm -f "$out"
	env DIALDESK_CONFIG="$T_CONF" GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET \
	    PATH_INFO=/tasks/1 QUERY_STRING="$1" HTTP_COOKIE="dd_session=$cookie" \
	    REMOTE_ADDR=127.0.0.1 HTTP_HOST=127.0.0.1 \
	    valgrind --tool=callgrind --toggle-collect=page_task \
	    --callgrind-out-file="$out" "$DIALDESK_BIN" </dev/null >"$T_DIR/cgi.html" 2>"$T_DIR/vg.err" ||
	    return 1
	grep -q '^Status: 200' "$T_DIR/cgi.html" || return 1
	awk '$1 == "totals:" || $1 == "summary:" { print $2; exit }' "$out"
}

for q in "" "after=240"; do
	n=$(instructions "$q") || { not_ok "/tasks/1?$q answers 200 under callgrind" "$(head -c 300 "$T_DIR/cgi.html"; tail -n 3 "$T_DIR/vg.err")"; continue; }
	if [[ $n =~ ^[0-9]+$ ]] && ((n > 0 && n <= 3800000)); then
		ok "/tasks/1?$q is made in $n instructions (at most 3,800,000)"
	else
		not_ok "/tasks/1?$q is made in at most 3,800,000 instructions" "$n"
	fi
done
