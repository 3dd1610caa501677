/* check_fields.c: the table of the vendor's create-task fields (fields.def)
 * is complete and consistent, and what loops over it keeps its promises:
 * the form's input keys, the request body (every field in the table's
 * order, with its JSON type), the rule "required while its switch is on"
 * for each dependent field, and the stored parameters (round trip, and
 * tasks stored by the code before the table still read). */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "fields.h"
#include "params.h"
#include "task.h"
#include "vendor.h"
#include "unit.h"

static int
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* ---- the table ----------------------------------------------------------- */

START_TEST(test_row_complete)
{
	const struct field_row *fd = &fields[_i];
	enum field	 f;

	ck_assert_msg(nonempty(fd->api), "row %d has no API name", _i);
	ck_assert_msg(nonempty(fd->tpl), "%s has no template prefix", fd->api);
	for (f = 0; f < (enum field)_i; f++) {
		ck_assert_str_ne(fields[f].api, fd->api);
		ck_assert_str_ne(fields[f].tpl, fd->tpl);
	}
	if (field_on_form(_i)) {
		/* Its input key is declared by params.c with the same
		 * validator, under the API's own name. */
		ck_assert_msg(fd->key < KEY__MAX, "%s has no key", fd->api);
		ck_assert_str_eq(keys[fd->key].name, fd->api);
		ck_assert_msg(fd->valid != NULL, "%s has no validator",
		    fd->api);
		ck_assert_msg(keys[fd->key].valid == fd->valid,
		    "%s: params.c validates another way", fd->api);
		ck_assert_msg(nonempty(fd->label), "%s has no label", fd->api);
	} else
		ck_assert_msg(fd->key == KEY__MAX, "%s is no form field but "
		    "has a key", fd->api);
	switch (fd->kind) {
	case FIELD_KIND_TEXT:
		ck_assert_msg(nonempty(fd->invalid), "%s: no reason when "
		    "invalid", fd->api);
		ck_assert_msg(!fd->required || nonempty(fd->missing),
		    "%s: required but no reason when missing", fd->api);
		ck_assert_msg(fd->maxlength > 0, "%s: no maxlength", fd->api);
		/* The form notes "required once the switch is on". */
		ck_assert_msg(!fd->required || fd->depends == FIELD_NONE ||
		    nonempty(fields[fd->depends].badge), "%s: its switch has "
		    "no badge", fd->api);
		break;
	case FIELD_KIND_SWITCH:
		ck_assert(fd->valid == valid_bool);
		ck_assert(nonempty(fd->shown_on) && nonempty(fd->shown_off));
		break;
	case FIELD_KIND_PHASE:
		ck_assert(fd->valid == valid_phase);
		ck_assert_msg(nonempty(fd->invalid), "%s: no reason", fd->api);
		break;
	case FIELD_KIND_CONST:
		ck_assert(nonempty(fd->value));
		ck_assert(nonempty(fd->label) && nonempty(fd->shown));
		break;
	case FIELD_KIND_SUPPLIED:
		ck_assert(fd->valid == NULL);
		break;
	}
}
END_TEST

START_TEST(test_dependency_is_a_switch)
{
	const struct field_row *fd = &fields[_i];

	if (fd->depends == FIELD_NONE)
		return;
	ck_assert_msg(fd->depends >= 0 && fd->depends < FIELD__MAX,
	    "%s depends on no row", fd->api);
	ck_assert_msg(fields[fd->depends].kind == FIELD_KIND_SWITCH,
	    "%s depends on %s, which is no switch", fd->api,
	    fields[fd->depends].api);
	ck_assert_msg(fields[fd->depends].depends == FIELD_NONE,
	    "%s: a switch that depends on another", fd->api);
	/* Only what the form sets can depend on a switch. */
	ck_assert(field_on_form(_i));
}
END_TEST

/* The document's parameter table, in its order, with the JSON type of
 * each: the table must hold exactly these (PRODUCT.md section 1). */
