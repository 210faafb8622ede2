#!/bin/sh
# ISC license. Server::Starter's socket, the systemd way: start_server
# hands its workers SERVER_STARTER_PORT="127.0.0.1:8080=5" (host:port=fd,
# ";"-separated when there are several) and SERVER_STARTER_GENERATION;
# gunicorn (like most daemons that are not Perl) knows neither, and
# selfpipe-listenfds starts from sockets it finds at fd 3. This moves the
# one socket to fd 3, sets LISTEN_FDS=1 and LISTEN_PID (exec keeps this
# pid), and SELFPIPE_GENERATION for the same app.py, then execs prog.
#   starter_listenfds.sh prog...
case "$SERVER_STARTER_PORT" in
  ""|*\;*) echo "starter_listenfds: SERVER_STARTER_PORT=$SERVER_STARTER_PORT: not one socket" 1>&2 ; exit 100 ;;
esac
fd=${SERVER_STARTER_PORT##*=}
case "$fd" in
  ""|*[!0-9]*) echo "starter_listenfds: SERVER_STARTER_PORT=$SERVER_STARTER_PORT: no fd" 1>&2 ; exit 100 ;;
esac
if [ "$fd" != 3 ] ; then
  eval "exec 3<&$fd $fd<&-" || exit 111
fi
LISTEN_FDS=1 LISTEN_PID=$$ SELFPIPE_GENERATION=$SERVER_STARTER_GENERATION
export LISTEN_FDS LISTEN_PID SELFPIPE_GENERATION
exec "$@"
