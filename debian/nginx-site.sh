#!/bin/sh
# nginx-site.sh: the package's /etc/nginx/sites-available/dialdesk, made
# from nginx.conf.example (the file the demo and the tests run), so that
# the site is what was tested: the inside of its http block, production
# lines only (the "# local:" markers of the example dropped), less what
# Debian's own /etc/nginx/nginx.conf sets already (nginx refuses a
# directive given twice), and the package's paths.
# Usage: nginx-site.sh nginx.conf.example > dialdesk
set -eu
printf '%s\n' "# /etc/nginx/sites-available/dialdesk: dialdesk behind nginx (from the" \
    "# dialdesk package). Put in your host name and certificate paths, then" \
    "#   ln -s ../sites-available/dialdesk /etc/nginx/sites-enabled/" \
    "#   nginx -t && systemctl reload nginx" \
    "# Generated from dialdesk's nginx.conf.example."
sed -n -e '/^http {$/,/^}$/p' "$1" |
    sed -e '1d' -e '$d' \
	-e '/#+local /d' \
	-e '/^[[:space:]]*# local-drop-\(begin\|end\)[[:space:]]*$/d' \
	-e '/^[[:space:]]*#/!s/[[:space:]]*# local: .*$//' \
	-e '/^[[:space:]]*include \/etc\/nginx\/mime.types;/d' \
	-e '/^[[:space:]]*default_type /d' \
	-e '/^[[:space:]]*sendfile /d' \
	-e '/^[[:space:]]*tcp_nopush /d' \
	-e 's|/usr/local/share/dialdesk/|/usr/share/dialdesk/|g' \
	-e 's/^    //'
