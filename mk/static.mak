# ISC license. Static builds.
#  make musl        build-musl/selfpipe-run, and the other programs: static, musl, stripped (tools/musl-build)
#  make check-musl  builds it, checks it is static and under MUSL_MAX_SIZE
#                   bytes, then runs the library, runner and stress tests
#                   against the musl build (its own test programs, linked
#                   with musl too). SP_SIGRTMIN tells the tests musl's
#                   SIGRTMIN (35), which the python3 running them (glibc:
#                   34) does not know.
# A glibc static build is `./configure --enable-allstatic`.

MUSL_DIR := build-musl
MUSL_BUILD := $(MUSL_DIR)/tree/build
MUSL_MAX_SIZE := 98304

musl:
	sh tools/musl-build

check-musl: musl
	$(MAKE) -C $(MUSL_DIR)/tree $(addprefix build/tests/,$(notdir $(TEST_BINS))) build/tests/selfpipe-run-hooked
	@f=$(MUSL_DIR)/selfpipe-run ; \
	if readelf -l $$f | grep -q INTERP || readelf -d $$f 2>/dev/null | grep -q NEEDED ; then \
	  echo "check-musl: $$f is not static" 1>&2 ; exit 1 ; fi ; \
	size=$$(wc -c < $$f) ; echo "check-musl: $$f: static, $$size bytes" ; \
	if [ $$size -ge $(MUSL_MAX_SIZE) ] ; then echo "check-musl: $$f is $$size bytes, over $(MUSL_MAX_SIZE)" 1>&2 ; exit 1 ; fi
	@printf '#include <signal.h>\n#include <stdio.h>\nint main (void) { printf("%%d\\n", SIGRTMIN) ; return 0 ; }\n' > $(MUSL_DIR)/rtmin.c
	musl-gcc -static -o $(MUSL_DIR)/rtmin $(MUSL_DIR)/rtmin.c
	@rtmin=$$($(MUSL_DIR)/rtmin) && echo "check-musl: musl's SIGRTMIN is $$rtmin" && export SP_SIGRTMIN=$$rtmin SP_CHECK_QUICK=1 SP_CHECK_BUILD=$(MUSL_BUILD) SP_PEER_SUITES=0 ; \
	  e=0 ; \
	  SP_ONLY='lib-*.t' sh tests/check || e=1 ; \
	  SP_ONLY='run-*.t' sh tests/check || e=1 ; \
	  SP_ONLY='gen-*.t' sh tests/check || e=1 ; \
	  SP_ONLY='stress-*.t' sh tests/check || e=1 ; \
	  exit $$e

CLEAN_FILES += $(MUSL_DIR)
PHONY_TARGETS += musl check-musl
