# tests/integration/settings.sh: the settings form as a browser sends it,
# for the tests of the settings page (t9010-t9029), sourced after lib.sh.
#
# settings_form JAR: GET /settings and keep the fields of its form (every
# input and select, as the page filled them) in SF[] (name -> value), the
# names in page order in SF_ORDER.
# settings_post JAR [KEY=VALUE]...: post that form back with the given
# fields changed (KEY=- leaves the field out, as an unticked checkbox);
# the answer is in R_*.
# shellcheck shell=bash disable=SC2153  # T_DIR and the rest come from lib.sh

declare -A SF=()
SF_ORDER=()

# form_fields FILE: the named fields of the settings form in FILE, one
# "name<TAB>value" a line (values HTML-decoded; unticked checkboxes left
# out, as a browser leaves them out).
form_fields() {
	python3 - "$1" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.form = False; self.sel = None; self.out = []
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == 'form' and a.get('action') == '/settings': self.form = True
        if not self.form: return
        if tag == 'input' and 'name' in a:
            if a.get('type') == 'checkbox' and 'checked' not in a: return
            self.out.append((a['name'], a.get('value', '')))
        elif tag == 'select': self.sel = a.get('name'); self.first = None; self.chosen = None
        elif tag == 'option' and self.sel:
            if self.first is None: self.first = a.get('value', '')
            if 'selected' in a: self.chosen = a.get('value', '')
    def handle_endtag(self, tag):
        if tag == 'form': self.form = False
        if tag == 'select' and self.sel:
            self.out.append((self.sel, self.chosen if self.chosen is not None else self.first)); self.sel = None
p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
for k, v in p.out: print(k + '\t' + v)
PY
}

settings_form() {
	local name value
	SF=()
	SF_ORDER=()
	req "$1" GET /settings
	while IFS=$'\t' read -r name value; do
		SF[$name]=$value
		SF_ORDER+=("$name")
	done < <(form_fields "$R_BODY")
}

settings_post() {
	local jar=$1 kv k args=()
	local -A set=()
	shift
	settings_form "$jar"
	for kv in "$@"; do
		set[${kv%%=*}]=${kv#*=}
	done
	for k in "${SF_ORDER[@]}"; do
		[[ -v set[$k] ]] && continue
		args+=(--data-urlencode "$k=${SF[$k]}")
	done
	for k in "${!set[@]}"; do
		[[ ${set[$k]} == - ]] && continue
		args+=(--data-urlencode "$k=${set[$k]}")
	done
	req "$jar" POST /settings "${args[@]}"
}

# setting_value KEY: the value the last page shows for KEY.
setting_value() {
	grep -oE "<code class=\"setting-key\">$1</code></dt><dd>[^<]*</dd>" "$R_BODY" |
	    head -n 1 | sed -e 's|.*<dd>\(.*\)</dd>|\1|'
}

# setting_source KEY: where the last page says KEY's value comes from.
setting_source() {
	tr -d '\n' <"$R_BODY" | grep -oE "<div class=\"setting-row\" id=\"setting-$1\">.*" |
	    grep -oE '<dd class="setting-source">[^<]*</dd>' | head -n 1 |
	    sed -e 's|<[^>]*>||g'
}

# setting_error KEY: the error the last page shows beside KEY ("" if none).
setting_error() {
	tr -d '\n' <"$R_BODY" | grep -oE "<div class=\"setting-row\" id=\"setting-$1\">.*" |
	    sed -e 's|</div>.*||' | grep -oE '<dd class="field-error" id="e-[a-z_]*">.*</dd>' |
	    head -n 1 | sed -e 's|<[^>]*>||g' -e 's|&quot;|"|g' -e 's|&#39;|'"'"'|g' \
	    -e 's|&lt;|<|g' -e 's|&gt;|>|g' -e 's|&amp;|\&|g'
}
