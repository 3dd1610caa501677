#!/usr/bin/env bash
# t7080-login-no-lockout.sh: nobody can lock another user out (ASVS 5.0
# V6.3). An attacker at 127.0.0.2 guesses admin's password again and again:
# the attacker is slowed down (429, growing Retry-After); admin, signing in
# from 127.0.0.1 where they signed in before, gets in with the right
# password at once. An address admin never used is slowed by the
# account-wide count, and so are other accounts guessed from the
# attacker's address.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_conf login_max_failures 3
t_conf login_max_failures_account 6
t_conf login_max_failures_addr 5
t_conf login_delay_seconds 30
t_start
attacker=(--interface 127.0.0.2)
elsewhere=(--interface 127.0.0.3)

login admin "$ADMIN_PASS" "$T_DIR/owner.jar"
expect_status 303 "admin signs in from 127.0.0.1 (their usual address)"
expect_eq 1 "$(sql "SELECT count(*) FROM login_known AS k JOIN users AS u ON u.id = k.user_id WHERE u.name = 'admin' AND k.addr = '127.0.0.1'")" \
    "the address is remembered as known for admin"

statuses=()
for i in $(seq 1 10); do
	login admin "guess-$i" "$T_DIR/attacker.jar" "${attacker[@]}" || true
	statuses+=("$R_STATUS")
done
expect_eq "401 401 401 429 429 429 429 429 429 429" "${statuses[*]}" \
    "the attacker's first 3 guesses are looked at, then every attempt waits (429)"
expect_header Retry-After '^(2[0-9]|30)$' "the attacker is told to wait the delay"
expect_eq "$(audit_count login.failed)" 3 "only looked-at guesses count as failures"

login admin "$ADMIN_PASS" "$T_DIR/attacker2.jar" "${attacker[@]}" || true
expect_status 429 "the right password from the attacker's address waits as well"

login admin "$ADMIN_PASS" "$T_DIR/owner2.jar"
expect_status 303 "admin from the known address signs in at once: no lock-out"

# The account-wide count: guesses from several addresses add up.
for a in 127.0.0.4 127.0.0.5 127.0.0.6; do
	login admin "guess-$a" "$T_DIR/spray.jar" --interface "$a" || true
done
login admin "$ADMIN_PASS" "$T_DIR/new.jar" "${elsewhere[@]}" || true
expect_status 429 "from an address admin never used, the account-wide count slows even the right password"
login admin "$ADMIN_PASS" "$T_DIR/owner3.jar"
expect_status 303 "... while the known address still signs in"

# The address-wide count: the attacker moves on to other accounts.
login operator "guess" "$T_DIR/attacker3.jar" "${attacker[@]}" || true
login auditor "guess" "$T_DIR/attacker3.jar" "${attacker[@]}" || true
login no-such-user "guess" "$T_DIR/attacker3.jar" "${attacker[@]}" || true
login operator "$OPERATOR_PASS" "$T_DIR/attacker4.jar" "${attacker[@]}" || true
expect_status 429 "after many failures from one address, other accounts wait there too"
login operator "$OPERATOR_PASS" "$T_DIR/operator.jar"
expect_status 303 "operator signs in from another address"
