#!/bin/sh
# ISC license. The fork/SIGCHLD race: 10,000 runs of `selfpipe-run true`
# (200 under the sanitizers, 20 under valgrind: there it is a memory
# check, the race is the plain pass's), none may hang or fail.

case "$SP_PHASE" in
  valgrind) total=20 ;;
  sanitize) total=200 ;;
  *) total=10000 ;;
esac
if [ ! -x "$SELFPIPE_RUN" ] ; then echo "not ok 1 - selfpipe-run is built ($SELFPIPE_RUN)" ; exit 1 ; fi
tmp=$(mktemp -d) || exit 111
trap 'rm -rf "$tmp"' EXIT

loop=$SP_TESTS/sprun-loop
if [ ! -x "$loop" ] ; then echo "not ok 1 - sprun-loop is built ($loop)" ; exit 1 ; fi
# each run gets 20 s (60 s under valgrind) before it is called a hang
per=20 ; [ "$SP_PHASE" = valgrind ] && per=60
start=$(date +%s)
out=$($loop $total $per 0 $SP_WRAP "$SELFPIPE_RUN" -v 0 true)
end=$(date +%s)
set -- $out
if [ "$4" = 0 ] ; then echo "ok 1 - $2 runs of selfpipe-run true: no hang ($((end - start)) s)"
else echo "not ok 1 - run $2 of selfpipe-run true hung (killed after $per s)" ; fi
if [ "$2" = $total ] && [ "$6" = 0 ] ; then echo "ok 2 - all $total runs exited 0"
else echo "not ok 2 - $6 of $2 runs did not exit 0 (first wait status: $8)" ; fi

# the child's exit code, every time
n=$((total / 10)) ; [ $n -lt 2 ] && n=2
out=$($loop $n $per 1 $SP_WRAP "$SELFPIPE_RUN" -v 0 false)
set -- $out
if [ "$2" = $n ] && [ "$4" = 0 ] && [ "$6" = 0 ] ; then echo "ok 3 - $n runs of selfpipe-run false: each exits 1"
else echo "not ok 3 - selfpipe-run false: $out" ; fi

# with signals flying at spawn time: TERM as soon as possible, never a hang
i=0 ; hung=0 ; n=$((total / 50)) ; [ $n -lt 2 ] && n=2
while [ $i -lt $n ] ; do
  timeout -s KILL 20 $SP_WRAP "$SELFPIPE_RUN" -v 0 sleep 10 &
  p=$!
  kill -TERM $p 2>/dev/null
  sleep 0.01
  kill -TERM $p 2>/dev/null
  wait $p
  [ $? -eq 137 ] && hung=$((hung + 1))
  i=$((i + 1))
done
if [ $hung -eq 0 ] ; then echo "ok 4 - $n runs TERMed at spawn time: none hung"
else echo "not ok 4 - $hung of $n runs TERMed at spawn time hung" ; fi
echo "1..4"
