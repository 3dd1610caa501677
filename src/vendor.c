/* vendor.c: the client of the vendor's create-task API: body, sign, phone
 * encryption, the POST, and the classification of what came back. */
#include "autoconf.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "errbuf.h"
#include "textbuf.h"
#include "utf8.h"
#include "vendor.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"dev"
#endif

/* The codes of the vendor's document, with its own words. */
static const struct {
	long		 code;
	const char	*zh;
} err_codes[] = {
	{ -1, "参数错误" },
	{ -2, "找不到此机构" },
	{ -3, "该机构下没有此账号/手机号有误/富媒体短信参数错误/视频短信参数错误" },
	{ -4, "该视频尚未通过审核/无效视频互动 id/您的可用额度不足，请联系商务进行充值" },
	{ 10, "其它异常错误" },
};

/* Code points of the vendor's own text kept in a message. */
#define VENDOR_TEXT_MAX	80

/* Chinese text for the task page; a cut never leaves half a character. */
static void __attribute__((format(printf, 2, 3)))
set_message(struct vendor_result *res, const char *fmt, ...)
{
	va_list		 ap;
	size_t		 n, lead, need;
	unsigned char	 c;

	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
	n = strlen(res->message);
	for (lead = n; lead > 0 &&
	    ((unsigned char)res->message[lead - 1] & 0xc0) == 0x80; lead--)
		continue;
	if (lead == 0)
		return;
	c = (unsigned char)res->message[lead - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (n - (lead - 1) < need)
		res->message[lead - 1] = '\0';
}

const char *
vendor_err_zh(long err_code)
{
	size_t	 i;

	for (i = 0; i < sizeof(err_codes) / sizeof(err_codes[0]); i++)
		if (err_codes[i].code == err_code)
			return err_codes[i].zh;
	return NULL;
}

const char *
vendor_outcome_name(enum vendor_outcome o)
{
	switch (o) {
	case VENDOR_ACCEPTED:
		return "accepted";
	case VENDOR_REFUSED:
		return "refused";
	case VENDOR_NOT_SENT:
		return "not_sent";
	case VENDOR_UNKNOWN:
		break;
	}
	return "unknown";
}

int
vendor_init(void)
{
	if (sodium_init() < 0)
		return -1;
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/* ---- sign ------------------------------------------------------------ */

int
vendor_sign(const char *recipe, const char *org_code, const char *login_name,
    const char *name, const char *key, char out[VENDOR_SIGN_SIZE])
{
	static const char *const names[] = {
		"orgCode", "loginName", "name", "key"
	};
	const char			*vals[4] = { org_code, login_name, name, key };
	crypto_hash_sha256_state	 st;
	unsigned char			 hash[crypto_hash_sha256_BYTES];
	const char			*p, *lit, *close;
	size_t				 i, len;

	out[0] = '\0';
	if (recipe == NULL || org_code == NULL || login_name == NULL ||
	    name == NULL || key == NULL || key[0] == '\0')
		return -1;
	if (sodium_init() < 0 || crypto_hash_sha256_init(&st) != 0)
		return -1;
	/* Literal text goes into the hash as it is, placeholders by value;
	 * the recipe is not copied, so its length does not matter. */
	for (lit = p = recipe; *p != '\0'; p++) {
		if (*p == '}')
			return -1;
		if (*p != '{')
			continue;
		close = strchr(p, '}');
		if (close == NULL || memchr(p + 1, '{', close - p - 1) != NULL)
			return -1;
		len = (size_t)(close - p - 1);
		for (i = 0; i < 4; i++)
			if (strlen(names[i]) == len &&
			    memcmp(p + 1, names[i], len) == 0)
				break;
		if (i == 4)
			return -1;
		crypto_hash_sha256_update(&st, (const unsigned char *)lit,
		    (size_t)(p - lit));
		crypto_hash_sha256_update(&st, (const unsigned char *)vals[i],
		    strlen(vals[i]));
		p = close;
		lit = close + 1;
	}
	crypto_hash_sha256_update(&st, (const unsigned char *)lit,
	    (size_t)(p - lit));
	crypto_hash_sha256_final(&st, hash);
	sodium_bin2hex(out, VENDOR_SIGN_SIZE, hash, sizeof(hash));
	sodium_memzero(&st, sizeof(st));
	return 0;
}

/* ---- phones ----------------------------------------------------------- */

static int
is_digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[n] == '\0';
}

static int
is_hex(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return s[n] == '\0';
}

/* The 16-byte key of 32 hex digits. */
static int
parse_key(const char *hexkey, unsigned char key[16])
{
	size_t	 binlen;

	if (hexkey == NULL || !is_hex(hexkey, 32))
		return -1;
	if (sodium_hex2bin(key, 16, hexkey, 32, NULL, &binlen, NULL) != 0 ||
	    binlen != 16)
		return -1;
	return 0;
}

/* ctx has been set up for AES-128-ECB with the key: setting it up once per
 * list instead of once per phone keeps 50,000 rows cheap. */
static int
encrypt_with(EVP_CIPHER_CTX *ctx, const char *phone11,
    char out[VENDOR_PHONE_ENC_SIZE])
{
	unsigned char	 block[32];
	int		 n1, n2;

	out[0] = '\0';
	if (phone11 == NULL || !is_digits(phone11, 11))
		return -1;
	if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, NULL) != 1 ||
	    EVP_EncryptUpdate(ctx, block, &n1,
	    (const unsigned char *)phone11, 11) != 1 ||
	    EVP_EncryptFinal_ex(ctx, block + n1, &n2) != 1 || n1 + n2 != 16)
		return -1;
	sodium_bin2hex(out, VENDOR_PHONE_ENC_SIZE, block, 16);
	return 0;
}

