/* ISC license. */

#ifndef SPSOCK_H
#define SPSOCK_H

#include <stddef.h>

#include <skalibs/gccattributes.h>
#include <skalibs/stralloc.h>

 /*
    The chain-loaders selfpipe-bind and selfpipe-listenfds: what they
    share (the first fd, the look of an fd, the exec), and the pieces of
    each. Every function dies on failure with the exit code the manual
    gives: 100 for bad input, 111 for the system, 126/127 for the exec.
 */

#define SPSOCK_FIRSTFD 3
#define SPSOCK_MAX 64          /* sockets a chain-loader handles at most */

 /* What is at one fd */
#define SPSOCK_CLOSED 0
#define SPSOCK_SOCKET 1
#define SPSOCK_OTHER 2
extern int spsock_fd_kind (int) ;
extern void spsock_dieusage (char const *, char const *, char const *) gccattr_noreturn ;

 /* exec argv with the environment changed by modifs (skalibs' env_merge
    form: "VAR=value\0" sets, "VAR\0" removes), as the runner execs */
extern void spsock_exec (char const *const *, char const *, size_t) gccattr_noreturn ;

 /* selfpipe-bind */
typedef struct spsock_tcp_s spsock_tcp ;
struct spsock_tcp_s
{
  char ip[16] ;
  int is6 ;
  unsigned short port ;
} ;
extern void spsock_tcp_scan (char const *, spsock_tcp *) ;
extern int spsock_tcp_bind (spsock_tcp const *, char const *) ;

typedef struct spsock_unix_s spsock_unix ;
struct spsock_unix_s
{
  char path[108] ;
  int mode ;                   /* -1: what the umask gives */
} ;
extern void spsock_unix_scan (char const *, spsock_unix *) ;
extern int spsock_unix_bind (spsock_unix const *) ;
extern void spsock_unix_stale (char const *) ;
extern void spsock_place (int, int, unsigned int, char const *) ;

 /* selfpipe-listenfds: the fds, their names, the dialects */
typedef struct spsock_fds_s spsock_fds ;
struct spsock_fds_s
{
  unsigned int n ;
  char const *names[SPSOCK_MAX] ;   /* 0 when -n did not name them */
  char const *const *argv ;         /* prog..., as the dialect leaves it */
} ;
extern unsigned int spsock_count (unsigned int) ;
extern unsigned int spsock_names (char const *, char *, char const **, unsigned int) ;

typedef struct spsock_dialect_s spsock_dialect ;
struct spsock_dialect_s
{
  char const *name ;
  int names ;                  /* what -n does: 0 nothing (a usage error), 1 names, 2 required */
  void (*env) (spsock_fds *, stralloc *) ;
} ;
extern spsock_dialect const *spsock_dialect_find (char const *) ;
extern void spsock_stale (stralloc *) ;
extern void spsock_cat (stralloc *, char const *, size_t) ;
extern void spsock_cat_uint (stralloc *, unsigned int) ;
extern void spsock_setenv_uint (stralloc *, char const *, unsigned int) ;
extern void spsock_sockname (int, stralloc *) ;

extern void spsock_systemd (spsock_fds *, stralloc *) ;
extern void spsock_nginx (spsock_fds *, stralloc *) ;
extern void spsock_phpfpm (spsock_fds *, stralloc *) ;
extern void spsock_haproxy (spsock_fds *, stralloc *) ;
extern void spsock_einhorn (spsock_fds *, stralloc *) ;
extern void spsock_argv (spsock_fds *, stralloc *) ;

#endif
