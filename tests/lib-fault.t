#!/bin/sh
# ISC license. Fault signals, sent and real.
exec $SP_WRAP "$SP_TESTS/lib-fault"
