#!/bin/sh
# ISC license. sp_finish while a handler runs in another thread.
exec $SP_WRAP "$SP_TESTS/lib-finish-threads"
