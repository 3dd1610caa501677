/* config.c: reads dialdesk.conf, one table of keys with their types,
 * defaults and bounds; nothing else in dialdesk parses the file. */
#include "autoconf.h"

#include <sys/socket.h>
#include <arpa/inet.h>

#include <curl/curl.h>
#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

#include <libpq-fe.h>

#define SYSTEM_CONFIG	"/etc/dialdesk/dialdesk.conf"

enum ktype {
	KT_STRING,	/* any text, "" allowed */
	KT_PATH,	/* a file or folder, not empty */
	KT_GROUP,	/* a Unix group name, "" allowed */
	KT_INT,		/* decimal in [min, max], stored as int */
	KT_LONG,	/* ... stored as long */
	KT_LLONG,	/* ... stored as long long */
	KT_ENUM,	/* one of names[], stored as its index */
	KT_URL,		/* http(s) URL, no trailing slash */
	KT_HEX,		/* exactly min hex digits */
	KT_RECIPE,	/* text with {placeholders} for the vendor's sign */
	KT_ADDRS,	/* IPv4/IPv6 addresses, stored space-separated */
	KT_TOKEN,	/* at least min characters of [A-Za-z0-9_-] */
	KT_DATABASE,	/* a SQLite path, sqlite:PATH, or a libpq URI */
	KT__MAX
};

#define KF_EMPTY	0x01	/* "" is also valid (set_value) */
#define KF_SIZE		0x02	/* integer may end in K, M or G (x1024^n) */
#define KF_PAGE		0x04	/* an administrator may change it on the
				 * settings page (settings.c stores it) */
#define KF_SECRET	0x08	/* never shown: pages say only set or not */

struct key {
	const char		*name;
	enum ktype		 type;
	size_t			 off;	/* into struct config */
	unsigned		 flags;
	long long		 min, max;
	const char		*def;	/* default, written as in the file */
	const char *const	*names;	/* KT_ENUM: names in enum order */
};

/*
 * The offset of a field of struct config, refused at compile time unless
 * the field has type T: a key declared with the wrong type cannot write
 * past its field.
 */
#define FIELD(f, T) (offsetof(struct config, f) + \
	0 * sizeof(_Generic(((struct config *)0)->f, T: 1)))

