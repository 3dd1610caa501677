#!/bin/sh
# t-autoescape.sh: every page template is autoescaped, and every :none says why it is safe.
#
# A template without {{%AUTOESCAPE context="HTML"}} on line 1 expands its
# variables raw (tmpl_init refuses it too, but only at start-up); :none turns
# escaping off for one variable, so it must carry a {{! safe: ...}} comment
# on the same or the previous line. Exit 0 when all is well, 1 naming each
# offending file (and line) otherwise.

top_srcdir=${top_srcdir:-.}
dir="$top_srcdir/templates"
pragma='{{%AUTOESCAPE context="HTML"}}'
status=0

set -- "$dir"/*.tpl
if [ ! -f "$1" ]; then
	echo "t-autoescape: no *.tpl file in $dir" >&2
	exit 1
fi

for f in "$@"; do
	first=$(sed -n '1p' "$f")
	if [ "$first" != "$pragma" ]; then
		echo "$f:1: first line is not $pragma" >&2
		status=1
	fi
	# A :none modifier (alone or in a chain, e.g. {{X:none}} or
	# {{X:none:j}}) is fine only with "{{! safe:" on its line or the one
	# before it.
	if ! awk -v f="$f" '
		/:none[:}]/ && $0 !~ /\{\{! *safe:/ && prev !~ /\{\{! *safe:/ {
			printf "%s:%d: :none without a {{! safe: ...}} comment\n", f, NR > "/dev/stderr"
			bad = 1
		}
		{ prev = $0 }
		END { exit bad }
	' "$f"; then
		status=1
	fi
done
exit $status
