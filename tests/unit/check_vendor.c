/* check_vendor.c: the create-task client against the vendor's contract: the
 * body field by field, the sign, phone encryption, and what each kind of
 * answer (or silence) from a throwaway local HTTP responder becomes. */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <cjson/cJSON.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "vendor.h"
#include "unit.h"

#define KEY_HEX		"000102030405060708090a0b0c0d0e0f"
#define DEFAULT_RECIPE	"{orgCode}{loginName}{key}"
/* SHA-256 of "spcd_orgtestk3y" and "spcd_orglisik3y" (sha256sum). */
#define SIGN_TEST	"d87f62fd61d155045b6db693bb41d567cef6772e5672ca810312efd78e43bc63"
#define SIGN_LISI	"0cbec1fc64b41e40da4a7f38132eabb72476b7d3eeaf0eccc071c1a38e607a5e"
/* SHA-256 of "spcd_org|test|春季回访 (2/3)|k3y". */
#define SIGN_NAMED	"2d507e58f31342eb35fc2df208d919ef4cd87eec704731c69048dcff6283af48"

static struct vendor_cfg
test_cfg(int aes)
{
	struct vendor_cfg c = {
		.url = "http://127.0.0.1:9", .org_code = "spcd_org",
		.login_name = "test", .sign_key = "k3y",
		.sign_recipe = DEFAULT_RECIPE, .phone_aes = aes,
		.phone_key = KEY_HEX, .connect_timeout = 2, .timeout = 5,
	};
	return c;
}

/* ---- row sources -------------------------------------------------------- */

struct rowsrc {
	const struct vendor_row	*rows;
	size_t			 n, at;
	size_t			 fail_at;	/* 1-based row that fails, 0 none */
};

static int
next_row(void *arg, struct vendor_row *row)
{
	struct rowsrc	*s = arg;

	if (s->fail_at != 0 && s->at + 1 == s->fail_at)
		return -1;
	if (s->at == s->n)
		return 0;
	*row = s->rows[s->at++];
	return 1;
}

/* n copies of one row, for the deliverList size limits. */
struct manyrows {
	size_t		 n, at;
	const char	*name;	/* NULL: "" */
};

static int
next_many(void *arg, struct vendor_row *row)
{
	struct manyrows	*m = arg;

	if (m->at == m->n)
		return 0;
	m->at++;
	row->name = m->name != NULL ? m->name : "";
	row->phone = "13500000001";
	row->nother = 0;
	return 1;
}

static const char *const cols2[] = { "姓名", "城市" };
static const char *const vals_a[] = { "张三", "上海" };
static const char *const vals_b[] = { "李四", "" };
static const char *const cols1[] = { "备注" };
static const char *const vals_c[] = { "\"引号\" 与 \\ 反斜杠" };

static const struct vendor_row rows_one[] = {
	{ NULL, "13500000000", 0, NULL, NULL },
};
static const struct vendor_row rows_names[] = {
	{ "", "13500000000", 0, NULL, NULL },	/* "" is left out */
	{ "张三", "13500000001", 0, NULL, NULL },
	{ NULL, "13500000002", 0, NULL, NULL },
};
static const struct vendor_row rows_info[] = {
	{ "张三", "13500000000", 2, cols2, vals_a },
	{ NULL, "13500000001", 2, cols2, vals_b },
	{ "王五", "13500000002", 0, NULL, NULL },
	{ NULL, "13500000003", 1, cols1, vals_c },
};
static const struct vendor_row rows_enc[] = {
	{ NULL, "13500000003", 0, NULL, NULL },
	{ NULL, "4bf8ae0ba3e8c0f17d885b8c5b0af602", 0, NULL, NULL },
	{ NULL, "F01DC6406980C50BEC2DE32071D6C251", 0, NULL, NULL },
};

#define ROWS(a)	(a), sizeof(a) / sizeof((a)[0])
/* A task's text and number fields (vendor.h, fields.h). */
#define T(f)	.text[FIELD_##f]
#define N(f)	.num[FIELD_##f]

/* ---- the body, field by field ------------------------------------------ */

