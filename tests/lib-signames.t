#!/bin/sh
# ISC license. sp_sig_scan and sp_sig_fmt.
exec $SP_WRAP "$SP_TESTS/lib-signames"
