#!/usr/bin/env bash
# t0003-login-next.sh: after signing in, the user lands on the page that
# sent them to /login (the next field), but never on another site.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start

req - GET /audit
expect_status 303 "GET /audit signed out answers 303"
expect_location '/login\?next=%2Faudit' "it sends to /login?next=%2Faudit"

jar=$T_DIR/next.jar
req "$jar" GET '/login?next=%2Faudit'
expect_body_contains 'name="next"' "the login form carries the next field"
expect_body_contains 'value="/audit"' "with the page asked for"
login admin "$ADMIN_PASS" "$jar" --data-urlencode 'next=/audit' || true
expect_status 303 "signing in with next=/audit answers 303"
expect_location '/audit' "it sends the user to /audit"

for next in 'https://evil.example/' '//evil.example/' '/\evil.example/' 'javascript:alert(1)'; do
	jar=$T_DIR/evil.jar
	rm -f "$jar"
	login admin "$ADMIN_PASS" "$jar" --data-urlencode "next=$next" || true
	expect_status 303 "signing in with next=$next still works"
	loc=$(header Location | head -n 1)
	loc=${loc#"$BASE"}
	if [[ $loc == /* && $loc != //* && $loc != /\\* ]]; then
		ok "next=$next does not lead off the site (Location '$loc')"
	else
		not_ok "next=$next does not lead off the site" "Location '$loc'"
	fi
done
