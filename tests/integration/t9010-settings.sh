#!/usr/bin/env bash
# t9010-settings.sh: an administrator changes the vendor settings on 设置
# through the page's own form. Every editable key is saved (the file's
# value is the default until then, and the page says where each value
# comes from); a bad value of each type is refused with config.c's rule
# (422, the form back as sent, nothing stored); a secret is replaced only
# when typed and cleared only when asked; each change is in the history
# and in one audit entry settings.changed whose details hold no secret;
# no secret value is in any page, log or audit detail. Operators may
# neither read nor post the page; auditors read it without forms and may
# not post; only administrators see the request preview.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=settings.sh
source "$(dirname "$0")/settings.sh"

FILE_KEY=file-sign-key-Q7w3
NEW_KEY=page-sign-key-Z9x4
NEW_KEY2=page-sign-key-second-K2v8
PHONE_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f0
t_conf vendor_url https://file-vendor.example
t_conf org_code file-org
t_conf login_name file-sender
t_conf sign_key "$FILE_KEY"
t_conf callback_token secret-callback-token-4410
t_start
ajar=$T_DIR/ajar
login admin "$ADMIN_PASS" "$ajar" || not_ok "admin signs in" "$(r_summary)"
PAGES=$T_DIR/pages
mkdir -p "$PAGES"
keep() { cp "$R_BODY" "$PAGES/$1.html"; }

# --- the file's values, before any change -------------------------------------

req "$ajar" GET /settings
keep before
expect_status 200 "an administrator's 设置 answers 200"
expect_eq https://file-vendor.example "$(setting_value vendor_url)" "vendor_url shows the file's value"
expect_eq 来自配置文件 "$(setting_source vendor_url)" "... and says it comes from the file"
expect_eq "已设置（不显示）" "$(setting_value sign_key)" "sign_key shows only that it is set"
settings_form "$ajar"
for k in vendor_url org_code login_name sign_recipe sign_key phone_encryption phone_key batch_size vendor_timeout callback_allow; do
	[[ -v SF[$k] ]] || not_ok "the form has a field $k"
done
ok "the form has a field for each of the ten editable keys"
expect_eq "" "${SF[sign_key]}" "the sign_key field is empty (a secret is never sent to the browser)"
expect_eq "10000" "${SF[batch_size]}" "the batch_size field holds the value in force"
expect_eq "" "$(grep -o 'name="public_url"' "$R_BODY")" "public_url (file only) has no field"

# --- every editable key saved through the form ----------------------------------

hist0=$(sql 'SELECT count(*) FROM settings_history')
settings_post "$ajar" vendor_url=https://vendor-two.example/ org_code=org-two \
    login_name=sender-two 'sign_recipe={orgCode}{loginName}{name}{key}' \
    "sign_key=$NEW_KEY" phone_encryption=aes-128-ecb "phone_key=$PHONE_KEY" \
    batch_size=2500 vendor_timeout=45 'callback_allow=127.0.0.1, ::1'
expect_status 303 "saving all ten keys answers 303"
expect_location '/settings\?saved=10' "... back to 设置, 10 keys saved"
expect_eq "10" "$(sql 'SELECT count(*) FROM settings')" "10 overrides are stored"
expect_eq "https://vendor-two.example|org-two|sender-two|{orgCode}{loginName}{name}{key}|aes-128-ecb|2500|45|127.0.0.1 ::1" \
    "$(sql "SELECT group_concat(value, '|') FROM (SELECT value FROM settings WHERE key IN ('vendor_url','org_code','login_name','sign_recipe','phone_encryption','batch_size','vendor_timeout','callback_allow') ORDER BY CASE key WHEN 'vendor_url' THEN 1 WHEN 'org_code' THEN 2 WHEN 'login_name' THEN 3 WHEN 'sign_recipe' THEN 4 WHEN 'phone_encryption' THEN 5 WHEN 'batch_size' THEN 6 WHEN 'vendor_timeout' THEN 7 ELSE 8 END) AS s")" \
    "... with the values as the file's rules normalise them (no trailing /, one space between addresses)"
expect_eq "$NEW_KEY|$PHONE_KEY" "$(sql "SELECT (SELECT value FROM settings WHERE key = 'sign_key') || '|' || (SELECT value FROM settings WHERE key = 'phone_key')")" \
    "the secrets are stored as typed"
