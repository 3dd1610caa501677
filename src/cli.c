/* cli.c: `dialdesk migrate`, `dialdesk user ...`, `dialdesk audit
 * verify` and `dialdesk routes`. Changes made here are audited with actor "system" and the name
 * of the Unix user who ran the command. */
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
#include "db.h"
#include "params.h"
#include "users.h"
#include "router.h"

static struct db *
open_db(const struct config *cfg, int need_current)
{
	struct db	*db;
	int		 v;

	if ((db = db_open(cfg->database, cfg->busy_timeout_ms)) == NULL) {
		fprintf(stderr, "dialdesk: cannot open %s\n", cfg->database);
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

int
cli_migrate(const struct config *cfg)
{
	struct db	*db;
	char		 err[512];

	if ((db = open_db(cfg, 0)) == NULL)
		return 1;
	if (db_migrate(db, err, sizeof(err)) == -1) {
		fprintf(stderr, "dialdesk: migrate: %s\n", err);
		db_close(db);
		return 1;
	}
	printf("database at version %d\n", db_schema_version(db));
	db_close(db);
	return 0;
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

/* Look a user up by name for a change: 1 with *id, else 1 is returned
 * after the message. */
static int
cli_user_id(struct db *db, const char *name, int64_t *id)
{
	struct user	 u;
	int		 found = user_by_name(db, name, &u);

	if (found != 1) {
		fprintf(stderr, "dialdesk: %s\n", found == 0 ?
		    "no such user" : "cannot read the users");
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

	if ((db = open_db(cfg, 1)) == NULL)
		return 1;
	rc = user_cmd(cfg, db, argv[1], argv[2], arg);
	db_close(db);
	return rc;
}

int
cli_audit(const struct config *cfg, int argc, char *argv[])
{
	struct db	*db;
	int64_t		 count, bad;
	char		 head[65], why[256];
	int		 rc;

	if (argc != 2 || strcmp(argv[1], "verify") != 0) {
		fputs("usage: dialdesk audit verify\n", stderr);
		return 2;
	}
	if ((db = open_db(cfg, 1)) == NULL)
		return 2;
	rc = audit_verify(db, &count, head, &bad, why, sizeof(why));
	db_close(db);
	if (rc == 0) {
		printf("audit chain intact: %lld entries, head %s\n",
		    (long long)count, head);
		return 0;
	}
	if (rc == 1) {
		printf("audit chain broken at entry %lld: %s\n",
		    (long long)bad, why);
		return 1;
	}
	fprintf(stderr, "dialdesk: cannot read the audit log\n");
	return 2;
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
