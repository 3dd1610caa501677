#!/usr/bin/env bash
# t0012-not-found.sh: paths dialdesk does not know answer 404, with the
# security headers like every page.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start

for path in /nope /login/extra /no/such/page '/%E4%BD%A0%E5%A5%BD' '/audit.php' '/.env'; do
	req - GET "$path"
	expect_status 404 "GET $path answers 404"
done
expect_header X-Content-Type-Options '^nosniff$' "the 404 page carries X-Content-Type-Options: nosniff"
req - GET /static/no-such-file.css
expect_status 404 "a missing static file answers 404"
