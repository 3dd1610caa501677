/* audit.h: the tamper-evident audit log. Each entry carries the hash of the
 * one before it; its own hash is an HMAC-SHA-256, under a key kept outside
 * the database (audit_key_file), over that and the entry's canonical form,
 * so that changing, removing or inserting an entry breaks the chain where
 * it happened and nobody without the key can recompute it. Signed
 * checkpoints of the chain's head, appended to a file outside the database
 * (audit_checkpoint_file), show a chain that was cut short or whose tail
 * was rewritten. Entries written before the key existed (up to the marker
 * entry audit.keyed) keep their plain SHA-256 hashes. */
#ifndef DIALDESK_AUDIT_H
#define DIALDESK_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct config;
struct db;

/* The schema version from which the chain must carry its marker. */
#define AUDIT_KEYED_SCHEMA	4

/* Who did it: a user (id > 0), or the vendor or dialdesk itself (id 0). */
struct audit_actor {
	int64_t		 user_id;
	const char	*name;
	const char	*addr;
	const char	*user_agent;
};

/* Read the audit key (with create, first make it when the file does not
 * exist: 32 random bytes, mode 0600, never overwritten) and remember the
 * checkpoint file, for this process and the processes it forks. Call once
 * before anything is appended. Returns 0, or -1 with an English message
 * in err (a missing key file, one of the wrong size or readable by group
 * or others). */
int	audit_open(const struct config *, int create, char *err, size_t errsz);
/* Wipe the key from memory. */
void	audit_close(void);
/* The files audit_open() settled on (NULL before it). */
const char	*audit_key_file(void);
const char	*audit_checkpoint_file(void);

/* Append an entry. Must be called inside the transaction of the change it
 * records (db_begin ... db_commit), so that both land or neither does.
 * details may be NULL (stored as {}); it must never hold a password, token
 * or key. The first entry a keyed process appends to a chain without its
 * marker is preceded by the marker. Returns 0 or -1. */
int	audit_append(struct db *, const struct audit_actor *,
	    const char *action, const char *object, const struct cJSON *details);

/* Same, opening and committing its own transaction: for events that
 * change nothing else (a refused request). */
int	audit_record(struct db *, const struct audit_actor *,
	    const char *action, const char *object, const struct cJSON *details);

/* The id of the chain's marker entry: 1 found (id filled), 0 the chain has
 * none, -1 on a database error. */
int	audit_marker(struct db *, int64_t *id);
/* Append the marker unless the chain has one: 1 appended, 0 there
 * already, -1 error. `dialdesk migrate` calls it. */
int	audit_mark_keyed(struct db *);

/* What audit_verify() found. */
struct audit_report {
	int64_t		 entries;	/* entries that verified */
	int64_t		 marker_id;	/* 0: no marker seen */
	char		 head[65];	/* hash of the newest good entry */
	int64_t		 bad_id;	/* the first bad entry, 0 if none */
	char		 why[320];	/* "" when every entry verified */
	int64_t		 checkpoints;	/* checkpoint lines that verified */
	int64_t		 cp_seq;	/* the newest checkpoint: number, */
	int64_t		 cp_entries;	/* entries it counts, */
	char		 cp_time[32];	/* when it was written */
	char		 cp_why[384];	/* "" when the checkpoints agree */
	char		 warning[256];	/* "" or a doubt that is no failure */
};

/* Walk the whole chain (old entries under SHA-256 up to the marker, HMAC
 * from it on), then check every checkpoint against it. Returns 0 when
 * intact, 1 when broken (why and/or cp_why say how, in English), -1 on a
 * database or file error (logged). */
int	audit_verify(struct db *, struct audit_report *);

/* Append a checkpoint of the chain's head (entry count, newest id and
 * hash, time, HMAC) to the checkpoint file, with O_APPEND and fsync, and
 * to syslog when configured. Refuses when the newest entry does not match
 * its HMAC or the chain no longer holds the newest checkpoint: a
 * checkpoint never vouches for a cut chain. Returns 1 written, 0 nothing
 * new since the newest one, -1 refused or failed; msg says which in
 * English either way. */
int	audit_checkpoint(struct db *, char *msg, size_t msgsz);
/* For a loop: a checkpoint when the last was minutes ago (logged). */
void	audit_checkpoint_tick(struct db *, int minutes);

/* The actions dialdesk records, with their Chinese labels, for the filter
 * list of the audit page. The table ends with a NULL action. */
struct audit_action {
	const char	*action;
	const char	*label;
};
extern const struct audit_action audit_actions[];
const char	*audit_action_label(const char *action);
/* The index of action in audit_actions[], -1 when it is none of them
 * (a binary search); how many actions the table holds. */
int		 audit_action_index(const char *action);
size_t		 audit_actions_count(void);

/* Current UTC time in the audit format, 2026-11-21T12:00:00.123Z. */
void	audit_now(char out[32]);

#endif
