#!/usr/bin/env bash
# t2001-sandbox-vendor.sh: the sandbox vendor (tools/README.md) behind nginx
# answers the create-task call as the vendor's document says, field by
# field; records each request byte for byte; plays every fault mode; pushes
# predictable import figures to a callback; survives a dead callback; and
# stops cleanly on SIGTERM.
#
# Environment: SANDBOX_BIN (default build/tools/sandbox-vendor). Needs nginx.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"

SANDBOX_BIN=${SANDBOX_BIN:-$DD_TOP/build/tools/sandbox-vendor}
[[ $SANDBOX_BIN == /* ]] || SANDBOX_BIN=$PWD/$SANDBOX_BIN
CREATE=/api/mediaDeliverPlatform/external/create
ORG=sandbox_org
LOGIN=sandbox_user
TASK_NAME='春季回访 (1/2)'
KEY=test-sign-key
RECIPE='{orgCode}{loginName}{name}{key}'
SIGN=$(printf '%s' "$ORG$LOGIN$TASK_NAME$KEY" | sha256sum | cut -d' ' -f1)
SOCK=$T_DIR/run/sandbox.sock
RECORD=$T_DIR/record
PUSHES=$T_DIR/pushes.log
T_LOG=$T_DIR/sandbox.log

if [[ ! -x $SANDBOX_BIN ]]; then
	not_ok "sandbox binary at $SANDBOX_BIN" "build it first (make sandbox-vendor)"
	exit 1
fi

# --- the private installation: nginx in front of the sandbox, and a
# callback receiver (the same nginx) that logs every push body ----------------

T_PORT=$(dd_pick_port)
CB_PORT=$(dd_pick_port)
while [[ $CB_PORT == "$T_PORT" ]]; do CB_PORT=$(dd_pick_port); done
BASE=http://127.0.0.1:$T_PORT
CALLBACK=http://127.0.0.1:$CB_PORT/callback
mkdir -p "$T_DIR/run" "$T_DIR/nginx-tmp"
: >"$PUSHES"

dd_sandbox_server "$T_DIR/sandbox-vendor.conf" "$T_PORT" "$SOCK"
cat >"$T_DIR/nginx.conf" <<EOF
user $(dd_nginx_user "$T_DIR/run");
worker_processes 1;
daemon off;
pid $T_DIR/nginx.pid;
error_log $T_DIR/nginx-error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $T_DIR/nginx-tmp/body;
    fastcgi_temp_path $T_DIR/nginx-tmp/fastcgi;
    proxy_temp_path $T_DIR/nginx-tmp/proxy;
    include $T_DIR/sandbox-vendor.conf;

    # The receiver: proxying makes nginx read the body, so that the log
    # line can hold it.
    log_format push escape=none '\$content_type|\$request_body';
    server {
        listen 127.0.0.1:$CB_PORT;
        client_body_buffer_size 1m;
        location = /callback {
            access_log $PUSHES push;
            proxy_pass http://127.0.0.1:$CB_PORT/received;
        }
        location = /received {
            return 200 "ok\n";
        }
    }
}
EOF

# sandbox_start [EXTRA-ARGS...]: the sandbox in the background, T_SERVE_PID.
sandbox_start() {
	local i
	"$SANDBOX_BIN" --socket "$SOCK" --record "$RECORD" --org "$ORG" \
	    --login "$LOGIN" --sign-key "$KEY" --sign-recipe "$RECIPE" "$@" \
	    </dev/null >>"$T_LOG" 2>&1 &
	T_SERVE_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -S $SOCK ]] && return 0
		dd_alive "$T_SERVE_PID" || break
		sleep 0.1
	done
	not_ok "setup: the sandbox creates $SOCK" "$(tail -n 20 "$T_LOG")"
	exit 1
}

sandbox_start --callback "$CALLBACK" --push-delay-ms 100
if ! dd_nginx_start "$T_DIR/nginx.conf" "$T_DIR"; then
	not_ok "setup: nginx starts" "$(tail -n 20 "$T_DIR/nginx-error.log" 2>/dev/null)"
	exit 1
fi
T_NGINX_PID=$DD_PID
if ! dd_wait_http "$BASE/sandbox/mode" 200 20 "$T_SERVE_PID" "$T_NGINX_PID"; then
	not_ok "setup: GET /sandbox/mode answers 200" "$(tail -n 20 "$T_LOG")"
	exit 1
fi

# --- building requests --------------------------------------------------------

# The request fields in the order they are sent, and a valid request:
# "-" leaves a field out.
FIELDS=(orgCode sign loginName name mediaType videoBotId isVoiceDivide
	audioBotId isRelateSendMessage msgTemplateId msgTitle sendMessagePhase
	isRelateVideoMessage videoMessageTemplateId sendVideoMessagePhase
	deliverList)
# Import figures of this list by the sandbox's rule: 11 rows; 13500000001
# and the upper-case hex phone repeat; 13500001000 is blacklisted; the
# last digits of the rest give shi 1, 2 / kong 5, f (15) / tingji 6 /
# kuwu 7 / chenmo 8 / fenxian 9.
LIST='[{"name":"张三","phone":"13500000001","otherInfo":[{"title":"城市","value":"杭州"}]},
{"phone":"13500000001"},{"name":"","phone":"13500001000"},{"phone":"13500000005"},
{"phone":"13500000006"},{"phone":"13500000007"},{"phone":"13500000008"},
{"phone":"13500000009"},{"phone":"4bf8ae0ba3e8c0f17d885b8c5b0af602"},
{"phone":"4BF8AE0BA3E8C0F17D885B8C5B0AF602"},{"phone":"0123456789abcdef0123456789abcdef"}]'
LIST_MARK='{"totalCount":11,"failCount":0,"blacklistCount":1,"repeatCount":2,"successCount":8,"filterCount":0,"shiCount":2,"kongCount":2,"tingjiCount":1,"kuwuCount":1,"chenmoCount":1,"fenxianCount":1,"chaopinCount":0}'
declare -A DEFAULTS=(
	[orgCode]="\"$ORG\""
	[sign]="\"$SIGN\""
	[loginName]="\"$LOGIN\""
	[name]="\"$TASK_NAME\""
	[mediaType]='"videoBot"'
	[videoBotId]='"vb-20240501"'
	[isVoiceDivide]=-
	[audioBotId]=-
	[isRelateSendMessage]=true
	[msgTemplateId]='"600184215"'
	[msgTitle]='"甜新科技"'
	[sendMessagePhase]=1
	[isRelateVideoMessage]=true
	[videoMessageTemplateId]='"16083"'
	[sendVideoMessagePhase]=3
	[deliverList]=$LIST
)

# body [KEY=JSON | KEY=-]...: the valid request with these changes; a key
# that is not a request field is added at the end.
body() {
	local -A set=()
	local extra=() kv k v out=
	for kv in "$@"; do
		k=${kv%%=*}
		[[ -v DEFAULTS[$k] ]] || extra+=("$k")
		set[$k]=${kv#*=}
	done
	for k in "${FIELDS[@]}" "${extra[@]}"; do
		v=${set[$k]-${DEFAULTS[$k]}}
		[[ $v == - ]] && continue
		out+=${out:+,}\"$k\":$v
	done
	printf '{%s}' "$out"
}

SENT=0		# create requests made
ACCEPTED=0	# of which accepted
REQ_BODY=$T_DIR/request.json

# create_file FILE [CONTENT-TYPE [CURL-ARGS...]]: POST FILE to the create
# URL. CONTENT-TYPE "none" sends none.
create_file() {
	local file=$1 ct=${2:-application/json; charset=utf-8}
	shift 2 || shift $#
	# A bare "Content-Type:" makes curl send none.
	[[ $ct == none ]] && ct=Content-Type: || ct="Content-Type: $ct"
	SENT=$((SENT + 1))
	req - POST "$CREATE" -H "$ct" --data-binary "@$file" "$@"
}

# create TEXT [CONTENT-TYPE [CURL-ARGS...]]
create() {
	printf '%s' "$1" >"$REQ_BODY"
	shift
	create_file "$REQ_BODY" "$@"
}

errcode_of() { sed -n -e 's/^{"errCode":\(-\{0,1\}[0-9]*\)[,}].*/\1/p' "$R_BODY"; }
taskid_of() { sed -n -e 's/^{"errCode":0,"result":{"taskId":"\([0-9a-f]\{32\}\)"}}$/\1/p' "$R_BODY"; }

# expect_accepted DESC: the last answer is 200 with errCode 0 and a taskId
# (left in TASK_ID).
expect_accepted() {
	TASK_ID=$(taskid_of)
	if [[ $R_STATUS == 200 && -n $TASK_ID ]]; then
		ACCEPTED=$((ACCEPTED + 1))
		ok "$1"
	else
		not_ok "$1" "want 200 {\"errCode\":0,\"result\":{\"taskId\":<32 hex>}}" "$(r_summary)"
	fi
}

# expect_errcode CODE DESC: the last answer is 200 with errCode CODE and an
# errMsg.
expect_errcode() {
	if [[ $R_STATUS == 200 && $(errcode_of) == "$1" ]] &&
	    grep -q '"errMsg":"[^"]' "$R_BODY"; then
		ok "$2"
	else
		not_ok "$2" "want 200 with errCode $1 and an errMsg" "$(r_summary)"
	fi
}

# accepted DESC [KEY=JSON | KEY=-]...: that request is accepted.
accepted() {
	local desc=$1
	shift
	create "$(body "$@")"
	expect_accepted "accepted: $desc"
}

# refused CODE DESC [KEY=JSON | KEY=-]...: that request gets errCode CODE.
refused() {
	local code=$1 desc=$2
	shift 2
	create "$(body "$@")"
	expect_errcode "$code" "errCode $code: $desc"
}

# wait_push TASK_ID: print the receiver's log line of that task's push,
# waiting up to 10 s for it.
wait_push() {
	local i
	for ((i = 0; i < 100; i++)); do
		if grep -F "dial_task_main_sn|$1\"" "$PUSHES"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# set_mode JSON: POST it to /sandbox/mode, expecting 200.
set_mode() {
	req - POST /sandbox/mode -H 'Content-Type: application/json' --data-binary "$1"
	[[ $R_STATUS == 200 ]] || not_ok "POST /sandbox/mode $1" "$(r_summary)"
}

stat_of() {
	req - GET /sandbox/stats
	sed -n -e "s/.*\"$1\":\([0-9]*\).*/\1/p" "$R_BODY"
}

# --- an accepted task, its record and its push ----------------------------------

create "$(body)"
expect_accepted "the document's request (with videoBot) is accepted"
FIRST_TASK=$TASK_ID
expect_header Content-Type '^application/json' "the answer is JSON"
if cmp -s "$REQ_BODY" "$RECORD/000001.json"; then
	ok "record 000001.json holds the body byte for byte"
else
	not_ok "record 000001.json holds the body byte for byte" "$(ls -l "$RECORD" 2>&1)"
fi
meta=$(cat "$RECORD/000001.meta" 2>/dev/null) || meta=
expect_match '"content_type":"application/json; charset=utf-8"' "$meta" "record 000001.meta has the Content-Type"
expect_match '"mode":"ok".*"status":200' "$meta" "record 000001.meta has the mode and the status"
expect_match "\"errCode\":0,\"taskId\":\"$FIRST_TASK\"" "$meta" "record 000001.meta has errCode and taskId"
expect_match '"answer":"\{\\"errCode\\":0,\\"result\\"' "$meta" "record 000001.meta has the answer sent"
if push=$(wait_push "$FIRST_TASK"); then
	expect_eq "application/json; charset=utf-8|{\"dial_task_main_sn\":\"dial_task_main_sn|$FIRST_TASK\",\"import_mark\":$LIST_MARK}" \
	    "$push" "the push carries the figures the rule predicts, as UTF-8 JSON"
else
	not_ok "the callback receives the push of $FIRST_TASK" "$(cat "$PUSHES")" "$(tail -n 5 "$T_LOG")"
fi

create "$(body)"
expect_accepted "the same request again is accepted"
if [[ $TASK_ID != "$FIRST_TASK" ]]; then ok "with a fresh taskId"; else not_ok "with a fresh taskId" "$TASK_ID twice"; fi

# --- what is accepted -------------------------------------------------------------

accepted "isRelateSendMessage false without SMS template and title" \
    isRelateSendMessage=false msgTemplateId=- msgTitle=- sendMessagePhase=-
accepted "isRelateVideoMessage false without video SMS template" \
    isRelateVideoMessage=false videoMessageTemplateId=- sendVideoMessagePhase=-
accepted "an unused template sent empty" isRelateSendMessage=false 'msgTemplateId=""'
accepted "isVoiceDivide true with audioBotId" isVoiceDivide=true 'audioBotId="ab-7"'
accepted "isVoiceDivide false without audioBotId" isVoiceDivide=false
accepted "null optional fields" isVoiceDivide=null sendMessagePhase=null
accepted "sendMessagePhase 2, sendVideoMessagePhase 1" sendMessagePhase=2 sendVideoMessagePhase=1
accepted "unknown fields are ignored" 'mediaId="6375dd1293941036cf3a4a5b"' 'extra={"a":[1,2]}'
accepted "a row with only a phone" 'deliverList=[{"phone":"19912345678"}]'
accepted "a name holding a backslash and u0000" 'deliverList=[{"name":"a\\u0000b","phone":"13500000001"}]'
create "$(body)" 'application/json'
expect_accepted "accepted: Content-Type application/json without charset"
create "$(body)" 'Application/JSON;Charset="UTF-8"'
expect_accepted "accepted: Content-Type in other case, charset quoted"

# --- what is refused, and with which errCode ----------------------------------------

refused -1 "orgCode missing" orgCode=-
refused -1 "orgCode empty" 'orgCode=""'
refused -1 "orgCode a number" orgCode=12
refused -1 "sign missing" sign=-
refused -1 "sign of 63 hex digits" "sign=\"${SIGN:1}\""
refused -1 "sign not hex" 'sign="zz4648c43e7d0e3f3927baf6108770f5aa7ff68c6c104de04916e44ae2e98db1f8"'
refused -1 "sign valid hex but wrong (sign mismatch)" 'sign="8db1f84648c43e7d0e3f3927baf6108770f5aa7ff68c6c104de04916e44ae2e9"'
expect_body_contains 'sign mismatch' "the errMsg says sign mismatch"
refused -1 "loginName missing" loginName=-
refused -1 "name missing" name=-
refused -1 "name empty" 'name=""'
refused -1 "mediaType constantVideo (the document's old example)" 'mediaType="constantVideo"'
refused -1 "videoBotId missing" videoBotId=-
refused -1 "isVoiceDivide the string \"true\"" 'isVoiceDivide="true"'
refused -1 "isVoiceDivide true without audioBotId" isVoiceDivide=true
refused -1 "isVoiceDivide true with audioBotId empty" isVoiceDivide=true 'audioBotId=""'
refused -1 "isRelateSendMessage missing" isRelateSendMessage=-
refused -1 "isRelateSendMessage the string \"true\"" 'isRelateSendMessage="true"'
refused -1 "isRelateSendMessage the number 1" isRelateSendMessage=1
refused -1 "isRelateSendMessage null" isRelateSendMessage=null
refused -3 "msgTemplateId missing while SMS linked" msgTemplateId=-
refused -3 "msgTitle missing while SMS linked" msgTitle=-
refused -3 "msgTitle empty while SMS linked" 'msgTitle=""'
refused -3 "msgTemplateId a number" msgTemplateId=600184215
refused -3 "sendMessagePhase 4" sendMessagePhase=4
refused -3 "sendMessagePhase the string \"1\"" 'sendMessagePhase="1"'
refused -3 "sendMessagePhase 1.5" sendMessagePhase=1.5
refused -1 "isRelateVideoMessage missing" isRelateVideoMessage=-
refused -1 "isRelateVideoMessage the string \"false\"" 'isRelateVideoMessage="false"'
refused -3 "videoMessageTemplateId missing while video SMS linked" videoMessageTemplateId=-
refused -3 "sendVideoMessagePhase 0" sendVideoMessagePhase=0
refused -1 "deliverList missing" deliverList=-
refused -1 "deliverList empty" 'deliverList=[]'
refused -1 "deliverList an object" 'deliverList={"phone":"13500000001"}'
refused -1 "a row that is a string" 'deliverList=["13500000001"]'
refused -1 "a row's name a number" 'deliverList=[{"name":1,"phone":"13500000001"}]'
refused -1 "a row's otherInfo an object" 'deliverList=[{"phone":"13500000001","otherInfo":{"title":"a","value":"b"}}]'
refused -1 "a row's otherInfo value a number" 'deliverList=[{"phone":"13500000001","otherInfo":[{"title":"a","value":2}]}]'
refused -3 "a phone of 10 digits" 'deliverList=[{"phone":"1350000000"}]'
refused -3 "a phone of 12 digits" 'deliverList=[{"phone":"135000000012"}]'
refused -3 "a phone starting 12" 'deliverList=[{"phone":"12500000001"}]'
refused -3 "a phone with spaces" 'deliverList=[{"phone":"135 0000 0001"}]'
refused -3 "a phone with +86" 'deliverList=[{"phone":"+8613500000001"}]'
refused -3 "a phone of full-width digits" 'deliverList=[{"phone":"１３５００００００01"}]'
refused -3 "a phone of 31 hex digits" 'deliverList=[{"phone":"4bf8ae0ba3e8c0f17d885b8c5b0af60"}]'
refused -3 "a phone of 32 chars, not all hex" 'deliverList=[{"phone":"4bf8ae0ba3e8c0f17d885b8c5b0af60g"}]'
refused -3 "a phone that is a JSON number" 'deliverList=[{"phone":13500000001}]'
refused -3 "a row without phone" 'deliverList=[{"name":"张三"}]'
refused -1 "a phone cut short by \u0000" 'deliverList=[{"phone":"13500000001\u0000x"}]'
refused -3 "a bad phone in the third row" 'deliverList=[{"phone":"13500000001"},{"phone":"13500000002"},{"phone":"2"}]'
expect_body_contains '手机号有误：deliverList[2].phone' "the errMsg names the row (from 0)"
refused -2 "orgCode unknown" 'orgCode="other_org"'
expect_body_contains '找不到此机构' "the errMsg is the document's 找不到此机构"
refused -3 "loginName not of the organisation" 'loginName="nobody"'
expect_body_contains '该机构下没有此账号' "the errMsg is the document's 该机构下没有此账号"

create "$(body)" 'text/plain'
expect_errcode -1 "errCode -1: Content-Type text/plain"
create "$(body)" 'application/json; charset=gbk'
expect_errcode -1 "errCode -1: charset gbk"
create "$(body)" none
expect_errcode -1 "errCode -1: no Content-Type"
create '{"orgCode":' 'application/json'
expect_errcode -1 "errCode -1: a body that is not JSON"
create '[1,2]' 'application/json'
expect_errcode -1 "errCode -1: a JSON array"
create "$(body) x" 'application/json'
expect_errcode -1 "errCode -1: text after the JSON object"
create '' 'application/json'
expect_errcode -1 "errCode -1: an empty body"
printf '%s' "$(body)" | sed -e 's/甜新科技/\xff\xfe/' >"$T_DIR/latin.json"
create_file "$T_DIR/latin.json" 'application/json'
expect_errcode -1 "errCode -1: a body that is not UTF-8"

# --- the size limit: 50,000 rows -----------------------------------------------------

rows() {
	awk -v n="$1" 'BEGIN { printf "["; for (i = 0; i < n; i++)
	    printf "%s{\"phone\":\"1350%07d\"}", (i ? "," : ""), i; printf "]" }'
}
body "deliverList=$(rows 50000)" >"$T_DIR/rows50000.json"
create_file "$T_DIR/rows50000.json"
expect_accepted "accepted: 50,000 rows"
if push=$(wait_push "$TASK_ID"); then
	# Digits 0-9 each 5,000 times; the 50 numbers ending 000 are blacklisted.
	expect_match '"import_mark":\{"totalCount":50000,"failCount":0,"blacklistCount":50,"repeatCount":0,"successCount":49950,"filterCount":0,"shiCount":24950,"kongCount":5000,"tingjiCount":5000,"kuwuCount":5000,"chenmoCount":5000,"fenxianCount":5000,"chaopinCount":0\}\}$' \
	    "$push" "the push of 50,000 rows carries the predicted figures"
else
	not_ok "the callback receives the push of 50,000 rows" "$(tail -n 5 "$T_LOG")"
fi
body "deliverList=$(rows 50001)" >"$T_DIR/rows50001.json"
create_file "$T_DIR/rows50001.json"
expect_errcode -1 "errCode -1: 50,001 rows"

# --- fault modes ------------------------------------------------------------------------

req - GET /sandbox/mode
expect_eq '{"mode":"ok","errCode":10,"delay_ms":10000,"count":0}' "$(cat "$R_BODY")" \
    "GET /sandbox/mode: ok by default"

set_mode '{"mode":"errcode","errCode":99}'
expect_eq '{"mode":"errcode","errCode":99,"delay_ms":10000,"count":0}' "$(cat "$R_BODY")" \
    "POST /sandbox/mode answers the new mode"
create "$(body)"
expect_eq '200 {"errCode":99}' "$R_STATUS $(cat "$R_BODY")" "errcode mode: 200 {\"errCode\":99}, a code the document does not list"
create "$(body)"
expect_eq '{"errCode":99}' "$(cat "$R_BODY")" "errcode mode stays until changed (count 0)"

set_mode '{"mode":"errcode","errCode":-4,"errMsg":"您的可用额度不足，请联系商务进行充值","count":2}'
create "$(body)"
expect_eq '{"errCode":-4,"errMsg":"您的可用额度不足，请联系商务进行充值"}' "$(cat "$R_BODY")" \
    "errcode mode with errMsg, first of count 2"
req - GET /sandbox/mode
expect_match '"count":1' "$(cat "$R_BODY")" "GET /sandbox/mode shows 1 request left"
create "$(body)"
expect_errcode -4 "errcode mode, second of count 2"
create "$(body)"
expect_accepted "after count 2 the sandbox answers by the rules again"

set_mode '{"mode":"http500","count":1}'
create "$(body)"
expect_status 500 "http500 mode: HTTP 500"
expect_header Content-Type '^text/plain' "http500 mode: a short text"
set_mode '{"mode":"html","count":1}'
create "$(body)"
expect_status 200 "html mode: HTTP 200"
expect_header Content-Type '^text/html' "html mode: Content-Type text/html"
expect_body_contains '<html' "html mode: an HTML page"

set_mode '{"mode":"drop","count":1}'
create "$(body)"
expect_eq 000 "$R_STATUS" "drop mode: no HTTP answer at all"
expect_match 'Empty reply' "$(cat "$T_DIR/curl.err")" "drop mode: the connection closes empty"
seq_drop=$(printf '%06d' "$SENT")
expect_match '"mode":"drop","status":0' "$(cat "$RECORD/$seq_drop.meta" 2>/dev/null)" \
    "drop mode: recorded with status 0"
create "$(body)"
expect_accepted "after drop (count 1) the next request is answered"

set_mode '{"mode":"slow","delay_ms":2500,"count":1}'
started=$(date +%s%N)
create "$(body)" 'application/json; charset=utf-8' --max-time 1
expect_match '^(000)$' "$R_STATUS" "slow mode: a client with a 1 s timeout gets no answer"
expect_match 'timed out' "$(cat "$T_DIR/curl.err")" "slow mode: the client timed out"
seq_slow=$(printf '%06d' "$SENT")
slow_meta=$(cat "$RECORD/$seq_slow.meta" 2>/dev/null) || slow_meta=
expect_match '"mode":"slow".*"errCode":0,"taskId":"[0-9a-f]{32}"' "$slow_meta" \
    "slow mode: the task was accepted all the same (recorded before the pause)"
ACCEPTED=$((ACCEPTED + 1))
req - GET /sandbox/mode
ms=$((($(date +%s%N) - started) / 1000000))
expect_eq 200 "$R_STATUS" "slow mode: the sandbox answers again after the pause"
expect_ge 2500 "$ms" "slow mode: ... not before delay_ms (${ms} ms)"
slow_task=$(sed -n -e 's/.*"taskId":"\([0-9a-f]*\)".*/\1/p' <<<"$slow_meta")
if [[ -n $slow_task ]] && wait_push "$slow_task" >/dev/null; then
	ok "slow mode: the task is pushed"
else
	not_ok "slow mode: the task is pushed" "$(tail -n 5 "$T_LOG")"
fi

set_mode '{"mode":"import_fail","count":1}'
create "$(body)"
expect_accepted "import_fail mode: the create is accepted"
if push=$(wait_push "$TASK_ID"); then
	expect_eq "application/json; charset=utf-8|{\"dial_task_main_sn\":\"dial_task_main_sn|$TASK_ID\",\"import_mark\":\"号码文件格式错误\"}" \
	    "$push" "import_fail mode: import_mark is the failure reason"
else
	not_ok "import_fail mode: the push arrives" "$(tail -n 5 "$T_LOG")"
fi
create "$(body)"
expect_accepted "import_fail mode (count 1) then back to ok"
if push=$(wait_push "$TASK_ID"); then
	expect_match '"import_mark":\{"totalCount":11,' "$push" "... and the next push carries counts"
else
	not_ok "the push after import_fail arrives" "$(tail -n 5 "$T_LOG")"
fi

req - POST /sandbox/mode -H 'Content-Type: application/json' --data-binary '{"mode":"sometimes"}'
expect_status 400 "POST /sandbox/mode with an unknown mode: 400"
expect_body_contains '"error":"mode must be one of' "... saying which modes there are"
req - POST /sandbox/mode -H 'Content-Type: application/json' --data-binary '{"mode":"slow","delay_ms":"5"}'
expect_status 400 "POST /sandbox/mode with a string delay_ms: 400"
req - GET /sandbox/mode
expect_match '"mode":"ok"' "$(cat "$R_BODY")" "a refused setting leaves the mode alone"

# --- everything else -------------------------------------------------------------------

req - GET /nothing/here
expect_status 404 "GET of an unknown path: 404"
expect_eq '{"error":"not found"}' "$(cat "$R_BODY")" "... with a JSON body"
req - GET "$CREATE"
expect_status 404 "GET of the create path: 404"
SENT_BEFORE_STATS=$SENT

req - GET /sandbox/stats
expect_match "\"received\":$SENT_BEFORE_STATS,\"accepted\":$ACCEPTED," "$(cat "$R_BODY")" \
    "GET /sandbox/stats counts $SENT_BEFORE_STATS requests received, $ACCEPTED accepted"
expect_eq "$SENT" "$(find "$RECORD" -name '*.json' | wc -l)" "one record per create request"
expect_eq "$SENT" "$(find "$RECORD" -name '*.meta' | wc -l)" "one meta file per create request"
expect_eq 0 "$(find "$RECORD" -name '.*' -type f | wc -l)" "no temporary file is left"
expect_ge 1 "$(stat_of pushes_sent)" "pushes were sent"
expect_eq 0 "$(stat_of pushes_failed)" "no push failed"

# --- stopping, a dead callback, a stale socket -----------------------------------------

started=$(date +%s%N)
rc=0
t_stop_serve || rc=$?
ms=$((($(date +%s%N) - started) / 1000000))
expect_eq 0 "$rc" "SIGTERM: the sandbox exits 0"
if ((ms <= 5000)); then ok "SIGTERM: within 5 s (${ms} ms)"; else not_ok "SIGTERM: within 5 s" "took ${ms} ms"; fi
check "SIGTERM: the socket is removed" test ! -e "$SOCK"
req - POST "$CREATE"
expect_status 502 "with the sandbox down nginx answers 502"

rm -rf "$RECORD"
dead=$(dd_pick_port)
sandbox_start --callback "http://127.0.0.1:$dead/callback"
create "$(body)"
expect_accepted "with the callback down a create is still accepted"
for ((i = 0; i < 100; i++)); do
	[[ $(stat_of pushes_failed) == 1 ]] && break
	sleep 0.1
done
expect_eq 1 "$(stat_of pushes_failed)" "the push is given up after its retries"
expect_eq 4 "$(grep -c 'attempt [1-4] of 4 failed' "$T_LOG")" "the push was tried 4 times (3 retries)"
check "a restarted sandbox numbers its records from 000001" test -f "$RECORD/000001.meta"
req - GET /sandbox/mode
expect_status 200 "the sandbox still answers"

# Braces: bash reports the killed job on the stderr of the wait.
{
	kill -KILL "$T_SERVE_PID"
	wait "$T_SERVE_PID" || true
} 2>/dev/null
T_SERVE_PID=
check "SIGKILL leaves a stale socket" test -S "$SOCK"
sandbox_start
# sandbox_start found the stale socket at once: wait for the new one.
if dd_wait_http "$BASE/sandbox/mode" 200 10 "$T_SERVE_PID"; then
	ok "a new sandbox replaces the stale socket"
else
	not_ok "a new sandbox replaces the stale socket" "$(tail -n 5 "$T_LOG")"
fi

rc=0
"$SANDBOX_BIN" --socket "$T_DIR/nginx.conf" >>"$T_LOG" 2>&1 || rc=$?
expect_eq 1 "$rc" "a --socket path that is a file is refused (exit 1)"
check "... and the file is left alone" test -s "$T_DIR/nginx.conf"
rc=0
"$SANDBOX_BIN" --socket "$T_DIR/x.sock" --sign-key k >>"$T_LOG" 2>&1 || rc=$?
expect_eq 2 "$rc" "--sign-key without --sign-recipe: exit 2"
rc=0
"$SANDBOX_BIN" --socket "$T_DIR/x.sock" --sign-key k --sign-recipe '{org}{key}' >>"$T_LOG" 2>&1 || rc=$?
expect_eq 2 "$rc" "a recipe with an unknown placeholder: exit 2"

# SIGTERM in the middle of a slow answer: the pause is cut short, the
# client gets its answer, the pushes not yet due are dropped.
rc=0
t_stop_serve || rc=$?
sandbox_start --callback "http://127.0.0.1:$dead/callback" --push-delay-ms 60000
dd_wait_http "$BASE/sandbox/mode" 200 10 "$T_SERVE_PID" || true
create "$(body)"
expect_accepted "a create whose push waits 60 s"
set_mode '{"mode":"slow","delay_ms":60000}'
curl -sS --max-time 30 -o "$T_DIR/slow.body" -H 'Content-Type: application/json' \
    --data-binary "@$REQ_BODY" "$BASE$CREATE" 2>"$T_DIR/slow.err" &
curl_pid=$!
for ((i = 0; i < 100; i++)); do
	grep -q 'slow mode, answering in 60000 ms' "$T_LOG" && break
	sleep 0.1
done
started=$(date +%s%N)
rc=0
t_stop_serve || rc=$?
ms=$((($(date +%s%N) - started) / 1000000))
expect_eq 0 "$rc" "SIGTERM during a slow answer: exit 0"
if ((ms <= 5000)); then ok "... within 5 s (${ms} ms)"; else not_ok "... within 5 s" "took ${ms} ms"; fi
wait "$curl_pid" || true
expect_match '^\{"errCode":0,"result":\{"taskId":"[0-9a-f]{32}"\}\}$' "$(cat "$T_DIR/slow.body" 2>/dev/null)" \
    "... and the waiting client still gets its answer"
expect_eq 1 "$(grep -c 'stopping with 2 push(es) not sent' "$T_LOG")" "... and the 2 pushes not due are dropped"