/* In want, ' stands for " so that the contract reads as JSON. */
static const struct {
	const char		*label;
	struct vendor_task	 task;
	const struct vendor_row	*rows;
	size_t			 nrows;
	int			 aes;
	const char		*login;	/* NULL: the configured "test" */
	const char		*recipe;	/* NULL: DEFAULT_RECIPE */
	const char		*want;
} bodies[] = {
	{ "all switches off",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1" }, ROWS(rows_one), 0,
	  NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
	{ "voice diversion sends audioBotId",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1", N(ISVOICEDIVIDE) = 1,
	    T(AUDIOBOTID) = "ab7" }, ROWS(rows_one), 0, NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':true,'audioBotId':'ab7',"
	  "'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
	{ "SMS linked with a phase",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1",
	    N(ISRELATESENDMESSAGE) = 1, T(MSGTEMPLATEID) = "600184215",
	    T(MSGTITLE) = "甜新科技", N(SENDMESSAGEPHASE) = 2 },
	  ROWS(rows_one), 0, NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':true,'msgTemplateId':'600184215',"
	  "'msgTitle':'甜新科技','sendMessagePhase':2,"
	  "'isRelateVideoMessage':false}" },
	{ "SMS linked without a phase",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1",
	    N(ISRELATESENDMESSAGE) = 1, T(MSGTEMPLATEID) = "600184215",
	    T(MSGTITLE) = "甜新科技" }, ROWS(rows_one), 0, NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':true,'msgTemplateId':'600184215',"
	  "'msgTitle':'甜新科技','isRelateVideoMessage':false}" },
	{ "video SMS linked with a phase",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1",
	    N(ISRELATEVIDEOMESSAGE) = 1, T(VIDEOMESSAGETEMPLATEID) = "16083",
	    N(SENDVIDEOMESSAGEPHASE) = 3 }, ROWS(rows_one), 0, NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':true,"
	  "'videoMessageTemplateId':'16083','sendVideoMessagePhase':3}" },
	{ "video SMS linked without a phase",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1",
	    N(ISRELATEVIDEOMESSAGE) = 1, T(VIDEOMESSAGETEMPLATEID) = "16083" },
	  ROWS(rows_one), 0, NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':true,"
	  "'videoMessageTemplateId':'16083'}" },
	{ "everything linked",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1", N(ISVOICEDIVIDE) = 1,
	    T(AUDIOBOTID) = "ab7", N(ISRELATESENDMESSAGE) = 1,
	    T(MSGTEMPLATEID) = "600184215", T(MSGTITLE) = "甜新科技",
	    N(SENDMESSAGEPHASE) = 1, N(ISRELATEVIDEOMESSAGE) = 1,
	    T(VIDEOMESSAGETEMPLATEID) = "16083",
	    N(SENDVIDEOMESSAGEPHASE) = 2 }, ROWS(rows_one), 0, NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':true,'audioBotId':'ab7',"
	  "'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':true,'msgTemplateId':'600184215',"
	  "'msgTitle':'甜新科技','sendMessagePhase':1,"
	  "'isRelateVideoMessage':true,'videoMessageTemplateId':'16083',"
	  "'sendVideoMessagePhase':2}" },
	{ "fields of a switch that is off are neither checked nor sent",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1", T(AUDIOBOTID) = "ab7",
	    T(MSGTEMPLATEID) = "600184215", N(SENDMESSAGEPHASE) = 7,
	    T(VIDEOMESSAGETEMPLATEID) = "16083",
	    N(SENDVIDEOMESSAGEPHASE) = 9 }, ROWS(rows_one), 0, NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
	{ "names present and absent",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1" }, ROWS(rows_names), 0,
	  NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'},"
	  "{'name':'张三','phone':'13500000001'},{'phone':'13500000002'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
	{ "otherInfo present and absent, text escaped",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1" }, ROWS(rows_info), 0,
	  NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':["
	  "{'name':'张三','phone':'13500000000','otherInfo':["
	  "{'title':'姓名','value':'张三'},{'title':'城市','value':'上海'}]},"
	  "{'phone':'13500000001','otherInfo':["
	  "{'title':'姓名','value':'李四'},{'title':'城市','value':''}]},"
	  "{'name':'王五','phone':'13500000002'},"
	  "{'phone':'13500000003','otherInfo':["
	  "{'title':'备注','value':'\\'引号\\' 与 \\\\ 反斜杠'}]}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
	{ "phones encrypted, and 32 hex passed through (lower case)",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1" }, ROWS(rows_enc), 1,
	  NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':["
	  "{'phone':'f01dc6406980c50bec2de32071d6c251'},"
	  "{'phone':'4bf8ae0ba3e8c0f17d885b8c5b0af602'},"
	  "{'phone':'f01dc6406980c50bec2de32071d6c251'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
	{ "without AES, plain and encrypted phones are sent as they are",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1" }, ROWS(rows_enc), 0,
	  NULL, NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_TEST "','loginName':'test',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':["
	  "{'phone':'13500000003'},"
	  "{'phone':'4bf8ae0ba3e8c0f17d885b8c5b0af602'},"
	  "{'phone':'f01dc6406980c50bec2de32071d6c251'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
	{ "a person's own login overrides the configured one, sign follows",
	  { T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1" }, ROWS(rows_one), 0,
	  "lisi", NULL,
	  "{'orgCode':'spcd_org','sign':'" SIGN_LISI "','loginName':'lisi',"
	  "'name':'测试任务','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
	{ "a recipe with the task name",
	  { T(NAME) = "春季回访 (2/3)", T(VIDEOBOTID) = "vb1" }, ROWS(rows_one),
	  0, NULL, "{orgCode}|{loginName}|{name}|{key}",
	  "{'orgCode':'spcd_org','sign':'" SIGN_NAMED "','loginName':'test',"
	  "'name':'春季回访 (2/3)','mediaType':'videoBot','videoBotId':'vb1',"
	  "'isVoiceDivide':false,'deliverList':[{'phone':'13500000000'}],"
	  "'isRelateSendMessage':false,'isRelateVideoMessage':false}" },
};

static cJSON *
parse_quoted(const char *s)
{
	char	*t, *p;
	cJSON	*j;

	ck_assert_ptr_nonnull(t = strdup(s));
	for (p = t; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	j = cJSON_Parse(t);
	free(t);
	return j;
}

/* The contract's types, whatever the values. */
static void
check_types(const cJSON *b)
{
	static const char *const bools[] = {
		"isVoiceDivide", "isRelateSendMessage", "isRelateVideoMessage"
	};
	static const char *const nums[] = {
		"sendMessagePhase", "sendVideoMessagePhase"
	};
	const cJSON	*f;
	size_t		 i;

	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		ck_assert_msg(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(b,
		    bools[i])), "%s is not a JSON boolean", bools[i]);
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		f = cJSON_GetObjectItemCaseSensitive(b, nums[i]);
		ck_assert_msg(f == NULL || cJSON_IsNumber(f),
		    "%s is not a JSON number", nums[i]);
	}
	ck_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(b,
	    "deliverList")));
}

START_TEST(test_body)
{
	struct vendor_cfg	 cfg = test_cfg(bodies[_i].aes);
	struct rowsrc		 src = { bodies[_i].rows, bodies[_i].nrows, 0, 0 };
	char			 err[256];
	char			*text, *got_s, *want_s;
	size_t			 len = 0;
	cJSON			*got, *want;

	if (bodies[_i].recipe != NULL)
		cfg.sign_recipe = bodies[_i].recipe;
	text = vendor_body(&cfg, bodies[_i].login, &bodies[_i].task, next_row,
	    &src, &len, err, sizeof(err));
	ck_assert_msg(text != NULL, "%s: refused: %s", bodies[_i].label, err);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_ptr_nonnull(got = cJSON_Parse(text));
	want = parse_quoted(bodies[_i].want);
	ck_assert_msg(want != NULL, "%s: bad expected JSON", bodies[_i].label);
	check_types(got);
	got_s = cJSON_PrintUnformatted(got);
	want_s = cJSON_PrintUnformatted(want);
	/* cJSON_Compare matches object members by name: order is free. */
	ck_assert_msg(cJSON_Compare(got, want, 1), "%s:\n got  %s\n want %s",
	    bodies[_i].label, got_s, want_s);
	free(got_s);
	free(want_s);
	cJSON_Delete(got);
	cJSON_Delete(want);
	free(text);
}
END_TEST

/* ---- bodies that break the contract are not built ---------------------- */

static const struct vendor_row rows_badphone[] = {
	{ NULL, "13500000000", 0, NULL, NULL },
	{ NULL, "1350000000", 0, NULL, NULL },
};
static const struct vendor_row rows_plus[] = {
	{ NULL, "+8613500000001", 0, NULL, NULL },
};
static const struct vendor_row rows_hex31[] = {
	{ NULL, "4bf8ae0ba3e8c0f17d885b8c5b0af60", 0, NULL, NULL },
};
static const struct vendor_row rows_nohex[] = {
	{ NULL, "4bf8ae0ba3e8c0f17d885b8c5b0af60g", 0, NULL, NULL },
};
static const struct vendor_row rows_nophone[] = {
	{ "张三", NULL, 0, NULL, NULL },
};
static const struct vendor_row rows_badname[] = {
	{ "\xe5\xbc", "13500000000", 0, NULL, NULL },
};
static const char *const vals_null[] = { "张三", NULL };
static const struct vendor_row rows_nullval[] = {
	{ NULL, "13500000000", 2, cols2, vals_null },
};
static const char *const vals_bad[] = { "张三", "\xff" };
static const struct vendor_row rows_badval[] = {
	{ NULL, "13500000000", 2, cols2, vals_bad },
};
static const struct vendor_row rows_noarrays[] = {
	{ NULL, "13500000000", 2, NULL, NULL },
};

#define TASK_OK	T(NAME) = "测试任务", T(VIDEOBOTID) = "vb1"

static const struct {
	const char		*label;
	struct vendor_task	 task;
	const struct vendor_row	*rows;
	size_t			 nrows;
	size_t			 fail_at;
	const char		*login;
	int			 cfgbreak;	/* see refusal test */
	const char		*want;		/* part of err */
} refusals[] = {
	{ "no task name", { T(VIDEOBOTID) = "vb1" }, ROWS(rows_one), 0, NULL,
	  0, "name is empty" },
	{ "empty task name", { T(NAME) = "", T(VIDEOBOTID) = "vb1" },
	  ROWS(rows_one), 0, NULL, 0, "name is empty" },
	{ "task name not UTF-8", { T(NAME) = "\xc3\x28", T(VIDEOBOTID) = "vb1" },
	  ROWS(rows_one), 0, NULL, 0, "name is not valid UTF-8" },
	{ "no videoBotId", { T(NAME) = "测试任务" }, ROWS(rows_one), 0, NULL, 0,
	  "videoBotId is empty" },
	{ "voice diversion without audioBotId",
	  { TASK_OK, N(ISVOICEDIVIDE) = 1 }, ROWS(rows_one), 0, NULL, 0,
	  "audioBotId (required when isVoiceDivide is true) is empty" },
	{ "SMS without template", { TASK_OK, N(ISRELATESENDMESSAGE) = 1,
	  T(MSGTITLE) = "甜新科技" }, ROWS(rows_one), 0, NULL, 0,
	  "msgTemplateId (required when isRelateSendMessage is true) is empty" },
	{ "SMS without title", { TASK_OK, N(ISRELATESENDMESSAGE) = 1,
	  T(MSGTEMPLATEID) = "600184215", T(MSGTITLE) = "" }, ROWS(rows_one), 0,
	  NULL, 0, "msgTitle (required when isRelateSendMessage is true)" },
	{ "SMS phase 4", { TASK_OK, N(ISRELATESENDMESSAGE) = 1,
	  T(MSGTEMPLATEID) = "6", T(MSGTITLE) = "t", N(SENDMESSAGEPHASE) = 4 },
	  ROWS(rows_one), 0, NULL, 0,
	  "sendMessagePhase must be 1, 2 or 3 (or not given), not 4" },
	{ "SMS phase -1", { TASK_OK, N(ISRELATESENDMESSAGE) = 1,
	  T(MSGTEMPLATEID) = "6", T(MSGTITLE) = "t", N(SENDMESSAGEPHASE) = -1 },
	  ROWS(rows_one), 0, NULL, 0, "sendMessagePhase must be 1, 2 or 3" },
	{ "video SMS without template",
	  { TASK_OK, N(ISRELATEVIDEOMESSAGE) = 1 }, ROWS(rows_one), 0, NULL,
	  0, "videoMessageTemplateId (required when isRelateVideoMessage" },
	{ "video SMS phase 5", { TASK_OK, N(ISRELATEVIDEOMESSAGE) = 1,
	  T(VIDEOMESSAGETEMPLATEID) = "16083",
	  N(SENDVIDEOMESSAGEPHASE) = 5 }, ROWS(rows_one), 0, NULL, 0,
	  "sendVideoMessagePhase must be 1, 2 or 3 (or not given), not 5" },
	{ "no row", { TASK_OK }, NULL, 0, 0, NULL, 0, "deliverList is empty" },
	{ "row source fails", { TASK_OK }, ROWS(rows_names), 2, NULL, 0,
	  "reading row 2 of the list failed" },
	{ "10-digit phone", { TASK_OK }, ROWS(rows_badphone), 0, NULL, 0,
	  "row 2: phone is neither 11 digits nor 32 hex digits" },
	{ "phone not normalised", { TASK_OK }, ROWS(rows_plus), 0, NULL, 0,
	  "row 1: phone is neither" },
	{ "31 hex digits", { TASK_OK }, ROWS(rows_hex31), 0, NULL, 0,
	  "row 1: phone is neither" },
	{ "32 characters, not all hex", { TASK_OK }, ROWS(rows_nohex), 0, NULL,
	  0, "row 1: phone is neither" },
	{ "no phone", { TASK_OK }, ROWS(rows_nophone), 0, NULL, 0,
	  "row 1: phone is neither" },
	{ "row name cut in a character", { TASK_OK }, ROWS(rows_badname), 0,
	  NULL, 0, "row 1: name is not valid UTF-8" },
	{ "otherInfo value missing", { TASK_OK }, ROWS(rows_nullval), 0, NULL,
	  0, "row 1: otherInfo 2 has no title or no value" },
	{ "otherInfo value not UTF-8", { TASK_OK }, ROWS(rows_badval), 0, NULL,
	  0, "row 1: otherInfo 2 is not valid UTF-8" },
	{ "otherInfo count without arrays", { TASK_OK }, ROWS(rows_noarrays), 0,
	  NULL, 0, "row 1: otherInfo without titles or values" },
	{ "empty login override", { TASK_OK }, ROWS(rows_one), 0, "", 0,
	  "loginName is empty" },
	{ "no orgCode configured", { TASK_OK }, ROWS(rows_one), 0, NULL, 1,
	  "orgCode is empty" },
	{ "no sign_key configured", { TASK_OK }, ROWS(rows_one), 0, NULL, 2,
	  "sign_key is not configured" },
	{ "unknown placeholder in the recipe", { TASK_OK }, ROWS(rows_one), 0,
	  NULL, 3, "sign_recipe is missing or has a placeholder" },
	{ "AES with a short key", { TASK_OK }, ROWS(rows_one), 0, NULL, 4,
	  "phone_key is not 32 hex digits" },
	{ "no login configured, none given", { TASK_OK }, ROWS(rows_one), 0,
	  NULL, 5, "loginName is empty" },
};

START_TEST(test_refusal)
{
	struct vendor_cfg	 cfg = test_cfg(0);
	struct rowsrc		 src = { refusals[_i].rows, refusals[_i].nrows,
				    0, refusals[_i].fail_at };
	char			 err[256] = "unset";
	char			*text;
	size_t			 len = 99;

	switch (refusals[_i].cfgbreak) {
	case 1:
		cfg.org_code = "";
		break;
	case 2:
		cfg.sign_key = "";
		break;
	case 3:
		cfg.sign_recipe = "{orgCode}{secret}";
		break;
	case 4:
		cfg.phone_aes = 1;
		cfg.phone_key = "000102030405060708090a0b0c0d0e";
		break;
	case 5:
		cfg.login_name = NULL;
		break;
	}
	text = vendor_body(&cfg, refusals[_i].login, &refusals[_i].task,
	    next_row, &src, &len, err, sizeof(err));
	ck_assert_msg(text == NULL, "%s: built anyway", refusals[_i].label);
	ck_assert_uint_eq(len, 0);
	ck_assert_msg(strstr(err, refusals[_i].want) != NULL,
	    "%s: err \"%s\", want \"%s\"", refusals[_i].label, err,
	    refusals[_i].want);
}
END_TEST

/* deliverList holds 1 to 50,000 rows. */
static const struct {
	size_t	 n;
	int	 built;
} sizes[] = {
	{ 1, 1 }, { VENDOR_MAX_ROWS, 1 }, { VENDOR_MAX_ROWS + 1, 0 },
};

START_TEST(test_body_size)
{
	struct vendor_cfg	 cfg = test_cfg(0);
	struct vendor_task	 task = { TASK_OK };
	struct manyrows		 m = { sizes[_i].n, 0, NULL };
	char			 err[256];
	char			*text;
	size_t			 len;
	cJSON			*b;

	text = vendor_body(&cfg, NULL, &task, next_many, &m, &len, err,
	    sizeof(err));
	if (!sizes[_i].built) {
		ck_assert_ptr_null(text);
		ck_assert_str_eq(err, "deliverList has more than 50000 rows");
		return;
	}
	ck_assert_msg(text != NULL, "%s", err);
	ck_assert_ptr_nonnull(b = cJSON_Parse(text));
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b,
	    "deliverList")), (int)sizes[_i].n);
	cJSON_Delete(b);
	free(text);
}
END_TEST

