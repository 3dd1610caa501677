-- 013_dnc: the do-not-call list and the history of sent numbers, both as
-- keyed hashes (HMAC-SHA-256 of the normalised number under dnc_key_file,
-- a key outside the database), so that neither table holds a number.
-- dnc.masked is what screens and exports show (135****0001).
CREATE TABLE dnc (
	id INTEGER PRIMARY KEY,
	hash BLOB NOT NULL UNIQUE,
	masked TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	expires TEXT,			-- YYYY-MM-DD, the last day it applies
	added_by INTEGER NOT NULL REFERENCES users (id),
	added_at INTEGER NOT NULL
);
-- Every number of a batch the vendor accepted, with the task's owner, for
-- the duplicate rule across tasks; older than retention_days is deleted.
CREATE TABLE sent_numbers (
	hash BLOB NOT NULL,
	user_id INTEGER NOT NULL,
	sent_at INTEGER NOT NULL,
	PRIMARY KEY (hash, sent_at, user_id)
) WITHOUT ROWID;
CREATE INDEX sent_numbers_time ON sent_numbers (sent_at);
-- The duplicate rule chosen on the task form, and what it and the list
-- found: dup_scope 'list' (this list only), 'mine' or 'all' (also numbers
-- sent in the last dup_days days by this user, by anyone); dup_keep 1
-- sends such repeats anyway (they are counted either way).
ALTER TABLE imports ADD COLUMN dup_scope TEXT NOT NULL DEFAULT 'list';
ALTER TABLE imports ADD COLUMN dup_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN dup_keep INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN dnc_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN recent_count INTEGER NOT NULL DEFAULT 0;
