-- 018_task_list (PostgreSQL): the twin of sql/018_task_list.sql, which says
-- what the column holds and why; here one trigger function keeps it, and
-- the columns a row of the list shows are the indexes' INCLUDE part (the
-- same columns, in the same order, for index-only scans).

ALTER TABLE tasks ADD COLUMN batches_done bigint NOT NULL DEFAULT 0;
UPDATE tasks SET batches_done = (SELECT count(*) FROM batches AS b
    WHERE b.task_id = tasks.id
    AND b.state IN ('sent', 'failed', 'unknown', 'cancelled'));

CREATE FUNCTION batches_done() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	d bigint := 0;
	t bigint;
BEGIN
	IF TG_OP <> 'INSERT' THEN
		t := OLD.task_id;
		IF OLD.state IN ('sent', 'failed', 'unknown', 'cancelled') THEN
			d := d - 1;
		END IF;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		t := NEW.task_id;
		IF NEW.state IN ('sent', 'failed', 'unknown', 'cancelled') THEN
			d := d + 1;
		END IF;
	END IF;
	IF d <> 0 THEN
		UPDATE tasks SET batches_done = batches_done + d WHERE id = t;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER batches_done_insert AFTER INSERT ON batches
	FOR EACH ROW EXECUTE FUNCTION batches_done();
CREATE TRIGGER batches_done_update AFTER UPDATE OF state ON batches
	FOR EACH ROW EXECUTE FUNCTION batches_done();
CREATE TRIGGER batches_done_delete AFTER DELETE ON batches
	FOR EACH ROW EXECUTE FUNCTION batches_done();

DROP INDEX tasks_state;
DROP INDEX tasks_user;
DROP INDEX tasks_user_state;
CREATE INDEX tasks_list ON tasks(id) INCLUDE (user_id, state, created, rows,
    batch_count, batches_done, name);
CREATE INDEX tasks_state ON tasks(state, id) INCLUDE (user_id, created,
    rows, batch_count, batches_done, name);
CREATE INDEX tasks_user ON tasks(user_id, id) INCLUDE (state, created, rows,
    batch_count, batches_done, name);
CREATE INDEX tasks_user_state ON tasks(user_id, state, id) INCLUDE (created,
    rows, batch_count, batches_done, name);
