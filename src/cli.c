/* cli.c: `dialdesk migrate`, `dialdesk user ...`, `dialdesk audit
 * verify|checkpoint` and `dialdesk routes`. Changes made here are audited
 * with actor "system" and the name of the Unix user who ran the command. */
#include "autoconf.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "audit.h"
#include "auth.h"
#include "cli.h"
#include "config.h"
#include "dnc.h"
#include "params.h"
#include "router.h"
#include "store.h"
#include "store/copy.h"
#include "store/users.h"
#include "users.h"

static struct db *
open_db(const struct config *cfg, int need_current)
{
	struct db	*db;
	int		 v;

	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL) {
		fprintf(stderr, "dialdesk: cannot open %s\n",
		    config_database_shown(cfg));
		return NULL;
	}
	if (need_current && (v = db_schema_version(db)) != db_schema_latest()) {
		fprintf(stderr, "dialdesk: database is at schema version %d, "
		    "expected %d: run `dialdesk migrate`\n", v,
		    db_schema_latest());
		db_close(db);
		return NULL;
	}
	return db;
}

/* The audit key for a command that appends to or checks the log. */
static int
open_audit(const struct config *cfg, int create)
{
	char	 err[512];

	if (audit_open(cfg, create, err, sizeof(err)) == -1) {
		fprintf(stderr, "dialdesk: %s\n", err);
		return -1;
	}
	return 0;
}

/* The database at this binary's schema with the audit key read: what a
 * command that appends to the log or checks it needs. NULL (said on
 * standard error) when either is missing. */
static struct db *
open_keyed(const struct config *cfg)
{
	struct db	*db;

	if ((db = open_db(cfg, 1)) == NULL)
		return NULL;
	if (open_audit(cfg, 0) == -1) {
		db_close(db);
		return NULL;
	}
	return db;
}

/*
 * The schema, then the audit log's anchors: the key (made when missing,
 * unless the log is keyed already: a new key would leave it unverifiable),
 * the marker entry from which the chain is keyed, and a checkpoint, so
 * that even a new installation has one to be checked against.
 */
int
cli_migrate(const struct config *cfg)
{
	struct db	*db;
	char		 err[512];
	int64_t		 marker = 0;
	int		 rc = 1, v;

	if ((db = open_db(cfg, 0)) == NULL)
		return 1;
	if ((v = db_schema_version(db)) == -1 ||
	    (v >= 1 && audit_marker(db, &marker) == -1)) {
		fprintf(stderr, "dialdesk: migrate: cannot read the database\n");
		goto out;
	}
	if (open_audit(cfg, marker == 0) == -1)
		goto out;
	/* The do-not-call key, made when missing, unless the list has
	 * entries already: they would never match under a new key. */
	if (dnc_open(cfg, v < DNC_SCHEMA || dnc_count(db) == 0, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "dialdesk: %s\n", err);
		goto out;
	}
	if (db_migrate(db, err, sizeof(err)) == -1)
		fprintf(stderr, "dialdesk: migrate: %s\n", err);
	else
		rc = 0;
	/* Also after a later migration failed: 004 may be in already. */
	if (db_schema_version(db) >= AUDIT_KEYED_SCHEMA) {
		if (audit_mark_keyed(db) == -1) {
			fprintf(stderr, "dialdesk: migrate: cannot write the "
			    "audit log's marker entry\n");
			rc = 1;
		} else if (audit_checkpoint(db, err, sizeof(err)) == -1) {
			fprintf(stderr, "dialdesk: migrate: %s\n", err);
			rc = 1;
		}
	}
	if (rc == 0)
		printf("database at version %d\n", db_schema_version(db));
out:
	audit_close();
	dnc_close();
	db_close(db);
	return rc;
}

/* Who ran the command, for the audit log's address column. */
static struct audit_actor
system_actor(char *buf, size_t bufsz)
{
	struct passwd		*pw = getpwuid(getuid());
	struct audit_actor	 a = { 0, "system", buf, "dialdesk-cli" };

	snprintf(buf, bufsz, "local:%s", pw != NULL ? pw->pw_name : "?");
	return a;
}

/* Read a password: prompted twice without echo on a terminal, else one
 * line of standard input. Returns a malloc()ed string or NULL. */
