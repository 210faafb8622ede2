/* ISC license. Overflow: lost deliveries are counted and reported, never silent. */

#include <errno.h>
#include <fcntl.h>

#include "tap.h"
#include "lib-common.h"

#define MAXREC 40000

static sp_info tab[MAXREC] ;

 /* What came back for one signal: normal records, then loss reports. */
typedef struct result_s result ;
struct result_s
{
  int delivered ;       /* normal records of that signal */
  int contiguous ;      /* their values were 0, 1, 2... in order */
  int clean ;           /* every field as sent: code, pid, uid, nothing else */
  unsigned int lost ;   /* sum of the loss reports */
  int reports ;         /* how many loss reports */
  int reports_clean ;   /* loss reports have every other field 0 */
} ;

 /* Sorts the n records in tab by signal; order says whether every loss
    report came after every normal record. */
static void tally (int n, int sig, pid_t sender, result *res, int *order)
{
  int seen_report = 0 ;
  *res = (result){ .contiguous = 1, .clean = 1, .reports_clean = 1 } ;
  *order = 1 ;
  for (int i = 0 ; i < n ; i++)
  {
    sp_info const *x = tab + i ;
    if (x->lost)
    {
      seen_report = 1 ;
      if (x->sig != sig) continue ;
      res->lost += x->lost ;
      res->reports++ ;
      if (x->code || x->pid || x->uid || x->status || x->value.sival_ptr) res->reports_clean = 0 ;
      continue ;
    }
    if (seen_report) *order = 0 ;
    if (x->sig != sig) continue ;
    if (x->value.sival_int != res->delivered) res->contiguous = 0 ;
    if (x->code != SI_QUEUE || x->pid != sender || x->uid != getuid() || x->status) res->clean = 0 ;
    res->delivered++ ;
  }
}

static int shrink_pipe (void)
{
  return fcntl(sp_fd(), F_SETPIPE_SZ, 4096) ;
}

static void blocked_burst (int round, int count)
{
  sigset_t rt, old ;
  int sent = 0, n, order ;
  result res ;
  sp_info info ;
  sigemptyset(&rt) ; sigaddset(&rt, SIGRTMIN + 1) ;
  sigprocmask(SIG_BLOCK, &rt, &old) ;
  for (int i = 0 ; i < count ; i++)
    if (!sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = i })) sent++ ;
    else break ;
  sigprocmask(SIG_SETMASK, &old, 0) ;
  n = drain(tab, MAXREC) ;
  tally(n, SIGRTMIN + 1, getpid(), &res, &order) ;
  ok(sent > 1000 && res.delivered >= 1 && res.delivered < sent, "round %d: %d queued while blocked, %d delivered, the pipe overflowed", round, sent, res.delivered) ;
  ok((unsigned int)res.delivered + res.lost == (unsigned int)sent, "round %d: delivered %d + lost %u == sent %d", round, res.delivered, res.lost, sent) ;
  ok(res.reports == 1 && res.reports_clean, "round %d: one loss report, sig RTMIN+1, lost N, every other field 0", round) ;
  ok(order && n == res.delivered + 1, "round %d: the loss report comes after the records, nothing else", round) ;
  ok(res.contiguous && res.clean, "round %d: no torn record: values 0..%d in order, code, pid and uid right", round, res.delivered - 1) ;
  ok(sp_read(&info) == 0, "round %d: then nothing", round) ;
}

 /* In a sending child: sigqueue, waiting for room when the bounded
    queue of pending signals is full. */
static void queue_or_die (pid_t to, int sig, int value)
{
  while (sigqueue(to, sig, (union sigval){ .sival_int = value }) < 0)
  {
    if (errno != EAGAIN) _exit(111) ;
    sleep_ms(1) ;
  }
}

 /* Forks a child that sends count RTMIN+1 and count RTMIN+3 to us,
    alternately, values 0..count-1 each, pausing ms after every `every`
    pairs, then writes how many of each it sent into *fd, which is ours
    to read once it is gone (sent_by). */
static pid_t sending_child (int count, int every, int ms, int *fd)
{
  int p[2] ;
  pid_t parent = getpid(), pid ;
  if (pipe(p) < 0) { perror("pipe") ; exit(111) ; }
  pid = sp_fork() ;
  if (pid < 0) { perror("sp_fork") ; exit(111) ; }
  if (!pid)
  {
    int sent[2] = { 0, 0 } ;
    close(p[0]) ;
    for (int i = 0 ; i < count ; i++)
    {
      for (int j = 0 ; j < 2 ; j++)
      {
        queue_or_die(parent, j ? SIGRTMIN + 3 : SIGRTMIN + 1, i) ;
        sent[j]++ ;
      }
      if (!(i % every)) sleep_ms(ms) ;
    }
    if (write(p[1], sent, sizeof(sent)) != sizeof(sent)) _exit(111) ;
    _exit(0) ;
  }
  close(p[1]) ;
  *fd = p[0] ;
  return pid ;
}

 /* What the sending child said it sent: -1 -1 if it said nothing. */
static void sent_by (int fd, int sent[2])
{
  if (read(fd, sent, 2 * sizeof(int)) != 2 * sizeof(int)) sent[0] = sent[1] = -1 ;
  close(fd) ;
}

 /* The child sends, pausing now and then; we do not read meanwhile. */
