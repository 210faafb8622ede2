#!/bin/sh
# ISC license. selfpipe-run: every usage error exits 100 with one line
# on stderr that names the bad word, and never runs prog.

. "$SP_SRC/tests/tap.sh"
tmp=$(mktemp -d) || exit 111
trap 'rm -rf "$tmp"' EXIT
marker=$tmp/ran
printf '#!/bin/sh\nexit 0\n' > "$tmp/hook" ; chmod 755 "$tmp/hook"
printf '#!/bin/sh\nexit 0\n' > "$tmp/noexec" ; chmod 644 "$tmp/noexec"
mkdir "$tmp/dir"

# usage_error word args... : expect exit 100, one line mentioning word
# under valgrind (half a second a run) every third case: the parse
# paths are the same, valgrind only looks for memory errors there
case_no=0
usage_error () {
  case_no=$((case_no + 1))
  [ "$SP_PHASE" = valgrind ] && [ $((case_no % 3)) -ne 1 ] && return 0
  word=$1 ; shift
  rm -f "$marker"
  $SP_WRAP "$SELFPIPE_RUN" "$@" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  grep -v '^==[0-9]*==' "$tmp/err" > "$tmp/err2"
  lines=$(wc -l < "$tmp/err2")
  why=
  [ "$rc" -eq 100 ] || why="exit $rc, not 100"
  [ -z "$why" ] && [ "$lines" -ne 1 ] && why="$lines lines on stderr, not 1"
  [ -z "$why" ] && ! grep -q '^selfpipe-run: \(usage\|fatal\): ' "$tmp/err2" && why="not a 'selfpipe-run: usage:' or 'fatal:' line"
  [ -z "$why" ] && [ -n "$word" ] && ! grep -qiF -- "$word" "$tmp/err2" && why="the line does not name $word"
  [ -z "$why" ] && [ -e "$marker" ] && why="prog ran"
  [ -z "$why" ] && [ -s "$tmp/out" ] && why="wrote to stdout"
  [ -z "$why" ] ; t $? "usage error: $*${why:+: $why}" "$tmp/err"
}

prog="touch $marker"

