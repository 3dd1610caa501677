-- 006_import_sheets: what the preview lets the operator choose about an
-- uploaded list, and what it was read with (issue 8, lists as offices
-- have them).

-- sheet: the 0-based sheet read; header_line: the row taken as the header
-- (0: none); sheets: JSON [{"name", "rows", "hidden"}] of every sheet;
-- head_rows: JSON [{"line", "text"}] of the first non-blank rows, offered
-- as header rows. phone_col is -1 when no phone column was found: the
-- import is then a preview without rows, for the operator to map.
ALTER TABLE imports ADD COLUMN sheet INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN header_line INTEGER NOT NULL DEFAULT 1;
ALTER TABLE imports ADD COLUMN sheets TEXT NOT NULL DEFAULT '[]';
ALTER TABLE imports ADD COLUMN head_rows TEXT NOT NULL DEFAULT '[]';
