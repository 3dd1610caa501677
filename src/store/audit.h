/* store/audit.h: the rows of the audit log (audit.c keeps the chain). */
#ifndef DIALDESK_STORE_AUDIT_H
#define DIALDESK_STORE_AUDIT_H

#include "store.h"

/* One entry as stored. Strings are borrowed (valid until the next row or
 * the cursor's close, or during the callback); "" for none. actor_id is 0
 * for the vendor or dialdesk itself. A page row has no actor_id and no
 * prev_hash (0 and ""). */
struct audit_row {
	int64_t		 id;
	const char	*ts;
	int64_t		 actor_id;
	const char	*actor, *addr, *user_agent, *action, *object;
	const char	*details, *prev_hash, *hash;
};

/* The newest entry's id and hash: 1 found, 0 the log is empty, -1. */
int	store_audit_last(struct db *, int64_t *id, char hash[65]);
/* Append e as it is (id and hash computed by the caller); actor_id 0 is
 * stored as none. 0 or -1 (logged). */
int	store_audit_insert(struct db *, const struct audit_row *e);
/* Every entry, oldest first, or only the newest (head): read each with
 * store_audit_next(), then store_cursor_close(). NULL on error. */
struct store_cursor *store_audit_all(struct db *);
struct store_cursor *store_audit_head(struct db *);
/* 1 with the next entry, 0 at the end, -1 on an error (logged). */
int	store_audit_next(struct store_cursor *, struct audit_row *);
/* The newest id (0 when empty): 0 or -1. */
int	store_audit_max_id(struct db *, int64_t *id);
/* The number of entries and the newest id: 0 or -1. */
int	store_audit_size(struct db *, int64_t *count, int64_t *last);
/* The hash (and, when ts is not NULL, the time) of entry id: 1 found,
 * 0 no such entry, -1 error. */
int	store_audit_hash_at(struct db *, int64_t id, char hash[65],
	    char ts[32]);
/* The id of the first entry with that action: 1 found, 0 none, -1. */
int	store_audit_marker(struct db *, const char *action, int64_t *id);

/* What a page of the log shows: NULL or "" matches everything; from and
 * to are audit times (audit_now's form), from included, to excluded. */
struct audit_filter {
	const char	*actor;
	const char	*action;
	const char	*from;
	const char	*to;
};
/* A page of the entries matching f, by key: newer 0, those older than
 * key (0: from the newest), newest first; newer 1, those newer than key,
 * oldest first. At most limit: cb is called with each (strings borrowed)
 * and stops the walk by returning non-zero. 0, or -1 on an error (logged)
 * or when cb stopped it. */
int	store_audit_page(struct db *, const struct audit_filter *f,
	    int64_t key, int newer, int64_t limit,
	    int (*cb)(void *arg, const struct audit_row *), void *arg);
/* Page N of the whole log, newest first: the entries below the newest
 * but skip, at most limit, through cb as store_audit_page's; one
 * statement, the newest id read in it. 0 or -1. */
int	store_audit_page_nth(struct db *, int64_t skip, int64_t limit,
	    int (*cb)(void *arg, const struct audit_row *), void *arg);

#endif
