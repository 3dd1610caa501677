/* page_callback.c: POST /callback/import?token=TOKEN — the vendor's
 * asynchronous import push. The vendor can only be given a URL, so the URL
 * carries the shared secret (nginx.conf.example says how it is kept out of
 * every log). Every acknowledged push is committed (with
 * synchronous=FULL) before the answer. Statuses, each with a small JSON
 * body: 200 {"code":0} stored (or stored before), 400 unreadable (kept as
 * a rejected push), 403 wrong token or address, 404 callback disabled,
 * 413 over callback_max_bytes (kept, cut short), 429 more than
 * callback_refusals_max refusals from the address this minute, 500. */
#include "autoconf.h"

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "committer.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "pages.h"
#include "push.h"

static void
answer(struct request *r, int status, int code, const char *message)
{
	char	 buf[256];

	snprintf(buf, sizeof(buf), "{\"code\":%d,\"message\":\"%s\"}\n", code,
	    message);
	http_open(r, status, "application/json; charset=utf-8");
	http_puts(r, buf);
}

/* Is v (n bytes) the token want? In constant time for a given length;
 * the lengths are not secret (tokens are at least 16 characters). */
static int
token_is(const char *v, size_t n, const char *want)
{
	size_t	 wn = strlen(want);

	return wn > 0 && n == wn && sodium_memcmp(v, want, n) == 0;
}

/* The token from the query string: callback_token, or during a rotation
 * callback_token_previous. Both are compared, whichever matches, so that
 * the time taken does not tell which one was close. */
static int
token_ok(const struct request *r)
{
	const char	*q = r->query, *v, *end;
	int		 now, before;

	for (v = q; v != NULL && *v != '\0'; v = end + (*end != '\0')) {
		end = v + strcspn(v, "&;");
		if (strncmp(v, "token=", 6) == 0) {
			v += 6;
			now = token_is(v, (size_t)(end - v),
			    r->cfg->callback_token);
			before = token_is(v, (size_t)(end - v),
			    r->cfg->callback_token_previous);
			return now | before;
		}
	}
	return 0;
}

/* Is the sender on the allow-list (when there is one)? Addresses are
 * compared in binary so that "::ffff:1.2.3.4" style spellings match. */
static int
address_ok(const struct request *r)
{
	const char	*list = r->cfg->callback_allow;

	return list[0] == '\0' || config_addr_listed(list, r->remote_addr);
}

void
page_callback(struct request *r)
{
	struct audit_actor who = { 0, "vendor", r->remote_addr, r->user_agent };
	struct push	 p;
	char		 why[256], *body = NULL;
	long long	 max = r->cfg->callback_max_bytes, got = 0;
	int64_t		 id;
	int		 n, rc, json, tok;

	if (r->cfg->callback_token[0] == '\0') {
		answer(r, 404, 404, "callback disabled");
		return;
	}
	if (!(tok = token_ok(r)) || !address_ok(r)) {
		/* Counted by the committer, written to the audit log once a
		 * minute per address; never the token that was tried. */
		rc = committer_refused(r->cfg, &who, tok);
		if (rc == -2)
			log_warn("callback: refused a push from %s (%s)",
			    r->remote_addr, tok ? "address" : "token");
		if (rc == 1) {
			http_header(r, "Retry-After", "60");
			answer(r, 429, 429, "too many refused pushes");
		} else
			answer(r, 403, 403, "forbidden");
		return;
	}
	json = push_ctype_is_json(r->content_type);
	if (!json && !push_ctype_is_form(r->content_type)) {
		(void)push_reject(r->db, &who, r->content_type,
		    r->content_length, "", 0, "unsupported content type");
		metrics_push(PUSH_REJECTED);
		answer(r, 400, 400, "unsupported content type");
		return;
	}
	if (r->content_length < 0 || r->content_length > max) {
		/* Keep the start of it, as a record of what was tried. */
		size_t keep = 4096;
		if ((body = malloc(keep)) != NULL)
			while ((size_t)got < keep && (n = r->io->read(
			    r->io->ctx, body + got, (int)(keep - got))) > 0)
				got += n;
		(void)push_reject(r->db, &who, r->content_type,
		    r->content_length, body, (size_t)got,
		    r->content_length < 0 ? "no length" : "body too large");
		free(body);
		metrics_push(PUSH_REJECTED);
		answer(r, r->content_length < 0 ? 411 : 413,
		    r->content_length < 0 ? 411 : 413,
		    r->content_length < 0 ? "length required" : "too large");
		return;
	}
	if ((body = malloc((size_t)r->content_length + 1)) == NULL) {
		answer(r, 500, 500, "internal error");
		return;
	}
	while (got < r->content_length && (n = r->io->read(r->io->ctx,
	    body + got, (int)(r->content_length - got))) > 0)
		got += n;
	body[got] = '\0';

	if (got < r->content_length)
		rc = (snprintf(why, sizeof(why), "body cut short"), -1);
	else if (json)
		rc = push_parse_json(body, (size_t)got, &p, why, sizeof(why));
	else
		rc = push_parse_form(body, (size_t)got, &p, why, sizeof(why));
	if (rc == -1) {
		log_warn("callback: unreadable push from %s: %s",
		    r->remote_addr, why);
		rc = push_reject(r->db, &who, r->content_type,
		    r->content_length, body, (size_t)got, why);
		free(body);
		metrics_push(PUSH_REJECTED);
		if (rc == -1)
			answer(r, 500, 500, "internal error");
		else
			answer(r, 400, 400, "unreadable push");
		return;
	}
	/* Read once: the committer, whose one fsync serves every push
	 * waiting, stores what was read here; so do we when there is none
	 * (CGI, or it is restarting). */
	rc = committer_submit(r->cfg, &who, r->content_type, body,
	    (size_t)got, &p);
	if (rc == -2)
		rc = push_store(r->db, &who, r->content_type, body,
		    (size_t)got, &p, &id);
	push_clear(&p);
	free(body);
	if (rc >= 0)
		metrics_push(rc == 1 ? PUSH_RECEIVED : PUSH_DUPLICATE);
	if (rc == -1)
		answer(r, 500, 500, "internal error");
	else
		answer(r, 200, 0, "ok");
}
