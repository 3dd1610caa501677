/* store/maint.h: the store's upkeep, behind names that do not say how the
 * engine does it: a check of the whole store, folding its log into its
 * main file, a copy of it, whether another process has it open, its
 * size, and the batch figures /healthz and /metrics report. */
#ifndef DIALDESK_STORE_MAINT_H
#define DIALDESK_STORE_MAINT_H

#include "store.h"

/* Check the store's structure: 0 sound, 1 damaged (the first problem in
 * why), -1 the check cannot run (why says why). */
int	store_check_integrity(struct db *, char *why, size_t whysz);
/* Fold everything logged so far into the main file and empty the log:
 * 0, or -1 when it failed or a reader kept part of it. */
int	store_checkpoint(struct db *);
/* Make the store one self-contained file (a copy about to be moved):
 * 0 or -1. */
int	store_single_file(struct db *);
/* The bytes the store takes: 0 or -1. */
int	store_size_bytes(struct db *, int64_t *bytes);

/* A consistent copy of db, or of the store in the file src (opened read
 * only), into dst, a name the caller has made sure is new, while writers
 * go on. 0, or -1 with an English message in err (dst may be left behind:
 * the caller removes it). */
int	store_copy_db(struct db *, const char *dst, char *err, size_t errsz);
int	store_copy_file(const char *src, const char *dst, char *err,
	    size_t errsz);

/* Remove the store at path and whatever files the engine keeps beside
 * it (a copy that failed its checks). */
void	store_remove(const char *path);
/* 1 when a process other than this one has the store at path open, with
 * its pid in *pid; 0 when none; -1 when it cannot tell (errno). */
int	store_in_use(const char *path, long *pid);

/* The number of batches in each state: cb is called per state that has
 * any (state borrowed) and stops the walk by returning non-zero. 0, or -1
 * on an error (logged) or when cb stopped it. */
int	store_batch_state_counts(struct db *,
	    int (*cb)(void *arg, const char *state, int64_t n), void *arg);
/* When the longest-waiting batch in state (queued) got there: 1 with *at,
 * 0 none is in that state, -1 error. */
int	store_batch_oldest_in(struct db *, const char *state, int64_t *at);

#endif