static const struct {
	const char	*api;
	int		 type;	/* cJSON_String, cJSON_True (a boolean), ... */
} document[] = {
	{ "orgCode", cJSON_String }, { "sign", cJSON_String },
	{ "loginName", cJSON_String }, { "name", cJSON_String },
	{ "mediaType", cJSON_String }, { "videoBotId", cJSON_String },
	{ "isVoiceDivide", cJSON_True }, { "audioBotId", cJSON_String },
	{ "deliverList", cJSON_Array }, { "isRelateSendMessage", cJSON_True },
	{ "msgTemplateId", cJSON_String }, { "msgTitle", cJSON_String },
	{ "sendMessagePhase", cJSON_Number },
	{ "isRelateVideoMessage", cJSON_True },
	{ "videoMessageTemplateId", cJSON_String },
	{ "sendVideoMessagePhase", cJSON_Number },
};
#define NDOC	(sizeof(document) / sizeof(document[0]))

START_TEST(test_document_fields)
{
	size_t	 i;

	ck_assert_uint_eq(FIELD__MAX, NDOC);
	for (i = 0; i < NDOC; i++)
		ck_assert_str_eq(fields[i].api, document[i].api);
}
END_TEST

/* ---- the request body ------------------------------------------------------ */

static const struct vendor_cfg cfg = {
	.url = "http://127.0.0.1:9", .org_code = "spcd_org",
	.login_name = "test", .sign_key = "k3y",
	.sign_recipe = "{orgCode}{loginName}{key}",
};

static int
one_row(void *arg, struct vendor_row *row)
{
	int	*left = arg;

	if (*left == 0)
		return 0;
	(*left)--;
	row->phone = "13500000000";
	return 1;
}

/* Every switch on, every text "v-<api>", every phase 2. */
static void
everything(struct vendor_task *t)
{
	static char	 vals[FIELD__MAX][64];
	enum field	 f;

	memset(t, 0, sizeof(*t));
	for (f = 0; f < FIELD__MAX; f++) {
		snprintf(vals[f], sizeof(vals[f]), "v-%s", fields[f].api);
		if (fields[f].kind == FIELD_KIND_TEXT)
			t->text[f] = vals[f];
		else if (fields[f].kind == FIELD_KIND_SWITCH)
			t->num[f] = 1;
		else if (fields[f].kind == FIELD_KIND_PHASE)
			t->num[f] = 2;
	}
}

static char *
body_of(const struct vendor_task *t, char *err, size_t errsz)
{
	int	 rows = 1;

	return vendor_body(&cfg, NULL, t, one_row, &rows, NULL, err, errsz);
}

static int
type_is(const cJSON *v, int type)
{
	return type == cJSON_True ? cJSON_IsBool(v) :
	    (v->type & 0xff) == type;
}

START_TEST(test_body_in_table_order)
{
	struct vendor_task	 t;
	char			 err[256];
	char			*text;
	cJSON			*root, *v;
	enum field		 f = 0;

	everything(&t);
	ck_assert_msg((text = body_of(&t, err, sizeof(err))) != NULL, "%s",
	    err);
	ck_assert_ptr_nonnull(root = cJSON_Parse(text));
	cJSON_ArrayForEach(v, root) {
		ck_assert_msg(f < FIELD__MAX, "body member %s is no field",
		    v->string);
		ck_assert_str_eq(v->string, fields[f].api);
		ck_assert_msg(type_is(v, document[f].type), "%s has the wrong "
		    "JSON type", v->string);
		if (fields[f].kind == FIELD_KIND_TEXT) {
			ck_assert_str_eq(v->valuestring + 2, fields[f].api);
		} else if (fields[f].kind == FIELD_KIND_SWITCH)
			ck_assert(cJSON_IsTrue(v));
		else if (fields[f].kind == FIELD_KIND_PHASE)
			ck_assert_int_eq(v->valueint, 2);
		else if (fields[f].kind == FIELD_KIND_CONST)
			ck_assert_str_eq(v->valuestring, fields[f].value);
		f++;
	}
	ck_assert_msg(f == FIELD__MAX, "the body has %d of %d fields", f,
	    FIELD__MAX);
	cJSON_Delete(root);
	free(text);
}
END_TEST

/* For each field that depends on a switch: with the switch on and the
 * field empty the body is refused, naming the field and its switch; with
 * the switch off the same task is built and the field is not in it. */
