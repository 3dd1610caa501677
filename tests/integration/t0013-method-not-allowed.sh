#!/usr/bin/env bash
# t0013-method-not-allowed.sh: a known path with a method it does not take
# answers 405 with an Allow header naming the methods it does take.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start

req - PUT /login --data 'x=1'
expect_status 405 "PUT /login answers 405"
expect_header Allow 'GET' "Allow names GET"
expect_header Allow 'POST' "Allow names POST"
req - DELETE /login
expect_status 405 "DELETE /login answers 405"
req - PATCH / --data 'x=1'
expect_status 405 "PATCH / answers 405"
expect_header Allow 'GET' "Allow names GET"
req - OPTIONS /audit
expect_status 405 "OPTIONS /audit answers 405"
req - GET /logout
expect_status 405 "GET /logout answers 405"
expect_header Allow 'POST' "Allow names POST"
expect_no_header Allow 'GET' "and not GET"
req - GET /login
expect_status 200 "GET /login still answers 200"
