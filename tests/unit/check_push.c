/* check_push.c: reading a push (every form of its task id, JSON and
 * urlencoded, and every way a body can be wrong) and storing it (once per
 * body, linked to its batch by task id on arrival, later when the batch
 * learns its id, or by hand; unreadable ones kept), against a temporary
 * migrated database. */
#include "autoconf.h"

#include "pushdb.h"
#include "push.h"
#include "store/pushes.h"
#include "unit.h"

static const struct audit_actor vendor = { 0, "vendor", "127.0.0.1", "t" };
static const struct audit_actor admin = { 1, "admin", "127.0.0.1", "t" };

#define JSON	"application/json"
#define FORM	"application/x-www-form-urlencoded"

/* Bodies that read: the task id they name and two of their figures, or
 * the failure reason they carry. */
static const struct good {
	const char	*ctype, *body, *task_id;
	int		 ok;
	int64_t		 total, success;
	const char	*reason;
} goods[] = {
	{ JSON, "{\"dial_task_main_sn\":\"dial_task_main_sn|0123456789ABCDEF"
	  "0123456789ABCDEF\",\"import_mark\":{\"totalCount\":10,"
	  "\"successCount\":8}}", HEX_TASK, 1, 10, 8, NULL },
	{ JSON, "{\"dial_task_main_sn\":\"" HEX_TASK "\",\"import_mark\":"
	  "{\"totalCount\":1}}", HEX_TASK, 1, 1, 0, NULL },
	{ JSON, "{\"dial_task_main_sn\":\"1234567\",\"import_mark\":"
	  "{\"totalCount\":\"5\",\"successCount\":\"0\"}}", NUM_TASK, 1, 5, 0,
	  NULL },
	{ JSON, "{\"dial_task_main_sn\":\"dial_task_main_sn| 1234567 \","
	  "\"import_mark\":{}}", NUM_TASK, 1, 0, 0, NULL },
	{ JSON, "{\"dial_task_main_sn\":\"a|b|777\",\"import_mark\":"
	  "{\"totalCount\":1000000000}}", "777", 1, 1000000000, 0, NULL },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "\" {\\\"totalCount\\\":3,\\\"successCount\\\":2}\"}", "777", 1, 3,
	  2, NULL },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "\"号码格式错误\"}", "777", 0, 0, 0, "号码格式错误" },
	{ FORM, "dial_task_main_sn=dial_task_main_sn%7C1234567&import_mark="
	  "%7B%22totalCount%22%3A4%2C%22successCount%22%3A3%7D", NUM_TASK, 1,
	  4, 3, NULL },
	{ FORM, "import_mark=%E5%A4%B1%E8%B4%A5&dial_task_main_sn=777", "777",
	  0, 0, 0, "失败" },
	{ "application/json; charset=utf-8", "{\"dial_task_main_sn\":\"777\","
	  "\"import_mark\":{\"totalCount\":2}}", "777", 1, 2, 0, NULL },
	{ "", "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "{\"totalCount\":2}}", "777", 1, 2, 0, NULL },
};

START_TEST(test_parse_good)
{
	const struct good *g = &goods[_i];
	struct push	 p;
	char		 why[256] = "";

	ck_assert_msg(push_parse(g->ctype, g->body, strlen(g->body), &p, why,
	    sizeof(why)) == 0, "%s: %s", g->body, why);
	ck_assert_str_eq(p.vendor_task_id, g->task_id);
	ck_assert_int_eq(p.ok, g->ok);
	ck_assert_int_eq(p.fig[PF_TOTAL], g->total);
	ck_assert_int_eq(p.fig[PF_SUCCESS], g->success);
	if (g->reason != NULL)
		ck_assert_str_eq(p.reason, g->reason);
	ck_assert_ptr_nonnull(p.extra);
	push_clear(&p);
	ck_assert_ptr_null(p.sn);
}
END_TEST

