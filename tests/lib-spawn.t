#!/bin/sh
# ISC license. sp_fork and sp_spawn.
exec $SP_WRAP "$SP_TESTS/lib-spawn"
