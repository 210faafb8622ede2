#!/bin/sh
# ISC license. Order, multiplicity and contents of the records.
exec $SP_WRAP "$SP_TESTS/lib-order"