/* Bodies that do not read, each with (part of) its reason. */
static const struct bad {
	const char	*ctype, *body, *why;
} bads[] = {
	{ JSON, "not json", "not a JSON object" },
	{ JSON, "[1, 2]", "not a JSON object" },
	{ JSON, "", "not a JSON object" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":{}", "not a "
	  "JSON object" },
	{ JSON, "{\"import_mark\":{}}", "dial_task_main_sn missing" },
	{ JSON, "{\"dial_task_main_sn\":777,\"import_mark\":{}}",
	  "dial_task_main_sn missing or not a string" },
	{ JSON, "{\"dial_task_main_sn\":\"777\"}", "import_mark missing" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":5}",
	  "neither an object nor a string" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":[]}",
	  "neither an object nor a string" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":\"\"}",
	  "import_mark is empty" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "{\"totalCount\":-1}}", "import_mark.totalCount is not a count" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "{\"failCount\":1.5}}", "import_mark.failCount is not a count" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "{\"totalCount\":1000000001}}", "totalCount is not a count" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "{\"kongCount\":\"12a\"}}", "kongCount is not a count" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "{\"shiCount\":\"-3\"}}", "shiCount is not a count" },
	{ JSON, "{\"dial_task_main_sn\":\"777\",\"import_mark\":"
	  "{\"chaopinCount\":true}}", "chaopinCount is not a count" },
	{ JSON, "{\"dial_task_main_sn\":\"\",\"import_mark\":{}}",
	  "dial_task_main_sn is empty" },
	{ JSON, "{\"dial_task_main_sn\":\"7\\u00017\",\"import_mark\":{}}",
	  "not text" },
	{ JSON, "{\"dial_task_main_sn\":\"dial_task_main_sn|\","
	  "\"import_mark\":{}}", "has no task id" },
	{ JSON, "{\"dial_task_main_sn\":\"dial_task_main_sn|  \","
	  "\"import_mark\":{}}", "has no task id" },
	{ JSON, "{\"dial_task_main_sn\":\"\xff\",\"import_mark\":{}}",
	  "not UTF-8" },
	{ FORM, "dial_task_main_sn=1&dial_task_main_sn=2&import_mark=x",
	  "not well-formed" },
	{ FORM, "dial_task_main_sn=%zz&import_mark=x", "not well-formed" },
	{ FORM, "dial_task_main_sn=7%007&import_mark=x", "not well-formed" },
	{ FORM, "dial_task_main_sn=777", "missing" },
	{ FORM, "import_mark=x", "missing" },
	{ FORM, "dial_task_main_sn=777&import_mark=%FF", "not UTF-8" },
	{ FORM, "dial_task_main_sn=777&import_mark=%7B%22totalCount%22%3A"
	  "%22x%22%7D", "totalCount is not a count" },
	{ FORM, "dial_task_main_sn=%7C&import_mark=x", "has no task id" },
};

START_TEST(test_parse_bad)
{
	const struct bad *b = &bads[_i];
	struct push	 p;
	char		 why[256] = "";

	ck_assert_msg(push_parse(b->ctype, b->body, strlen(b->body), &p, why,
	    sizeof(why)) == -1, "%s read", b->body);
	ck_assert_msg(strstr(why, b->why) != NULL, "%s: \"%s\", want \"%s\"",
	    b->body, why, b->why);
	/* Nothing is left to free. */
	ck_assert_ptr_null(p.sn);
	ck_assert_ptr_null(p.extra);
}
END_TEST

/* Too long a task id is refused; too long a reason is cut to 1,000
 * characters, not bytes. */
