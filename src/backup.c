/* backup.c: online backup and offline restore of the SQLite database. */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "backup.h"
#include "config.h"
#include "fileio.h"
#include "keyfile.h"
#include "store.h"
#include "store/maint.h"

/* The database key names a PostgreSQL server rather than a file. */
static int
is_postgres(const char *database)
{
	return strncmp(database, "postgres://", 11) == 0 ||
	    strncmp(database, "postgresql://", 13) == 0;
}

/* The checks a file must pass to be called a backup: SQLite's
 * integrity_check, a schema this program knows, an intact audit chain.
 * The file is left as one file (journal_mode DELETE). Returns 0 or -1
 * with the reason in err; *schema gets the file's schema version. */
static int
check_copy(const char *path, int busy_ms, int *schema, char *err,
    size_t errsz)
{
	struct db	*db;
	struct audit_report r;
	char		 why[512];
	int		 rc = -1, v;

	if ((db = db_open(path, busy_ms)) == NULL) {
		snprintf(err, errsz, "%s: not a database SQLite can open", path);
		return -1;
	}
	switch (store_check_integrity(db, why, sizeof(why))) {
	case 0:
		break;
	case 1:
		snprintf(err, errsz, "%s: integrity_check: %s", path, why);
		goto out;
	default:
		snprintf(err, errsz, "%s: integrity_check cannot run: %s",
		    path, why);
		goto out;
	}
	if ((v = db_schema_version(db)) < 1 || v > db_schema_latest()) {
		snprintf(err, errsz, "%s: schema version %d, this dialdesk "
		    "knows 1 to %d", path, v, db_schema_latest());
		goto out;
	}
	*schema = v;
	/* The chain must be whole. The checkpoint file is the live one: a
	 * copy older than its newest checkpoint (a restore of last week's
	 * backup) disagrees with it without being damaged, so that is said,
	 * not refused. */
	if (audit_verify(db, &r) == -1) {
		snprintf(err, errsz, "%s: cannot read the audit log", path);
		goto out;
	}
	if (r.why[0] != '\0') {
		if (r.bad_id > 0)
			snprintf(err, errsz, "%s: audit chain broken at entry "
			    "%lld: %s", path, (long long)r.bad_id, r.why);
		else
			snprintf(err, errsz, "%s: audit chain broken: %s",
			    path, r.why);
		goto out;
	}
	if (r.cp_why[0] != '\0')
		printf("note: the copy and the checkpoint file %s disagree: "
		    "%s\n", audit_checkpoint_file() != NULL ?
		    audit_checkpoint_file() : "", r.cp_why);
	if (store_single_file(db) == -1) {
		snprintf(err, errsz, "%s: cannot leave WAL mode", path);
		goto out;
	}
	printf("checked: integrity ok, schema version %d, audit chain intact "
	    "(%lld entries, head %s)\n", v, (long long)r.entries, r.head);
	rc = 0;
out:
	db_close(db);
	return rc;
}

/* check_copy() of the copy at tmp, then the audit key it needed is closed.
 * On failure the copy is removed and the reason said after what ("backup
 * not made"). 0 or -1. */
static int
vet_copy(const char *tmp, int busy_ms, int *schema, const char *what)
{
	char	 err[1024] = "";
	int	 rc;

	rc = check_copy(tmp, busy_ms, schema, err, sizeof(err));
	audit_close();
	if (rc == -1) {
		store_remove(tmp);
		fprintf(stderr, "dialdesk: %s: %s\n", what, err);
	}
	return rc;
}

