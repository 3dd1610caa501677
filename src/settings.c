/* settings.c: the settings page's values over the configuration file's,
 * their history, and the per-process copy that follows them (settings.h). */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "audit.h"
#include "config.h"
#include "log.h"
#include "settings.h"
#include "store.h"
#include "store/settings.h"

/*
 * Both lists are read into arrays of their own (the store lends a row's
 * strings only during its callback); one growing array serves both.
 */
struct rows {
	void	*v;
	size_t	 n, cap, size;
	int	 nomem;
};

/* Room for one more element (zeroed), or NULL (nomem set). */
static void *
rows_add(struct rows *l)
{
	void	*nv;

	if (l->n == l->cap) {
		if ((nv = reallocarray(l->v, l->cap ? l->cap * 2 : 16,
		    l->size)) == NULL) {
			l->nomem = 1;
			return NULL;
		}
		l->v = nv;
		l->cap = l->cap ? l->cap * 2 : 16;
	}
	return memset((char *)l->v + l->n++ * l->size, 0, l->size);
}

/* A copy of s (NULL stays NULL); nomem set when out of memory. */
static char *
rows_dup(struct rows *l, const char *s)
{
	char	*d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		l->nomem = 1;
	return d;
}

static int
override_add(void *arg, const struct settings_row *row)
{
	struct rows		*l = arg;
	struct setting_override	*o;

	if ((o = rows_add(l)) == NULL)
		return -1;
	o->key = rows_dup(l, row->key);
	o->value = rows_dup(l, row->value);
	o->changed_by = rows_dup(l, row->changed_by);
	o->changed_at = row->changed_at;
	return l->nomem ? -1 : 0;
}

