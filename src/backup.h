/* backup.h: `dialdesk backup FILE` and `dialdesk restore FILE`: a
 * consistent copy of the SQLite database while the service runs (SQLite's
 * online backup API), checked before it is called a backup, and a restore
 * that refuses while anything has the database open and keeps what it
 * replaces. */
#ifndef DIALDESK_BACKUP_H
#define DIALDESK_BACKUP_H

struct config;

/* Copy the database to file (which must not exist), fsync it, run
 * integrity_check and the audit chain's verification on the copy, and
 * print what else must be kept beside it. config_file is the file the
 * configuration came from (NULL: built-in defaults). Returns the exit
 * status: 0, 1 (failed, nothing left behind), 2 (usage; PostgreSQL). */
int	backup_run(const struct config *, const char *config_file,
	    const char *file);

/* Check file as a backup (integrity, schema, audit chain), then put it in
 * place of the database, keeping the replaced one as
 * DATABASE.replaced-YYYYMMDDTHHMMSSZ. Refuses while `dialdesk serve`
 * answers on its socket or any process has the database open. Returns the
 * exit status: 0, 1, 2 as backup_run. */
int	restore_run(const struct config *, const char *file);

#endif
