/* check_store_users.c: the typed store functions of users, sessions,
 * sign-in throttling, known addresses (store/users.h) and object owners
 * (store/access.h), against a temporary migrated database, found and
 * not found. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

/* db.h only for the fixture rows of other subjects (tasks, imports,
 * pushes, do-not-call entries), written as plain SQL. */
#include "db.h"
#include "testdb.h"
#include "store/access.h"
#include "store/users.h"
#include "unit.h"

static struct db *db;

static void
setup(void)
{
	db = testdb_open();
}

static void
teardown(void)
{
	testdb_close(db);
}

static int64_t
add_user(const char *name, enum role role)
{
	int64_t	 id = 0;

	ck_assert_int_eq(store_user_insert(db, name, role, "hash-of-x", 100,
	    &id), 0);
	ck_assert_int_gt(id, 0);
	return id;
}

START_TEST(user_create_and_get)
{
	struct user	 u;
	int64_t		 id = add_user("alice", ROLE_OPERATOR), id2;

	ck_assert_int_eq(store_user_by_name(db, "alice", &u), 0);
	ck_assert_int_eq(u.id, id);
	ck_assert_str_eq(u.name, "alice");
	ck_assert_int_eq(u.role, ROLE_OPERATOR);
	ck_assert_str_eq(u.pwhash, "hash-of-x");
	ck_assert_int_eq(u.disabled, 0);
	ck_assert_str_eq(u.vendor_login, "");
	ck_assert_int_eq(u.must_change, 0);
	ck_assert_int_eq(u.last_login, 0);
	ck_assert_str_eq(u.last_login_addr, "");
	ck_assert_int_eq(u.may_see_phones, 0);
	user_clear(&u);
	ck_assert_int_eq(store_user_by_id(db, id, &u), 0);
	ck_assert_str_eq(u.name, "alice");
	user_clear(&u);
	/* Not found: 1, the struct zeroed. */
	ck_assert_int_eq(store_user_by_name(db, "nobody", &u), 1);
	ck_assert_ptr_null(u.name);
	ck_assert_int_eq(store_user_by_id(db, id + 100, &u), 1);
	ck_assert_ptr_null(u.name);
	/* A taken name: 1, and nothing written. */
	id2 = -5;
	ck_assert_int_eq(store_user_insert(db, "alice", ROLE_ADMIN, "y", 200,
	    &id2), 1);
	ck_assert_int_eq(id2, -5);
	ck_assert_int_eq(store_user_by_name(db, "alice", &u), 0);
	ck_assert_int_eq(u.role, ROLE_OPERATOR);
	user_clear(&u);
}
END_TEST

START_TEST(user_setters)
{
	struct user	 u;
	int64_t		 id = add_user("bob", ROLE_OPERATOR);
	int64_t		 other = add_user("carol", ROLE_AUDITOR);

	ck_assert_int_eq(store_user_set_role(db, id, ROLE_ADMIN, 200), 0);
	ck_assert_int_eq(store_user_set_disabled(db, id, 1, 201), 0);
	ck_assert_int_eq(store_user_set_pwhash(db, id, "new-hash", 202), 0);
	ck_assert_int_eq(store_user_set_must_change(db, id, 1, 203), 0);
	ck_assert_int_eq(store_user_set_vendor_login(db, id, "acct.7", 204), 0);
	ck_assert_int_eq(store_user_set_phones(db, id, 1, 205), 0);
	ck_assert_int_eq(store_user_set_last_login(db, id, "10.1.2.3", 206), 0);
	ck_assert_int_eq(store_user_by_id(db, id, &u), 0);
	ck_assert_int_eq(u.role, ROLE_ADMIN);
	ck_assert_int_eq(u.disabled, 1);
	ck_assert_str_eq(u.pwhash, "new-hash");
	ck_assert_int_eq(u.must_change, 1);
	ck_assert_str_eq(u.vendor_login, "acct.7");
	ck_assert_int_eq(u.may_see_phones, 1);
	ck_assert_int_eq(u.last_login, 206);
	ck_assert_str_eq(u.last_login_addr, "10.1.2.3");
	user_clear(&u);
	/* The other account is untouched. */
	ck_assert_int_eq(store_user_by_id(db, other, &u), 0);
	ck_assert_int_eq(u.role, ROLE_AUDITOR);
	ck_assert_int_eq(u.disabled, 0);
	ck_assert_str_eq(u.pwhash, "hash-of-x");
	ck_assert_str_eq(u.vendor_login, "");
	user_clear(&u);
	/* And back. */
	ck_assert_int_eq(store_user_set_disabled(db, id, 0, 207), 0);
	ck_assert_int_eq(store_user_set_must_change(db, id, 0, 208), 0);
	ck_assert_int_eq(store_user_set_phones(db, id, 0, 209), 0);
	ck_assert_int_eq(store_user_by_id(db, id, &u), 0);
	ck_assert_int_eq(u.disabled, 0);
	ck_assert_int_eq(u.must_change, 0);
	ck_assert_int_eq(u.may_see_phones, 0);
	user_clear(&u);
}
END_TEST

