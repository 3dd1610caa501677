/* check_params.c: every validator of params.c, as tables of values it
 * must accept and values it must refuse. */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "http.h"
#include "params.h"
#include "unit.h"

struct vcase {
	int		(*fn)(struct kpair *);
	const char	*val;
	size_t		 len;	/* 0: strlen */
	int		 ok;
	int64_t		 parsed;
};

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct vcase cases[] = {
	/* The character-class validators (one strspn each): a NUL inside
	 * the value, a character just outside the class, the empty value. */
	{ valid_token, "0123456789abcdef0123456789abcdef\0"
	    "123456789abcdef0123456789abcdef", 64, 0, 0 },
	{ valid_vendor_id, "Task_1.a:b-Z9", 0, 1, 0 },
	{ valid_vendor_id, "a b", 0, 0, 0 },
	{ valid_vendor_id, "a/b", 0, 0, 0 },
	{ valid_vendor_id, "a\0b", 3, 0, 0 },
	{ valid_vendor_id, "", 0, 0, 0 },
	{ valid_vendor_id, "x0123456789012345678901234567890123456789012345678901234567890123", 0, 0, 0 },
	{ valid_action, "task.cancel_all", 0, 1, 0 },
	{ valid_action, "Task.cancel", 0, 0, 0 },
	{ valid_action, "task-cancel", 0, 0, 0 },
	{ valid_action, "a\0b", 3, 0, 0 },
	{ valid_action, "", 0, 0, 0 },
	{ valid_id, "9007199254740992", 0, 1, 9007199254740992LL },
	{ valid_id, "9007199254740993", 0, 0, 0 },
	{ valid_token, HEX64, 0, 1, 0 },
	{ valid_token, "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", 0, 0, 0 },
	{ valid_token, "abc", 0, 0, 0 },
	{ valid_token, HEX64 "0", 0, 0, 0 },
	{ valid_token, "", 0, 0, 0 },
	{ valid_username, "admin", 0, 1, 0 },
	{ valid_username, "op.li-2_x", 0, 1, 0 },
	{ valid_username, "Admin", 0, 0, 0 },
	{ valid_username, "1admin", 0, 0, 0 },
	{ valid_username, "", 0, 0, 0 },
	{ valid_username, "abcdefghijklmnopqrstuvwxyz0123456", 0, 0, 0 },
	{ valid_username, "a b", 0, 0, 0 },
	{ valid_username, "ad\0min", 6, 0, 0 },
	{ valid_username, "张三", 0, 0, 0 },
	{ valid_password, "correct horse battery", 0, 1, 0 },
	{ valid_password, "密码密码密码", 0, 1, 0 },
	{ valid_password, "", 0, 0, 0 },
	{ valid_password, "a\0b", 3, 0, 0 },
	{ valid_password, "\xff\xfe", 0, 0, 0 },
	{ valid_localpath, "/", 0, 1, 0 },
	{ valid_localpath, "/audit", 0, 1, 0 },
	{ valid_localpath, "/tasks/12?page=2", 0, 1, 0 },
	{ valid_localpath, "//evil.example", 0, 0, 0 },
	{ valid_localpath, "/\\evil.example", 0, 0, 0 },
	{ valid_localpath, "https://evil.example/", 0, 0, 0 },
	{ valid_localpath, "audit", 0, 0, 0 },
	{ valid_localpath, "/a b", 0, 0, 0 },
	{ valid_localpath, "", 0, 0, 0 },
	{ valid_sheet, "0", 0, 1, 0 },
	{ valid_sheet, "4095", 0, 1, 4095 },
	{ valid_sheet, "4096", 0, 0, 0 },
	{ valid_sheet, "-1", 0, 0, 0 },
	{ valid_sheet, "", 0, 0, 0 },
	{ valid_header_row, "0", 0, 1, 0 },
	{ valid_header_row, "4", 0, 1, 4 },
	{ valid_header_row, "1048576", 0, 1, 1048576 },
	{ valid_header_row, "1048577", 0, 0, 0 },
	{ valid_header_row, "a", 0, 0, 0 },
	{ valid_page, "1", 0, 1, 1 },
	{ valid_page, "500", 0, 1, 500 },
	{ valid_page, "1000000", 0, 1, 1000000 },
	{ valid_page, "1000001", 0, 0, 0 },
	{ valid_page, "0", 0, 0, 0 },
	{ valid_page, "-1", 0, 0, 0 },
	{ valid_page, "2a", 0, 0, 0 },
	{ valid_page, "", 0, 0, 0 },
	{ valid_page, "99999999999999999999", 0, 0, 0 },
	{ valid_line, "张三", 0, 1, 0 },
	{ valid_line, "", 0, 1, 0 },
	{ valid_line, "a\nb", 0, 0, 0 },
	{ valid_line, "a\x01", 0, 0, 0 },
	{ valid_action, "login.ok", 0, 1, 0 },
	{ valid_action, "permission.denied", 0, 1, 0 },
	{ valid_action, "Login", 0, 0, 0 },
	{ valid_action, "", 0, 0, 0 },
	{ valid_action, "a;drop", 0, 0, 0 },
	{ valid_date, "2026-11-21", 0, 1, 20261121 },
	{ valid_date, "2024-02-29", 0, 1, 20240229 },
	{ valid_date, "2023-02-29", 0, 0, 0 },
	{ valid_date, "2100-02-29", 0, 0, 0 },
	{ valid_date, "2000-02-29", 0, 1, 20000229 },
	{ valid_date, "2026-04-31", 0, 0, 0 },
	{ valid_date, "2026-13-01", 0, 0, 0 },
	{ valid_date, "2026-1-01", 0, 0, 0 },
	{ valid_date, "26-11-21", 0, 0, 0 },
	{ valid_date, "2026/11/21", 0, 0, 0 },
	{ valid_date, "", 0, 0, 0 },
	/* The duplicate rule of the task form (dnc.h). */
	{ valid_dup_scope, "list", 0, 1, 0 },
	{ valid_dup_scope, "mine", 0, 1, 1 },
	{ valid_dup_scope, "all", 0, 1, 2 },
	{ valid_dup_scope, "All", 0, 0, 0 },
	{ valid_dup_scope, "everyone", 0, 0, 0 },
	{ valid_dup_scope, "", 0, 0, 0 },
	{ valid_dup_days, "1", 0, 1, 1 },
	{ valid_dup_days, "30", 0, 1, 30 },
	{ valid_dup_days, "365", 0, 1, 365 },
	{ valid_dup_days, "0", 0, 0, 0 },
	{ valid_dup_days, "366", 0, 0, 0 },
	{ valid_dup_days, "-5", 0, 0, 0 },
	{ valid_dup_days, "3 0", 0, 0, 0 },
	{ valid_dup_days, "1000", 0, 0, 0 },
	{ valid_dup_action, "exclude", 0, 1, 0 },
	{ valid_dup_action, "keep", 0, 1, 1 },
	{ valid_dup_action, "drop", 0, 0, 0 },
	{ valid_dup_action, "", 0, 0, 0 },
};

