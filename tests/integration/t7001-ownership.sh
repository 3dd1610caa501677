#!/usr/bin/env bash
# t7001-ownership.sh: object-level access on every route with an id (ASVS
# 5.0 V8.2.2). The table below says, for each such route, what kind of
# object its id is and what each of five callers gets: an administrator,
# the operator who owns the object, another operator, an auditor, and
# nobody signed in. The test asks `dialdesk routes` for the program's own
# table and fails for an id route this table does not cover (or covers
# with another object), so that a new route cannot go untested. Then, for
# every route and caller, it makes the object as "operator", sends the
# request and checks the status; a refused request changes nothing (tasks,
# batches, imports, their rows, pushes, and the audit log but for one
# permission.denied entry with the reason), an allowed action changes what
# it acts on. A missing object is 404 before any handler runs. The task
# and preview pages show their action forms only to those who may use them.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
OPERATOR2_PASS='Operator2-pass-5590'
t_setup
t_add_user operator2 operator "$OPERATOR2_PASS" ||
    { not_ok "setup: dialdesk user add operator2" "$(tail -n 5 "$T_LOG")"; exit 1; }
# Every caller may ask for whole numbers here, so that the reveal routes
# test the owner rule (t9030 tests the permission itself).
sql "UPDATE users SET may_see_phones = 1"
t_start
LIST=$V_FIXTURES/two-rows.csv

# The five callers; the owner of every object made here is "operator".
CALLERS=(anon auditor other owner admin)
declare -A JAR=([anon]=- [auditor]=$T_DIR/auditor.jar [other]=$T_DIR/other.jar
	[owner]=$T_DIR/owner.jar [admin]=$T_DIR/admin.jar)
declare -A NAME=([auditor]=auditor [other]=operator2 [owner]=operator [admin]=admin)
login admin "$ADMIN_PASS" "${JAR[admin]}" || not_ok "admin signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "${JAR[owner]}" || not_ok "operator signs in" "$(r_summary)"
login operator2 "$OPERATOR2_PASS" "${JAR[other]}" || not_ok "operator2 signs in" "$(r_summary)"
login auditor "$AUDITOR_PASS" "${JAR[auditor]}" || not_ok "auditor signs in" "$(r_summary)"

# --- the table ---------------------------------------------------------------
# ROUTE (method and pattern as `dialdesk routes` prints them), the object
# its id is, then what admin, owner, other, auditor and anon get: 200 or
# 303 (done), 403:REASON (refused, audited as permission.denied with that
# reason), login (303 to the sign-in page, nothing audited).
RULES=(
	"GET /tasks/#                 task   200 200 200       200      login"
	"GET /tasks/#/breakdown.csv   task   200 200 200       200      login"
	"GET /tasks/#/breakdown.xlsx  task   200 200 200       200      login"
	"POST /tasks/#/cancel         task   303 303 403:owner 403:role login"
	"POST /batches/#/resend       batch  303 303 403:owner 403:role login"
	"POST /pushes/#/link          push   303 403:role 403:role 403:role login"
	"GET /imports/#               import 200 200 403:owner 200      login"
	"GET /imports/#/errors.csv    import 200 200 403:owner 200      login"
	"POST /imports/#/confirm      import 303 303 403:owner 403:role login"
	"POST /imports/#/cancel       import 303 303 403:owner 403:role login"
	"POST /imports/#/mapping      import 303 303 403:owner 403:role login"
	"GET /users/#                 user   200 403:role 403:role 403:role login"
	"POST /users/#/role           user   303 403:role 403:role 403:role login"
	"POST /users/#/state          user   303 403:role 403:role 403:role login"
	"POST /users/#/password       user   303 403:role 403:role 403:role login"
	"POST /users/#/sessions       user   303 403:role 403:role 403:role login"
	"POST /users/#/vendor-login   user   303 403:role 403:role 403:role login"
	"POST /users/#/phones         user   303 403:role 403:role 403:role login"
	"POST /imports/#/reveal       import 200 200 403:owner 200      login"
	"POST /imports/#/errors-full.csv import 200 200 403:owner 200   login"
	"POST /dnc/#/remove           dnc    303 403:role 403:role 403:role login"
)
# What a POST sends besides the token (the mapping takes the third column
# as the name, so that a done remap shows).
declare -A ARGS=(
	["POST /imports/#/mapping"]="phone_col=0 name_col=2"
	["POST /pushes/#/link"]="batch=@LINK_BATCH"
	["POST /users/#/role"]="role=auditor"
	["POST /users/#/state"]="disable=1"
	["POST /users/#/password"]="password=Reset-pass-4417-abc"
	["POST /users/#/vendor-login"]="vendor_login=acct-7"
	["POST /users/#/phones"]="may_see_phones=1"
	["POST /imports/#/reveal"]="reason=核对号码"
	["POST /imports/#/errors-full.csv"]="reason=核对号码"
)

