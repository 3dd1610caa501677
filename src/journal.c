/* journal.c: the vendor journal's file format, appends, reads and
 * compaction (journal.h says why it exists). */
#include "autoconf.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "errbuf.h"
#include "fileio.h"
#include "journal.h"

/* The start of every record; its version is the format's. */
#define MAGIC		"dvj1 "
#define MAGIC_LEN	(sizeof(MAGIC) - 1)
#define HASH_BYTES	16
#define HASH_HEX	(2 * HASH_BYTES)
/* Largest integer a JSON number (a double) holds exactly. */
#define JSON_INT_MAX	9007199254740992.0

/* Hex BLAKE2b-128 of the JSON text: it tells a whole record from a torn
 * or damaged one. */
static void
hash_hex(const char *s, size_t len, char out[HASH_HEX + 1])
{
	unsigned char	 h[HASH_BYTES];

	crypto_generichash(h, sizeof(h), (const unsigned char *)s, len,
	    NULL, 0);
	sodium_bin2hex(out, HASH_HEX + 1, h, sizeof(h));
}

char *
journal_format(const struct journal_answer *a, size_t *len)
{
	const struct vendor_result *r = &a->res;
	cJSON	*o;
	char	*json = NULL, *line = NULL, hash[HASH_HEX + 1];
	int	 n;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddNumberToObject(o, "batch", (double)a->batch_id) == NULL ||
	    cJSON_AddNumberToObject(o, "attempt", (double)a->attempt) == NULL ||
	    cJSON_AddNumberToObject(o, "task", (double)a->task_id) == NULL ||
	    cJSON_AddNumberToObject(o, "seq", (double)a->seq) == NULL ||
	    cJSON_AddNumberToObject(o, "rows", (double)a->rows) == NULL ||
	    cJSON_AddNumberToObject(o, "at", (double)a->at) == NULL ||
	    cJSON_AddStringToObject(o, "worker", a->worker) == NULL ||
	    cJSON_AddStringToObject(o, "outcome",
	    vendor_outcome_name(r->outcome)) == NULL ||
	    cJSON_AddNumberToObject(o, "http", (double)r->http_status) == NULL ||
	    (r->has_err_code && cJSON_AddNumberToObject(o, "errCode",
	    (double)r->err_code) == NULL) ||
	    cJSON_AddStringToObject(o, "taskId", r->task_id) == NULL ||
	    cJSON_AddStringToObject(o, "message", r->message) == NULL ||
	    cJSON_AddStringToObject(o, "detail", r->detail) == NULL ||
	    cJSON_AddNumberToObject(o, "seconds", r->seconds) == NULL ||
	    cJSON_AddStringToObject(o, "body_sha256", a->body_sha256) == NULL)
		goto out;
	/* Unformatted cJSON escapes every control character: one line. */
	if ((json = cJSON_PrintUnformatted(o)) == NULL)
		goto out;
	hash_hex(json, strlen(json), hash);
	if ((n = asprintf(&line, MAGIC "%s %s\n", hash, json)) < 0) {
		line = NULL;
		goto out;
	}
	if (len != NULL)
		*len = (size_t)n;
out:
	cJSON_free(json);
	cJSON_Delete(o);
	return line;
}

/* A whole number from 0 to JSON_INT_MAX (negative when allowed). */
static int
get_int(const cJSON *o, const char *key, int negative, int64_t *out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);
	double		 d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/* The range first: converting a double past int64_t (1e400 reads
	 * as inf) is undefined behaviour. */
	if (!(d <= JSON_INT_MAX && d >= (negative ? -JSON_INT_MAX : 0)) ||
	    d != (double)(int64_t)d)
		return -1;
	*out = (int64_t)d;
	return 0;
}

/* A string that fits in out[size] with its NUL. */
static int
get_str(const cJSON *o, const char *key, char *out, size_t size)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);
	size_t		 len;

	if (!cJSON_IsString(v) || (len = strlen(v->valuestring)) >= size)
		return -1;
	memcpy(out, v->valuestring, len + 1);
	return 0;
}

static int
get_outcome(const cJSON *o, enum vendor_outcome *out)
{
	static const enum vendor_outcome all[] = { VENDOR_ACCEPTED,
	    VENDOR_REFUSED, VENDOR_NOT_SENT, VENDOR_UNKNOWN };
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, "outcome");
	size_t		 i;

	if (!cJSON_IsString(v))
		return -1;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(v->valuestring, vendor_outcome_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}