START_TEST(test_required_while_on)
{
	const struct field_row	*fd = &fields[_i];
	struct vendor_task	 t;
	char			 err[256], want[256];
	char			*text;
	cJSON			*root;
	enum field		 f;

	if (fd->depends == FIELD_NONE)
		return;
	everything(&t);
	if (fd->kind == FIELD_KIND_TEXT) {
		t.text[_i] = "";
		snprintf(want, sizeof(want), "%s (required when %s is true) "
		    "is empty", fd->api, fields[fd->depends].api);
	} else {
		t.num[_i] = 4;
		snprintf(want, sizeof(want), "%s must be 1, 2 or 3 (or not "
		    "given), not 4", fd->api);
	}
	text = body_of(&t, err, sizeof(err));
	if (fd->kind == FIELD_KIND_TEXT && !fd->required) {
		/* Optional: not sent when not given, switch on or off. */
		ck_assert_msg(text != NULL, "%s: %s", fd->api, err);
		ck_assert_ptr_null(strstr(text, fd->api));
		free(text);
	} else {
		ck_assert_msg(text == NULL, "%s: built anyway", fd->api);
		ck_assert_str_eq(err, want);
	}

	t.num[fd->depends] = 0;
	ck_assert_msg((text = body_of(&t, err, sizeof(err))) != NULL,
	    "%s, its switch off: %s", fd->api, err);
	ck_assert_ptr_nonnull(root = cJSON_Parse(text));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root,
	    fields[fd->depends].api)));
	/* Nothing its switch governs is sent. */
	for (f = 0; f < FIELD__MAX; f++)
		if (fields[f].depends == fd->depends)
			ck_assert_msg(cJSON_GetObjectItemCaseSensitive(root,
			    fields[f].api) == NULL, "%s sent with %s off",
			    fields[f].api, fields[fd->depends].api);
	cJSON_Delete(root);
	free(text);
}
END_TEST

/* Every required field that depends on nothing is refused when empty. */
START_TEST(test_required_always)
{
	const struct field_row	*fd = &fields[_i];
	struct vendor_task	 t;
	char			 err[256], want[128];

	if (fd->kind != FIELD_KIND_TEXT || !fd->required ||
	    fd->depends != FIELD_NONE)
		return;
	everything(&t);
	t.text[_i] = NULL;
	snprintf(want, sizeof(want), "%s is empty", fd->api);
	ck_assert_ptr_null(body_of(&t, err, sizeof(err)));
	ck_assert_str_eq(err, want);
}
END_TEST

/* ---- the stored parameters ------------------------------------------------- */

START_TEST(test_params_round_trip)
{
	struct task_params	 p, q;
	cJSON			*j;
	char			*text;
	enum field		 f;

	memset(&p, 0, sizeof(p));
	for (f = 0; f < FIELD__MAX; f++) {
		if (fields[f].kind == FIELD_KIND_TEXT)
			ck_assert(asprintf(&p.text[f], "值 %s \"'<>",
			    fields[f].api) > 0);
		else if (fields[f].kind == FIELD_KIND_SWITCH)
			p.num[f] = f % 2;
		else if (fields[f].kind == FIELD_KIND_PHASE)
			p.num[f] = 1 + f % 3;
	}
	ck_assert_ptr_nonnull(j = task_params_json(&p));
	ck_assert_ptr_nonnull(text = cJSON_PrintUnformatted(j));
	/* Only what the form sets is stored, each with its JSON type. */
	for (f = 0; f < FIELD__MAX; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(j,
		    fields[f].api);
		if (!field_on_form(f))
			ck_assert_ptr_null(v);
		else if (fields[f].kind == FIELD_KIND_TEXT)
			ck_assert(cJSON_IsString(v));
		else if (fields[f].kind == FIELD_KIND_SWITCH)
			ck_assert(cJSON_IsBool(v));
		else
			ck_assert(cJSON_IsNumber(v));
	}
	ck_assert_int_eq(task_params_parse(text, &q), 0);
	for (f = 0; f < FIELD__MAX; f++) {
		if (fields[f].kind == FIELD_KIND_TEXT)
			ck_assert_str_eq(q.text[f], p.text[f]);
		else
			ck_assert_ptr_null(q.text[f]);
		ck_assert_int_eq(q.num[f], p.num[f]);
	}
	cJSON_Delete(j);
	free(text);
	task_params_free(&p);
	task_params_free(&q);
}
END_TEST

/* Parameters as the code before fields.def stored them (task.c's two
 * tables: every string first, then the switches and phases), and as an
 * even older or hand-made row may hold them: each still reads. */
