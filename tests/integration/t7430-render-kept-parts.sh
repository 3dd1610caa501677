#!/usr/bin/env bash
# t7430-render-kept-parts.sh: the parts of pages a worker makes once and
# keeps (issue 12) stay right from one request to the next in the same
# worker: the audit filter's action list selects the request's action and
# no other (then none), its values and labels are the actions' own; the
# navigation marks the page's entry (the longest that holds the path) for
# each role, shows a role only its entries, and an error page marks none;
# the home page's cards are the role's. A row's time and detail labels are
# as the entry says.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# One worker: every request below meets what the ones before it kept.
t_conf workers 1
t_start
ajar=$T_DIR/ajar ojar=$T_DIR/ojar ujar=$T_DIR/ujar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
login operator "$OPERATOR_PASS" "$ojar" || not_ok "operator signs in" "$(r_summary)"
login auditor "$AUDITOR_PASS" "$ujar" || not_ok "auditor signs in" "$(r_summary)"

# selected: the values of the selected options of the last page.
selected() { grep -oE '<option value="[^"]*" selected>' "$R_BODY" | sed -e 's/.*value="\([^"]*\)".*/\1/'; }
# options: how many options the action select has.
options() { grep -oP '<select id="f-action".*?</select>' "$R_BODY" | grep -o '<option ' | wc -l; }
# current: the label of the navigation's current entry.
current() { grep -oE 'class="current" aria-current="page">[^<]*<' "$R_BODY" | sed -e 's/.*>\([^<]*\)<$/\1/'; }
# navs: the navigation's links, one a line.
navs() { grep -oP '<nav class="main-nav".*?</nav>' "$R_BODY" | grep -oE '<a href="[^"]*"' | sed -e 's/<a href="\([^"]*\)"/\1/'; }

n=$(grep -c '^	{ "[a-z._]*", "' "$DD_TOP/src/audit.c" || true)
for action in login.ok logout dnc.exported login.ok "" no.such.action; do
	req "$ajar" GET "/audit?action=$action"
	expect_status 200 "the audit log filtered by action '$action' answers 200"
	expect_eq "$((n + 1))" "$(options)" "... its action select has the $n actions and 全部操作"
	case $action in
	"" | no.such.action) expect_eq "" "$(selected)" "... with no option selected" ;;
	*) expect_eq "$action" "$(selected)" "... with $action selected and no other" ;;
	esac
done
req "$ajar" GET "/audit"
expect_body_contains '<option value="login.ok">登录成功</option>' "an option is the action's value and label"
expect_body_contains '<option value="">全部操作</option>' "... after 全部操作"
expect_eq "审计日志" "$(current)" "the audit page marks 审计日志 in the navigation"

for p in "/tasks/new:新建任务" "/tasks:任务列表" "/:首页" "/users:用户" "/settings:设置" "/audit:审计日志"; do
	req "$ajar" GET "${p%%:*}"
	expect_eq "${p#*:}" "$(current)" "an administrator's ${p%%:*} marks ${p#*:} only"
	expect_eq 8 "$(navs | wc -l)" "... among the 8 entries an administrator sees"
done
req "$ojar" GET "/tasks/new"
expect_eq "新建任务" "$(current)" "an operator's /tasks/new marks 新建任务"
expect_eq "/ /tasks/new /tasks /dnc" "$(navs | tr '\n' ' ' | sed -e 's/ $//')" "... among the operator's four entries"
req "$ujar" GET "/tasks"
expect_eq "任务列表" "$(current)" "an auditor's /tasks marks 任务列表"
expect_eq "/ /tasks /dnc /audit /settings" "$(navs | tr '\n' ' ' | sed -e 's/ $//')" "... among the auditor's five entries"
req "$ujar" GET "/tasks/new"
expect_status 403 "an auditor may not open /tasks/new"
expect_eq "" "$(current)" "... and its error page marks no entry"
expect_eq 5 "$(navs | wc -l)" "... in the auditor's navigation"
req "$ajar" GET "/"
expect_body_contains '<h2><a href="/pushes">供应商推送</a></h2>' "the administrator's home page has the pushes card"
req "$ojar" GET "/"
expect_body_lacks 'href="/pushes"' "the operator's has neither the card nor the entry"
expect_body_contains '<h2><a href="/tasks/new">新建任务</a></h2>' "... but the new-task card"
expect_body_contains '<p>填写任务参数，上传名单（Excel 或 CSV），预览后发送。</p>' "... with its text"

# A row: its local time (the server's zone) and its details' labels.
id=$(sql "SELECT max(id) FROM audit WHERE action = 'login.ok' AND actor = 'auditor'")
ts=$(sql "SELECT ts FROM audit WHERE id = $id")
want=$(date -d "${ts%.*}Z" '+%Y-%m-%d %H:%M:%S')
req "$ajar" GET "/audit?user=auditor&action=login.ok"
row=$(sed -n "/<tr id=\"audit-$id\">/,/<\/tr>/p" "$R_BODY")
expect_match "<td>$want</td>" "$row" "the auditor's sign-in shows its time $want in the server's zone"
expect_match '<td>登录成功 <code class="action-code">login.ok</code></td>' "$row" "... the action's label"
