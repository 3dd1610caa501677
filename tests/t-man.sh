#!/bin/sh
# t-man.sh: the manual pages say everything: every key of src/config.c's
# table has its entry in dialdesk.conf(5) (made from docs/CONFIG.md), every
# command of `dialdesk --help` its entry in dialdesk(8), and groff formats
# both without a warning. Run from the build folder (make check).
top_srcdir=${top_srcdir:-.}
conf5=docs/man/dialdesk.conf.5
man8=$top_srcdir/docs/man/dialdesk.8
status=0

[ -f "$conf5" ] || conf5=$top_srcdir/docs/man/dialdesk.conf.5
[ -f "$conf5" ] || { echo "t-man: docs/man/dialdesk.conf.5 not built" >&2; exit 1; }
keys=$(sed -n -e 's/^[[:space:]]*K_[A-Z]*(\([a-z_]*\),.*/\1/p' \
    -e 's/^[[:space:]]*{ "\([a-z_]*\)", KT_.*/\1/p' "$top_srcdir/src/config.c")
[ -n "$keys" ] || { echo "t-man: no key found in src/config.c" >&2; exit 1; }
for k in $keys; do
	if ! grep -q "^\\\\fB$k\\\\fR (" "$conf5"; then
		echo "t-man: dialdesk.conf(5) has no entry for the key $k (add it to docs/CONFIG.md)" >&2
		status=1
	fi
done

# The commands of usage() in src/main.c: '"  serve ...', '"  user add ...'.
cmds=$(sed -n -e 's/^[[:space:]]*"  \([a-z][a-z-]*\)\( [a-z][a-z-]*\)\{0,1\}.*/\1\2/p' \
    "$top_srcdir/src/main.c" | sed -e 's/ \(FILE\|NAME\)$//' | sort -u)
[ -n "$cmds" ] || { echo "t-man: no command found in src/main.c" >&2; exit 1; }
echo "$cmds" | while read -r c; do
	case $c in user\ *|audit\ *) ;; *) c=${c%% *} ;; esac
	if ! grep -q -E "^\\.B[IR]? \"?$c( |\"|\$)" "$man8"; then
		echo "t-man: dialdesk(8) has no entry for the command '$c'" >&2
		exit 1
	fi
done || status=1

if command -v groff >/dev/null; then
	for m in "$conf5" "$man8"; do
		out=$(groff -k -man -Tutf8 -ww -z "$m" 2>&1)
		if [ -n "$out" ]; then
			echo "t-man: groff warns about $m:" >&2
			echo "$out" >&2
			status=1
		fi
	done
fi
exit "$status"
