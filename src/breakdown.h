/* breakdown.h: a task's import figures per batch and in total, as the
 * vendor pushed them (the newest push of each batch counts). Shared by the
 * task page and its exports. */
#ifndef DIALDESK_BREAKDOWN_H
#define DIALDESK_BREAKDOWN_H

#include <stddef.h>
#include <stdint.h>

#include "push.h"
#include "state.h"

struct db;

struct bd_row {
	int64_t	 batch_id, seq, rows, sent_at;
	enum batch_state state;	/* the batch's */
	int	 pushed;	/* a push was received */
	int	 ok;		/* it held figures (else a failure) */
	char	*reason;	/* the vendor's failure text */
	int64_t	 received;	/* newest push */
	int64_t	 pushes;	/* how many were received */
	int64_t	 fig[PF__MAX];
};

struct breakdown {
	struct bd_row	*rows;
	size_t		 n, cap;
	int64_t		 total[PF__MAX];	/* over rows with figures */
	int64_t		 sent_rows;	/* rows of batches sent */
	int64_t		 reported_rows;	/* rows of batches with figures */
	size_t		 with_figures;
};

/* 0 or -1; release with breakdown_clear() either way. */
int	breakdown_load(struct db *, int64_t task_id, struct breakdown *);
void	breakdown_clear(struct breakdown *);

#endif