/* ---- sign --------------------------------------------------------------- */

/* Expected values computed with: printf %s '<text>' | sha256sum */
static const struct {
	const char	*recipe, *org, *login, *name, *key;
	const char	*want;	/* NULL: refused */
} signs[] = {
	{ DEFAULT_RECIPE, "spcd_org", "test", "x", "k3y", SIGN_TEST },
	{ DEFAULT_RECIPE, "spcd_org", "lisi", "x", "k3y", SIGN_LISI },
	{ "{orgCode}|{loginName}|{name}|{key}", "spcd_org", "test",
	  "春季回访 (2/3)", "k3y", SIGN_NAMED },
	{ "{orgCode}|{loginName}|{name}|{key}", "spcd_org", "test",
	  "测试任务", "k3y",	/* spcd_org|test|测试任务|k3y */
	  "ac211f42a4dca3c09c27f8acc29a1120ee7a7f075f83be8aa1c24dac99f075e2" },
	{ "{key}{orgCode}{key}", "spcd_org", "test", "x", "k3y",
	  "76e66964eb88abd76e1089fb7aacefe5f05b5f67753c2291ccc5e4e795164304" },
	{ "orgCode={orgCode}&loginName={loginName}&key={key}", "spcd_org",
	  "test", "x", "k3y",
	  "a39ba57e5ead6d75e98cdf7abdf01977ddf13ca4c0982a952c36726c1aba0d70" },
	{ "{orgCode}{key}", "spcd_org", "", "", "k3y",	/* spcd_orgk3y */
	  "327c967ba3d5bcd6ce4460f7098f3485b5bba34e69c4aed7b5f365d2b0e95a4b" },
	{ "{orgCode}{loginName}{key}", "spcd_org", "test", "x", "", NULL },
	{ "{orgCode}{loginName}{key}", "spcd_org", "test", "x", NULL, NULL },
	{ "{orgCode}{secret}{key}", "spcd_org", "test", "x", "k3y", NULL },
	{ "{OrgCode}{key}", "spcd_org", "test", "x", "k3y", NULL },
	{ "{orgCode{key}}", "spcd_org", "test", "x", "k3y", NULL },
	{ "{orgCode}{key", "spcd_org", "test", "x", "k3y", NULL },
	{ "{orgCode}}{key}", "spcd_org", "test", "x", "k3y", NULL },
	{ "{}{key}", "spcd_org", "test", "x", "k3y", NULL },
	{ NULL, "spcd_org", "test", "x", "k3y", NULL },
};

