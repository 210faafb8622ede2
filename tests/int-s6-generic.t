#!/usr/bin/env python3
# ISC license. doc/examples/s6/generic under s6's own supervisor: -k kills a
# child that ignores the remapped stop signal, and -r makes ./finish see the
# signal that killed the child instead of exit code 143, and when the
# supervisor SIGKILLs the runner, -p passes a signal on to the child;
# hups that arrive while a -c hook runs fold into one re-run.
import os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import intlib


def body(h):
    sup = intlib.S6(h)
    h.require(sup.needs + [('sh', 'dash'), ('sleep', 'coreutils')])
    intlib.generic_story(h, sup)


intlib.main('int-s6-generic', body)