/* A context for AES-128-ECB with PKCS#7 padding under hexkey, or NULL. */
static EVP_CIPHER_CTX *
cipher_new(const char *hexkey)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	 key[16];

	if (parse_key(hexkey, key) != 0)
		return NULL;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return NULL;
	if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 1) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
	}
	sodium_memzero(key, sizeof(key));
	return ctx;
}

int
vendor_encrypt_phone(const char *hexkey, const char *phone11,
    char out[VENDOR_PHONE_ENC_SIZE])
{
	EVP_CIPHER_CTX	*ctx;
	int		 rc;

	out[0] = '\0';
	if ((ctx = cipher_new(hexkey)) == NULL)
		return -1;
	rc = encrypt_with(ctx, phone11, out);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* ---- body ------------------------------------------------------------- */

/* A text field of the contract: non-empty when required, UTF-8 always. */
static int
check_text(const char *field, const char *s, char *err, size_t errsz)
{
	if (s == NULL || s[0] == '\0') {
		errbuf_set(err, errsz, "%s is empty", field);
		return -1;
	}
	if (!utf8_valid(s, strlen(s))) {
		errbuf_set(err, errsz, "%s is not valid UTF-8", field);
		return -1;
	}
	return 0;
}

static int
check_phase(const char *field, int phase, char *err, size_t errsz)
{
	if (phase < 0 || phase > 3) {
		errbuf_set(err, errsz, "%s must be 1, 2 or 3 (or not given), "
		    "not %d", field, phase);
		return -1;
	}
	return 0;
}

static int
given(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* The contract's rules, before anything is built: every required text
 * field that counts (fields.h: field_in_force) is there, every phase that
 * counts is 0 to 3; what a switch that is off governs is not looked at. */
static int
check_task(const struct vendor_task *t, char *err, size_t errsz)
{
	enum field	 f;
	char		 what[160];

	for (f = 0; f < FIELD__MAX; f++) {
		if (!field_in_force(f, t->num))
			continue;
		if (fields[f].depends == FIELD_NONE)
			snprintf(what, sizeof(what), "%s", fields[f].api);
		else
			snprintf(what, sizeof(what), "%s (required when %s is "
			    "true)", fields[f].api,
			    fields[fields[f].depends].api);
		if (fields[f].kind == FIELD_KIND_TEXT &&
		    (fields[f].required || given(t->text[f])) &&
		    check_text(what, t->text[f], err, errsz) != 0)
			return -1;
		if (fields[f].kind == FIELD_KIND_PHASE &&
		    check_phase(fields[f].api, t->num[f], err, errsz) != 0)
			return -1;
	}
	return 0;
}

/* One deliverList entry; n counts rows from 1 for messages. */
static cJSON *
row_json(const struct vendor_row *r, EVP_CIPHER_CTX *cipher, size_t n,
    char *err, size_t errsz)
{
	cJSON		*o, *info, *pair;
	char		 phone[VENDOR_PHONE_ENC_SIZE];
	size_t		 i;

	if (r->phone != NULL && is_digits(r->phone, 11)) {
		if (cipher != NULL) {
			if (encrypt_with(cipher, r->phone, phone) != 0) {
				errbuf_set(err, errsz, "row %zu: the phone "
				    "could not be encrypted", n);
				return NULL;
			}
		} else
			memcpy(phone, r->phone, 12);
	} else if (r->phone != NULL && is_hex(r->phone, 32)) {
		/* Encrypted already, by whoever made the list. */
		for (i = 0; i < 32; i++)
			phone[i] = (char)tolower((unsigned char)r->phone[i]);
		phone[32] = '\0';
	} else {
		errbuf_set(err, errsz, "row %zu: phone is neither 11 digits "
		    "nor 32 hex digits", n);
		return NULL;
	}
	if (r->name != NULL && r->name[0] != '\0' &&
	    !utf8_valid(r->name, strlen(r->name))) {
		errbuf_set(err, errsz, "row %zu: name is not valid UTF-8", n);
		return NULL;
	}
	if (r->nother > 0 && (r->titles == NULL || r->values == NULL)) {
		errbuf_set(err, errsz, "row %zu: otherInfo without titles or "
		    "values", n);
		return NULL;
	}
	for (i = 0; i < r->nother; i++) {
		if (r->titles[i] == NULL || r->values[i] == NULL) {
			errbuf_set(err, errsz, "row %zu: otherInfo %zu has no "
			    "title or no value", n, i + 1);
			return NULL;
		}
		if (!utf8_valid(r->titles[i], strlen(r->titles[i])) ||
		    !utf8_valid(r->values[i], strlen(r->values[i]))) {
			errbuf_set(err, errsz, "row %zu: otherInfo %zu is not "
			    "valid UTF-8", n, i + 1);
			return NULL;
		}
	}

	if ((o = cJSON_CreateObject()) == NULL)
		goto nomem;
	if (r->name != NULL && r->name[0] != '\0' &&
	    cJSON_AddStringToObject(o, "name", r->name) == NULL)
		goto nomem;
	if (cJSON_AddStringToObject(o, "phone", phone) == NULL)
		goto nomem;
	if (r->nother > 0) {
		if ((info = cJSON_AddArrayToObject(o, "otherInfo")) == NULL)
			goto nomem;
		for (i = 0; i < r->nother; i++) {
			if ((pair = cJSON_CreateObject()) == NULL)
				goto nomem;
			if (!cJSON_AddItemToArray(info, pair)) {
				cJSON_Delete(pair);
				goto nomem;
			}
			if (cJSON_AddStringToObject(pair, "title",
			    r->titles[i]) == NULL ||
			    cJSON_AddStringToObject(pair, "value",
			    r->values[i]) == NULL)
				goto nomem;
		}
	}
	return o;
nomem:
	cJSON_Delete(o);
	errbuf_set(err, errsz, "row %zu: out of memory", n);
	return NULL;
}

/* deliverList from the row source. */
static int
add_rows(cJSON *list, vendor_next_row next, void *arg,
    EVP_CIPHER_CTX *cipher, char *err, size_t errsz)
{
	struct vendor_row	 r;
	cJSON			*o;
	size_t			 n = 0;
	int			 rc;

	for (;;) {
		memset(&r, 0, sizeof(r));
		if ((rc = next(arg, &r)) == 0)
			break;
		if (rc < 0) {
			errbuf_set(err, errsz, "reading row %zu of the list "
			    "failed", n + 1);
			return -1;
		}
		if (++n > VENDOR_MAX_ROWS) {
			errbuf_set(err, errsz, "deliverList has more than %d "
			    "rows", VENDOR_MAX_ROWS);
			return -1;
		}
		if ((o = row_json(&r, cipher, n, err, errsz)) == NULL)
			return -1;
		if (!cJSON_AddItemToArray(list, o)) {
			cJSON_Delete(o);
			errbuf_set(err, errsz, "row %zu: out of memory", n);
			return -1;
		}
	}
	if (n == 0) {
		errbuf_set(err, errsz, "deliverList is empty");
		return -1;
	}
	return 0;
}

/* What the client itself puts in a SUPPLIED field (fields.def); *list
 * receives the empty deliverList. NULL when out of memory, or for a
 * SUPPLIED row this file does not fill. */
static cJSON *
add_supplied(cJSON *root, enum field f, const char *org_code,
    const char *sign, const char *login_name, cJSON **list)
{
	if (f == FIELD_ORGCODE)
		return cJSON_AddStringToObject(root, fields[f].api, org_code);
	if (f == FIELD_SIGN)
		return cJSON_AddStringToObject(root, fields[f].api, sign);
	if (f == FIELD_LOGINNAME)
		return cJSON_AddStringToObject(root, fields[f].api, login_name);
	if (f == FIELD_DELIVERLIST)
		return *list = cJSON_AddArrayToObject(root, fields[f].api);
	return NULL;
}

/* Every field that counts, in the table's (the document's) order: the
 * vendor does not need the order, but a captured body then reads like the
 * document. *list receives the empty deliverList. 0, or -1 when out of
 * memory (or the table has a SUPPLIED row nobody fills). */
static int
add_task(cJSON *root, const char *org_code, const char *sign,
    const char *login_name, const struct vendor_task *t, cJSON **list)
{
	enum field	 f;
	const char	*api;
	int		 ok = 1;

	*list = NULL;
	for (f = 0; f < FIELD__MAX && ok; f++) {
		if (!field_in_force(f, t->num))
			continue;
		api = fields[f].api;
		switch (fields[f].kind) {
		case FIELD_KIND_TEXT:
			ok = (!fields[f].required && !given(t->text[f])) ||
			    cJSON_AddStringToObject(root, api,
			    t->text[f]) != NULL;
			break;
		case FIELD_KIND_SWITCH:
			ok = cJSON_AddBoolToObject(root, api,
			    t->num[f]) != NULL;
			break;
		case FIELD_KIND_PHASE:
			ok = t->num[f] == 0 || cJSON_AddNumberToObject(root,
			    api, t->num[f]) != NULL;
			break;
		case FIELD_KIND_CONST:
			ok = cJSON_AddStringToObject(root, api,
			    fields[f].value) != NULL;
			break;
		case FIELD_KIND_SUPPLIED:
			ok = add_supplied(root, f, org_code, sign, login_name,
			    list) != NULL;
			break;
		}
	}
	return ok && *list != NULL ? 0 : -1;
}

char *
vendor_body(const struct vendor_cfg *cfg, const char *login_name,
    const struct vendor_task *t, vendor_next_row next, void *arg,
    size_t *len, char *err, size_t errsz)
{
	EVP_CIPHER_CTX	*cipher = NULL;
	cJSON		*root = NULL, *list = NULL;
	char		 sign[VENDOR_SIGN_SIZE];
	char		*text = NULL;
	int		 ok;

	errbuf_set(err, errsz, "%s", "");
	if (len != NULL)
		*len = 0;
	if (login_name == NULL)
		login_name = cfg->login_name;
	if (check_text("orgCode", cfg->org_code, err, errsz) != 0 ||
	    check_text("loginName", login_name, err, errsz) != 0 ||
	    check_task(t, err, errsz) != 0)
		return NULL;
	if (cfg->sign_key == NULL || cfg->sign_key[0] == '\0') {
		errbuf_set(err, errsz, "sign_key is not configured");
		return NULL;
	}
	if (vendor_sign(cfg->sign_recipe, cfg->org_code, login_name,
	    t->text[FIELD_NAME], cfg->sign_key, sign) != 0) {
		errbuf_set(err, errsz, "sign_recipe is missing or has a "
		    "placeholder other than {orgCode} {loginName} {name} "
		    "{key}");
		return NULL;
	}
	if (cfg->phone_aes && (cipher = cipher_new(cfg->phone_key)) == NULL) {
		errbuf_set(err, errsz, "phone_key is not 32 hex digits, or the "
		    "AES-128-ECB cipher is not available");
		return NULL;
	}

	ok = (root = cJSON_CreateObject()) != NULL &&
	    add_task(root, cfg->org_code, sign, login_name, t, &list) == 0;
	sodium_memzero(sign, sizeof(sign));
	if (!ok) {
		errbuf_set(err, errsz, "out of memory");
		goto out;
	}
	if (add_rows(list, next, arg, cipher, err, errsz) != 0)
		goto out;
	if ((text = cJSON_PrintUnformatted(root)) == NULL) {
		errbuf_set(err, errsz, "out of memory");
		goto out;
	}
	if (len != NULL)
		*len = strlen(text);
out:
	cJSON_Delete(root);
	EVP_CIPHER_CTX_free(cipher);
	return text;
}

/* ---- sending ---------------------------------------------------------- */

/* The answer, kept up to VENDOR_REPLY_MAX bytes. */
struct reply {
	struct textbuf	 body;
	int		 too_big;
};

static size_t
reply_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct reply	*r = arg;
	size_t		 n = size * nmemb;

	switch (textbuf_add(&r->body, data, n, VENDOR_REPLY_MAX)) {
	case 0:
		return n;
	case 1:
		r->too_big = 1;
		return 0;	/* makes curl stop with CURLE_WRITE_ERROR */
	default:
		return 0;
	}
}

/* Codes curl returns only before it has sent anything: name resolution,
 * the TCP connection, the TLS handshake, a bad or unsupported URL. A
 * timeout is in this list too and gets a closer look in not_sent(). */
static const CURLcode before_send[] = {
	CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT,
	CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST,
	CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
	CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
	CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE,
	CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
	CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE,
	CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
	CURLE_SSL_INVALIDCERTSTATUS,
};

/*
 * 1 when the request surely did not reach the vendor: a code from
 * before_send, no body byte uploaded and the transfer never started. A
 * timeout counts only while the connection (with TLS, the handshake) was
 * not yet up: after that, the request may be on its way.
 */
static int
not_sent(CURL *h, CURLcode code, int tls)
{
	curl_off_t	 up = -1, pre = -1, conn = -1, app = -1;
	size_t		 i;

	for (i = 0; i < sizeof(before_send) / sizeof(before_send[0]); i++)
		if (before_send[i] == code)
			break;
	if (i == sizeof(before_send) / sizeof(before_send[0]))
		return 0;
	if (curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &up) != CURLE_OK ||
	    curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pre) !=
	    CURLE_OK || up != 0 || pre != 0)
		return 0;
	if (code != CURLE_OPERATION_TIMEDOUT)
		return 1;
	if (curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &conn) != CURLE_OK ||
	    curl_easy_getinfo(h, CURLINFO_APPCONNECT_TIME_T, &app) != CURLE_OK)
		return 0;
	return conn == 0 || (tls && app == 0);
}

