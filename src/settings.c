/* settings.c: the settings page's values over the configuration file's,
 * their history, and the per-process copy that follows them (settings.h). */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "settings.h"

static char *
col_dup(sqlite3_stmt *st, int col)
{
	return strdup(db_col_text(st, col));
}

/* NULL for SQL NULL, else a copy; *ok is cleared when out of memory. */
static char *
col_dup_null(sqlite3_stmt *st, int col, int *ok)
{
	char	*s;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return NULL;
	if ((s = strdup(db_col_text(st, col))) == NULL)
		*ok = 0;
	return s;
}

int
settings_overrides(struct db *db, struct setting_override **out, size_t *n)
{
	sqlite3_stmt		*st = db_stmt(db, STMT_SETTINGS_ALL);
	struct setting_override	*v = NULL, *nv, *o;
	size_t			 cap = 0;
	int			 rc = SQLITE_ERROR;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			v = nv;
		}
		o = &v[(*n)++];
		o->key = col_dup(st, 0);
		o->value = col_dup(st, 1);
		o->changed_by = col_dup(st, 2);
		o->changed_at = sqlite3_column_int64(st, 3);
		if (o->key == NULL || o->value == NULL ||
		    o->changed_by == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	db_reset(st);
	if (rc != SQLITE_DONE) {
		settings_overrides_free(v, *n);
		*n = 0;
		return -1;
	}
	*out = v;
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

int
settings_history(struct db *db, int limit, struct setting_change **out,
    size_t *n)
{
	sqlite3_stmt		*st = db_stmt(db, STMT_SETTINGS_HISTORY);
	struct setting_change	*v = NULL, *nv, *c;
	size_t			 cap = 0;
	int			 rc = SQLITE_ERROR, ok = 1;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				rc = SQLITE_NOMEM;
				break;
			}
			v = nv;
		}
		c = &v[(*n)++];
		c->id = sqlite3_column_int64(st, 0);
		c->key = col_dup(st, 1);
		c->change = col_dup(st, 2);
		c->old_value = col_dup_null(st, 3, &ok);
		c->new_value = col_dup_null(st, 4, &ok);
		c->changed_by = col_dup(st, 5);
		c->changed_at = sqlite3_column_int64(st, 6);
		if (!ok || c->key == NULL || c->change == NULL ||
		    c->changed_by == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	db_reset(st);
	if (rc != SQLITE_DONE) {
		settings_history_free(v, *n);
		*n = 0;
		return -1;
	}
	*out = v;
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
	sqlite3_stmt	*st = db_stmt(db, STMT_SETTINGS_VERSION);
	int64_t		 v = -1;

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	db_reset(st);
	return v;
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

const struct config *
settings_live_refresh(struct settings_live *l, struct db *db)
{
	struct config	 fresh;
	int64_t		 v = settings_version(db);

	if (v == -1 || v == l->version)
		return l->have_work ? &l->work : l->base;
	if (v == 0) {
		/* Nothing was ever changed on the page: the file's. */
		if (l->have_work)
			config_free(&l->work);
		l->have_work = 0;
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

void
settings_live_free(struct settings_live *l)
{
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
	sqlite3_stmt	*st;
	const char	*change = "changed";
	char		*stored;
	cJSON		*o;
	int		 secret = config_key_secret(key), rc;

	if (secret)
		change = old[0] == '\0' ? "set" : new[0] == '\0' ? "cleared" :
		    "replaced";
	if ((stored = file_form(new)) == NULL ||
	    (st = db_stmt(db, STMT_SETTINGS_PUT)) == NULL) {
		free(stored);
		return -1;
	}
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, stored);
	db_bind_text(st, 3, who->name);
	db_bind_int(st, 4, who->user_id);
	db_bind_int(st, 5, now);
	rc = db_exec_stmt(st);
	free(stored);
	if (rc != SQLITE_DONE ||
	    (st = db_stmt(db, STMT_SETTINGS_HISTORY_ADD)) == NULL)
		return -1;
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, change);
	db_bind_text(st, 3, secret ? NULL : old);
	db_bind_text(st, 4, secret ? NULL : new);
	db_bind_text(st, 5, who->name);
	db_bind_int(st, 6, who->user_id);
	db_bind_int(st, 7, now);
	if (db_exec_stmt(st) != SQLITE_DONE)
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
