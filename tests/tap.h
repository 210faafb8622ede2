/* ISC license. Minimal TAP output for the C tests. */

#ifndef SELFPIPE_TESTS_TAP_H
#define SELFPIPE_TESTS_TAP_H

#include <stdio.h>

static unsigned int tap_n = 0 ;
static unsigned int tap_failed = 0 ;

 /* ok(cond, "what") prints "ok N - what" or "not ok N - what" */
#define ok(cond, ...) do { \
  int tap_c_ = !!(cond) ; \
  printf("%sok %u - ", tap_c_ ? "" : "not ", ++tap_n) ; \
  printf(__VA_ARGS__) ; \
  printf("\n") ; \
  fflush(stdout) ; \
  if (!tap_c_) { tap_failed++ ; fprintf(stderr, "#   failed at %s line %d\n", __FILE__, __LINE__) ; } \
} while (0)

#define tap_done() (printf("1..%u\n", tap_n), tap_failed ? 1 : 0)

#endif
