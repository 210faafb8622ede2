/* ISC license. */

#include "sp-internal.h"

 /* what the handler did with the record sp_read (or sp_wait) returned
    last; SP_FWD_NO before the first one */

void sp_forwarded (sp_fwd *fwd)
{
  *fwd = sp_last ;
}
