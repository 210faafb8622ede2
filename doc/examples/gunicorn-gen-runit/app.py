# ISC license. The app that ./run serves (gunicorn app:app, from the
# service directory). It says which code and which generation answer:
# edit it (here: VERSION), s6-svc -a (or sv alarm), and the answers
# change once the rollout is done, with no request dropped in between.
import os

VERSION = '1'
GENERATION = os.environ.get('SELFPIPE_GENERATION', '?')


def app(environ, start_response):
    body = ('version %s, generation %s\n' % (VERSION, GENERATION)).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