int
backup_run(const struct config *cfg, const char *config_file,
    const char *file)
{
	struct db	*src;
	struct stat	 st;
	char		 tmp[4096], err[1024], key[4096], cps[4096];
	char		*dnc_key;
	int		 schema = 0;

	if (is_postgres(cfg->database)) {
		fprintf(stderr, "dialdesk: the database is PostgreSQL: back it "
		    "up with pg_dump (pg_dump -Fc -f FILE DBNAME)\n");
		return 2;
	}
	if (lstat(file, &st) == 0) {
		fprintf(stderr, "dialdesk: %s exists already: choose a new "
		    "name\n", file);
		return 1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", file, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "dialdesk: %s: name too long\n", file);
		return 2;
	}
	if (access(cfg->database, R_OK) == -1) {
		fprintf(stderr, "dialdesk: %s: %s\n", cfg->database,
		    strerror(errno));
		return 1;
	}
	if (audit_open(cfg, 0, err, sizeof(err)) == -1) {
		fprintf(stderr, "dialdesk: %s\n", err);
		return 1;
	}
	snprintf(key, sizeof(key), "%s", audit_key_file() != NULL ?
	    audit_key_file() : "?");
	snprintf(cps, sizeof(cps), "%s", audit_checkpoint_file() != NULL ?
	    audit_checkpoint_file() : "?");
	if ((src = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL) {
		audit_close();
		return 1;
	}
	if (store_copy_db(src, tmp, err, sizeof(err)) == -1) {
		audit_close();
		db_close(src);
		store_remove(tmp);
		fprintf(stderr, "dialdesk: %s\n", err);
		return 1;
	}
	db_close(src);
	if (vet_copy(tmp, cfg->busy_timeout_ms, &schema, "backup not made") == -1)
		return 1;
	if (chmod(tmp, 0600) == -1 || fileio_sync(tmp) == -1 ||
	    rename(tmp, file) == -1 || fileio_sync_folder(file) == -1) {
		fprintf(stderr, "dialdesk: backup not made: %s: %s\n", file,
		    strerror(errno));
		store_remove(tmp);
		(void)unlink(file);
		return 1;
	}
	printf("backup of %s written to %s (mode 0600, synced)\n",
	    cfg->database, file);
	dnc_key = keyfile_path(cfg->dnc_key_file, cfg->database, ".dnc-key");
	printf("keep beside it, it is not in the database:\n"
	    "  the configuration %s (vendor keys, callback_token)\n"
	    "  the audit key file %s (audit_key_file; keep its copy apart "
	    "from the database's if you can)\n"
	    "  the audit checkpoint file %s (audit_checkpoint_file)\n"
	    "  the do-not-call key file %s (dnc_key_file: without it the "
	    "do-not-call list and the history of numbers sent match nothing)\n"
	    "  the vendor journal (vendor_journal), if a worker was running\n"
	    "uploads in %s are previews in progress and need no backup\n",
	    config_file != NULL ? config_file : "(none: built-in defaults)",
	    key, cps, dnc_key != NULL ? dnc_key : "?", cfg->upload_dir);
	free(dnc_key);
	return 0;
}

/* Does `dialdesk serve` answer on the configured socket? */
static int
serve_running(const char *socket_path)
{
	struct sockaddr_un sun;
	int		 fd, up;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(socket_path) >= sizeof(sun.sun_path))
		return 0;
	memcpy(sun.sun_path, socket_path, strlen(socket_path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	up = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return up;
}

/* Fold the -wal of the database into it, so that the file alone is the
 * database that is put aside. */
static int
checkpoint(const struct config *cfg)
{
	struct db	*db;
	int		 rc;

	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL)
		return -1;
	rc = store_checkpoint(db);
	db_close(db);
	return rc;
}

int
restore_run(const struct config *cfg, const char *file)
{
	struct stat	 old;
	struct tm	 tm;
	time_t		 now = time(NULL);
	char		 tmp[4096], kept[4096], err[1024] = "";
	long		 pid;
	int		 have_old, schema = 0;

	if (is_postgres(cfg->database)) {
		fprintf(stderr, "dialdesk: the database is PostgreSQL: restore "
		    "it with pg_restore\n");
		return 2;
	}
	if (serve_running(cfg->socket)) {
		fprintf(stderr, "dialdesk: dialdesk serve answers on %s: stop "
		    "the service first (systemctl stop dialdesk "
		    "dialdesk-worker)\n", cfg->socket);
		return 1;
	}
	switch (store_in_use(cfg->database, &pid)) {
	case 0:
		break;
	case 1:
		fprintf(stderr, "dialdesk: %s is open in process %ld (the "
		    "worker?): stop it first (systemctl stop dialdesk "
		    "dialdesk-worker)\n", cfg->database, pid);
		return 1;
	default:
		fprintf(stderr, "dialdesk: cannot tell whether %s is in use: "
		    "%s\n", cfg->database, strerror(errno));
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.restoring-%ld", cfg->database,
	    (long)getpid());
	gmtime_r(&now, &tm);
	snprintf(kept, sizeof(kept), "%s.replaced-%04d%02d%02dT%02d%02d%02dZ",
	    cfg->database, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);

	/* Check a copy next to the database, never the backup itself. */
	if (store_copy_file(file, tmp, err, sizeof(err)) == -1) {
		store_remove(tmp);
		fprintf(stderr, "dialdesk: %s\n", err);
		return 1;
	}
	if (audit_open(cfg, 0, err, sizeof(err)) == -1) {
		store_remove(tmp);
		fprintf(stderr, "dialdesk: not restored: %s\n", err);
		return 1;
	}
	if (vet_copy(tmp, cfg->busy_timeout_ms, &schema, "not restored") == -1)
		return 1;

	have_old = stat(cfg->database, &old) == 0;
	if (have_old && (checkpoint(cfg) == -1 ||
	    rename(cfg->database, kept) == -1)) {
		store_remove(tmp);
		fprintf(stderr, "dialdesk: cannot put %s aside: %s\n",
		    cfg->database, errno != 0 ? strerror(errno) : "busy");
		return 1;
	}
	/* The restored file belongs to whoever owned the one it replaces
	 * (restore runs as root, the service as dialdesk). */
	if ((have_old && (chown(tmp, old.st_uid, old.st_gid) == -1 ||
	    chmod(tmp, old.st_mode & 07777) == -1)) ||
	    fileio_sync(tmp) == -1 || rename(tmp, cfg->database) == -1 ||
	    fileio_sync_folder(cfg->database) == -1) {
		fprintf(stderr, "dialdesk: cannot put the restored database in "
		    "place: %s%s%s\n", strerror(errno),
		    have_old ? "; the old one is " : "", have_old ? kept : "");
		store_remove(tmp);
		return 1;
	}
	printf("restored %s from %s\n", cfg->database, file);
	if (have_old)
		printf("the database it replaced is kept as %s\n", kept);
	if (schema < db_schema_latest())
		printf("the backup is at schema version %d: run `dialdesk "
		    "migrate` before starting the service\n", schema);
	return 0;
}