/* Why nothing was sent, for the task page. */
static const char *
not_sent_zh(CURLcode code)
{
	switch (code) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "无法解析供应商域名，请求未发出，稍后自动重试";
	case CURLE_COULDNT_CONNECT:
		return "连接供应商失败，请求未发出，稍后自动重试";
	case CURLE_OPERATION_TIMEDOUT:
		return "连接供应商超时，请求未发出，稍后自动重试";
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return "供应商地址（vendor_url）无效，请求未发出，请管理员检查配置";
	default:
		return "与供应商建立安全连接失败（证书或 TLS 握手），请求未发出，"
		    "稍后自动重试";
	}
}

#define UNKNOWN_ZH "请求已发出但未收到明确答复，结果未知，请在供应商后台核实"

/*
 * The vendor's own words (msg, message or errMsg) into buf, for a
 * person: cut to VENDOR_TEXT_MAX characters, control characters made
 * spaces, and any run of 11 or more digits masked like a phone on screen
 * ("135****0001"). "" when there is none or it is not UTF-8.
 */
static void
vendor_text(const cJSON *root, char *buf, size_t bufsz)
{
	static const char *const keys[] = { "msg", "message", "errMsg" };
	const cJSON	*m = NULL;
	const char	*s;
	size_t		 i, j, k, n, begin, run;

	buf[0] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && m == NULL; i++) {
		m = cJSON_GetObjectItemCaseSensitive(root, keys[i]);
		if (!cJSON_IsString(m) || m->valuestring[0] == '\0')
			m = NULL;
	}
	if (m == NULL)
		return;
	s = m->valuestring;
	n = strlen(s);
	if (!utf8_valid(s, n))
		return;
	n = utf8_prefix(s, n, VENDOR_TEXT_MAX);
	if (n >= bufsz)		/* cannot be with VENDOR_TEXT_MAX * 4 + 1 */
		return;
	for (i = j = 0; i < n; ) {
		if (s[i] < '0' || s[i] > '9') {
			buf[j++] = ((unsigned char)s[i] < 0x20 ||
			    s[i] == 0x7f) ? ' ' : s[i];
			i++;
			continue;
		}
		for (begin = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			continue;
		run = i - begin;
		for (k = begin; k < i; k++)
			buf[j++] = run >= 11 && k - begin >= 3 && i - k > 4 ?
			    '*' : s[k];
	}
	buf[j] = '\0';
}

