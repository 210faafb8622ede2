# ISC license. Benchmarks: `make bench` (not part of `make check`). Every
# tests/bench/*.c is one program in $(SP_BUILDDIR)/bench/, linked like the tests;
# then every executable tests/bench/*.bench runs, in name order, with
# the same environment tests/check gives the tests.

BENCH_SOURCES := $(sort $(wildcard tests/bench/*.c))
BENCH_BINS := $(patsubst tests/bench/%.c,$(SP_BUILDDIR)/bench/%,$(BENCH_SOURCES))

$(SP_BUILDDIR)/bench/%: tests/bench/%.c $(STATIC_LIB) $(HEADERS_ALL) $(wildcard tests/bench/*.h)
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) -Itests/bench $(SP_LDFLAGS) -o $@ $< $(STATIC_LIB) -Wl,--as-needed $(LIBS) -lpthread

# The floor of a static runner, to measure the static builds of
# selfpipe-run (make musl, --enable-allstatic) against.
$(SP_BUILDDIR)/bench/minfwd-static: tests/bench/minfwd.c
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) -static -o $@ $<

BENCH_BINS += $(SP_BUILDDIR)/bench/minfwd-static

# And the floor for a musl-static runner, when musl-gcc is there.
$(SP_BUILDDIR)/bench/minfwd-musl: tests/bench/minfwd.c
	@mkdir -p $(@D)
	musl-gcc -std=gnu11 -Wall -Wextra -Os -static -o $@ $<

BENCH_BINS += $(if $(shell command -v musl-gcc 2>/dev/null),$(SP_BUILDDIR)/bench/minfwd-musl)

bench-programs: $(BENCH_BINS)

bench: all bench-programs
	@top=$$(pwd) ; for b in $(sort $(wildcard tests/bench/*.bench)) ; do \
	  test -x "$$b" || continue ; \
	  echo "== $$b" ; \
	  SP_SRC="$$top" SP_BUILD="$$top/$(SP_BUILDDIR)" SP_BENCH="$$top/$(SP_BUILDDIR)/bench" \
	  SELFPIPE_RUN="$$top/$(SP_BUILDDIR)/selfpipe-run" SELFPIPE_LIB="$$top/$(SP_BUILDDIR)/libselfpipe.so" \
	    "./$$b" || echo "== $$b exited $$?" ; \
	done

PHONY_TARGETS += bench bench-programs
# tests/bench/README builds a glibc-static runner there for the benchmark
CLEAN_FILES += build-gs
