/* ISC license. */

 /*
    libFuzzer target for sprun_notify_parse, what selfpipe-run -N makes
    of one datagram from the service. The input is the datagram, malloc'ed
    to its exact size so ASan sees any read past it. Whatever it holds,
    the parser must not crash or read outside it, and the notice must
    only say what the protocol can: flags 0 or 1, MAINPID= a positive
    pid, ERRNO= -1 or below 4096.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sprun.h"

#define check(cond) do { if (!(cond)) abort() ; } while (0)

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  char *buf = malloc(size ? size : 1) ;
  sprun_notice m = { .pid = 2, .err = -1 } ;
  static sprun_config cfg ;
  if (!buf) return 0 ;
  sprun.cfg = &cfg ;
  memcpy(buf, data, size) ;
  sprun_notify_parse(&m, buf, size) ;
  check(m.ready <= 1 && m.reloading <= 1 && m.stopping <= 1 && m.watchdog <= 1 && m.trigger <= 1) ;
  check(m.mainpid >= 0) ;
  check(m.err >= -1 && m.err < 4096) ;
  free(buf) ;
  return 0 ;
}
