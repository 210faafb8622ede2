#!/bin/sh
# ISC license. Sender pid and uid of signals sent by other processes.
exec $SP_WRAP "$SP_TESTS/lib-sender"
