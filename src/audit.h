/* audit.h: the tamper-evident audit log. Each entry carries the hash of the
 * one before it; its own hash is SHA-256 over that and the entry's
 * canonical form, so that changing, removing or inserting an entry breaks
 * the chain where it happened. */
#ifndef DIALDESK_AUDIT_H
#define DIALDESK_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct db;

/* Who did it: a user (id > 0), or the vendor or dialdesk itself (id 0). */
struct audit_actor {
	int64_t		 user_id;
	const char	*name;
	const char	*addr;
	const char	*user_agent;
};

/* Append an entry. Must be called inside the transaction of the change it
 * records (db_begin ... db_commit), so that both land or neither does.
 * details may be NULL (stored as {}); it must never hold a password, token
 * or key. Returns 0 or -1. */
int	audit_append(struct db *, const struct audit_actor *,
	    const char *action, const char *object, const struct cJSON *details);

/* Same, opening and committing its own transaction: for events that
 * change nothing else (a refused request). */
int	audit_record(struct db *, const struct audit_actor *,
	    const char *action, const char *object, const struct cJSON *details);

/* Walk the whole chain. Returns 0 when intact (count and head filled),
 * 1 when broken (bad_id and why filled), -1 on a database error. */
int	audit_verify(struct db *, int64_t *count, char head[65],
	    int64_t *bad_id, char *why, size_t whysz);

/* The actions dialdesk records, with their Chinese labels, for the filter
 * list of the audit page. The table ends with a NULL action. */
struct audit_action {
	const char	*action;
	const char	*label;
};
extern const struct audit_action audit_actions[];
const char	*audit_action_label(const char *action);

/* Current UTC time in the audit format, 2026-11-21T12:00:00.123Z. */
void	audit_now(char out[32]);

#endif