int
settings_overrides(struct db *db, struct setting_override **out, size_t *n)
{
	struct rows	 l = { NULL, 0, 0, sizeof(**out), 0 };

	*out = NULL;
	*n = 0;
	if (store_settings_all(db, override_add, &l) == -1) {
		settings_overrides_free(l.v, l.n);
		return -1;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

void
settings_overrides_free(struct setting_override *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
		free(v[i].changed_by);
	}
	free(v);
}

const struct setting_override *
settings_override_of(const struct setting_override *v, size_t n,
    const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

static int
change_add(void *arg, const struct settings_change_row *row)
{
	struct rows		*l = arg;
	struct setting_change	*c;

	if ((c = rows_add(l)) == NULL)
		return -1;
	c->id = row->id;
	c->key = rows_dup(l, row->key);
	c->change = rows_dup(l, row->change);
	c->old_value = rows_dup(l, row->old_value);
	c->new_value = rows_dup(l, row->new_value);
	c->changed_by = rows_dup(l, row->changed_by);
	c->changed_at = row->changed_at;
	return l->nomem ? -1 : 0;
}

int
settings_history(struct db *db, int limit, struct setting_change **out,
    size_t *n)
{
	struct rows	 l = { NULL, 0, 0, sizeof(**out), 0 };

	*out = NULL;
	*n = 0;
	if (store_settings_history(db, limit, change_add, &l) == -1) {
		settings_history_free(l.v, l.n);
		return -1;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

void
settings_history_free(struct setting_change *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].change);
		free(v[i].old_value);
		free(v[i].new_value);
		free(v[i].changed_by);
	}
	free(v);
}

/* The number of changes made on the page so far, or -1. */
static int64_t
settings_version(struct db *db)
{
	int64_t	 v;

	return store_settings_version(db, &v) == 0 ? v : -1;
}

/* base with every override applied, into *out: 0, or -1 (logged; *out
 * then owns nothing). An override the file's checks now refuse (the file
 * changed under it) is left out rather than taking the rest down. */
static int
apply_overrides(struct db *db, const struct config *base, struct config *out)
{
	struct setting_override	*v;
	struct config_problem	 pb;
	size_t			 n, i;

	if (settings_overrides(db, &v, &n) == -1) {
		log_err("settings: cannot read the page's settings");
		return -1;
	}
	if (config_dup(out, base) == -1) {
		log_err("settings: out of memory");
		settings_overrides_free(v, n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!config_key_page(v[i].key)) {
			log_warn("settings: %s is not a key of the settings "
			    "page: ignored", v[i].key);
			continue;
		}
		if (config_set(out, v[i].key, v[i].value, &pb) == -1)
			log_warn("settings: the stored value of %s is refused "
			    "(%s): the file's value stays", v[i].key,
			    config_key_secret(v[i].key) ? "a secret" : pb.en);
	}
	settings_overrides_free(v, n);
	if (config_check(out, &pb) == -1) {
		log_err("settings: the page's settings do not fit the file's: "
		    "%s", pb.en);
		config_free(out);
		return -1;
	}
	return 0;
}

void
settings_live_init(struct settings_live *l, const struct config *base)
{
	memset(l, 0, sizeof(*l));
	l->base = base;
	l->version = -1;
}

/* The live settings a request has yet to settle, and whether this process
 * settles them (a server worker, after its first request). */
static struct settings_live *pending;
static int settling;

/* The file's settings in force: a copy in l->work when this process
 * settles (a pointer to it is handed out before the version is known),
 * else none. 0, or -1 out of memory. */
static int
live_base(struct settings_live *l)
{
	struct config	 copy;

	if (!settling) {
		if (l->have_work)
			config_free(&l->work);
		l->have_work = 0;
		return 0;
	}
	if (config_dup(&copy, l->base) == -1) {
		log_err("settings: out of memory");
		return -1;
	}
	if (l->have_work)
		config_free(&l->work);
	l->work = copy;		/* in place: l->work's address stays */
	l->have_work = 1;
	return 0;
}

/* The settings at version v (-1: unknown, kept as they are) into l. */
static const struct config *
live_load(struct settings_live *l, struct db *db, int64_t v)
{
	struct config	 fresh;

	if (v == -1 || v == l->version)
		return l->have_work ? &l->work : l->base;
	if (v == 0) {
		/* Nothing was ever changed on the page: the file's. */
		if (live_base(l) == -1)
			return l->have_work ? &l->work : l->base;
	} else if (apply_overrides(db, l->base, &fresh) == 0) {
		if (l->have_work)
			config_free(&l->work);
		l->work = fresh;
		l->have_work = 1;
		if (l->version != -1)
			log_info("settings: version %lld in force",
			    (long long)v);
	}
	/* A failed load is not retried until the next change: it would fail
	 * the same way on every request. */
	l->version = v;
	return l->have_work ? &l->work : l->base;
}

const struct config *
settings_live_refresh(struct settings_live *l, struct db *db)
{
	/* The version comes with the request's session, in its round trip:
	 * the settings are brought up to it in place (settings_live_settle).
	 * The first look of all is made here. */
	if (settling && l->version != -1 &&
	    (l->have_work || live_base(l) == 0)) {
		pending = l;
		return &l->work;
	}
	return live_load(l, db, settings_version(db));
}

void
settings_live_settle(struct db *db, int64_t version)
{
	struct settings_live *l = pending;

	settling = 1;
	pending = NULL;
	if (l != NULL)
		(void)live_load(l, db, version != -1 ? version :
		    settings_version(db));
}

void
settings_live_free(struct settings_live *l)
{
	if (pending == l)
		pending = NULL;
	if (l->have_work)
		config_free(&l->work);
	l->have_work = 0;
}

int
settings_check(const struct config *cur, struct setting_edit *e, size_t n,
    struct config *next)
{
	struct config_problem	 pb;
	size_t			 i;
	int			 bad = 0;

	if (config_dup(next, cur) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		e[i].bad = 0;
		memset(&e[i].problem, 0, sizeof(e[i].problem));
		if (config_key_secret(e[i].key)) {
			/* Blanks alone would be trimmed to "": they keep the
			 * secret, as an empty field does; 清除 empties it. */
			if (e[i].clear) {
				if (config_set(next, e[i].key, "",
				    &e[i].problem) == -1)
					e[i].bad = 1;
			} else if (e[i].value != NULL &&
			    e[i].value[strspn(e[i].value, " \t")] != '\0' &&
			    config_set(next, e[i].key, e[i].value,
			    &e[i].problem) == -1)
				e[i].bad = 1;
		} else if (config_set(next, e[i].key,
		    e[i].value != NULL ? e[i].value : "", &e[i].problem) == -1)
			e[i].bad = 1;
		bad += e[i].bad;
	}
	if (bad == 0 && config_check(next, &pb) == -1) {
		for (i = 0; i < n; i++)
			if (pb.key != NULL && strcmp(e[i].key, pb.key) == 0) {
				e[i].bad = 1;
				e[i].problem = pb;
				bad++;
			}
		if (bad == 0) {	/* a rule on a key not on the form */
			e[0].bad = 1;
			e[0].problem = pb;
			bad = 1;
		}
	}
	if (bad > 0)
		config_free(next);
	return bad;
}

/* value as it would be written in the file, so that config_set() reads
 * back the very same text: quoted when trimming or unquoting would change
 * it. malloc()ed or NULL. */
static char *
file_form(const char *v)
{
	size_t	 len = strlen(v);
	char	*out = NULL;

	if (len > 0 && (v[0] == '"' || strchr(" \t\r\n\v\f", v[0]) != NULL ||
	    strchr(" \t\r\n\v\f", v[len - 1]) != NULL)) {
		if (asprintf(&out, "\"%s\"", v) < 0)
			out = NULL;
		return out;
	}
	return strdup(v);
}

/* Store one key's change inside the open transaction; add it to d. */
static int
store_change(struct db *db, const struct audit_actor *who, const char *key,
    const char *old, const char *new, int64_t now, cJSON *d)
{
	struct settings_change_row c;
	const char	*change = "changed";
	char		*stored;
	cJSON		*o;
	int		 secret = config_key_secret(key), rc;

	if (secret)
		change = old[0] == '\0' ? "set" : new[0] == '\0' ? "cleared" :
		    "replaced";
	if ((stored = file_form(new)) == NULL)
		return -1;
	rc = store_settings_put(db, &(struct settings_row){ key, stored,
	    who->name, now }, who->user_id);
	free(stored);
	c = (struct settings_change_row){ 0, key, change, secret ? NULL : old,
	    secret ? NULL : new, who->name, who->user_id, now };
	if (rc == -1 || store_settings_history_add(db, &c) == -1)
		return -1;
	if (secret)
		return cJSON_AddStringToObject(d, key, change) != NULL ? 0 : -1;
	if ((o = cJSON_AddObjectToObject(d, key)) == NULL ||
	    cJSON_AddStringToObject(o, "old", old) == NULL ||
	    cJSON_AddStringToObject(o, "new", new) == NULL)
		return -1;
	return 0;
}

enum settings_result
settings_save(struct db *db, const struct audit_actor *who,
    const struct config *cur, const struct config *next, int *changed)
{
	enum settings_result	 rc = SETTINGS_ERROR;
	const char		*key;
	char			*old = NULL, *new = NULL;
	cJSON			*d;
	int64_t			 now = (int64_t)time(NULL);
	size_t			 i;
	int			 n = 0;

	if (changed != NULL)
		*changed = 0;
	if ((d = cJSON_CreateObject()) == NULL)
		return SETTINGS_ERROR;
	if (db_begin(db) == -1)
		goto out;
	for (i = 0; (key = config_page_key(i)) != NULL; i++) {
		old = config_get(cur, key);
		new = config_get(next, key);
		if (old == NULL || new == NULL)
			goto out;
		if (strcmp(old, new) != 0) {
			if (store_change(db, who, key, old, new, now, d) == -1)
				goto out;
			n++;
		}
		free(old);
		free(new);
		old = new = NULL;
	}
	if (n == 0) {
		rc = SETTINGS_UNCHANGED;
		goto out;
	}
	if (audit_append(db, who, "settings.changed", "settings", d) == -1 ||
	    db_commit(db) == -1)
		goto out;
	if (changed != NULL)
		*changed = n;
	rc = SETTINGS_OK;
out:
	db_rollback(db);
	free(old);
	free(new);
	cJSON_Delete(d);
	return rc;
}
