/* sandbox_vendor.c: a stand-in for the call vendor (create-task API, fault
 * modes, import push) that dialdesk's demo and tests talk to; see
 * tools/README.md.
 *
 * One process serves one FastCGI request at a time, so the fault mode and
 * the counters are plain variables that every request sees in order. The
 * import pushes wait in a queue, sent between requests when they are due,
 * so a push never holds back an answer. */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <fcgiapp.h>
#include <sodium.h>

#include "log.h"
#include "phone.h"
#include "utf8.h"

#define CREATE_PATH	"/api/mediaDeliverPlatform/external/create"
/* The vendor's limit of rows per push. */
#define DELIVER_MAX	50000
/* Larger than 50,000 rows with names and extra columns ever get; the
 * nginx block allows the same. */
#define BODY_MAX	(64L * 1024 * 1024)
#define READ_CHUNK	65536
#define DELAY_MAX_MS	600000L
#define DELAY_DEFAULT_MS 10000L
/* A push is tried once and then retried this often, this far apart. */
#define PUSH_RETRIES	3
#define PUSH_RETRY_MS	1000L
#define PUSH_TIMEOUT_S	5L
/* What the import push carries instead of counts in import_fail mode. */
#define IMPORT_FAIL_REASON "号码文件格式错误"
/* 16 random bytes in hex, as the vendor's ids look. */
#define TASK_ID_SIZE	33

static volatile sig_atomic_t stopping;

/* ---- what the command line sets ------------------------------------- */

struct options {
	const char	*socket;
	const char	*record;	/* NULL: no recording */
	const char	*org;		/* NULL: any orgCode */
	const char	*login;		/* NULL: any loginName */
	const char	*callback;	/* NULL: no import push */
	const char	*sign_key;	/* both NULL: sign format only */
	const char	*sign_recipe;
	long		 push_delay_ms;
	/* The forms of the vendor task id (PRODUCT.md section 5): 1 is
	 * "dial_task_main_sn|<id>", 0 the bare id. */
	int		 answer_full_id;	/* in the create answer's taskId */
	int		 push_bare_sn;		/* in the push's dial_task_main_sn */
};

/* ---- fault modes ---------------------------------------------------- */

enum mode {
	MODE_OK,
	MODE_ERRCODE,
	MODE_HTTP500,
	MODE_HTML,
	MODE_SLOW,
	MODE_DROP,
	MODE_IMPORT_FAIL,
	MODE__MAX
};

static const char *const mode_names[MODE__MAX] = {
	"ok",		/* MODE_OK */
	"errcode",	/* MODE_ERRCODE */
	"http500",	/* MODE_HTTP500 */
	"html",		/* MODE_HTML */
	"slow",		/* MODE_SLOW */
	"drop",		/* MODE_DROP */
	"import_fail",	/* MODE_IMPORT_FAIL */
};

struct fault {
	enum mode	 mode;
	int		 errcode;	/* MODE_ERRCODE's answer */
	char		*errmsg;	/* its errMsg, NULL: none (owned) */
	long		 delay_ms;	/* MODE_SLOW's pause */
	long		 count;		/* create requests left, 0: until changed */
};

/* ---- the import push's figures (PRODUCT.md section 2) ----------------- */

/* In the order of the vendor's example. */
enum count {
	C_TOTAL,
	C_FAIL,
	C_BLACKLIST,
	C_REPEAT,
	C_SUCCESS,
	C_FILTER,
	C_SHI,
	C_KONG,
	C_TINGJI,
	C_KUWU,
	C_CHENMO,
	C_FENXIAN,
	C_CHAOPIN,
	C__MAX
};

static const char *const count_keys[C__MAX] = {
	"totalCount",		/* C_TOTAL */
	"failCount",		/* C_FAIL */
	"blacklistCount",	/* C_BLACKLIST */
	"repeatCount",		/* C_REPEAT */
	"successCount",		/* C_SUCCESS */
	"filterCount",		/* C_FILTER */
	"shiCount",		/* C_SHI */
	"kongCount",		/* C_KONG */
	"tingjiCount",		/* C_TINGJI */
	"kuwuCount",		/* C_KUWU */
	"chenmoCount",		/* C_CHENMO */
	"fenxianCount",		/* C_FENXIAN */
	"chaopinCount",		/* C_CHAOPIN */
};

/* The number check of a successful row, by the last digit of its phone
 * (a hex digit's value mod 10), so that tests can predict it. */
static const enum count check_by_digit[10] = {
	C_SHI, C_SHI, C_SHI, C_SHI, C_SHI,	/* 0-4 */
	C_KONG,					/* 5 */
	C_TINGJI,				/* 6 */
	C_KUWU,					/* 7 */
	C_CHENMO,				/* 8 */
	C_FENXIAN,				/* 9 */
};

/* ---- the create request's contract (PRODUCT.md section 1) ------------- */

enum field {
	F_ORG_CODE,
	F_SIGN,
	F_LOGIN_NAME,
	F_NAME,
	F_MEDIA_TYPE,
	F_VIDEO_BOT_ID,
	F_IS_VOICE_DIVIDE,
	F_AUDIO_BOT_ID,
	F_IS_RELATE_SEND_MESSAGE,
	F_MSG_TEMPLATE_ID,
	F_MSG_TITLE,
	F_SEND_MESSAGE_PHASE,
	F_IS_RELATE_VIDEO_MESSAGE,
	F_VIDEO_MESSAGE_TEMPLATE_ID,
	F_SEND_VIDEO_MESSAGE_PHASE,
	F_DELIVER_LIST,
	F__MAX
};

enum kind {
	K_TEXT,		/* a string; not empty when required */
	K_SIGN,		/* 64 hex digits */
	K_MEDIA_TYPE,	/* "videoBot" */
	K_BOOL,		/* true or false, not "true" nor 1 */
	K_PHASE,	/* the number 1, 2 or 3 */
	K_LIST,		/* deliverList */
};

/* In .when: required whatever the other fields hold, or never required. */
#define ALWAYS	(-1)
#define NEVER	F__MAX

/*
 * Checked in this order; the first problem is the answer. .when is ALWAYS,
 * NEVER, or the boolean field whose true value makes this one required.
 * .code and .problem are what the vendor's document says for anything
 * wrong with the field: -1 参数错误 for most, -3 for the SMS settings.
 * JSON null counts as absent, as it does for the vendor's Java parser.
 */
