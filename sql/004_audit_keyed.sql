-- 004_audit_keyed: from here on the audit chain is keyed and anchored
-- outside the database (src/audit.c): each new entry's hash is an
-- HMAC-SHA-256 under the key in audit_key_file, and signed checkpoints of
-- the chain's head go to audit_checkpoint_file. `dialdesk migrate` creates
-- the key and, after this migration, appends the marker entry (action
-- audit.keyed): the entries before it keep their plain SHA-256 hashes and
-- are checked under that rule. The version number itself matters: an older
-- dialdesk, which would append unkeyed entries after the marker, refuses a
-- database that is newer than it.

-- An entry is appended only at the end of the chain: the next id, pointing
-- back to the newest hash. Like the two triggers of 001 this stops a
-- mistaken program, not someone who has the file: the key and the
-- checkpoints are what find them out. (IF NOT EXISTS: a database whose
-- recorded version was set back by hand, as t0031 does, keeps it.)
CREATE TRIGGER IF NOT EXISTS audit_append_at_end BEFORE INSERT ON audit
WHEN NEW.id IS NOT (SELECT coalesce(max(id), 0) + 1 FROM audit)
    OR NEW.prev_hash IS NOT coalesce(
	(SELECT hash FROM audit ORDER BY id DESC LIMIT 1),
	'0000000000000000000000000000000000000000000000000000000000000000')
BEGIN
	SELECT RAISE(ABORT, 'audit entries are appended at the end of the chain');
END;