START_TEST(test_parse_oversized)
{
	struct push	 p;
	char		 body[8192], why[256] = "", sn[202];
	char		 reason[3 * 1200 + 1];
	size_t		 i;

	memset(sn, '7', 201);
	sn[201] = '\0';
	snprintf(body, sizeof(body), "{\"dial_task_main_sn\":\"%s\","
	    "\"import_mark\":{}}", sn);
	ck_assert_int_eq(push_parse_json(body, strlen(body), &p, why,
	    sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "too long"));
	sn[200] = '\0';
	snprintf(body, sizeof(body), "{\"dial_task_main_sn\":\"%s\","
	    "\"import_mark\":{}}", sn);
	ck_assert_int_eq(push_parse_json(body, strlen(body), &p, why,
	    sizeof(why)), 0);
	push_clear(&p);

	/* 1,200 three-byte characters, cut to 1,000 of them. */
	for (i = 0; i + 3 < sizeof(reason); i += 3)
		memcpy(reason + i, "败", 3);
	reason[i] = '\0';
	snprintf(body, sizeof(body), "{\"dial_task_main_sn\":\"777\","
	    "\"import_mark\":\"%s\"}", reason);
	ck_assert_int_eq(push_parse_json(body, strlen(body), &p, why,
	    sizeof(why)), 0);
	ck_assert_int_eq(p.ok, 0);
	ck_assert_uint_eq(strlen(p.reason), 3000);
	ck_assert_int_eq(memcmp(p.reason, reason, 3000), 0);
	push_clear(&p);
}
END_TEST

