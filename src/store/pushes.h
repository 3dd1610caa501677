/* store/pushes.h: the vendor's pushes as stored: the readable ones (with
 * the batch they are linked to, if any) and the rejected ones. */
#ifndef DIALDESK_STORE_PUSHES_H
#define DIALDESK_STORE_PUSHES_H

#include "store.h"

/* Where a push stands. Stored in pushes.linked_by (unmatched, automatic)
 * or as the name of the administrator who linked it (manual); rejected
 * pushes live in a table of their own. */
enum push_state {
	PUSH_UNMATCHED,		/* no batch has its vendor task id yet */
	PUSH_LINKED_AUTO,	/* linked by its vendor task id */
	PUSH_LINKED_MANUAL,	/* linked by an administrator */
	PUSH_REJECTED,		/* unreadable, kept as it came */
	PUSH_STATE__MAX
};

struct push_state_def {
	enum push_state	 state;
	const char	*stored;	/* linked_by; NULL: a user's name */
	const char	*label;		/* 未关联 */
	const char	*css;		/* "unmatched" */
};
extern const struct push_state_def push_states[PUSH_STATE__MAX];

/* The state of a stored push from its batch (0 for none) and linked_by. */
enum push_state push_state_of(int64_t batch_id, const char *linked_by);

/* The figures of a push, in the order of push_figures[] (push.h). */
#define STORE_PUSH_FIGURES	13
/* A readable push to store, every field given by the caller. */
struct push_new {
	int64_t		 received;	/* unix seconds */
	const char	*addr;
	const char	*content_type;
	const char	*body;		/* kept whole, len bytes */
	size_t		 len;
	const char	*body_sha256;	/* hex: the same body is stored once */
	const char	*sn;
	const char	*vendor_task_id;	/* its batch is looked up */
	int		 ok;		/* 1: figures; 0: reason */
	const char	*reason;
	int64_t		 fig[STORE_PUSH_FIGURES];
	const char	*extra;		/* JSON object text */
};

/* What became of each push stored by store_pushes_insert(). */
struct push_stored {
	int64_t		 id;		/* 0: the same body was stored before */
	int64_t		 batch_id;	/* 0: no batch has its vendor task id */
};
/* Inside the caller's transaction, store n pushes, each linked to the
 * batch that has its vendor task id (looked up by its INSERT, after the
 * link lock); a body stored before is not written again (out[i].id 0,
 * out[i].batch_id still the batch). On PostgreSQL the n INSERTs go in one
 * round trip. 0, or -1 on an error (logged). */
int	store_pushes_insert(struct db *, const struct push_new *, size_t n,
	    struct push_stored *out);

/* Keep an unreadable push (the caller cuts the body short). 0 with *id
 * set, or -1. */
struct push_rejected_new {
	int64_t		 received;
	const char	*addr;
	const char	*content_type;
	long long	 declared;	/* Content-Length as sent, -1 none */
	const void	*body;
	size_t		 len;
	const char	*reason;
};
int	store_push_reject(struct db *, const struct push_rejected_new *,
	    int64_t *id);

/* Link every unmatched push of a vendor task to its batch. Returns how
 * many, -1 on an error. */
int	store_push_link_auto(struct db *, int64_t batch_id,
	    const char *vendor_task_id);
/* An administrator (by name) links an unmatched push to a batch: 0 done,
 * 1 no such unmatched push, -1 on an error. */
int	store_push_link_manual(struct db *, int64_t push_id, int64_t batch_id,
	    const char *user_name);

/* An unmatched push as listed (strings borrowed during the callback). */
struct push_row {
	int64_t		 id;
	int64_t		 received;
	const char	*addr;
	const char	*sn;
	enum push_state	 state;
	int		 ok;
	const char	*reason;
	int64_t		 total, success;
};
/* A page of the unmatched pushes, by key: newer 0, those older than key
 * (0: from the newest), newest first; newer 1, those newer than key,
 * oldest first; at most limit. cb returns 0 to go on, anything else to
 * stop. 0 or -1. */
int	store_pushes_unmatched(struct db *, int64_t key, int newer,
	    int64_t limit,
	    int (*cb)(void *, const struct push_row *), void *arg);

/* A rejected push as listed: the first 2,000 bytes of its body. */
struct push_rejected_row {
	int64_t		 id;
	int64_t		 received;
	const char	*addr;
	const char	*content_type;
	int64_t		 length;	/* as declared */
	const void	*body;
	size_t		 len;
	const char	*reason;
};
/* The rejected pushes older than key (0: from the newest), newest
 * first, at most limit; cb as above. */
int	store_pushes_rejected(struct db *, int64_t key, int64_t limit,
	    int (*cb)(void *, const struct push_rejected_row *), void *arg);

#endif
