/* check_config.c: what dialdesk.conf accepts, what it refuses and with
 * which message, and the defaults (src/config.c, docs/CONFIG.md). */
#include "autoconf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

/*
 * A key's value as text, looked up by field name here rather than through
 * config.c's table, so that a key wired to the wrong field shows.
 */
static int
show(const struct config *c, const char *key, char *buf, size_t sz)
{
#define S(f) if (strcmp(key, #f) == 0) \
	return snprintf(buf, sz, "%s", c->f)
#define N(f) if (strcmp(key, #f) == 0) \
	return snprintf(buf, sz, "%lld", (long long)c->f)
	S(database); S(socket); S(socket_group); N(workers); S(templates);
	S(upload_dir); N(upload_max_bytes); S(public_url); N(busy_timeout_ms);
	N(session_idle_minutes); N(session_max_hours); N(login_max_failures);
	N(login_max_failures_addr); N(login_window_minutes);
	N(login_max_failures_account); N(login_delay_seconds);
	N(login_known_days); N(password_min_length); N(retention_days); S(vendor_url);
	S(org_code); S(login_name); S(sign_key); S(sign_recipe);
	S(phone_key); N(vendor_connect_timeout); N(vendor_timeout);
	N(batch_size); N(max_rows); S(callback_token); S(callback_allow);
	S(metrics_allow); N(health_heartbeat_max_seconds);
	N(health_queue_max_seconds);
	S(audit_key_file); S(audit_checkpoint_file);
	N(audit_checkpoint_minutes);
	N(callback_max_bytes); S(callback_token_previous); S(callback_socket);
	N(callback_workers); N(listen_backlog); N(callback_refusals_max);
#undef S
#undef N
	if (strcmp(key, "phone_encryption") == 0)
		return snprintf(buf, sz, "%s",
		    c->phone_encryption == PHONE_PLAIN ? "none" :
		    c->phone_encryption == PHONE_AES128ECB ? "aes-128-ecb" :
		    "?");
	if (strcmp(key, "log_format") == 0)
		return snprintf(buf, sz, "%s", c->log_format == LOG_TEXT ?
		    "text" : c->log_format == LOG_JSON ? "json" : "?");
	if (strcmp(key, "audit_checkpoint_syslog") == 0)
		return snprintf(buf, sz, "%s",
		    c->audit_checkpoint_syslog ? "yes" : "no");
	return -1;
}

static void
ck_value(const struct config *c, const char *key, const char *want)
{
	char	 got[512];

	ck_assert_msg(show(c, key, got, sizeof(got)) >= 0, "no key %s", key);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"",
	    key, got, want);
}

/* The documented defaults, one per key (docs/CONFIG.md). */
static const struct { const char *key, *want; } defaults[] = {
	{ "database", "/var/lib/dialdesk/dialdesk.db" },
	{ "socket", "/run/dialdesk/dialdesk.sock" },
	{ "socket_group", "" },
	{ "workers", "4" },
	{ "templates", "" },	/* the built-in templates */
	{ "upload_dir", "/var/lib/dialdesk/uploads" },
	{ "upload_max_bytes", "52428800" },
	{ "public_url", "http://127.0.0.1:8080" },
	{ "busy_timeout_ms", "5000" },
	{ "session_idle_minutes", "30" },
	{ "session_max_hours", "12" },
	{ "login_max_failures", "5" },
	{ "login_max_failures_addr", "20" },
	{ "login_window_minutes", "15" },
	{ "login_max_failures_account", "20" },
	{ "login_delay_seconds", "30" },
	{ "login_known_days", "90" },
	{ "password_min_length", "12" },
	{ "retention_days", "180" },
	{ "vendor_url", "" },
	{ "org_code", "" },
	{ "login_name", "" },
	{ "sign_key", "" },
	{ "sign_recipe", "{orgCode}{loginName}{key}" },
	{ "phone_encryption", "none" },
	{ "phone_key", "" },
	{ "vendor_connect_timeout", "10" },
	{ "vendor_timeout", "60" },
	{ "batch_size", "10000" },
	{ "max_rows", "1000000" },
	{ "callback_token", "" },
	{ "callback_allow", "" },
	{ "callback_max_bytes", "1048576" },
	{ "metrics_allow", "127.0.0.1 ::1" },
	{ "health_heartbeat_max_seconds", "120" },
	{ "health_queue_max_seconds", "3600" },
	{ "log_format", "text" },
	{ "audit_key_file", "" },
	{ "audit_checkpoint_file", "" },
	{ "audit_checkpoint_minutes", "5" },
	{ "audit_checkpoint_syslog", "no" },
	{ "callback_token_previous", "" },
	{ "callback_socket", "" },
	{ "callback_workers", "16" },
	{ "listen_backlog", "1024" },
	{ "callback_refusals_max", "20" },
};