int
vendor_task_id_normalise(const char *in, char *out, size_t outsz)
{
	const char	*b, *e;
	size_t		 len, i, hex;

	if (outsz > 0)
		out[0] = '\0';
	if (in == NULL || outsz == 0)
		return -1;
	if ((b = strrchr(in, '|')) != NULL)
		b++;
	else
		b = in;
	e = b + strlen(b);
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	len = (size_t)(e - b);
	if (len == 0 || len >= outsz)
		return -1;
	for (i = 0, hex = 0; i < len; i++)
		hex += isxdigit((unsigned char)b[i]) != 0;
	for (i = 0; i < len; i++)
		out[i] = len == 32 && hex == 32 ?
		    (char)tolower((unsigned char)b[i]) : b[i];
	out[len] = '\0';
	return 0;
}

/* taskId as text: a non-empty string of UTF-8 without control characters
 * that fits, or an integer that a double holds exactly, as one vendor task
 * id (vendor_task_id_normalise()). 0 when usable. */
static int
task_id_text(const cJSON *root, char *out, size_t outsz)
{
	const cJSON	*id;
	int		 n;

	id = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(root, "result"), "taskId");
	if (cJSON_IsString(id)) {
		if (vendor_task_id_normalise(id->valuestring, out, outsz) != 0)
			return -1;
		return utf8_valid(out, strlen(out)) &&
		    !utf8_has_control(out, strlen(out)) ? 0 : -1;
	}
	if (cJSON_IsNumber(id) && id->valuedouble == floor(id->valuedouble) &&
	    fabs(id->valuedouble) <= 9007199254740992.0) {
		n = snprintf(out, outsz, "%.0f", id->valuedouble);
		return n > 0 && (size_t)n < outsz ? 0 : -1;
	}
	return -1;
}