START_TEST(test_validator)
{
	const struct vcase *c = &cases[_i];
	struct kpair	 p;
	char		*buf;
	size_t		 len = c->len ? c->len : strlen(c->val);

	memset(&p, 0, sizeof(p));
	buf = malloc(len + 1);
	memcpy(buf, c->val, len);
	buf[len] = '\0';
	p.key = (char *)"k";
	p.val = buf;
	p.valsz = len;
	ck_assert_msg(c->fn(&p) == c->ok, "case %d (%s)", _i, c->val);
	if (c->ok && c->parsed)
		ck_assert_int_eq(p.parsed, c->parsed);
	free(buf);
}
END_TEST

START_TEST(test_table_complete)
{
	size_t	 i, j;

	for (i = 0; i < KEY__MAX; i++) {
		ck_assert_ptr_nonnull(keys[i].valid);
		ck_assert_ptr_nonnull(keys[i].name);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(keys[i].name, keys[j].name);
	}
}
END_TEST

/* The input layer: a query as a browser sends a filter form, every field
 * there, the empty ones too. An empty value is absent (in neither map); a
 * given one is valid or invalid by its validator. */
enum seen { ABSENT, VALID, INVALID };

static const struct {
	const char	*query;
	enum key	 key;
	enum seen	 want;
} inputs[] = {
	{ "q=&status=&creator=&from=&to=", KEY_Q, ABSENT },
	{ "q=&status=&creator=&from=&to=", KEY_STATUS, ABSENT },
	{ "q=&status=&creator=&from=&to=", KEY_CREATOR, ABSENT },
	{ "q=&status=&creator=&from=&to=", KEY_FROM, ABSENT },
	{ "q=&status=&creator=&from=&to=", KEY_TO, ABSENT },
	{ "q=&status=&creator=&from=2026-12-01&to=", KEY_FROM, VALID },
	{ "q=&status=&creator=&from=2026-12-01&to=", KEY_TO, ABSENT },
	{ "user=&action=&from=&to=", KEY_ACTION, ABSENT },
	{ "user=&action=&from=&to=", KEY_USER, ABSENT },
	{ "user=&action=task.confirmed&from=&to=", KEY_ACTION, VALID },
	{ "user=&action=Task!&from=&to=", KEY_ACTION, INVALID },
	{ "from=2026-13-01", KEY_FROM, INVALID },
	{ "from", KEY_FROM, ABSENT },
	{ "creator=0", KEY_CREATOR, INVALID },
	{ "creator=7", KEY_CREATOR, VALID },
	{ "page=", KEY_PAGE, ABSENT },
	/* The first of repeated keys counts, and an empty one is skipped. */
	{ "status=&status=sent", KEY_STATUS, VALID },
	/* The task form's keys (fields.def) are the vendor's own names. */
	{ "msgTitle=%E7%94%9C%E6%96%B0", KEY_MSGTITLE, VALID },
	{ "msgTitle=a%0Ab", KEY_MSGTITLE, INVALID },
	{ "videoBotId=vb-1", KEY_VIDEOBOTID, VALID },
	{ "videoBotId=vb%201", KEY_VIDEOBOTID, INVALID },
	{ "isVoiceDivide=true", KEY_ISVOICEDIVIDE, VALID },
	{ "isVoiceDivide=yes", KEY_ISVOICEDIVIDE, INVALID },
	{ "sendMessagePhase=3", KEY_SENDMESSAGEPHASE, VALID },
	{ "sendVideoMessagePhase=4", KEY_SENDVIDEOMESSAGEPHASE, INVALID },
	{ "name=%20%20", KEY_NAME, INVALID },
	{ "msg_title=x", KEY_MSGTITLE, ABSENT },
};

