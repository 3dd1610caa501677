/* access.h: object-level access (ASVS V8.2.2). Which kind of object the
 * id of a route names, who may read it and who may act on it, and the
 * owner lookup the router makes before any handler runs. The rule itself
 * is one table in access.c. */
#ifndef DIALDESK_ACCESS_H
#define DIALDESK_ACCESS_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* What the "#" of a route is the id of. */
enum object {
	OBJ_NONE,	/* the route takes no id */
	OBJ_TASK,
	OBJ_BATCH,	/* owned by the owner of its task */
	OBJ_IMPORT,	/* an uploaded list: the preview, its error report */
	OBJ_PUSH,	/* the vendor's, no owner */
	OBJ_USER,	/* an account: its own owner */
	OBJ_DNC,	/* an entry of the do-not-call list, no owner */
	OBJ__MAX
};

/* What a request does to its object. */
enum need {
	NEED_NONE,	/* no object */
	NEED_READ,	/* shows it */
	NEED_ACT,	/* changes it, or sends it on */
};

/* "task", ... ("-" for OBJ_NONE); "read", "act" ("-"). */
const char	*access_object_name(enum object);
const char	*access_need_name(enum need);
/* The Chinese page text for a missing object ("任务不存在") and for a
 * refusal of that need. */
const char	*access_missing_zh(enum object);
const char	*access_denied_zh(enum object, enum need);

/* Load the owner (a user id; 0 for kinds without one) of object obj
 * number id. *exists is 0 when there is no such object (an import still
 * loading counts as none). Returns 0, or -1 on a database error
 * (logged). */
int	access_owner(struct db *, enum object obj, int64_t id,
	    int64_t *owner, int *exists);

/* May a session of role (enum role) and user id uid do need to an object
 * of kind obj owned by owner? Acting implies reading. */
int	access_allowed(enum object obj, enum need need, unsigned role,
	    int64_t uid, int64_t owner);

/* Who of roles may do need to obj, for `dialdesk routes`:
 * "admin,auditor,operator(owner)", "nobody", or "-" without an object.
 * Returns buf. */
char	*access_rule_text(enum object obj, enum need need, unsigned roles,
	    char *buf, size_t bufsz);

#endif
