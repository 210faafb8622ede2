#!/bin/sh
# ISC license. A child forked without sp_fork.
exec $SP_WRAP "$SP_TESTS/lib-fork"
