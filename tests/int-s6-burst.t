#!/usr/bin/env python3
# ISC license. 1000 paced s6-svc -h to a service under selfpipe-run: every
# signal arrives in s6-log as exactly one line, nothing lost.
import os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import intlib


def body(h):
    sup = intlib.S6(h)
    h.require(sup.needs + [('sh', 'dash'), ('sleep', 'coreutils')])
    intlib.burst_story(h, sup, 1000)


intlib.main('int-s6-burst', body)
