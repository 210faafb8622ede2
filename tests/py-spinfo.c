/* ISC license. */

 /* Prints struct sp_info's layout as the compiler sees it, for
    tests/py-abi.t to hold the Python mirror (ctypes) against. */

#include <stddef.h>
#include <stdio.h>

#include <selfpipe/selfpipe.h>

#define F(f) printf(" %s=%zu:%zu", #f, offsetof(sp_info, f), sizeof(((sp_info *)0)->f))

int main (void)
{
  printf("sizeof=%zu", sizeof(sp_info)) ;
  F(sig) ; F(code) ; F(pid) ; F(uid) ; F(status) ; F(lost) ; F(value) ;
  printf(" sigset_t=%zu\n", sizeof(sigset_t)) ;
  return 0 ;
}
