/* check_router.c: the route table keeps its promises (every route with an
 * id names its object and what it does to it), and the access rule of
 * access.c, as a table of who may read and act on what. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <sodium.h>

#include "access.h"
#include "audit.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "router.h"
#include "tmpl.h"
#include "unit.h"

START_TEST(test_table_checks)
{
	char	 err[256] = "";

	ck_assert_msg(router_check(err, sizeof(err)) == 0, "%s", err);
}
END_TEST

/* The same promises, read off the table here rather than trusted to
 * router_check(). */
START_TEST(test_id_routes_name_objects)
{
	const struct route *rt;
	size_t		 i, n, ids = 0;
	const char	*hash;

	rt = router_routes(&n);
	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		hash = strchr(rt[i].pattern, '#');
		if (rt[i].object == OBJ_NONE) {
			ck_assert_msg(hash == NULL,
			    "%s has an id but no object", rt[i].pattern);
			ck_assert_int_eq(rt[i].need, NEED_NONE);
			ck_assert_str_eq(rt[i].head, rt[i].pattern);
			continue;
		}
		ids++;
		ck_assert_msg(hash != NULL && strchr(hash + 1, '#') == NULL,
		    "%s must have one id", rt[i].pattern);
		ck_assert_msg(rt[i].need == NEED_READ || rt[i].need == NEED_ACT,
		    "%s neither reads nor acts", rt[i].pattern);
		ck_assert_str_ne(access_object_name(rt[i].object), "-");
		/* No id route is open to everyone, nor reads its own body
		 * past the router's checks. */
		ck_assert_uint_eq(rt[i].flags & (ROUTE_ANON | ROUTE_RAW), 0);
		/* A POST changes its object: it must be an act. The one
		 * kind of POST that only reads is a request for whole phone
		 * numbers, which carries its reason in the body. */
		if (rt[i].methods == 1u << METHOD_POST)
			ck_assert_msg(rt[i].need == NEED_ACT ||
			    (rt[i].flags & ROUTE_FULL_PHONES), "%s is a POST "
			    "that only reads", rt[i].pattern);
	}
	ck_assert_uint_gt(ids, 0);
}
END_TEST

START_TEST(test_print)
{
	const struct route *rt;
	FILE		*fp = tmpfile();
	char		 line[512];
	size_t		 n, lines = 0;

	ck_assert_ptr_nonnull(fp);
	rt = router_routes(&n);
	ck_assert_int_eq(router_print(fp), 0);
	rewind(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		ck_assert_uint_lt(lines, n);
		ck_assert_ptr_nonnull(strstr(line, rt[lines].pattern));
		lines++;
	}
	ck_assert_uint_eq(lines, n);
	fclose(fp);
}
END_TEST

/* The rule: for each kind and need, what admin, the owning operator,
 * another operator, an auditor and nobody may do. */
static const struct rule_case {
	enum object	 obj;
	enum need	 need;
	int		 admin, owner, other, auditor, none;
} rules[] = {
	{ OBJ_TASK,	NEED_READ,	1, 1, 1, 1, 0 },
	{ OBJ_TASK,	NEED_ACT,	1, 1, 0, 0, 0 },
	{ OBJ_BATCH,	NEED_READ,	1, 1, 1, 1, 0 },
	{ OBJ_BATCH,	NEED_ACT,	1, 1, 0, 0, 0 },
	{ OBJ_IMPORT,	NEED_READ,	1, 1, 0, 1, 0 },
	{ OBJ_IMPORT,	NEED_ACT,	1, 1, 0, 0, 0 },
	{ OBJ_PUSH,	NEED_READ,	1, 0, 0, 0, 0 },
	{ OBJ_PUSH,	NEED_ACT,	1, 0, 0, 0, 0 },
	{ OBJ_NONE,	NEED_READ,	0, 0, 0, 0, 0 },
	{ OBJ_TASK,	NEED_NONE,	0, 0, 0, 0, 0 },
};

