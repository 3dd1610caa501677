#!/usr/bin/env bash
# t7401-task-list-key-paging.sh: the task history pages by key with its
# filters. With a state and a creator set, a page holds the 50 newest
# matching tasks below its key; tasks made between two page loads do not
# move the next page, and 上一页 leads back to the first page's tasks; a
# bad key is a 400 with a Chinese message.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
op=$(sql "SELECT id FROM users WHERE name = 'operator'")
admin=$(sql "SELECT id FROM users WHERE name = 'admin'")

# tasks FROM TO: tasks FROM..TO, every third the admin's, states in turn.
tasks() {
	sql "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
	    INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
	    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
	    SELECT i, $op, strftime('%s', 'now'), 'confirmed', '{}', 'f.csv', '', 1, 'x',
	    'csv', 'utf-8', ',', '[]', 0, -1 FROM n;
	    WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
	    INSERT INTO tasks (id, import_id, user_id, name, params, login_name, created,
	    state, rows, batch_count) SELECT i, i, CASE i % 3 WHEN 0 THEN $admin ELSE $op END,
	    '任务 ' || i, '{}', 'l', strftime('%s', 'now'),
	    CASE i % 2 WHEN 0 THEN 'sent' ELSE 'queued' END, 10, 1 FROM n"
}
ids() { grep -oE '<tr id="task-[0-9]+"' "$R_BODY" | grep -oE '[0-9]+'; }
link() {
	grep -oE "<a class=\"btn btn-secondary\" href=\"[^\"]*\" rel=\"$1\"" "$R_BODY" |
	    sed -e 's/.*href="\([^"]*\)".*/\1/' -e 's/&amp;/\&/g'
}
expected() {
	sql "SELECT id FROM tasks WHERE state = 'sent' AND user_id = $op AND id < $1
	    ORDER BY id DESC LIMIT 50"
}

tasks 1 400
filter="status=sent&creator=$op"
req "$ajar" GET "/tasks?$filter"
expect_status 200 "the filtered task list answers 200"
first=$(ids)
expect_eq "$(expected 9223372036854775807)" "$first" "the first page: the 50 newest sent tasks of the operator"
last=$(printf '%s\n' "$first" | tail -n 1)
next=$(link next)
expect_match "^/tasks\\?before=$last&" "$next" "下一页 carries the last id shown"
expect_match "status=sent" "$next" "... and the state filter"
expect_match "creator=$op" "$next" "... and the creator filter"

tasks 401 460
req "$ajar" GET "$next"
expect_status 200 "the second page answers 200"
second=$(ids)
expect_eq "$(expected "$last")" "$second" \
    "the second page shows exactly the tasks after the first page's last, new tasks notwithstanding"
req "$ajar" GET "$(link prev)"
expect_eq "$first" "$(ids)" "上一页 shows the first page's tasks again"

req "$ajar" GET "/tasks?status=sent&q=任务%2039"
expect_eq "$(sql "SELECT id FROM tasks WHERE state = 'sent' AND instr(name, '任务 39') > 0
    ORDER BY id DESC LIMIT 50")" "$(ids)" "a name part with a state pages the tasks whose name holds it"

for bad in "before=x" "after=0" "before=2&after=3"; do
	req "$ajar" GET "/tasks?$bad"
	expect_status 400 "/tasks?$bad is refused with 400"
	expect_body_contains "翻页位置" "... saying what is wrong, in Chinese"
done