/* The record whose MAGIC is at p and which ends at end. */
static int
parse_at(const char *p, const char *end, struct journal_answer *a)
{
	struct vendor_result *r = &a->res;
	const cJSON	*v;
	const char	*json, *parse_end = NULL;
	char		 want[HASH_HEX + 1];
	cJSON		*o;
	size_t		 n;
	int64_t		 http, code;
	int		 rc = -1;

	if ((size_t)(end - p) < MAGIC_LEN + HASH_HEX + 1 + 2 ||
	    p[MAGIC_LEN + HASH_HEX] != ' ')
		return -1;
	json = p + MAGIC_LEN + HASH_HEX + 1;
	n = (size_t)(end - json);
	if (memchr(json, '\0', n) != NULL)
		return -1;
	hash_hex(json, n, want);
	if (memcmp(want, p + MAGIC_LEN, HASH_HEX) != 0)
		return -1;
	if ((o = cJSON_ParseWithLengthOpts(json, n, &parse_end, 0)) == NULL)
		return -1;
	memset(a, 0, sizeof(*a));
	if (parse_end != end || !cJSON_IsObject(o) ||
	    get_int(o, "batch", 0, &a->batch_id) == -1 ||
	    get_int(o, "attempt", 0, &a->attempt) == -1 ||
	    get_int(o, "task", 0, &a->task_id) == -1 ||
	    get_int(o, "seq", 0, &a->seq) == -1 ||
	    get_int(o, "rows", 0, &a->rows) == -1 ||
	    get_int(o, "at", 0, &a->at) == -1 ||
	    get_str(o, "worker", a->worker, sizeof(a->worker)) == -1 ||
	    get_outcome(o, &r->outcome) == -1 ||
	    get_int(o, "http", 0, &http) == -1 ||
	    get_str(o, "taskId", r->task_id, sizeof(r->task_id)) == -1 ||
	    get_str(o, "message", r->message, sizeof(r->message)) == -1 ||
	    get_str(o, "detail", r->detail, sizeof(r->detail)) == -1 ||
	    get_str(o, "body_sha256", a->body_sha256,
	    sizeof(a->body_sha256)) == -1)
		goto out;
	r->http_status = (long)http;
	if (cJSON_GetObjectItemCaseSensitive(o, "errCode") != NULL) {
		if (get_int(o, "errCode", 1, &code) == -1)
			goto out;
		r->has_err_code = 1;
		r->err_code = (long)code;
	}
	v = cJSON_GetObjectItemCaseSensitive(o, "seconds");
	if (!cJSON_IsNumber(v))
		goto out;
	r->seconds = v->valuedouble;
	rc = 0;
out:
	if (rc == -1)
		memset(a, 0, sizeof(*a));
	cJSON_Delete(o);
	return rc;
}

int
journal_parse(const char *line, size_t len, struct journal_answer *a)
{
	const char	*p = line, *end = line + len;

	/* A torn record before this one shares its line: try each start. */
	while ((p = memmem(p, (size_t)(end - p), MAGIC, MAGIC_LEN)) != NULL) {
		if (parse_at(p, end, a) == 0)
			return 0;
		p++;
	}
	return -1;
}

/*
 * Open path and lock it. Compaction replaces the file by rename(): a lock
 * won on the file it replaced (no name left) is worthless, so the file is
 * opened again. Returns the descriptor, or -1 with errno set.
 */
