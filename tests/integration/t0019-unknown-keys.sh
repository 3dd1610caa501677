#!/usr/bin/env bash
# t0019-unknown-keys.sh: fields and query parameters dialdesk does not know
# are ignored, not errors.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start
jar=$T_DIR/jar

req "$jar" GET '/login?utm_source=mail&x=1'
expect_status 200 "GET /login with unknown query parameters answers 200"
login admin "$ADMIN_PASS" "$jar" --data-urlencode 'colour=blue' --data-urlencode 'is_admin=1' || true
expect_status 303 "POST /login with unknown fields signs in"
req "$jar" GET '/?tab=none'
expect_status 200 "GET / with an unknown parameter answers 200"
