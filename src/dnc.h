/* dnc.h: the do-not-call list (免打扰) and the history of sent numbers
 * for the duplicate rule across tasks. Neither holds a number: each is
 * stored as an HMAC-SHA-256 of the normalised number under a key kept in
 * a file outside the database (dnc_key_file), the list also with the
 * masked form it shows. An import screens every valid row through one
 * struct dnc_screen; the sender records what the vendor accepted. */
#ifndef DIALDESK_DNC_H
#define DIALDESK_DNC_H

#include <stddef.h>
#include <stdint.h>

#include "phone.h"
#include "store/dnc.h"	/* DNC_HASH_BYTES, struct dnc_entry */

struct audit_actor;
struct cJSON;
struct config;
struct db;

/* The schema version that brings the list (sql/013_dnc.sql). */
#define DNC_SCHEMA	13

/* Read the key (with create, first make it when missing: 32 random bytes,
 * mode 0600), for this process and those it forks. Returns 0, or -1 with
 * an English message in err. */
int	dnc_open(const struct config *, int create, char *err, size_t errsz);
void	dnc_close(void);
/* The keyed hash of a normalised number; -1 when no key was read. */
int	dnc_hash(const char *normalised, unsigned char out[DNC_HASH_BYTES]);

/* The duplicate rule of an import (the task form's dup_* fields). */
enum dup_scope {
	DUP_LIST,	/* within this list only */
	DUP_MINE,	/* and numbers this user sent in the last days */
	DUP_ALL,	/* and numbers anyone sent in the last days */
};
struct dup_rule {
	enum dup_scope	 scope;
	int		 days;		/* 1-365; unused with DUP_LIST */
	int		 keep;		/* 1: send repeats anyway */
};
/* "list", "mine", "all"; parse returns 0 or -1. */
const char	*dup_scope_name(enum dup_scope);
int		 dup_scope_parse(const char *, enum dup_scope *);

/* What the screen says of one valid row. */
enum dnc_verdict {
	DNC_PASS,
	DNC_LISTED,		/* on the list: excluded (reason "dnc") */
	DNC_RECENT_DROP,	/* sent recently: excluded ("recent") */
	DNC_RECENT_KEEP,	/* sent recently, kept as chosen */
};
/* The reasons stored in import_rows.reason, and their Chinese names. */
#define REASON_DNC	"dnc"
#define REASON_RECENT	"recent"
#define DNC_LABEL_ZH	"免打扰"
#define RECENT_LABEL_ZH	"近期已发送"

/*
 * Screening an import's rows, inside its loading transaction. rule NULL
 * reads the rule stored with the import (a new column mapping); else the
 * rule is stored with it. Returns NULL on error (logged).
 */
struct dnc_screen *dnc_screen_new(struct db *, int64_t import_id,
	    int64_t user_id, const struct dup_rule *rule);
/* Look up every number of the list at path first (read with opts, as
 * the loading will), in hash order, so that the rows then need no lookup
 * of their own: on large tables that is most of the cost. 0, -1. */
struct calllist_opts;
int	dnc_screen_prescan(struct dnc_screen *, const char *path,
	    const struct calllist_opts *opts);
/* One row's normalised number (line: calllist_row.line, which finds a
 * prescanned verdict): 0 and *v, -1 on error. Counts as it goes. */
int	dnc_screen_row(struct dnc_screen *, long line, const char *normalised,
	    enum dnc_verdict *v);
/* Store the counts with the import and add them ("dnc", "recent" and the
 * rule) to the audit details d. 0 or -1. */
int	dnc_screen_finish(struct dnc_screen *, struct cJSON *d);
void	dnc_screen_free(struct dnc_screen *);

/* The rule and figures of an import, for its preview. 1, 0 none, -1. */
struct dnc_figures {
	struct dup_rule	 rule;
	int64_t		 listed, recent;
};
int	dnc_import_figures(struct db *, int64_t import_id,
	    struct dnc_figures *);

/* Record the numbers of a batch the vendor accepted (rows first_seq to
 * first_seq + rows - 1 of the import), as the task owner's, inside the
 * caller's transaction. 0 or -1. */
int	dnc_record_sent(struct db *, int64_t task_id, int64_t import_id,
	    int64_t first_seq, int64_t rows, int64_t now);
/* Retention: forget numbers sent before the time. Rows deleted, -1. */
int64_t	dnc_purge_sent(struct db *, int64_t before);

/* Add a normalised number; the details of dnc.added hold the masked form
 * only. 1 added (*id), 0 listed already (*id: that entry), -1 error.
 * expires: "YYYY-MM-DD" or NULL; reason may be NULL. */
int	dnc_add(struct db *, const struct audit_actor *, const char *number,
	    const char *reason, const char *expires, int64_t *id);
/* Remove entry id (dnc.removed). 1 done, 0 no such entry, -1 error. */
int	dnc_remove(struct db *, const struct audit_actor *, int64_t id);
/* The entry of a normalised number: 1 found, 0 not, -1 error. */
int	dnc_find(struct db *, const char *number, struct dnc_entry *);
/* 1 when expires ("YYYY-MM-DD", "" or NULL for never) is a day before
 * today's local date: the entry no longer applies. An entry applies up to
 * and including its day. */
int	dnc_expired(const char *expires);
/* Up to n entries with ids below before (0: from the newest), newest
 * first, into rows[n]; *got how many, *more whether others follow. */
int	dnc_page(struct db *, int64_t before, size_t n, struct dnc_entry *rows,
	    size_t *got, int *more);
/* The before key of the page of the n entries just above after (newer),
 * or 0 when they are the newest (the first page): 0, or -1. */
int	dnc_page_before(struct db *, int64_t after, size_t n, int64_t *before);
int64_t	dnc_count(struct db *);

/* A list of numbers added at once (one number per row, the readers of
 * call lists): what became of it. */
struct dnc_upload {
	int64_t	 rows, added, already, invalid;
	/* the first invalid rows, for the result page */
	struct dnc_bad {
		long	 line;
		char	 cell[PHONE_NORM_SIZE + 16];	/* masked */
		char	 why[64];
	} bad[20];
	size_t	 nbad;
	char	 error_zh[256];	/* the list itself is unusable ("" if not) */
};
/* 0 read (u filled; dnc.imported audited), 1 unusable (u->error_zh),
 * -1 error. All or nothing. */
int	dnc_upload(struct db *, const struct config *,
	    const struct audit_actor *, const char *path, const char *name,
	    const char *reason, const char *expires, struct dnc_upload *u);

/* Each entry, newest first, for the export; cb returns 0 to go on.
 * 0, or -1 on error or when cb stopped. */
int	dnc_each(struct db *, int (*cb)(void *, const struct dnc_entry *),
	    void *arg);

#endif