static const struct field_rule {
	const char	*name;
	enum kind	 kind;
	int		 when;
	int		 code;
	const char	*problem;
} rules[F__MAX] = {
	{ "orgCode", K_TEXT, ALWAYS, -1, "参数错误" },
	{ "sign", K_SIGN, ALWAYS, -1, "参数错误" },
	{ "loginName", K_TEXT, ALWAYS, -1, "参数错误" },
	{ "name", K_TEXT, ALWAYS, -1, "参数错误" },
	{ "mediaType", K_MEDIA_TYPE, ALWAYS, -1, "参数错误" },
	{ "videoBotId", K_TEXT, ALWAYS, -1, "参数错误" },
	{ "isVoiceDivide", K_BOOL, NEVER, -1, "参数错误" },
	{ "audioBotId", K_TEXT, F_IS_VOICE_DIVIDE, -1, "参数错误" },
	{ "isRelateSendMessage", K_BOOL, ALWAYS, -1, "参数错误" },
	{ "msgTemplateId", K_TEXT, F_IS_RELATE_SEND_MESSAGE, -3,
	    "富媒体短信参数错误" },
	{ "msgTitle", K_TEXT, F_IS_RELATE_SEND_MESSAGE, -3,
	    "富媒体短信参数错误" },
	{ "sendMessagePhase", K_PHASE, NEVER, -3, "富媒体短信参数错误" },
	{ "isRelateVideoMessage", K_BOOL, ALWAYS, -1, "参数错误" },
	{ "videoMessageTemplateId", K_TEXT, F_IS_RELATE_VIDEO_MESSAGE, -3,
	    "视频短信参数错误" },
	{ "sendVideoMessagePhase", K_PHASE, NEVER, -3, "视频短信参数错误" },
	{ "deliverList", K_LIST, ALWAYS, -1, "参数错误" },
};

/* What the sign recipe may hold, as in dialdesk's sign_recipe, and the
 * request field each stands for (NULL: --sign-key). */
static const struct placeholder {
	const char	*text;
	const char	*field;
} placeholders[] = {
	{ "{orgCode}", "orgCode" },
	{ "{loginName}", "loginName" },
	{ "{name}", "name" },
	{ "{key}", NULL },
};
#define PLACEHOLDERS	(sizeof(placeholders) / sizeof(placeholders[0]))
/* Room for a sign: 64 hex digits and the NUL. */
#define SIGN_SIZE	65

/* The judgement of one create request. */
struct verdict {
	int		 code;		/* errCode, 0: accepted */
	char		*msg;		/* errMsg when refused (owned) */
	long		 counts[C__MAX];	/* the push's figures when accepted */
};

/* ---- state ------------------------------------------------------------ */

struct push {
	struct push	*next;
	long long	 due_ms;	/* CLOCK_MONOTONIC */
	int		 tries;		/* made so far */
	char		 task_id[TASK_ID_SIZE];
	char		*body;		/* JSON (owned) */
};

struct stats {
	unsigned long	 received;	/* create requests */
	unsigned long	 accepted;	/* answered errCode 0 with a taskId */
	unsigned long	 refused;	/* answered another errCode by the rules */
	unsigned long	 faulted;	/* answered by a fault mode */
	unsigned long	 pushes_sent;	/* answered 2xx by the callback */
	unsigned long	 pushes_failed;	/* given up */
};

struct sandbox {
	struct options	 opt;
	struct fault	 fault;
	unsigned long	 seq;		/* create requests, names record files */
	struct stats	 stats;
	struct push	*pushes;	/* waiting, soonest first (owned) */
};

/* One FastCGI request, as the handlers see it. */
struct request {
	FCGX_Request	*fcgi;
	const char	*method;
	const char	*path;
	const char	*content_type;	/* NULL when not sent */
	char		*body;		/* NUL-terminated (owned) */
	size_t		 len;
};

/* What a create request is answered with. */
struct outcome {
	int		 status;	/* HTTP status, 0: drop the connection */
	const char	*ctype;
	char		*body;		/* owned */
	int		 has_errcode;	/* body is a vendor answer */
	int		 errcode;
	char		 task_id[TASK_ID_SIZE];	/* "" unless accepted */
};

/* ---- small helpers ---------------------------------------------------- */

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static int
set_signal(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll() and nanosleep() must see the signal. */
	return sigaction(sig, &sa, NULL);
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep ms milliseconds, cut short by SIGTERM. */
static void
nap(long ms)
{
	long long	 end = now_ms() + ms, left;
	struct timespec	 ts;

	while (!stopping && (left = end - now_ms()) > 0) {
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		nanosleep(&ts, NULL);
	}
}

/* A JSON number that is a whole number from min to max, into *out. */
static int
json_whole(const cJSON *item, long min, long max, long *out)
{
	double	 d;

	if (!cJSON_IsNumber(item))
		return -1;
	d = item->valuedouble;
	if (!(d >= (double)min && d <= (double)max) || d != (double)(long)d)
		return -1;
	*out = (long)d;
	return 0;
}

/* obj as compact JSON text (to be freed); NULL for a NULL obj or when
 * memory runs out. */
static char *
json_text(const cJSON *obj)
{
	return obj == NULL ? NULL : cJSON_PrintUnformatted(obj);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
all_hex(const char *s, size_t want)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (hex_value(s[i]) < 0)
			return 0;
	return i == want;
}

static int
new_task_id(char out[TASK_ID_SIZE])
{
	unsigned char	 raw[(TASK_ID_SIZE - 1) / 2];

	randombytes_buf(raw, sizeof(raw));
	return sodium_bin2hex(out, TASK_ID_SIZE, raw, sizeof(raw)) == NULL ?
	    -1 : 0;
}

/* ---- checking a create request ---------------------------------------- */

static int verdict_fail(struct verdict *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Refuse with errCode code and a message. Returns 1, or -1 when out of
 * memory. */
static int
verdict_fail(struct verdict *v, int code, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&v->msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		v->msg = NULL;
		return -1;
	}
	v->code = code;
	return 1;
}

/*
 * application/json in any case, with any parameters, but a charset, when
 * given, must be UTF-8 (the document asks for "application/json;
 * charset=utf-8").
 */
static int
content_type_ok(const char *ct)
{
	static const char	 json[] = "application/json";
	const char		*p, *eq, *end;
	size_t			 nlen, vlen;

	if (ct == NULL)
		return 0;
	p = ct + strspn(ct, " \t");
	if (strncasecmp(p, json, sizeof(json) - 1) != 0)
		return 0;
	p += sizeof(json) - 1;
	p += strspn(p, " \t");
	while (*p == ';') {
		p++;
		p += strspn(p, " \t");
		end = p + strcspn(p, ";");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL) {
			nlen = (size_t)(eq - p);
			while (nlen > 0 && (p[nlen - 1] == ' ' || p[nlen - 1] == '\t'))
				nlen--;
			if (nlen == 7 && strncasecmp(p, "charset", 7) == 0) {
				eq++;
				eq += strspn(eq, " \t");
				vlen = (size_t)(end - eq);
				while (vlen > 0 && (eq[vlen - 1] == ' ' ||
				    eq[vlen - 1] == '\t'))
					vlen--;
				if (vlen >= 2 && eq[0] == '"' && eq[vlen - 1] == '"') {
					eq++;
					vlen -= 2;
				}
				if (vlen != 5 || strncasecmp(eq, "utf-8", 5) != 0)
					return 0;
			}
		}
		p = end;
	}
	return *p == '\0';
}

/*
 * The vendor takes a phone exactly as ^1[3-9][0-9]{9}$ or as 32 hex digits:
 * phone.h's rules, minus the tidying dialdesk does before it sends (spaces,
 * +86, ...), which must not be needed here. norm receives the number as
 * phone.h writes it, so that a hex phone compares in one case.
 */