/* A key is named exactly as its field. */
#define K_TEXT(f, type, flags, def) \
	{ #f, (type), FIELD(f, char *), (flags), 0, 0, (def), NULL }
#define K_INT(f, lo, hi, def) \
	{ #f, KT_INT, FIELD(f, int), 0, (lo), (hi), (def), NULL }
#define K_LONG(f, lo, hi, def) \
	{ #f, KT_LONG, FIELD(f, long), 0, (lo), (hi), (def), NULL }
#define K_SIZE(f, lo, hi, def) \
	{ #f, KT_LLONG, FIELD(f, long long), KF_SIZE, (lo), (hi), (def), NULL }
#define K_INT_PAGE(f, lo, hi, def) \
	{ #f, KT_INT, FIELD(f, int), KF_PAGE, (lo), (hi), (def), NULL }

/* The names of enum e's values in enum order, as e_names[]; its values are
 * stored through an int, which the compiler checks. */
#define ENUM_NAMES(e, ...)						\
	_Static_assert(sizeof(enum e) == sizeof(int),			\
	    "enum " #e " is stored as an int");				\
	static const char *const e##_names[] = { __VA_ARGS__, NULL }

ENUM_NAMES(phone_encryption,
	"none",		/* PHONE_PLAIN */
	"aes-128-ecb");	/* PHONE_AES128ECB */
ENUM_NAMES(log_format,
	"text",		/* LOG_TEXT */
	"json");	/* LOG_JSON */
static const char *const no_yes_names[] = { "no", "yes", NULL };

/* Every key, once. docs/CONFIG.md describes each; keep them in step. */
static const struct key keys[] = {
	K_TEXT(database, KT_DATABASE, 0, "/var/lib/dialdesk/dialdesk.db"),
	K_TEXT(socket, KT_PATH, 0, "/run/dialdesk/dialdesk.sock"),
	K_TEXT(socket_group, KT_GROUP, KF_EMPTY, ""),
	K_INT(workers, 1, 64, "4"),
	K_TEXT(templates, KT_STRING, 0, ""),
	K_TEXT(upload_dir, KT_PATH, 0, "/var/lib/dialdesk/uploads"),
	K_SIZE(upload_max_bytes, 1024, 2147483648LL, "52428800"),
	K_TEXT(public_url, KT_URL, 0, "http://127.0.0.1:8080"),
	K_INT(busy_timeout_ms, 0, 600000, "5000"),
	K_INT(session_idle_minutes, 1, 1440, "30"),
	K_INT(session_max_hours, 1, 720, "12"),
	K_INT(login_max_failures, 1, 1000, "5"),
	K_INT(login_max_failures_addr, 1, 100000, "20"),
	K_INT(login_window_minutes, 1, 1440, "15"),
	K_INT(login_max_failures_account, 1, 100000, "20"),
	K_INT(login_delay_seconds, 1, 3600, "30"),
	K_INT(login_known_days, 1, 3650, "90"),
	K_INT(password_min_length, 8, 128, "12"),
	K_INT(retention_days, 1, 3650, "180"),
	K_TEXT(vendor_url, KT_URL, KF_EMPTY | KF_PAGE, ""),
	K_TEXT(org_code, KT_STRING, KF_PAGE, ""),
	K_TEXT(login_name, KT_STRING, KF_PAGE, ""),
	K_TEXT(sign_key, KT_STRING, KF_PAGE | KF_SECRET, ""),
	K_TEXT(sign_recipe, KT_RECIPE, KF_PAGE, "{orgCode}{loginName}{key}"),
	{ "phone_encryption", KT_ENUM,
	    FIELD(phone_encryption, enum phone_encryption), KF_PAGE, 0, 0,
	    "none", phone_encryption_names },
	{ "phone_key", KT_HEX, FIELD(phone_key, char *),
	    KF_EMPTY | KF_PAGE | KF_SECRET, 32, 32,
	    "", NULL },
	K_INT(vendor_connect_timeout, 1, 120, "10"),
	K_INT_PAGE(vendor_timeout, 1, 600, "60"),
	K_INT_PAGE(batch_size, 1, 50000, "10000"),
	K_LONG(max_rows, 1, 10000000, "1000000"),
	{ "callback_token", KT_TOKEN, FIELD(callback_token, char *),
	    KF_EMPTY | KF_SECRET,
	    16, 0, "", NULL },
	K_TEXT(callback_allow, KT_ADDRS, KF_PAGE, ""),
	K_SIZE(callback_max_bytes, 1024, 67108864, "1048576"),
	K_TEXT(metrics_allow, KT_ADDRS, 0, "127.0.0.1 ::1"),
	K_INT(health_heartbeat_max_seconds, 5, 86400, "120"),
	K_INT(health_queue_max_seconds, 60, 604800, "3600"),
	{ "log_format", KT_ENUM, FIELD(log_format, enum log_format), 0, 0, 0,
	    "text", log_format_names },
	K_TEXT(audit_key_file, KT_STRING, 0, ""),
	K_TEXT(audit_checkpoint_file, KT_STRING, 0, ""),
	K_INT(audit_checkpoint_minutes, 1, 1440, "5"),
	{ "audit_checkpoint_syslog", KT_ENUM, FIELD(audit_checkpoint_syslog,
	    int), 0, 0, 0, "no", no_yes_names },
	K_TEXT(vendor_journal, KT_STRING, 0, ""),
	{ "callback_token_previous", KT_TOKEN,
	    FIELD(callback_token_previous, char *), KF_EMPTY, 16, 0, "", NULL },
	K_TEXT(callback_socket, KT_STRING, 0, ""),
	K_INT(callback_workers, 1, 64, "16"),
	K_INT(listen_backlog, 16, 65535, "1024"),
	K_INT(callback_refusals_max, 1, 100000, "20"),
	K_TEXT(dnc_key_file, KT_STRING, 0, ""),
	K_TEXT(state_dir, KT_STRING, 0, ""),
	K_INT(dup_days_default, 1, 365, "30"),
};

#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* Where a message comes from: "path:line: " or, with line 0, "path: ". */
struct loader {
	const char	*path;
	unsigned long	 line;
	char		*err;
	size_t		 errsz;
	size_t		 errlen;	/* bytes written to err so far */
	const char	*zh;	/* config_set(): a Chinese reason other than
				 * the key's rule (rule_zh) */
	const char	*key;	/* the key the last message names */
};

static void __attribute__((format(printf, 2, 0)))
err_vappend(struct loader *ld, const char *fmt, va_list ap)
{
	int	 n;

	if (ld->err == NULL || ld->errlen + 1 >= ld->errsz)
		return;
	n = vsnprintf(ld->err + ld->errlen, ld->errsz - ld->errlen, fmt, ap);
	if (n < 0)
		return;
	ld->errlen += (size_t)n;
	if (ld->errlen >= ld->errsz)	/* truncated */
		ld->errlen = ld->errsz - 1;
}

static void __attribute__((format(printf, 2, 3)))
err_append(struct loader *ld, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	err_vappend(ld, fmt, ap);
	va_end(ap);
}

/* Start the message: "path:line: key: " (key may be NULL), then fmt. */
static void __attribute__((format(printf, 3, 4)))
fail(struct loader *ld, const char *key, const char *fmt, ...)
{
	va_list	 ap;

	ld->errlen = 0;
	ld->key = key;
	if (ld->err != NULL && ld->errsz > 0)
		ld->err[0] = '\0';
	if (ld->path == NULL)
		;	/* config_set(): the key alone says where */
	else if (ld->line > 0)
		err_append(ld, "%s:%lu: ", ld->path, ld->line);
	else
		err_append(ld, "%s: ", ld->path);
	if (key != NULL)
		err_append(ld, "%s: ", key);
	va_start(ap, fmt);
	err_vappend(ld, fmt, ap);
	va_end(ap);
}

/* At most this many bytes of a bad value are quoted back in a message. */
#define QUOTE_MAX	64

static int
quote_len(size_t len)
{
	return len > QUOTE_MAX ? QUOTE_MAX : (int)len;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* Trim s in place (it must be writable) and return its first non-blank. */
static char *
trim(char *s)
{
	size_t	 len;

	while (is_blank(*s))
		s++;
	len = strlen(s);
	while (len > 0 && is_blank(s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* 1 if valid UTF-8, 0 if not, -1 if iconv cannot tell. iconv refuses
 * overlong forms, surrogates and truncated sequences. */
static int
utf8_valid(const char *s, size_t len)
{
	iconv_t	 cd;
	char	*in = (char *)s, out[256], *o;
	size_t	 inleft = len, outleft;
	int	 ok = 1;

	if ((cd = iconv_open("UTF-32LE", "UTF-8")) == (iconv_t)-1)
		return -1;
	while (inleft > 0) {
		o = out;
		outleft = sizeof(out);
		if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1 &&
		    errno != E2BIG) {
			ok = 0;
			break;
		}
	}
	iconv_close(cd);
	return ok;
}

static int
is_string_type(enum ktype t)
{
	return t != KT_INT && t != KT_LONG && t != KT_LLONG && t != KT_ENUM;
}

static char **
string_field(struct config *cfg, const struct key *k)
{
	return (char **)(void *)((char *)cfg + k->off);
}

static const char *
string_value(const struct config *cfg, const struct key *k)
{
	return *(char *const *)(const void *)((const char *)cfg + k->off);
}

/* Replace a string field with s, which the config now owns. */
static void
set_owned(struct config *cfg, const struct key *k, char *s)
{
	char	**dst = string_field(cfg, k);

	free(*dst);
	*dst = s;
}

static int
set_copy(struct loader *ld, struct config *cfg, const struct key *k,
    const char *val)
{
	char	*s;

	if ((s = strdup(val)) == NULL) {
		fail(ld, k->name, "out of memory");
		return -1;
	}
	set_owned(cfg, k, s);
	return 0;
}

static int
parse_integer(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	long long	 n, mul = 1;
	char		*end;
	void		*dst = (char *)cfg + k->off;

	/* strtoll alone would take blanks, a sign and "0x"; we want digits. */
	if (val[0] < '0' || val[0] > '9')
		goto bad;
	errno = 0;
	n = strtoll(val, &end, 10);
	if (errno != 0)
		goto bad;
	if ((k->flags & KF_SIZE) && end[0] != '\0' && end[1] == '\0') {
		/* As nginx's client_max_body_size: either case. */
		switch (end[0]) {
		case 'K': case 'k':
			mul = 1LL << 10;
			break;
		case 'M': case 'm':
			mul = 1LL << 20;
			break;
		case 'G': case 'g':
			mul = 1LL << 30;
			break;
		default:
			goto bad;
		}
		end++;
	}
	if (*end != '\0' || n > LLONG_MAX / mul)
		goto bad;
	n *= mul;
	if (n < k->min || n > k->max)
		goto bad;
	switch (k->type) {
	case KT_INT:
		*(int *)dst = (int)n;
		break;
	case KT_LONG:
		*(long *)dst = (long)n;
		break;
	default:
		*(long long *)dst = n;
		break;
	}
	return 0;
bad:
	fail(ld, k->name, "must be an integer from %lld to %lld%s",
	    k->min, k->max,
	    (k->flags & KF_SIZE) ? ", optionally followed by K, M or G" : "");
	return -1;
}

static int
parse_enum(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	int	 i;

	for (i = 0; k->names[i] != NULL; i++)
		if (strcmp(val, k->names[i]) == 0) {
			memcpy((char *)cfg + k->off, &i, sizeof(i));
			return 0;
		}
	fail(ld, k->name, "must be one of:");
	for (i = 0; k->names[i] != NULL; i++)
		err_append(ld, "%s %s", i > 0 ? "," : "", k->names[i]);
	return -1;
}

static int
parse_group(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	size_t	 len = strlen(val);

	/* The portable form useradd/groupadd accept; 32 is Linux's limit. */
	if (len > 0 && (len > 32 ||
	    strchr("abcdefghijklmnopqrstuvwxyz_", val[0]) == NULL ||
	    strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789_-") != len)) {
		fail(ld, k->name, "must be a group name of [a-z_][a-z0-9_-]*, "
		    "at most 32 characters");
		return -1;
	}
	return set_copy(ld, cfg, k, val);
}

/* An http or https base URL: libcurl judges the host and port; we want no
 * query or fragment since paths are appended to it. One trailing slash is
 * dropped so that "https://x/" and "https://x" mean the same. */
static int
parse_url(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	CURLU		*u;
	char		*part = NULL;
	size_t		 len = strlen(val), skip;
	int		 extra;

	if (strncmp(val, "http://", 7) == 0)
		skip = 7;
	else if (strncmp(val, "https://", 8) == 0)
		skip = 8;
	else {
		fail(ld, k->name, "must be an http:// or https:// URL%s",
		    (k->flags & KF_EMPTY) ? ", or empty" : "");
		return -1;
	}
	if (len > skip && val[len - 1] == '/')
		val[--len] = '\0';
	if (len > skip && val[len - 1] == '/') {
		fail(ld, k->name, "must not end with \"/\"");
		return -1;
	}
	if (val[skip] == '/' || val[skip] == '\0') {
		fail(ld, k->name, "has no host name");
		return -1;
	}
	if ((u = curl_url()) == NULL) {
		fail(ld, k->name, "out of memory");
		return -1;
	}
	/* curl's reason (curl_url_strerror) changes between versions, and
	 * the key's documentation says what is wanted. */
	if (curl_url_set(u, CURLUPART_URL, val, 0) != CURLUE_OK) {
		fail(ld, k->name, "is not a valid URL");
		curl_url_cleanup(u);
		return -1;
	}
	extra = curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK;
	curl_free(part);
	part = NULL;
	if (curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK)
		extra = 1;
	curl_free(part);
	curl_url_cleanup(u);
	if (extra) {
		fail(ld, k->name, "must not have a query (?) or fragment (#)");
		return -1;
	}
	return set_copy(ld, cfg, k, val);
}

/*
 * The types that are a run of one alphabet's characters, from the key's
 * min to its max long (max 0: no upper bound; min == max: exactly that
 * many). en and zh name the characters, after the count, in messages;
 * other types have no row (chars NULL).
 */
static const struct alphabet {
	const char	*chars, *en, *zh;
} alphabets[KT__MAX] = {
	[KT_HEX] = { "0123456789abcdefABCDEF",
	    "hex digits", "位十六进制数字（0-9、a-f）" },
	[KT_TOKEN] = { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-",
	    "characters of A-Z a-z 0-9 _ -", "个 A-Z a-z 0-9 _ - 字符" },
};

static int
parse_chars(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	const struct alphabet *a = &alphabets[k->type];
	size_t	 len = strlen(val);

	if (a->chars == NULL || len < (size_t)k->min ||
	    (k->max > 0 && len > (size_t)k->max) ||
	    strspn(val, a->chars) != len) {
		fail(ld, k->name, "must be %s%s%lld %s",
		    (k->flags & KF_EMPTY) ? "empty or " : "",
		    k->min == k->max ? "" : "at least ", k->min,
		    a->chars != NULL ? a->en : "characters");
		return -1;
	}
	return set_copy(ld, cfg, k, val);
}

/* What the vendor's sign may be computed from (vendor.c substitutes). */
static const char *const recipe_placeholders[] = {
	"{orgCode}", "{loginName}", "{name}", "{key}", NULL
};

static int
parse_recipe(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	const char	*p, *close, *open;
	size_t		 len;
	int		 i;

	if (val[0] == '\0') {
		fail(ld, k->name, "must not be empty");
		return -1;
	}
	for (p = val; *p != '\0'; p++) {
		if (*p == '}') {
			fail(ld, k->name, "\"}\" without \"{\"");
			return -1;
		}
		if (*p != '{')
			continue;
		close = strchr(p, '}');
		open = strchr(p + 1, '{');
		if (close == NULL || (open != NULL && open < close)) {
			len = open != NULL ? (size_t)(open - p) : strlen(p);
			fail(ld, k->name, "unterminated placeholder \"%.*s\"",
			    quote_len(len), p);
			return -1;
		}
		len = (size_t)(close - p) + 1;
		for (i = 0; recipe_placeholders[i] != NULL; i++)
			if (strlen(recipe_placeholders[i]) == len &&
			    strncmp(p, recipe_placeholders[i], len) == 0)
				break;
		if (recipe_placeholders[i] == NULL) {
			fail(ld, k->name, "unknown placeholder \"%.*s\" "
			    "(valid: {orgCode} {loginName} {name} {key})",
			    quote_len(len), p);
			return -1;
		}
		p = close;
	}
	return set_copy(ld, cfg, k, val);
}

/* Stored normalised, one space between addresses, so that the callback
 * endpoint splits on ' ' alone. */
static int
parse_addrs(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	static const char	 seps[] = " \t,";
	unsigned char		 bin[sizeof(struct in6_addr)];
	char			*out;
	size_t			 w = 0, n;

	if ((out = malloc(strlen(val) + 1)) == NULL) {
		fail(ld, k->name, "out of memory");
		return -1;
	}
	for (;;) {
		val += strspn(val, seps);
		if (*val == '\0')
			break;
		n = strcspn(val, seps);
		memcpy(out + w, val, n);
		out[w + n] = '\0';
		if (inet_pton(AF_INET, out + w, bin) != 1 &&
		    inet_pton(AF_INET6, out + w, bin) != 1) {
			fail(ld, k->name, "\"%.*s\" is not an IPv4 or IPv6 "
			    "address", quote_len(n), out + w);
			free(out);
			return -1;
		}
		w += n;
		out[w++] = ' ';
		val += n;
	}
	out[w > 0 ? w - 1 : 0] = '\0';
	set_owned(cfg, k, out);
	return 0;
}

/* database: a PostgreSQL connection URI (libpq checks its form; the
 * password in it is never echoed), sqlite:PATH, or a path (stored without
 * the sqlite: prefix, so that the files beside it are found as before). */
static int
parse_database(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	PQconninfoOption *o;
	char		 *msg = NULL;

	if (strncmp(val, "postgresql://", 13) == 0 ||
	    strncmp(val, "postgres://", 11) == 0) {
		if ((o = PQconninfoParse(val, &msg)) == NULL) {
			fail(ld, k->name, "not a PostgreSQL connection URI: %s",
			    msg != NULL ? msg : "out of memory");
			PQfreemem(msg);
			return -1;
		}
		PQconninfoFree(o);
		return set_copy(ld, cfg, k, val);
	}
	if (val[0] == '\0') {
		fail(ld, k->name, "must not be empty");
		return -1;
	}
	if (strncmp(val, "sqlite:", 7) == 0 && *(val += 7) == '\0') {
		fail(ld, k->name, "sqlite: must be followed by the file's path");
		return -1;
	}
	return set_copy(ld, cfg, k, val);
}

static int
parse_string(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	return set_copy(ld, cfg, k, val);
}

static int
parse_path(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	if (val[0] == '\0') {
		fail(ld, k->name, "must not be empty");
		return -1;
	}
	return set_copy(ld, cfg, k, val);
}

/* Each type's parser: it checks val (writable) for key k and stores it in
 * cfg; 0, or -1 with the message in ld. */
static int (*const parsers[KT__MAX])(struct loader *, struct config *,
    const struct key *, char *) = {
	[KT_STRING] = parse_string,
	[KT_PATH] = parse_path,
	[KT_GROUP] = parse_group,
	[KT_INT] = parse_integer,
	[KT_LONG] = parse_integer,
	[KT_LLONG] = parse_integer,
	[KT_ENUM] = parse_enum,
	[KT_URL] = parse_url,
	[KT_HEX] = parse_chars,
	[KT_RECIPE] = parse_recipe,
	[KT_ADDRS] = parse_addrs,
	[KT_TOKEN] = parse_chars,
	[KT_DATABASE] = parse_database,
};

/* Check val for key k and store it in cfg. val is writable. */
static int
set_value(struct loader *ld, struct config *cfg, const struct key *k,
    char *val)
{
	/* KF_EMPTY: "" is valid whatever the type's own rule. */
	if (val[0] == '\0' && (k->flags & KF_EMPTY))
		return set_copy(ld, cfg, k, val);
	if ((unsigned)k->type >= KT__MAX || parsers[k->type] == NULL) {
		fail(ld, k->name, "internal error: no parser for the key's type");
		return -1;
	}
	return parsers[k->type](ld, cfg, k, val);
}

/* systemd names the folders it made for the service (StateDirectory=,
 * RuntimeDirectory=) in these variables, the demo names its state folder
 * the same way: the path defaults follow the way dialdesk was started. */
static void
defaults_from_env(struct config *cfg)
{
	static const struct {
		const char	*env, *key, *file;
	} dirs[] = {
		{ "STATE_DIRECTORY", "database", "dialdesk.db" },
		{ "STATE_DIRECTORY", "upload_dir", "uploads" },
		{ "RUNTIME_DIRECTORY", "socket", "dialdesk.sock" },
	};
	const struct key	*k;
	const char		*v;
	char			*s;
	size_t			 i, len;

	/* state_dir is the folder itself */
	if ((v = getenv("STATE_DIRECTORY")) != NULL && v[0] == '/')
		for (k = keys; k < keys + NKEYS; k++)
			if (strcmp(k->name, "state_dir") == 0 &&
			    asprintf(&s, "%.*s", (int)strcspn(v, ":"), v) >= 0)
				set_owned(cfg, k, s);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((v = getenv(dirs[i].env)) == NULL || v[0] != '/')
			continue;
		/* Several folders are separated by ':'; ours is the first. */
		len = strcspn(v, ":");
		for (k = keys; k < keys + NKEYS; k++)
			if (strcmp(k->name, dirs[i].key) == 0 &&
			    asprintf(&s, "%.*s/%s", (int)len, v,
			    dirs[i].file) >= 0)
				set_owned(cfg, k, s);
	}
}

void
config_defaults(struct config *cfg)
{
	struct loader	 ld = { "built-in default", 0, NULL, 0, 0, NULL, NULL };
	char		 msg[256];
	char		*val;
	size_t		 i;

	memset(cfg, 0, sizeof(*cfg));
	ld.err = msg;
	ld.errsz = sizeof(msg);
	for (i = 0; i < NKEYS; i++) {
		/*
		 * A default that fails its own check is a bug in the table
		 * above, and out of memory before anything has started
		 * leaves nothing to do: neither is bad input.
		 */
		if ((val = strdup(keys[i].def)) == NULL ||
		    set_value(&ld, cfg, &keys[i], val) == -1) {
			log_err("%s", val == NULL ? "out of memory" : msg);
			abort();
		}
		free(val);
	}
	defaults_from_env(cfg);
}

void
config_free(struct config *cfg)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (is_string_type(keys[i].type)) {
			free(*string_field(cfg, &keys[i]));
			*string_field(cfg, &keys[i]) = NULL;
		}
}

/* A deep copy, so that a failed load leaves the caller's config as it was. */
static int
config_copy(struct config *dst, const struct config *src)
{
	const char	*s;
	size_t		 i;

	*dst = *src;
	for (i = 0; i < NKEYS; i++)
		if (is_string_type(keys[i].type))
			*string_field(dst, &keys[i]) = NULL;
	for (i = 0; i < NKEYS; i++) {
		if (!is_string_type(keys[i].type))
			continue;
		s = string_value(src, &keys[i]);
		if (s != NULL &&
		    (*string_field(dst, &keys[i]) = strdup(s)) == NULL) {
			config_free(dst);
			return -1;
		}
	}
	return 0;
}

static const struct key *
key_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int	load_value(struct loader *, struct config *,
		    const struct key *, char *, size_t);

/* One line of the file (without its newline, len bytes, writable).
 * seen[] holds the line each key was first given on. */
static int
load_line(struct loader *ld, struct config *cfg, char *line, size_t len,
    unsigned long *seen)
{
	const struct key	*k;
	char			*eq, *name, *val, *start;

	start = line;
	while (start < line + len && is_blank(*start))
		start++;
	if (start == line + len || *start == '#' || *start == ';')
		return 0;
	if (*start == '[') {
		fail(ld, NULL, "\"[section]\" lines are not allowed: keys "
		    "are flat");
		return -1;
	}
	if ((eq = memchr(line, '=', len)) == NULL) {
		fail(ld, NULL, "expected \"key = value\"");
		return -1;
	}
	if (memchr(line, '\0', (size_t)(eq - line)) != NULL) {
		fail(ld, NULL, "contains a NUL byte");
		return -1;
	}
	*eq = '\0';
	name = trim(line);
	if (*name == '\0') {
		fail(ld, NULL, "expected \"key = value\"");
		return -1;
	}
	if ((k = key_find(name)) == NULL) {
		fail(ld, NULL, "unknown key \"%.*s\"", quote_len(strlen(name)),
		    name);
		return -1;
	}
	if (seen[k - keys] != 0) {
		fail(ld, k->name, "given twice (first on line %lu)",
		    seen[k - keys]);
		return -1;
	}
	seen[k - keys] = ld->line;

	val = eq + 1;
	return load_value(ld, cfg, k, val, len - (size_t)(val - line));
}

/* The text after "=" (vlen bytes, writable): trimmed, checked as UTF-8,
 * unquoted, then given to the key's parser. The file and the settings
 * page (config_set) both come through here. */
static int
load_value(struct loader *ld, struct config *cfg, const struct key *k,
    char *val, size_t vlen)
{
	if (memchr(val, '\0', vlen) != NULL) {
		fail(ld, k->name, "contains a NUL byte");
		ld->zh = "不能含有 NUL 字符";
		return -1;
	}
	val = trim(val);
	vlen = strlen(val);
	switch (utf8_valid(val, vlen)) {
	case 1:
		break;
	case 0:
		fail(ld, k->name, "is not valid UTF-8");
		ld->zh = "不是有效的 UTF-8 文本";
		return -1;
	default:
		fail(ld, k->name, "cannot check UTF-8: %s", strerror(errno));
		return -1;
	}
	if (val[0] == '"') {
		if (vlen < 2 || val[vlen - 1] != '"') {
			fail(ld, k->name, "unterminated quote");
			ld->zh = "引号不成对：以 \" 开头的值须以 \" 结尾";
			return -1;
		}
		val[vlen - 1] = '\0';
		val++;
	}
	return set_value(ld, cfg, k, val);
}

/* Checks that involve more than one key, on the final values. */
static int
check_across(struct loader *ld, const struct config *cfg)
{
	ld->line = 0;
	if (cfg->phone_encryption == PHONE_AES128ECB &&
	    cfg->phone_key[0] == '\0') {
		fail(ld, "phone_key", "required when phone_encryption is "
		    "aes-128-ecb");
		ld->zh = "号码加密为 AES-128-ECB 时必须设置号码加密密钥";
		return -1;
	}
	if (cfg->callback_token_previous[0] != '\0' &&
	    cfg->callback_token[0] == '\0') {
		fail(ld, "callback_token_previous", "needs callback_token (the "
		    "new token of the rotation)");
		return -1;
	}
	if (cfg->callback_token_previous[0] != '\0' &&
	    strcmp(cfg->callback_token_previous, cfg->callback_token) == 0) {
		fail(ld, "callback_token_previous", "is the same as "
		    "callback_token");
		return -1;
	}
	if (cfg->callback_socket[0] != '\0' &&
	    strcmp(cfg->callback_socket, cfg->socket) == 0) {
		fail(ld, "callback_socket", "must differ from socket");
		return -1;
	}
	return 0;
}

/* With PostgreSQL and no $STATE_DIRECTORY, the host's own files go to the
 * configuration file's folder. */
static int
state_dir_of(struct config *cfg, const char *path)
{
	const struct key *k = key_find("state_dir");
	const char	*slash = strrchr(path, '/');
	char		*s;

	if (slash == NULL)
		s = strdup(".");
	else if (asprintf(&s, "%.*s", slash == path ? 1 :
	    (int)(slash - path), path) < 0)
		s = NULL;
	if (s == NULL)
		return -1;
	set_owned(cfg, k, s);
	return 0;
}

int
config_is_pg(const struct config *cfg)
{
	return strncmp(cfg->database, "postgresql://", 13) == 0 ||
	    strncmp(cfg->database, "postgres://", 11) == 0;
}

const char *
config_local_base(const struct config *cfg)
{
	static _Thread_local char base[4096];

	if (!config_is_pg(cfg))
		return cfg->database;
	snprintf(base, sizeof(base), "%s/dialdesk", cfg->state_dir[0] != '\0' ?
	    cfg->state_dir : "/var/lib/dialdesk");
	return base;
}

const char *
config_database_shown(const struct config *cfg)
{
	static _Thread_local char shown[1024];
	const char	*at, *colon, *start;

	if (!config_is_pg(cfg))
		return cfg->database;
	/* scheme://user:PASSWORD@host...: the password becomes *** */
	start = strstr(cfg->database, "://") + 3;
	at = strchr(start, '@');
	colon = strchr(start, ':');
	if (at != NULL && colon != NULL && colon < at)
		snprintf(shown, sizeof(shown), "%.*s***%s",
		    (int)(colon + 1 - cfg->database), cfg->database, at);
	else
		snprintf(shown, sizeof(shown), "%s", cfg->database);
	/* and a password=... parameter */
	if ((at = strstr(shown, "password=")) != NULL)
		snprintf((char *)at, sizeof(shown) - (size_t)(at - shown),
		    "password=***");
	return shown;
}

int
config_load(struct config *cfg, const char *path, char *err, size_t errsz)
{
	struct loader	 ld = { path, 0, err, errsz, 0, NULL, NULL };
	struct config	 tmp;
	unsigned long	 seen[NKEYS] = { 0 };
	FILE		*f;
	char		*line = NULL;
	size_t		 linesz = 0;
	ssize_t		 n;
	int		 rc = -1;

	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if ((f = fopen(path, "r")) == NULL) {
		fail(&ld, NULL, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (config_copy(&tmp, cfg) == -1) {
		fail(&ld, NULL, "out of memory");
		fclose(f);
		return -1;
	}
	while ((n = getline(&line, &linesz, f)) != -1) {
		char	*p = line;
		size_t	 len = (size_t)n;

		ld.line++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		/* Editors on Windows start UTF-8 files with a BOM. */
		if (ld.line == 1 && len >= 3 &&
		    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			p += 3;
			len -= 3;
		}
		if (load_line(&ld, &tmp, p, len, seen) == -1)
			goto out;
	}
	if (ferror(f)) {
		ld.line = 0;
		fail(&ld, NULL, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (check_across(&ld, &tmp) == -1)
		goto out;
	if (tmp.state_dir[0] == '\0' && config_is_pg(&tmp) &&
	    state_dir_of(&tmp, path) == -1) {
		fail(&ld, NULL, "out of memory");
		goto out;
	}
	config_free(cfg);
	*cfg = tmp;
	rc = 0;
out:
	if (rc == -1)
		config_free(&tmp);
	free(line);
	fclose(f);
	return rc;
}

int
config_callback_socket(const struct config *cfg, char *buf, size_t sz)
{
	const char	*slash = strrchr(cfg->socket, '/');
	int		 n;

	if (cfg->callback_socket[0] != '\0')
		n = snprintf(buf, sz, "%s", cfg->callback_socket);
	else if (slash == NULL)
		n = snprintf(buf, sz, "callback.sock");
	else
		n = snprintf(buf, sz, "%.*s/callback.sock",
		    (int)(slash - cfg->socket), cfg->socket);
	return n < 0 || (size_t)n >= sz ? -1 : 0;
}

const char *
config_path(const char *from_argv)
{
	const char	*env;

	if (from_argv != NULL)
		return from_argv;
	if ((env = getenv("DIALDESK_CONFIG")) != NULL && env[0] != '\0')
		return env;
	if (access(SYSTEM_CONFIG, R_OK) == 0)
		return SYSTEM_CONFIG;
	return NULL;
}

/* --- one key at a time: the settings page (settings.c) ------------------- */

const char *
config_page_key(size_t i)
{
	size_t	 j;

	for (j = 0; j < NKEYS; j++)
		if ((keys[j].flags & KF_PAGE) && i-- == 0)
			return keys[j].name;
	return NULL;
}

int
config_key_page(const char *name)
{
	const struct key *k = key_find(name);

	return k != NULL && (k->flags & KF_PAGE);
}

int
config_key_secret(const char *name)
{
	const struct key *k = key_find(name);

	return k != NULL && (k->flags & KF_SECRET);
}

enum config_kind
config_key_kind(const char *name)
{
	const struct key *k = key_find(name);

	if (k == NULL)
		return CONFIG_KIND_TEXT;
	if (k->flags & KF_SECRET)
		return CONFIG_KIND_SECRET;
	switch (k->type) {
	case KT_INT:
	case KT_LONG:
	case KT_LLONG:
		return CONFIG_KIND_NUMBER;
	case KT_ENUM:
		return CONFIG_KIND_CHOICE;
	default:
		return CONFIG_KIND_TEXT;
	}
}

const char *const *
config_key_choices(const char *name)
{
	const struct key *k = key_find(name);

	return k != NULL && k->type == KT_ENUM ? k->names : NULL;
}

int
config_key_bounds(const char *name, long long *min, long long *max)
{
	const struct key *k = key_find(name);

	if (k == NULL || (k->type != KT_INT && k->type != KT_LONG &&
	    k->type != KT_LLONG))
		return -1;
	*min = k->min;
	*max = k->max;
	return 0;
}

/* What the key takes, in Chinese, from its type and bounds. */
static void
rule_zh(const struct key *k, char *buf, size_t bufsz)
{
	const struct alphabet *a;
	size_t	 i, len;
	int	 empty = (k->flags & KF_EMPTY) != 0;

	switch (k->type) {
	case KT_INT:
	case KT_LONG:
	case KT_LLONG:
		snprintf(buf, bufsz, "须为 %lld 到 %lld 的整数", k->min, k->max);
		return;
	case KT_ENUM:
		len = (size_t)snprintf(buf, bufsz, "须为以下之一：");
		for (i = 0; k->names[i] != NULL && len < bufsz; i++)
			len += (size_t)snprintf(buf + len, bufsz - len, "%s%s",
			    i > 0 ? "、" : "", k->names[i]);
		return;
	case KT_URL:
		snprintf(buf, bufsz, "须为以 http:// 或 https:// 开头、带主机名"
		    "的地址，不含 ? 或 #，末尾不带 /%s", empty ? "；或留空" : "");
		return;
	case KT_HEX:
	case KT_TOKEN:
		if ((a = &alphabets[k->type])->chars == NULL)
			break;
		snprintf(buf, bufsz, "须为%s %lld %s%s",
		    k->min == k->max ? "" : "至少", k->min, a->zh,
		    empty ? "；或留空" : "");
		return;
	case KT_RECIPE:
		snprintf(buf, bufsz, "不能为空；只能含有占位符 {orgCode} "
		    "{loginName} {name} {key}，花括号须成对");
		return;
	case KT_ADDRS:
		snprintf(buf, bufsz, "须为 IPv4 或 IPv6 地址，以空格或逗号分隔；"
		    "留空表示不限");
		return;
	case KT_PATH:
		snprintf(buf, bufsz, "不能为空");
		return;
	case KT_DATABASE:
		snprintf(buf, bufsz, "须为 SQLite 文件路径、sqlite:路径或 "
		    "postgresql:// 连接 URI");
		return;
	case KT_GROUP:
		snprintf(buf, bufsz, "须为组名：小写字母、数字、_ 或 -，"
		    "以字母或 _ 开头，至多 32 个字符");
		return;
	case KT_STRING:
	case KT__MAX:
		break;
	}
	snprintf(buf, bufsz, "取值无效");
}

static void
problem_fill(struct config_problem *pb, const struct key *k,
    const struct loader *ld)
{
	if (pb == NULL)
		return;
	pb->key = k != NULL ? k->name : NULL;
	if (ld->zh != NULL)
		snprintf(pb->zh, sizeof(pb->zh), "%s", ld->zh);
	else if (k != NULL)
		rule_zh(k, pb->zh, sizeof(pb->zh));
	else
		snprintf(pb->zh, sizeof(pb->zh), "取值无效");
}

int
config_set(struct config *cfg, const char *name, const char *value,
    struct config_problem *pb)
{
	struct loader		 ld = { NULL, 0, NULL, 0, 0, NULL, NULL };
	const struct key	*k;
	char			*val;
	size_t			 len = strlen(value);
	int			 rc;

	if (pb != NULL) {
		memset(pb, 0, sizeof(*pb));
		ld.err = pb->en;
		ld.errsz = sizeof(pb->en);
	}
	if ((k = key_find(name)) == NULL) {
		fail(&ld, NULL, "unknown key \"%.*s\"", quote_len(strlen(name)),
		    name);
		ld.zh = "没有这个配置项";
		problem_fill(pb, NULL, &ld);
		return -1;
	}
	if ((val = malloc(len + 1)) == NULL) {
		fail(&ld, k->name, "out of memory");
		ld.zh = "服务器内存不足";
		problem_fill(pb, k, &ld);
		return -1;
	}
	memcpy(val, value, len + 1);
	if ((rc = load_value(&ld, cfg, k, val, len)) == -1)
		problem_fill(pb, k, &ld);
	free(val);
	return rc;
}

int
config_check(const struct config *cfg, struct config_problem *pb)
{
	struct loader	 ld = { NULL, 0, NULL, 0, 0, NULL, NULL };

	if (pb != NULL) {
		memset(pb, 0, sizeof(*pb));
		ld.err = pb->en;
		ld.errsz = sizeof(pb->en);
	}
	if (check_across(&ld, cfg) == 0)
		return 0;
	if (pb != NULL) {
		pb->key = ld.key;
		snprintf(pb->zh, sizeof(pb->zh), "%s",
		    ld.zh != NULL ? ld.zh : "配置项之间相互矛盾");
	}
	return -1;
}

char *
config_get(const struct config *cfg, const char *name)
{
	const struct key	*k = key_find(name);
	const void		*p;
	char			*out = NULL;
	int			 i;

	if (k == NULL)
		return NULL;
	p = (const char *)cfg + k->off;
	switch (k->type) {
	case KT_INT:
		if (asprintf(&out, "%d", *(const int *)p) < 0)
			out = NULL;
		break;
	case KT_LONG:
		if (asprintf(&out, "%ld", *(const long *)p) < 0)
			out = NULL;
		break;
	case KT_LLONG:
		if (asprintf(&out, "%lld", *(const long long *)p) < 0)
			out = NULL;
		break;
	case KT_ENUM:
		memcpy(&i, p, sizeof(i));
		out = strdup(k->names[i]);
		break;
	default:
		out = strdup(string_value(cfg, k) != NULL ?
		    string_value(cfg, k) : "");
		break;
	}
	return out;
}

int
config_dup(struct config *dst, const struct config *src)
{
	return config_copy(dst, src);
}

int
config_addr_listed(const char *list, const char *addr)
{
	unsigned char	 a[16], b[16];
	char		 one[64];
	int		 fam;
	size_t		 n;

	if (addr == NULL)
		return 0;
	fam = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(fam, addr, a) != 1)
		return 0;
	while (*list != '\0') {
		n = strcspn(list, " ");
		if (n > 0 && n < sizeof(one)) {
			memcpy(one, list, n);
			one[n] = '\0';
			if (inet_pton(fam, one, b) == 1 &&
			    memcmp(a, b, fam == AF_INET ? 4 : 16) == 0)
				return 1;
		}
		list += n;
		while (*list == ' ')
			list++;
	}
	return 0;
}
