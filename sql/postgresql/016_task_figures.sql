-- 016_task_figures (PostgreSQL): the twin of sql/016_task_figures.sql,
-- which says what the columns hold and why; here one function recomputes
-- a batch's part (its row locked first, so that two transactions changing
-- pushes of the same batch take turns and each reads the other's work).

ALTER TABLE batches ADD COLUMN fig_push bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_total bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_success bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_fail bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_blacklist bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_repeat bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_filter bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_shi bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_kong bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_tingji bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_kuwu bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_chenmo bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_fenxian bigint NOT NULL DEFAULT 0;
ALTER TABLE batches ADD COLUMN fig_chaopin bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_batches bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_rows bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_total bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_success bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_fail bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_blacklist bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_repeat bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_filter bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_shi bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_kong bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_tingji bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_kuwu bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_chenmo bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_fenxian bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN fig_chaopin bigint NOT NULL DEFAULT 0;

-- The task list counts its rows' settled batches and the task page its
-- batches by state from this index alone.
CREATE INDEX batches_task_state ON batches(task_id, state, rows);

CREATE FUNCTION batch_figures_refresh(b bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	o batches%ROWTYPE;
	n batches%ROWTYPE;
BEGIN
	SELECT * INTO o FROM batches WHERE id = b FOR UPDATE;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	UPDATE batches SET fig_push = coalesce(p.id, 0),
	    fig_total = coalesce(p.total, 0),
	    fig_success = coalesce(p.success, 0),
	    fig_fail = coalesce(p.fail, 0),
	    fig_blacklist = coalesce(p.blacklist, 0),
	    fig_repeat = coalesce(p.repeat, 0),
	    fig_filter = coalesce(p.filter, 0),
	    fig_shi = coalesce(p.shi, 0),
	    fig_kong = coalesce(p.kong, 0),
	    fig_tingji = coalesce(p.tingji, 0),
	    fig_kuwu = coalesce(p.kuwu, 0),
	    fig_chenmo = coalesce(p.chenmo, 0),
	    fig_fenxian = coalesce(p.fenxian, 0),
	    fig_chaopin = coalesce(p.chaopin, 0)
	    FROM (SELECT 1) AS one LEFT JOIN pushes AS p ON p.id =
	    (SELECT max(id) FROM pushes WHERE batch_id = b) AND p.ok = 1
	    WHERE batches.id = b RETURNING batches.* INTO n;
	UPDATE tasks SET fig_batches = fig_batches
	    - CASE WHEN o.fig_push <> 0 THEN 1 ELSE 0 END
	    + CASE WHEN n.fig_push <> 0 THEN 1 ELSE 0 END,
	    fig_rows = fig_rows - CASE WHEN o.fig_push <> 0 THEN o.rows ELSE 0 END
	    + CASE WHEN n.fig_push <> 0 THEN n.rows ELSE 0 END,
	    fig_total = fig_total - o.fig_total + n.fig_total,
	    fig_success = fig_success - o.fig_success + n.fig_success,
	    fig_fail = fig_fail - o.fig_fail + n.fig_fail,
	    fig_blacklist = fig_blacklist - o.fig_blacklist + n.fig_blacklist,
	    fig_repeat = fig_repeat - o.fig_repeat + n.fig_repeat,
	    fig_filter = fig_filter - o.fig_filter + n.fig_filter,
	    fig_shi = fig_shi - o.fig_shi + n.fig_shi,
	    fig_kong = fig_kong - o.fig_kong + n.fig_kong,
	    fig_tingji = fig_tingji - o.fig_tingji + n.fig_tingji,
	    fig_kuwu = fig_kuwu - o.fig_kuwu + n.fig_kuwu,
	    fig_chenmo = fig_chenmo - o.fig_chenmo + n.fig_chenmo,
	    fig_fenxian = fig_fenxian - o.fig_fenxian + n.fig_fenxian,
	    fig_chaopin = fig_chaopin - o.fig_chaopin + n.fig_chaopin
	    WHERE id = o.task_id;
END;
$$;

-- The parts and the sums of the data already there, by the same
-- recompute: every batch a push names, once.
SELECT batch_figures_refresh(batch_id)
    FROM (SELECT DISTINCT batch_id FROM pushes WHERE batch_id IS NOT NULL) AS b;

CREATE FUNCTION pushes_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' AND OLD.batch_id IS NOT NULL THEN
		PERFORM batch_figures_refresh(OLD.batch_id);
	END IF;
	IF TG_OP <> 'DELETE' AND NEW.batch_id IS NOT NULL THEN
		PERFORM batch_figures_refresh(NEW.batch_id);
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER pushes_figures_insert AFTER INSERT ON pushes
	FOR EACH ROW WHEN (NEW.batch_id IS NOT NULL)
	EXECUTE FUNCTION pushes_figures();
CREATE TRIGGER pushes_figures_update AFTER UPDATE ON pushes
	FOR EACH ROW EXECUTE FUNCTION pushes_figures();
CREATE TRIGGER pushes_figures_delete AFTER DELETE ON pushes
	FOR EACH ROW WHEN (OLD.batch_id IS NOT NULL)
	EXECUTE FUNCTION pushes_figures();

CREATE FUNCTION batches_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'a batch keeps its task and its rows';
END;
$$;
CREATE TRIGGER batches_fixed BEFORE UPDATE OF task_id, rows ON batches
	FOR EACH ROW WHEN (NEW.task_id <> OLD.task_id OR NEW.rows <> OLD.rows)
	EXECUTE FUNCTION batches_fixed();

CREATE FUNCTION batches_figures_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
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
	RETURN NULL;
END;
$$;
CREATE TRIGGER batches_figures_delete AFTER DELETE ON batches
	FOR EACH ROW EXECUTE FUNCTION batches_figures_delete();
