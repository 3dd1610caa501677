/* store/settings.c: the statements of the settings page's values and
 * history, and the typed functions over them. */
#include "autoconf.h"

#include "db.h"
#include "log.h"
#include "store/rows.h"
#include "store/settings.h"

STORE_SQL_TABLE(settings) = {
	/* changes on the settings page so far (STMT_SESSION_GET reads the
	 * same with a session: keep the two alike) */
	[STMT_SETTINGS_VERSION] =
	    "SELECT coalesce(max(id), 0) FROM settings_history",
	/* the page's values over the file's: SETTING_* columns */
	[STMT_SETTINGS_ALL] =
	    "SELECT key, value, changed_by, changed_at FROM settings ORDER BY key",
	/* (key, value, who, who id, now) */
	[STMT_SETTINGS_PUT] =
	    "INSERT INTO settings (key, value, changed_by, changed_by_id,"
	    " changed_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (key) DO UPDATE"
	    " SET value = ?2, changed_by = ?3, changed_by_id = ?4, changed_at = ?5",
	/* (key, change, old, new, who, who id, now): old and new are NULL for
	 * a secret */
	[STMT_SETTINGS_HISTORY_ADD] =
	    "INSERT INTO settings_history (key, change, old_value, new_value,"
	    " changed_by, changed_by_id, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	/* (limit): the latest first, SETTING_CHANGE_* columns */
	[STMT_SETTINGS_HISTORY] =
	    "SELECT id, key, change, old_value, new_value, changed_by, changed_at"
	    " FROM settings_history ORDER BY id DESC LIMIT ?",
};

enum { SETTING_KEY, SETTING_VALUE, SETTING_CHANGED_BY, SETTING_CHANGED_AT };
enum { SETTING_CHANGE_ID, SETTING_CHANGE_KEY, SETTING_CHANGE_CHANGE,
    SETTING_CHANGE_OLD, SETTING_CHANGE_NEW, SETTING_CHANGE_BY,
    SETTING_CHANGE_AT };

static int
settings_fill(void *row, const struct db_row *st)
{
	struct settings_row *s = row;

	s->key = db_col_text(st, SETTING_KEY);
	s->value = db_col_text(st, SETTING_VALUE);
	s->changed_by = db_col_text(st, SETTING_CHANGED_BY);
	s->changed_at = db_col_int(st, SETTING_CHANGED_AT);
	return 0;
}

/* Column text, NULL for SQL NULL (a secret's values). */
static const char *
col_text_null(const struct db_row *st, int col)
{
	return db_col_is_null(st, col) ? NULL :
	    db_col_text(st, col);
}

static int
settings_change_fill(void *row, const struct db_row *st)
{
	struct settings_change_row *c = row;

	c->id = db_col_int(st, SETTING_CHANGE_ID);
	c->key = db_col_text(st, SETTING_CHANGE_KEY);
	c->change = db_col_text(st, SETTING_CHANGE_CHANGE);
	c->old_value = col_text_null(st, SETTING_CHANGE_OLD);
	c->new_value = col_text_null(st, SETTING_CHANGE_NEW);
	c->changed_by = db_col_text(st, SETTING_CHANGE_BY);
	c->changed_by_id = 0;
	c->changed_at = db_col_int(st, SETTING_CHANGE_AT);
	return 0;
}

DB_ROW_WALK(settings, struct settings_row, settings_fill)
DB_ROW_WALK(settings_change, struct settings_change_row, settings_change_fill)

int
store_settings_version(struct db *db, int64_t *version)
{
	return db_one_int_params(db, STMT_SETTINGS_VERSION, version, NULL) ==
	    1 ? 0 : -1;
}

int
store_settings_all(struct db *db,
    int (*cb)(void *arg, const struct settings_row *), void *arg)
{
	return row_walk(db, STMT_SETTINGS_ALL, settings, cb, arg, NULL);
}

int
store_settings_put(struct db *db, const struct settings_row *s,
    int64_t changed_by_id)
{
	return db_run(db, STMT_SETTINGS_PUT, DB_TEXT(s->key), DB_TEXT(s->value),
	    DB_TEXT(s->changed_by), DB_INT(changed_by_id),
	    DB_INT(s->changed_at));
}

int
store_settings_history_add(struct db *db, const struct settings_change_row *c)
{
	return db_run(db, STMT_SETTINGS_HISTORY_ADD, DB_TEXT(c->key),
	    DB_TEXT(c->change), DB_TEXT(c->old_value), DB_TEXT(c->new_value),
	    DB_TEXT(c->changed_by), DB_INT(c->changed_by_id),
	    DB_INT(c->changed_at));
}

int
store_settings_history(struct db *db, int64_t limit,
    int (*cb)(void *arg, const struct settings_change_row *), void *arg)
{
	return row_walk(db, STMT_SETTINGS_HISTORY, settings_change, cb, arg,
	    DB_PARAMS(DB_INT(limit)));
}
