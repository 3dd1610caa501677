#!/usr/bin/env bash
# t8051-empty-filters.sh: an empty field of a GET form means "no filter".
# A browser sends every field of the filter forms of 任务列表 and 审计日志,
# the empty ones too; each form is read from its page, sent with every
# field empty (as the browser does) and then with one field filled: the
# answer is 200 with the rows, never 筛选条件无效. A value that is really
# wrong is still refused (400). The task export takes the same query.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
vendor_start
jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
LIST=$V_FIXTURES/two-rows.csv
new_task "$jar" "$LIST" "name=空筛选甲" || true
new_task "$jar" "$LIST" "name=空筛选乙" || true
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"

# form_fields JAR PATH: the names of the fields of the page's GET form, in
# the page's order, one a line.
form_fields() {
	req "$1" GET "$2"
	python3 -c '
import sys, html.parser
class P(html.parser.HTMLParser):
    inside = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("method") == "get"
        elif self.inside and tag in ("input", "select") and "name" in a:
            print(a["name"])
    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
P().feed(open(sys.argv[1], encoding="utf-8").read())' "$R_BODY"
}

# rows PREFIX: how many table rows of the last answer have an id PREFIX-N.
rows() { grep -oE "<tr id=\"$1-[0-9]+\"" "$R_BODY" | wc -l; }

# browser_query FIELDS... [NAME=VALUE]: the query a browser sends for a form
# with these fields, all empty but the one given.
browser_query() {
	local set=${*: -1} q= f
	for f in "${@:1:$#-1}"; do
		if [[ ${set%%=*} == "$f" ]]; then q+="&$set"; else q+="&$f="; fi
	done
	printf '%s\n' "${q#&}"
}

mapfile -t tf < <(form_fields "$jar" /tasks)
expect_eq "q status creator from to" "${tf[*]}" "the task filter form has its five fields"
q=$(browser_query "${tf[@]}" -)
req "$jar" GET "/tasks?$q"
expect_status 200 "/tasks?$q (every field empty) answers 200"
expect_body_lacks "筛选条件无效" "... without 筛选条件无效"
expect_eq 2 "$(rows task)" "... and lists both tasks"
today=$(date +%F)
q=$(browser_query "${tf[@]}" "from=$today")
req "$jar" GET "/tasks?$q"
expect_status 200 "/tasks with only 开始日期 filled answers 200"
expect_eq 2 "$(rows task)" "... and lists today's tasks"
q=$(browser_query "${tf[@]}" "q=甲")
req "$jar" GET "/tasks?$q"
expect_eq 1 "$(rows task)" "/tasks with only 任务名称 filled lists the matching task"
expect_body_contains "空筛选甲" "... which is that task"
q=$(browser_query "${tf[@]}" "creator=$(sql "SELECT id FROM users WHERE name = 'admin'")")
req "$jar" GET "/tasks?$q"
expect_status 200 "/tasks with only 创建人 filled answers 200"
expect_eq 0 "$(rows task)" "... and lists no task of someone who made none"
req "$jar" GET "/tasks?$(browser_query "${tf[@]}" "from=2026-13-01")"
expect_status 400 "a date that is not one is still refused"
expect_body_contains "筛选条件无效" "... and says so"
req "$jar" GET "/tasks.csv?$(browser_query "${tf[@]}" -)"
expect_status 200 "the task export with every field empty answers 200"
expect_body_contains "空筛选乙" "... and holds the tasks"

mapfile -t af < <(form_fields "$ajar" /audit)
expect_eq "user action from to" "${af[*]}" "the audit filter form has its four fields"
all=$(sql "SELECT count(*) FROM audit")
q=$(browser_query "${af[@]}" -)
req "$ajar" GET "/audit?$q"
expect_status 200 "/audit?$q (every field empty) answers 200"
expect_body_lacks "筛选条件无效" "... without 筛选条件无效"
want=$((all > 25 ? 25 : all))
expect_eq "$want" "$(rows audit)" "... and lists the newest entries"
req "$ajar" GET "/audit?$(browser_query "${af[@]}" "action=task.confirmed")"
expect_status 200 "/audit with only 操作 chosen answers 200"
expect_eq "$(sql "SELECT count(*) FROM audit WHERE action = 'task.confirmed'")" \
    "$(rows audit)" "... and lists exactly those entries"
req "$ajar" GET "/audit?$(browser_query "${af[@]}" "user=operator")"
expect_eq "$(sql "SELECT min(count(*), 25) FROM audit WHERE actor = 'operator'")" \
    "$(rows audit)" "/audit with only 操作人 filled lists that user's entries"
req "$ajar" GET "/audit?$(browser_query "${af[@]}" "to=$today")"
expect_status 200 "/audit with only 结束日期 filled answers 200"
expect_eq "$want" "$(rows audit)" "... and lists the entries up to today"
req "$ajar" GET "/audit?$(browser_query "${af[@]}" "action=NOT-AN-ACTION")"
expect_status 400 "an action that is not one is still refused"