declare -A OBJ=() WANT=()
for row in "${RULES[@]}"; do
	read -r method pattern object w_admin w_owner w_other w_auditor w_anon <<<"$row"
	OBJ["$method $pattern"]=$object
	WANT["$method $pattern"]="admin=$w_admin owner=$w_owner other=$w_other auditor=$w_auditor anon=$w_anon"
done

# --- the program's table against this one ----------------------------------------

declare -A LISTED=()
if routes=$(dialdesk routes 2>"$T_DIR/routes.err") && [[ -n $routes ]]; then
	ok "dialdesk routes prints the route table"
	while IFS=$'\t' read -r methods pattern _roles object _need _who; do
		[[ $pattern == *'#'* ]] || continue
		for method in ${methods//,/ }; do
			[[ $method == HEAD ]] && continue
			key="$method $pattern"
			LISTED[$key]=1
			if [[ ! -v OBJ[$key] ]]; then
				not_ok "route $key has a row in this test's table" \
				    "add it to RULES in ${0##*/}: which object, what each caller gets"
			elif [[ ${OBJ[$key]} != "$object" ]]; then
				not_ok "route $key acts on a ${OBJ[$key]}" "dialdesk routes says: $object"
			else
				ok "route $key: the program's table names its object (${OBJ[$key]})"
			fi
		done
	done <<<"$routes"
	for key in "${!OBJ[@]}"; do
		[[ -v LISTED[$key] ]] || not_ok "the test's route $key is in dialdesk routes" "$routes"
	done
	expect_eq 0 "$(grep -c $'^[^\t]*\t[^\t]*#[^\t]*\t[^\t]*\t-' <<<"$routes" || true)" \
	    "no route with an id names no object"
else
	not_ok "dialdesk routes prints the route table" "$(cat "$T_DIR/routes.err")"
fi

# --- making objects as "operator" -------------------------------------------------

N=0
# make_object KIND: a new object of KIND owned by operator; its id in OBJ_ID.
make_object() {
	N=$((N + 1))
	OBJ_ID=
	case $1 in
	task)
		new_task "${JAR[owner]}" "$LIST" "name=归属 $N" && OBJ_ID=$TASK_ID ;;
	batch)
		# A batch whose outcome is unknown: the one a person may resend.
		new_task "${JAR[owner]}" "$LIST" "name=归属 $N" || return 0
		OBJ_ID=$(sql "SELECT id FROM batches WHERE task_id = $TASK_ID")
		sql "UPDATE batches SET state = 'unknown', attempts = 1, message = '结果未知' WHERE id = $OBJ_ID;
		    UPDATE tasks SET state = 'attention' WHERE id = $TASK_ID" ;;
	import)
		upload_list "${JAR[owner]}" "$LIST" "name=归属 $N"
		[[ -n $IMPORT_ID ]] && OBJ_ID=$IMPORT_ID ;;
	push)
		# An unmatched push, as the vendor sends it: pushes are nobody's.
		push_send "$(push_json "owner-test-$N" "$(mark 2 2 0 0 0 0 2 0 0 0 0 0 0)")"
		[[ $R_STATUS == 200 ]] &&
		    OBJ_ID=$(sql "SELECT id FROM pushes WHERE vendor_task_id = 'owner-test-$N'") ;;
	user)
		# An account of its own (signed in once, so that it has a
		# session to end): accounts are the administrators'.
		t_add_user "member$N" operator "Member-pass-$N-2291" &&
		    login "member$N" "Member-pass-$N-2291" "$T_DIR/member$N.jar" &&
		    OBJ_ID=$(sql "SELECT id FROM users WHERE name = 'member$N'") ;;
	dnc)
		# An entry of the do-not-call list: the administrators'.
		req "${JAR[admin]}" POST /dnc/add \
		    --data-urlencode "csrf=$(csrf_of "${JAR[admin]}" /)" \
		    --data-urlencode "phone=1390000$(printf '%04d' "$N")" &&
		    [[ $R_STATUS == 303 ]] &&
		    OBJ_ID=$(sql "SELECT max(id) FROM dnc") ;;
	esac
	[[ -n $OBJ_ID ]] || not_ok "make a $1 owned by operator" "$(r_summary)"
}

