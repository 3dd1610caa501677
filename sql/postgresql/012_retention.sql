-- 012_retention (PostgreSQL): the twin of sql/012_retention.sql.
ALTER TABLE imports ADD COLUMN purged bigint NOT NULL DEFAULT 0;