START_TEST(test_rule)
{
	const struct rule_case *c = &rules[_i];
	const int64_t	 owner = 7, me = 7, someone = 8;

	ck_assert_int_eq(access_allowed(c->obj, c->need, ROLE_ADMIN, someone,
	    owner), c->admin);
	ck_assert_int_eq(access_allowed(c->obj, c->need, ROLE_OPERATOR, me,
	    owner), c->owner);
	ck_assert_int_eq(access_allowed(c->obj, c->need, ROLE_OPERATOR,
	    someone, owner), c->other);
	ck_assert_int_eq(access_allowed(c->obj, c->need, ROLE_AUDITOR, someone,
	    owner), c->auditor);
	ck_assert_int_eq(access_allowed(c->obj, c->need, ROLE_NONE, me,
	    owner), c->none);
	/* An auditor's own object gives no more right than anyone's. */
	ck_assert_int_eq(access_allowed(c->obj, c->need, ROLE_AUDITOR, me,
	    owner), c->auditor);
}
END_TEST

/* Owner 0 (a push, or a lookup that found none) is nobody's own. */
START_TEST(test_no_owner)
{
	ck_assert_int_eq(access_allowed(OBJ_PUSH, NEED_ACT, ROLE_OPERATOR, 0,
	    0), 0);
	ck_assert_int_eq(access_allowed(OBJ_TASK, NEED_ACT, ROLE_OPERATOR, 0,
	    0), 0);
}
END_TEST

START_TEST(test_rule_text)
{
	char	 buf[128];

	ck_assert_str_eq(access_rule_text(OBJ_TASK, NEED_ACT,
	    ROLE_ADMIN | ROLE_OPERATOR, buf, sizeof(buf)),
	    "admin,operator(owner)");
	ck_assert_str_eq(access_rule_text(OBJ_IMPORT, NEED_READ, ROLE_ANY, buf,
	    sizeof(buf)), "admin,operator(owner),auditor");
	ck_assert_str_eq(access_rule_text(OBJ_TASK, NEED_READ, ROLE_ANY, buf,
	    sizeof(buf)), "admin,operator,auditor");
	ck_assert_str_eq(access_rule_text(OBJ_PUSH, NEED_ACT, ROLE_AUDITOR, buf,
	    sizeof(buf)), "nobody");
	ck_assert_str_eq(access_rule_text(OBJ_NONE, NEED_NONE, ROLE_ANY, buf,
	    sizeof(buf)), "-");
}
END_TEST

/*
 * The decisions before any handler, made by router_handle() on requests
 * built here against a temporary database: 404 and 405, sign-in, role,
 * CSRF (token and origin) before the object is looked up, owner, whole
 * phone numbers, a password that must change; and the actor of what is
 * recorded is the session's user.
 */

/* A response, kept whole. */
struct memio {
	char	 out[65536];
	size_t	 len;
	const char *body;
	size_t	 off;
};

static int
mem_read(void *ctx, char *buf, int n)
{
	struct memio	*m = ctx;
	size_t		 k = strlen(m->body + m->off);

	if (k > (size_t)n)
		k = (size_t)n;
	memcpy(buf, m->body + m->off, k);
	m->off += k;
	return (int)k;
}

static int
mem_write(void *ctx, const char *buf, int n)
{
	struct memio	*m = ctx;

	if (m->len + (size_t)n >= sizeof(m->out))
		n = (int)(sizeof(m->out) - 1 - m->len);
	memcpy(m->out + m->len, buf, (size_t)n);
	m->len += (size_t)n;
	m->out[m->len] = '\0';
	return 0;
}

enum who { ANON, ADMIN, OP_A, OP_B, AUDITOR, MUST_CHANGE, WHO__MAX };

static char		 dbpath[64];
static struct config	 cfg;
static struct db	*db;
static char		 cookie[WHO__MAX][TOKEN_HEX], csrf[WHO__MAX][TOKEN_HEX];
static struct memio	 mio;

