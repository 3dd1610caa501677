/* store/settings.h: the settings page's stored values and their history
 * (settings.c gives them meaning). */
#ifndef DIALDESK_STORE_SETTINGS_H
#define DIALDESK_STORE_SETTINGS_H

#include "store.h"

/* A value stored by the settings page. Strings borrowed. */
struct settings_row {
	const char	*key;
	const char	*value;
	const char	*changed_by;
	int64_t		 changed_at;
};

/* One change of the history. Strings borrowed; old_value and new_value
 * are NULL for a secret. changed_by_id is written, not read back (0). */
struct settings_change_row {
	int64_t		 id;
	const char	*key;
	const char	*change;
	const char	*old_value;
	const char	*new_value;
	const char	*changed_by;
	int64_t		 changed_by_id;
	int64_t		 changed_at;
};

/* The number of changes made on the page so far: 0 or -1. */
int	store_settings_version(struct db *, int64_t *version);
/* Every stored value, by key: cb is called for each and stops the walk by
 * returning non-zero. 0, or -1 on an error (logged) or when cb stopped. */
int	store_settings_all(struct db *,
	    int (*cb)(void *arg, const struct settings_row *), void *arg);
/* Store value under key (replacing what was there): 0 or -1. */
int	store_settings_put(struct db *, const struct settings_row *,
	    int64_t changed_by_id);
/* Add c (its id is given by the store) to the history: 0 or -1. */
int	store_settings_history_add(struct db *,
	    const struct settings_change_row *c);
/* The latest limit changes, newest first, as store_settings_all(). */
int	store_settings_history(struct db *, int64_t limit,
	    int (*cb)(void *arg, const struct settings_change_row *),
	    void *arg);

#endif
