-- 015_list_keys: the indexes the list pages need to page by key with any
-- combination of their filters (issue 12): every list statement walks an
-- index in id order from the page's key, never OFFSET, never a scan.

-- The audit log filtered by user and action together (audit_actor and
-- audit_action serve each alone; audit_ts turns a date range into ids).
CREATE INDEX audit_actor_action ON audit(actor, action, id);

-- The task history filtered by creator and state together (tasks_user and
-- tasks_state serve each alone; tasks_created turns dates into ids).
CREATE INDEX tasks_user_state ON tasks(user_id, state, id);
