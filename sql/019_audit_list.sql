-- 019_audit_list: the audit page filtered by user and action (and dates)
-- read from one range of one index (issue 12). One user-and-action pair
-- is 1/160 of the log, so each entry of such a page sat on a table page of
-- its own: 36 page misses a page of 26 rows at 1,000,000 entries. This
-- index holds every column the list shows, in (actor, action, id) order,
-- so the page is 2-3 leaf pages next to each other (12 misses, most of
-- them the b-tree's interior). It costs ~220 bytes an entry (217 MB at
-- 1,000,000 against the table's 280 MB) and replaces audit_actor_action,
-- whose (actor, action, id) it starts with (31 MB): one index more to
-- write per append is not, one index instead of another is. prev_hash and
-- actor_id, which the list does not show, stay in the table only.
DROP INDEX audit_actor_action;
CREATE INDEX audit_list ON audit(actor, action, id, ts, addr, user_agent,
    object, details, hash);
-- Where the audit table has figures (ANALYZE), the new index needs its
-- own: without them the planner takes it for the user filter alone too,
-- and sorts the user's whole log (2,787 page misses a page at 1,000,000).
ANALYZE audit;
