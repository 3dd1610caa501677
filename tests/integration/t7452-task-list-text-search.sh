#!/usr/bin/env bash
# t7452-task-list-text-search.sh: the task list's name search (q=) finds
# every task whose name holds the part, whatever the engine and the filter
# shape: Chinese words of one and two characters, Latin letters in any case
# (ASCII folded), the characters LIKE or SQL would read (% _ ' \) and full-
# width punctuation as themselves; an empty or absent q= lists every task;
# a part no name holds lists none (and walks the index to its end).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
op=$(sql "SELECT id FROM users WHERE name = 'operator'")
admin=$(sql "SELECT id FROM users WHERE name = 'admin'")

# The names, by id; the creator and state alternate.
names=('春季回访' 'VIP客户 春季' 'vip续费提醒' 'Vip 北京' '促销 50%' '100_percent'
    "O'Brien 回访" '（北京）回访' 'back\slash' '秋季促销' '春')
n=${#names[@]}
for ((i = 1; i <= n; i++)); do
	name=${names[i - 1]//\'/\'\'}
	sql "INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
	    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
	    VALUES ($i, $op, 1, 'confirmed', '{}', 'f.csv', '', 1, 'x', 'csv', 'utf-8', ',',
	    '[]', 0, -1);
	    INSERT INTO tasks (id, import_id, user_id, name, params, login_name, created, state,
	    rows, batch_count) VALUES ($i, $i, CASE WHEN $i % 2 = 0 THEN $admin ELSE $op END,
	    '$name', '{}', 'l', strftime('%s', 'now'),
	    CASE WHEN $i % 3 = 0 THEN 'queued' ELSE 'sent' END, 10, 1)"
done
ids() { grep -oE '<tr id="task-[0-9]+"' "$R_BODY" | grep -oE '[0-9]+' | tr '\n' ' ' | sed -e 's/ $//'; }
# search QUERY-STRING EXPECTED WHAT: the ids listed, newest first.
search() {
	req "$ajar" GET "/tasks?$1"
	expect_status 200 "$3: answers 200"
	expect_eq "$2" "$(ids)" "$3"
}
search 'q=%E6%98%A5%E5%AD%A3' '2 1' 'a Chinese word (春季) finds the names holding it'
search 'q=%E6%98%A5' '11 2 1' 'one Chinese character (春) too'
search 'q=vip' '4 3 2' 'Latin letters in lower case find VIP, vip and Vip'
search 'q=VIP' '4 3 2' '... and in upper case'
search 'q=50%25' '5' 'a per cent sign is itself, no wildcard'
search 'q=_' '6' 'an underscore is itself, no wildcard'
search "q=O%27Brien" '7' 'a quote is itself'
search 'q=%5C' '9' 'a backslash is itself'
search 'q=%EF%BC%88%E5%8C%97%E4%BA%AC%EF%BC%89' '8' 'full-width brackets are themselves'
search 'q=%E5%8C%97%E4%BA%AC' '8 4' 'a word inside brackets and after a space (北京)'
search 'q=' "$(seq "$n" -1 1 | tr '\n' ' ' | sed -e 's/ $//')" 'an empty search lists every task'
search 'q=&status=&creator=&from=&to=' "$(seq "$n" -1 1 | tr '\n' ' ' | sed -e 's/ $//')" \
    'the form sent with every field empty lists every task'
search 'q=%E5%86%AC%E5%AD%A3' '' 'a part no name holds lists none'
expect_body_contains '没有符合条件的任务' '... and says so'
search "q=vip&status=sent" '4 2' 'with a state: the state index walked, the part tested'
search "q=vip&creator=$admin" '4 2' 'with a creator'
search "q=vip&creator=$op&status=queued" '3' 'with both'
search "q=%E5%9B%9E%E8%AE%BF&before=7" '1' 'with a key: the older page'