#define NDEFAULTS	(sizeof(defaults) / sizeof(defaults[0]))

START_TEST(test_defaults)
{
	struct config	 c;
	size_t		 i;

	config_defaults(&c);
	for (i = 0; i < NDEFAULTS; i++)
		ck_value(&c, defaults[i].key, defaults[i].want);
	config_free(&c);
	ck_assert_ptr_null(c.database);
	config_free(&c);	/* twice is harmless */
}
END_TEST

/*
 * File text -> result. On success, key then holds want; on failure the
 * message is the temporary file's path followed by err. len is for texts
 * with NUL bytes (0: up to the first NUL).
 */
struct load_case {
	const char	*text;
	size_t		 len;
	const char	*err;		/* NULL: must load */
	const char	*key, *want;
};

#define OK(text, key, want)	{ (text), 0, NULL, (key), (want) }
#define BAD(text, err)		{ (text), 0, (err), NULL, NULL }
#define OKN(text, key, want)	{ (text), sizeof(text) - 1, NULL, (key), (want) }
#define BADN(text, err)		{ (text), sizeof(text) - 1, (err), NULL, NULL }

static const struct load_case cases[] = {
	/* The file's shape. */
	OK("", "workers", "4"),
	OK("# comment\n; another\n\n \t \n   # indented\n", "workers", "4"),
	OK("# workers = 0\n", "workers", "4"),
	OK("workers=8", "workers", "8"),
	OK("  workers \t=\t 8  \r\n", "workers", "8"),
	OK("\xef\xbb\xbfworkers = 8\n", "workers", "8"),
	BAD("[main]\nworkers = 8\n",
	    ":1: \"[section]\" lines are not allowed: keys are flat"),
	BAD("workers 8\n", ":1: expected \"key = value\""),
	BAD("  = 8\n", ":1: expected \"key = value\""),
	BAD("\n# c\nwrokers = 8\n", ":3: unknown key \"wrokers\""),
	BAD("Workers = 8\n", ":1: unknown key \"Workers\""),
	BAD("workers = 2\n\nworkers = 3\n",
	    ":3: workers: given twice (first on line 1)"),
	BAD("workers = 4 # four\n",
	    ":1: workers: must be an integer from 1 to 64"),
	OK("org_code = \"  a b  \"\n", "org_code", "  a b  "),
	OK("org_code = \"\"\n", "org_code", ""),
	OK("org_code = \"#1\"\n", "org_code", "#1"),
	OK("org_code = a\"b\"\n", "org_code", "a\"b\""),
	OK("org_code = \"a\"b\"\n", "org_code", "a\"b"),
	BAD("org_code = \"abc\n", ":1: org_code: unterminated quote"),
	BAD("org_code = \"\n", ":1: org_code: unterminated quote"),
	OK("sign_key = a=b=c\n", "sign_key", "a=b=c"),
	BADN("org_code = a\0b\n", ":1: org_code: contains a NUL byte"),
	BADN("org\0code = a\n", ":1: contains a NUL byte"),
	OKN("#\0\nworkers = 8\n", "workers", "8"),
	BAD("org_code = \xc3\x28\n", ":1: org_code: is not valid UTF-8"),

	/* Each key, valid and not. */
	OK("database = /srv/dialdesk/dd.db\n", "database", "/srv/dialdesk/dd.db"),
	BAD("database =\n", ":1: database: must not be empty"),
	BAD("database = \"\"\n", ":1: database: must not be empty"),
	OK("socket = /tmp/dd.sock\n", "socket", "/tmp/dd.sock"),
	BAD("socket = \n", ":1: socket: must not be empty"),
	OK("socket_group = www-data\n", "socket_group", "www-data"),
	OK("socket_group = _dd1\n", "socket_group", "_dd1"),
	OK("socket_group =\n", "socket_group", ""),
	BAD("socket_group = WWW\n", ":1: socket_group: must be a group name "
	    "of [a-z_][a-z0-9_-]*, at most 32 characters"),
	BAD("socket_group = 1dd\n", ":1: socket_group: must be a group name "
	    "of [a-z_][a-z0-9_-]*, at most 32 characters"),
	BAD("socket_group = abcdefghijklmnopqrstuvwxyz0123456\n",
	    ":1: socket_group: must be a group name "
	    "of [a-z_][a-z0-9_-]*, at most 32 characters"),
	OK("workers = 1\n", "workers", "1"),
	OK("workers = 64\n", "workers", "64"),
	OK("workers = 008\n", "workers", "8"),
	BAD("workers = 0\n", ":1: workers: must be an integer from 1 to 64"),
	BAD("workers = 65\n", ":1: workers: must be an integer from 1 to 64"),
	BAD("workers = +4\n", ":1: workers: must be an integer from 1 to 64"),
	BAD("workers = -1\n", ":1: workers: must be an integer from 1 to 64"),
	BAD("workers = 0x10\n", ":1: workers: must be an integer from 1 to 64"),
	BAD("workers = 4.0\n", ":1: workers: must be an integer from 1 to 64"),
	BAD("workers = 4K\n", ":1: workers: must be an integer from 1 to 64"),
	BAD("workers =\n", ":1: workers: must be an integer from 1 to 64"),
	BAD("workers = 99999999999999999999\n",
	    ":1: workers: must be an integer from 1 to 64"),
	OK("templates = /opt/dd/templates\n", "templates", "/opt/dd/templates"),
	OK("templates =\n", "templates", ""),
	OK("upload_dir = /srv/uploads\n", "upload_dir", "/srv/uploads"),
	BAD("upload_dir =\n", ":1: upload_dir: must not be empty"),
	OK("upload_max_bytes = 1024\n", "upload_max_bytes", "1024"),
	OK("upload_max_bytes = 100k\n", "upload_max_bytes", "102400"),
	OK("upload_max_bytes = 50M\n", "upload_max_bytes", "52428800"),
	OK("upload_max_bytes = 2G\n", "upload_max_bytes", "2147483648"),
	OK("upload_max_bytes = 2147483648\n", "upload_max_bytes",
	    "2147483648"),
	BAD("upload_max_bytes = 1023\n", ":1: upload_max_bytes: must be an "
	    "integer from 1024 to 2147483648, optionally followed by K, M or G"),
	BAD("upload_max_bytes = 2147483649\n", ":1: upload_max_bytes: must be "
	    "an integer from 1024 to 2147483648, optionally followed by K, M "
	    "or G"),
	BAD("upload_max_bytes = 3G\n", ":1: upload_max_bytes: must be an "
	    "integer from 1024 to 2147483648, optionally followed by K, M or G"),
	BAD("upload_max_bytes = 10MB\n", ":1: upload_max_bytes: must be an "
	    "integer from 1024 to 2147483648, optionally followed by K, M or G"),
	BAD("upload_max_bytes = M\n", ":1: upload_max_bytes: must be an "
	    "integer from 1024 to 2147483648, optionally followed by K, M or G"),
	BAD("upload_max_bytes = 9223372036854775807K\n", ":1: upload_max_bytes:"
	    " must be an integer from 1024 to 2147483648, optionally followed by"
	    " K, M or G"),
	OK("public_url = https://dd.example.com/\n", "public_url",
	    "https://dd.example.com"),
	OK("public_url = https://dd.example.com/console/\n", "public_url",
	    "https://dd.example.com/console"),
	OK("public_url = http://[::1]:8080\n", "public_url",
	    "http://[::1]:8080"),
	BAD("public_url = ftp://dd.example.com\n",
	    ":1: public_url: must be an http:// or https:// URL"),
	BAD("public_url = dd.example.com\n",
	    ":1: public_url: must be an http:// or https:// URL"),
	BAD("public_url =\n",
	    ":1: public_url: must be an http:// or https:// URL"),
	BAD("public_url = https://dd.example.com//\n",
	    ":1: public_url: must not end with \"/\""),
	BAD("public_url = https://\n", ":1: public_url: has no host name"),
	BAD("public_url = https:///x\n", ":1: public_url: has no host name"),
	BAD("public_url = https://dd.example.com/?a=1\n",
	    ":1: public_url: must not have a query (?) or fragment (#)"),
	BAD("public_url = https://dd.example.com#top\n",
	    ":1: public_url: must not have a query (?) or fragment (#)"),
	BAD("public_url = https://dd example.com\n",
	    ":1: public_url: is not a valid URL"),
	BAD("public_url = http://dd.example.com:99999\n",
	    ":1: public_url: is not a valid URL"),
	OK("busy_timeout_ms = 0\n", "busy_timeout_ms", "0"),
	BAD("busy_timeout_ms = 600001\n",
	    ":1: busy_timeout_ms: must be an integer from 0 to 600000"),
	OK("session_idle_minutes = 1440\n", "session_idle_minutes", "1440"),
	BAD("session_idle_minutes = 0\n",
	    ":1: session_idle_minutes: must be an integer from 1 to 1440"),
	OK("session_max_hours = 720\n", "session_max_hours", "720"),
	BAD("session_max_hours = 721\n",
	    ":1: session_max_hours: must be an integer from 1 to 720"),
	OK("login_max_failures = 1000\n", "login_max_failures", "1000"),
	BAD("login_max_failures = 1001\n",
	    ":1: login_max_failures: must be an integer from 1 to 1000"),
	OK("login_max_failures_addr = 100000\n", "login_max_failures_addr",
	    "100000"),
	BAD("login_max_failures_addr = 0\n",
	    ":1: login_max_failures_addr: must be an integer from 1 to 100000"),
	OK("login_window_minutes = 1\n", "login_window_minutes", "1"),
	BAD("password_min_length = 7\n",
	    ":1: password_min_length: must be an integer from 8 to 128"),
	BAD("login_delay_seconds = 0\n",
	    ":1: login_delay_seconds: must be an integer from 1 to 3600"),
	OK("login_known_days = 3650\n", "login_known_days", "3650"),
	BAD("login_max_failures_account = 100001\n",
	    ":1: login_max_failures_account: must be an integer from 1 to 100000"),
	BAD("login_window_minutes = 1441\n",
	    ":1: login_window_minutes: must be an integer from 1 to 1440"),
	OK("vendor_url =\n", "vendor_url", ""),
	OK("vendor_url = https://vendor.example.cn/\n", "vendor_url",
	    "https://vendor.example.cn"),
	BAD("vendor_url = vendor.example.cn\n",
	    ":1: vendor_url: must be an http:// or https:// URL, or empty"),
	OK("org_code = ORG-001\n", "org_code", "ORG-001"),
	OK("login_name = 张三\n", "login_name", "张三"),
	BAD("login_name = \xc0\xaf\n", ":1: login_name: is not valid UTF-8"),
	OK("sign_key = s3cr3t key\n", "sign_key", "s3cr3t key"),
	BAD("sign_key = \xed\xa0\x80\n", ":1: sign_key: is not valid UTF-8"),
	BAD("sign_key = \xe4\xb8\n", ":1: sign_key: is not valid UTF-8"),
	OK("sign_recipe = {key}{orgCode}{loginName}{name}\n", "sign_recipe",
	    "{key}{orgCode}{loginName}{name}"),
	OK("sign_recipe = \"{orgCode} & {key}\"\n", "sign_recipe",
	    "{orgCode} & {key}"),
	BAD("sign_recipe = {orgcode}{key}\n", ":1: sign_recipe: unknown "
	    "placeholder \"{orgcode}\" (valid: {orgCode} {loginName} {name} "
	    "{key})"),
	BAD("sign_recipe = {key}{}\n", ":1: sign_recipe: unknown placeholder "
	    "\"{}\" (valid: {orgCode} {loginName} {name} {key})"),
	BAD("sign_recipe = {orgCode}{key\n",
	    ":1: sign_recipe: unterminated placeholder \"{key\""),
	BAD("sign_recipe = {org{key}\n",
	    ":1: sign_recipe: unterminated placeholder \"{org\""),
	BAD("sign_recipe = key}\n", ":1: sign_recipe: \"}\" without \"{\""),
	BAD("sign_recipe =\n", ":1: sign_recipe: must not be empty"),
	OK("phone_encryption = none\n", "phone_encryption", "none"),
	OK("phone_encryption = aes-128-ecb\n"
	    "phone_key = 00112233445566778899AABBCCDDEEFF\n",
	    "phone_encryption", "aes-128-ecb"),
	BAD("phone_encryption = AES\n",
	    ":1: phone_encryption: must be one of: none, aes-128-ecb"),
	BAD("phone_encryption = aes-128-ecb\n",
	    ": phone_key: required when phone_encryption is aes-128-ecb"),
	BAD("phone_key = \"\"\nphone_encryption = aes-128-ecb\n",
	    ": phone_key: required when phone_encryption is aes-128-ecb"),
	OK("phone_key = 00112233445566778899aabbccddeeff\n", "phone_key",
	    "00112233445566778899aabbccddeeff"),
	BAD("phone_key = 0011\n", ":1: phone_key: must be empty or 32 hex "
	    "digits"),
	BAD("phone_key = 00112233445566778899aabbccddeefg\n",
	    ":1: phone_key: must be empty or 32 hex digits"),
	OK("vendor_connect_timeout = 120\n", "vendor_connect_timeout", "120"),
	BAD("vendor_connect_timeout = 121\n",
	    ":1: vendor_connect_timeout: must be an integer from 1 to 120"),
	OK("vendor_timeout = 600\n", "vendor_timeout", "600"),
	BAD("vendor_timeout = 0\n",
	    ":1: vendor_timeout: must be an integer from 1 to 600"),
	OK("batch_size = 50000\n", "batch_size", "50000"),
	BAD("batch_size = 50001\n",
	    ":1: batch_size: must be an integer from 1 to 50000"),
	OK("max_rows = 10000000\n", "max_rows", "10000000"),
	BAD("max_rows = 10000001\n",
	    ":1: max_rows: must be an integer from 1 to 10000000"),
	OK("callback_token = abcdefghij_-0123\n", "callback_token",
	    "abcdefghij_-0123"),
	OK("callback_token =\n", "callback_token", ""),
	BAD("callback_token = abcdefghij_-012\n", ":1: callback_token: must "
	    "be empty or at least 16 characters of A-Z a-z 0-9 _ -"),
	BAD("callback_token = abcdefghij0123456!\n", ":1: callback_token: "
	    "must be empty or at least 16 characters of A-Z a-z 0-9 _ -"),
	OK("callback_token = abcdefghij_-0123\n"
	    "callback_token_previous = 0123456789abcdef\n",
	    "callback_token_previous", "0123456789abcdef"),
	BAD("callback_token_previous = 0123456789abcdef\n",
	    ": callback_token_previous: needs callback_token (the new token "
	    "of the rotation)"),
	BAD("callback_token = 0123456789abcdef\n"
	    "callback_token_previous = 0123456789abcdef\n",
	    ": callback_token_previous: is the same as callback_token"),
	BAD("callback_token = 0123456789abcdef\n"
	    "callback_token_previous = short\n",
	    ":2: callback_token_previous: must be empty or at least 16 "
	    "characters of A-Z a-z 0-9 _ -"),
	OK("callback_socket = /run/x/cb.sock\n", "callback_socket",
	    "/run/x/cb.sock"),
	BAD("socket = /run/x/a.sock\ncallback_socket = /run/x/a.sock\n",
	    ": callback_socket: must differ from socket"),
	OK("callback_workers = 64\n", "callback_workers", "64"),
	BAD("callback_workers = 0\n",
	    ":1: callback_workers: must be an integer from 1 to 64"),
	OK("listen_backlog = 4096\n", "listen_backlog", "4096"),
	BAD("listen_backlog = 15\n",
	    ":1: listen_backlog: must be an integer from 16 to 65535"),
	OK("callback_refusals_max = 1\n", "callback_refusals_max", "1"),
	BAD("callback_refusals_max = 0\n",
	    ":1: callback_refusals_max: must be an integer from 1 to 100000"),
	OK("callback_allow = 127.0.0.1, ::1 ,10.0.0.2\t2001:db8::7\n",
	    "callback_allow", "127.0.0.1 ::1 10.0.0.2 2001:db8::7"),
	OK("callback_allow = \" , \"\n", "callback_allow", ""),
	BAD("callback_allow = 10.0.0.0/8\n", ":1: callback_allow: "
	    "\"10.0.0.0/8\" is not an IPv4 or IPv6 address"),
	BAD("callback_allow = ::1, localhost\n", ":1: callback_allow: "
	    "\"localhost\" is not an IPv4 or IPv6 address"),
	OK("callback_max_bytes = 64M\n", "callback_max_bytes", "67108864"),
	OK("callback_max_bytes = 1K\n", "callback_max_bytes", "1024"),
	BAD("callback_max_bytes = 65M\n", ":1: callback_max_bytes: must be an "
	    "integer from 1024 to 67108864, optionally followed by K, M or G"),
	BAD("callback_max_bytes = 1023\n", ":1: callback_max_bytes: must be "
	    "an integer from 1024 to 67108864, optionally followed by K, M or "
	    "G"),	OK("audit_key_file = /srv/keys/audit.key\n", "audit_key_file",
	    "/srv/keys/audit.key"),
	OK("audit_checkpoint_file = /srv/log/cp\n", "audit_checkpoint_file",
	    "/srv/log/cp"),
	OK("audit_checkpoint_minutes = 60\n", "audit_checkpoint_minutes", "60"),
	BAD("audit_checkpoint_minutes = 0\n", ":1: audit_checkpoint_minutes: "
	    "must be an integer from 1 to 1440"),
	OK("audit_checkpoint_syslog = yes\n", "audit_checkpoint_syslog", "yes"),
	BAD("audit_checkpoint_syslog = 1\n", ":1: audit_checkpoint_syslog: "
	    "must be one of: no, yes"),
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

/* Write len bytes to a new temporary file; its path goes in path. */
static void
write_temp_len(char *path, size_t pathsz, const char *text, size_t len)
{
	const char	*dir = getenv("TMPDIR");
	int		 fd;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	ck_assert_int_lt(snprintf(path, pathsz, "%s/check_config.XXXXXX", dir),
	    (int)pathsz);
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

static void
write_temp(char *path, size_t pathsz, const char *text)
{
	write_temp_len(path, pathsz, text, strlen(text));
}

START_TEST(test_load)
{
	const struct load_case	*t = &cases[_i];
	struct config		 c;
	char			 path[4096], err[1024], want[5120];
	int			 rc;

	write_temp_len(path, sizeof(path), t->text,
	    t->len ? t->len : strlen(t->text));
	config_defaults(&c);
	rc = config_load(&c, path, err, sizeof(err));
	if (t->err == NULL) {
		ck_assert_msg(rc == 0, "case %d: %s", _i, err);
		if (t->key != NULL)
			ck_value(&c, t->key, t->want);
	} else {
		snprintf(want, sizeof(want), "%s%s", path, t->err);
		ck_assert_msg(rc == -1, "case %d: loaded", _i);
		ck_assert_str_eq(err, want);
	}
	config_free(&c);
	unlink(path);
}
END_TEST

/* No line buffer limit: a value of 200,000 bytes comes through whole. */
START_TEST(test_long_line)
{
	struct config	 c;
	char		 path[4096], err[1024], *text;
	size_t		 n = 200000, pre = strlen("sign_key = ");

	ck_assert_ptr_nonnull(text = malloc(pre + n + 2));
	memcpy(text, "sign_key = ", pre);
	memset(text + pre, 'k', n);
	memcpy(text + pre + n, "\n", 2);
	write_temp(path, sizeof(path), text);
	config_defaults(&c);
	ck_assert_msg(config_load(&c, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(strlen(c.sign_key), n);
	ck_assert_int_eq(strspn(c.sign_key, "k"), n);
	config_free(&c);
	unlink(path);
	free(text);
}
END_TEST

START_TEST(test_missing_file)
{
	struct config	 c;
	char		 err[1024];

	config_defaults(&c);
	ck_assert_int_eq(config_load(&c, "/nonexistent/dialdesk.conf", err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/dialdesk.conf: cannot open: "
	    "No such file or directory");
	config_free(&c);
}
END_TEST

/* A second file replaces strings (no leak under ASan); a file that fails
 * leaves what was loaded before untouched. */
START_TEST(test_reload)
{
	struct config	 c;
	char		 path[4096], err[1024];

	config_defaults(&c);
	write_temp(path, sizeof(path), "workers = 8\nsocket = /x.sock\n");
	ck_assert_msg(config_load(&c, path, err, sizeof(err)) == 0, "%s", err);
	unlink(path);
	write_temp(path, sizeof(path), "socket = /y.sock\nworkers = 9\n");
	ck_assert_msg(config_load(&c, path, err, sizeof(err)) == 0, "%s", err);
	unlink(path);
	ck_value(&c, "socket", "/y.sock");
	ck_value(&c, "workers", "9");

	write_temp(path, sizeof(path),
	    "workers = 10\nsocket = /z\nbogus = 1\n");
	ck_assert_int_eq(config_load(&c, path, err, sizeof(err)), -1);
	unlink(path);
	ck_value(&c, "socket", "/y.sock");
	ck_value(&c, "workers", "9");
	ck_value(&c, "database", "/var/lib/dialdesk/dialdesk.db");
	config_free(&c);
}
END_TEST

/* A short or missing error buffer is not written past. */
START_TEST(test_small_err)
{
	struct config	 c;
	char		 err[8];

	config_defaults(&c);
	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(config_load(&c, "/nonexistent/x", err, 5), -1);
	ck_assert_str_eq(err, "/non");
	ck_assert_int_eq(err[5], 'x');
	ck_assert_int_eq(config_load(&c, "/nonexistent/x", NULL, 0), -1);
	config_free(&c);
}
END_TEST

/* The shipped example, which writes out every key, loads as it is. */
START_TEST(test_example)
{
	struct config	 c;
	const char	*top = getenv("top_srcdir");
	char		 path[4096], err[1024];

	snprintf(path, sizeof(path), "%s/dialdesk.conf.example",
	    top != NULL && top[0] != '\0' ? top : ".");
	config_defaults(&c);
	ck_assert_msg(config_load(&c, path, err, sizeof(err)) == 0, "%s", err);
	ck_value(&c, "database", "/var/lib/dialdesk/dialdesk.db");
	ck_value(&c, "sign_recipe", "{orgCode}{loginName}{key}");
	ck_value(&c, "phone_encryption", "none");
	config_free(&c);
}
END_TEST

/* The callback pool's socket: callback_socket, or beside socket. */
START_TEST(test_callback_socket)
{
	struct config	 c;
	char		 buf[64];

	config_defaults(&c);
	ck_assert_int_eq(config_callback_socket(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/run/dialdesk/callback.sock");
	free(c.socket);
	c.socket = strdup("here.sock");
	ck_assert_int_eq(config_callback_socket(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "callback.sock");
	free(c.callback_socket);
	c.callback_socket = strdup("/srv/push.sock");
	ck_assert_int_eq(config_callback_socket(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/srv/push.sock");
	ck_assert_int_eq(config_callback_socket(&c, buf, 8), -1);
	config_free(&c);
}
END_TEST

START_TEST(test_path)
{
	const char	*sys = "/etc/dialdesk/dialdesk.conf";
	const char	*p;

	ck_assert_int_eq(setenv("DIALDESK_CONFIG", "/from/env.conf", 1), 0);
	ck_assert_str_eq(config_path("/from/argv.conf"), "/from/argv.conf");
	ck_assert_str_eq(config_path(NULL), "/from/env.conf");
	ck_assert_int_eq(setenv("DIALDESK_CONFIG", "", 1), 0);
	p = config_path(NULL);
	if (access(sys, R_OK) == 0)
		ck_assert_str_eq(p, sys);
	else
		ck_assert_ptr_null(p);
	ck_assert_int_eq(unsetenv("DIALDESK_CONFIG"), 0);
	ck_assert_str_eq(config_path("/from/argv.conf"), "/from/argv.conf");
}
END_TEST

/*
 * One key at a time (the settings page): the same checks and messages as
 * in the file, without the "path:line: " part, and a Chinese reason.
 * want "" means accepted, with the value then read back as shown.
 */
static const struct {
	const char	*key, *value, *shown, *want_en, *want_zh;
} sets[] = {
	{ "vendor_url", "https://v.example/", "https://v.example", "", "" },
	{ "vendor_url", "", "", "", "" },
	{ "vendor_url", "ftp://v.example", NULL,
	    "vendor_url: must be an http:// or https:// URL, or empty",
	    "须为以 http:// 或 https:// 开头" },
	{ "batch_size", " 2500 ", "2500", "", "" },
	{ "batch_size", "50001", NULL,
	    "batch_size: must be an integer from 1 to 50000",
	    "须为 1 到 50000 的整数" },
	{ "vendor_timeout", "-1", NULL,
	    "vendor_timeout: must be an integer from 1 to 600",
	    "须为 1 到 600 的整数" },
	{ "phone_encryption", "aes-128-ecb", "aes-128-ecb", "", "" },
	{ "phone_encryption", "AES", NULL,
	    "phone_encryption: must be one of: none, aes-128-ecb",
	    "须为以下之一：none、aes-128-ecb" },
	{ "phone_key", "00112233445566778899AABBCCDDEEFF",
	    "00112233445566778899AABBCCDDEEFF", "", "" },
	{ "phone_key", "0011", NULL,
	    "phone_key: must be empty or 32 hex digits",
	    "须为 32 位十六进制数字" },
	{ "sign_recipe", "{orgCode}{bad}", NULL,
	    "sign_recipe: unknown placeholder \"{bad}\" (valid: {orgCode} "
	    "{loginName} {name} {key})", "不能为空；只能含有占位符" },
	{ "callback_allow", "::1,127.0.0.1", "::1 127.0.0.1", "", "" },
	{ "callback_allow", "10.0.0.0/8", NULL,
	    "callback_allow: \"10.0.0.0/8\" is not an IPv4 or IPv6 address",
	    "须为 IPv4 或 IPv6 地址" },
	{ "org_code", "\"  kept  \"", "  kept  ", "", "" },
	{ "org_code", "\"open", NULL, "org_code: unterminated quote",
	    "引号不成对" },
	{ "org_code", "\xff", NULL, "org_code: is not valid UTF-8",
	    "不是有效的 UTF-8 文本" },
	{ "no_such_key", "1", NULL, "unknown key \"no_such_key\"",
	    "没有这个配置项" },	/* The two alphabets' keys (one parser): whole messages. */
	{ "phone_key", "00112233445566778899AABBCCDDEEFF0", NULL,
	    "phone_key: must be empty or 32 hex digits",
	    "须为 32 位十六进制数字（0-9、a-f）；或留空" },
	{ "phone_key", "00112233445566778899AABBCCDDEEFG", NULL,
	    "phone_key: must be empty or 32 hex digits",
	    "须为 32 位十六进制数字（0-9、a-f）；或留空" },
	{ "callback_token", "0123456789abcdef_-XYZ", "0123456789abcdef_-XYZ",
	    "", "" },
	{ "callback_token", "0123456789abcde", NULL,
	    "callback_token: must be empty or at least 16 characters of "
	    "A-Z a-z 0-9 _ -", "须为至少 16 个 A-Z a-z 0-9 _ - 字符；或留空" },
	{ "callback_token", "0123456789abcdef.", NULL,
	    "callback_token: must be empty or at least 16 characters of "
	    "A-Z a-z 0-9 _ -", "须为至少 16 个 A-Z a-z 0-9 _ - 字符；或留空" },
	{ "socket", "", NULL, "socket: must not be empty", "不能为空" },
};
#define NSETS	(sizeof(sets) / sizeof(sets[0]))

START_TEST(test_set)
{
	struct config		 c;
	struct config_problem	 pb;
	char			*got;
	int			 rc;

	config_defaults(&c);
	rc = config_set(&c, sets[_i].key, sets[_i].value, &pb);
	if (sets[_i].want_en[0] == '\0') {
		ck_assert_msg(rc == 0, "%s = %s: refused: %s", sets[_i].key,
		    sets[_i].value, pb.en);
		got = config_get(&c, sets[_i].key);
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, sets[_i].shown);
		free(got);
	} else {
		ck_assert_msg(rc == -1, "%s = %s: accepted", sets[_i].key,
		    sets[_i].value);
		ck_assert_str_eq(pb.en, sets[_i].want_en);
		ck_assert_msg(strncmp(pb.zh, sets[_i].want_zh,
		    strlen(sets[_i].want_zh)) == 0, "zh: %s", pb.zh);
	}
	config_free(&c);
}
END_TEST

/* The page's keys are the table's flagged ones, in its order; secrets are
 * known; the rule across keys is config_load()'s. */
START_TEST(test_page_keys)
{
	static const char *const want[] = { "vendor_url", "org_code",
	    "login_name", "sign_key", "sign_recipe", "phone_encryption",
	    "phone_key", "vendor_timeout", "batch_size", "callback_allow" };
	struct config		 c, d;
	struct config_problem	 pb;
	size_t			 i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_str_eq(config_page_key(i), want[i]);
	ck_assert_ptr_null(config_page_key(i));
	ck_assert(config_key_secret("sign_key"));
	ck_assert(config_key_secret("phone_key"));
	ck_assert(config_key_secret("callback_token"));
	ck_assert(!config_key_secret("org_code"));
	ck_assert(!config_key_page("database"));
	ck_assert(!config_key_page("callback_token"));
	ck_assert_int_eq(config_key_kind("batch_size"), CONFIG_KIND_NUMBER);
	ck_assert_int_eq(config_key_kind("phone_encryption"),
	    CONFIG_KIND_CHOICE);
	ck_assert_int_eq(config_key_kind("sign_key"), CONFIG_KIND_SECRET);

	config_defaults(&c);
	ck_assert_int_eq(config_set(&c, "phone_encryption", "aes-128-ecb",
	    &pb), 0);
	ck_assert_int_eq(config_check(&c, &pb), -1);
	ck_assert_str_eq(pb.key, "phone_key");
	ck_assert_str_eq(pb.en,
	    "phone_key: required when phone_encryption is aes-128-ecb");
	ck_assert_str_eq(pb.zh, "号码加密为 AES-128-ECB 时必须设置号码加密密钥");
	/* A copy owns its strings: changing it leaves the original. */
	ck_assert_int_eq(config_dup(&d, &c), 0);
	ck_assert_int_eq(config_set(&d, "org_code", "copy", NULL), 0);
	ck_assert_str_eq(c.org_code, "");
	ck_assert_str_eq(d.org_code, "copy");
	config_free(&d);
	config_free(&c);
}
END_TEST

/* The path defaults follow the folders systemd (or the demo) names. */
START_TEST(test_defaults_env)
{
	struct config	 c;

	ck_assert_int_eq(setenv("STATE_DIRECTORY", "/srv/dd:/srv/other", 1), 0);
	ck_assert_int_eq(setenv("RUNTIME_DIRECTORY", "/run/dd", 1), 0);
	config_defaults(&c);
	ck_value(&c, "database", "/srv/dd/dialdesk.db");
	ck_value(&c, "upload_dir", "/srv/dd/uploads");
	ck_value(&c, "socket", "/run/dd/dialdesk.sock");
	config_free(&c);
	/* A relative folder is not what systemd gives: ignored. */
	ck_assert_int_eq(setenv("STATE_DIRECTORY", "var", 1), 0);
	ck_assert_int_eq(unsetenv("RUNTIME_DIRECTORY"), 0);
	config_defaults(&c);
	ck_value(&c, "database", "/var/lib/dialdesk/dialdesk.db");
	ck_value(&c, "socket", "/run/dialdesk/dialdesk.sock");
	config_free(&c);
	ck_assert_int_eq(unsetenv("STATE_DIRECTORY"), 0);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_loop_test(tc, test_load, 0, (int)NCASES);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_reload);
	tcase_add_test(tc, test_small_err);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_path);
	tcase_add_test(tc, test_defaults_env);
	tcase_add_test(tc, test_callback_socket);
	tcase_add_loop_test(tc, test_set, 0, (int)NSETS);
	tcase_add_test(tc, test_page_keys);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(config_suite());
}
