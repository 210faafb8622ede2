#!/bin/sh
# ISC license. sp_init, sp_trap, sp_finish.
exec $SP_WRAP "$SP_TESTS/lib-setup"
