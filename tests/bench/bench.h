/* ISC license. Small helpers shared by the benchmark programs. */

#ifndef SELFPIPE_BENCH_H
#define SELFPIPE_BENCH_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t now_ns (void)
{
  struct timespec ts ;
  clock_gettime(CLOCK_MONOTONIC, &ts) ;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec ;
}

static int cmp_double (void const *a, void const *b)
{
  double x = *(double const *)a, y = *(double const *)b ;
  return x < y ? -1 : x > y ;
}

 /* Sorts v in place. q in [0, 1]: 0.5 is the median, 0.99 the p99
    (nearest rank, so p99 of 1000 samples is the 990th smallest). */
static double quantile (double *v, size_t n, double q)
{
  size_t i ;
  if (!n) return 0 ;
  qsort(v, n, sizeof(double), &cmp_double) ;
  if (q == 0.5)
    return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2 ;
  i = (size_t)(q * (double)n + 0.999999) ;
  if (i) i-- ;
  if (i >= n) i = n - 1 ;
  return v[i] ;
}

#endif
