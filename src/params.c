/* params.c: the table of input keys and their validators. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "params.h"
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
};

/* Every text validator first requires valid UTF-8 without NUL bytes. */
static int
text_ok(const struct kpair *p, size_t maxbytes)
{
	return p->file == NULL && p->valsz <= maxbytes &&
	    utf8_valid(p->val, p->valsz);
}

int
valid_token(struct kpair *p)
{
	size_t	 i;

	if (!text_ok(p, 64) || p->valsz != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((p->val[i] >= '0' && p->val[i] <= '9') ||
		    (p->val[i] >= 'a' && p->val[i] <= 'f')))
			return 0;
	return 1;
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

int
valid_page(struct kpair *p)
{
	return text_ok(p, 18) &&
	    parse_int(p->val, p->valsz, 1, 1000000, &p->parsed);
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
	size_t	 i;

	if (!text_ok(p, 64) || p->valsz == 0)
		return 0;
	for (i = 0; i < p->valsz; i++)
		if (!((p->val[i] >= 'a' && p->val[i] <= 'z') ||
		    p->val[i] == '.' || p->val[i] == '_'))
			return 0;
	return 1;
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
