# ISC license. TAP for the shell tests: . "$SP_SRC/tests/tap.sh"
#  t STATUS WHAT [FILE]  "ok N - WHAT" when STATUS is 0, else "not ok N -
#                        WHAT" and the first lines of FILE as a diagnostic
#  scaled SECONDS        SECONDS stretched by SP_TIMEOUT_SCALE, for a
#                        deadline on a slow or busy machine
#  tap_done              the plan line; fails when a test failed

tap_n=0 ; tap_failed=0

t () {
  tap_n=$((tap_n + 1))
  if [ "$1" -eq 0 ] ; then echo "ok $tap_n - $2"
  else
    echo "not ok $tap_n - $2" ; tap_failed=$((tap_failed + 1))
    if [ -n "$3" ] ; then sed -e 's/^/#   /' "$3" | head -15 ; fi
  fi
}

scaled () {
  awk -v t="$1" -v s="${SP_TIMEOUT_SCALE:-1}" 'BEGIN {
    if (s !~ /^[0-9]*\.?[0-9]+$/ || s + 0 <= 0) { print "SP_TIMEOUT_SCALE=" s " is not a positive number" > "/dev/stderr" ; exit 1 }
    printf "%d", t * s + 0.999 }'
}

tap_done () {
  echo "1..$tap_n"
  [ $tap_failed -eq 0 ]
}