/* Fields we do not know are kept, top level and inside import_mark. */
START_TEST(test_parse_extra)
{
	const char	*body = "{\"batchNo\":\"b1\","
	    "\"dial_task_main_sn\":\"777\","
	    "\"import_mark\":{\"totalCount\":1,\"newCount\":2}}";
	const char	*form =
	    "dial_task_main_sn=777&import_mark=x&batchNo=b1";
	struct push	 p;
	char		 why[256];

	ck_assert_int_eq(push_parse(JSON, body, strlen(body), &p, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(p.extra,
	    "{\"import_mark\":{\"newCount\":2},\"batchNo\":\"b1\"}");
	push_clear(&p);
	ck_assert_int_eq(push_parse(FORM, form, strlen(form), &p, why,
	    sizeof(why)), 0);
	ck_assert_str_eq(p.extra, "{\"batchNo\":\"b1\"}");
	push_clear(&p);
}
END_TEST

START_TEST(test_ctypes)
{
	ck_assert(push_ctype_is_json(""));
	ck_assert(push_ctype_is_json("application/json"));
	ck_assert(push_ctype_is_json("Application/JSON; charset=utf-8"));
	ck_assert(!push_ctype_is_json("text/plain"));
	ck_assert(push_ctype_is_form(FORM "; charset=utf-8"));
	ck_assert(!push_ctype_is_form("multipart/form-data"));
}
END_TEST

/* Parse and store body: push_store's answer, the new push's id in *id. */
static int
store(const char *body, int64_t *id)
{
	struct push	 p;
	char		 why[256];
	int		 rc;

	ck_assert_msg(push_parse(JSON, body, strlen(body), &p, why,
	    sizeof(why)) == 0, "%s", why);
	rc = push_store(pdb, &vendor, JSON, body, strlen(body), &p, id);
	push_clear(&p);
	return rc;
}

START_TEST(test_store_once)
{
	const char	*body = "{\"dial_task_main_sn\":\"999\","
	    "\"import_mark\":{\"totalCount\":7}}";
	int64_t		 id, again;
	char		 buf[256];

	ck_assert_int_eq(store(body, &id), 1);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(store(body, &again), 0);
	ck_assert_int_eq(again, 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 1);
	ck_assert_int_eq(pdb_int("SELECT total FROM pushes"), 7);
	ck_assert_str_eq(pdb_text("SELECT body FROM pushes", buf,
	    sizeof(buf)), body);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.received'"), 1);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.duplicate'"), 1);
	/* One byte more is another body. */
	ck_assert_int_eq(store("{\"dial_task_main_sn\":\"999\",\"import_mark\":"
	    "{\"totalCount\":7} }", &id), 1);
}
END_TEST

/* Every form of the task id finds its batch as the push comes. */
static const struct link_case {
	const char	*sn;
	int64_t		 batch;
} links[] = {
	{ "dial_task_main_sn|0123456789ABCDEF0123456789ABCDEF", 11 },
	{ "0123456789abcdef0123456789abcdef", 11 },
	{ " 0123456789abcdef0123456789ABCDEF ", 11 },
	{ "dial_task_main_sn|1234567", 12 },
	{ "1234567", 12 },
	{ "x| 1234567", 12 },
	{ "12345678", 0 },
	{ "0123456789abcdef0123456789abcde", 0 },
};

START_TEST(test_auto_link)
{
	char	 body[512], sql[128];
	int64_t	 id;

	snprintf(body, sizeof(body), "{\"dial_task_main_sn\":\"%s\","
	    "\"import_mark\":{\"totalCount\":%d}}", links[_i].sn, _i);
	ck_assert_int_eq(store(body, &id), 1);
	snprintf(sql, sizeof(sql), "SELECT coalesce(batch_id, 0) FROM pushes"
	    " WHERE id = %lld", (long long)id);
	ck_assert_int_eq(pdb_int(sql), links[_i].batch);
	snprintf(sql, sizeof(sql), "SELECT linked_by = '%s' FROM pushes WHERE"
	    " id = %lld", links[_i].batch ? "auto" : "", (long long)id);
	ck_assert_int_eq(pdb_int(sql), 1);
}
END_TEST

static int
count_unmatched(void *arg, const struct push_row *row)
{
	int64_t	*ids = arg;

	ck_assert_int_eq(row->state, PUSH_UNMATCHED);
	ck_assert_str_eq(row->addr, "127.0.0.1");
	ids[++ids[0]] = row->id;
	return 0;
}

/* A push that comes before its batch knows its id waits, listed as
 * unmatched, and is linked when the id is stored. */
START_TEST(test_waiting_then_linked)
{
	int64_t	 a, b, c, ids[8] = { 0 };

	ck_assert_int_eq(store("{\"dial_task_main_sn\":\"dial_task_main_sn|"
	    "555\",\"import_mark\":{\"totalCount\":1}}", &a), 1);
	ck_assert_int_eq(store("{\"dial_task_main_sn\":\"555\",\"import_mark\":"
	    "\"失败\"}", &b), 1);
	ck_assert_int_eq(store("{\"dial_task_main_sn\":\"556\",\"import_mark\":"
	    "{}}", &c), 1);
	ck_assert_int_eq(store_pushes_unmatched(pdb, 0, 0, 10, count_unmatched,
	    ids), 0);
	ck_assert_int_eq(ids[0], 3);
	ck_assert_int_eq(ids[1], c);	/* newest first */
	ck_assert_int_eq(ids[3], a);
	/* By key: those older than b, then those newer than a (oldest
	 * first). */
	ids[0] = 0;
	ck_assert_int_eq(store_pushes_unmatched(pdb, b, 0, 2, count_unmatched,
	    ids), 0);
	ck_assert_int_eq(ids[0], 1);
	ck_assert_int_eq(ids[1], a);
	ids[0] = 0;
	ck_assert_int_eq(store_pushes_unmatched(pdb, a, 1, 1, count_unmatched,
	    ids), 0);
	ck_assert_int_eq(ids[0], 1);
	ck_assert_int_eq(ids[1], b);

	testdb_exec(pdb, "UPDATE batches SET vendor_task_id = '555'"
	    " WHERE id = 13");
	ck_assert_int_eq(db_begin(pdb), 0);
	ck_assert_int_eq(push_link_waiting(pdb, 13, "555"), 2);
	ck_assert_int_eq(db_commit(pdb), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes WHERE batch_id"
	    " = 13 AND linked_by = 'auto'"), 2);
	ids[0] = 0;
	ck_assert_int_eq(store_pushes_unmatched(pdb, 0, 0, 10, count_unmatched,
	    ids), 0);
	ck_assert_int_eq(ids[0], 1);
	ck_assert_int_eq(ids[1], c);
	/* Once linked, nothing is linked again. */
	ck_assert_int_eq(push_link_waiting(pdb, 13, "555"), 0);
}
END_TEST

START_TEST(test_manual_link)
{
	int64_t	 id;
	char	 sql[128], buf[64];

	ck_assert_int_eq(store("{\"dial_task_main_sn\":\"888\",\"import_mark\":"
	    "{}}", &id), 1);
	ck_assert_int_eq(push_link_manual(pdb, &admin, id, 99), 0);
	ck_assert_int_eq(push_link_manual(pdb, &admin, id + 1, 13), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.linked'"), 0);
	ck_assert_int_eq(push_link_manual(pdb, &admin, id, 13), 1);
	snprintf(sql, sizeof(sql), "SELECT batch_id FROM pushes WHERE id ="
	    " %lld", (long long)id);
	ck_assert_int_eq(pdb_int(sql), 13);
	snprintf(sql, sizeof(sql), "SELECT linked_by FROM pushes WHERE id ="
	    " %lld", (long long)id);
	ck_assert_str_eq(pdb_text(sql, buf, sizeof(buf)), "admin");
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.linked' AND actor = 'admin'"), 1);
	/* A linked push is not unmatched any more. */
	ck_assert_int_eq(push_link_manual(pdb, &admin, id, 12), 0);
	ck_assert_int_eq(pdb_int(sql[0] ? "SELECT count(*) FROM pushes WHERE"
	    " batch_id = 12" : ""), 0);
}
END_TEST

static int
list_rejected(void *arg, const struct push_rejected_row *row)
{
	struct push_rejected_row *out = arg;

	ck_assert_str_eq(row->reason, "body too large");
	ck_assert_str_eq(row->content_type, JSON);
	ck_assert_int_eq(row->length, 70000);
	ck_assert_uint_eq(row->len, 2000);	/* listed: the start */
	ck_assert_int_eq(memcmp(row->body, "xxxx", 4), 0);
	out->id = row->id;
	return 0;
}

START_TEST(test_reject)
{
	struct push_rejected_row got = { 0 };
	char	*big = malloc(70000);

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 70000);
	ck_assert_int_eq(push_reject(pdb, &vendor, JSON, 70000, big, 70000,
	    "body too large"), 0);
	free(big);
	ck_assert_int_eq(pdb_int("SELECT length(body) FROM rejected_pushes"),
	    64 * 1024);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM pushes"), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM audit WHERE action ="
	    " 'push.rejected'"), 1);
	ck_assert_int_eq(store_pushes_rejected(pdb, 0, 10, list_rejected,
	    &got), 0);
	ck_assert_int_gt(got.id, 0);
	/* No body at all is kept as an empty one. */
	ck_assert_int_eq(push_reject(pdb, &vendor, "text/plain", -1, NULL, 0,
	    "unsupported content type"), 0);
	ck_assert_int_eq(pdb_int("SELECT count(*) FROM rejected_pushes WHERE"
	    " length = -1 AND length(body) = 0"), 1);
}
END_TEST

