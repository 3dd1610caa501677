-- 016_task_figures: the push figures of every task kept up to date
-- (issue 12), so that neither the task page nor the task list reads all of
-- a task's batches and pushes at each request.
--
-- A batch's part is the newest push linked to it (the greatest id) when
-- that push counts (ok = 1): batches.fig_push is its id (0: none counts)
-- and fig_* its figures. A task's fig_batches and fig_rows are how many of
-- its batches have a part and their rows, fig_* the sums of their parts.
-- The triggers keep both in the transaction of every change: each change
-- of a push recomputes the part of the batch it left and of the batch it
-- joined (take the old part out of the task, read the part afresh, put it
-- in), so that a task's figures are always the sum of its batches' parts
-- and each part is what the pushes say now. A batch never changes its task
-- or its rows (batches_fixed), so its part is counted in one task with the
-- rows it had. Deleting a batch takes its part out.

ALTER TABLE batches ADD COLUMN fig_push INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_success INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_fail INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_blacklist INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_repeat INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_filter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_shi INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_kong INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_tingji INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_kuwu INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_chenmo INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_fenxian INTEGER NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_chaopin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_batches INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_rows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_success INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_fail INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_blacklist INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_repeat INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_filter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_shi INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_kong INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_tingji INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_kuwu INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_chenmo INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_fenxian INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_chaopin INTEGER NOT NULL DEFAULT 0;

-- The task list counts its rows' settled batches and the task page its
-- batches by state from this index alone.
CREATE INDEX batches_task_state ON batches(task_id, state, rows);

-- A batch's part recomputed, written once: SQLite has no functions, so
-- inserting a batch's id into this view runs the trigger below (the
-- PostgreSQL twin is the function batch_figures_refresh). Each statement
-- names the batch by id: a push with no batch (NULL) changes nothing.
CREATE VIEW batch_figures_refresh AS SELECT 0 AS batch_id WHERE 0;
CREATE TRIGGER batch_figures_refresh INSTEAD OF INSERT ON batch_figures_refresh
BEGIN
	UPDATE tasks SET fig_batches = tasks.fig_batches -
	    CASE WHEN b.fig_push <> 0 THEN 1 ELSE 0 END,
	    fig_rows = tasks.fig_rows -
	    CASE WHEN b.fig_push <> 0 THEN b.rows ELSE 0 END,
	    fig_total = tasks.fig_total - b.fig_total,
	    fig_success = tasks.fig_success - b.fig_success,
	    fig_fail = tasks.fig_fail - b.fig_fail,
	    fig_blacklist = tasks.fig_blacklist - b.fig_blacklist,
	    fig_repeat = tasks.fig_repeat - b.fig_repeat,
	    fig_filter = tasks.fig_filter - b.fig_filter,
	    fig_shi = tasks.fig_shi - b.fig_shi,
	    fig_kong = tasks.fig_kong - b.fig_kong,
	    fig_tingji = tasks.fig_tingji - b.fig_tingji,
	    fig_kuwu = tasks.fig_kuwu - b.fig_kuwu,
	    fig_chenmo = tasks.fig_chenmo - b.fig_chenmo,
	    fig_fenxian = tasks.fig_fenxian - b.fig_fenxian,
	    fig_chaopin = tasks.fig_chaopin - b.fig_chaopin
	    FROM batches AS b WHERE b.id = NEW.batch_id AND tasks.id = b.task_id;
	UPDATE batches SET fig_push = 0, fig_total = 0,
	    fig_success = 0,
	    fig_fail = 0,
	    fig_blacklist = 0,
	    fig_repeat = 0,
	    fig_filter = 0,
	    fig_shi = 0,
	    fig_kong = 0,
	    fig_tingji = 0,
	    fig_kuwu = 0,
	    fig_chenmo = 0,
	    fig_fenxian = 0,
	    fig_chaopin = 0
	    WHERE id = NEW.batch_id;
	UPDATE batches SET fig_push = p.id, fig_total = p.total,
	    fig_success = p.success,
	    fig_fail = p.fail,
	    fig_blacklist = p.blacklist,
	    fig_repeat = p.repeat,
	    fig_filter = p.filter,
	    fig_shi = p.shi,
	    fig_kong = p.kong,
	    fig_tingji = p.tingji,
	    fig_kuwu = p.kuwu,
	    fig_chenmo = p.chenmo,
	    fig_fenxian = p.fenxian,
	    fig_chaopin = p.chaopin
	    FROM pushes AS p WHERE batches.id = NEW.batch_id AND p.id =
	    (SELECT max(id) FROM pushes WHERE batch_id = NEW.batch_id) AND p.ok = 1;
	UPDATE tasks SET fig_batches = tasks.fig_batches +
	    CASE WHEN b.fig_push <> 0 THEN 1 ELSE 0 END,
	    fig_rows = tasks.fig_rows +
	    CASE WHEN b.fig_push <> 0 THEN b.rows ELSE 0 END,
	    fig_total = tasks.fig_total + b.fig_total,
	    fig_success = tasks.fig_success + b.fig_success,
	    fig_fail = tasks.fig_fail + b.fig_fail,
	    fig_blacklist = tasks.fig_blacklist + b.fig_blacklist,
	    fig_repeat = tasks.fig_repeat + b.fig_repeat,
	    fig_filter = tasks.fig_filter + b.fig_filter,
	    fig_shi = tasks.fig_shi + b.fig_shi,
	    fig_kong = tasks.fig_kong + b.fig_kong,
	    fig_tingji = tasks.fig_tingji + b.fig_tingji,
	    fig_kuwu = tasks.fig_kuwu + b.fig_kuwu,
	    fig_chenmo = tasks.fig_chenmo + b.fig_chenmo,
	    fig_fenxian = tasks.fig_fenxian + b.fig_fenxian,
	    fig_chaopin = tasks.fig_chaopin + b.fig_chaopin
	    FROM batches AS b WHERE b.id = NEW.batch_id AND tasks.id = b.task_id;
