#!/bin/sh
# ISC license. Forwarding from the handler: sp_forward, sp_forward_target, sp_forwarded.
exec $SP_WRAP "$SP_TESTS/lib-forward"
