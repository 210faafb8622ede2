/* ISC license. */

#include <selfpipe/selfpipe.h>

 /* The words for a class, to finish a sentence that starts with the
    signal's name: "SIGSYS is a synchronous fault signal". */

char const *sp_sig_class_str (unsigned int class)
{
  if (class & SP_SIG_INVALID) return "is not a signal" ;
  if (class & SP_SIG_UNCATCHABLE) return "cannot be caught" ;
  if (class & SP_SIG_RESERVED) return "is reserved by libc" ;
  if (class & SP_SIG_FAULT) return "is a synchronous fault signal, forwarded only as itself" ;
  if (class & SP_SIG_CHILD) return "tells a parent about its children" ;
  if (class & SP_SIG_STOP) return "stops a process by default" ;
  if (class & SP_SIG_TTY) return "is sent by a terminal" ;
  if (class & SP_SIG_OWNIO) return "is the kernel's answer to a process's own I/O" ;
  if (class & SP_SIG_RT) return "is a real-time signal" ;
  return "is an ordinary signal" ;
}
