-- 017_import_rows_unreferenced: a list's rows keep their import's id but no
-- foreign key to it (issue 11). On PostgreSQL the key is checked by a
-- query a row, half of the server's time for a 50,000-row upload; its one
-- use, ON DELETE CASCADE, was never taken, since store_import_delete()
-- deletes the rows before the import, in the same transaction, and rows
-- are only ever written for the import of the load that made it. SQLite
-- drops a foreign key only by building the table again, so both engines
-- keep the same schema (t7300).
CREATE TABLE import_rows_017 (
	import_id	INTEGER NOT NULL,	-- imports(id): see above
	seq		INTEGER NOT NULL,
	line		INTEGER NOT NULL,
	phone		TEXT NOT NULL,	-- normalised when valid, as given when not
	name		TEXT NOT NULL,
	other		TEXT NOT NULL,	-- JSON array of the other columns' values
	reason		TEXT NOT NULL,	-- '' when valid, else phone_reason_code
	dup_of		INTEGER NOT NULL DEFAULT 0,	-- line of the first copy
	PRIMARY KEY (import_id, seq)
) WITHOUT ROWID;
INSERT INTO import_rows_017 (import_id, seq, line, phone, name, other,
    reason, dup_of)
    SELECT import_id, seq, line, phone, name, other, reason, dup_of
    FROM import_rows;
DROP TABLE import_rows;
ALTER TABLE import_rows_017 RENAME TO import_rows;
-- Finds a number seen before in the same list (duplicates).
CREATE UNIQUE INDEX import_rows_phone ON import_rows(import_id, phone)
	WHERE seq > 0;
