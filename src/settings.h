/* settings.h: the vendor settings an administrator changes on the settings
 * page, over the configuration file's values. The file's values stay the
 * base (each process reads them once at start); a change on the page is
 * stored in the database with its history and picked up by every process
 * at its next request or loop turn, without a restart. Which keys may be
 * changed, and how a value is checked, is config.c's (config.h). Secrets
 * are stored as the file holds them, but never returned for a page, a log
 * or an audit detail: only whether they are set and who changed them. */
#ifndef DIALDESK_SETTINGS_H
#define DIALDESK_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct audit_actor;
struct db;

/* A key whose value the page has changed: where a value comes from. */
struct setting_override {
	char		*key;
	char		*value;		/* a secret's too: never show it */
	char		*changed_by;
	int64_t		 changed_at;
};
/* Every override, by key: 0 with *v (free with settings_overrides_free)
 * and *n, or -1. */
int	settings_overrides(struct db *, struct setting_override **v, size_t *n);
void	settings_overrides_free(struct setting_override *, size_t n);
/* The override of key in v, or NULL. */
const struct setting_override *settings_override_of(
	    const struct setting_override *v, size_t n, const char *key);

/* One change of the history, as shown: a secret's values are NULL. */
struct setting_change {
	int64_t		 id;
	char		*key;
	char		*change;	/* changed, set, replaced, cleared */
	char		*old_value;	/* NULL for a secret */
	char		*new_value;	/* NULL for a secret */
	char		*changed_by;
	int64_t		 changed_at;
};
/* The latest limit changes, newest first: 0 or -1. */
int	settings_history(struct db *, int limit, struct setting_change **v,
	    size_t *n);
void	settings_history_free(struct setting_change *, size_t n);

/* The settings a process works with: base (the file's, borrowed, never
 * changed) with the overrides applied in a copy of its own, reloaded when
 * the version (the number of changes made) moves on. */
struct settings_live {
	const struct config	*base;
	struct config		 work;	/* owned when have_work */
	int			 have_work;
	int64_t			 version;	/* -1: not loaded yet */
};
void	settings_live_init(struct settings_live *, const struct config *base);
/* The settings in force now: a cheap look at the version, and a reload
 * when it changed. When the overrides cannot be read or applied (logged)
 * the settings of the last good load stay in force (the file's at
 * first). Never NULL; valid until the next call.
 * In a process that settles (one that called settings_live_settle(), a
 * server worker's router), the look waits for the settle instead: what
 * is returned is then brought up to date in place by it, which must come
 * before anything reads a key of the settings page. */
const struct config *settings_live_refresh(struct settings_live *,
	    struct db *);
/* The version a request read with its session (-1: none was read, it is
 * asked for here): the settings of the last refresh brought up to it.
 * Saves a round trip on every signed-in request. */
void	settings_live_settle(struct db *, int64_t version);
void	settings_live_free(struct settings_live *);

/* One field of the settings form. */
struct setting_edit {
	const char	*key;		/* config_page_key() */
	const char	*value;		/* the text typed; a secret: NULL,
					 * "" or blanks keep it */
	int		 clear;		/* a secret: set it to "" */
	int		 bad;		/* out: refused, see problem */
	struct config_problem problem;
};
/* Apply edits over cur (the settings in force) into *next, a copy of its
 * own, with the file's checks one key at a time, then across keys (the
 * problem is given to the edit of the key at fault). Returns 0 with *next
 * to be freed (config_free) by the caller, or the number of refused edits
 * (>0, each marked bad) with nothing in *next, or -1 (out of memory). */
int	settings_check(const struct config *cur, struct setting_edit *,
	    size_t n, struct config *next);

enum settings_result {
	SETTINGS_OK,
	SETTINGS_UNCHANGED,	/* nothing differs: nothing stored */
	SETTINGS_ERROR,		/* the database failed: nothing stored */
};
/* Store every page key whose value differs between cur and next: the
 * overrides, a history row each and one audit entry settings.changed with
 * {key: {old, new}} and, for a secret, {key: "set"|"replaced"|"cleared"};
 * all in one transaction. *changed (may be NULL) counts the keys. */
enum settings_result settings_save(struct db *, const struct audit_actor *,
	    const struct config *cur, const struct config *next, int *changed);

#endif
