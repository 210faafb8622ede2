# ISC license. make check-load: the quick pass of the suite with the
# machine 2x oversubscribed by stress-ng (tests/check-load). A test that
# fails only here assumes the machine is idle: it should wait for a
# condition, or scale its deadline by SP_TIMEOUT_SCALE.

check-load: all tests
	@sh tests/check-load

PHONY_TARGETS += check-load
