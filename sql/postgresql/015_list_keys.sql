-- 015_list_keys (PostgreSQL): the twin of sql/015_list_keys.sql; the
-- indexes for the list pages' filter combinations, paged by key.
CREATE INDEX audit_actor_action ON audit(actor, action, id);
CREATE INDEX tasks_user_state ON tasks(user_id, state, id);
