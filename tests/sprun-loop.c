/* ISC license. */

 /*
    sprun-loop: runs a command many times, quickly, and says how it went.
      sprun-loop count seconds want prog...
    Runs prog count times, one after the other. A run that takes more
    than seconds is a hang: it is SIGKILLed and the loop stops. Prints
      runs <n> hangs <h> wrong <w> first-wrong <status>
    where wrong counts the runs whose wait status is not "exited want".
    Exits 0 when every run exited want in time, 1 otherwise.
 */

#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out = 0 ;

static void on_alarm (int sig)
{
  (void)sig ;
  timed_out = 1 ;
}

int main (int argc, char **argv)
{
  struct sigaction sa ;
  unsigned long count, done = 0, hangs = 0, wrong = 0 ;
  unsigned int secs ;
  int want, first_wrong = -1 ;
  if (argc < 5)
  {
    fprintf(stderr, "sprun-loop: usage: sprun-loop count seconds want prog...\n") ;
    return 100 ;
  }
  count = strtoul(argv[1], 0, 10) ;
  secs = (unsigned int)strtoul(argv[2], 0, 10) ;
  want = atoi(argv[3]) ;
  memset(&sa, 0, sizeof sa) ;
  sa.sa_handler = &on_alarm ;  /* no SA_RESTART: waitpid returns EINTR */
  sigemptyset(&sa.sa_mask) ;
  if (sigaction(SIGALRM, &sa, 0) < 0) { perror("sprun-loop: sigaction") ; return 111 ; }
  for (; done < count ; done++)
  {
    int status ;
    pid_t pid = fork() ;
    if (pid < 0) { perror("sprun-loop: fork") ; return 111 ; }
    if (!pid)
    {
      struct sigaction dfl ;
      memset(&dfl, 0, sizeof dfl) ;
      dfl.sa_handler = SIG_DFL ;
      sigaction(SIGALRM, &dfl, 0) ;
      execvp(argv[4], argv + 4) ;
      _exit(errno == ENOENT ? 127 : 126) ;
    }
    timed_out = 0 ;
    alarm(secs) ;
    while (waitpid(pid, &status, 0) < 0)
    {
      if (errno != EINTR) { perror("sprun-loop: waitpid") ; return 111 ; }
      if (timed_out) { kill(pid, SIGKILL) ; hangs++ ; }
    }
    alarm(0) ;
    if (hangs) { done++ ; break ; }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != want)
    {
      if (first_wrong < 0) first_wrong = status ;
      wrong++ ;
    }
  }
  printf("runs %lu hangs %lu wrong %lu first-wrong %d\n", done, hangs, wrong, first_wrong) ;
  return hangs || wrong ;
}
