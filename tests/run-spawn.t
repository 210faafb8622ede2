#!/bin/sh
# ISC license. The fork/SIGCHLD race: 10,000 runs of `selfpipe-run true`
# (200 under valgrind or the sanitizers), none may hang or fail.

case "$SP_PHASE" in
  valgrind|sanitize) total=200 ;;
  *) total=10000 ;;
esac
if [ ! -x "$SELFPIPE_RUN" ] ; then echo "not ok 1 - selfpipe-run is built ($SELFPIPE_RUN)" ; exit 1 ; fi
tmp=$(mktemp -d) || exit 111
trap 'rm -rf "$tmp"' EXIT

# each run gets 20 s (60 s under valgrind) before `timeout` calls it a hang
per=20 ; [ "$SP_PHASE" = valgrind ] && per=60
start=$(date +%s)
i=0 ; hung=0 ; bad=0
while [ $i -lt $total ] ; do
  timeout -s KILL $per $SP_WRAP "$SELFPIPE_RUN" -v 0 true
  rc=$?
  if [ $rc -eq 137 ] ; then hung=$((hung + 1)) ; break
  elif [ $rc -ne 0 ] ; then bad=$((bad + 1)) ; echo "# run $i: exit $rc" ; [ $bad -gt 5 ] && break ; fi
  i=$((i + 1))
done
end=$(date +%s)
if [ $hung -eq 0 ] ; then echo "ok 1 - $i runs of selfpipe-run true: no hang ($((end - start)) s)"
else echo "not ok 1 - run $i of selfpipe-run true hung (killed after $per s)" ; fi
if [ $bad -eq 0 ] && [ $i -eq $total ] ; then echo "ok 2 - all $total runs exited 0"
else echo "not ok 2 - $bad of $i runs did not exit 0" ; fi

# the same with the child's exit code: true / false alternate
i=0 ; bad=0 ; n=$((total / 10))
while [ $i -lt $n ] ; do
  timeout -s KILL $per $SP_WRAP "$SELFPIPE_RUN" -v 0 false
  [ $? -eq 1 ] || bad=$((bad + 1))
  i=$((i + 1))
done
if [ $bad -eq 0 ] ; then echo "ok 3 - $n runs of selfpipe-run false: each exits 1"
else echo "not ok 3 - $bad of $n runs of selfpipe-run false did not exit 1" ; fi

# with signals flying at spawn time: TERM as soon as possible, never a hang
i=0 ; hung=0 ; n=$((total / 50))
while [ $i -lt $n ] ; do
  timeout -s KILL $per $SP_WRAP "$SELFPIPE_RUN" -v 0 sleep 10 &
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
