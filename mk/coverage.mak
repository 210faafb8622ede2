# ISC license. make coverage: a gcov build in build-cov/, the first pass of
# the test suite against it (SP_CHECK_QUICK=1), then the line coverage of
# every file in src/ and the total. The counts come from gcov's annotated
# output (gcov -t): a line marked "#####" was never run, a line with a
# count was. The shared library is built without coverage, in its own
# directory (its objects would overwrite the static ones' gcov notes,
# same names): the python tests run, but do not count. Every program
# is linked with tests/coverage/gcov-exit.c, an _exit() that writes the
# counters first. Some tests run the programs as nobody: the counter
# files and their directories are made writable by all (umask 0), or
# libgcov would complain on their stderr.

COV_DIR := build-cov

coverage:
	rm -rf $(COV_DIR)
	mkdir -p $(COV_DIR)
	$(CC) -std=gnu11 -Wall -Wextra -O2 -c -o $(COV_DIR)/gcov-exit.o tests/coverage/gcov-exit.c
	$(MAKE) SP_BUILDDIR=$(COV_DIR) CFLAGS='-O0 -g --coverage' LDFLAGS='--coverage $(COV_DIR)/gcov-exit.o' DO_SHARED=false all tests
	$(MAKE) SP_BUILDDIR=$(COV_DIR)/shared $(COV_DIR)/shared/$(SHLIB)
	ln -sf shared/libselfpipe.so $(COV_DIR)/libselfpipe.so
	chmod -R a+rwX $(COV_DIR)/obj
	-umask 0 ; SP_CHECK_QUICK=1 SP_CHECK_BUILD=$(COV_DIR) sh tests/check > $(COV_DIR)/check.log 2>&1 ; tail -n 1 $(COV_DIR)/check.log
	@for f in $(LIB_SOURCES) $(sort $(wildcard src/selfpipe/*.c)) ; do \
	  d=$(COV_DIR)/obj/$$(dirname $${f#src/}) ; \
	  printf '%s ' "$$f" ; \
	  if ! test -r $$d/$$(basename $$f .c).gcno ; then echo "-1 -1" ; continue ; fi ; \
	  gcov -t -o $$d $$f 2>/dev/null \
	    | awk -F: -v f="$$f" '$$2 + 0 == 0 && $$3 == "Source" { cur = $$4 ; next } cur != f { next } \
	        $$1 ~ /#####/ { n++ } $$1 ~ /^ *[0-9]+\*?$$/ { r++ ; n++ } END { printf "%d %d\n", r, n }' ; \
	done | awk '{ \
	  if ($$3 < 0) { missing = missing " " $$1 ; next } \
	  if ($$3 == 0) next ; \
	  printf "%-40s %5.1f%% of %d lines\n", $$1, 100 * $$2 / $$3, $$3 ; r += $$2 ; n += $$3 \
	} END { \
	  if (missing != "") printf "not built (no .gcno):%s\n", missing ; \
	  printf "coverage: src/: %d of %d lines, %.1f%%\n", r, n, n ? 100 * r / n : 0 \
	}'

CLEAN_FILES += $(COV_DIR)
PHONY_TARGETS += coverage
