# ISC license. make dist: the release tarball (tools/dist).
# make check-dist: that tarball unpacked in a scratch directory, built
# and put through the quick pass there, as a distribution builds it
# (tests/check-dist).

dist:
	@sh tools/dist

check-dist:
	@sh tests/check-dist

CLEAN_FILES += selfpipe-*.tar.gz
PHONY_TARGETS += dist check-dist
