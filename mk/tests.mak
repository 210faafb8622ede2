# Test programs: every tests/*.c is one program, linked with the static
# library. `make tests` builds them; `make check` runs the suite.

TEST_SOURCES := $(sort $(wildcard tests/*.c))
TEST_BINS := $(patsubst tests/%.c,$(SP_BUILDDIR)/tests/%,$(TEST_SOURCES))
TEST_LIBS := $(LIBS) -lpthread -lutil

tests: $(TEST_BINS)

$(SP_BUILDDIR)/tests/%: tests/%.c $(STATIC_LIB) $(HEADERS_ALL) $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) -Itests $(SP_LDFLAGS) -o $@ $< $(STATIC_LIB) $(TEST_LIBS)

check: tests
PHONY_TARGETS += tests

# selfpipe-run's test build: SPRUN_TEST_HOOKS in sprun_reap.c, and the
# hooks of tests/hooks/. Tests only, never installed.
SPRUN_HOOKED_OBJS = $(patsubst src/%.c,$(SP_BUILDDIR)/obj/%.o,$(filter-out src/selfpipe/sprun_reap.c,$(selfpipe-run_SOURCES)))

$(SP_BUILDDIR)/obj/hooked/sprun_reap.o: src/selfpipe/sprun_reap.c $(HEADERS_ALL)
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) -DSPRUN_TEST_HOOKS -c -o $@ $<

$(SP_BUILDDIR)/tests/selfpipe-run-hooked: $(SPRUN_HOOKED_OBJS) $(SP_BUILDDIR)/obj/hooked/sprun_reap.o tests/hooks/sprun_test_hooks.c $(STATIC_LIB)
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) -DSPRUN_TEST_HOOKS -Isrc/selfpipe $(SP_LDFLAGS) -o $@ $^ $(PROG_LIBS)

tests: $(SP_BUILDDIR)/tests/selfpipe-run-hooked