static void
rsetup(void)
{
	static const char *const names[WHO__MAX] = { NULL, "admin", "opa",
	    "opb", "aud", "newbie" };
	struct session	 s;
	char		 err[512];
	int		 fd, i;
	int64_t		 now = (int64_t)time(NULL);
	static int	 loaded;	/* once a process (CK_FORK=no) */

	ck_assert_int_ne(sodium_init(), -1);
	if (!loaded)
		ck_assert_msg(tmpl_init_embedded(err, sizeof(err)) == 0, "%s",
		    err);
	loaded = 1;
	snprintf(dbpath, sizeof(dbpath), "/tmp/check_router.XXXXXX");
	ck_assert_int_ne(fd = mkstemp(dbpath), -1);
	close(fd);
	config_defaults(&cfg);
	free(cfg.database);
	cfg.database = strdup(dbpath);
	ck_assert_msg(audit_open(&cfg, 1, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(db = db_open(dbpath, 1000));
	ck_assert_msg(db_migrate(db, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(sqlite3_exec(db_handle(db),
	    "INSERT INTO users (id, name, role, pwhash, created, updated,"
	    " must_change) VALUES (1, 'admin', 'admin', 'x', 0, 0, 0),"
	    " (2, 'opa', 'operator', 'x', 0, 0, 0),"
	    " (3, 'opb', 'operator', 'x', 0, 0, 0),"
	    " (4, 'aud', 'auditor', 'x', 0, 0, 0),"
	    " (5, 'newbie', 'operator', 'x', 0, 0, 1);"
	    "INSERT INTO imports (id, user_id, created, state, params,"
	    " file_name, file_path, file_size, file_sha256, format, encoding,"
	    " delimiter, headers, phone_col, name_col) VALUES"
	    " (1, 2, 0, 'confirmed', '{}', 'l.csv', '/x', 0, '', '', '', '',"
	    " '[]', 0, 0),"
	    " (2, 2, 0, 'loading', '{}', 'm.csv', '/y', 0, '', '', '', '',"
	    " '[]', 0, 0);"
	    "INSERT INTO tasks (id, import_id, user_id, name, params,"
	    " login_name, created, state, rows, batch_count) VALUES"
	    " (1, 1, 2, 't', '{}', 'x', 0, 'sent', 1, 1)",
	    NULL, NULL, NULL), SQLITE_OK);
	for (i = ADMIN; i < WHO__MAX; i++) {
		ck_assert_int_eq(db_begin(db), 0);
		ck_assert_int_eq(session_create(db, i, "127.0.0.1", "check",
		    now, cookie[i]), 0);
		ck_assert_int_eq(db_commit(db), 0);
		ck_assert_int_eq(session_lookup(db, cookie[i], now, 3600, 3600,
		    &s), SESSION_OK);
		ck_assert_str_eq(s.user_name, names[i]);
		memcpy(csrf[i], s.csrf, TOKEN_HEX);
		session_clear(&s);
	}
}

static void
rteardown(void)
{
	static const char *const suffix[] = { "", ".audit-key",
	    ".audit-checkpoints", "-wal", "-shm" };
	char	 p[128];
	size_t	 i;

	db_close(db);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", dbpath, suffix[i]);
		unlink(p);
	}
	audit_close();
	config_free(&cfg);
}

/* What to send: extra is one more CGI variable (an Origin), token 1 puts
 * the session's CSRF token in the body, 2 a wrong one. */
struct ask {
	const char	*method, *path;
	enum who	 who;
	int		 token;
	const char	*extra;
	int		 callback_pool;
};

#define TOKEN_WRONG \
	"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* Send a request through the router: the status it answered. */
static int
ask(const struct ask *a)
{
	char		 m[32], p[128], c[128], body[256], cl[32];
	char		*env[12];
	struct http_io	 io = { &mio, mem_read, mem_write, env };
	int		 n = 0, status;

	memset(&mio, 0, sizeof(mio));
	body[0] = '\0';
	if (a->token)
		snprintf(body, sizeof(body), "csrf=%s", a->token == 1 ?
		    csrf[a->who] : TOKEN_WRONG);
	mio.body = body;
	snprintf(m, sizeof(m), "REQUEST_METHOD=%s", a->method);
	snprintf(p, sizeof(p), "DOCUMENT_URI=%s", a->path);
	snprintf(cl, sizeof(cl), "CONTENT_LENGTH=%zu", strlen(body));
	env[n++] = m;
	env[n++] = p;
	env[n++] = (char *)"REMOTE_ADDR=127.0.0.1";
	env[n++] = (char *)"HTTP_HOST=console.test";
	env[n++] = (char *)"CONTENT_TYPE=application/x-www-form-urlencoded";
	env[n++] = cl;
	if (a->who != ANON) {
		snprintf(c, sizeof(c), "HTTP_COOKIE=dd_session=%s",
		    cookie[a->who]);
		env[n++] = c;
	}
	if (a->extra != NULL)
		env[n++] = (char *)a->extra;
	env[n] = NULL;
	if (a->callback_pool)
		router_handle_callback(&io, &cfg, db);
	else
		router_handle(&io, &cfg, db);
	ck_assert_int_eq(sscanf(mio.out, "Status: %d", &status), 1);
	return status;
}

/* Requests and the status the router answers before (or by letting) the
 * handler; "handler" marks the ones that reach it (any status but these
 * refusals). */
#define HANDLER	0
#define ASK(m, p, w, t, x, cb)	{ m, p, w, t, x, cb }
static const struct decision {
	struct ask	 a;
	int		 status;
	const char	*header;	/* in the answer, when not NULL */
	const char	*audit;		/* reason recorded, when not NULL */
} decisions[] = {
	/* Paths and methods. */
	{ ASK("GET", "/no-such-page", ADMIN, 0, NULL, 0), 404, NULL, NULL },
	{ ASK("GET", "/tasks/0", ADMIN, 0, NULL, 0), 404, NULL, NULL },
	{ ASK("GET", "/tasks/01", ADMIN, 0, NULL, 0), 404, NULL, NULL },
	{ ASK("GET", "/tasks/99999999999999999999", ADMIN, 0, NULL, 0),
	  404, NULL, NULL },
	{ ASK("GET", "/logout", ADMIN, 0, NULL, 0),
	  405, "Allow: POST\r\n", NULL },
	{ ASK("POST", "/tasks", ADMIN, 1, NULL, 0),
	  405, "Allow: GET, HEAD\r\n", NULL },
	{ ASK("PUT", "/login", ANON, 0, NULL, 0),
	  405, "Allow: GET, HEAD, POST\r\n", NULL },
	/* Signing in. */
	{ ASK("GET", "/tasks", ANON, 0, NULL, 0),
	  303, "Location: /login?next=%2Ftasks\r\n", NULL },
	{ ASK("POST", "/tasks/1/cancel", ANON, 0, NULL, 0),
	  303, "Location: /login\r\n", NULL },
	{ ASK("GET", "/tasks", MUST_CHANGE, 0, NULL, 0),
	  303, "Location: /account\r\n", NULL },
	/* Roles. */
	{ ASK("GET", "/users", AUDITOR, 0, NULL, 0), 403, NULL, "role" },
	{ ASK("GET", "/pushes", OP_A, 0, NULL, 0), 403, NULL, "role" },
	{ ASK("GET", "/pushes", ADMIN, 0, NULL, 0), 200, NULL, NULL },
	{ ASK("POST", "/tasks/1/cancel", AUDITOR, 1, NULL, 0),
	  403, NULL, "role" },
	{ ASK("GET", "/audit", AUDITOR, 0, NULL, 0), 200, NULL, NULL },
	/* CSRF: before the object is looked up, so push 99 that does not
	 * exist answers 403, not 404. */
	{ ASK("POST", "/pushes/99/link", ADMIN, 0, NULL, 0),
	  403, NULL, "token missing" },
	{ ASK("POST", "/pushes/99/link", ADMIN, 2, NULL, 0),
	  403, NULL, "token mismatch" },
	{ ASK("POST", "/pushes/99/link", ADMIN, 1,
	    "HTTP_ORIGIN=http://evil.test", 0), 403, NULL, "origin" },
	{ ASK("POST", "/pushes/99/link", ADMIN, 1,
	    "HTTP_REFERER=http://console.test.evil.test/", 0),
	  403, NULL, "origin" },
	{ ASK("POST", "/pushes/99/link", ADMIN, 1,
	    "HTTP_ORIGIN=http://console.test", 0), 404, NULL, NULL },
	{ ASK("POST", "/pushes/99/link", ADMIN, 1, NULL, 0), 404, NULL, NULL },
	/* Owners. */
	{ ASK("POST", "/tasks/99/cancel", OP_A, 1, NULL, 0), 404, NULL, NULL },
	{ ASK("POST", "/tasks/1/cancel", OP_B, 1, NULL, 0),
	  403, NULL, "owner" },
	{ ASK("GET", "/imports/1", OP_B, 0, NULL, 0), 403, NULL, "owner" },
	{ ASK("GET", "/imports/1", AUDITOR, 0, NULL, 0), HANDLER, NULL, NULL },
	/* An import still being loaded is no object yet, even its owner's. */
	{ ASK("GET", "/imports/2", OP_A, 0, NULL, 0), 404, NULL, NULL },
	{ ASK("POST", "/tasks/1/cancel", OP_A, 1, NULL, 0),
	  HANDLER, NULL, NULL },
	{ ASK("POST", "/tasks/1/cancel", ADMIN, 1, NULL, 0),
	  HANDLER, NULL, NULL },
	/* Whole numbers only for accounts allowed them. */
	{ ASK("POST", "/imports/1/reveal", OP_A, 1, NULL, 0),
	  403, NULL, "phones" },
	/* The callback pool serves /callback/ only. */
	{ ASK("GET", "/tasks", ADMIN, 0, NULL, 1), 404, NULL, NULL },
};

START_TEST(test_decisions)
{
	const struct decision *d = &decisions[_i];
	char	 sql[256];
	int	 status = ask(&d->a);

	if (d->status == HANDLER)
		ck_assert_msg(status != 403 && status != 404 && status != 405 &&
		    !(status == 303 && strstr(mio.out, "Location: /login")),
		    "%s %s: %d", d->a.method, d->a.path, status);
	else
		ck_assert_msg(status == d->status, "%s %s: %d, want %d",
		    d->a.method, d->a.path, status, d->status);
	if (d->header != NULL)
		ck_assert_msg(strstr(mio.out, d->header) != NULL,
		    "%s %s: no %s", d->a.method, d->a.path, d->header);
	if (d->audit == NULL)
		return;
	/* Recorded once, as done by the session's user. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE"
	    " json_extract(details, '$.reason') = '%s' AND actor_id = %d"
	    " AND object = '%s'", d->audit, (int)d->a.who, d->a.path);
	{
		sqlite3_stmt	*st;

		ck_assert_int_eq(sqlite3_prepare_v2(db_handle(db), sql, -1,
		    &st, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
	}
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("router");
	TCase	*tc = tcase_create("router");
	TCase	*rq = tcase_create("requests");

	tcase_add_test(tc, test_table_checks);
	tcase_add_test(tc, test_id_routes_name_objects);
	tcase_add_test(tc, test_print);
	tcase_add_loop_test(tc, test_rule, 0, sizeof(rules) / sizeof(rules[0]));
	tcase_add_test(tc, test_no_owner);
	tcase_add_test(tc, test_rule_text);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(rq, rsetup, rteardown);
	tcase_add_loop_test(rq, test_decisions, 0,
	    sizeof(decisions) / sizeof(decisions[0]));
	suite_add_tcase(s, rq);
	return unit_run(s);
}
