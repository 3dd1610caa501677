# tests/integration/vendor.sh: the sandbox vendor (tools/README.md) for the
# tests of call tasks and of the vendor's import push, sourced after lib.sh.
#
# Sourcing it chooses the ports and sets the dialdesk config keys that
# point at the sandbox (t_conf, so before t_setup/t_start writes the
# config); a test may t_conf them again afterwards. `vendor_start`, after
# t_start, runs the sandbox behind an nginx of its own, recording every
# create request in $V_RECORD and pushing its import figures to this test's
# dialdesk. Both are stopped on exit, before lib.sh's teardown.
#
# Then the helpers. The sandbox: sandbox_mode, sandbox_stat,
# sandbox_restart, recorded / recorded_meta / recorded_count (what it
# received), sandbox_figures (the figures it pushes for a recorded body).
# dialdesk: worker_once, upload_list (the task form), confirm_import,
# cancel_import, new_task, post_form. Pushes: mark, push_json, push_send,
# wait_pushes. The result page: breakdown_counts, breakdown_pcts,
# breakdown_row. Checks: json_get, lit_re, expect_text,
# expect_contains_text (wording checked whatever the punctuation's width).
#
# Environment: SANDBOX_BIN (default build/tools/sandbox-vendor).
# shellcheck shell=bash disable=SC2153  # T_DIR and the rest come from lib.sh