# options and numbers
usage_error Z -Z $prog
usage_error '' -v
usage_error x -v x $prog
usage_error 'not text or json' -o yaml $prog
usage_error '' -o
usage_error 3x -v 3x $prog
usage_error abc -k abc $prog
usage_error -5 -k -5 $prog
usage_error 99999999999999999999 -k 99999999999999999999 $prog
usage_error 5ms -k 5ms $prog
usage_error abc -D abc $prog
usage_error -5 -D -5 $prog
usage_error 99999999999999999999 -D 99999999999999999999 $prog
usage_error 2s -D 2s $prog
usage_error '-D needs an argument' -D
usage_error abc -w abc $prog
usage_error 99999999999999999999 -w 99999999999999999999 $prog
usage_error abc -e abc $prog
usage_error 256 -e 256 $prog
usage_error -1 -e -1 $prog
# no prog
usage_error '' 
usage_error '' -g
usage_error '' -g --
usage_error '' -k 100
# signals
usage_error FOO -p FOO $prog
usage_error 65 -p 65 $prog
usage_error 0 -p 0 $prog
usage_error 32 -p 32 $prog
usage_error 33 -p 33 $prog
usage_error RTMIN+99 -p RTMIN+99 $prog
usage_error RTMAX-99 -p RTMAX-99 $prog
usage_error SIGSIGHUP -p SIGSIGHUP $prog
usage_error HUPX -p HUPX $prog
usage_error FOO -a FOO $prog
usage_error 0 -a 0 $prog
usage_error 32 -a 32 $prog
usage_error "SIGSTOP cannot be caught" -a STOP $prog
usage_error "SIGCHLD is the runner's own" -a CHLD $prog
usage_error "SIGSEGV" -a SEGV $prog
usage_error "-t 0 leaves -k" -t 0 -k 100 $prog
usage_error "-t 0 leaves -k" -t 0 -S TERM/100,KILL $prog
usage_error "-t 0 leaves -k" -t 0 -D 100 $prog
usage_error FOO -t TERM,FOO $prog
usage_error 99 -t 99 $prog
usage_error '' -t TERM,,HUP $prog
usage_error FOO -m FOO:HUP $prog
usage_error FOO -m HUP:FOO $prog
usage_error 99 -m 99:HUP $prog
usage_error "RTMIN+40:HUP: unknown signal before the colon" -m RTMIN+40:HUP $prog
usage_error 99 -m HUP:99 $prog
usage_error HUP -m HUP $prog
usage_error "SIGKILL cannot be caught" -m KILL:TERM $prog
usage_error "SIGSYS is a synchronous fault signal, forwarded only as itself" -m SYS:HUP $prog
usage_error "SIGSEGV is a synchronous fault signal" -c SEGV:$tmp/hook $prog
usage_error "-t TERM,ILL: SIGILL is a synchronous fault signal" -t TERM,ILL $prog
usage_error "SIGCHLD is the runner's own" -m CHLD:HUP $prog
usage_error "SIGSTOP cannot be caught" -t STOP $prog
usage_error "an empty stage" -S "QUIT/10,,KILL" $prog
usage_error "stage \"FOO/10\": not a signal" -S FOO/10 $prog
usage_error "stage \"KILL\": every stage but the last needs /ms" -S KILL,TERM $prog
usage_error "SIGKILL must be the last stage" -S QUIT/10,KILL/10,TERM $prog
usage_error "not a number of milliseconds" -S QUIT/99999999999 $prog
usage_error "add up to more than 2147483647 ms" -S QUIT/2000000000,TERM/2000000000,KILL $prog
usage_error "more than 16 stages" -S "$(i=0 ; l=TERM/1 ; while [ $i -lt 9999 ] ; do l="$l,TERM/1" ; i=$((i + 1)) ; done ; echo $l)" $prog
usage_error "-k gives the stop schedule already" -k 5 -S TERM $prog
usage_error "-S gives the stop schedule already" -S TERM -k 5 $prog
usage_error STOP -m STOP:TERM $prog
usage_error CHLD -m CHLD:TERM $prog
usage_error 9 -m 9:TERM $prog
usage_error HUP -m HUP:TERM -m hup:USR1 $prog
usage_error 1:USR1 -m SIGHUP:TERM -m 1:USR1 $prog
usage_error FOO -c FOO:$tmp/hook $prog
usage_error KILL -c KILL:$tmp/hook $prog
usage_error STOP -c STOP:$tmp/hook $prog
usage_error CHLD -c CHLD:$tmp/hook $prog
usage_error HUP -c HUP $prog
usage_error HUP -c HUP:$tmp/hook -c sighup:$tmp/hook $prog
usage_error "$tmp/noexec" -c HUP:$tmp/noexec $prog
usage_error "$tmp/nonexistent" -c HUP:$tmp/nonexistent $prog
usage_error "$tmp/dir" -c HUP:$tmp/dir $prog

# and the good forms of the same words are accepted
$SP_WRAP "$SELFPIPE_RUN" -v 2 -T -g -s -r -e 143 -k 100 -t term,SIGHUP,2,RTMIN+1 -p sigusr1 \
  -m rtmax-1:RTMIN -m hup:0 -m usr1:KILL -m USR2:STOP -c SIGINT:$tmp/hook -w 50 -- $prog 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && [ -e "$marker" ] ; t $? "every option in its good form: prog runs, exit 0 (exit $rc)" "$tmp/err"

# -h, --help: the usage and examples on stdout, exit 0; -V, --version:
# the version of package/info; none of them runs prog
version=$(sed -n 's/^version=//p' "$SP_SRC/package/info")
for opt in -h --help "-v 2 --help" ; do
  rm -f "$marker"
  $SP_WRAP "$SELFPIPE_RUN" $opt $prog > "$tmp/out" 2> "$tmp/err" ; rc=$?
  [ $rc -eq 0 ] && [ ! -e "$marker" ] && head -1 "$tmp/out" | grep -qF "usage: selfpipe-run [ -v verbosity ]" \
    && grep -q "s6 run script" "$tmp/out" && [ -z "$(grep -v '^==' "$tmp/err")" ]
  t $? "$opt: usage and examples on stdout, exit 0, prog not run (exit $rc)" "$tmp/out"
done
for opt in -V --version ; do
  rm -f "$marker"
  $SP_WRAP "$SELFPIPE_RUN" $opt $prog > "$tmp/out" 2> "$tmp/err" ; rc=$?
  [ $rc -eq 0 ] && [ ! -e "$marker" ] && [ "$(cat "$tmp/out")" = "selfpipe-run $version" ]
  t $? "$opt: 'selfpipe-run $version' on stdout, exit 0 (exit $rc)" "$tmp/out"
done
grep -qaF "selfpipe-run $version" "$SELFPIPE_RUN" ; t $? "the binary carries its version string"
usage_error "--helpx" --helpx $prog

tap_done
