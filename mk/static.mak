# ISC license. Static builds.
#  make musl        build-musl/selfpipe-run: static, musl, stripped (tools/musl-build)
#  make check-musl  builds it, checks it is static and under MUSL_MAX_SIZE
#                   bytes, then runs the library and runner tests against the
#                   musl build (its own test programs, linked with musl too).
# A glibc static build is `./configure --enable-allstatic`.

MUSL_DIR := build-musl
MUSL_BUILD := $(MUSL_DIR)/tree/build
MUSL_MAX_SIZE ?= 65536

musl:
	sh tools/musl-build

check-musl: musl
	$(MAKE) -C $(MUSL_DIR)/tree tests
	@f=$(MUSL_DIR)/selfpipe-run ; \
	if readelf -l $$f | grep -q INTERP || readelf -d $$f 2>/dev/null | grep -q NEEDED ; then \
	  echo "check-musl: $$f is not static" 1>&2 ; exit 1 ; fi ; \
	size=$$(wc -c < $$f) ; echo "check-musl: $$f: static, $$size bytes" ; \
	if [ $$size -ge $(MUSL_MAX_SIZE) ] ; then echo "check-musl: $$f is $$size bytes, over $(MUSL_MAX_SIZE)" 1>&2 ; exit 1 ; fi
	SP_CHECK_QUICK=1 SP_CHECK_BUILD=$(MUSL_BUILD) SP_ONLY='lib-*.t' sh tests/check
	SP_CHECK_QUICK=1 SP_CHECK_BUILD=$(MUSL_BUILD) SP_ONLY='run-*.t' sh tests/check

CLEAN_FILES += $(MUSL_DIR)
PHONY_TARGETS += musl check-musl
