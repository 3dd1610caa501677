/* store/users.h: users, sessions and sign-in throttling. */
#ifndef DIALDESK_STORE_USERS_H
#define DIALDESK_STORE_USERS_H

#include "store.h"

/* Every user's id and name, by name: cb is called for each (name borrowed)
 * and stops the walk by returning non-zero. 0, or -1 on an error (logged)
 * or when cb stopped it. */
int	store_user_names(struct db *,
	    int (*cb)(void *arg, int64_t id, const char *name), void *arg);

/* End the sessions idle since before idle_before or made before
 * created_before: 0 or -1 (logged). */
int	store_session_purge(struct db *, int64_t idle_before,
	    int64_t created_before);

#endif