SANDBOX_BIN=${SANDBOX_BIN:-$DD_TOP/build/tools/sandbox-vendor}
[[ $SANDBOX_BIN == /* ]] || SANDBOX_BIN=$PWD/$SANDBOX_BIN

# The vendor account the sandbox knows, and dialdesk's matching settings.
V_ORG=dd_test_org
V_LOGIN=dd_sender
V_KEY=test-sign-key-4711
V_RECIPE='{orgCode}{loginName}{name}{key}'

# The small lists kept in the repository.
V_FIXTURES=${top_srcdir:-$DD_TOP}/tests/fixtures/lists
[[ -d $V_FIXTURES ]] || V_FIXTURES=$DD_TOP/tests/fixtures/lists

V_DIR=$T_DIR/vendor
V_SOCK=$V_DIR/run/sandbox.sock
V_RECORD=$T_DIR/record
V_LOG=$T_DIR/sandbox.log
W_LOG=$T_DIR/worker.log
V_SANDBOX_PID=
V_NGINX_PID=

# This test's dialdesk port is chosen here, not in t_setup, because the
# sandbox's callback URL names it.
[[ -n $T_PORT ]] || T_PORT=$(dd_pick_port)
BASE=http://127.0.0.1:$T_PORT
V_PORT=$(dd_pick_port)
while [[ $V_PORT == "$T_PORT" ]]; do V_PORT=$(dd_pick_port); done
V_BASE=http://127.0.0.1:$V_PORT

t_conf vendor_url "$V_BASE"
t_conf org_code "$V_ORG"
t_conf login_name "$V_LOGIN"
t_conf sign_key "$V_KEY"
t_conf sign_recipe "$V_RECIPE"
t_conf vendor_timeout 3
t_conf vendor_connect_timeout 2

# v_token: the callback token of this test's config.
v_token() { printf '%s\n' "${T_SET[callback_token]:-test-callback-token-0123456789}"; }

# The callback URL the sandbox pushes to.
v_callback() { printf '%s/callback/import?token=%s\n' "$BASE" "$(v_token)"; }

# vendor_stop: stop the sandbox and its nginx (each by its own process id).
vendor_stop() {
	if [[ -n $V_NGINX_PID ]]; then
		dd_stop "$V_NGINX_PID" 5 || true
		V_NGINX_PID=
	fi
	if [[ -n $V_SANDBOX_PID ]]; then
		dd_stop "$V_SANDBOX_PID" 10 || true
		V_SANDBOX_PID=
	fi
}

# v_teardown: stop the vendor side, show its logs when something failed,
# then lib.sh's teardown with the exit status the script had.
v_teardown() {
	local rc=$?
	# errexit would end the shell at the (exit) below, before lib.sh's
	# teardown.
	set +e
	vendor_stop
	if [[ $T_FAILS -gt 0 || $rc -ne 0 ]]; then
		[[ -s $W_LOG ]] && printf '# worker log (last lines):\n%s\n' \
		    "$(tail -n 10 "$W_LOG" | sed -e 's/^/#   /')"
		[[ -s $V_LOG ]] && printf '# sandbox log (last lines):\n%s\n' \
		    "$(tail -n 10 "$V_LOG" | sed -e 's/^/#   /')"
	fi
	(exit "$rc")
	t_teardown
}
trap v_teardown EXIT

# sandbox_run [SANDBOX-ARGS...]: the sandbox alone (its nginx stays), in
# the background, waiting for its socket.
sandbox_run() {
	local i
	rm -f "$V_SOCK"
	"$SANDBOX_BIN" --socket "$V_SOCK" --record "$V_RECORD" --org "$V_ORG" \
	    --login "$V_LOGIN" --sign-key "$V_KEY" --sign-recipe "$V_RECIPE" \
	    --callback "$(v_callback)" "$@" </dev/null >>"$V_LOG" 2>&1 &
	V_SANDBOX_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -S $V_SOCK ]] && return 0
		dd_alive "$V_SANDBOX_PID" || break
		sleep 0.1
	done
	not_ok "setup: the sandbox creates $V_SOCK" "$(tail -n 20 "$V_LOG")"
	exit 1
}

# shellcheck disable=SC2120  # the arguments are optional
# vendor_start [SANDBOX-ARGS...]: the sandbox behind its nginx on
# $V_BASE (dialdesk's vendor_url). Call it after t_start: the sandbox
# pushes to dialdesk.
vendor_start() {
	if [[ ! -x $SANDBOX_BIN ]]; then
		not_ok "sandbox binary at $SANDBOX_BIN" "build it first (make)"
		exit 1
	fi
	mkdir -p "$V_DIR/run" "$V_DIR/nginx-tmp"
	chmod 755 "$V_DIR" "$V_DIR/run"
	dd_sandbox_nginx "$V_DIR" "$V_PORT" "$V_SOCK" ||
	    { not_ok "setup: the sandbox's nginx config"; exit 1; }
	sandbox_run "$@"
	if ! dd_nginx_start "$V_DIR/nginx.conf" "$V_DIR"; then
		not_ok "setup: the sandbox's nginx starts" \
		    "$(tail -n 20 "$V_DIR/nginx-error.log" 2>/dev/null)"
		exit 1
	fi
	V_NGINX_PID=$DD_PID
	if ! dd_wait_http "$V_BASE/sandbox/mode" 200 20 "$V_SANDBOX_PID" "$V_NGINX_PID"; then
		not_ok "setup: the sandbox answers GET /sandbox/mode" "$(tail -n 20 "$V_LOG")"
		exit 1
	fi
}

# sandbox_restart [SANDBOX-ARGS...]: a new sandbox process behind the same
# nginx; its records start again at 000001, so the old ones are moved to
# $V_RECORD.N first.
sandbox_restart() {
	local n=1
	if [[ -n $V_SANDBOX_PID ]]; then
		dd_stop "$V_SANDBOX_PID" 10 || true
		V_SANDBOX_PID=
	fi
	if [[ -d $V_RECORD ]]; then
		while [[ -e $V_RECORD.$n ]]; do n=$((n + 1)); done
		mv "$V_RECORD" "$V_RECORD.$n"
	fi
	sandbox_run "$@"
	dd_wait_http "$V_BASE/sandbox/mode" 200 20 "$V_SANDBOX_PID" "$V_NGINX_PID" ||
	    not_ok "the restarted sandbox answers" "$(tail -n 5 "$V_LOG")"
}

# sandbox_mode JSON: POST /sandbox/mode, which must answer 200.
sandbox_mode() {
	local got
	got=$(curl -sS --max-time 10 -o "$T_DIR/mode.body" -w '%{http_code}' \
	    -H 'Content-Type: application/json' --data-binary "$1" \
	    "$V_BASE/sandbox/mode" 2>&1) || got=000
	if [[ $got != 200 ]]; then
		not_ok "sandbox mode $1" "status $got" "$(cat "$T_DIR/mode.body" 2>/dev/null)"
		return 1
	fi
}

# sandbox_stat KEY: a number of GET /sandbox/stats.
sandbox_stat() {
	curl -sS --max-time 10 "$V_BASE/sandbox/stats" | jq -r ".$1"
}

# worker_once: `dialdesk worker --once` with this test's config: it sends
# every due batch, then exits. Output goes to $W_LOG.
worker_once() {
	printf -- '--- worker --once\n' >>"$W_LOG"
	dialdesk worker --once >>"$W_LOG" 2>&1
}

# recorded N: the path of the Nth create request body the sandbox kept.
recorded() { printf '%s/%06d.json\n' "$V_RECORD" "$1"; }

# recorded_meta N: the path of its .meta file.
recorded_meta() { printf '%s/%06d.meta\n' "$V_RECORD" "$1"; }

# recorded_count: how many create requests the sandbox kept.
recorded_count() {
	find "$V_RECORD" -maxdepth 1 -name '[0-9]*.json' 2>/dev/null | wc -l
}

# json_get FILE JQPATH: the value (raw for strings) at JQPATH in FILE.
json_get() { jq -r "$2" "$1"; }

# --- the task form and the preview ----------------------------------------------

# The task form as a browser fills it with every switch on; "-" leaves a
# field out.
declare -A V_FORM=(
	[name]='春季回访'
	[videoBotId]=vb-20240501
	[isVoiceDivide]=true
	[audioBotId]=ab-7
	[isRelateSendMessage]=true
	[msgTemplateId]=600184215
	[msgTitle]='甜新科技'
	[sendMessagePhase]=1
	[isRelateVideoMessage]=true
	[videoMessageTemplateId]=16083
	[sendVideoMessagePhase]=3
)
V_FORM_ORDER=(name videoBotId isVoiceDivide audioBotId isRelateSendMessage
	msgTemplateId msgTitle sendMessagePhase isRelateVideoMessage
	videoMessageTemplateId sendVideoMessagePhase)

# upload_list JAR FILE [KEY=VALUE | KEY=-]...: GET /tasks/new for its
# token, then POST the form with FILE as the list (FILE "-": no file
# part). Other KEYs are sent too. The answer is in R_*; on 303 to a
# preview its id is in IMPORT_ID.
upload_list() {
	local jar=$1 file=$2 csrf kv k
	local -A set=()
	local extra=() args=()
	shift 2
	IMPORT_ID=
	for kv in "$@"; do
		k=${kv%%=*}
		[[ -v V_FORM[$k] ]] || extra+=("$k")
		set[$k]=${kv#*=}
	done
	csrf=$(csrf_of "$jar" /tasks/new) || csrf=
	args=(--form-string "csrf=$csrf")
	for k in "${V_FORM_ORDER[@]}" "${extra[@]}"; do
		if [[ -v set[$k] ]]; then
			[[ ${set[$k]} == - ]] && continue
			args+=(--form-string "$k=${set[$k]}")
		else
			args+=(--form-string "$k=${V_FORM[$k]}")
		fi
	done
	[[ $file != - ]] && args+=(-F "list=@$file;filename=${file##*/}")
	req "$jar" POST /tasks/new "${args[@]}"
	if [[ $R_STATUS == 303 ]]; then
		IMPORT_ID=$(header Location | head -n 1 | sed -n -e 's|.*/imports/\([0-9]*\)$|\1|p')
	fi
}