START_TEST(test_sign)
{
	char	 out[VENDOR_SIGN_SIZE];
	int	 rc;

	memset(out, 'z', sizeof(out));
	rc = vendor_sign(signs[_i].recipe, signs[_i].org, signs[_i].login,
	    signs[_i].name, signs[_i].key, out);
	if (signs[_i].want == NULL) {
		ck_assert_msg(rc == -1, "recipe \"%s\" accepted",
		    signs[_i].recipe != NULL ? signs[_i].recipe : "(null)");
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(out, signs[_i].want);
	}
}
END_TEST

/* ---- phone encryption --------------------------------------------------- */

/* Expected values computed with:
 * printf %s <phone> | openssl enc -aes-128-ecb -K <key> | xxd -p */
static const struct {
	const char	*key, *phone;
	const char	*want;	/* NULL: refused */
} aes[] = {
	{ KEY_HEX, "13500000003", "f01dc6406980c50bec2de32071d6c251" },
	{ KEY_HEX, "13500000000", "83befb8522cd2548bdd7d2139f12c65e" },
	{ "00112233445566778899aabbccddeeff", "13500000000",
	  "59bfb263b65f6081fd0bc4c3ebde12d0" },
	{ "2b7e151628aed2a6abf7158809cf4f3c", "19912345678",
	  "c9da2854ad31516daa40bf4711bfccea" },
	{ "ffffffffffffffffffffffffffffffff", "16600000000",
	  "bc1631b8660ed98438dfe26f538d18a1" },
	{ "a1b2c3d4e5f60718293a4b5c6d7e8f90", "18888888888",
	  "db7ea6c101f9e26d24af7adce51ce87f" },
	{ "0F1E2D3C4B5A69788796A5B4C3D2E1F0", "13912345678",	/* upper case */
	  "4ac8f7124a78383fc80d20a5c59c39a7" },
	{ "000102030405060708090a0b0c0d0e", "13500000003", NULL },	/* short */
	{ KEY_HEX "00", "13500000003", NULL },			/* long */
	{ "000102030405060708090a0b0c0d0e0g", "13500000003", NULL },
	{ NULL, "13500000003", NULL },
	{ KEY_HEX, "1350000000", NULL },
	{ KEY_HEX, "135000000031", NULL },
	{ KEY_HEX, "1350000000a", NULL },
	{ KEY_HEX, "", NULL },
	{ KEY_HEX, NULL, NULL },
};

START_TEST(test_aes)
{
	char	 out[VENDOR_PHONE_ENC_SIZE];
	int	 rc;

	memset(out, 'z', sizeof(out));
	rc = vendor_encrypt_phone(aes[_i].key, aes[_i].phone, out);
	if (aes[_i].want == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(out, aes[_i].want);
	}
}
END_TEST

/* ---- the documented error codes ----------------------------------------- */

START_TEST(test_err_zh)
{
	ck_assert_str_eq(vendor_err_zh(-1), "参数错误");
	ck_assert_str_eq(vendor_err_zh(-2), "找不到此机构");
	ck_assert_ptr_nonnull(strstr(vendor_err_zh(-3), "该机构下没有此账号"));
	ck_assert_ptr_nonnull(strstr(vendor_err_zh(-4), "您的可用额度不足"));
	ck_assert_str_eq(vendor_err_zh(10), "其它异常错误");
	ck_assert_ptr_null(vendor_err_zh(0));
	ck_assert_ptr_null(vendor_err_zh(99));
	ck_assert_ptr_null(vendor_err_zh(-5));
}
END_TEST

/* ---- sending: a throwaway responder in a child ---------------------------- */

enum act {
	ANSWER,		/* read the request, write raw */
	DROP,		/* read the request, close without a word */
	SLOW,		/* read the request, sleep past the client's timeout */
	HUGE,		/* read the request, answer more than VENDOR_REPLY_MAX */
	TLS_JUNK,	/* read what arrives (a ClientHello), answer plain HTTP */
	STALL,		/* read what arrives (a ClientHello), say nothing */
};

/* What the responder saw, shared with the test through MAP_SHARED. */
struct capture {
	size_t	 len;
	int	 complete;	/* headers and Content-Length bytes of body */
	char	 buf[4 * 1024 * 1024];	/* mapped lazily: cheap */
};

struct responder {
	pid_t		 pid;
	int		 port;
	struct capture	*cap;
};