START_TEST(test_states)
{
	size_t	 i;

	for (i = 0; i < PUSH_STATE__MAX; i++) {
		ck_assert_int_eq(push_states[i].state, (int)i);
		ck_assert_str_ne(push_states[i].label, "");
		ck_assert_str_ne(push_states[i].css, "");
	}
	ck_assert_int_eq(push_state_of(0, ""), PUSH_UNMATCHED);
	ck_assert_int_eq(push_state_of(3, "auto"), PUSH_LINKED_AUTO);
	ck_assert_int_eq(push_state_of(3, "admin"), PUSH_LINKED_MANUAL);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("push");
	TCase	*parse = tcase_create("parse"), *st = tcase_create("store");

	tcase_add_loop_test(parse, test_parse_good, 0,
	    sizeof(goods) / sizeof(goods[0]));
	tcase_add_loop_test(parse, test_parse_bad, 0,
	    sizeof(bads) / sizeof(bads[0]));
	tcase_add_test(parse, test_parse_oversized);
	tcase_add_test(parse, test_parse_extra);
	tcase_add_test(parse, test_ctypes);
	tcase_add_test(parse, test_states);
	suite_add_tcase(s, parse);
	tcase_add_checked_fixture(st, pdb_setup, pdb_teardown);
	tcase_add_test(st, test_store_once);
	tcase_add_loop_test(st, test_auto_link, 0,
	    sizeof(links) / sizeof(links[0]));
	tcase_add_test(st, test_waiting_then_linked);
	tcase_add_test(st, test_manual_link);
	tcase_add_test(st, test_reject);
	suite_add_tcase(s, st);
	return unit_run(s);
}