# confirm_import JAR N: the preview's confirm form; on 303 to the task
# its id is in TASK_ID.
confirm_import() {
	local csrf
	TASK_ID=
	csrf=$(csrf_of "$1" "/imports/$2") || csrf=
	req "$1" POST "/imports/$2/confirm" --data-urlencode "csrf=$csrf"
	if [[ $R_STATUS == 303 ]]; then
		TASK_ID=$(header Location | head -n 1 | sed -n -e 's|.*/tasks/\([0-9]*\)$|\1|p')
	fi
}

# cancel_import JAR N: the preview's cancel form.
cancel_import() {
	local csrf
	csrf=$(csrf_of "$1" "/imports/$2") || csrf=
	req "$1" POST "/imports/$2/cancel" --data-urlencode "csrf=$csrf"
}

# post_form JAR PAGE PATH [CURL-ARGS...]: POST to PATH with the csrf token
# of PAGE (a form on it), as a browser would.
post_form() {
	local jar=$1 page=$2 path=$3 csrf
	shift 3
	csrf=$(csrf_of "$jar" "$page") || csrf=
	req "$jar" POST "$path" --data-urlencode "csrf=$csrf" "$@"
}

# new_task JAR FILE [KEY=VALUE]...: upload and confirm; IMPORT_ID and
# TASK_ID, or a failure line and status 1.
new_task() {
	local jar=$1 file=$2
	shift 2
	upload_list "$jar" "$file" "$@"
	if [[ -z $IMPORT_ID ]]; then
		not_ok "upload ${file##*/}" "$(r_summary)"
		return 1
	fi
	confirm_import "$jar" "$IMPORT_ID"
	if [[ -z $TASK_ID ]]; then
		not_ok "confirm import $IMPORT_ID" "$(r_summary)"
		return 1
	fi
}

