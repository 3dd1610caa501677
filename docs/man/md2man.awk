# md2man.awk: docs/CONFIG.md as the manual page dialdesk.conf(5), so that
# the keys are written down once. It knows the Markdown CONFIG.md uses:
# "#"/"##" headings, paragraphs, numbered and "-" lists (continued by
# indented lines), ``` fences, and the key tables (| key | type | default
# | allowed | used by | meaning |); inline `code`, **bold** and [text](url).
# Usage: awk -v date=YYYY-MM-DD -v version=V -f md2man.awk CONFIG.md
function esc(s) {
	gsub(/\\/, "\\e", s)
	return s
}
function inline(s,    out, i, c, code) {
	s = esc(s)
	gsub(/\[[^]]*\]\([^)]*\)/, "&", s)
	while (match(s, /\[[^]]*\]\([^)]*\)/)) {
		t = substr(s, RSTART + 1, RLENGTH - 1)
		sub(/\]\(.*/, "", t)
		s = substr(s, 1, RSTART - 1) t substr(s, RSTART + RLENGTH)
	}
	while (match(s, /\*\*[^*]+\*\*/))
		s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 2, RLENGTH - 4) "\\fR" substr(s, RSTART + RLENGTH)
	while (match(s, /`[^`]*`/))
		s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 1, RLENGTH - 2) "\\fR" substr(s, RSTART + RLENGTH)
	return s
}
# A text line for roff: never starting with "." or "'".
function line(s) {
	if (s ~ /^[.']/)
		s = "\\&" s
	print s
}
function cell(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}
BEGIN {
	print ".\\\" Generated from docs/CONFIG.md by docs/man/md2man.awk: do not edit."
	printf ".TH DIALDESK.CONF 5 \"%s\" \"dialdesk %s\" \"File Formats Manual\"\n", date, version
	print ".SH NAME"
	print "dialdesk.conf \\- configuration file of dialdesk"
	print ".SH DESCRIPTION"
	fence = 0; para = 0
}
/^ *```/ {
	if (!fence) { print ".PP"; print ".RS"; print ".nf"; fence = 1 }
	else { print ".fi"; print ".RE"; fence = 0; para = 1 }
	pending = 0
	next
}
fence { s = $0; sub(/^  /, "", s); line(esc(s)); next }
/^# / { next }
/^## / {
	t = substr($0, 4)
	print ".SH \"" toupper(esc(t)) "\""
	para = 0; pending = 0
	next
}
/^\| *---/ { next }
/^\| *key *\|/ { next }
/^\|/ {
	n = split($0, c, "|")
	# c[1] and c[n] are the empty ends of the row.
	pending = 0
	print ".TP"
	line(inline(cell(c[2])) " (" inline(cell(c[3])) "; default " inline(cell(c[4])) ")")
	line(inline(cell(c[7])))
	print ".br"
	line("Allowed: " inline(cell(c[5])) ". Used by: " inline(cell(c[6])) ".")
	para = 1
	next
}
/^[0-9]+\. / {
	num = $0
	sub(/\. .*/, ".", num)
	sub(/^[0-9]+\. /, "")
	print ".IP " num " 4"
	pending = 0
	line(inline($0))
	para = 1
	next
}
/^- / {
	pending = 0
	print ".IP \\(bu 2"
	line(inline(substr($0, 3)))
	para = 1
	next
}
/^[ \t]*$/ { pending = 1; next }
/^  / {
	# A list item continued: a blank line before it is a new paragraph
	# inside the item.
	s = $0
	sub(/^ +/, "", s)
	if (pending) { print ".IP \"\" 2"; pending = 0 }
	line(inline(s))
	next
}
{
	if (pending || !para) { print ".PP"; pending = 0 }
	line(inline($0))
	para = 1
}
END {
	print ".SH FILES"
	print ".TP"
	print ".I /etc/dialdesk/dialdesk.conf"
	print "The configuration of the Debian package: generated on first install with a random"
	print "\\fBcallback_token\\fR, mode 0640, owner root, group dialdesk."
	print ".TP"
	print ".I /usr/share/dialdesk/dialdesk.conf.example"
	print "Every key, commented, set for a production install."
	print ".SH SEE ALSO"
	print ".BR dialdesk (8)"
}