make_object task
LINK_BATCH=$(sql "SELECT id FROM batches WHERE task_id = $OBJ_ID")

# snapshot: everything a request on an object could change, but the audit
# log's permission.denied entries.
snapshot() {
	sql "SELECT
	    (SELECT group_concat(v, ',') FROM (SELECT id || ':' || state AS v FROM tasks ORDER BY id) AS s),
	    (SELECT group_concat(v, ',') FROM (SELECT id || ':' || state || ':' || attempts || ':' || next_attempt AS v FROM batches ORDER BY id) AS s),
	    (SELECT group_concat(v, ',') FROM (SELECT id || ':' || state || ':' || phone_col || ':' || name_col || ':' || valid AS v FROM imports ORDER BY id) AS s),
	    (SELECT count(*) FROM import_rows),
	    (SELECT group_concat(v, ',') FROM (SELECT id || ':' || coalesce(CAST(batch_id AS TEXT), '-') || ':' || linked_by AS v FROM pushes ORDER BY id) AS s),
	    (SELECT group_concat(v, ',') FROM (SELECT id || ':' || role || ':' || disabled || ':' || vendor_login || ':' || may_see_phones || ':' || pwhash AS v FROM users ORDER BY id) AS s),
	    (SELECT count(*) FROM sessions),
	    (SELECT count(*) FROM dnc),
	    (SELECT count(*) FROM audit WHERE action <> 'permission.denied')"
}
denied_count() { sql "SELECT count(*) FROM audit WHERE action = 'permission.denied'"; }
last_denied() {
	sql "SELECT actor || ' ' || object || ' ' || json_extract(details, '$.reason') FROM audit
	    WHERE action = 'permission.denied' ORDER BY id DESC LIMIT 1"
}

# attempt CALLER METHOD PATH ARGS: the request as CALLER, a POST with the
# token of CALLER's session (any page's sign-out form carries it).
attempt() {
	local caller=$1 method=$2 path=$3 args=$4 jar=${JAR[$1]} csrf kv
	local extra=()
	if [[ $method == GET ]]; then
		req "$jar" GET "$path"
		return
	fi
	if [[ $caller != anon ]]; then
		csrf=$(csrf_of "$jar" /) || csrf=
		extra=(--data-urlencode "csrf=$csrf")
	fi
	for kv in $args; do
		extra+=(--data-urlencode "${kv/@LINK_BATCH/$LINK_BATCH}")
	done
	req "$jar" POST "$path" "${extra[@]}"
}

# --- every route, every caller -----------------------------------------------------

