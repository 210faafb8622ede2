#!/bin/sh
# ISC license. The README's first command, sh tools/demo, keeps working:
# it exits 0 and shows the remap, the gate passing then holding, and the
# exit. (It uses the normal build whatever the phase: the demo is for
# people, the phases are for the runner.) SP_DEMO_RUN, when set, is the
# runner the demo shows instead (make check-deb: the packaged one).

. "$SP_SRC/tests/tap.sh"
out=$(mktemp) || exit 111
trap 'rm -f "$out"' EXIT

cd "$SP_SRC" || exit 111
timeout "$(scaled 120)" sh tools/demo > "$out" 2>&1
rc=$?
[ $rc -eq 0 ] ; t $? "sh tools/demo exits 0 (got $rc)" "$out"
runner=${SP_DEMO_RUN:-$SP_SRC/build/selfpipe-run}
grep -qF "the runner: $runner (" "$out" ; t $? "  it shows $runner"
# the demo script sends every signal itself, as sh, with kill
me=$(sed -n 's/.*this script is pid \([0-9]*\)\..*/\1/p' "$out")
from="from pid $me (sh) uid $(id -u) by kill"
grep -q "selfpipe-run: info: SIGUSR1 $from -> SIGUSR2 to pid [0-9]*\$" "$out" ; t $? "  it shows the remap's log line, naming the demo script (pid $me) as the sender"
grep -q '(service) got SIGUSR2, si_code 0, from pid [0-9]*$' "$out" ; t $? "  and the service getting SIGUSR2"
grep -q 'gate run 1: SELFPIPE_SIGNAL=SIGHUP .*-> exit 0: forward$' "$out" ; t $? "  the gate passing once"
grep -q "selfpipe-run: info: SIGHUP $from -> held: hook ./gate exited 1\$" "$out" ; t $? "  then holding, with the held line"
sed -n '/^== 6\./,/^== 7\./p' "$out" | grep -q '(service) got nothing' ; t $? "  and the service getting nothing then"
grep -q 'selfpipe-run: info: child [0-9]* killed by SIGTERM$' "$out" && grep -q 'selfpipe-run exited 143 ' "$out" ; t $? "  the end: killed by SIGTERM, exit 143"
pid=$(sed -n 's/.*the service is pid \([0-9]*\),.*/\1/p' "$out")
[ -n "$pid" ] && [ ! -d /proc/$pid ] ; t $? "  nothing left running (service pid $pid)"
tap_done
