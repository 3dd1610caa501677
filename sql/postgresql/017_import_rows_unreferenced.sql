-- 017_import_rows_unreferenced: a list's rows keep their import's id but no
-- foreign key to it (issue 11; the reasons are in sql/017_*): the key is
-- checked by a query a row, half of the server's time for a 50,000-row
-- upload, and its ON DELETE CASCADE was never taken (store_import_delete()
-- deletes the rows first, in the same transaction).
ALTER TABLE import_rows DROP CONSTRAINT import_rows_import_id_fkey;
