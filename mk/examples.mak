# The examples of the documentation, built as programs: doc/examples/*.c
# becomes $(B)/examples/*, linked with the static library like the tests.

EXAMPLE_SOURCES := $(sort $(wildcard doc/examples/*.c))
EXAMPLE_BINS := $(patsubst doc/examples/%.c,$(B)/examples/%,$(EXAMPLE_SOURCES))
ALL_TARGETS += $(EXAMPLE_BINS)

$(B)/examples/%: doc/examples/%.c $(STATIC_LIB) $(HEADERS_ALL)
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) $(SP_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LIBS)
