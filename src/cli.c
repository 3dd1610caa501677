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

static char *
new_password_hash(void)
{
	char		*pw, *hash;
	const char	*why;

	if ((pw = read_password()) == NULL)
		return NULL;
	if ((why = password_policy(pw)) != NULL) {
		fprintf(stderr, "dialdesk: %s\n", why);
		sodium_memzero(pw, strlen(pw));
		free(pw);
		return NULL;
	}
	if ((hash = malloc(crypto_pwhash_STRBYTES)) == NULL ||
	    password_hash(pw, hash, crypto_pwhash_STRBYTES) == -1) {
		fprintf(stderr, "dialdesk: cannot hash the password\n");
		free(hash);
		hash = NULL;
	}
	sodium_memzero(pw, strlen(pw));
	free(pw);
	return hash;
}

static int
user_add(struct db *db, const char *name, const char *rolename)
{
	char			 addr[64], *hash;
	struct audit_actor	 who = system_actor(addr, sizeof(addr));
	enum role		 role = role_parse(rolename);
	struct user		 u;
	sqlite3_stmt		*st;
	cJSON			*d;
	int			 found;
	int64_t			 now = (int64_t)time(NULL);

	if (role == ROLE_NONE) {
		fprintf(stderr, "dialdesk: role must be admin, operator or "
		    "auditor\n");
		return 2;
	}
	if ((found = user_by_name(db, name, &u)) != 0) {
		if (found == 1) {
			fprintf(stderr, "dialdesk: user %s exists already\n",
			    name);
			user_clear(&u);
		}
		return 1;
	}
	if ((hash = new_password_hash()) == NULL)
		return 1;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "role", role_name(role));
	if (db_begin(db) == -1 || (st = db_stmt(db, STMT_USER_INSERT)) == NULL)
		goto fail;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, role_name(role));
	db_bind_text(st, 3, hash);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, now);
	if (db_exec_stmt(st) != SQLITE_DONE ||
	    audit_append(db, &who, "user.created", name, d) == -1 ||
	    db_commit(db) == -1)
		goto fail;
	cJSON_Delete(d);
	free(hash);
	printf("user %s created (%s)\n", name, role_name(role));
	return 0;
fail:
	db_rollback(db);
	cJSON_Delete(d);
	free(hash);
	fprintf(stderr, "dialdesk: cannot create user %s\n", name);
	return 1;
}

/* passwd or disable: both change one user and end their sessions. */
static int
user_change(struct db *db, const char *name, int disable)
{
	char			 addr[64], *hash = NULL;
	struct audit_actor	 who = system_actor(addr, sizeof(addr));
	struct user		 u;
	sqlite3_stmt		*st;
	cJSON			*d;
	int			 found;
	int64_t			 now = (int64_t)time(NULL);

	if ((found = user_by_name(db, name, &u)) != 1) {
		if (found == 0)
			fprintf(stderr, "dialdesk: no user %s\n", name);
		return 1;
	}
	if (!disable && (hash = new_password_hash()) == NULL) {
		user_clear(&u);
		return 1;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "change", disable ? "disabled" :
	    "password");
	if (db_begin(db) == -1)
		goto fail;
	if (disable) {
		if ((st = db_stmt(db, STMT_USER_SET_DISABLED)) == NULL)
			goto fail;
		db_bind_int(st, 1, 1);
		db_bind_int(st, 2, now);
		db_bind_int(st, 3, u.id);
	} else {
		if ((st = db_stmt(db, STMT_USER_SET_PWHASH)) == NULL)
			goto fail;
		db_bind_text(st, 1, hash);
		db_bind_int(st, 2, now);
		db_bind_int(st, 3, u.id);
	}
	if (db_exec_stmt(st) != SQLITE_DONE ||
	    session_delete_user(db, u.id) == -1 ||
	    audit_append(db, &who, disable ? "user.disabled" : "user.changed",
	    name, d) == -1 || db_commit(db) == -1)
		goto fail;
	printf("user %s %s\n", name, disable ? "disabled" :
	    "has a new password");
	cJSON_Delete(d);
	user_clear(&u);
	free(hash);
	return 0;
fail:
	db_rollback(db);
	cJSON_Delete(d);
	user_clear(&u);
	free(hash);
	fprintf(stderr, "dialdesk: cannot change user %s\n", name);
	return 1;
}

