/* params.c: the table of input keys and their validators. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "dnc.h"
#include "params.h"
#include "state.h"
#include "users.h"
#include "utf8.h"

const struct kvalid keys[KEY__MAX] = {
	{ valid_token, "csrf" },		/* KEY_CSRF */
	{ valid_username, "username" },		/* KEY_USERNAME */
	{ valid_password, "password" },		/* KEY_PASSWORD */
	{ valid_localpath, "next" },		/* KEY_NEXT */
	{ valid_page, "page" },			/* KEY_PAGE */
	{ valid_line, "user" },			/* KEY_USER */
	{ valid_action, "action" },		/* KEY_ACTION */
	{ valid_date, "from" },			/* KEY_FROM */
	{ valid_date, "to" },			/* KEY_TO */
	/* The task form: names are the vendor API's own (fields.def). */
#define FIELD_TEXT(id, api, valid, ...)	[KEY_##id] = { valid, api },
#define FIELD_OPTIONAL_TEXT(id, api, valid, ...) [KEY_##id] = { valid, api },
#define FIELD_SWITCH(id, api, ...)	[KEY_##id] = { valid_bool, api },
#define FIELD_PHASE(id, api, ...)	[KEY_##id] = { valid_phase, api },
#include "fields.def"
	{ valid_file, "list" },			/* KEY_LIST */
	{ valid_column, "phone_col" },		/* KEY_PHONE_COL */
	{ valid_column, "name_col" },		/* KEY_NAME_COL */
	{ valid_line, "q" },			/* KEY_Q */
	{ valid_task_state, "status" },		/* KEY_STATUS */
	{ valid_id, "creator" },		/* KEY_CREATOR */
	{ valid_id, "batch" },			/* KEY_BATCH */
	/* Users and accounts. */
	{ valid_role, "role" },			/* KEY_ROLE */
	{ valid_password, "password2" },	/* KEY_PASSWORD2 */
	{ valid_password, "old_password" },	/* KEY_OLD_PASSWORD */
	{ valid_bool, "generate" },		/* KEY_GENERATE */
	{ valid_bool, "must_change" },		/* KEY_MUST_CHANGE */
	{ valid_vendor_login, "vendor_login" },	/* KEY_VENDOR_LOGIN */
	{ valid_bool, "disable" },		/* KEY_DISABLE */
	{ valid_bool, "may_see_phones" },	/* KEY_MAY_SEE_PHONES */
	{ valid_reason, "reason" },		/* KEY_REASON */
	{ valid_id, "copy" },			/* KEY_COPY */
	{ valid_token, "upload_token" },	/* KEY_UPLOAD_TOKEN */
	{ valid_bool, "drop_upload" },		/* KEY_DROP_UPLOAD */
	/* The preview: which sheet, which row is the header. */
	{ valid_sheet, "sheet" },		/* KEY_SHEET */
	{ valid_header_row, "header_row" },	/* KEY_HEADER_ROW */
	/* The settings page: each value is judged by config.c's rule for
	 * the key, as in the file; these only keep out what no line of the
	 * file can hold. */
	{ valid_setting, "vendor_url" },	/* KEY_VENDOR_URL */
	{ valid_setting, "org_code" },		/* KEY_ORG_CODE */
	{ valid_setting, "login_name" },	/* KEY_LOGIN_NAME */
	{ valid_setting, "sign_recipe" },	/* KEY_SIGN_RECIPE */
	{ valid_setting, "sign_key" },		/* KEY_SIGN_KEY */
	{ valid_setting, "phone_encryption" },	/* KEY_PHONE_ENCRYPTION */
	{ valid_setting, "phone_key" },		/* KEY_PHONE_KEY */
	{ valid_setting, "batch_size" },	/* KEY_BATCH_SIZE */
	{ valid_setting, "vendor_timeout" },	/* KEY_VENDOR_TIMEOUT */
	{ valid_setting, "callback_allow" },	/* KEY_CALLBACK_ALLOW */
	{ valid_bool, "sign_key_clear" },	/* KEY_SIGN_KEY_CLEAR */
	{ valid_bool, "phone_key_clear" },	/* KEY_PHONE_KEY_CLEAR */
	{ valid_page, "saved" },		/* KEY_SAVED: keys just saved */
	/* The do-not-call list and the duplicate rule (dnc.h). */
	{ valid_line, "phone" },		/* KEY_PHONE */
	{ valid_date, "expires" },		/* KEY_EXPIRES */
	{ valid_id, "before" },			/* KEY_BEFORE */
	{ valid_dup_scope, "dup_scope" },	/* KEY_DUP_SCOPE */
	{ valid_dup_days, "dup_days" },		/* KEY_DUP_DAYS */
	{ valid_dup_action, "dup_action" },	/* KEY_DUP_ACTION */
	/* The list pages' keys: before (older than, KEY_BEFORE) and after. */
	{ valid_id, "after" },			/* KEY_AFTER */
};

