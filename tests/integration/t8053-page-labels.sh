#!/usr/bin/env bash
# t8053-page-labels.sh: what the pages show is written for people. 设置
# shows 号码加密 as 不加密 / AES-128-ECB, never the configuration's raw
# "none"; the audit log's 详情 column shows each detail as label：value with
# Chinese labels (an upload's file name, its rows, a push's figures), not
# JSON, and still escapes what it shows; an error page (403, 404) marks no
# entry of the navigation as the current one, while a page of an entry
# marks that entry.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=vendor.sh
source "$(dirname "$0")/vendor.sh"
t_start
# The push waits a second, so that the batch holds its vendor task id
# by then and the push.received entry names it (no race with the worker).
vendor_start --push-delay-ms 1000
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"

# setting KEY: the shown value of a setting on the last answer.
setting() {
	grep -oE "<code class=\"setting-key\">$1</code></dt><dd>[^<]*</dd>" "$R_BODY" |
	    sed -e 's|.*<dd>\(.*\)</dd>|\1|'
}

req "$ajar" GET /settings
expect_status 200 "设置 answers 200"
expect_eq "不加密" "$(setting phone_encryption)" "号码加密 without encryption reads 不加密"
expect_body_lacks "<dd>none</dd>" "... and no raw none is shown"
# The same installation with phones encrypted: serve again with that config.
t_conf phone_encryption aes-128-ecb
t_conf phone_key 000102030405060708090a0b0c0d0e0f
t_stop_serve || not_ok "dialdesk serve stops"
t_write_config "$T_CONF" "$T_DB"
t_start_serve
dd_wait_http "$BASE/login" 200 20 "$T_SERVE_PID" "$T_NGINX_PID" || not_ok "dialdesk serves again" "$(tail -n 5 "$T_LOG")"
req "$ajar" GET /settings
expect_eq "AES-128-ECB" "$(setting phone_encryption)" "号码加密 with AES reads AES-128-ECB"
expect_eq "已设置（不显示）" "$(setting phone_key)" "... and its key is not shown"

# --- the audit log's details -------------------------------------------------

jar=$T_DIR/jar
login operator "$OPERATOR_PASS" "$jar" || not_ok "operator signs in" "$(r_summary)"
odd="$T_DIR/a<b>&c.csv"
cp "$V_FIXTURES/two-rows.csv" "$odd"
new_task "$jar" "$odd" "name=详情标签" || true
worker_once || true
wait_pushes 1 || not_ok "the sandbox's push arrives" "$(tail -n 3 "$V_LOG")"

req "$ajar" GET "/audit?action=list.uploaded"
expect_status 200 "the audit log of uploads answers 200"
expect_body_lacks '{&#34;' "... shows no JSON text in 详情"
expect_body_lacks '{"' "... not even unescaped"
expect_match '<p><span>文件</span>：a&lt;b&gt;&amp;c\.csv</p>' \
    "$(cat "$R_BODY")" "... the file name under a Chinese label, escaped"
expect_match '<p><span>号码数</span>：2</p>' \
    "$(cat "$R_BODY")" "... its rows as 号码数：2"
req "$ajar" GET "/audit?action=push.received"
expect_match '<p><span>导入结果</span>：导入总数 2，' \
    "$(cat "$R_BODY")" "a push's figures read 导入结果：导入总数 2，..."
expect_match '<p><span>批次</span>：[0-9]+</p>' "$(cat "$R_BODY")" "... and its batch as 批次"

# --- the navigation on error pages --------------------------------------------

cur() { grep -oE '<a href="[^"]*" class="current" aria-current="page">[^<]*</a>' "$R_BODY" | sed -e 's/<[^>]*>//g'; }
req "$jar" GET /tasks
expect_eq 任务列表 "$(cur)" "an operator's 任务列表 marks 任务列表 as current"
req "$jar" GET /settings
expect_status 403 "an operator's /settings answers 403"
expect_eq "" "$(cur)" "... and marks no entry as current"
vjar=$T_DIR/vjar
login auditor "$AUDITOR_PASS" "$vjar" || not_ok "auditor signs in" "$(r_summary)"
req "$vjar" GET /tasks/new
expect_status 403 "an auditor's /tasks/new answers 403"
expect_eq "" "$(cur)" "... and does not mark 任务列表 as current"
req "$vjar" GET /tasks/999999
expect_status 404 "a task that does not exist answers 404"
expect_eq "" "$(cur)" "... and its page marks no entry either"
req "$vjar" GET /audit
expect_eq 审计日志 "$(cur)" "the auditor's 审计日志 marks 审计日志"
