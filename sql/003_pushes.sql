-- 003_pushes: the vendor's asynchronous import results (PRODUCT.md 2).

-- Every readable push, kept whole. The same body twice is stored once
-- (body_sha256); the newest push of a vendor task holds its current
-- figures and the older ones stay as its history. batch_id is NULL while
-- no batch has that vendor task id yet (the push may come before the
-- create answer is stored); it is linked when the id appears.
CREATE TABLE pushes (
	id		INTEGER PRIMARY KEY,
	received	INTEGER NOT NULL,
	addr		TEXT NOT NULL,
	content_type	TEXT NOT NULL,
	body		TEXT NOT NULL,
	body_sha256	TEXT NOT NULL UNIQUE,
	sn		TEXT NOT NULL,	-- dial_task_main_sn as sent
	vendor_task_id	TEXT NOT NULL,	-- the id part of sn
	batch_id	INTEGER REFERENCES batches(id),
	linked_by	TEXT NOT NULL DEFAULT '',	-- '', 'auto' or a user
	ok		INTEGER NOT NULL,	-- 1 counts, 0 failure reason
	reason		TEXT NOT NULL DEFAULT '',
	total		INTEGER NOT NULL DEFAULT 0,
	success		INTEGER NOT NULL DEFAULT 0,
	fail		INTEGER NOT NULL DEFAULT 0,
	blacklist	INTEGER NOT NULL DEFAULT 0,
	repeat		INTEGER NOT NULL DEFAULT 0,
	filter		INTEGER NOT NULL DEFAULT 0,
	shi		INTEGER NOT NULL DEFAULT 0,
	kong		INTEGER NOT NULL DEFAULT 0,
	tingji		INTEGER NOT NULL DEFAULT 0,
	kuwu		INTEGER NOT NULL DEFAULT 0,
	chenmo		INTEGER NOT NULL DEFAULT 0,
	fenxian		INTEGER NOT NULL DEFAULT 0,
	chaopin		INTEGER NOT NULL DEFAULT 0,
	extra		TEXT NOT NULL DEFAULT '{}'	-- fields we do not know
);
CREATE INDEX pushes_vendor_task ON pushes(vendor_task_id, id);
CREATE INDEX pushes_batch ON pushes(batch_id, id);
CREATE INDEX pushes_unmatched ON pushes(id) WHERE batch_id IS NULL;

-- What could not be read, kept for an administrator (bodies cut short).
CREATE TABLE rejected_pushes (
	id		INTEGER PRIMARY KEY,
	received	INTEGER NOT NULL,
	addr		TEXT NOT NULL,
	content_type	TEXT NOT NULL,
	length		INTEGER NOT NULL,	-- as declared
	body		BLOB NOT NULL,	-- at most the first 64 KiB
	reason		TEXT NOT NULL
);