static char *
read_password(void)
{
	struct termios	 t, quiet;
	char		*a = NULL, *b = NULL;
	size_t		 asz = 0, bsz = 0;
	ssize_t		 n;
	int		 tty = isatty(STDIN_FILENO);

	if (tty) {
		if (tcgetattr(STDIN_FILENO, &t) == -1)
			return NULL;
		quiet = t;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		fputs("Password: ", stderr);
	}
	n = getline(&a, &asz, stdin);
	if (tty && n > 0) {
		fputs("\nAgain: ", stderr);
		if (getline(&b, &bsz, stdin) < 0) {
			free(b);
			b = NULL;
		}
		fputs("\n", stderr);
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	if (n <= 0) {
		free(a);
		fprintf(stderr, "dialdesk: no password given\n");
		return NULL;
	}
	a[strcspn(a, "\r\n")] = '\0';
	if (tty) {
		if (b != NULL)
			b[strcspn(b, "\r\n")] = '\0';
		if (b == NULL || strcmp(a, b) != 0) {
			fprintf(stderr, "dialdesk: passwords differ\n");
			sodium_memzero(a, strlen(a));
			free(a);
			a = NULL;
		}
		if (b != NULL)
			sodium_memzero(b, strlen(b));
		free(b);
	}
	return a;
}

/* Look a user up by name for a change: 1 with *id, else 0 after the
 * message. */
static int
cli_user_id(struct db *db, const char *name, int64_t *id)
{
	struct user	 u;
	int		 missing = store_user_by_name(db, name, &u);

	if (missing != 0) {
		if (missing == 1)
			fprintf(stderr, "dialdesk: no user %s\n", name);
		else
			fprintf(stderr, "dialdesk: cannot read the users\n");
		return 0;
	}
	*id = u.id;
	user_clear(&u);
	return 1;
}

/* The outcome of a change, in English; the exit status. */
static int
cli_result(enum users_result rc, enum password_problem p, const char *name,
    const char *done)
{
	if (rc == USERS_OK) {
		printf("user %s %s\n", name, done);
		return 0;
	}
	if (rc == USERS_WEAK_PASSWORD)
		fprintf(stderr, "dialdesk: %s\n", password_problem_en(p));
	else
		fprintf(stderr, "dialdesk: %s: %s\n", name,
		    users_result_en(rc));
	return rc == USERS_BAD_ROLE || rc == USERS_BAD_NAME ||
	    rc == USERS_BAD_LOGIN ? 2 : 1;
}

static int
user_cmd(const struct config *cfg, struct db *db, const char *cmd,
    const char *name, const char *arg)
{
	char			 addr[64], done[160], *pw = NULL;
	struct audit_actor	 who = system_actor(addr, sizeof(addr));
	enum password_problem	 p = PW_OK;
	enum users_result	 rc;
	int64_t			 id = 0;

	if (strcmp(cmd, "add") == 0) {
		if (role_parse(arg) == ROLE_NONE)
			return cli_result(USERS_BAD_ROLE, p, name, "");
		if ((pw = read_password()) == NULL)
			return 1;
		rc = users_create(db, &who, name, role_parse(arg), pw, 0,
		    cfg->password_min_length, &p, NULL);
		snprintf(done, sizeof(done), "created (%s)", arg);
	} else {
		if (!cli_user_id(db, name, &id))
			return 1;
		if (strcmp(cmd, "passwd") == 0) {
			if ((pw = read_password()) == NULL)
				return 1;
			rc = users_reset_password(db, &who, id, pw, 0,
			    cfg->password_min_length, &p);
			snprintf(done, sizeof(done), "has a new password");
		} else if (strcmp(cmd, "disable") == 0 ||
		    strcmp(cmd, "enable") == 0) {
			rc = users_set_disabled(db, &who, id,
			    strcmp(cmd, "disable") == 0);
			snprintf(done, sizeof(done), "%sd", cmd);
		} else {
			rc = users_set_vendor_login(db, &who, id, arg);
			if (arg[0] != '\0')
				snprintf(done, sizeof(done), "sends tasks as "
				    "vendor account %s", arg);
			else
				snprintf(done, sizeof(done), "sends tasks as "
				    "the configured login_name");
		}
	}
	if (pw != NULL) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	return cli_result(rc, p, name, done);
}

static int
user_usage(void)
{
	fputs("usage: dialdesk user add NAME --role admin|operator|auditor\n"
	    "       dialdesk user passwd NAME\n"
	    "       dialdesk user disable NAME\n"
	    "       dialdesk user enable NAME\n"
	    "       dialdesk user vendor-login NAME [LOGIN]\n"
	    "              (the vendor account NAME's tasks are sent with;\n"
	    "               without LOGIN, the configured login_name)\n",
	    stderr);
	return 2;
}

int
cli_user(const struct config *cfg, int argc, char *argv[])
{
	struct db	*db;
	int		 rc;
	const char	*arg = "";

	if (argc < 3)
		return user_usage();
	if (!username_ok(argv[2]))
		return cli_result(USERS_BAD_NAME, PW_OK, argv[2], "");
	if (strcmp(argv[1], "vendor-login") == 0) {
		if (argc != 3 && argc != 4)
			return user_usage();
		if (argc == 4)
			arg = argv[3];
		if (!users_vendor_login_ok(arg))
			return cli_result(USERS_BAD_LOGIN, PW_OK, argv[2], "");
	} else if (strcmp(argv[1], "add") == 0) {
		if (argc == 5 && strcmp(argv[3], "--role") == 0)
			arg = argv[4];
		else if (argc == 4 && strncmp(argv[3], "--role=", 7) == 0)
			arg = argv[3] + 7;
		else
			return user_usage();
	} else if ((strcmp(argv[1], "passwd") != 0 &&
	    strcmp(argv[1], "disable") != 0 &&
	    strcmp(argv[1], "enable") != 0) || argc != 3)
		return user_usage();

	if ((db = open_keyed(cfg)) == NULL)
		return 1;
	rc = user_cmd(cfg, db, argv[1], argv[2], arg);
	db_close(db);
	return rc;
}

static int
audit_usage(void)
{
	fputs("usage: dialdesk audit verify\n"
	    "       dialdesk audit checkpoint\n", stderr);
	return 2;
}

/* verify: 0 intact, 1 broken (each problem on a line of its own), 2 when
 * it cannot tell. checkpoint: 0 written or nothing new, 1 refused. */
int
cli_audit(const struct config *cfg, int argc, char *argv[])
{
	struct audit_report r;
	struct db	*db;
	char		 msg[512];
	int		 rc;

	if (argc != 2 || (strcmp(argv[1], "verify") != 0 &&
	    strcmp(argv[1], "checkpoint") != 0))
		return audit_usage();
	if ((db = open_keyed(cfg)) == NULL)
		return 2;
	if (strcmp(argv[1], "checkpoint") == 0) {
		rc = audit_checkpoint(db, msg, sizeof(msg));
		audit_close();
		db_close(db);
		if (rc == -1) {
			fprintf(stderr, "dialdesk: no checkpoint: %s\n", msg);
			return 1;
		}
		printf("%s\n", msg);
		return 0;
	}
	rc = audit_verify(db, &r);
	audit_close();
	db_close(db);
	if (rc == -1) {
		fprintf(stderr, "dialdesk: cannot read the audit log or its "
		    "checkpoint file\n");
		return 2;
	}
	if (rc == 0) {
		printf("audit chain intact: %lld entries, head %s\n",
		    (long long)r.entries, r.head);
		printf("keyed with HMAC-SHA-256 from entry %lld (%lld older "
		    "entries under plain SHA-256)\n", (long long)r.marker_id,
		    (long long)r.marker_id - 1);
		printf("%lld checkpoints agree; the newest, %lld of %s, counts "
		    "%lld entries\n", (long long)r.checkpoints,
		    (long long)r.cp_seq, r.cp_time, (long long)r.cp_entries);
		if (r.warning[0] != '\0')
			fprintf(stderr, "dialdesk: warning: %s\n", r.warning);
		return 0;
	}
	if (r.why[0] != '\0' && r.bad_id > 0)
		printf("audit chain broken at entry %lld: %s\n",
		    (long long)r.bad_id, r.why);
	else if (r.why[0] != '\0')
		printf("audit chain broken: %s\n", r.why);
	if (r.cp_why[0] != '\0')
		printf("audit chain broken: %s\n", r.cp_why);
	return 1;
}

int
cli_routes(void)
{
	char	 err[256];

	if (router_check(err, sizeof(err)) == -1) {
		fprintf(stderr, "dialdesk: %s\n", err);
		return 1;
	}
	if (router_print(stdout) == -1) {
		fprintf(stderr, "dialdesk: cannot write the route table\n");
		return 1;
	}
	return 0;
}

static void
copied(void *arg, const char *name, int64_t rows)
{
	(void)arg;
	printf("%-24s %lld rows\n", name, (long long)rows);
}

/* db copy: 0 copied, 1 refused or failed (the target unchanged), 2 usage.
 * --from defaults to the configuration's SQLite database. */
int
cli_db(const struct config *cfg, int argc, char *argv[])
{
	const char	*from = NULL, *to = NULL;
	char		 err[1024];
	int		 i;

	if (argc < 2 || strcmp(argv[1], "copy") != 0)
		goto usage;
	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--from") == 0)
			from = argv[i + 1];
		else if (strcmp(argv[i], "--to") == 0)
			to = argv[i + 1];
		else
			goto usage;
	}
	if (i != argc || to == NULL)
		goto usage;
	if (from == NULL) {
		if (config_is_pg(cfg)) {
			fprintf(stderr, "dialdesk: the configured database is "
			    "PostgreSQL: name the SQLite file with --from\n");
			return 2;
		}
		from = cfg->database;
	}
	if (store_copy_to_pg(from, to, cfg->busy_timeout_ms, copied, NULL,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "dialdesk: db copy: %s\n", err);
		return 1;
	}
	printf("copied %s into the PostgreSQL database: check it with "
	    "dialdesk audit verify\n", strncmp(from, "sqlite:", 7) == 0 ?
	    from + 7 : from);
	return 0;
usage:
	fputs("usage: dialdesk db copy [--from sqlite:PATH] "
	    "--to postgresql://...\n", stderr);
	return 2;
}
