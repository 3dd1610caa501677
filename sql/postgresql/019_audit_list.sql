-- 019_audit_list (PostgreSQL): the twin of sql/019_audit_list.sql, which
-- says why. The columns the list shows after the key are INCLUDEd, so that
-- the page is an index-only scan of one range (the log is append-only, so
-- its visibility map stays all-visible once vacuumed).
DROP INDEX audit_actor_action;
CREATE INDEX audit_list ON audit(actor, action, id)
    INCLUDE (ts, addr, user_agent, object, details, hash);
ANALYZE audit;