static int
phone_exact(const char *s, char norm[PHONE_NORM_SIZE])
{
	size_t			 len = strlen(s);
	enum phone_status	 st;

	st = phone_normalise(s, len, norm, PHONE_NORM_SIZE);
	if (st == PHONE_OK_MOBILE)
		return strcmp(norm, s) == 0 ? 0 : -1;
	if (st == PHONE_OK_ENCRYPTED)
		return len == 32 && strcasecmp(norm, s) == 0 ? 0 : -1;
	return -1;
}

static int
cmp_phone(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The import figures of an accepted list (rule in tools/README.md). Sorts
 * phones. */
static void
count_import(char (*phones)[PHONE_NORM_SIZE], size_t n, long counts[C__MAX])
{
	size_t	 i, len;
	int	 digit;

	memset(counts, 0, sizeof(long) * C__MAX);
	qsort(phones, n, sizeof(*phones), cmp_phone);
	counts[C_TOTAL] = (long)n;
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(phones[i], phones[i - 1]) == 0) {
			counts[C_REPEAT]++;
			continue;
		}
		len = strlen(phones[i]);
		if (len >= 3 && strcmp(phones[i] + len - 3, "000") == 0) {
			counts[C_BLACKLIST]++;
			continue;
		}
		digit = len > 0 ? hex_value(phones[i][len - 1]) : 0;
		counts[check_by_digit[(digit < 0 ? 0 : digit) % 10]]++;
	}
	counts[C_SUCCESS] = counts[C_TOTAL] - counts[C_REPEAT] -
	    counts[C_BLACKLIST] - counts[C_FAIL] - counts[C_FILTER];
}

/* A field that may be absent (or null), but is a string when present. */
static int
optional_string(const cJSON *obj, const char *key)
{
	const cJSON	*it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return it == NULL || cJSON_IsNull(it) || cJSON_IsString(it);
}

/* One row of deliverList, index i; its phone goes to norm. */
static int
check_row(const cJSON *row, int i, char norm[PHONE_NORM_SIZE],
    struct verdict *v)
{
	const cJSON	*phone, *other, *pair;
	int		 j = 0;

	if (!cJSON_IsObject(row))
		return verdict_fail(v, -1, "参数错误：deliverList[%d] 必须是对象",
		    i);
	if (!optional_string(row, "name"))
		return verdict_fail(v, -1, "参数错误：deliverList[%d].name "
		    "必须是字符串", i);
	phone = cJSON_GetObjectItemCaseSensitive(row, "phone");
	if (!cJSON_IsString(phone) || phone_exact(phone->valuestring, norm) != 0)
		return verdict_fail(v, -3, "手机号有误：deliverList[%d].phone",
		    i);
	other = cJSON_GetObjectItemCaseSensitive(row, "otherInfo");
	if (other == NULL || cJSON_IsNull(other))
		return 0;
	if (!cJSON_IsArray(other))
		return verdict_fail(v, -1, "参数错误：deliverList[%d].otherInfo "
		    "必须是数组", i);
	cJSON_ArrayForEach(pair, other) {
		if (!cJSON_IsObject(pair))
			return verdict_fail(v, -1, "参数错误：deliverList[%d]."
			    "otherInfo[%d] 必须是对象", i, j);
		if (!optional_string(pair, "title"))
			return verdict_fail(v, -1, "参数错误：deliverList[%d]."
			    "otherInfo[%d].title 必须是字符串", i, j);
		if (!optional_string(pair, "value"))
			return verdict_fail(v, -1, "参数错误：deliverList[%d]."
			    "otherInfo[%d].value 必须是字符串", i, j);
		j++;
	}
	return 0;
}

static int
check_list(const cJSON *list, struct verdict *v)
{
	char		(*phones)[PHONE_NORM_SIZE];
	const cJSON	*row;
	int		 n, i = 0, rc;

	if (!cJSON_IsArray(list) || (n = cJSON_GetArraySize(list)) == 0)
		return verdict_fail(v, -1, "参数错误：deliverList 必须是非空数组");
	if (n > DELIVER_MAX)
		return verdict_fail(v, -1, "参数错误：deliverList 超过 %d 条",
		    DELIVER_MAX);
	if ((phones = calloc((size_t)n, sizeof(*phones))) == NULL)
		return -1;
	cJSON_ArrayForEach(row, list) {
		if ((rc = check_row(row, i, phones[i], v)) != 0) {
			free(phones);
			return rc;
		}
		i++;
	}
	count_import(phones, (size_t)n, v->counts);
	free(phones);
	return 0;
}

static int
check_field(const cJSON *obj, enum field f, struct verdict *v)
{
	const struct field_rule	*r = &rules[f];
	const cJSON		*it = cJSON_GetObjectItemCaseSensitive(obj, r->name);
	int			 needed;
	long			 phase;

	needed = r->when == ALWAYS || (r->when != NEVER &&
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj,
	    rules[r->when].name)));
	if (it == NULL || cJSON_IsNull(it))
		return needed ? verdict_fail(v, r->code, "%s：缺少 %s",
		    r->problem, r->name) : 0;
	switch (r->kind) {
	case K_TEXT:
		/* Only a required one must hold something: dialdesk may send
		 * an unused setting empty. */
		if (!cJSON_IsString(it) || (needed && it->valuestring[0] == '\0'))
			return verdict_fail(v, r->code, "%s：%s 必须是%s字符串",
			    r->problem, r->name, needed ? "非空" : "");
		return 0;
	case K_SIGN:
		if (!cJSON_IsString(it) || !all_hex(it->valuestring, 64))
			return verdict_fail(v, r->code, "%s：%s 必须是 64 位"
			    "十六进制字符串", r->problem, r->name);
		return 0;
	case K_MEDIA_TYPE:
		if (!cJSON_IsString(it) || strcmp(it->valuestring, "videoBot") != 0)
			return verdict_fail(v, r->code, "%s：%s 必须是 videoBot",
			    r->problem, r->name);
		return 0;
	case K_BOOL:
		if (!cJSON_IsBool(it))
			return verdict_fail(v, r->code, "%s：%s 必须是布尔值",
			    r->problem, r->name);
		return 0;
	case K_PHASE:
		if (json_whole(it, 1, 3, &phase) != 0)
			return verdict_fail(v, r->code, "%s：%s 必须是 1、2 或 3",
			    r->problem, r->name);
		return 0;
	case K_LIST:
		return check_list(it, v);
	}
	return 0;
}

/* The placeholder p starts with, NULL when none does. */
static const struct placeholder *
placeholder_at(const char *p)
{
	size_t	 i;

	for (i = 0; i < PLACEHOLDERS; i++)
		if (strncmp(p, placeholders[i].text,
		    strlen(placeholders[i].text)) == 0)
			return &placeholders[i];
	return NULL;
}

/* The sign the request should carry: lower-case hex SHA-256 of the recipe
 * filled in. The fields are strings: check_field() saw to it. */
