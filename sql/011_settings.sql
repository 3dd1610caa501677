-- 011_settings: vendor settings changed on the settings page. A row of
-- settings overrides the configuration file's value of its key (the
-- file's value is the default until then); settings_history keeps every
-- change, the value of a secret never: only that it was set, replaced or
-- cleared. The largest history id is the version every process compares
-- to pick a change up without a restart.
CREATE TABLE settings (
	key		TEXT PRIMARY KEY,
	value		TEXT NOT NULL,
	changed_by	TEXT NOT NULL,
	changed_by_id	INTEGER NOT NULL,
	changed_at	INTEGER NOT NULL
);
CREATE TABLE settings_history (
	id		INTEGER PRIMARY KEY,
	key		TEXT NOT NULL,
	change		TEXT NOT NULL
	    CHECK (change IN ('changed', 'set', 'replaced', 'cleared')),
	old_value	TEXT,		-- NULL for a secret
	new_value	TEXT,		-- NULL for a secret
	changed_by	TEXT NOT NULL,
	changed_by_id	INTEGER NOT NULL,
	changed_at	INTEGER NOT NULL
);