req "$ajar" GET '/settings?saved=10'
keep saved
expect_body_contains '已保存 10 项修改' "the page says 10 changes were saved"
expect_eq https://vendor-two.example "$(setting_value vendor_url)" "the page shows the new vendor_url at once"
expect_eq 2500 "$(setting_value batch_size)" "... the new batch_size"
expect_eq AES-128-ECB "$(setting_value phone_encryption)" "... the new 号码加密"
expect_eq "127.0.0.1 ::1" "$(setting_value callback_allow)" "... the new allow-list"
expect_match '^本页修改：admin，[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$' "$(setting_source vendor_url)" "... and says it was changed on the page, by admin, when"
expect_match '^本页修改：admin' "$(setting_source sign_key)" "a secret shows its last change too"
expect_eq 10 $(($(sql 'SELECT count(*) FROM settings_history') - hist0)) "10 history rows"
expect_eq "set|replaced" "$(sql "SELECT group_concat(change, '|') FROM (SELECT change FROM settings_history WHERE key IN ('phone_key','sign_key') ORDER BY key) AS s")" \
    "the history says phone_key was set and sign_key replaced"
expect_eq "0" "$(sql "SELECT count(*) FROM settings_history WHERE key IN ('sign_key','phone_key') AND (old_value IS NOT NULL OR new_value IS NOT NULL)")" \
    "... and holds no secret value"
expect_eq "https://file-vendor.example -> https://vendor-two.example" \
    "$(sql "SELECT old_value || ' -> ' || new_value FROM settings_history WHERE key = 'vendor_url'")" "vendor_url's row holds old -> new"
expect_eq 1 "$(audit_count settings.changed)" "one audit entry settings.changed for the form"
d=$(sql "SELECT details FROM audit WHERE action = 'settings.changed'")
expect_eq '{"old":"https://file-vendor.example","new":"https://vendor-two.example"}' "$(jq -c .vendor_url <<<"$d")" "its details hold vendor_url {old, new}"
expect_eq '{"old":"10000","new":"2500"}' "$(jq -c .batch_size <<<"$d")" "... batch_size {old, new}"
expect_eq '"replaced"|"set"' "$(jq -c .sign_key <<<"$d")|$(jq -c .phone_key <<<"$d")" "... and for the secrets only replaced / set"
expect_eq 10 "$(jq 'del(.request_id) | keys | length' <<<"$d")" "... ten keys in all (and nginx's request id)"

# --- a bad value of each type, refused with the file's rule ---------------------------

snap() { sql "SELECT group_concat(key || '=' || value || '@' || changed_at, ';') FROM settings"; }
before=$(snap)
histb=$(sql 'SELECT count(*) FROM settings_history')
auditb=$(sql 'SELECT count(*) FROM audit')
# refuse KEY VALUE ZH-REGEX EN-TEXT DESC
refuse() {
	settings_post "$ajar" "$1=$2"
	expect_status 422 "$5: refused with 422"
	expect_match "$3" "$(setting_error "$1")" "... the reason beside $1 in Chinese"
	if [[ -n $4 ]]; then
		expect_contains_text "$4" "$(setting_error "$1")" "... with the file's message"
	fi
	expect_eq "$before" "$(snap)" "... nothing stored"
}
expect_contains_text() { if [[ $2 == *"$1"* ]]; then ok "$3"; else not_ok "$3" "want '$1' in:" "$2"; fi; }
refuse vendor_url ftp://vendor.example '^须为以 http:// 或 https:// 开头' 'vendor_url: must be an http:// or https:// URL, or empty' "an ftp vendor_url"
refuse vendor_url 'https://vendor.example/?a=1' '不含 \? 或 #' 'must not have a query (?) or fragment (#)' "a vendor_url with a query"
refuse batch_size 50001 '^须为 1 到 50000 的整数' 'batch_size: must be an integer from 1 to 50000' "batch_size over 50,000"
refuse batch_size ten '^须为 1 到 50000 的整数' '' "a batch_size that is not a number"
refuse vendor_timeout 0 '^须为 1 到 600 的整数' 'vendor_timeout: must be an integer from 1 to 600' "vendor_timeout 0"
refuse phone_encryption rot13 '^须为以下之一：none、aes-128-ecb' 'phone_encryption: must be one of: none, aes-128-ecb' "an unknown phone_encryption"
refuse phone_key 0123 '^须为 32 位十六进制数字' '' "a phone_key of 4 digits"
refuse sign_recipe '{orgCode}{secret}' '^不能为空；只能含有占位符' 'unknown placeholder "{secret}"' "a sign_recipe with an unknown placeholder"
refuse sign_recipe '' '^不能为空' 'sign_recipe: must not be empty' "an empty sign_recipe"
refuse callback_allow '10.0.0.1 999.1.1.1' '^须为 IPv4 或 IPv6 地址' '"999.1.1.1" is not an IPv4 or IPv6 address' "an allow-list with a bad address"
settings_post "$ajar" phone_key_clear=1
expect_status 422 "clearing phone_key while phones are encrypted (a rule across keys): refused with 422"
expect_match '^号码加密为 AES-128-ECB 时必须设置号码加密密钥' "$(setting_error phone_key)" "... the reason beside phone_key"
expect_eq "$before" "$(snap)" "... nothing stored"
expect_eq "$histb|$auditb" "$(sql 'SELECT count(*) FROM settings_history')|$(sql 'SELECT count(*) FROM audit')" \
    "no refused form added a history row or an audit entry"