static int
expected_sign(const struct options *opt, const cJSON *obj,
    char out[SIGN_SIZE])
{
	crypto_hash_sha256_state	 st;
	unsigned char			 hash[crypto_hash_sha256_BYTES];
	const struct placeholder	*ph;
	const char			*p = opt->sign_recipe, *val;

	crypto_hash_sha256_init(&st);
	while (*p != '\0') {
		if ((ph = placeholder_at(p)) == NULL) {
			crypto_hash_sha256_update(&st, (const unsigned char *)p, 1);
			p++;
			continue;
		}
		val = ph->field == NULL ? opt->sign_key : cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(obj, ph->field));
		if (val != NULL)
			crypto_hash_sha256_update(&st, (const unsigned char *)val,
			    strlen(val));
		p += strlen(ph->text);
	}
	crypto_hash_sha256_final(&st, hash);
	return sodium_bin2hex(out, SIGN_SIZE, hash, sizeof(hash)) == NULL ?
	    -1 : 0;
}

/* 1 when a JSON string of s holds \u0000, which cJSON decodes to a NUL
 * that would cut the string short unseen ("13500000001\u0000x"). */
static int
has_nul_escape(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] != '\\')
			continue;
		if (len - i >= 6 && s[i + 1] == 'u' &&
		    memcmp(s + i + 2, "0000", 4) == 0)
			return 1;
		i++;	/* the escaped character, a backslash maybe */
	}
	return 0;
}

/*
 * Judge a create request as the vendor would, first problem first:
 * Content-Type, JSON object, the fields in rules[] order (rows included),
 * then orgCode (-2), loginName (-3) and the sign. Returns 0 with v->code
 * set (0: accepted, counts filled), or -1 when out of memory.
 */
static int
create_check(const struct options *opt, const struct request *rq,
    struct verdict *v)
{
	cJSON		*obj;
	const char	*s;
	char		 sign[SIGN_SIZE];
	int		 f, rc = 0;

	memset(v, 0, sizeof(*v));
	if (!content_type_ok(rq->content_type))
		return verdict_fail(v, -1, "参数错误：Content-Type 必须是 "
		    "application/json; charset=utf-8") < 0 ? -1 : 0;
	if (!utf8_valid(rq->body, rq->len))
		return verdict_fail(v, -1, "参数错误：请求体不是 UTF-8 文本") < 0 ?
		    -1 : 0;
	if (has_nul_escape(rq->body, rq->len))
		return verdict_fail(v, -1, "参数错误：字符串含有 \\u0000") < 0 ?
		    -1 : 0;
	/* len + 1: the NUL, which cJSON wants to find after the value. */
	obj = cJSON_ParseWithLengthOpts(rq->body, rq->len + 1, NULL, 1);
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		return verdict_fail(v, -1, "参数错误：请求体必须是 JSON 对象") < 0 ?
		    -1 : 0;
	}
	for (f = 0; f < F__MAX && rc == 0; f++)
		rc = check_field(obj, (enum field)f, v);
	if (rc == 0 && opt->org != NULL) {
		s = cJSON_GetObjectItemCaseSensitive(obj, "orgCode")->valuestring;
		if (strcmp(s, opt->org) != 0)
			rc = verdict_fail(v, -2, "找不到此机构");
	}
	if (rc == 0 && opt->login != NULL) {
		s = cJSON_GetObjectItemCaseSensitive(obj, "loginName")->valuestring;
		if (strcmp(s, opt->login) != 0)
			rc = verdict_fail(v, -3, "该机构下没有此账号");
	}
	if (rc == 0 && opt->sign_recipe != NULL) {
		if (expected_sign(opt, obj, sign) != 0)
			rc = -1;
		else if (strcmp(sign, cJSON_GetObjectItemCaseSensitive(obj,
		    "sign")->valuestring) != 0)
			rc = verdict_fail(v, -1, "参数错误：sign mismatch");
	}
	cJSON_Delete(obj);
	return rc < 0 ? -1 : 0;
}

/* ---- answering ---------------------------------------------------------- */

static const char *
status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 413:
		return "Payload Too Large";
	default:
		return "Internal Server Error";
	}
}

/*
 * Status 0 drops the connection: nginx's /__drop location closes it
 * without a word (return 444). The head is formatted by the C library:
 * FCGX_FPrintF has a printf of its own that knows no %zu.
 */
static int
send_answer(FCGX_Request *r, int status, const char *ctype,
    const char *body, size_t len)
{
	char	*head;
	int	 n, rc = 0;

	if (status == 0)
		n = asprintf(&head, "Status: 200 OK\r\n"
		    "X-Accel-Redirect: /__drop\r\n\r\n");
	else
		n = asprintf(&head, "Status: %d %s\r\nContent-Type: %s\r\n"
		    "Content-Length: %zu\r\nCache-Control: no-store\r\n\r\n",
		    status, status_text(status), ctype, len);
	if (n < 0)
		return -1;
	if (FCGX_PutStr(head, n, r->out) != n)
		rc = -1;
	free(head);
	if (rc == 0 && status != 0 && len > 0 &&
	    FCGX_PutStr(body, (int)len, r->out) != (int)len)
		rc = -1;
	return rc;
}

/* Answer a JSON object (kept by the caller); NULL means out of memory. */
static int
send_json(FCGX_Request *r, int status, const cJSON *obj)
{
	char	*text = json_text(obj);
	int	 rc;

	if (text == NULL)
		return send_answer(r, 500, "text/plain; charset=utf-8",
		    "out of memory\n", 14);
	rc = send_answer(r, status, "application/json; charset=utf-8", text,
	    strlen(text));
	free(text);
	return rc;
}

/* {"error": msg} with an HTTP status, for the sandbox's own endpoints. */
static int
send_error(FCGX_Request *r, int status, const char *msg)
{
	cJSON	*obj = cJSON_CreateObject();
	int	 rc;

	if (obj != NULL && cJSON_AddStringToObject(obj, "error", msg) == NULL) {
		cJSON_Delete(obj);
		obj = NULL;
	}
	rc = send_json(r, status, obj);
	cJSON_Delete(obj);
	return rc;
}

/* The vendor's answer: {"errCode": code, "errMsg": msg} or, accepted,
 * {"errCode": 0, "result": {"taskId": id}}. msg NULL: no errMsg. */