START_TEST(user_other_admins)
{
	int64_t	 a = add_user("a1", ROLE_ADMIN), b, n = -1;

	ck_assert_int_eq(store_user_other_admins(db, a, &n), 0);
	ck_assert_int_eq(n, 0);
	b = add_user("a2", ROLE_ADMIN);
	(void)add_user("op", ROLE_OPERATOR);
	ck_assert_int_eq(store_user_other_admins(db, a, &n), 0);
	ck_assert_int_eq(n, 1);
	/* A disabled administrator does not count. */
	ck_assert_int_eq(store_user_set_disabled(db, b, 1, 300), 0);
	ck_assert_int_eq(store_user_other_admins(db, a, &n), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_user_other_admins(db, b, &n), 0);
	ck_assert_int_eq(n, 1);
}
END_TEST

/* What the list callbacks saw. */
struct seen {
	char	 names[8][16];
	int64_t	 ids[8];
	int64_t	 sessions[8];
	int	 roles[8];
	int	 n;
	int	 stop_at;	/* stop the walk at this row (1-based), 0 never */
};

static int
saw_name(void *arg, int64_t id, const char *name)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, 8);
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	s->ids[s->n++] = id;
	return s->stop_at == s->n;
}

static int
saw_row(void *arg, const struct user_row *u)
{
	struct seen *s = arg;

	ck_assert_int_lt(s->n, 8);
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", u->name);
	s->ids[s->n] = u->id;
	s->roles[s->n] = (int)u->role;
	s->sessions[s->n++] = u->sessions;
	return s->stop_at == s->n;
}

