#!/usr/bin/env python3
# ISC license. doc/examples/runit/nginx under runit's own supervisor, with a real
# nginx on a free loopback port: up, gated reload (good then broken config),
# graceful down through the TERM -> QUIT remap.
import os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import intlib


def body(h):
    sup = intlib.Runit(h)
    h.require(sup.needs + [('nginx', 'nginx-light')])
    intlib.nginx_story(h, sup)


intlib.main('int-runit-nginx', body)