static const struct {
	const char	*label;
	const char	*json;
	const char	*text[FIELD__MAX];
	int		 num[FIELD__MAX];
} stored[] = {
	{ "written by the old code, everything on",
	  "{\"name\":\"春季回访\",\"videoBotId\":\"vb-20240501\","
	  "\"audioBotId\":\"ab-7\",\"msgTemplateId\":\"600184215\","
	  "\"msgTitle\":\"甜新科技\",\"videoMessageTemplateId\":\"16083\","
	  "\"isVoiceDivide\":true,\"isRelateSendMessage\":true,"
	  "\"sendMessagePhase\":2,\"isRelateVideoMessage\":true,"
	  "\"sendVideoMessagePhase\":3}",
	  { [FIELD_NAME] = "春季回访", [FIELD_VIDEOBOTID] = "vb-20240501",
	    [FIELD_AUDIOBOTID] = "ab-7", [FIELD_MSGTEMPLATEID] = "600184215",
	    [FIELD_MSGTITLE] = "甜新科技",
	    [FIELD_VIDEOMESSAGETEMPLATEID] = "16083" },
	  { [FIELD_ISVOICEDIVIDE] = 1, [FIELD_ISRELATESENDMESSAGE] = 1,
	    [FIELD_SENDMESSAGEPHASE] = 2, [FIELD_ISRELATEVIDEOMESSAGE] = 1,
	    [FIELD_SENDVIDEOMESSAGEPHASE] = 3 } },
	{ "written by the old code, switches off",
	  "{\"name\":\"开关关闭\",\"videoBotId\":\"vb1\",\"audioBotId\":\"\","
	  "\"msgTemplateId\":\"\",\"msgTitle\":\"\","
	  "\"videoMessageTemplateId\":\"\",\"isVoiceDivide\":false,"
	  "\"isRelateSendMessage\":false,\"sendMessagePhase\":0,"
	  "\"isRelateVideoMessage\":false,\"sendVideoMessagePhase\":0}",
	  { [FIELD_NAME] = "开关关闭", [FIELD_VIDEOBOTID] = "vb1" }, { 0 } },
	{ "a row with only a name: the rest empty or off",
	  "{\"name\":\"旧任务\"}", { [FIELD_NAME] = "旧任务" }, { 0 } },
	{ "wrong JSON types read as not given",
	  "{\"name\":7,\"isVoiceDivide\":\"true\",\"sendMessagePhase\":\"2\"}",
	  { 0 }, { 0 } },
};

START_TEST(test_params_stored_before)
{
	struct task_params	 p;
	enum field		 f;

	ck_assert_int_eq(task_params_parse(stored[_i].json, &p), 0);
	for (f = 0; f < FIELD__MAX; f++) {
		if (fields[f].kind == FIELD_KIND_TEXT)
			ck_assert_msg(strcmp(p.text[f], stored[_i].text[f] ?
			    stored[_i].text[f] : "") == 0, "%s: %s is \"%s\"",
			    stored[_i].label, fields[f].api, p.text[f]);
		ck_assert_msg(p.num[f] == stored[_i].num[f], "%s: %s is %d",
		    stored[_i].label, fields[f].api, p.num[f]);
	}
	task_params_free(&p);
}
END_TEST

START_TEST(test_params_not_json)
{
	struct task_params	 p;

	ck_assert_int_eq(task_params_parse("{\"name\":", &p), -1);
	ck_assert_ptr_null(p.text[FIELD_NAME]);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("fields");
	TCase	*tc = tcase_create("core");

	tcase_add_loop_test(tc, test_row_complete, 0, FIELD__MAX);
	tcase_add_loop_test(tc, test_dependency_is_a_switch, 0, FIELD__MAX);
	tcase_add_test(tc, test_document_fields);
	tcase_add_test(tc, test_body_in_table_order);
	tcase_add_loop_test(tc, test_required_while_on, 0, FIELD__MAX);
	tcase_add_loop_test(tc, test_required_always, 0, FIELD__MAX);
	tcase_add_test(tc, test_params_round_trip);
	tcase_add_loop_test(tc, test_params_stored_before, 0,
	    sizeof(stored) / sizeof(stored[0]));
	tcase_add_test(tc, test_params_not_json);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