static char *
vendor_answer(int code, const char *msg, const char *task_id)
{
	cJSON	*obj, *result;
	char	*text = NULL;

	if ((obj = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddNumberToObject(obj, "errCode", code) == NULL)
		goto out;
	if (msg != NULL && cJSON_AddStringToObject(obj, "errMsg", msg) == NULL)
		goto out;
	if (task_id != NULL && ((result = cJSON_AddObjectToObject(obj,
	    "result")) == NULL || cJSON_AddStringToObject(result, "taskId",
	    task_id) == NULL))
		goto out;
	text = json_text(obj);
out:
	cJSON_Delete(obj);
	return text;
}

/* ---- recording ---------------------------------------------------------- */

/* Write DIR/NNNNNN.EXT through a temporary file and rename(), so that a
 * test never reads half a file. */
static int
record_file(const char *dir, unsigned long seq, const char *ext,
    const char *data, size_t len)
{
	char	*tmp = NULL, *final = NULL;
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd = -1, rc = -1;

	if (asprintf(&tmp, "%s/.%06lu.%s.tmp", dir, seq, ext) < 0) {
		tmp = NULL;
		goto out;
	}
	if (asprintf(&final, "%s/%06lu.%s", dir, seq, ext) < 0) {
		final = NULL;
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		goto fail;
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, final) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	log_err("record %s: %s", final, strerror(errno));
out:
	if (fd != -1)
		close(fd);
	if (rc != 0 && tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(final);
	return rc;
}

/* DIR/NNNNNN.json (the body as received), then DIR/NNNNNN.meta. */
static int
record_create(const struct sandbox *sb, const struct request *rq,
    enum mode mode, const struct outcome *out)
{
	cJSON	*meta;
	char	*text = NULL, *line = NULL;
	int	 ok, rc = -1;

	if (record_file(sb->opt.record, sb->seq, "json", rq->body, rq->len) != 0)
		return -1;
	if ((meta = cJSON_CreateObject()) == NULL)
		return -1;
	ok = cJSON_AddNumberToObject(meta, "seq", (double)sb->seq) != NULL;
	ok = ok && (rq->content_type != NULL ?
	    cJSON_AddStringToObject(meta, "content_type", rq->content_type) :
	    cJSON_AddNullToObject(meta, "content_type")) != NULL;
	ok = ok && cJSON_AddNumberToObject(meta, "bytes", (double)rq->len) != NULL;
	ok = ok && cJSON_AddStringToObject(meta, "mode", mode_names[mode]) != NULL;
	ok = ok && cJSON_AddNumberToObject(meta, "status", out->status) != NULL;
	ok = ok && cJSON_AddStringToObject(meta, "answer",
	    out->body != NULL ? out->body : "") != NULL;
	if (ok && out->has_errcode)
		ok = cJSON_AddNumberToObject(meta, "errCode", out->errcode) != NULL;
	if (ok && out->task_id[0] != '\0')
		ok = cJSON_AddStringToObject(meta, "taskId", out->task_id) != NULL;
	if (ok && (text = json_text(meta)) != NULL &&
	    asprintf(&line, "%s\n", text) >= 0)
		rc = record_file(sb->opt.record, sb->seq, "meta", line,
		    strlen(line));
	else
		line = NULL;
	free(line);
	free(text);
	cJSON_Delete(meta);
	return rc;
}

/* ---- the import push --------------------------------------------------- */

/* counts NULL: the import failed (import_fail mode). */
static char *
push_body(const char *task_id, const long *counts, int bare)
{
	cJSON	*obj, *mark;
	char	*sn = NULL, *text = NULL;
	int	 i, ok;

	if (asprintf(&sn, "%s%s", bare ? "" : "dial_task_main_sn|",
	    task_id) < 0)
		return NULL;
	if ((obj = cJSON_CreateObject()) == NULL) {
		free(sn);
		return NULL;
	}
	ok = cJSON_AddStringToObject(obj, "dial_task_main_sn", sn) != NULL;
	if (ok && counts == NULL)
		ok = cJSON_AddStringToObject(obj, "import_mark",
		    IMPORT_FAIL_REASON) != NULL;
	else if (ok) {
		ok = (mark = cJSON_AddObjectToObject(obj, "import_mark")) != NULL;
		for (i = 0; ok && i < C__MAX; i++)
			ok = cJSON_AddNumberToObject(mark, count_keys[i],
			    (double)counts[i]) != NULL;
	}
	if (ok)
		text = json_text(obj);
	cJSON_Delete(obj);
	free(sn);
	return text;
}

/* Keep the queue soonest first; equal times keep their order. */
static void
push_insert(struct sandbox *sb, struct push *p)
{
	struct push	**pp = &sb->pushes;

	while (*pp != NULL && (*pp)->due_ms <= p->due_ms)
		pp = &(*pp)->next;
	p->next = *pp;
	*pp = p;
}

static int
push_queue(struct sandbox *sb, const char *task_id, const long *counts)
{
	struct push	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	if ((p->body = push_body(task_id, counts,
	    sb->opt.push_bare_sn)) == NULL) {
		free(p);
		return -1;
	}
	snprintf(p->task_id, sizeof(p->task_id), "%s", task_id);
	p->due_ms = now_ms() + sb->opt.push_delay_ms;
	push_insert(sb, p);
	return 0;
}

static size_t
discard(char *data, size_t size, size_t nmemb, void *arg)
{
	(void)data;
	(void)arg;
	return size * nmemb;
}

enum push_result {
	PUSH_DONE,	/* 2xx */
	PUSH_REFUSED,	/* another answer: trying again would not help */
	PUSH_RETRY,	/* no answer, or 5xx (dialdesk down behind nginx) */
};

static enum push_result
push_send(const char *url, const struct push *p, char *why, size_t whysz)
{
	CURL			*c;
	struct curl_slist	*hdr = NULL, *h;
	char			 err[CURL_ERROR_SIZE] = "";
	long			 status = 0;
	CURLcode		 cc;

	if ((c = curl_easy_init()) == NULL) {
		snprintf(why, whysz, "curl_easy_init failed");
		return PUSH_RETRY;
	}
	if ((h = curl_slist_append(hdr,
	    "Content-Type: application/json; charset=utf-8")) == NULL) {
		curl_easy_cleanup(c);
		snprintf(why, whysz, "out of memory");
		return PUSH_RETRY;
	}
	hdr = h;
	cc = curl_easy_setopt(c, CURLOPT_URL, url);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, PUSH_TIMEOUT_S);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_TIMEOUT, PUSH_TIMEOUT_S);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(p->body));
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_USERAGENT,
		    "dialdesk-sandbox-vendor");
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (cc == CURLE_OK)
		cc = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	if (cc == CURLE_OK)
		cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		cc = curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	if (cc != CURLE_OK) {
		snprintf(why, whysz, "%s", err[0] != '\0' ? err :
		    curl_easy_strerror(cc));
		return PUSH_RETRY;
	}
	snprintf(why, whysz, "HTTP %ld", status);
	if (status >= 200 && status < 300)
		return PUSH_DONE;
	return status >= 500 ? PUSH_RETRY : PUSH_REFUSED;
}

