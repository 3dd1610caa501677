#!/usr/bin/env bash
# t0029-migrate.sh: `dialdesk migrate` creates a database, says its version,
# and changes nothing when run again.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
mkdir -p "$T_DIR/run" "$T_DIR/uploads"
t_write_config "$T_CONF" "$T_DB"

rc=0
first=$(dialdesk migrate 2>"$T_DIR/migrate.err") || rc=$?
expect_eq 0 "$rc" "migrate on a new database exits 0"
expect_match '^database at version [0-9]+$' "$first" "it prints: database at version N"
version=${first##* }
expect_eq "$version" "$(sql 'SELECT max(version) FROM schema_migrations')" "schema_migrations agrees"
for table in users sessions audit; do
	expect_eq "$table" "$(sql_has table "$table")" \
	    "table $table exists"
done
for trigger in audit_no_update audit_no_delete; do
	expect_eq "$trigger" "$(sql_has trigger "$trigger")" \
	    "trigger $trigger exists"
done

schema=$(sql_schema)
rc=0
second=$(dialdesk migrate 2>"$T_DIR/migrate.err") || rc=$?
expect_eq 0 "$rc" "migrate again exits 0"
expect_eq "$first" "$second" "and says the same version"
expect_eq "$schema" "$(sql_schema)" "the schema is unchanged"