static void
unknown(struct vendor_result *res, const char *why_zh)
{
	res->outcome = VENDOR_UNKNOWN;
	set_message(res, "%s (%s)", UNKNOWN_ZH,
	    why_zh);
}

/* An HTTP answer came: what does it say? */
static void
classify_reply(struct vendor_result *res, const struct reply *r,
    const char *ctype)
{
	cJSON		*root = NULL;
	const cJSON	*code;
	const char	*text, *zh;
	char		 said[VENDOR_TEXT_MAX * 4 + 1];
	long		 st = res->http_status;

	if (st >= 500) {
		unknown(res, "供应商服务器出错");
		errbuf_set(res->detail, sizeof(res->detail), "HTTP %ld, "
		    "%zu-byte reply: server error, the batch may have been "
		    "taken", st, r->body.len);
		return;
	}
	if (st < 200 || (st >= 300 && st < 400)) {
		unknown(res, "供应商的答复不是预期的格式");
		errbuf_set(res->detail, sizeof(res->detail), "HTTP %ld, "
		    "%zu-byte reply: unexpected status (redirects are not "
		    "followed)", st, r->body.len);
		return;
	}
	text = r->body.p != NULL ? r->body.p : "";
	/* Some servers put a UTF-8 BOM before JSON. */
	if (r->body.len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	if (r->body.p == NULL || strlen(r->body.p) != r->body.len ||
	    (root = cJSON_ParseWithOpts(text, NULL, 1)) == NULL ||
	    !cJSON_IsObject(root)) {
		unknown(res, "供应商的答复不是 JSON");
		errbuf_set(res->detail, sizeof(res->detail), "HTTP %ld, "
		    "%zu-byte reply (%s) is not a JSON object", st, r->body.len,
		    ctype != NULL ? ctype : "no Content-Type");
		cJSON_Delete(root);
		return;
	}
	code = cJSON_GetObjectItemCaseSensitive(root, "errCode");
	if (!cJSON_IsNumber(code) || code->valuedouble !=
	    floor(code->valuedouble) || fabs(code->valuedouble) > 1e9) {
		unknown(res, "供应商的答复缺少 errCode");
		errbuf_set(res->detail, sizeof(res->detail), "HTTP %ld, "
		    "%zu-byte JSON reply without a numeric errCode", st,
		    r->body.len);
		cJSON_Delete(root);
		return;
	}
	res->has_err_code = 1;
	res->err_code = (long)code->valuedouble;

	if (res->err_code == 0) {
		if (st >= 400) {
			unknown(res, "供应商答复成功但 HTTP 状态是错误");
			errbuf_set(res->detail, sizeof(res->detail), "HTTP %ld "
			    "with errCode 0: contradictory", st);
		} else if (task_id_text(root, res->task_id,
		    sizeof(res->task_id)) != 0) {
			res->task_id[0] = '\0';
			unknown(res, "供应商答复成功但没有可用的任务 id");
			errbuf_set(res->detail, sizeof(res->detail), "HTTP "
			    "%ld, errCode 0 without a usable result.taskId",
			    st);
		} else {
			res->outcome = VENDOR_ACCEPTED;
			set_message(res,
			    "供应商已受理，任务 id：%s", res->task_id);
			errbuf_set(res->detail, sizeof(res->detail), "HTTP "
			    "%ld, errCode 0, taskId %s", st, res->task_id);
		}
		cJSON_Delete(root);
		return;
	}

	res->outcome = VENDOR_REFUSED;
	vendor_text(root, said, sizeof(said));
	if ((zh = vendor_err_zh(res->err_code)) != NULL)
		set_message(res,
		    "供应商拒绝：错误码 %ld %s%s%s%s", res->err_code, zh,
		    said[0] != '\0' ? "（供应商说明：" : "", said,
		    said[0] != '\0' ? "）" : "");
	else
		set_message(res,
		    "供应商返回了文档中没有的错误码 %ld%s%s", res->err_code,
		    said[0] != '\0' ? ": " : "", said);
	errbuf_set(res->detail, sizeof(res->detail), "HTTP %ld, errCode %ld "
	    "(%s)", st, res->err_code,
	    zh != NULL ? "documented" : "not in the document");
	cJSON_Delete(root);
}

/* curl failed: nothing sent, or nobody knows. */
static void
classify_failure(struct vendor_result *res, CURL *h, CURLcode code,
    int tls, const struct reply *r, const char *errbuf)
{
	const char	*why;

	if (not_sent(h, code, tls)) {
		res->outcome = VENDOR_NOT_SENT;
		set_message(res, "%s",
		    not_sent_zh(code));
		why = "not sent";
	} else {
		switch (code) {
		case CURLE_OPERATION_TIMEDOUT:
			unknown(res, "等待答复超时");
			break;
		case CURLE_WRITE_ERROR:
			unknown(res, r->too_big ? "供应商的答复过大" :
			    "读取答复时内存不足");
			break;
		default:
			unknown(res, "连接中断或没有答复");
			break;
		}
		why = "may have been received";
	}
	errbuf_set(res->detail, sizeof(res->detail), "curl error %d (%s): %s; "
	    "%s", (int)code, curl_easy_strerror(code),
	    errbuf[0] != '\0' ? errbuf : "-", why);
}

int
vendor_send(const struct vendor_cfg *cfg, const char *body, size_t len,
    struct vendor_result *res)
{
	CURL			*h = NULL;
	struct curl_slist	*hdrs = NULL, *l;
	struct reply		 r = { { NULL, 0, 0 }, 0 };
	char			 errbuf[CURL_ERROR_SIZE];
	char			*url = NULL, *ctype = NULL;
	size_t			 blen;
	curl_off_t		 total = 0;
	CURLcode		 code;
	int			 ok, tls;

	memset(res, 0, sizeof(*res));
	res->outcome = VENDOR_NOT_SENT;
	errbuf[0] = '\0';
	if (cfg->url == NULL || cfg->url[0] == '\0') {
		set_message(res, "%s",
		    "未配置供应商地址（vendor_url），请求未发出");
		errbuf_set(res->detail, sizeof(res->detail), "vendor_url is "
		    "empty");
		return -1;
	}
	if (body == NULL || len == 0) {
		set_message(res, "%s",
		    "请求内容为空，未发出");
		errbuf_set(res->detail, sizeof(res->detail), "empty request "
		    "body");
		return -1;
	}
	/* The base is documented without a trailing slash; tolerate one. */
	blen = strlen(cfg->url);
	while (blen > 0 && cfg->url[blen - 1] == '/')
		blen--;
	tls = strncasecmp(cfg->url, "https://", 8) == 0;
	if (asprintf(&url, "%.*s%s", (int)blen, cfg->url,
	    VENDOR_CREATE_PATH) < 0) {
		url = NULL;
		goto nomem;
	}
	if ((h = curl_easy_init()) == NULL)
		goto nomem;
	/* Expect: off, so that a large body goes at once instead of after a
	 * second's wait for "100 Continue". */
	if ((l = curl_slist_append(NULL,
	    "Content-Type: application/json; charset=utf-8")) == NULL)
		goto nomem;
	hdrs = l;
	if ((l = curl_slist_append(hdrs, "Accept: application/json")) == NULL ||
	    (l = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto nomem;

	ok = curl_easy_setopt(h, CURLOPT_URL, url) == CURLE_OK &&
#if LIBCURL_VERSION_NUM >= 0x075500
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") ==
	    CURLE_OK &&
#else
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) == CURLE_OK &&
#endif
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
	    (cfg->ca_file == NULL ||
	    curl_easy_setopt(h, CURLOPT_CAINFO, cfg->ca_file) == CURLE_OK) &&
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	    (long)(cfg->connect_timeout > 0 ? cfg->connect_timeout : 10)) ==
	    CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_TIMEOUT,
	    (long)(cfg->timeout > 0 ? cfg->timeout : 60)) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_POST, 1L) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_USERAGENT,
	    "dialdesk/" PACKAGE_VERSION) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, reply_write) ==
	    CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r) == CURLE_OK &&
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
	if (!ok) {
		set_message(res, "%s",
		    "发送组件设置失败，请求未发出");
		errbuf_set(res->detail, sizeof(res->detail), "libcurl refused "
		    "an option (TLS verification or protocols unavailable?)");
		goto out;
	}

	code = curl_easy_perform(h);
	if (curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total) == CURLE_OK)
		res->seconds = (double)total / 1e6;
	if (curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->http_status) !=
	    CURLE_OK)
		res->http_status = 0;
	if (code != CURLE_OK)
		classify_failure(res, h, code, tls, &r, errbuf);
	else {
		if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ctype) !=
		    CURLE_OK)
			ctype = NULL;
		classify_reply(res, &r, ctype);
	}
	goto out;
nomem:
	set_message(res, "%s",
	    "内存不足，请求未发出，稍后自动重试");
	errbuf_set(res->detail, sizeof(res->detail), "out of memory before "
	    "sending");
out:
	curl_slist_free_all(hdrs);
	if (h != NULL)
		curl_easy_cleanup(h);
	free(r.body.p);
	free(url);
	return res->outcome == VENDOR_ACCEPTED ? 0 : -1;
}