/* Send every push that is due; a failed one waits PUSH_RETRY_MS. */
static void
push_run_due(struct sandbox *sb)
{
	struct push		*p;
	enum push_result	 res;
	char			 why[CURL_ERROR_SIZE + 32];

	while (!stopping && (p = sb->pushes) != NULL && p->due_ms <= now_ms()) {
		sb->pushes = p->next;
		p->tries++;
		res = push_send(sb->opt.callback, p, why, sizeof(why));
		if (res == PUSH_DONE) {
			log_info("push for task %s: %s", p->task_id, why);
			sb->stats.pushes_sent++;
		} else if (res == PUSH_RETRY && p->tries <= PUSH_RETRIES) {
			log_warn("push for task %s: attempt %d of %d failed: %s; "
			    "retrying in %ld ms", p->task_id, p->tries,
			    PUSH_RETRIES + 1, why, PUSH_RETRY_MS);
			p->due_ms = now_ms() + PUSH_RETRY_MS;
			push_insert(sb, p);
			continue;
		} else {
			log_err("push for task %s: attempt %d of %d failed: %s; "
			    "giving up", p->task_id, p->tries, PUSH_RETRIES + 1,
			    why);
			sb->stats.pushes_failed++;
		}
		free(p->body);
		free(p);
	}
}

/* Milliseconds until the next push is due, -1 when none waits. */
static int
push_wait_ms(const struct sandbox *sb)
{
	long long	 left;

	if (sb->pushes == NULL)
		return -1;
	left = sb->pushes->due_ms - now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

static unsigned long
push_count(const struct sandbox *sb)
{
	const struct push	*p;
	unsigned long		 n = 0;

	for (p = sb->pushes; p != NULL; p = p->next)
		n++;
	return n;
}

static void
push_drop_all(struct sandbox *sb)
{
	struct push	*p;
	unsigned long	 n = push_count(sb);

	if (n > 0)
		log_warn("stopping with %lu push(es) not sent", n);
	while ((p = sb->pushes) != NULL) {
		sb->pushes = p->next;
		free(p->body);
		free(p);
	}
}

/* ---- endpoints ---------------------------------------------------------- */

static const char html_page[] =
    "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
    "<title>系统维护中</title></head>\n<body><h1>系统维护中</h1>"
    "<p>服务暂时不可用，请稍后再试。</p></body></html>\n";

/* Back to answering by the rules, with the defaults of a mode setting. */
static void
fault_reset(struct fault *f)
{
	free(f->errmsg);
	memset(f, 0, sizeof(*f));
	f->mode = MODE_OK;
	f->errcode = 10;	/* the document's 其它异常错误 */
	f->delay_ms = DELAY_DEFAULT_MS;
}

/* Count one create request against the fault mode, which returns to ok
 * when its count runs out. */
static void
fault_used(struct sandbox *sb)
{
	if (sb->fault.count > 0 && --sb->fault.count == 0) {
		log_info("mode %s used up: back to ok",
		    mode_names[sb->fault.mode]);
		fault_reset(&sb->fault);
	}
}

/*
 * POST CREATE_PATH: the vendor's create-task call. HTTP 200 with the
 * vendor's JSON answer; in fault modes 500, 200 with HTML, or no answer at
 * all; 500 when recording fails or memory runs out.
 */
static int
handle_create(struct sandbox *sb, struct request *rq)
{
	const struct fault	 f = sb->fault;
	struct outcome		 out;
	struct verdict		 v;
	int			 rc, accepted = 0;

	memset(&out, 0, sizeof(out));
	memset(&v, 0, sizeof(v));
	sb->seq++;
	sb->stats.received++;
	out.status = 200;
	out.ctype = "application/json;charset=UTF-8";
	switch (f.mode) {
	case MODE_ERRCODE:
		out.body = vendor_answer(f.errcode, f.errmsg, NULL);
		out.has_errcode = 1;
		out.errcode = f.errcode;
		break;
	case MODE_HTTP500:
		out.status = 500;
		out.ctype = "text/plain; charset=utf-8";
		out.body = strdup("Internal Server Error\n");
		break;
	case MODE_HTML:
		out.ctype = "text/html; charset=utf-8";
		out.body = strdup(html_page);
		break;
	case MODE_DROP:
		out.status = 0;
		out.body = strdup("");
		break;
	default:	/* ok, slow, import_fail: judged by the rules */
		if (create_check(&sb->opt, rq, &v) != 0)
			break;
		out.has_errcode = 1;
		out.errcode = v.code;
		if (v.code != 0) {
			out.body = vendor_answer(v.code, v.msg, NULL);
			break;
		}
		if (new_task_id(out.task_id) != 0)
			break;
		if (sb->opt.answer_full_id) {
			char	*full;

			if (asprintf(&full, "dial_task_main_sn|%s",
			    out.task_id) < 0)
				break;
			out.body = vendor_answer(0, NULL, full);
			free(full);
		} else
			out.body = vendor_answer(0, NULL, out.task_id);
		accepted = 1;
		break;
	}
	if (out.body == NULL || (sb->opt.record != NULL &&
	    record_create(sb, rq, f.mode, &out) != 0)) {
		log_err("create #%lu: out of memory or cannot record", sb->seq);
		free(out.body);
		free(v.msg);
		fault_used(sb);
		return send_answer(rq->fcgi, 500, "text/plain; charset=utf-8",
		    "sandbox failure\n", 16);
	}
	if (f.mode == MODE_ERRCODE || f.mode == MODE_HTTP500 ||
	    f.mode == MODE_HTML || f.mode == MODE_DROP)
		sb->stats.faulted++;
	else if (accepted)
		sb->stats.accepted++;
	else
		sb->stats.refused++;
	if (f.mode == MODE_SLOW) {
		log_info("create #%lu: slow mode, answering in %ld ms", sb->seq,
		    f.delay_ms);
		nap(f.delay_ms);
	}
	rc = send_answer(rq->fcgi, out.status, out.ctype, out.body,
	    strlen(out.body));
	if (accepted)
		log_info("create #%lu (mode %s): accepted, taskId %s, %ld rows",
		    sb->seq, mode_names[f.mode], out.task_id, v.counts[C_TOTAL]);
	else if (out.has_errcode)
		log_info("create #%lu (mode %s): errCode %d", sb->seq,
		    mode_names[f.mode], out.errcode);
	else
		log_info("create #%lu (mode %s): fault answer", sb->seq,
		    mode_names[f.mode]);
	if (accepted && sb->opt.callback != NULL &&
	    push_queue(sb, out.task_id, f.mode == MODE_IMPORT_FAIL ? NULL :
	    v.counts) != 0)
		log_err("push for task %s: out of memory", out.task_id);
	free(out.body);
	free(v.msg);
	fault_used(sb);
	return rc;
}

static cJSON *
mode_json(const struct fault *f)
{
	cJSON	*obj;
	int	 ok;

	if ((obj = cJSON_CreateObject()) == NULL)
		return NULL;
	ok = cJSON_AddStringToObject(obj, "mode", mode_names[f->mode]) != NULL;
	ok = ok && cJSON_AddNumberToObject(obj, "errCode", f->errcode) != NULL;
	if (ok && f->errmsg != NULL)
		ok = cJSON_AddStringToObject(obj, "errMsg", f->errmsg) != NULL;
	ok = ok && cJSON_AddNumberToObject(obj, "delay_ms",
	    (double)f->delay_ms) != NULL;
	ok = ok && cJSON_AddNumberToObject(obj, "count", (double)f->count) != NULL;
	if (!ok) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

/* GET /sandbox/mode: 200 with the mode in force (count: requests left). */
static int
handle_mode_get(struct sandbox *sb, struct request *rq)
{
	cJSON	*obj = mode_json(&sb->fault);
	int	 rc = send_json(rq->fcgi, 200, obj);

	cJSON_Delete(obj);
	return rc;
}

/* Read a mode setting; NULL when it is good, else why not (English). */
static const char *
mode_parse(const struct request *rq, struct fault *f)
{
	cJSON		*obj;
	const cJSON	*it;
	const char	*bad = NULL;
	long		 n;
	int		 i;

	memset(f, 0, sizeof(*f));
	fault_reset(f);
	obj = cJSON_ParseWithLengthOpts(rq->body, rq->len + 1, NULL, 1);
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(obj);
		return "the body must be a JSON object";
	}
	it = cJSON_GetObjectItemCaseSensitive(obj, "mode");
	for (i = 0; i < MODE__MAX && cJSON_IsString(it); i++)
		if (strcmp(it->valuestring, mode_names[i]) == 0)
			break;
	if (!cJSON_IsString(it) || i == MODE__MAX) {
		bad = "mode must be one of ok, errcode, http500, html, slow, "
		    "drop, import_fail";
		goto out;
	}
	f->mode = (enum mode)i;
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "errCode")) != NULL) {
		if (json_whole(it, INT_MIN, INT_MAX, &n) != 0) {
			bad = "errCode must be a whole number";
			goto out;
		}
		f->errcode = (int)n;
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "errMsg")) != NULL &&
	    !cJSON_IsNull(it)) {
		if (!cJSON_IsString(it)) {
			bad = "errMsg must be a string";
			goto out;
		}
		if ((f->errmsg = strdup(it->valuestring)) == NULL) {
			bad = "out of memory";
			goto out;
		}
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "delay_ms")) != NULL &&
	    json_whole(it, 0, DELAY_MAX_MS, &f->delay_ms) != 0) {
		bad = "delay_ms must be a whole number from 0 to 600000";
		goto out;
	}
	if ((it = cJSON_GetObjectItemCaseSensitive(obj, "count")) != NULL &&
	    json_whole(it, 0, LONG_MAX / 2, &f->count) != 0) {
		bad = "count must be a whole number, 0 or more";
		goto out;
	}
