-- 014_upload_bytes: an uploaded list is kept in the database, not as a
-- file in upload_dir (issue 9: uploaded files are deleted as soon as their
-- rows are stored; issue 11: any host can read the list again).

-- The bytes of an import's list (owner 'import', owner_id imports.id) or of
-- a list kept after a refused task form (owner 'kept', kept_uploads.id), in
-- chunks of at most 512 KiB numbered from 0, so that neither writing nor
-- reading holds a whole list in memory. They go with the preview: when it
-- is confirmed, cancelled, expires or is purged by retention, and with the
-- kept upload when it is used, replaced, dropped or expires. No foreign
-- key: the owner is one of two tables; every write that ends an owner
-- deletes its chunks in the same transaction.
CREATE TABLE upload_bytes (
	owner		TEXT NOT NULL CHECK (owner IN ('import', 'kept')),
	owner_id	INTEGER NOT NULL,
	seq		INTEGER NOT NULL,
	bytes		BLOB NOT NULL,
	PRIMARY KEY (owner, owner_id, seq)
);