# --- pushes ---------------------------------------------------------------------

# wait_pushes N [SECONDS]: wait until the pushes table has N rows or more
# (default 20 s); fails when it does not.
wait_pushes() {
	local want=$1 secs=${2:-20} i
	for ((i = 0; i < secs * 10; i++)); do
		(($(sql 'SELECT count(*) FROM pushes') >= want)) && return 0
		sleep 0.1
	done
	return 1
}

# sandbox_figures FILE: the import_mark the sandbox pushes for the
# recorded body FILE (tools/README.md, "The import push"), as compact JSON
# in the sandbox's key order.
sandbox_figures() {
	jq -c '
	  def digit: (.[-1:] | ascii_downcase) as $c
	    | if ("0123456789" | index($c)) != null then ($c | tonumber)
	      else ("abcdef" | index($c)) + 10 end | . % 10;
	  reduce (.deliverList[].phone | ascii_downcase) as $p
	    ({seen: {}, total: 0, repeat: 0, black: 0, d: [0,0,0,0,0,0,0,0,0,0]};
	     .total += 1
	     | if .seen[$p] then .repeat += 1
	       elif ($p | endswith("000")) then .black += 1 | .seen[$p] = true
	       else .d[$p | digit] += 1 | .seen[$p] = true end)
	  | {totalCount: .total, failCount: 0, blacklistCount: .black,
	     repeatCount: .repeat, successCount: (.total - .repeat - .black),
	     filterCount: 0, shiCount: (.d[0:5] | add), kongCount: .d[5],
	     tingjiCount: .d[6], kuwuCount: .d[7], chenmoCount: .d[8],
	     fenxianCount: .d[9], chaopinCount: 0}' "$1"
}

# mark TOTAL SUCCESS FAIL BLACKLIST REPEAT FILTER SHI KONG TINGJI KUWU
# CHENMO FENXIAN CHAOPIN: an import_mark object, the figures in the order
# of the result page's columns.
mark() {
	printf '{"totalCount":%s,"successCount":%s,"failCount":%s,"blacklistCount":%s,"repeatCount":%s,"filterCount":%s,"shiCount":%s,"kongCount":%s,"tingjiCount":%s,"kuwuCount":%s,"chenmoCount":%s,"fenxianCount":%s,"chaopinCount":%s}' "$@"
}

