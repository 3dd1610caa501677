/* push.h: the vendor's asynchronous import push (PRODUCT.md section 2):
 * reading it (JSON, or the same fields urlencoded), storing it once, and
 * tying it to the batch whose vendor task it reports on. */
#ifndef DIALDESK_PUSH_H
#define DIALDESK_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"

struct db;

/* The figures of import_mark, in the order of the document's table. */
enum push_figure {
	PF_TOTAL, PF_SUCCESS, PF_FAIL, PF_BLACKLIST, PF_REPEAT, PF_FILTER,
	PF_SHI, PF_KONG, PF_TINGJI, PF_KUWU, PF_CHENMO, PF_FENXIAN,
	PF_CHAOPIN, PF__MAX
};

struct push_figure_def {
	const char	*key;	/* the vendor's key, "totalCount" */
	const char	*label;	/* 导入总数 */
	const char	*css;	/* "total": chart and table classes */
};
extern const struct push_figure_def push_figures[PF__MAX];

/* A push read and checked once, by the worker that received it: the
 * fields to store, plain data that the committer is handed as it is
 * (committer.c) and commits without reading the body again. */
struct push {
	char		*sn;		/* dial_task_main_sn */
	char		*vendor_task_id;	/* vendor_task_id_normalise(sn) */
	int		 ok;		/* 1: figures; 0: failure reason */
	char		*reason;	/* NULL when ok */
	int64_t		 fig[PF__MAX];
	char		*extra;		/* fields we do not know, kept: the
					 * text of a JSON object */
};

/* Read a push body. Returns 0, or -1 with an English reason in why. */
int	push_parse_json(const char *body, size_t len, struct push *,
	    char *why, size_t whysz);
int	push_parse_form(const char *body, size_t len, struct push *,
	    char *why, size_t whysz);
void	push_clear(struct push *);

/* Store a parsed push (body: what it was read from, kept whole and
 * hashed for idempotency) with its audit entry (actor vendor) in one
 * transaction, linking it to its batch when one has the vendor task id.
 * Returns 1 stored, 0 the same body was stored before (recorded in the
 * audit log, not again as a push), -1 error. */
int	push_store(struct db *, const struct audit_actor *,
	    const char *ctype, const char *body, size_t len,
	    const struct push *, int64_t *push_id);
/* The same, inside the caller's transaction (the committer batches many
 * pushes into one durable commit). */
int	push_store_tx(struct db *, const struct audit_actor *,
	    const char *ctype, const char *body, size_t len,
	    const struct push *, int64_t *push_id);
/* A push as the committer is handed it: who sent it, the body it was read
 * from and what the worker read. */
struct push_handed {
	struct audit_actor who;
	const char	*ctype;
	const char	*body;
	size_t		 len;
	struct push	 push;
};
/* push_store_tx() of n pushes, in the caller's transaction: results[i]
 * is 1 stored, 0 stored before, and ids[i] (ids may be NULL) the push's
 * id or 0. The pushes go to the store together (on PostgreSQL in one
 * round trip, however many), then their entries. 0, or -1 when any could
 * not be stored (the transaction has then failed). */
int	push_store_group_tx(struct db *, const struct push_handed *, size_t n,
	    int *results, int64_t *ids);
/* Parse by content type: JSON (or none given) or urlencoded. */
int	push_parse(const char *ctype, const char *body, size_t len,
	    struct push *, char *why, size_t whysz);
int	push_ctype_is_json(const char *ctype);
int	push_ctype_is_form(const char *ctype);

/* Keep what could not be read (at most 64 KiB of it) for an
 * administrator, with its audit entry. 0 or -1. */
int	push_reject(struct db *, const struct audit_actor *,
	    const char *ctype, long long declared, const char *body,
	    size_t len, const char *reason);
/* Inside the transaction that stores a batch's vendor task id: link the
 * pushes that came first. Returns how many, -1 on error. */
int	push_link_waiting(struct db *, int64_t batch_id,
	    const char *vendor_task_id);
/* An administrator ties an unmatched push to a batch. 1 done, 0 no such
 * unmatched push or batch, -1 error. */
int	push_link_manual(struct db *, const struct audit_actor *,
	    int64_t push_id, int64_t batch_id);

#endif