out:
	cJSON_Delete(obj);
	if (bad != NULL) {
		free(f->errmsg);
		f->errmsg = NULL;
	}
	return bad;
}

/* POST /sandbox/mode: 200 with the new mode, 400 with the reason. */
static int
handle_mode_set(struct sandbox *sb, struct request *rq)
{
	struct fault	 f;
	const char	*bad;

	if ((bad = mode_parse(rq, &f)) != NULL)
		return send_error(rq->fcgi, 400, bad);
	free(sb->fault.errmsg);
	sb->fault = f;
	log_info("mode %s (errCode %d, delay %ld ms, count %ld)",
	    mode_names[f.mode], f.errcode, f.delay_ms, f.count);
	return handle_mode_get(sb, rq);
}

/* GET /sandbox/stats: 200 with the counters. */
static int
handle_stats(struct sandbox *sb, struct request *rq)
{
	const struct {
		const char	*key;
		unsigned long	 value;
	} rows[] = {
		{ "received", sb->stats.received },
		{ "accepted", sb->stats.accepted },
		{ "refused", sb->stats.refused },
		{ "faulted", sb->stats.faulted },
		{ "pushes_sent", sb->stats.pushes_sent },
		{ "pushes_failed", sb->stats.pushes_failed },
		{ "pushes_pending", push_count(sb) },
	};
	cJSON	*obj;
	size_t	 i;
	int	 rc;

	obj = cJSON_CreateObject();
	for (i = 0; obj != NULL && i < sizeof(rows) / sizeof(rows[0]); i++)
		if (cJSON_AddNumberToObject(obj, rows[i].key,
		    (double)rows[i].value) == NULL) {
			cJSON_Delete(obj);
			obj = NULL;
		}
	rc = send_json(rq->fcgi, 200, obj);
	cJSON_Delete(obj);
	return rc;
}

static const struct route {
	const char	*method;
	const char	*path;
	int		(*handle)(struct sandbox *, struct request *);
} routes[] = {
	{ "POST", CREATE_PATH, handle_create },
	{ "GET", "/sandbox/mode", handle_mode_get },
	{ "POST", "/sandbox/mode", handle_mode_set },
	{ "GET", "/sandbox/stats", handle_stats },
};

/* The whole body, NUL-terminated. Returns 0, 1 when it is larger than
 * BODY_MAX, -1 on a read or memory failure. */