for row in "${RULES[@]}"; do
	read -r method pattern object _ <<<"$row"
	key="$method $pattern"
	make_object "$object"
	shared=$OBJ_ID
	for caller in "${CALLERS[@]}"; do
		want=${WANT[$key]}
		want=${want#*"$caller="}
		want=${want%% *}
		id=$shared
		# An allowed action gets an object of its own: the refused ones
		# all try the same, which must stay as it was.
		if [[ $method == POST && $want =~ ^[0-9]+$ ]]; then
			make_object "$object"
			id=$OBJ_ID
		fi
		[[ -n $id ]] || continue
		path=${pattern/\#/$id}
		desc="$caller: $method $path"
		before=$(snapshot)
		denied=$(denied_count)
		attempt "$caller" "$method" "$path" "${ARGS[$key]:-}"
		case $want in
		login)
			expect_status 303 "$desc answers 303 (sign in first)"
			expect_location '/login(\?next=.*)?' "... to the sign-in page"
			expect_eq "$before" "$(snapshot)" "... and changes nothing"
			expect_eq "$denied" "$(denied_count)" "... and records no refusal" ;;
		403:*)
			expect_status 403 "$desc is refused (403)"
			expect_eq "$before" "$(snapshot)" "... and changes nothing"
			expect_eq "$((denied + 1))" "$(denied_count)" "... and is audited once"
			expect_eq "${NAME[$caller]} $path ${want#403:}" "$(last_denied)" \
			    "... as permission.denied by ${NAME[$caller]}, reason ${want#403:}" ;;
		*)
			expect_status "$want" "$desc answers $want"
			[[ $want == 303 ]] && expect_no_header Location '/login' "... not to the sign-in page"
			if [[ $method == POST ]]; then
				after=$(snapshot)
				check "... and does what it says" test "$before" != "$after"
			fi
			expect_eq "$denied" "$(denied_count)" "... and records no refusal" ;;
		esac
	done
done

# --- a missing object: 404 before the handler, for the owner's role and admin ---------

for row in "${RULES[@]}"; do
	read -r method pattern _ <<<"$row"
	path=${pattern/\#/999999}
	for caller in admin owner; do
		before=$(snapshot)
		attempt "$caller" "$method" "$path" "${ARGS[$method $pattern]:-}"
		if [[ ${WANT[$method $pattern]} == *"$caller=403:role"* ]]; then
			expect_status 403 "$caller: $method $path is refused by role first (403)"
		else
			expect_status 404 "$caller: $method $path answers 404 (no such object)"
		fi
		expect_eq "$before" "$(snapshot)" "... and changes nothing"
	done
done

# --- the forms a page shows --------------------------------------------------------

make_object task
for caller in owner admin; do
	req "${JAR[$caller]}" GET "/tasks/$OBJ_ID"
	expect_body_contains "action=\"/tasks/$OBJ_ID/cancel\"" "$caller sees the cancel form of operator's task"
done
for caller in other auditor; do
	req "${JAR[$caller]}" GET "/tasks/$OBJ_ID"
	expect_status 200 "$caller reads operator's task"
	expect_body_lacks "/tasks/$OBJ_ID/cancel" "... without the cancel form"
done
make_object batch
for caller in owner admin; do
	req "${JAR[$caller]}" GET "/tasks/$TASK_ID"
	expect_body_contains "action=\"/batches/$OBJ_ID/resend\"" "$caller sees the resend form of operator's batch"
done
for caller in other auditor; do
	req "${JAR[$caller]}" GET "/tasks/$TASK_ID"
	expect_body_lacks "/batches/$OBJ_ID/resend" "$caller reads the task without the resend form"
done
make_object import
for caller in owner admin; do
	req "${JAR[$caller]}" GET "/imports/$OBJ_ID"
	expect_body_contains "action=\"/imports/$OBJ_ID/confirm\"" "$caller sees the confirm form of operator's preview"
done
req "${JAR[auditor]}" GET "/imports/$OBJ_ID"
expect_status 200 "the auditor reads operator's preview"
expect_body_lacks "/imports/$OBJ_ID/confirm" "... without the confirm form"
expect_body_lacks "/imports/$OBJ_ID/mapping" "... or the mapping form"
