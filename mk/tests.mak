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
