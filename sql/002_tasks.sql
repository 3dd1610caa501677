-- 002_tasks: uploaded call lists, tasks and their batches.

-- An uploaded list. 'loading' while rows are written (in chunks, so that
-- other writers are never held up for long); 'preview' while the operator
-- decides; then 'confirmed' (a task was made of it) or 'cancelled'.
-- A failed upload is deleted whole, rows and all.
CREATE TABLE imports (
	id		INTEGER PRIMARY KEY,
	user_id		INTEGER NOT NULL REFERENCES users(id),
	created		INTEGER NOT NULL,
	state		TEXT NOT NULL CHECK (state IN
			    ('loading', 'preview', 'confirmed', 'cancelled')),
	params		TEXT NOT NULL,	-- JSON: the form's vendor parameters
	file_name	TEXT NOT NULL,
	file_path	TEXT NOT NULL,	-- kept in upload_dir until decided
	file_size	INTEGER NOT NULL,
	file_sha256	TEXT NOT NULL,
	format		TEXT NOT NULL,	-- csv | xlsx
	encoding	TEXT NOT NULL,	-- utf-8 | utf-8-bom | gb18030
	delimiter	TEXT NOT NULL,	-- CSV only
	headers		TEXT NOT NULL,	-- JSON array: every column's title
	phone_col	INTEGER NOT NULL,
	name_col	INTEGER NOT NULL,	-- -1: none
	rows_read	INTEGER NOT NULL DEFAULT 0,
	valid		INTEGER NOT NULL DEFAULT 0,
	invalid		INTEGER NOT NULL DEFAULT 0,
	duplicates	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX imports_user ON imports(user_id, id);

-- The rows of a list. Valid rows are numbered seq = 1..valid in file
-- order, so a batch is one range of the primary key; invalid and
-- duplicate rows get seq = -line, so they list by line after them.
CREATE TABLE import_rows (
	import_id	INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
	seq		INTEGER NOT NULL,
	line		INTEGER NOT NULL,
	phone		TEXT NOT NULL,	-- normalised when valid, as given when not
	name		TEXT NOT NULL,
	other		TEXT NOT NULL,	-- JSON array of the other columns' values
	reason		TEXT NOT NULL,	-- '' when valid, else phone_reason_code
	dup_of		INTEGER NOT NULL DEFAULT 0,	-- line of the first copy
	PRIMARY KEY (import_id, seq)
) WITHOUT ROWID;
-- Finds a number seen before in the same list (duplicates).
CREATE UNIQUE INDEX import_rows_phone ON import_rows(import_id, phone)
	WHERE seq > 0;

-- A task: one confirmed list, sent in batches.
CREATE TABLE tasks (
	id		INTEGER PRIMARY KEY,
	import_id	INTEGER NOT NULL UNIQUE REFERENCES imports(id),
	user_id		INTEGER NOT NULL REFERENCES users(id),
	name		TEXT NOT NULL,
	params		TEXT NOT NULL,	-- JSON: the vendor parameters chosen
	login_name	TEXT NOT NULL,	-- vendor account at confirmation
	created		INTEGER NOT NULL,
	state		TEXT NOT NULL CHECK (state IN
			    ('queued', 'sending', 'sent', 'attention', 'cancelled')),
	rows		INTEGER NOT NULL,
	batch_count	INTEGER NOT NULL
);
CREATE INDEX tasks_created ON tasks(created);
CREATE INDEX tasks_user ON tasks(user_id, id);
CREATE INDEX tasks_state ON tasks(state, id);

-- One push to the vendor: rows first_seq .. first_seq + rows - 1 of the
-- task's list. 'sending' is held by one worker (claimed_by); a batch whose
-- fate is not known ('unknown') is never sent again without a person.
CREATE TABLE batches (
	id		INTEGER PRIMARY KEY,
	task_id		INTEGER NOT NULL REFERENCES tasks(id),
	seq		INTEGER NOT NULL,	-- k of n
	first_seq	INTEGER NOT NULL,
	rows		INTEGER NOT NULL,
	state		TEXT NOT NULL CHECK (state IN ('queued', 'sending',
			    'sent', 'failed', 'unknown', 'cancelled')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt	INTEGER NOT NULL DEFAULT 0,
	claimed_by	TEXT NOT NULL DEFAULT '',
	claimed_at	INTEGER NOT NULL DEFAULT 0,
	body_sha256	TEXT NOT NULL DEFAULT '',
	http_status	INTEGER NOT NULL DEFAULT 0,
	err_code	INTEGER,	-- the vendor's errCode, NULL before any
	message		TEXT NOT NULL DEFAULT '',	-- Chinese, for the page
	vendor_task_id	TEXT,
	sent_at		INTEGER NOT NULL DEFAULT 0,
	updated		INTEGER NOT NULL,
	UNIQUE (task_id, seq)
);
CREATE INDEX batches_queue ON batches(state, next_attempt, id);
CREATE UNIQUE INDEX batches_vendor_task ON batches(vendor_task_id)
	WHERE vendor_task_id IS NOT NULL;
