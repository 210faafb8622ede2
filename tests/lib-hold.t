#!/bin/sh
# ISC license. Holding the signals: sp_hold, and sp_read, sp_wait, sp_wait_deadline taking deliveries from the kernel.
exec $SP_WRAP "$SP_TESTS/lib-hold"
