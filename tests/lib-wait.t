#!/bin/sh
# ISC license. sp_wait and sp_wait_deadline.
exec $SP_WRAP "$SP_TESTS/lib-wait"
