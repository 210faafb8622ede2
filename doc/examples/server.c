/* ISC license. */

/*
   server: a small line server on a Unix domain socket, with libselfpipe.
   Every line a client sends comes back to it prefixed with "ok ".

   SIGTERM: stop accepting clients, finish serving the connected ones,
            then exit 0.
   SIGQUIT: exit 2 at once, dropping the connected clients.
   SIGALRM: log one status line to stderr.

   Signals come through the self-pipe, one record per delivery, and are
   handled in the event loop like any other event: nothing but
   libselfpipe's own handler ever runs in signal context.
*/

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <signal.h>

#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/socket.h>

#include <selfpipe/selfpipe.h>

#define USAGE "server socket-path"
#define dieusage() strerr_dieusage(100, USAGE)

#define MAXCLIENTS 16
#define LINEMAX 512

char const *PROG = "server" ;

typedef struct client_s client ;
struct client_s
{
  int fd ;
  size_t len ;
  char buf[LINEMAX] ;
} ;

static client clients[MAXCLIENTS] ;
static unsigned int nclients = 0 ;
static unsigned long served = 0 ;
static char const *path ;
static int listener = -1 ;

static void drop_client (unsigned int i)
{
  fd_close(clients[i].fd) ;
  clients[i] = clients[--nclients] ;
}

static void stop_listening (void)
{
  fd_close(listener) ;
  unlink(path) ;
  listener = -1 ;
}

static void log_status (void)
{
  char fmtc[UINT_FMT] ;
  char fmts[ULONG_FMT] ;
  fmtc[uint_fmt(fmtc, nclients)] = 0 ;
  fmts[ulong_fmt(fmts, served)] = 0 ;
  strerr_warni("status: ", fmtc, " client(s), ", fmts, " line(s) served, ", listener >= 0 ? "accepting" : "finishing") ;
}

 /* Every pending record, in delivery order. A loss report (info.lost)
    still means the signal was sent: act on it all the same. */
static void handle_signals (void)
{
  char fmt[UINT_FMT] ;
  sp_info info ;
  int r ;
  while ((r = sp_read(&info)) > 0)
  {
    if (info.lost)
    {
      char name[SP_SIGNAME_MAX + 1] ;
      name[sp_sig_fmt(name, info.sig)] = 0 ;
      fmt[uint_fmt(fmt, info.lost)] = 0 ;
      strerr_warnw("lost ", fmt, " deliveries of ", name) ;
    }
    fmt[uint_fmt(fmt, nclients)] = 0 ;
    switch (info.sig)
    {
      case SIGTERM :
        if (listener < 0) break ;
        stop_listening() ;
        strerr_warni("SIGTERM: no new clients, finishing ", fmt, " connected client(s)") ;
        break ;
      case SIGQUIT :
        if (listener >= 0) unlink(path) ;
        strerr_die(2, PROG, ": info: ", "SIGQUIT: exiting now, dropping ", fmt, " client(s)") ;
      case SIGALRM :
        log_status() ;
        break ;
    }
  }
  if (r < 0) strerr_diefu1sys(111, "read signals") ;
}

static void new_client (void)
{
  /* a blocking client socket: we read it only when iopause says so */
  int fd = ipc_accept_coe(listener, 0, 0, 0) ;
  if (fd < 0)
  {
    if (errno != EAGAIN && errno != ECONNABORTED) strerr_warnwu1sys("accept") ;
    return ;
  }
  clients[nclients].fd = fd ;
  clients[nclients++].len = 0 ;
}

 /* Answers every whole line received. Returns 0 when the client must go. */
static int serve (client *c)
{
  char *nl ;
  ssize_t r = fd_read(c->fd, c->buf + c->len, LINEMAX - c->len) ;
  if (r <= 0) return 0 ;
  c->len += r ;
  while ((nl = memchr(c->buf, '\n', c->len)))
  {
    size_t n = nl - c->buf + 1 ;
    char out[LINEMAX + 3] = "ok " ;
    memcpy(out + 3, c->buf, n) ;
    /* a client that does not read would block us here: a real server
       would buffer its output. A failed write drops the client. */
    if (allwrite(c->fd, out, n + 3) < n + 3) return 0 ;
    served++ ;
    memmove(c->buf, nl + 1, c->len - n) ;
    c->len -= n ;
  }
  return c->len < LINEMAX ;  /* a line too long: drop the client */
}

int main (int argc, char const *const *argv)
{
  sigset_t set ;
  int sfd ;
  if (argc < 2) dieusage() ;
  path = argv[1] ;

   /* a client that goes away must not kill us: EPIPE is enough */
  signal(SIGPIPE, SIG_IGN) ;
  sigemptyset(&set) ;
  sigaddset(&set, SIGTERM) ;
  sigaddset(&set, SIGQUIT) ;
  sigaddset(&set, SIGALRM) ;
  sfd = sp_init(&set) ;
  if (sfd < 0) strerr_diefu1sys(111, "sp_init") ;

  listener = ipc_stream_nbcoe() ;
  if (listener < 0) strerr_diefu1sys(111, "create socket") ;
  if (ipc_bind_reuse(listener, path) < 0) strerr_diefu2sys(111, "bind to ", path) ;
  if (ipc_listen(listener, MAXCLIENTS) < 0) strerr_diefu2sys(111, "listen on ", path) ;
  tain_now_set_stopwatch_g() ;

  while (listener >= 0 || nclients)
  {
    iopause_fd x[2 + MAXCLIENTS] ;
    unsigned int n = 0, xlistener = 0, xclient[MAXCLIENTS] ;
    int r ;
    x[n++] = (iopause_fd){ .fd = sfd, .events = IOPAUSE_READ } ;
    if (listener >= 0 && nclients < MAXCLIENTS)
    {
      xlistener = n ;
      x[n++] = (iopause_fd){ .fd = listener, .events = IOPAUSE_READ } ;
    }
    for (unsigned int i = 0 ; i < nclients ; i++)
    {
      xclient[i] = n ;
      x[n++] = (iopause_fd){ .fd = clients[i].fd, .events = IOPAUSE_READ } ;
    }

    r = iopause_g(x, n, &tain_infinite) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      strerr_diefu1sys(111, "iopause") ;
    }

    if (x[0].revents & IOPAUSE_READ) handle_signals() ;
     /* from the last client, so that drop_client's swap does not move
        a client we have not looked at yet */
    for (unsigned int i = nclients ; i-- ; )
      if (x[xclient[i]].revents & (IOPAUSE_READ | IOPAUSE_EXCEPT) && !serve(clients + i))
        drop_client(i) ;
    /* after SIGTERM, listener is closed: accept nothing more */
    if (xlistener && listener >= 0 && x[xlistener].revents & IOPAUSE_READ) new_client() ;
  }

  strerr_warni("every client is done, exiting") ;
  sp_finish() ;
  return 0 ;
}
