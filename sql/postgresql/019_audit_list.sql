-- 019_audit_list (PostgreSQL): the twin of sql/019_audit_list.sql, which
-- says why SQLite's audit_list carries the columns the list shows. Here it
-- keeps only the key (actor, action, id), as audit_actor_action did: a
-- btree entry of PostgreSQL's is at most 2,704 bytes, and user_agent (the
-- client's header) and details are not bounded, so an INCLUDE of them
-- would make an entry with a long user agent fail its INSERT, and with it
-- the audit append. tests/pg/schema.py knows of the difference.
ALTER INDEX audit_actor_action RENAME TO audit_list;