# A refused form comes back as it was sent, the secret typed never.
settings_post "$ajar" batch_size=70000 org_code=org-three "sign_key=$NEW_KEY2"
keep refused
expect_status 422 "a form with one bad field is refused as a whole"
expect_body_contains 'value="70000"' "... the bad value is back in its field"
expect_body_contains 'value="org-three"' "... and the good ones too"
expect_body_lacks "$NEW_KEY2" "... but not the secret typed"
expect_body_contains '有 1 项设置不正确，未保存任何修改' "... the page says nothing was saved"
expect_eq org-two "$(sql "SELECT value FROM settings WHERE key = 'org_code'")" "... and org_code is not stored"
expect_eq "$NEW_KEY" "$(sql "SELECT value FROM settings WHERE key = 'sign_key'")" "... nor the secret"

# --- secrets: replaced only when typed, cleared only when asked ---------------------------

settings_post "$ajar" org_code=org-three
expect_status 303 "a form with the secret fields left empty is saved"
expect_eq "org-three|$NEW_KEY|$PHONE_KEY" "$(sql "SELECT (SELECT value FROM settings WHERE key = 'org_code') || '|' || (SELECT value FROM settings WHERE key = 'sign_key') || '|' || (SELECT value FROM settings WHERE key = 'phone_key')")" \
    "... org_code changed, both secrets kept"
expect_eq 0 "$(sql "SELECT count(*) FROM settings_history WHERE key IN ('sign_key','phone_key') AND id > $histb")" "... and no history row for the secrets"
settings_post "$ajar" "sign_key=$NEW_KEY2"
expect_status 303 "a typed sign_key is saved"
expect_eq "$NEW_KEY2" "$(sql "SELECT value FROM settings WHERE key = 'sign_key'")" "... and replaces the old one"
expect_eq replaced "$(sql "SELECT change FROM settings_history WHERE key = 'sign_key' ORDER BY id DESC LIMIT 1")" "... the history says replaced"
settings_post "$ajar" "sign_key=$NEW_KEY2"
expect_status 200 "typing the same sign_key again changes nothing (200)"
expect_body_contains '没有任何变化，未保存' "... and says so"
settings_post "$ajar" phone_encryption=none phone_key_clear=1
expect_status 303 "phones unencrypted and phone_key cleared"
expect_eq "|none" "$(sql "SELECT (SELECT value FROM settings WHERE key = 'phone_key') || '|' || (SELECT value FROM settings WHERE key = 'phone_encryption')")" "... phone_key is now empty"
expect_eq cleared "$(sql "SELECT change FROM settings_history WHERE key = 'phone_key' ORDER BY id DESC LIMIT 1")" "... the history says cleared"
expect_eq '"cleared"' "$(sql "SELECT details FROM audit WHERE action = 'settings.changed' ORDER BY id DESC LIMIT 1" | jq -c .phone_key)" "... and so does the audit entry"
req "$ajar" GET /settings
keep after
expect_eq 未设置 "$(setting_value phone_key)" "the page shows phone_key 未设置"

