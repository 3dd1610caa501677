-- 018_task_list: the task list (issue 12) read from one narrow index per
-- filter shape, without a look at any batch or at the tasks' wide rows.
--
-- tasks.batches_done is how many of the task's batches are settled (sent,
-- failed, unknown or cancelled: what the list shows as its progress), kept
-- by the triggers below in the transaction of every change of a batch, so
-- that a page of 50 tasks no longer counts them in batches_task_state (four
-- seeks a row, most of the list's time). A batch never changes its task
-- (batches_fixed, 016), so each trigger changes one task by the difference
-- the batch makes. The settled states are named here as the CHECK of
-- batches.state names every state (002).
--
-- The list's indexes hold every column a row of the list shows, after the
-- columns each shape walks (the primary key for no filter, tasks_state,
-- tasks_user and tasks_user_state, which keep their names and their first
-- columns, so that the dashboard's and the list's walks stay as they
-- were): a page reads two or three pages of an index 0.65 MB for 10,000
-- tasks instead of the rows of a 4 MB table, and a name part is tested
-- on the index (a bounded walk from the key: see store/tasks.c).

ALTER TABLE tasks ADD COLUMN batches_done INTEGER NOT NULL DEFAULT 0;
UPDATE tasks SET batches_done = (SELECT count(*) FROM batches AS b
    WHERE b.task_id = tasks.id
    AND b.state IN ('sent', 'failed', 'unknown', 'cancelled'));

CREATE TRIGGER batches_done_insert AFTER INSERT ON batches
WHEN NEW.state IN ('sent', 'failed', 'unknown', 'cancelled') BEGIN
	UPDATE tasks SET batches_done = batches_done + 1 WHERE id = NEW.task_id;
END;
CREATE TRIGGER batches_done_update AFTER UPDATE OF state ON batches
WHEN (OLD.state IN ('sent', 'failed', 'unknown', 'cancelled')) <>
    (NEW.state IN ('sent', 'failed', 'unknown', 'cancelled')) BEGIN
	UPDATE tasks SET batches_done = batches_done + CASE WHEN NEW.state IN
	    ('sent', 'failed', 'unknown', 'cancelled') THEN 1 ELSE -1 END
	    WHERE id = NEW.task_id;
END;
CREATE TRIGGER batches_done_delete AFTER DELETE ON batches
WHEN OLD.state IN ('sent', 'failed', 'unknown', 'cancelled') BEGIN
	UPDATE tasks SET batches_done = batches_done - 1 WHERE id = OLD.task_id;
END;

DROP INDEX tasks_state;
DROP INDEX tasks_user;
DROP INDEX tasks_user_state;
CREATE INDEX tasks_list ON tasks(id, user_id, state, created, rows,
    batch_count, batches_done, name);
CREATE INDEX tasks_state ON tasks(state, id, user_id, created, rows,
    batch_count, batches_done, name);
CREATE INDEX tasks_user ON tasks(user_id, id, state, created, rows,
    batch_count, batches_done, name);
CREATE INDEX tasks_user_state ON tasks(user_id, state, id, created, rows,
    batch_count, batches_done, name);