/* The vendor account a user's tasks are sent with: "" means the
 * configured login_name. Sessions go on: nothing about signing in changed. */
static int
user_vendor_login(struct db *db, const char *name, const char *login)
{
	char			 addr[64];
	struct audit_actor	 who = system_actor(addr, sizeof(addr));
	struct user		 u;
	sqlite3_stmt		*st;
	cJSON			*d;
	int			 found, rc = 1;

	if ((found = user_by_name(db, name, &u)) != 1) {
		if (found == 0)
			fprintf(stderr, "dialdesk: no user %s\n", name);
		return 1;
	}
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "vendor_login", login);
	if (db_begin(db) == -1 ||
	    (st = db_stmt(db, STMT_USER_SET_VENDOR_LOGIN)) == NULL)
		goto out;
	db_bind_text(st, 1, login);
	db_bind_int(st, 2, (int64_t)time(NULL));
	db_bind_int(st, 3, u.id);
	if (db_exec_stmt(st) != SQLITE_DONE ||
	    audit_append(db, &who, "user.changed", name, d) == -1 ||
	    db_commit(db) == -1)
		goto out;
	if (login[0] != '\0')
		printf("user %s sends tasks as vendor account %s\n", name, login);
	else
		printf("user %s sends tasks as the configured login_name\n",
		    name);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "dialdesk: cannot change user %s\n", name);
	db_rollback(db);
	cJSON_Delete(d);
	user_clear(&u);
	return rc;
}

/* A vendor account name: what the vendor's loginName may be. */
static int
vendor_login_ok(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len > 64)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("_.@-", s[i])))
			return 0;
	return 1;
}

static int
user_usage(void)
{
	fputs("usage: dialdesk user add NAME --role admin|operator|auditor\n"
	    "       dialdesk user passwd NAME\n"
	    "       dialdesk user disable NAME\n"
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
	const char	*role = NULL;

	if (argc < 3)
		return user_usage();
	if (!username_ok(argv[2])) {
		fprintf(stderr, "dialdesk: user names are 1 to 32 of a-z 0-9 "
		    "_ . -, starting with a letter\n");
		return 2;
	}
	if (strcmp(argv[1], "vendor-login") == 0) {
		if (argc != 3 && argc != 4)
			return user_usage();
		if (argc == 4 && !vendor_login_ok(argv[3])) {
			fprintf(stderr, "dialdesk: a vendor login is at most 64 "
			    "of A-Z a-z 0-9 _ . @ -\n");
			return 2;
		}
		if ((db = open_db(cfg, 1)) == NULL)
			return 1;
		rc = user_vendor_login(db, argv[2], argc == 4 ? argv[3] : "");
		db_close(db);
		return rc;
	}
	if (strcmp(argv[1], "add") == 0) {
		if (argc == 5 && strcmp(argv[3], "--role") == 0)
			role = argv[4];
		else if (argc == 4 && strncmp(argv[3], "--role=", 7) == 0)
			role = argv[3] + 7;
		else
			return user_usage();
	} else if ((strcmp(argv[1], "passwd") != 0 &&
	    strcmp(argv[1], "disable") != 0) || argc != 3)
		return user_usage();

	if ((db = open_db(cfg, 1)) == NULL)
		return 1;
	if (role != NULL)
		rc = user_add(db, argv[2], role);
	else
		rc = user_change(db, argv[2], strcmp(argv[1], "disable") == 0);
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