# --- the history on the page -------------------------------------------------

expect_body_contains '修改记录（最近 50 次）' "the page lists the history"
hist_rows=$(tr -d '\n' <"$R_BODY" | grep -o '<tr><td class="nowrap">' | wc -l)
expect_eq "$(sql 'SELECT count(*) FROM settings_history')" "$hist_rows" "... one table row per change"
expect_body_contains '<span class="setting-old">https://file-vendor.example</span> → <span class="setting-new">https://vendor-two.example</span>' "... a plain key as old → new"
expect_match '号码加密密钥 <code class="setting-key">phone_key</code></td><td>已清除' "$(tr -d '\n' <"$R_BODY")" "... a secret as 已清除 / 已更换 / 已设置"

# --- the preview, for administrators -------------------------------------------

req "$ajar" GET /settings/preview
keep preview
expect_status 200 "the request preview answers 200 for an administrator"
expect_body_contains '队列中没有待发送的批次' "... with no batch queued it shows a sample batch"
expect_match '<code class="preview-sign">[0-9a-f]{64}</code>' "$(cat "$R_BODY")" "... and its sign"
expect_body_contains '138****0001' "... the phones masked"
expect_body_lacks '13800000001' "... never in full"

# --- who may ------------------------------------------------------------------

ojar=$T_DIR/ojar
login operator "$OPERATOR_PASS" "$ojar" || not_ok "operator signs in" "$(r_summary)"
req "$ojar" GET /settings
expect_status 403 "an operator's GET /settings answers 403"
csrf=$(csrf_of "$ojar" /account)
req "$ojar" POST /settings --data-urlencode "csrf=$csrf" --data-urlencode "org_code=evil"
expect_status 403 "an operator's POST /settings answers 403"
req "$ojar" GET /settings/preview
expect_status 403 "an operator's GET /settings/preview answers 403"
vjar=$T_DIR/vjar
login auditor "$AUDITOR_PASS" "$vjar" || not_ok "auditor signs in" "$(r_summary)"
req "$vjar" GET /settings
keep auditor
expect_status 200 "an auditor's GET /settings answers 200"
expect_eq org-three "$(setting_value org_code)" "... showing the settings in force"
expect_body_lacks '<form method="post" action="/settings"' "... without the settings form"
expect_body_lacks 'name="org_code"' "... without any settings field"
expect_body_lacks 'type="password"' "... nor a secret's field"
expect_body_lacks 'secret-callback-token-4410' "... and without the callback token"
csrf=$(csrf_of "$vjar" /account)
req "$vjar" POST /settings --data-urlencode "csrf=$csrf" --data-urlencode "org_code=evil"
expect_status 403 "an auditor's POST /settings answers 403"
req "$vjar" GET /settings/preview
expect_status 403 "an auditor's GET /settings/preview answers 403"
expect_eq org-three "$(sql "SELECT value FROM settings WHERE key = 'org_code'")" "neither refused post changed anything"
req "$ajar" PUT /settings
expect_status 405 "PUT /settings answers 405"
expect_header Allow '^GET, HEAD, POST$' "... Allow names the methods of both rows"

# --- no secret anywhere it must not be -----------------------------------------

hits=$(grep -rlF -e "$FILE_KEY" -e "$NEW_KEY" -e "$NEW_KEY2" -e "$PHONE_KEY" \
    "$PAGES" "$T_LOG" "$T_DIR"/nginx-*.log 2>/dev/null || true)
expect_eq "" "$hits" "no page, dialdesk log or nginx log holds a secret value"
expect_eq 0 "$(sql "SELECT count(*) FROM audit WHERE instr(details, '$FILE_KEY') > 0 OR instr(details, '$NEW_KEY') > 0 OR instr(details, '$NEW_KEY2') > 0 OR instr(details, '$PHONE_KEY') > 0")" \
    "no audit detail holds a secret value"
expect_ge 6 "$(find "$PAGES" -name '*.html' | wc -l)" "(the pages searched: $(find "$PAGES" -name '*.html' | wc -l))"
