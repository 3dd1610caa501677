#!/usr/bin/env bash
# t7361-import-rows-unreferenced.sh: migration 017 takes the foreign key off
# import_rows (PostgreSQL checked it with a query a row) and keeps every row:
# on SQLite, a database built with the steps up to 016 and holding a list's
# rows comes out of 017 with the same rows, its duplicate index and no
# foreign key; on either engine the migrated schema has no key on the rows
# (that a cancelled or expired list leaves no row: t3007, t3010).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_start

if [[ $T_ENGINE != postgresql ]]; then
	old=$T_DIR/old.db
	for f in "$DD_TOP"/sql/0*.sql; do
		[[ $(basename "$f") < 017 ]] && sqlite3 -batch "$old" <"$f" >/dev/null
	done
	sqlite3 -batch "$old" "INSERT INTO users (id, name, role, pwhash, created, updated)
	    VALUES (1, 'op', 'operator', 'x', 0, 0);
	    INSERT INTO imports (id, user_id, created, state, params, file_name, file_path,
	    file_size, file_sha256, format, encoding, delimiter, headers, phone_col, name_col)
	    VALUES (1, 1, 1, 'preview', '{}', 'f', '', 1, 'x', 'csv', 'utf-8', ',', '[]', 0, -1);
	    INSERT INTO import_rows (import_id, seq, line, phone, name, other, reason, dup_of)
	    VALUES (1, 1, 2, '13500000001', 'a', '[]', '', 0),
	    (1, 2, 3, '13500000002', 'b\tc', '[\"x\"]', '', 0),
	    (1, -4, 4, '13500000001', 'd', '[]', 'duplicate', 2)"
	before=$(sqlite3 -batch "$old" "SELECT * FROM import_rows ORDER BY import_id, seq")
	sqlite3 -batch "$old" <"$DD_TOP"/sql/017_*.sql
	expect_eq "$before" "$(sqlite3 -batch "$old" "SELECT * FROM import_rows ORDER BY import_id, seq")" \
	    "017 keeps every row of a list stored before it, as it was"
	expect_eq 0 "$(sqlite3 -batch "$old" "SELECT count(*) FROM pragma_foreign_key_list('import_rows')")" \
	    "... and the rows have no foreign key after it"
	expect_eq "import_rows_phone" "$(sqlite3 -batch "$old" "SELECT name FROM sqlite_master
	    WHERE type = 'index' AND tbl_name = 'import_rows' AND sql IS NOT NULL")" \
	    "... and keep the index that finds a number seen before"
	rc=0
	sqlite3 -batch "$old" "INSERT INTO import_rows (import_id, seq, line, phone, name, other, reason)
	    VALUES (1, 3, 5, '13500000002', 'e', '[]', '')" >/dev/null 2>&1 || rc=$?
	expect_eq 1 "$((rc != 0))" "... which still refuses a number twice in one list"
	expect_eq 0 "$(sqlite3 -batch "$old" "PRAGMA foreign_key_check" | wc -l)" \
	    "... and every other key still holds"
fi

if [[ $T_ENGINE == postgresql ]]; then
	keys=$(sql "SELECT count(*) FROM pg_constraint WHERE conrelid = 'import_rows'::regclass AND contype = 'f'")
else
	keys=$(sql "SELECT count(*) FROM pragma_foreign_key_list('import_rows')")
fi
expect_eq 0 "$keys" "the migrated store's list rows have no foreign key ($T_ENGINE)"
