-- 006_import_sheets (PostgreSQL): the twin of sql/006_import_sheets.sql.
ALTER TABLE imports ADD COLUMN sheet bigint NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN header_line bigint NOT NULL DEFAULT 1;
ALTER TABLE imports ADD COLUMN sheets text NOT NULL DEFAULT '[]';
ALTER TABLE imports ADD COLUMN head_rows text NOT NULL DEFAULT '[]';