/* Every text validator first requires valid UTF-8 without NUL bytes. */
static int
text_ok(const struct kpair *p, size_t maxbytes)
{
	return p->file == NULL && p->valsz <= maxbytes &&
	    utf8_valid(p->val, p->valsz);
}

#define LOWER	"abcdefghijklmnopqrstuvwxyz"
#define UPPER	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS	"0123456789"

/* 1 to maxbytes of the characters of set (text_ok: no NUL inside, so
 * strspn sees all of it). */
static int
chars_ok(const struct kpair *p, size_t maxbytes, const char *set)
{
	return text_ok(p, maxbytes) && p->valsz > 0 &&
	    strspn(p->val, set) == p->valsz;
}

int
valid_token(struct kpair *p)
{
	return chars_ok(p, 64, DIGITS "abcdef") && p->valsz == 64;
}

int
username_ok(const char *s)
{
	size_t	 i, len = strlen(s);

	if (len < 1 || len > 32 || !(s[0] >= 'a' && s[0] <= 'z'))
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

int
valid_username(struct kpair *p)
{
	return text_ok(p, 32) && username_ok(p->val);
}

int
valid_password(struct kpair *p)
{
	return text_ok(p, 1024) && p->valsz > 0;
}

int
valid_localpath(struct kpair *p)
{
	size_t	 i;

	/* Only a path on this site: "//host" and "/\host" would leave it. */
	if (!text_ok(p, 512) || p->valsz == 0 || p->val[0] != '/' ||
	    p->val[1] == '/' || p->val[1] == '\\')
		return 0;
	for (i = 0; i < p->valsz; i++)
		if ((unsigned char)p->val[i] <= 0x20 || p->val[i] == '\\')
			return 0;
	return 1;
}

static int
parse_int(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	int64_t	 v = 0;
	size_t	 i;

	if (len == 0 || len > 18)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	if (v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

/* A whole number from min to max, of at most maxbytes digits, into
 * parsed. */
static int
int_ok(struct kpair *p, size_t maxbytes, int64_t min, int64_t max)
{
	return text_ok(p, maxbytes) &&
	    parse_int(p->val, p->valsz, min, max, &p->parsed);
}

int
valid_page(struct kpair *p)
{
	return int_ok(p, 18, 1, 1000000);
}

int
valid_line(struct kpair *p)
{
	size_t	 i;

	if (!text_ok(p, 800) || utf8_length(p->val, p->valsz) > 200)
		return 0;
	/* One line: no tab or line break either. */
	for (i = 0; i < p->valsz; i++)
		if ((unsigned char)p->val[i] < 0x20 || p->val[i] == 0x7f)
			return 0;
	return 1;
}

int
valid_action(struct kpair *p)
{
	return chars_ok(p, 64, LOWER "._");
}

int
valid_date(struct kpair *p)
{
	static const int mdays[] =
	    { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t	 y, m, d;

	if (!text_ok(p, 10) || p->valsz != 10 || p->val[4] != '-' ||
	    p->val[7] != '-' ||
	    !parse_int(p->val, 4, 1970, 9999, &y) ||
	    !parse_int(p->val + 5, 2, 1, 12, &m) ||
	    !parse_int(p->val + 8, 2, 1, 31, &d) || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return 0;
	p->parsed = y * 10000 + m * 100 + d;
	return 1;
}

/* One line of text of 1 to max characters. */
static int
one_line(struct kpair *p, size_t max)
{
	return text_ok(p, max * 4) && p->valsz > 0 &&
	    utf8_length(p->val, p->valsz) <= max &&
	    !utf8_has_control(p->val, p->valsz) &&
	    strpbrk(p->val, "\t\r\n") == NULL;
}

/* The length of the space (ASCII space, tab, U+3000) at s, 0 if none. */
static size_t
space_at(const char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || s[0] == '\t'))
		return 1;
	if (len >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* Cut the spaces at both ends of p's value, in place. */
static void
trim(struct kpair *p)
{
	size_t	 start = 0, end = p->valsz, n;

	while (start < end && (n = space_at(p->val + start, end - start)) > 0)
		start += n;
	/* From the end: a space is one byte, or the 3 bytes of U+3000. */
	for (;;) {
		if (end > start && (p->val[end - 1] == ' ' ||
		    p->val[end - 1] == '\t'))
			end--;
		else if (end >= start + 3 &&
		    memcmp(p->val + end - 3, "\xe3\x80\x80", 3) == 0)
			end -= 3;
		else
			break;
	}
	memmove(p->val, p->val + start, end - start);
	p->val[end - start] = '\0';
	p->valsz = end - start;
}

int
blank_text(const char *s, size_t len)
{
	size_t	 i = 0, n;

	while (i < len && (n = space_at(s + i, len - i)) > 0)
		i += n;
	return i == len;
}

int
valid_task_name(struct kpair *p)
{
	/* "  春季回访 " is the name 春季回访; a name of spaces only is
	 * refused (and kept as typed, so the form can say why). */
	if (!text_ok(p, 400) || blank_text(p->val, p->valsz))
		return 0;
	trim(p);
	return one_line(p, 100);
}

int
valid_sms_title(struct kpair *p)
{
	return one_line(p, 30);
}

int
valid_vendor_id(struct kpair *p)
{
	return chars_ok(p, 64, LOWER UPPER DIGITS "_.:-");
}

int
valid_bool(struct kpair *p)
{
	static const char *const yes[] = { "true", "on", "1" };
	static const char *const no[] = { "false", "off", "0", "" };
	size_t	 i;

	if (!text_ok(p, 5))
		return 0;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(p->val, yes[i]) == 0)
			return (p->parsed = 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(p->val, no[i]) == 0) {
			p->parsed = 0;
			return 1;
		}
	return 0;
}

int
valid_phase(struct kpair *p)
{
	if (!text_ok(p, 1))
		return 0;
	if (p->valsz == 0) {
		p->parsed = 0;
		return 1;
	}
	return parse_int(p->val, p->valsz, 1, 3, &p->parsed);
}

int
valid_file(struct kpair *p)
{
	return p->file != NULL && p->filesize > 0;
}

int
valid_column(struct kpair *p)
{
	if (!text_ok(p, 6))
		return 0;
	if (p->valsz == 2 && (strcmp(p->val, "-2") == 0 ||
	    strcmp(p->val, "-1") == 0)) {
		p->parsed = p->val[1] == '1' ? -1 : -2;
		return 1;
	}
	return parse_int(p->val, p->valsz, 0, 16383, &p->parsed);
}

/* A task state of state.h's table, or "" (every state): parsed is the
 * enum task_state, -1 for "". */
int
valid_task_state(struct kpair *p)
{
	enum task_state	 s;

	if (!text_ok(p, 16))
		return 0;
	if (p->val[0] == '\0') {
		p->parsed = -1;
		return 1;
	}
	if (task_state_parse(p->val, &s) == -1)
		return 0;
	p->parsed = s;
	return 1;
}

int
valid_id(struct kpair *p)
{
	return int_ok(p, 16, 1, (int64_t)1 << 53);
}

int
valid_role(struct kpair *p)
{
	return text_ok(p, 16) && (strcmp(p->val, "admin") == 0 ||
	    strcmp(p->val, "operator") == 0 || strcmp(p->val, "auditor") == 0);
}

int
valid_vendor_login(struct kpair *p)
{
	return text_ok(p, 64) && users_vendor_login_ok(p->val);
}

/* Why someone asks to see personal data: a few words at least, one line. */
int
valid_reason(struct kpair *p)
{
	size_t	 chars = 0, i;

	if (!text_ok(p, 600) || utf8_has_control(p->val, p->valsz))
		return 0;
	for (i = 0; i < p->valsz; i++)
		if (((unsigned char)p->val[i] & 0xc0) != 0x80 &&
		    p->val[i] != ' ')
			chars++;
	return chars >= 2 && p->valsz <= 600;
}

int
valid_sheet(struct kpair *p)
{
	return int_ok(p, 4, 0, 4095);
}

int
valid_header_row(struct kpair *p)
{
	return int_ok(p, 7, 0, 1048576);
}

int
valid_setting(struct kpair *p)
{
	return text_ok(p, 4096) && strpbrk(p->val, "\r\n") == NULL;
}

int
valid_dup_scope(struct kpair *p)
{
	enum dup_scope	 s;

	if (!text_ok(p, 8) || dup_scope_parse(p->val, &s) == -1)
		return 0;
	p->parsed = s;
	return 1;
}

int
valid_dup_days(struct kpair *p)
{
	return int_ok(p, 3, 1, 365);
}

int
valid_dup_action(struct kpair *p)
{
	if (!text_ok(p, 8))
		return 0;
	if (strcmp(p->val, "exclude") == 0)
		p->parsed = 0;
	else if (strcmp(p->val, "keep") == 0)
		p->parsed = 1;
	else
		return 0;
	return 1;
}
