/* ISC license. */

 /*
    The minimal forwarder again, on libselfpipe: the floor of a runner
    built on the self-pipe design. Usage: spfwd prog...
    Traps every catchable signal with sp_init, spawns prog with
    sp_spawn, then sp_wait: SIGCHLD reaps, anything else is sent to the
    child. No logging, no options. Against minfwd (sigwaitinfo), it
    shows what the self-pipe costs a runner; against selfpipe-run, what
    selfpipe-run adds on top of the self-pipe.
 */

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <selfpipe/selfpipe.h>

extern char **environ ;

int main (int argc, char const *const *argv)
{
  sigset_t set ;
  pid_t child ;
  if (argc < 2) return 100 ;
  sigfillset(&set) ;
  sigdelset(&set, SIGKILL) ;
  sigdelset(&set, SIGSTOP) ;
  for (int sig = 32 ; sig < SIGRTMIN ; sig++) sigdelset(&set, sig) ;
  if (sp_init(&set) < 0) return 111 ;
  child = sp_spawn(argv[1], argv + 1, (char const *const *)environ, 0) ;
  if (child < 0) return errno == ENOENT ? 127 : 126 ;
  for (;;)
  {
    sp_info info ;
    if (sp_wait(&info, -1) != 1) continue ;
    if (info.sig == SIGCHLD)
    {
      int wstat ;
      pid_t r ;
      while ((r = waitpid(-1, &wstat, WNOHANG)) > 0)
        if (r == child)
          return WIFSIGNALED(wstat) ? 128 + WTERMSIG(wstat) : WEXITSTATUS(wstat) ;
    }
    else if (!info.lost) kill(child, info.sig) ;
  }
}
