-- 001_init: users, sessions, login throttling and the hash-chained audit log.
-- Times are unix seconds (INTEGER) except the audit timestamp, which is
-- UTC text because it is part of what the chain hashes.

CREATE TABLE users (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL UNIQUE,
	role		TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'auditor')),
	pwhash		TEXT NOT NULL,	-- crypto_pwhash_str (argon2id)
	vendor_login	TEXT NOT NULL DEFAULT '',	-- overrides login_name when set
	disabled	INTEGER NOT NULL DEFAULT 0,
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL
);

-- Only the SHA-256 of a session token is stored: a copy of the database
-- does not let anyone sign in.
CREATE TABLE sessions (
	id		INTEGER PRIMARY KEY,
	token_hash	BLOB NOT NULL UNIQUE,
	user_id		INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf		TEXT NOT NULL,
	created		INTEGER NOT NULL,
	last_seen	INTEGER NOT NULL,
	addr		TEXT NOT NULL,
	user_agent	TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins per key ('user:NAME' or 'addr:ADDRESS') in a fixed window.
CREATE TABLE login_failures (
	key		TEXT PRIMARY KEY,
	window_start	INTEGER NOT NULL,
	count		INTEGER NOT NULL
);

-- The audit log. hash = SHA-256(prev_hash || canonical form of the entry);
-- see src/audit.c. The triggers make it append-only for the program; the
-- chain makes any edit made around them visible to `dialdesk audit verify`.
CREATE TABLE audit (
	id		INTEGER PRIMARY KEY,
	ts		TEXT NOT NULL,	-- UTC, 2026-11-21T12:00:00.123Z
	actor_id	INTEGER,	-- users.id, NULL for vendor/system
	actor		TEXT NOT NULL,	-- user name, 'vendor' or 'system'
	addr		TEXT NOT NULL,
	user_agent	TEXT NOT NULL,
	action		TEXT NOT NULL,
	object		TEXT NOT NULL,
	details		TEXT NOT NULL,	-- JSON object
	prev_hash	TEXT NOT NULL,
	hash		TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_actor ON audit(actor, id);
CREATE INDEX audit_action ON audit(action, id);
CREATE INDEX audit_ts ON audit(ts);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit log is append-only');
END;
