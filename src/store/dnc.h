/* store/dnc.h: the rows of the do-not-call list, of the numbers sent and
 * of an import's duplicate rule (dnc.c gives them meaning). Numbers are
 * never stored: only their keyed hashes (DNC_HASH_BYTES) and masked
 * forms. */
#ifndef DIALDESK_STORE_DNC_H
#define DIALDESK_STORE_DNC_H

#include "phone.h"
#include "store.h"

#define DNC_HASH_BYTES	32

/* One entry of the list, as shown: the strings are the struct's own. */
struct dnc_entry {
	int64_t	 id, added_at;
	char	 masked[PHONE_MASK_SIZE];
	char	 expires[11];		/* "" for none */
	char	 reason[808];
	char	 added_by[40];
};

/* Is the hash on the list with an entry that applies on today
 * ("YYYY-MM-DD")? 1 yes, 0 no, -1 error. */
int	store_dnc_listed(struct db *, const unsigned char h[DNC_HASH_BYTES],
	    const char *today);
/* Was the hash sent since the time, by user_id (0: by anyone)? 1, 0, -1. */
int	store_dnc_sent_recently(struct db *,
	    const unsigned char h[DNC_HASH_BYTES], int64_t since,
	    int64_t user_id);
/* 1 when the list has an entry, 0 when it is empty, -1 error. */
int	store_dnc_any(struct db *);
/* Was anything sent since the time? 1, 0, -1. */
int	store_dnc_sent_any(struct db *, int64_t since);

/* Add an entry (reason "" for none, expires NULL for none): 1 added with
 * *id (id may be NULL), 0 the hash is listed already, -1 error. */
int	store_dnc_insert(struct db *, const unsigned char h[DNC_HASH_BYTES],
	    const char *masked, const char *reason, const char *expires,
	    int64_t added_by, int64_t added_at, int64_t *id);
/* Remove entry id: 1 removed (its masked form in masked[masksz]), 0 no
 * such entry, -1 error. */
int	store_dnc_delete(struct db *, int64_t id, char *masked,
	    size_t masksz);
/* The entry of a hash, or entry id: 1 found (*e filled), 0 not, -1. */
int	store_dnc_by_hash(struct db *, const unsigned char h[DNC_HASH_BYTES],
	    struct dnc_entry *e);
int	store_dnc_by_id(struct db *, int64_t id, struct dnc_entry *e);
/* Entries with ids below before, newest first, at most limit (-1: all):
 * cb is called with each and stops the walk by returning non-zero. 0, or
 * -1 on an error (logged) or when cb stopped it. */
int	store_dnc_page(struct db *, int64_t before, int64_t limit,
	    int (*cb)(void *arg, const struct dnc_entry *), void *arg);
/* The same for ids above after, oldest first. */
int	store_dnc_page_newer(struct db *, int64_t after, int64_t limit,
	    int (*cb)(void *arg, const struct dnc_entry *), void *arg);
/* The number of entries: 0 or -1. */
int	store_dnc_count(struct db *, int64_t *n);

/* Record that the hash was sent by user_id at the time (once): 0, -1. */
int	store_dnc_sent_insert(struct db *,
	    const unsigned char h[DNC_HASH_BYTES], int64_t user_id,
	    int64_t sent_at);
/* Forget what was sent before the time: the rows removed, or -1. */
int64_t	store_dnc_sent_purge(struct db *, int64_t before);

/* An import's duplicate rule, its owner and its screening figures. */
struct dnc_rule_row {
	char	 scope[16];	/* dup_scope_name() */
	int	 days, keep;
	int64_t	 user_id;
	int64_t	 listed, recent;
};
/* 1 found (*r filled), 0 no such import, -1 error. */
int	store_dnc_rule_get(struct db *, int64_t import_id,
	    struct dnc_rule_row *r);
/* Store the rule of an import: 0 or -1. */
int	store_dnc_rule_set(struct db *, int64_t import_id, const char *scope,
	    int days, int keep);
/* Store the screening figures of an import: 0 or -1. */
int	store_dnc_counts_set(struct db *, int64_t import_id, int64_t listed,
	    int64_t recent);

#endif
