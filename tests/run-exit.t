#!/bin/sh
# ISC license. selfpipe-run's exit code: the child's exit code 0..255,
# 128+N when the child dies by signal N, 126/127 for exec failures, -e.

. "$SP_SRC/tests/tap.sh"
tmp=$(mktemp -d) || exit 111
trap 'rm -rf "$tmp"' EXIT
child=$SP_TESTS/sprun-child
ulimit -c 0

if [ ! -x "$SELFPIPE_RUN" ] || [ ! -x "$child" ] ; then
  t 1 "selfpipe-run ($SELFPIPE_RUN) and sprun-child ($child) are built" ; tap_done ; exit
fi

# every exit code (a sample under valgrind: each run costs a second there)
if [ "$SP_PHASE" = valgrind ] ; then codes="0 1 127 128 143 255"
else codes=$(seq 0 255) ; fi
bad=
for c in $codes ; do
  $SP_WRAP "$SELFPIPE_RUN" -v 0 "$child" -e $c -o /dev/null
  rc=$?
  [ $rc -eq $c ] || bad="$bad $c:$rc"
done
[ -z "$bad" ] ; t $? "exit codes passed through ($(echo $codes | wc -w) codes)${bad:+: wrong (want:got)$bad}"

# 128+N for a child that kills itself with N, each signal whose default action kills
sigs="HUP:1 INT:2 QUIT:3 ILL:4 TRAP:5 ABRT:6 BUS:7 FPE:8 KILL:9 USR1:10 SEGV:11 USR2:12 PIPE:13 ALRM:14 TERM:15 STKFLT:16 XCPU:24 XFSZ:25 VTALRM:26 PROF:27 IO:29 PWR:30 SYS:31"
# real-time signals start where the runner's libc says (glibc 34, musl 35)
rtmin=${SP_SIGRTMIN:-34}
i=$rtmin ; while [ $i -le 64 ] ; do sigs="$sigs $i:$i" ; i=$((i + 1)) ; done
[ "$SP_PHASE" = valgrind ] && sigs="HUP:1 KILL:9 SEGV:11 TERM:15 $rtmin:$rtmin 64:64"
bad=
for sn in $sigs ; do
  s=${sn%:*} ; num=${sn#*:}
  $SP_WRAP "$SELFPIPE_RUN" -v 0 "$child" -k "$s" -o /dev/null 2>/dev/null
  rc=$?
  [ $rc -eq $((128 + num)) ] || bad="$bad $s:$rc"
done
[ -z "$bad" ] ; t $? "child killed by N: exit 128+N ($(echo $sigs | wc -w) signals)${bad:+: wrong (sig:got)$bad}"

# the log line for both ends
$SP_WRAP "$SELFPIPE_RUN" "$child" -e 3 -o "$tmp/rec" 2>"$tmp/err"
pid=$(awk '$2 == "ready" { print $4 }' "$tmp/rec")
grep -qx "selfpipe-run: info: child $pid exited 3" "$tmp/err" ; t $? "log line: child PID exited 3"
$SP_WRAP "$SELFPIPE_RUN" "$child" -k USR1 -o "$tmp/rec2" 2>"$tmp/err"
pid=$(awk '$2 == "ready" { print $4 }' "$tmp/rec2")
grep -qx "selfpipe-run: info: child $pid killed by SIGUSR1" "$tmp/err" ; t $? "log line: child PID killed by SIGUSR1"

# 126, 127
printf '#!/bin/sh\nexit 0\n' > "$tmp/noexec" ; chmod 644 "$tmp/noexec"
$SP_WRAP "$SELFPIPE_RUN" "$tmp/noexec" 2>"$tmp/err" ; rc=$?
[ $rc -eq 126 ] ; t $? "prog found but not executable: 126 (got $rc)"
grep -v '^==' "$tmp/err" | grep -q '^selfpipe-run: fatal: .*noexec' ; t $? "  and a fatal line naming it"
$SP_WRAP "$SELFPIPE_RUN" "$tmp/dir-that-is-not-there/x" 2>"$tmp/err" ; rc=$?
[ $rc -eq 127 ] ; t $? "prog not found (a path): 127 (got $rc)"
$SP_WRAP "$SELFPIPE_RUN" sprun-no-such-command-in-path 2>"$tmp/err" ; rc=$?
[ $rc -eq 127 ] ; t $? "prog not found (PATH search): 127 (got $rc)"
grep -v '^==' "$tmp/err" | grep -q '^selfpipe-run: fatal: .*sprun-no-such-command-in-path' ; t $? "  and a fatal line naming it"
[ $(grep -vc '^==' "$tmp/err") -eq 1 ] ; t $? "  one line only"
mkdir "$tmp/bin" ; cp "$child" "$tmp/bin/sprun-in-path"
PATH="$tmp/bin:$PATH" $SP_WRAP "$SELFPIPE_RUN" sprun-in-path -e 5 -o /dev/null 2>/dev/null ; rc=$?
[ $rc -eq 5 ] ; t $? "prog found through PATH (exit $rc)"
# no #! line: run by /bin/sh, as execvp(3), tini and dumb-init do
printf 'test "$1" = "a b" && exit 6\nexit 1\n' > "$tmp/bin/sprun-noshebang" ; chmod 755 "$tmp/bin/sprun-noshebang"
$SP_WRAP "$SELFPIPE_RUN" "$tmp/bin/sprun-noshebang" "a b" 2>/dev/null ; rc=$?
[ $rc -eq 6 ] ; t $? "prog with no #! line: run by /bin/sh with its argument (exit $rc)"
PATH="$tmp/bin:$PATH" $SP_WRAP "$SELFPIPE_RUN" sprun-noshebang "a b" 2>/dev/null ; rc=$?
[ $rc -eq 6 ] ; t $? "  the same through PATH (exit $rc)"

# 111: a system call fails before the child runs (no descriptor left for
# the signal pipe, then for the spawn's). Not under valgrind, which needs
# descriptors of its own: the same binary runs bare there.
wrap=$SP_WRAP ; [ "$SP_PHASE" = valgrind ] && wrap=
for nofile in 4 5 ; do
  rm -f "$tmp/ran"
  (ulimit -n $nofile && exec $wrap "$SELFPIPE_RUN" touch "$tmp/ran") 2>"$tmp/err" ; rc=$?
  [ $rc -eq 111 ] && [ ! -e "$tmp/ran" ] ; t $? "ulimit -n $nofile: exit 111, prog not run (got $rc)"
  [ "$(grep -vc '^==' "$tmp/err")" -eq 1 ] && grep -q '^selfpipe-run: fatal: unable to ' "$tmp/err" ; t $? "  one line: selfpipe-run: fatal: unable to ..."
done

# -e code
$SP_WRAP "$SELFPIPE_RUN" -e 143 "$child" -e 143 -o /dev/null 2>/dev/null ; rc=$?
[ $rc -eq 0 ] ; t $? "-e 143: exit 143 reported as 0 (got $rc)"
$SP_WRAP "$SELFPIPE_RUN" -e 143 "$child" -e 1 -o /dev/null 2>/dev/null ; rc=$?
[ $rc -eq 1 ] ; t $? "-e 143: exit 1 still 1 (got $rc)"
$SP_WRAP "$SELFPIPE_RUN" -e 3 "$child" -e 0 -o /dev/null 2>/dev/null ; rc=$?
[ $rc -eq 0 ] ; t $? "-e 3: exit 0 still 0 (got $rc)"
$SP_WRAP "$SELFPIPE_RUN" -e 0 "$child" -e 7 -o /dev/null 2>/dev/null ; rc=$?
[ $rc -eq 7 ] ; t $? "-e 0: exit 7 still 7 (got $rc)"
# several -e add up (as tini's), each one still exact
got=
for c in 3 4 5 143 ; do
  $SP_WRAP "$SELFPIPE_RUN" -e 3 -e 4 -e 143 "$child" -e $c -o /dev/null 2>/dev/null
  got="$got $c:$?"
done
[ "$got" = " 3:0 4:0 5:5 143:0" ] ; t $? "-e 3 -e 4 -e 143: 3, 4 and 143 reported as 0, 5 as 5 (got$got)"

# -v 0: nothing at all on stderr for a normal run
$SP_WRAP "$SELFPIPE_RUN" -v 0 "$child" -e 4 -o /dev/null 2>"$tmp/err"
[ $(grep -vc '^==' "$tmp/err") -eq 0 ] ; t $? "-v 0: no line for the child's end"
$SP_WRAP "$SELFPIPE_RUN" -v 1 "$child" -e 4 -o /dev/null 2>"$tmp/err"
[ $(grep -vc '^==' "$tmp/err") -eq 1 ] ; t $? "-v 1: exactly one line for a run without signals"

tap_done
