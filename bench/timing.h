/* timing.h: the clocks and the median the bench's C programs share
 * (bench_import, bench_load, bench_send, commits). */
#ifndef DD_BENCH_TIMING_H
#define DD_BENCH_TIMING_H

/* bench_now: the monotonic clock, in seconds. */
double	bench_now(void);
/* bench_cpu: the user and system time of this process, in seconds. */
double	bench_cpu(void);
/* bench_cmp_double: qsort's comparison of doubles, ascending. */
int	bench_cmp_double(const void *a, const void *b);
/* bench_median: the median of V's N values (the mean of the middle two
 * for an even N); sorts V. */
double	bench_median(double *v, int n);

#endif
