/* log.c: one line per event on standard error, key=value or JSON, one
 * write(2) each so that lines of concurrent workers do not interleave. */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "log.h"

static char	 prog[32] = "dialdesk";
static int	 as_json;
static char	 request_id[65];

void
log_init(const char *progname)
{
	snprintf(prog, sizeof(prog), "%s", progname);
}

void
log_set_json(int json)
{
	as_json = json;
}

void
log_set_request_id(const char *id)
{
	size_t	 n = id != NULL ? strlen(id) : 0;

	request_id[0] = '\0';
	/* It comes from the front end: keep it only when it cannot break a
	 * line, a quote or a JSON string. */
	if (n == 0 || n >= sizeof(request_id) || strspn(id, "ABCDEFGHIJKLMN"
	    "OPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return;
	memcpy(request_id, id, n + 1);
}

const char *
log_request_id(void)
{
	return request_id[0] != '\0' ? request_id : NULL;
}

/* msg as a quoted value: " and \ escaped, control characters as \n, \t
 * or \xNN, so that one event stays one line. */
static size_t
quote(char *out, size_t outsz, const char *msg)
{
	size_t		 w = 0;
	unsigned char	 c;

	if (outsz < 3)
		return 0;
	out[w++] = '"';
	for (; (c = (unsigned char)*msg) != '\0' && w + 5 < outsz; msg++) {
		if (c == '"' || c == '\\') {
			out[w++] = '\\';
			out[w++] = (char)c;
		} else if (c == '\n') {
			out[w++] = '\\';
			out[w++] = 'n';
		} else if (c == '\t') {
			out[w++] = '\\';
			out[w++] = 't';
		} else if (c < 0x20 || c == 0x7f)
			w += (size_t)snprintf(out + w, outsz - w, "\\x%02x", c);
		else
			out[w++] = (char)c;
	}
	out[w++] = '"';
	out[w] = '\0';
	return w;
}

static void __attribute__((format(printf, 2, 0)))
log_line(const char *level, const char *fmt, va_list ap)
{
	char		 msg[2048], line[4400], ts[32];
	char		*json;
	cJSON		*o;
	struct tm	 tm;
	time_t		 now = time(NULL);
	int		 n;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		return;
	if (as_json && (o = cJSON_CreateObject()) != NULL) {
		cJSON_AddStringToObject(o, "ts", ts);
		cJSON_AddStringToObject(o, "level", level);
		cJSON_AddStringToObject(o, "prog", prog);
		cJSON_AddNumberToObject(o, "pid", (double)getpid());
		if (request_id[0] != '\0')
			cJSON_AddStringToObject(o, "request_id", request_id);
		cJSON_AddStringToObject(o, "msg", msg);
		json = cJSON_PrintUnformatted(o);
		cJSON_Delete(o);
		if (json != NULL) {
			n = snprintf(line, sizeof(line), "%s\n", json);
			cJSON_free(json);
			if (n > 0 && (size_t)n < sizeof(line)) {
				(void)!write(STDERR_FILENO, line, (size_t)n);
				return;
			}
		}
	}
	n = snprintf(line, sizeof(line), "ts=%s level=%s prog=%s pid=%d%s%s "
	    "msg=", ts, level, prog, (int)getpid(),
	    request_id[0] != '\0' ? " request_id=" : "", request_id);
	if (n < 0 || (size_t)n >= sizeof(line) - 4)
		return;
	n += (int)quote(line + n, sizeof(line) - (size_t)n - 1, msg);
	line[n++] = '\n';
	(void)!write(STDERR_FILENO, line, (size_t)n);
}

/* The name of each level in a line: a stable field that log readers match. */
static const char *const level_names[] = {
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_WARN] = "warning",
	[LOG_LEVEL_ERR] = "error",
};

void
log_at(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(level_names[level], fmt, ap);
	va_end(ap);
}