END;
-- The parts and the sums of the data already there, by the same
-- recompute: every batch a push names, once.
INSERT INTO batch_figures_refresh
    SELECT DISTINCT batch_id FROM pushes WHERE batch_id IS NOT NULL;
CREATE TRIGGER pushes_figures_insert AFTER INSERT ON pushes
WHEN NEW.batch_id IS NOT NULL BEGIN
	INSERT INTO batch_figures_refresh VALUES (NEW.batch_id);
END;
-- The batch the push left, then the one it joined (the same one twice
-- is the same result).
CREATE TRIGGER pushes_figures_update AFTER UPDATE ON pushes BEGIN
	INSERT INTO batch_figures_refresh SELECT OLD.batch_id
	    WHERE OLD.batch_id IS NOT NULL;
	INSERT INTO batch_figures_refresh SELECT NEW.batch_id
	    WHERE NEW.batch_id IS NOT NULL;
END;
CREATE TRIGGER pushes_figures_delete AFTER DELETE ON pushes
WHEN OLD.batch_id IS NOT NULL BEGIN
	INSERT INTO batch_figures_refresh VALUES (OLD.batch_id);
END;
CREATE TRIGGER batches_fixed BEFORE UPDATE OF task_id, rows ON batches
WHEN NEW.task_id <> OLD.task_id OR NEW.rows <> OLD.rows BEGIN
	SELECT RAISE(ABORT, 'a batch keeps its task and its rows');
END;
CREATE TRIGGER batches_figures_delete AFTER DELETE ON batches BEGIN
	UPDATE tasks SET fig_batches = fig_batches -
	    CASE WHEN OLD.fig_push <> 0 THEN 1 ELSE 0 END,
	    fig_rows = fig_rows - CASE WHEN OLD.fig_push <> 0 THEN OLD.rows ELSE 0 END,
	    fig_total = fig_total - OLD.fig_total,
	    fig_success = fig_success - OLD.fig_success,
	    fig_fail = fig_fail - OLD.fig_fail,
	    fig_blacklist = fig_blacklist - OLD.fig_blacklist,
	    fig_repeat = fig_repeat - OLD.fig_repeat,
	    fig_filter = fig_filter - OLD.fig_filter,
	    fig_shi = fig_shi - OLD.fig_shi,
	    fig_kong = fig_kong - OLD.fig_kong,
	    fig_tingji = fig_tingji - OLD.fig_tingji,
	    fig_kuwu = fig_kuwu - OLD.fig_kuwu,
	    fig_chenmo = fig_chenmo - OLD.fig_chenmo,
	    fig_fenxian = fig_fenxian - OLD.fig_fenxian,
	    fig_chaopin = fig_chaopin - OLD.fig_chaopin
	    WHERE id = OLD.task_id;
END;
