#!/usr/bin/env bash
# t0031-migrate-failure.sh: a migration that fails half way leaves the
# database exactly as it was: no table of it, the version unchanged, and
# `serve` refuses the database until it is put right.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
t_engine sqlite "the sqlite3 shell applies migration 001 and ATTACHes a database"
mkdir -p "$T_DIR/run" "$T_DIR/uploads"
t_write_config "$T_CONF" "$T_DB"

# A database at version 1, as an older dialdesk left it: 001 applied and
# recorded the way migrate records it (the record table copied from a
# database migrated to the end), with a table in the way of a later
# migration: 002 creates imports first and batches near its end, so it
# fails after doing part of its work.
full=$T_DIR/full.db
t_write_config "$T_DIR/full.conf" "$full"
"$DIALDESK_BIN" --config "$T_DIR/full.conf" migrate >/dev/null 2>&1
sqlite3 -batch "$T_DB" <"$DD_TOP/sql/001_init.sql"
sql "$(sqlite3 -batch "$full" '.schema schema_migrations')"
sql "ATTACH '$full' AS full;
     INSERT INTO schema_migrations SELECT * FROM full.schema_migrations WHERE version = 1;
     DETACH full;
     CREATE TABLE batches (squatter TEXT);"
before=$(sql '.schema')

rc=0
dialdesk migrate >"$T_DIR/migrate.out" 2>&1 || rc=$?
expect_eq 1 "$rc" "migrate fails on the conflicting table"
expect_match '002_tasks' "$(cat "$T_DIR/migrate.out")" "the message names the migration that failed"
expect_eq 1 "$(sql 'SELECT max(version) FROM schema_migrations')" "the version stays 1"
expect_eq "" "$(sql "SELECT name FROM sqlite_master WHERE name = 'imports'")" \
    "the tables 002 created before failing are gone"
expect_eq "$before" "$(sql '.schema')" "the schema is exactly as it was"

rc=0
timeout 10 "$DIALDESK_BIN" --config "$T_CONF" serve >"$T_DIR/serve.out" 2>&1 || rc=$?
expect_eq 1 "$rc" "serve refuses the database that is behind"

sql "DROP TABLE batches"
rc=0
dialdesk migrate >"$T_DIR/migrate.out" 2>&1 || rc=$?
expect_eq 0 "$rc" "with the table out of the way migrate succeeds"
latest=$(sed -n -e 's/^database at version //p' "$T_DIR/migrate.out")
expect_match '^([2-9]|[1-9][0-9]+)$' "$latest" "it reports the version it reached"
expect_eq "$latest" "$(sql 'SELECT max(version) FROM schema_migrations')" \
    "and the database is at that version"