static int
open_locked(const char *path, int flags, int how)
{
	struct stat	 st;
	int		 fd, e;

	for (;;) {
		if ((fd = open(path, flags | O_CLOEXEC, 0600)) == -1)
			return -1;
		while (flock(fd, how) == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (fstat(fd, &st) == -1) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (st.st_nlink > 0)
			return fd;
		close(fd);
	}
}

int
journal_append(const char *path, const struct journal_answer *a,
    char *err, size_t errsz)
{
	struct stat	 st;
	char		*line;
	size_t		 len;
	ssize_t		 n;
	int		 fd, rc = -1, created;

	if ((line = journal_format(a, &len)) == NULL) {
		errbuf_set(err, errsz, "out of memory");
		return -1;
	}
	/* A file made here needs its name made durable too. */
	created = stat(path, &st) == -1 && errno == ENOENT;
	if ((fd = open_locked(path, O_WRONLY | O_APPEND | O_CREAT,
	    LOCK_EX)) == -1) {
		errbuf_set(err, errsz, "cannot open %s: %s", path,
		    strerror(errno));
		free(line);
		return -1;
	}
	/* One write: appenders never interleave within a record, and a
	 * short write leaves a torn line that readers ignore. */
	do
		n = write(fd, line, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		errbuf_set(err, errsz, "cannot write %s: %s", path,
		    strerror(errno));
	else if ((size_t)n != len)
		errbuf_set(err, errsz, "cannot write %s: short write", path);
	else if (fsync(fd) == -1)
		errbuf_set(err, errsz, "cannot fsync %s: %s", path,
		    strerror(errno));
	else if (created && fileio_sync_folder(path) == -1)
		errbuf_set(err, errsz, "cannot fsync the folder of %s: %s",
		    path, strerror(errno));
	else
		rc = 0;
	close(fd);
	free(line);
	return rc;
}

/* Every whole record of the open file f, to each(). */
static int
read_records(FILE *f, const char *path, journal_fn each, void *arg,
    char *err, size_t errsz)
{
	struct journal_answer a;
	char	*line = NULL;
	size_t	 size = 0;
	ssize_t	 n;
	int	 count = 0, rc = 0;

	while ((n = getline(&line, &size, f)) != -1) {
		/* Without its newline a record is torn. */
		if (n == 0 || line[n - 1] != '\n' ||
		    journal_parse(line, (size_t)n - 1, &a) == -1)
			continue;
		count++;
		if ((rc = each(arg, &a)) == -1) {
			errbuf_set(err, errsz, "%s: stopped at record %d", path,
			    count);
			break;
		}
	}
	if (rc != -1 && ferror(f)) {
		errbuf_set(err, errsz, "cannot read %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
	free(line);
	return rc == -1 ? -1 : count;
}

/* A FILE reading fd, which stays open (and locked) after fclose(). */
static FILE *
reader(int fd)
{
	FILE	*f;
	int	 dupfd;

	if ((dupfd = dup(fd)) == -1)
		return NULL;
	if ((f = fdopen(dupfd, "r")) == NULL)
		close(dupfd);
	return f;
}

int
journal_read(const char *path, journal_fn each, void *arg, char *err,
    size_t errsz)
{
	FILE	*f;
	int	 fd, rc;

	if ((fd = open_locked(path, O_RDONLY, LOCK_SH)) == -1) {
		if (errno == ENOENT)
			return 0;
		errbuf_set(err, errsz, "cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if ((f = reader(fd)) == NULL) {
		errbuf_set(err, errsz, "cannot read %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	rc = read_records(f, path, each, arg, err, errsz);
	fclose(f);
	close(fd);
	return rc;
}

/* What journal_rewrite() hands to read_records(). */
struct rewrite {
	journal_fn	 keep;
	void		*arg;
	FILE		*out;
	int		 kept;
	int		 failed;	/* cannot write out */
};

static int
rewrite_one(void *arg, const struct journal_answer *a)
{
	struct rewrite	*rw = arg;
	char		*line;
	size_t		 len;
	int		 k;

	if ((k = rw->keep(rw->arg, a)) != 1)
		return k;
	if ((line = journal_format(a, &len)) == NULL ||
	    fwrite(line, 1, len, rw->out) != len) {
		free(line);
		rw->failed = 1;
		return -1;
	}
	free(line);
	rw->kept++;
	return 0;
}

int
journal_rewrite(const char *path, journal_fn keep, void *arg, char *err,
    size_t errsz)
{
	struct rewrite	 rw = { keep, arg, NULL, 0, 0 };
	FILE		*in = NULL;
	char		*tmp = NULL;
	int		 fd, tfd = -1, rc = -1;

	if ((fd = open_locked(path, O_RDONLY | O_CREAT, LOCK_EX)) == -1) {
		errbuf_set(err, errsz, "cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		errbuf_set(err, errsz, "out of memory");
		goto out;
	}
	if ((tfd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		errbuf_set(err, errsz, "cannot create %s: %s", tmp,
		    strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if ((in = reader(fd)) == NULL || (rw.out = fdopen(tfd, "w")) == NULL) {
		errbuf_set(err, errsz, "cannot read %s: %s", path,
		    strerror(errno));
		goto out;
	}
	tfd = -1;	/* rw.out owns it now */
	if (read_records(in, path, rewrite_one, &rw, err, errsz) == -1) {
		if (rw.failed)
			errbuf_set(err, errsz, "cannot write %s: %s", tmp,
			    strerror(errno));
		goto out;
	}
	if (fflush(rw.out) == EOF || fsync(fileno(rw.out)) == -1) {
		errbuf_set(err, errsz, "cannot write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (rename(tmp, path) == -1) {
		errbuf_set(err, errsz, "cannot rename %s to %s: %s", tmp, path,
		    strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (fileio_sync_folder(path) == -1) {
		errbuf_set(err, errsz, "cannot fsync the folder of %s: %s",
		    path, strerror(errno));
		goto out;
	}
	rc = rw.kept;
out:
	if (in != NULL)
		fclose(in);
	if (rw.out != NULL)
		fclose(rw.out);
	if (tfd != -1)
		close(tfd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	/* Closing the journal drops the lock: only after the rename. */
	close(fd);
	return rc;
}
