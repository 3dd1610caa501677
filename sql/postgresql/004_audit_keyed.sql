-- 004_audit_keyed (PostgreSQL): entries are appended only at the end of the
-- chain, the twin of sql/004_audit_keyed.sql (which says why the version
-- number matters). With several writers this check alone would let two
-- transactions that read the same head both pass; the primary key and the
-- unique hash then refuse the second, and the program avoids even that by
-- taking the chain's head lock first (docs/SCALING.md). OR REPLACE: a
-- database whose recorded version was set back by hand keeps working.
CREATE OR REPLACE FUNCTION audit_at_end() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.id IS DISTINCT FROM (SELECT coalesce(max(id), 0) + 1 FROM audit)
	    OR NEW.prev_hash IS DISTINCT FROM coalesce(
		(SELECT hash FROM audit ORDER BY id DESC LIMIT 1),
		'0000000000000000000000000000000000000000000000000000000000000000')
	THEN
		RAISE EXCEPTION 'audit entries are appended at the end of the chain';
	END IF;
	RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER audit_append_at_end BEFORE INSERT ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_at_end();