START_TEST(test_input)
{
	char		 qs[256];
	char		*envp[] = { (char *)"REQUEST_METHOD=GET",
			    (char *)"DOCUMENT_URI=/tasks", qs, NULL };
	struct http_io	 io = { NULL, NULL, NULL, envp };
	struct request	 r;
	enum seen	 got;

	snprintf(qs, sizeof(qs), "QUERY_STRING=%s", inputs[_i].query);
	ck_assert_int_eq(http_request_init(&r, &io, NULL, NULL), 0);
	ck_assert_int_eq(http_parse_input(&r, 0, 0), 0);
	got = r.fieldmap[inputs[_i].key] != NULL ? VALID :
	    r.fieldnmap[inputs[_i].key] != NULL ? INVALID : ABSENT;
	ck_assert_msg(got == inputs[_i].want, "%s: %s is %d, want %d",
	    inputs[_i].query, keys[inputs[_i].key].name, got, inputs[_i].want);
	ck_assert(r.fieldmap[inputs[_i].key] == NULL ||
	    r.fieldnmap[inputs[_i].key] == NULL);
	http_request_free(&r);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("params");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_validator, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_table_complete);
	tcase_add_loop_test(tc, test_input, 0,
	    sizeof(inputs) / sizeof(inputs[0]));
	suite_add_tcase(s, tc);
	return unit_run(s);
}
