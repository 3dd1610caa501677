-- 014_upload_bytes (PostgreSQL): the twin of sql/014_upload_bytes.sql; an
-- uploaded list's bytes as chunks of at most 512 KiB, by owner ('import':
-- imports.id, 'kept': kept_uploads.id) and chunk number from 0.
CREATE TABLE upload_bytes (
	owner		text NOT NULL CHECK (owner IN ('import', 'kept')),
	owner_id	bigint NOT NULL,
	seq		bigint NOT NULL,
	bytes		bytea NOT NULL,
	PRIMARY KEY (owner, owner_id, seq)
);