static int
listener(int backlog, int *port)
{
	struct sockaddr_in	 sa;
	socklen_t		 sl = sizeof(sa);
	int			 fd;

	ck_assert_int_ge(fd = socket(AF_INET, SOCK_STREAM, 0), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (backlog >= 0)
		ck_assert_int_eq(listen(fd, backlog), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* The responder's side of a connection: plain, or TLS when ssl is set. */
struct conn {
	int	 fd;
	SSL	*ssl;
};

static ssize_t
conn_read(struct conn *c, char *p, size_t n)
{
	int	 r;

	if (c->ssl == NULL)
		return read(c->fd, p, n);
	r = SSL_read(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n);
	return r > 0 ? r : -1;
}

static void
write_all(struct conn *c, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if (c->ssl != NULL)
			w = SSL_write(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n);
		else
			w = write(c->fd, p, n);
		if (w <= 0) {
			if (c->ssl == NULL && w < 0 && errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Child side: accept one connection (with TLS when tls_ctx is set), read
 * one request into cap (headers, then Content-Length bytes), then do what
 * act says. Never returns. */
static void __attribute__((noreturn))
respond(int lfd, SSL_CTX *tls_ctx, enum act act, const char *raw,
    struct capture *cap)
{
	struct conn	 c = { -1, NULL };
	const char	*hend, *cl;
	size_t		 want = 0, blen;
	ssize_t		 n;
	char		*big;

	signal(SIGPIPE, SIG_IGN);
	if ((c.fd = accept(lfd, NULL, NULL)) < 0)
		_exit(1);
	if (tls_ctx != NULL) {
		/* A client that does not trust us hangs up here. */
		if ((c.ssl = SSL_new(tls_ctx)) == NULL ||
		    SSL_set_fd(c.ssl, c.fd) != 1 || SSL_accept(c.ssl) != 1)
			_exit(0);
	}
	for (;;) {
		n = conn_read(&c, cap->buf + cap->len, sizeof(cap->buf) - 1 -
		    cap->len);
		if (n <= 0)
			break;
		cap->len += (size_t)n;
		cap->buf[cap->len] = '\0';
		if (act == TLS_JUNK || act == STALL)
			break;
		if ((hend = strstr(cap->buf, "\r\n\r\n")) == NULL)
			continue;
		if (want == 0) {
			cl = strcasestr(cap->buf, "\r\nContent-Length:");
			want = (size_t)(hend + 4 - cap->buf) +
			    (cl != NULL && cl < hend ?
			    strtoul(cl + 17, NULL, 10) : 0);
		}
		if (cap->len >= want) {
			cap->complete = 1;
			break;
		}
	}
	switch (act) {
	case ANSWER:
	case TLS_JUNK:
		write_all(&c, raw, strlen(raw));
		break;
	case DROP:
		break;
	case SLOW:
	case STALL:
		sleep(4);
		break;
	case HUGE:
		blen = VENDOR_REPLY_MAX + 1024;
		if ((big = malloc(blen)) == NULL)
			_exit(1);
		memset(big, ' ', blen);
		write_all(&c, raw, strlen(raw));
		write_all(&c, big, blen);
		free(big);
		break;
	}
	if (c.ssl != NULL)
		SSL_shutdown(c.ssl);
	close(c.fd);
	_exit(0);
}

static void
responder_start(struct responder *r, SSL_CTX *tls_ctx, enum act act,
    const char *raw)
{
	int	 lfd;

	r->cap = mmap(NULL, sizeof(*r->cap), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(r->cap != MAP_FAILED);
	lfd = listener(4, &r->port);
	ck_assert_int_ge(r->pid = fork(), 0);
	if (r->pid == 0)
		respond(lfd, tls_ctx, act, raw, r->cap);
	close(lfd);
}

static void
responder_stop(struct responder *r)
{
	int	 st;

	kill(r->pid, SIGKILL);	/* only the slow one is still there */
	ck_assert_int_eq(waitpid(r->pid, &st, 0), r->pid);
	munmap(r->cap, sizeof(*r->cap));
}

/* A complete HTTP answer (Content-Length is worked out), or raw bytes; in
 * either, ' stands for ". */
#define A(status, ctype, body)	ANSWER, status, ctype, body
#define RAW(act, text)		act, NULL, NULL, text

#define JSON_CT	"application/json;charset=UTF-8"
#define HTML_CT	"text/html"

static const struct {
	const char		*label;
	enum act		 act;
	const char		*status;	/* NULL: raw is all there is */
	const char		*ctype;
	const char		*raw;	/* the body, or all when no status */
	enum vendor_outcome	 want;
	long			 http_status;
	int			 has_code;
	long			 code;
	const char		*task_id;
	const char		*message;	/* part of it */
} answers[] = {
	{ "accepted",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':'T-42'}}"),
	  VENDOR_ACCEPTED, 200, 1, 0, "T-42", "供应商已受理，任务 id：T-42" },
	{ "accepted, taskId in the push's form",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':"
	  "'dial_task_main_sn|1427A04CAE36A5B7161C0B04B9206FA4'}}"),
	  VENDOR_ACCEPTED, 200, 1, 0, "1427a04cae36a5b7161c0b04b9206fa4",
	  "供应商已受理，任务 id：1427a04cae36a5b7161c0b04b9206fa4" },
	{ "accepted, taskId the prefix alone",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':"
	  "'dial_task_main_sn|'}}"),
	  VENDOR_UNKNOWN, 200, 1, 0, "", "没有可用的任务 id" },
	{ "accepted, numeric taskId",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':123456789012}}"),
	  VENDOR_ACCEPTED, 200, 1, 0, "123456789012", "供应商已受理" },
	{ "accepted, JSON after a BOM and with spaces",
	  A("200 OK", JSON_CT,
	  "\xef\xbb\xbf { 'result' : { 'taskId' : 'x' } , 'errCode' : 0 }\n"),
	  VENDOR_ACCEPTED, 200, 1, 0, "x", "供应商已受理" },
	{ "errCode -1",
	  A("200 OK", JSON_CT, "{'errCode':-1}"),
	  VENDOR_REFUSED, 200, 1, -1, "", "供应商拒绝：错误码 -1 参数错误" },
	{ "errCode -2",
	  A("200 OK", JSON_CT, "{'errCode':-2,'result':null}"),
	  VENDOR_REFUSED, 200, 1, -2, "", "错误码 -2 找不到此机构" },
	{ "errCode -3",
	  A("200 OK", JSON_CT, "{'errCode':-3}"),
	  VENDOR_REFUSED, 200, 1, -3, "",
	  "错误码 -3 该机构下没有此账号/手机号有误/富媒体短信参数错误/视频短信参数错误" },
	{ "errCode -4",
	  A("200 OK", JSON_CT, "{'errCode':-4}"),
	  VENDOR_REFUSED, 200, 1, -4, "",
	  "错误码 -4 该视频尚未通过审核/无效视频互动 id/您的可用额度不足，请联系商务进行充值" },
	{ "errCode 10",
	  A("200 OK", JSON_CT, "{'errCode':10}"),
	  VENDOR_REFUSED, 200, 1, 10, "", "错误码 10 其它异常错误" },
	{ "errCode -4 with the vendor's words, phones masked",
	  A("200 OK", JSON_CT, "{'errCode':-4,'msg':'额度不足\\n13500000001'}"),
	  VENDOR_REFUSED, 200, 1, -4, "", "（供应商说明：额度不足 135****0001）" },
	{ "errCode 99 (not in the document) with a message",
	  A("200 OK", JSON_CT, "{'errCode':99,'message':'系统繁忙'}"),
	  VENDOR_REFUSED, 200, 1, 99, "", "供应商返回了文档中没有的错误码 99: 系统繁忙" },
	{ "errCode 99 with errMsg",
	  A("200 OK", JSON_CT, "{'errCode':99,'errMsg':'busy'}"),
	  VENDOR_REFUSED, 200, 1, 99, "", "供应商返回了文档中没有的错误码 99: busy" },
	{ "errCode 99 without a message",
	  A("200 OK", JSON_CT, "{'errCode':99}"),
	  VENDOR_REFUSED, 200, 1, 99, "", "供应商返回了文档中没有的错误码 99" },
	{ "HTTP 400 with an errCode",
	  A("400 Bad Request", JSON_CT, "{'errCode':-1}"),
	  VENDOR_REFUSED, 400, 1, -1, "", "错误码 -1 参数错误" },
	{ "HTTP 500 with an errCode",
	  A("500 Internal Server Error", JSON_CT, "{'errCode':-1}"),
	  VENDOR_UNKNOWN, 500, 0, 0, "", "结果未知" },
	{ "HTTP 500 HTML",
	  A("500 Internal Server Error", HTML_CT, "<html><body>oops</body></html>"),
	  VENDOR_UNKNOWN, 500, 0, 0, "", "请求已发出但未收到明确答复" },
	{ "HTTP 502 empty",
	  A("502 Bad Gateway", HTML_CT, ""),
	  VENDOR_UNKNOWN, 502, 0, 0, "", "供应商服务器出错" },
	{ "HTTP 200 HTML",
	  A("200 OK", HTML_CT, "<!DOCTYPE html><title>登录</title>"),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "供应商的答复不是 JSON" },
	{ "HTTP 403 HTML (a firewall)",
	  A("403 Forbidden", HTML_CT, "<h1>403</h1>"),
	  VENDOR_UNKNOWN, 403, 0, 0, "", "供应商的答复不是 JSON" },
	{ "not JSON",
	  A("200 OK", JSON_CT, "errCode=0"),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "不是 JSON" },
	{ "JSON and then garbage",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':'T'}}xyz"),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "不是 JSON" },
	{ "empty body",
	  A("200 OK", JSON_CT, ""),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "不是 JSON" },
	{ "a JSON array",
	  A("200 OK", JSON_CT, "[{'errCode':0}]"),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "不是 JSON" },
	{ "no errCode",
	  A("200 OK", JSON_CT, "{'code':0,'result':{'taskId':'T'}}"),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "缺少 errCode" },
	{ "errCode as a string",
	  A("200 OK", JSON_CT, "{'errCode':'0','result':{'taskId':'T'}}"),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "缺少 errCode" },
	{ "errCode 0 without result",
	  A("200 OK", JSON_CT, "{'errCode':0}"),
	  VENDOR_UNKNOWN, 200, 1, 0, "", "没有可用的任务 id" },
	{ "errCode 0 with an empty taskId",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':''}}"),
	  VENDOR_UNKNOWN, 200, 1, 0, "", "没有可用的任务 id" },
	{ "errCode 0 with a control character in taskId",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':'T\\u0001'}}"),
	  VENDOR_UNKNOWN, 200, 1, 0, "", "没有可用的任务 id" },
	{ "errCode 0 with a fractional taskId",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':1.5}}"),
	  VENDOR_UNKNOWN, 200, 1, 0, "", "没有可用的任务 id" },
	{ "errCode 0 with a taskId too long to keep",
	  A("200 OK", JSON_CT, "{'errCode':0,'result':{'taskId':'"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "'}}"),
	  VENDOR_UNKNOWN, 200, 1, 0, "", "没有可用的任务 id" },
	{ "errCode 0 with HTTP 404",
	  A("404 Not Found", JSON_CT, "{'errCode':0,'result':{'taskId':'T'}}"),
	  VENDOR_UNKNOWN, 404, 1, 0, "", "结果未知" },
	{ "a redirect is not followed", RAW(ANSWER,
	  "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/\r\n"
	  "Content-Length: 0\r\nConnection: close\r\n\r\n"),
	  VENDOR_UNKNOWN, 302, 0, 0, "", "结果未知" },
	{ "connection dropped after the request", RAW(DROP, NULL),
	  VENDOR_UNKNOWN, 0, 0, 0, "", "连接中断或没有答复" },
	{ "connection dropped in the middle of the answer", RAW(ANSWER,
	  "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{'errCode':0"),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "连接中断或没有答复" },
	{ "answer slower than the timeout", RAW(SLOW, NULL),
	  VENDOR_UNKNOWN, 0, 0, 0, "", "等待答复超时" },
	{ "answer over the size limit", RAW(HUGE,
	  "HTTP/1.1 200 OK\r\nContent-Type: " JSON_CT "\r\n\r\n"),
	  VENDOR_UNKNOWN, 200, 0, 0, "", "供应商的答复过大" },
};

/* What a body for the send tests holds, and must never leak. */
#define SEND_PHONE	"13500000001"

static char *
send_body(size_t *len)
{
	static const struct vendor_row rows[] = {
		{ "张三", SEND_PHONE, 2, cols2, vals_a },
	};
	struct vendor_cfg	 cfg = test_cfg(0);
	struct vendor_task	 task = { TASK_OK };
	struct rowsrc		 src = { ROWS(rows), 0, 0 };
	char			 err[256];
	char			*b;

	b = vendor_body(&cfg, NULL, &task, next_row, &src, len, err,
	    sizeof(err));
	ck_assert_msg(b != NULL, "%s", err);
	return b;
}

/* Neither the message nor the detail may carry a secret or a phone. */
static void
check_no_secrets(const struct vendor_result *res)
{
	static const char *const secrets[] = { "k3y", SIGN_TEST, SEND_PHONE };
	size_t	 i;

	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		ck_assert_ptr_null(strstr(res->detail, secrets[i]));
		ck_assert_ptr_null(strstr(res->message, secrets[i]));
	}
	ck_assert_str_ne(res->detail, "");
	ck_assert_str_ne(res->message, "");
}

/* The request the responder read: method, path, headers, exact body. */
static void
check_request(const struct capture *cap, const char *body, size_t len)
{
	const char	*hend, *ct;

	ck_assert_msg(cap->complete, "responder got %zu bytes", cap->len);
	ck_assert_msg(strncmp(cap->buf, "POST " VENDOR_CREATE_PATH
	    " HTTP/1.1\r\n", strlen("POST " VENDOR_CREATE_PATH
	    " HTTP/1.1\r\n")) == 0, "request line: %.80s", cap->buf);
	ck_assert_ptr_nonnull(hend = strstr(cap->buf, "\r\n\r\n"));
	ct = strcasestr(cap->buf, "\r\nContent-Type:");
	ck_assert_msg(ct != NULL && ct < hend, "no Content-Type");
	ck_assert_msg(strncmp(ct, "\r\nContent-Type: application/json; "
	    "charset=utf-8\r\n", 47) == 0, "Content-Type: %.60s", ct + 2);
	ct = strcasestr(cap->buf, "\r\nExpect:");
	ck_assert_msg(ct == NULL || ct > hend, "Expect: was sent");
	ck_assert_uint_eq(cap->len - (size_t)(hend + 4 - cap->buf), len);
	ck_assert(memcmp(hend + 4, body, len) == 0);
}

/* vendor_task_id_normalise(): the create answer's taskId and the push's
 * dial_task_main_sn, in every form, come to one id. */
static const struct {
	const char	*in;
	int		 rc;
	const char	*out;
} task_ids[] = {
	{ "1427a04cae36a5b7161c0b04b9206fa4", 0,
	  "1427a04cae36a5b7161c0b04b9206fa4" },
	{ "dial_task_main_sn|1427a04cae36a5b7161c0b04b9206fa4", 0,
	  "1427a04cae36a5b7161c0b04b9206fa4" },
	{ "1427A04CAE36A5B7161C0B04B9206FA4", 0,
	  "1427a04cae36a5b7161c0b04b9206fa4" },
	{ "dial_task_main_sn|1427A04CAE36A5B7161C0B04B9206FA4", 0,
	  "1427a04cae36a5b7161c0b04b9206fa4" },
	{ " dial_task_main_sn| 1427a04cae36a5b7161c0b04b9206fa4 \n", 0,
	  "1427a04cae36a5b7161c0b04b9206fa4" },
	{ "\t1427a04cae36a5b7161c0b04b9206fa4 ", 0,
	  "1427a04cae36a5b7161c0b04b9206fa4" },
	{ "task_sn|T-42", 0, "T-42" },
	{ "a|b|T-42", 0, "T-42" },
	{ "T-42", 0, "T-42" },
	{ "Abc-DEF", 0, "Abc-DEF" },		/* not hex: case kept */
	{ "123456789012", 0, "123456789012" },
	{ "dial_task_main_sn|", -1, "" },
	{ "dial_task_main_sn|   ", -1, "" },
	{ "", -1, "" },
	{ "  ", -1, "" },
	{ "|", -1, "" },
};

START_TEST(test_task_id)
{
	char	 out[64];

	memset(out, 'x', sizeof(out));
	ck_assert_msg(vendor_task_id_normalise(task_ids[_i].in, out,
	    sizeof(out)) == task_ids[_i].rc, "\"%s\": rc", task_ids[_i].in);
	ck_assert_msg(strcmp(out, task_ids[_i].out) == 0, "\"%s\": \"%s\", "
	    "want \"%s\"", task_ids[_i].in, out, task_ids[_i].out);
}
END_TEST

/* An id that does not fit is refused, not cut. */
START_TEST(test_task_id_room)
{
	char	 out[8];

	ck_assert_int_eq(vendor_task_id_normalise("dial_task_main_sn|1234567",
	    out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1234567");
	ck_assert_int_eq(vendor_task_id_normalise("12345678", out,
	    sizeof(out)), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(vendor_task_id_normalise(NULL, out, sizeof(out)), -1);
}
END_TEST

START_TEST(test_answer)
{
	struct vendor_cfg	 cfg = test_cfg(0);
	struct vendor_result	 res;
	struct responder	 r;
	char			 url[64], raw[2048];
	char			*body, *p;
	size_t			 len;
	int			 rc;

	if (answers[_i].status != NULL)
		snprintf(raw, sizeof(raw), "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
		    answers[_i].status, answers[_i].ctype,
		    strlen(answers[_i].raw), answers[_i].raw);
	else
		snprintf(raw, sizeof(raw), "%s", answers[_i].raw != NULL ?
		    answers[_i].raw : "");
	for (p = raw; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	body = send_body(&len);
	responder_start(&r, NULL, answers[_i].act, raw);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", r.port);
	cfg.url = url;
	cfg.timeout = 1;
	rc = vendor_send(&cfg, body, len, &res);
	responder_stop(&r);	/* after this, cap is still readable */

	ck_assert_msg(res.outcome == answers[_i].want, "%s: outcome %s, "
	    "want %s (%s)", answers[_i].label, vendor_outcome_name(res.outcome),
	    vendor_outcome_name(answers[_i].want), res.detail);
	ck_assert_int_eq(rc, res.outcome == VENDOR_ACCEPTED ? 0 : -1);
	ck_assert_int_eq(res.http_status, answers[_i].http_status);
	ck_assert_int_eq(res.has_err_code, answers[_i].has_code);
	ck_assert_int_eq(res.err_code, answers[_i].code);
	ck_assert_str_eq(res.task_id, answers[_i].task_id);
	ck_assert_msg(strstr(res.message, answers[_i].message) != NULL,
	    "%s: message \"%s\", want \"%s\"", answers[_i].label, res.message,
	    answers[_i].message);
	check_no_secrets(&res);
	ck_assert(res.seconds >= 0 && res.seconds < 3);
	if (answers[_i].act == SLOW)
		ck_assert(res.seconds >= 0.9);
	free(body);
}
END_TEST

/* The request itself, as the vendor gets it. The body is over 1 MiB, where
 * libcurl would otherwise ask "Expect: 100-continue" and wait. */
START_TEST(test_request)
{
	static const char	 ok[] =
	    "{\"errCode\":0,\"result\":{\"taskId\":\"T\"}}";
	struct vendor_cfg	 cfg = test_cfg(0);
	struct vendor_task	 task = { TASK_OK };
	struct manyrows		 m = { 30000, 0, "张三" };
	struct vendor_result	 res;
	struct responder	 r;
	char			 url[64], raw[256], err[256];
	char			*body;
	size_t			 len;

	snprintf(raw, sizeof(raw), "HTTP/1.1 200 OK\r\nContent-Type: "
	    JSON_CT "\r\nContent-Length: %zu\r\n\r\n%s", strlen(ok), ok);
	body = vendor_body(&cfg, NULL, &task, next_many, &m, &len, err,
	    sizeof(err));
	ck_assert_msg(body != NULL, "%s", err);
	ck_assert_uint_gt(len, 1024 * 1024);
	responder_start(&r, NULL, ANSWER, raw);
	/* A trailing slash on the base must not double the path's. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", r.port);
	cfg.url = url;
	ck_assert_int_eq(vendor_send(&cfg, body, len, &res), 0);
	ck_assert_str_eq(res.task_id, "T");
	ck_assert(res.seconds < 0.9);	/* no wait for 100-continue */
	check_request(r.cap, body, len);
	responder_stop(&r);
	free(body);
}
END_TEST

/* ---- requests that surely never left ------------------------------------ */

enum place {
	REFUSING,	/* a port bound but not listening: refused */
	NO_NAME,	/* a name that cannot resolve */
	FULL_QUEUE,	/* a listener whose queue is full: SYNs go unanswered */
	PLAIN_HTTP,	/* https:// to a server that talks plain HTTP */
	NO_HANDSHAKE,	/* https:// to a server that never answers the hello */
	NO_URL,		/* vendor_url empty */
	BAD_SCHEME,	/* not http or https */
};

static const struct {
	const char	*label;
	enum place	 place;
	const char	*message;	/* part of it */
} unsent[] = {
	{ "connection refused", REFUSING, "连接供应商失败" },
	{ "unresolvable host", NO_NAME, "请求未发出" },
	{ "connect timeout", FULL_QUEUE, "连接供应商超时" },
	{ "TLS handshake fails", PLAIN_HTTP, "与供应商建立安全连接失败" },
	{ "TLS handshake times out", NO_HANDSHAKE, "连接供应商超时" },
	{ "no vendor_url", NO_URL, "未配置供应商地址" },
	{ "ftp:// is not spoken", BAD_SCHEME, "供应商地址（vendor_url）无效" },
};

START_TEST(test_not_sent)
{
	struct vendor_cfg	 cfg = test_cfg(0);
	struct vendor_result	 res;
	struct responder	 r = { .pid = 0 };
	char			 url[64];
	char			*body;
	size_t			 len;
	int			 fd = -1, port, fill[4] = { -1, -1, -1, -1 }, i;
	struct sockaddr_in	 sa;

	body = send_body(&len);
	cfg.connect_timeout = 1;
	cfg.timeout = 5;
	switch (unsent[_i].place) {
	case REFUSING:
		fd = listener(-1, &port);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
		break;
	case NO_NAME:
		snprintf(url, sizeof(url), "http://nonexistent.invalid");
		break;
	case FULL_QUEUE:
		/* Linux drops a SYN while the accept queue is full. */
		fd = listener(0, &port);
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = htons(port);
		for (i = 0; i < 4; i++) {
			fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK,
			    0);
			ck_assert_int_ge(fill[i], 0);
			(void)connect(fill[i], (struct sockaddr *)&sa,
			    sizeof(sa));
		}
		usleep(100000);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
		break;
	case PLAIN_HTTP:
		responder_start(&r, NULL, TLS_JUNK,
		    "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
		snprintf(url, sizeof(url), "https://127.0.0.1:%d", r.port);
		break;
	case NO_HANDSHAKE:
		/* Connected, but TLS is not up: the request is not out. */
		responder_start(&r, NULL, STALL, "");
		snprintf(url, sizeof(url), "https://127.0.0.1:%d", r.port);
		break;
	case NO_URL:
		url[0] = '\0';
		break;
	case BAD_SCHEME:
		snprintf(url, sizeof(url), "ftp://127.0.0.1:21");
		break;
	}
	cfg.url = url;
	ck_assert_int_eq(vendor_send(&cfg, body, len, &res), -1);
	ck_assert_msg(res.outcome == VENDOR_NOT_SENT, "%s: %s (%s)",
	    unsent[_i].label, vendor_outcome_name(res.outcome), res.detail);
	ck_assert_int_eq(res.http_status, 0);
	ck_assert_int_eq(res.has_err_code, 0);
	ck_assert_str_eq(res.task_id, "");
	ck_assert_msg(strstr(res.message, unsent[_i].message) != NULL,
	    "%s: message \"%s\"", unsent[_i].label, res.message);
	check_no_secrets(&res);
	if (r.pid != 0) {
		ck_assert(!r.cap->complete);	/* and surely no request */
		responder_stop(&r);
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; i < 4; i++)
		if (fill[i] >= 0)
			close(fill[i]);
	free(body);
}
END_TEST

/* ---- TLS: verified, always ---------------------------------------------- */

/* A self-signed certificate made for the test, P-256, one day. */
struct testcert {
	EVP_PKEY	*key;
	X509		*cert;
	char		 path[64];	/* PEM of cert, for ca_file */
};

static void
testcert_make(struct testcert *tc, const char *san)
{
	EVP_PKEY_CTX	*kc;
	X509_NAME	*name;
	X509_EXTENSION	*ext;
	X509V3_CTX	 v3;
	FILE		*f;
	int		 fd;

	tc->key = NULL;
	ck_assert_ptr_nonnull(kc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL));
	ck_assert_int_eq(EVP_PKEY_keygen_init(kc), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kc,
	    NID_X9_62_prime256v1), 1);
	ck_assert_int_eq(EVP_PKEY_keygen(kc, &tc->key), 1);
	EVP_PKEY_CTX_free(kc);

	ck_assert_ptr_nonnull(tc->cert = X509_new());
	ck_assert_int_eq(X509_set_version(tc->cert, 2), 1);
	ck_assert_int_eq(ASN1_INTEGER_set(X509_get_serialNumber(tc->cert),
	    (long)getpid()), 1);
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(tc->cert),
	    -3600));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(tc->cert),
	    86400));
	ck_assert_int_eq(X509_set_pubkey(tc->cert, tc->key), 1);
	name = X509_get_subject_name(tc->cert);
	ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"dialdesk test vendor", -1, -1, 0), 1);
	ck_assert_int_eq(X509_set_issuer_name(tc->cert, name), 1);
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, tc->cert, tc->cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
	ck_assert_ptr_nonnull(ext);
	ck_assert_int_eq(X509_add_ext(tc->cert, ext, -1), 1);
	X509_EXTENSION_free(ext);
	ck_assert_int_gt(X509_sign(tc->cert, tc->key, EVP_sha256()), 0);

	snprintf(tc->path, sizeof(tc->path), "/tmp/check_vendor.XXXXXX");
	ck_assert_int_ge(fd = mkstemp(tc->path), 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	ck_assert_int_eq(PEM_write_X509(f, tc->cert), 1);
	ck_assert_int_eq(fclose(f), 0);
}

static void
testcert_free(struct testcert *tc)
{
	unlink(tc->path);
	X509_free(tc->cert);
	EVP_PKEY_free(tc->key);
}

enum trust {
	TRUST_OURS,	/* ca_file is the test's certificate */
	TRUST_SYSTEM,	/* ca_file NULL: the system store, which does not
			 * know the test's certificate */
	TRUST_MISSING,	/* ca_file names no file */
};

static const struct {
	const char		*label;
	const char		*san;	/* the certificate's names */
	enum trust		 trust;
	enum vendor_outcome	 want;
	const char		*message;	/* part of it */
} tls[] = {
	{ "certificate trusted through ca_file", "IP:127.0.0.1", TRUST_OURS,
	  VENDOR_ACCEPTED, "供应商已受理，任务 id：T-tls" },
	{ "self-signed certificate, system store", "IP:127.0.0.1",
	  TRUST_SYSTEM, VENDOR_NOT_SENT, "与供应商建立安全连接失败" },
	{ "certificate for another name", "DNS:vendor.example", TRUST_OURS,
	  VENDOR_NOT_SENT, "与供应商建立安全连接失败" },
	{ "ca_file that does not exist", "IP:127.0.0.1", TRUST_MISSING,
	  VENDOR_NOT_SENT, "与供应商建立安全连接失败" },
};

START_TEST(test_tls)
{
	static const char	 ok[] =
	    "{\"errCode\":0,\"result\":{\"taskId\":\"T-tls\"}}";
	struct vendor_cfg	 cfg = test_cfg(0);
	struct vendor_result	 res;
	struct responder	 r;
	struct testcert		 tc;
	SSL_CTX			*sc;
	char			 url[64], raw[256];
	char			*body;
	size_t			 len;

	testcert_make(&tc, tls[_i].san);
	ck_assert_ptr_nonnull(sc = SSL_CTX_new(TLS_server_method()));
	ck_assert_int_eq(SSL_CTX_use_certificate(sc, tc.cert), 1);
	ck_assert_int_eq(SSL_CTX_use_PrivateKey(sc, tc.key), 1);
	snprintf(raw, sizeof(raw), "HTTP/1.1 200 OK\r\nContent-Type: "
	    JSON_CT "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    strlen(ok), ok);
	body = send_body(&len);
	responder_start(&r, sc, ANSWER, raw);
	snprintf(url, sizeof(url), "https://127.0.0.1:%d", r.port);
	cfg.url = url;
	cfg.ca_file = tls[_i].trust == TRUST_OURS ? tc.path :
	    tls[_i].trust == TRUST_MISSING ? "/nonexistent/ca.pem" : NULL;
	(void)vendor_send(&cfg, body, len, &res);
	ck_assert_msg(res.outcome == tls[_i].want, "%s: %s (%s)", tls[_i].label,
	    vendor_outcome_name(res.outcome), res.detail);
	ck_assert_msg(strstr(res.message, tls[_i].message) != NULL,
	    "%s: message \"%s\"", tls[_i].label, res.message);
	check_no_secrets(&res);
	if (res.outcome == VENDOR_ACCEPTED)
		check_request(r.cap, body, len);
	else
		ck_assert_uint_eq(r.cap->len, 0);	/* not a byte */
	responder_stop(&r);
	SSL_CTX_free(sc);
	testcert_free(&tc);
	free(body);
}
END_TEST

/* Every send must not outlive its own timeouts by much. */
#define SEND_CASE_TIMEOUT	20

static Suite *
vendor_suite(void)
{
	Suite	*s = suite_create("vendor");
	TCase	*tc;

	tc = tcase_create("body");
	tcase_add_loop_test(tc, test_body, 0, sizeof(bodies) /
	    sizeof(bodies[0]));
	tcase_add_loop_test(tc, test_refusal, 0, sizeof(refusals) /
	    sizeof(refusals[0]));
	tcase_add_loop_test(tc, test_body_size, 0, sizeof(sizes) /
	    sizeof(sizes[0]));
	tcase_set_timeout(tc, SEND_CASE_TIMEOUT);
	suite_add_tcase(s, tc);

	tc = tcase_create("crypto");
	tcase_add_loop_test(tc, test_sign, 0, sizeof(signs) / sizeof(signs[0]));
	tcase_add_loop_test(tc, test_aes, 0, sizeof(aes) / sizeof(aes[0]));
	tcase_add_test(tc, test_err_zh);
	tcase_add_loop_test(tc, test_task_id, 0, sizeof(task_ids) /
	    sizeof(task_ids[0]));
	tcase_add_test(tc, test_task_id_room);
	suite_add_tcase(s, tc);

	tc = tcase_create("send");
	tcase_add_test(tc, test_request);
	tcase_add_loop_test(tc, test_answer, 0, sizeof(answers) /
	    sizeof(answers[0]));
	tcase_add_loop_test(tc, test_not_sent, 0, sizeof(unsent) /
	    sizeof(unsent[0]));
	tcase_add_loop_test(tc, test_tls, 0, sizeof(tls) / sizeof(tls[0]));
	tcase_set_timeout(tc, SEND_CASE_TIMEOUT);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	static const char *const proxies[] = {
		"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
		"all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY",
	};
	size_t	 i;

	/* The responder is local: a proxy from the environment would only
	 * get in the way. */
	for (i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		unsetenv(proxies[i]);
	if (vendor_init() != 0)
		return 1;
	return unit_run(vendor_suite());
}
