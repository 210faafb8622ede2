# The examples of the documentation, built as programs: doc/examples/*.c
# becomes $(SP_BUILDDIR)/examples/*, linked with the static library like the tests.

EXAMPLE_SOURCES := $(sort $(wildcard doc/examples/*.c))
EXAMPLE_BINS := $(patsubst doc/examples/%.c,$(SP_BUILDDIR)/examples/%,$(EXAMPLE_SOURCES))
ALL_TARGETS += $(EXAMPLE_BINS)

$(SP_BUILDDIR)/examples/%: doc/examples/%.c $(STATIC_LIB) $(HEADERS_ALL)
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) $(SP_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LIBS)
