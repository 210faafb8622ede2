#!/bin/sh
# ISC license. Signals handled in other threads.
exec $SP_WRAP "$SP_TESTS/lib-threads"
