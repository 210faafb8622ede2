#!/bin/sh
# ISC license. Overflow: lost deliveries are counted and reported.
exec $SP_WRAP "$SP_TESTS/lib-overflow"
