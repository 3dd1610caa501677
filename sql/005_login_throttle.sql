-- 005_login_throttle: sign-in throttling that slows an attacker without
-- locking the owner out (ASVS 5.0 V6.3). Keys are now 'pair:NAME|ADDRESS'
-- (one account from one address), 'user:NAME' and 'addr:ADDRESS'; once a
-- key reaches its limit each further failure doubles a delay, kept in
-- blocked_until, during which that key's attempts are refused unread.
ALTER TABLE login_failures ADD COLUMN blocked_until INTEGER NOT NULL DEFAULT 0;

-- Addresses an account has signed in from: the account-wide and
-- address-wide delays do not apply to them, so that failures caused by
-- someone else never keep the owner out.
CREATE TABLE login_known (
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	addr		TEXT NOT NULL,
	last_ok		INTEGER NOT NULL,
	PRIMARY KEY (user_id, addr)
);
