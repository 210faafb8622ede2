/* ISC license. */

 /*
    The minimal forwarder: the floor of any runner. Usage: minfwd prog...
    Blocks every signal, spawns prog with the original mask, then
    sigwaitinfo: SIGCHLD reaps, anything else is sent to the child.
    Exits like the child (128+N when it was killed by signal N).
    No logging, no remapping, no options: a yardstick, not a tool.
 */

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int main (int argc, char *const *argv)
{
  sigset_t all, orig ;
  pid_t child ;
  if (argc < 2) return 100 ;
  sigfillset(&all) ;
  sigprocmask(SIG_SETMASK, &all, &orig) ;
  child = fork() ;
  if (child < 0) return 111 ;
  if (!child)
  {
    sigprocmask(SIG_SETMASK, &orig, 0) ;
    execvp(argv[1], argv + 1) ;
    _exit(errno == ENOENT ? 127 : 126) ;
  }
  for (;;)
  {
    int sig = sigwaitinfo(&all, 0) ;
    if (sig < 0) continue ;
    if (sig == SIGCHLD)
    {
      int wstat ;
      pid_t r ;
      while ((r = waitpid(-1, &wstat, WNOHANG)) > 0)
        if (r == child)
          return WIFSIGNALED(wstat) ? 128 + WTERMSIG(wstat) : WEXITSTATUS(wstat) ;
    }
    else kill(child, sig) ;
  }
}