static void paced_child (int count)
{
  int sent[2], order, n, wstat, total = 0, fd ;
  result res ;
  pid_t pid = sending_child(count, 64, 1, &fd) ;
  wstat = reap(pid) ;
  sent_by(fd, sent) ;
  ok(WIFEXITED(wstat) && !WEXITSTATUS(wstat) && sent[0] == count && sent[1] == count, "the child sent %d RTMIN+1 and %d RTMIN+3", sent[0], sent[1]) ;
  n = drain(tab, MAXREC) ;
  for (int j = 0 ; j < 2 ; j++)
  {
    char const *name = j ? "RTMIN+3" : "RTMIN+1" ;
    tally(n, j ? SIGRTMIN + 3 : SIGRTMIN + 1, pid, &res, &order) ;
    /* the kernel delivers pending RTMIN+1 before RTMIN+3: one of them may get no room at all */
    ok(res.delivered < sent[j], "%s: %d delivered of %d, the pipe overflowed", name, res.delivered, sent[j]) ;
    total += res.delivered ;
    ok((unsigned int)res.delivered + res.lost == (unsigned int)sent[j], "%s: delivered %d + lost %u == sent %d", name, res.delivered, res.lost, sent[j]) ;
    ok(res.reports == 1 && res.reports_clean, "%s: one clean loss report", name) ;
    ok(res.contiguous && res.clean, "%s: no torn record, values 0..%d in order, sender pid", name, res.delivered - 1) ;
  }
  ok(total >= 1, "some were delivered (%d)", total) ;
  ok(order, "loss reports come after every record") ;
}

 /* The same, but we read while the child sends bursts of 200 signals
    (more than the pipe holds), and sleep between reads: losses come and
    go while records are being read. Between two records of a signal,
    values may jump (lost ones), never go back. */
static void concurrent_reader (int count)
{
  int sent[2], got[2] = { 0, 0 }, last[2] = { -1, -1 }, reports = 0, bad = 0, wstat = 0, fd ;
  unsigned int lost[2] = { 0, 0 } ;
  pid_t pid = sending_child(count, 100, 2, &fd) ;
  for (int done = 0 ; !done ; )
  {
    sp_info info ;
    done = waitpid(pid, &wstat, WNOHANG) == pid ;
    /* once the child is gone, every signal it sent has reached us */
    while (sp_read(&info) == 1)
    {
      if (info.sig != SIGRTMIN + 1 && info.sig != SIGRTMIN + 3) { bad++ ; continue ; }
      int j = info.sig == SIGRTMIN + 3 ;
      if (info.lost)
      {
        reports++ ;
        lost[j] += info.lost ;
        if (info.code || info.pid || info.value.sival_int) bad++ ;
        continue ;
      }
      if (info.value.sival_int <= last[j] || info.pid != pid || info.code != SI_QUEUE) bad++ ;
      last[j] = info.value.sival_int ;
      got[j]++ ;
    }
    if (!done) sleep_ms(3) ;
  }
  sent_by(fd, sent) ;
  ok(WIFEXITED(wstat) && !WEXITSTATUS(wstat) && sent[0] == count && sent[1] == count, "concurrent: the child sent %d + %d", sent[0], sent[1]) ;
  ok(!bad, "concurrent: every record whole, values increasing for each signal, loss reports clean") ;
  for (int j = 0 ; j < 2 ; j++)
    ok((unsigned int)got[j] + lost[j] == (unsigned int)sent[j], "concurrent: %s: read %d + lost %u == sent %d (%d loss reports in all)",
      j ? "RTMIN+3" : "RTMIN+1", got[j], lost[j], sent[j], reports) ;
}

int main (void)
{
  int const sigs[] = { SIGUSR1, SIGRTMIN + 1, SIGRTMIN + 3, 0 } ;
  sigset_t set = sigset_of(sigs) ;
  int count = under_valgrind() ? 1500 : 5000 ;
  sp_info info ;

  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }
  {
    int size = fcntl(sp_fd(), F_GETPIPE_SZ) ;
    ok(size >= 65536, "sp_init grew the pipe (%d bytes)", size) ;
  }
  ok(shrink_pipe() == 4096, "pipe shrunk to 4096 bytes for the test") ;

  blocked_burst(1, count) ;
   /* the counters start again from 0 after a report */
  blocked_burst(2, count) ;

  raise(SIGUSR1) ;
  ok(sp_read(&info) == 1 && info.sig == SIGUSR1 && !info.lost && sp_read(&info) == 0,
    "after a loss report, signals come back normally, with no further report") ;

  paced_child(under_valgrind() ? 600 : 2000) ;
  concurrent_reader(under_valgrind() ? 2000 : 10000) ;

   /* overflow again, unread: sp_finish then sp_init start afresh */
  {
    sigset_t rt, old ;
    sigemptyset(&rt) ; sigaddset(&rt, SIGRTMIN + 1) ;
    sigprocmask(SIG_BLOCK, &rt, &old) ;
    for (int i = 0 ; i < 300 ; i++) sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = i }) ;
    sigprocmask(SIG_SETMASK, &old, 0) ;
  }
  sp_finish() ;
  if (sp_init(&set) < 0) { perror("sp_init") ; return 111 ; }
  ok(sp_read(&info) == 0, "after sp_finish and sp_init, no stale record or loss report") ;
  sp_finish() ;
  return tap_done() ;
}