START_TEST(user_lists)
{
	struct seen	 s;
	unsigned char	 h1[32] = { 1 }, h2[32] = { 2 };
	int64_t		 zed = add_user("zed", ROLE_AUDITOR);
	int64_t		 amy = add_user("amy", ROLE_ADMIN);

	ck_assert_int_eq(store_session_insert(db, h1, sizeof(h1), zed, "c1",
	    100, "a", "u"), 0);
	ck_assert_int_eq(store_session_insert(db, h2, sizeof(h2), zed, "c2",
	    100, "a", "u"), 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(store_user_names(db, saw_name, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.names[0], "amy");
	ck_assert_int_eq(s.ids[0], amy);
	ck_assert_str_eq(s.names[1], "zed");
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(store_user_rows(db, saw_row, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.names[0], "amy");
	ck_assert_int_eq(s.roles[0], ROLE_ADMIN);
	ck_assert_int_eq(s.sessions[0], 0);
	ck_assert_str_eq(s.names[1], "zed");
	ck_assert_int_eq(s.ids[1], zed);
	ck_assert_int_eq(s.sessions[1], 2);
	/* A callback that stops the walk makes it fail. */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	ck_assert_int_eq(store_user_rows(db, saw_row, &s), -1);
	ck_assert_int_eq(s.n, 1);
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	ck_assert_int_eq(store_user_names(db, saw_name, &s), -1);
	ck_assert_int_eq(s.n, 1);
}
END_TEST

/* The sessions a user's list shows, newest first. */
struct session_seen {
	int64_t	 ids[8];
	char	 addrs[8][16];
	int	 n;
};

static int
saw_session(void *arg, const struct user_session *v)
{
	struct session_seen *s = arg;

	ck_assert_int_lt(s->n, 8);
	snprintf(s->addrs[s->n], sizeof(s->addrs[0]), "%s", v->addr);
	s->ids[s->n++] = v->id;
	return 0;
}

static int64_t
session_of(const unsigned char h[32])
{
	struct session	 s;
	int		 disabled, rc;
	int64_t		 id;

	rc = store_session_get(db, h, 32, &s, &disabled);
	ck_assert_int_ne(rc, -1);
	id = rc == 0 ? s.id : 0;
	session_clear(&s);
	return id;
}

START_TEST(sessions)
{
	unsigned char	 h1[32] = { 1 }, h2[32] = { 2 }, h3[32] = { 3 };
	unsigned char	 h4[32] = { 4 }, none[32] = { 9 };
	struct session	 s;
	struct session_seen seen;
	int64_t		 u = add_user("dora", ROLE_OPERATOR);
	int64_t		 v = add_user("eve", ROLE_AUDITOR);
	int64_t		 s1, s2, s3;
	int		 disabled = -1, ended = -1;

	ck_assert_int_eq(store_session_insert(db, h1, sizeof(h1), u,
	    "csrf-one", 1000, "10.0.0.1", "Firefox"), 0);
	ck_assert_int_eq(store_session_get(db, h1, sizeof(h1), &s,
	    &disabled), 0);
	ck_assert_int_eq(s.user_id, u);
	ck_assert_str_eq(s.csrf, "csrf-one");
	ck_assert_int_eq(s.created, 1000);
	ck_assert_int_eq(s.last_seen, 1000);
	ck_assert_str_eq(s.user_name, "dora");
	ck_assert_int_eq(s.role, ROLE_OPERATOR);
	ck_assert_str_eq(s.vendor_login, "");
	ck_assert_int_eq(s.must_change, 0);
	ck_assert_int_eq(s.may_see_phones, 0);
	ck_assert_int_eq(disabled, 0);
	s1 = s.id;
	session_clear(&s);
	/* The user's flags come with the session. */
	ck_assert_int_eq(store_user_set_disabled(db, u, 1, 1001), 0);
	ck_assert_int_eq(store_user_set_phones(db, u, 1, 1001), 0);
	ck_assert_int_eq(store_session_get(db, h1, sizeof(h1), &s,
	    &disabled), 0);
	ck_assert_int_eq(disabled, 1);
	ck_assert_int_eq(s.may_see_phones, 1);
	session_clear(&s);
	ck_assert_int_eq(store_user_set_disabled(db, u, 0, 1002), 0);
	/* Not found. */
	ck_assert_int_eq(store_session_get(db, none, sizeof(none), &s,
	    &disabled), 1);
	ck_assert_ptr_null(s.user_name);
	/* Touch. */
	ck_assert_int_eq(store_session_touch(db, s1, 1500), 0);
	ck_assert_int_eq(store_session_get(db, h1, sizeof(h1), &s,
	    &disabled), 0);
	ck_assert_int_eq(s.last_seen, 1500);
	ck_assert_int_eq(s.created, 1000);
	session_clear(&s);

	ck_assert_int_eq(store_session_insert(db, h2, sizeof(h2), u, "c2",
	    1100, "10.0.0.2", "Chrome"), 0);
	ck_assert_int_eq(store_session_insert(db, h3, sizeof(h3), u, "c3",
	    1200, "10.0.0.3", "Safari"), 0);
	ck_assert_int_eq(store_session_insert(db, h4, sizeof(h4), v, "c4",
	    1200, "10.0.0.4", "Edge"), 0);
	s2 = session_of(h2);
	s3 = session_of(h3);
	/* The list: most recently seen first, only the user's. */
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_user_sessions(db, u, saw_session, &seen), 0);
	ck_assert_int_eq(seen.n, 3);
	ck_assert_int_eq(seen.ids[0], s1);
	ck_assert_str_eq(seen.addrs[0], "10.0.0.1");
	ck_assert_int_eq(seen.ids[1], s3);
	ck_assert_int_eq(seen.ids[2], s2);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(store_user_sessions(db, v + 100, saw_session, &seen),
	    0);
	ck_assert_int_eq(seen.n, 0);

	/* One ended. */
	ck_assert_int_eq(store_session_delete(db, s2), 0);
	ck_assert_int_eq(session_of(h2), 0);
	ck_assert_int_eq(session_of(h1), s1);
	/* All but the one kept: the count of those ended. */
	ck_assert_int_eq(store_session_insert(db, h2, sizeof(h2), u, "c2",
	    1300, "10.0.0.2", "Chrome"), 0);
	ck_assert_int_eq(store_session_delete_others(db, u, s1, &ended), 0);
	ck_assert_int_eq(ended, 2);
	ck_assert_int_eq(session_of(h1), s1);
	ck_assert_int_eq(session_of(h2), 0);
	ck_assert_int_eq(session_of(h3), 0);
	ck_assert_int_ne(session_of(h4), 0);
	/* Nothing left to end: 0. */
	ck_assert_int_eq(store_session_delete_others(db, u, s1, &ended), 0);
	ck_assert_int_eq(ended, 0);
	/* Every session of a user. */
	ck_assert_int_eq(store_session_delete_user(db, u), 0);
	ck_assert_int_eq(session_of(h1), 0);
	ck_assert_int_ne(session_of(h4), 0);
}
END_TEST

START_TEST(session_purge)
{
	unsigned char	 idle[32] = { 1 }, old[32] = { 2 }, fresh[32] = { 3 };
	int64_t		 u = add_user("fay", ROLE_OPERATOR);

	ck_assert_int_eq(store_session_insert(db, idle, 32, u, "c", 1000,
	    "a", "u"), 0);
	ck_assert_int_eq(store_session_insert(db, old, 32, u, "c", 500, "a",
	    "u"), 0);
	ck_assert_int_eq(store_session_touch(db, session_of(old), 3000), 0);
	ck_assert_int_eq(store_session_insert(db, fresh, 32, u, "c", 2500,
	    "a", "u"), 0);
	/* Idle since before 2000, or made before 800. */
	ck_assert_int_eq(store_session_purge(db, 2000, 800), 0);
	ck_assert_int_eq(session_of(idle), 0);
	ck_assert_int_eq(session_of(old), 0);
	ck_assert_int_ne(session_of(fresh), 0);
}
END_TEST

START_TEST(throttle_rows)
{
	struct login_failures f = { 10, 3, 50 }, g;

	ck_assert_int_eq(store_fail_get(db, "user:x", &g), 1);
	ck_assert_int_eq(g.count, 0);
	ck_assert_int_eq(store_fail_set(db, "user:x", &f), 0);
	ck_assert_int_eq(store_fail_get(db, "user:x", &g), 0);
	ck_assert_int_eq(g.window_start, 10);
	ck_assert_int_eq(g.count, 3);
	ck_assert_int_eq(g.blocked_until, 50);
	/* Set again: replaced, not added. */
	f.count = 4;
	f.blocked_until = 0;
	ck_assert_int_eq(store_fail_set(db, "user:x", &f), 0);
	ck_assert_int_eq(store_fail_get(db, "user:x", &g), 0);
	ck_assert_int_eq(g.count, 4);
	ck_assert_int_eq(g.blocked_until, 0);
	ck_assert_int_eq(store_fail_get(db, "user:y", &g), 1);
	/* Cleared. */
	ck_assert_int_eq(store_fail_clear(db, "user:x"), 0);
	ck_assert_int_eq(store_fail_get(db, "user:x", &g), 1);
	ck_assert_int_eq(store_fail_clear(db, "user:x"), 0);
	/* Purged: a window begun before 100 whose delay is over at 200. */
	ck_assert_int_eq(store_fail_set(db, "a", &(struct login_failures){
	    50, 1, 0 }), 0);
	ck_assert_int_eq(store_fail_set(db, "b", &(struct login_failures){
	    50, 9, 300 }), 0);
	ck_assert_int_eq(store_fail_set(db, "c", &(struct login_failures){
	    150, 1, 0 }), 0);
	ck_assert_int_eq(store_fail_purge(db, 100, 200), 0);
	ck_assert_int_eq(store_fail_get(db, "a", &g), 1);
	ck_assert_int_eq(store_fail_get(db, "b", &g), 0);
	ck_assert_int_eq(store_fail_get(db, "c", &g), 0);
}
END_TEST

START_TEST(known_rows)
{
	int64_t	 u = add_user("gus", ROLE_OPERATOR);

	ck_assert_int_eq(store_known_get(db, u, "10.0.0.1", 0), 1);
	ck_assert_int_eq(store_known_set(db, u, "10.0.0.1", 1000), 0);
	ck_assert_int_eq(store_known_get(db, u, "10.0.0.1", 1000), 0);
	ck_assert_int_eq(store_known_get(db, u, "10.0.0.1", 1001), 1);
	ck_assert_int_eq(store_known_get(db, u, "10.0.0.2", 0), 1);
	ck_assert_int_eq(store_known_get(db, u + 1, "10.0.0.1", 0), 1);
	/* Set again: the time moves on. */
	ck_assert_int_eq(store_known_set(db, u, "10.0.0.1", 2000), 0);
	ck_assert_int_eq(store_known_get(db, u, "10.0.0.1", 1500), 0);
	ck_assert_int_eq(store_known_set(db, u, "10.0.0.9", 500), 0);
	ck_assert_int_eq(store_known_purge(db, 1000), 0);
	ck_assert_int_eq(store_known_get(db, u, "10.0.0.9", 0), 1);
	ck_assert_int_eq(store_known_get(db, u, "10.0.0.1", 0), 0);
}
END_TEST

static void
sql(const char *text)
{
	testdb_exec(db, text);
}

/* The owner each kind of object gives, and 1 for one that is missing. */
START_TEST(owners)
{
	static const struct {
		enum object	 obj;
		int64_t		 id;
		int		 rc;
		int64_t		 owner;
	} want[] = {
		{ OBJ_TASK, 1, 0, 2 },
		{ OBJ_TASK, 2, 0, 3 },
		{ OBJ_TASK, 99, 1, 0 },
		{ OBJ_BATCH, 7, 0, 3 },		/* its task's owner */
		{ OBJ_BATCH, 99, 1, 0 },
		{ OBJ_IMPORT, 1, 0, 2 },
		{ OBJ_IMPORT, 3, 1, 0 },	/* still loading: none */
		{ OBJ_IMPORT, 99, 1, 0 },
		{ OBJ_PUSH, 5, 0, 0 },		/* the vendor's: nobody */
		{ OBJ_PUSH, 99, 1, 0 },
		{ OBJ_USER, 2, 0, 2 },		/* an account owns itself */
		{ OBJ_USER, 3, 0, 3 },
		{ OBJ_USER, 99, 1, 0 },
		{ OBJ_DNC, 4, 0, 0 },		/* the administrators' */
		{ OBJ_DNC, 99, 1, 0 },
	};
	size_t	 i;
	int64_t	 owner;

	ck_assert_int_eq(add_user("admin", ROLE_ADMIN), 1);
	ck_assert_int_eq(add_user("op2", ROLE_OPERATOR), 2);
	ck_assert_int_eq(add_user("op3", ROLE_OPERATOR), 3);
	sql("INSERT INTO imports (id, user_id, created, state, params,"
	    " file_name, file_path, file_size, file_sha256, format, encoding,"
	    " delimiter, headers, phone_col, name_col) VALUES"
	    " (1, 2, 0, 'confirmed', '{}', 'a.csv', '/x', 1, '', 'csv',"
	    " 'utf-8', ',', '[]', 0, -1),"
	    " (2, 3, 0, 'confirmed', '{}', 'b.csv', '/y', 1, '', 'csv',"
	    " 'utf-8', ',', '[]', 0, -1),"
	    " (3, 2, 0, 'loading', '{}', 'c.csv', '/z', 1, '', 'csv',"
	    " 'utf-8', ',', '[]', 0, -1)");
	sql("INSERT INTO tasks (id, import_id, user_id, name, params,"
	    " login_name, created, state, rows, batch_count) VALUES"
	    " (1, 1, 2, 't1', '{}', '', 0, 'queued', 1, 1),"
	    " (2, 2, 3, 't2', '{}', '', 0, 'queued', 1, 1)");
	sql("INSERT INTO batches (id, task_id, seq, first_seq, rows, state,"
	    " updated) VALUES (7, 2, 1, 1, 1, 'queued', 0)");
	sql("INSERT INTO pushes (id, received, addr, content_type, body,"
	    " body_sha256, sn, vendor_task_id, ok) VALUES"
	    " (5, 0, '127.0.0.1', 'application/json', '{}', 'h', 'sn', 'v', 1)");
	/* a blob literal in each dialect */
	sql(testdb_is_pg() ?
	    "INSERT INTO dnc (id, hash, masked, added_by, added_at) VALUES"
	    " (4, '\\x01'::bytea, '135****0001', 1, 0)" :
	    "INSERT INTO dnc (id, hash, masked, added_by, added_at) VALUES"
	    " (4, x'01', '135****0001', 1, 0)");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		owner = -7;
		ck_assert_msg(store_owner(db, want[i].obj, want[i].id, &owner) ==
		    want[i].rc, "row %zu: rc", i);
		ck_assert_msg(owner == want[i].owner, "row %zu: owner %lld", i,
		    (long long)owner);
	}
	/* No such kind: an error, not a miss. */
	ck_assert_int_eq(store_owner(db, OBJ_NONE, 1, &owner), -1);
	ck_assert_int_eq(store_owner(db, OBJ__MAX, 1, &owner), -1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("store_users");
	TCase	*tc = tcase_create("users");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, user_create_and_get);
	tcase_add_test(tc, user_setters);
	tcase_add_test(tc, user_other_admins);
	tcase_add_test(tc, user_lists);
	tcase_add_test(tc, sessions);
	tcase_add_test(tc, session_purge);
	tcase_add_test(tc, throttle_rows);
	tcase_add_test(tc, known_rows);
	tcase_add_test(tc, owners);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
