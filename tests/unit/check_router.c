/* check_router.c: the route table keeps its promises (every route with an
 * id names its object and what it does to it), and the access rule of
 * access.c, as a table of who may read and act on what. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "access.h"
#include "auth.h"
#include "http.h"
#include "router.h"

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

int
main(void)
{
	Suite	*s = suite_create("router");
	TCase	*tc = tcase_create("router");
	SRunner	*sr;
	int	 failed;

	tcase_add_test(tc, test_table_checks);
	tcase_add_test(tc, test_id_routes_name_objects);
	tcase_add_test(tc, test_print);
	tcase_add_loop_test(tc, test_rule, 0, sizeof(rules) / sizeof(rules[0]));
	tcase_add_test(tc, test_no_owner);
	tcase_add_test(tc, test_rule_text);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
