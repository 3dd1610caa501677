-- 012_retention: personal data is kept for retention_days. When a list's
-- task is done (every batch sent or cancelled) and that long has passed,
-- the worker deletes its rows (numbers, names, other columns) and sets
-- purged to the time; the task, its figures and its audit trail stay.
ALTER TABLE imports ADD COLUMN purged INTEGER NOT NULL DEFAULT 0;