static int
read_body(FCGX_Request *r, char **out, size_t *outlen)
{
	char	*buf = NULL, *nb;
	size_t	 len = 0, cap = 0, ncap;
	int	 n;

	for (;;) {
		if (cap - len < READ_CHUNK + 1) {
			ncap = cap == 0 ? 2 * READ_CHUNK : cap * 2;
			if ((nb = realloc(buf, ncap)) == NULL) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap = ncap;
		}
		if ((n = FCGX_GetStr(buf + len, READ_CHUNK, r->in)) <= 0)
			break;
		len += (size_t)n;
		if (len > (size_t)BODY_MAX) {
			free(buf);
			return 1;
		}
	}
	if (FCGX_GetError(r->in) != 0) {
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

static void
handle(struct sandbox *sb, FCGX_Request *fr)
{
	struct request	 rq;
	const char	*s;
	size_t		 i;
	int		 rc;

	memset(&rq, 0, sizeof(rq));
	rq.fcgi = fr;
	rq.method = (s = FCGX_GetParam("REQUEST_METHOD", fr->envp)) ? s : "";
	if ((s = FCGX_GetParam("DOCUMENT_URI", fr->envp)) == NULL &&
	    (s = FCGX_GetParam("SCRIPT_NAME", fr->envp)) == NULL)
		s = "";
	rq.path = s;
	rq.content_type = FCGX_GetParam("CONTENT_TYPE", fr->envp);
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(rq.path, routes[i].path) == 0 &&
		    strcmp(rq.method, routes[i].method) == 0)
			break;
	if ((rc = read_body(fr, &rq.body, &rq.len)) != 0) {
		log_warn("%s %s: %s", rq.method, rq.path, rc > 0 ?
		    "body too large" : "cannot read the body");
		rc = send_error(fr, rc > 0 ? 413 : 500, rc > 0 ?
		    "body too large" : "cannot read the body");
	} else if (i < sizeof(routes) / sizeof(routes[0]))
		rc = routes[i].handle(sb, &rq);
	else
		rc = send_error(fr, 404, "not found");
	if (rc != 0)
		log_warn("%s %s: the answer could not be written", rq.method,
		    rq.path);
	free(rq.body);
}

/* ---- start-up ------------------------------------------------------------ */

/* Create the socket for nginx, replacing a stale one (but nothing else). */
static int
listen_unix(const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("%s: socket path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_err("%s: exists and is not a socket", path);
			return -1;
		}
		if (unlink(path) == -1) {
			log_err("%s: %s", path, strerror(errno));
			return -1;
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_err("socket: %s", strerror(errno));
		return -1;
	}
	/* 0666: a sandbox on a test machine; nginx's workers may run as
	 * another user. */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0666) == -1 || listen(fd, 64) == -1) {
		log_err("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static void
usage(void)
{
	fprintf(stderr, "usage: sandbox-vendor --socket PATH [--record DIR] "
	    "[--org ORG] [--login NAME]\n"
	    "       [--callback URL] [--push-delay-ms N] "
	    "[--sign-key KEY --sign-recipe RECIPE]\n"
	    "       [--answer-task-id bare|full] [--push-sn full|bare]\n");
}

/* The recipe's braces must all be placeholders, as dialdesk requires. */
static int
recipe_ok(const char *recipe)
{
	const struct placeholder	*ph;
	const char			*p;

	for (p = recipe; *p != '\0'; p++) {
		if (*p == '}')
			return 0;
		if (*p != '{')
			continue;
		if ((ph = placeholder_at(p)) == NULL)
			return 0;
		p += strlen(ph->text) - 1;
	}
	return recipe[0] != '\0';
}

static int
parse_args(int argc, char *argv[], struct options *opt)
{
	enum { O_SOCKET = 256, O_RECORD, O_ORG, O_LOGIN, O_CALLBACK,
	    O_PUSH_DELAY, O_SIGN_KEY, O_SIGN_RECIPE, O_ANSWER_ID, O_PUSH_SN,
	    O_HELP };
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, O_SOCKET },
		{ "record", required_argument, NULL, O_RECORD },
		{ "org", required_argument, NULL, O_ORG },
		{ "login", required_argument, NULL, O_LOGIN },
		{ "callback", required_argument, NULL, O_CALLBACK },
		{ "push-delay-ms", required_argument, NULL, O_PUSH_DELAY },
		{ "sign-key", required_argument, NULL, O_SIGN_KEY },
		{ "sign-recipe", required_argument, NULL, O_SIGN_RECIPE },
		{ "answer-task-id", required_argument, NULL, O_ANSWER_ID },
		{ "push-sn", required_argument, NULL, O_PUSH_SN },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	char	*end;
	int	 c;

	memset(opt, 0, sizeof(*opt));
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_SOCKET:
			opt->socket = optarg;
			break;
		case O_RECORD:
			opt->record = optarg;
			break;
		case O_ORG:
			opt->org = optarg;
			break;
		case O_LOGIN:
			opt->login = optarg;
			break;
		case O_CALLBACK:
			opt->callback = optarg;
			break;
		case O_PUSH_DELAY:
			errno = 0;
			opt->push_delay_ms = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    opt->push_delay_ms < 0 ||
			    opt->push_delay_ms > DELAY_MAX_MS) {
				fprintf(stderr, "sandbox-vendor: --push-delay-ms: "
				    "a number of milliseconds from 0 to %ld\n",
				    DELAY_MAX_MS);
				return -1;
			}
			break;
		case O_SIGN_KEY:
			opt->sign_key = optarg;
			break;
		case O_SIGN_RECIPE:
			opt->sign_recipe = optarg;
			break;
		case O_ANSWER_ID:
		case O_PUSH_SN:
			if (strcmp(optarg, "bare") != 0 &&
			    strcmp(optarg, "full") != 0) {
				fprintf(stderr, "sandbox-vendor: --%s: bare or "
				    "full\n", c == O_ANSWER_ID ?
				    "answer-task-id" : "push-sn");
				return -1;
			}
			if (c == O_ANSWER_ID)
				opt->answer_full_id = optarg[0] == 'f';
			else
				opt->push_bare_sn = optarg[0] == 'b';
			break;
		case O_HELP:
			usage();
			exit(0);
		default:
			usage();
			return -1;
		}
	}
	if (optind != argc || opt->socket == NULL) {
		usage();
		return -1;
	}
	if ((opt->sign_key == NULL) != (opt->sign_recipe == NULL)) {
		fprintf(stderr, "sandbox-vendor: --sign-key and --sign-recipe "
		    "go together\n");
		return -1;
	}
	if (opt->sign_recipe != NULL && !recipe_ok(opt->sign_recipe)) {
		fprintf(stderr, "sandbox-vendor: --sign-recipe: only {orgCode} "
		    "{loginName} {name} {key} may stand in braces\n");
		return -1;
	}
	return 0;
}

static void
serve(struct sandbox *sb, FCGX_Request *req, int fd)
{
	struct pollfd	 pfd;
	int		 n;

	while (!stopping) {
		push_run_due(sb);
		if (stopping)
			break;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((n = poll(&pfd, 1, push_wait_ms(sb))) == -1) {
			if (errno == EINTR)
				continue;
			log_err("poll: %s", strerror(errno));
			break;
		}
		if (n == 0)
			continue;	/* a push is due */
		if (FCGX_Accept_r(req) < 0) {
			if (stopping)
				break;
			/* EMFILE and the like: back off a little. */
			log_warn("accept failed: %s", strerror(errno));
			nap(100);
			continue;
		}
		handle(sb, req);
		FCGX_Finish_r(req);
	}
}

int
main(int argc, char *argv[])
{
	struct sandbox	 sb;
	FCGX_Request	 req;
	const char	*cb;
	int		 fd;

	memset(&sb, 0, sizeof(sb));
	log_init("sandbox-vendor");
	if (parse_args(argc, argv, &sb.opt) != 0)
		return 2;
	if (sodium_init() < 0) {
		log_err("libsodium cannot start");
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_err("libcurl cannot start");
		return 1;
	}
	if (sb.opt.record != NULL && mkdir(sb.opt.record, 0755) == -1 &&
	    errno != EEXIST) {
		log_err("--record %s: %s", sb.opt.record, strerror(errno));
		curl_global_cleanup();
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);	/* a client gone is an error code */
	if (set_signal(SIGTERM, on_stop) == -1 ||
	    set_signal(SIGINT, on_stop) == -1 ||
	    (fd = listen_unix(sb.opt.socket)) == -1) {
		curl_global_cleanup();
		return 1;
	}
	if (FCGX_Init() != 0 ||
	    FCGX_InitRequest(&req, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		log_err("cannot set up libfcgi");
		close(fd);
		unlink(sb.opt.socket);
		curl_global_cleanup();
		return 1;
	}
	/* The callback's query holds dialdesk's token: not for the log. */
	cb = sb.opt.callback != NULL ? sb.opt.callback : "none";
	log_info("listening on %s (org %s, login %s, sign %s, callback %.*s)",
	    sb.opt.socket, sb.opt.org ? sb.opt.org : "any",
	    sb.opt.login ? sb.opt.login : "any",
	    sb.opt.sign_recipe ? "checked" : "format only",
	    (int)strcspn(cb, "?"), cb);
	fault_reset(&sb.fault);
	serve(&sb, &req, fd);
	close(fd);
	unlink(sb.opt.socket);
	push_drop_all(&sb);
	fault_reset(&sb.fault);
	curl_global_cleanup();
	log_info("stopped");
	return 0;
}
