/* store/access.h: who owns an object, for the router's object-level
 * access check (access.h holds the rule). */
#ifndef DIALDESK_STORE_ACCESS_H
#define DIALDESK_STORE_ACCESS_H

/* src/access.h (enum object), not this file, which a plain "access.h"
 * would name from here. */
#include "../access.h"
#include "store.h"

/* The owner of object obj number id: a user id, 0 for kinds that have
 * none (pushes, do-not-call entries) and for a task of nobody. Returns 0
 * with *owner, 1 when there is no such object (an import still loading
 * counts as none; *owner 0), -1 on an error or an unknown kind (logged).
 * A batch is owned by the owner of its task, an account by itself. */
int	store_owner(struct db *, enum object obj, int64_t id, int64_t *owner);

#endif
