-- 007_kept_uploads: drafts and files that are not lost (issue 8).

-- A list file kept after a refused task form, so that the operator need
-- not choose it again. It belongs to one session and one form (a random
-- token the form carries) and goes when it is used, replaced or dropped,
-- when its session ends, or after an hour (the worker's housekeeping).
-- session_id has no foreign key on purpose: the row must outlive its
-- session until housekeeping has removed the file it names.
CREATE TABLE kept_uploads (
	id		INTEGER PRIMARY KEY,
	session_id	INTEGER NOT NULL,	-- sessions.id
	user_id		INTEGER NOT NULL REFERENCES users(id),
	form_token	TEXT NOT NULL,	-- 64 hex digits, the form's hidden field
	created		INTEGER NOT NULL,
	file_name	TEXT NOT NULL,	-- as the browser named it, cleaned: shown only
	file_path	TEXT NOT NULL,	-- our own file in upload_dir (mkstemp)
	file_size	INTEGER NOT NULL,
	UNIQUE (session_id, form_token)
);
CREATE INDEX kept_uploads_created ON kept_uploads(created);

-- Drafts (imports in preview) are listed by state on the task list and
-- counted on the home page.
CREATE INDEX imports_state ON imports(state, id);
