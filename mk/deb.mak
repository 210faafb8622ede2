# ISC license. make check-deb: the Debian packages of debian/, built
# from the release tarball with dpkg-buildpackage, checked by lintian,
# unpacked into a scratch root and tried there (tests/check-deb).

check-deb:
	@sh tests/check-deb

PHONY_TARGETS += check-deb