# push_json VENDOR_TASK_ID MARK: a push body as the vendor writes it.
push_json() {
	printf '{"dial_task_main_sn":"dial_task_main_sn|%s","import_mark":%s}' "$1" "$2"
}

# push_send BODY [CONTENT-TYPE [TOKEN]]: POST BODY to the callback as the
# vendor does (default JSON, this test's token); the answer is in R_*.
push_send() {
	local ct=${2:-application/json; charset=utf-8}
	local tok=${3-$(v_token)}
	printf '%s' "$1" >"$T_DIR/push.body"
	req - POST "/callback/import?token=$tok" -H "Content-Type: $ct" \
	    --data-binary "@$T_DIR/push.body"
}

# breakdown_counts LABEL: the 13 figures of the row LABEL ("1/2", "合计")
# of the import table on the task page in $R_BODY, space-separated.
breakdown_counts() {
	tr -d '\n' <"$R_BODY" | sed -e 's/<tr/\n<tr/g' |
	    grep -F "<th scope=\"row\" class=\"import-label\">$1</th>" |
	    grep -o 'class="cell-count">[0-9]*<' | sed -e 's/[^0-9]//g' |
	    paste -sd ' ' -
}

# breakdown_pcts LABEL: the percentages of that row, space-separated.
breakdown_pcts() {
	tr -d '\n' <"$R_BODY" | sed -e 's/<tr/\n<tr/g' |
	    grep -F "<th scope=\"row\" class=\"import-label\">$1</th>" |
	    grep -o 'class="cell-pct">[^<]*<' | sed -e 's/^class="cell-pct">//' -e 's/<$//' |
	    paste -sd ' ' -
}

# breakdown_row LABEL: the whole row LABEL, tags and all, on one line.
breakdown_row() {
	tr -d '\n' <"$R_BODY" | sed -e 's/<tr/\n<tr/g' -e 's/<\/tr>/<\/tr>\n/g' |
	    grep -F "<th scope=\"row\" class=\"import-label\">$1</th>"
}

# lit_re TEXT: an extended regex matching TEXT literally, except that each
# of ( ) : , ; matches its ASCII or its full-width form, with or without
# spaces around it: the pages' wording is checked, not which of the two
# forms a message happens to use.
lit_re() {
	printf '%s' "$1" | sed -e 's/[][\\.*^$?+{}|]/\\&/g' \
	    -e 's/(/\x01/g' -e 's/（/\x01/g' -e 's/)/\x02/g' -e 's/）/\x02/g' \
	    -e 's/:/\x03/g' -e 's/：/\x03/g' -e 's/,/\x04/g' -e 's/，/\x04/g' \
	    -e 's/;/\x05/g' -e 's/；/\x05/g' -e 's/ *\([\x01-\x05]\) */\1/g' \
	    -e 's/\x01/ ?(\\(|（) ?/g' -e 's/\x02/ ?(\\)|）) ?/g' \
	    -e 's/\x03/ ?(:|：) ?/g' -e 's/\x04/ ?(,|，) ?/g' -e 's/\x05/ ?(;|；) ?/g'
}

# expect_text WANT GOT DESC: GOT is the text WANT (punctuation as lit_re).
expect_text() {
	if [[ $2 =~ ^$(lit_re "$1")$ ]]; then ok "$3"; else not_ok "$3" "want '$1', got '$2'"; fi
}

# expect_contains_text WANT GOT DESC: GOT holds the text WANT somewhere.
expect_contains_text() {
	if [[ $2 =~ $(lit_re "$1") ]]; then ok "$3"; else not_ok "$3" "want text '$1' in:" "$2"; fi
}
