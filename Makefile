# ISC license. Makefile for selfpipe. Needs GNU make; run ./configure first.

it: all

# A fresh clone can go straight to `make` or `make check`: configure
# then runs with the defaults.
include config.mak
config.mak:
	./configure
include package/info
include package/targets.mak

# The knobs of this Makefile are set with :=, so that only the command
# line changes them (make SANITIZE=1, make SP_BUILDDIR=dir): the
# environment does not. A user's shell may export B, SANITIZE or
# DO_SHARED for reasons of its own, and that must not move the build
# or change its flavour. The exceptions are the usual ones: CFLAGS,
# CPPFLAGS, LDFLAGS, RANLIB, AR, and DESTDIR for make install
# (DESTDIR=... make install is common, and ignoring it would install
# into the live system).
SANITIZE :=

# A build directory per flavour, so a sanitizer build can sit beside the normal one.
ifeq ($(SANITIZE),1)
SP_BUILDDIR := build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
DO_SHARED := false
else
SP_BUILDDIR := build
SAN_FLAGS :=
endif

CFLAGS ?= $(if $(CFLAGS_USER),$(CFLAGS_USER),-O2 -g)
CPPFLAGS ?= $(CPPFLAGS_USER)
LDFLAGS ?= $(LDFLAGS_USER)
SP_CFLAGS := -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -Isrc/include $(CPPFLAGS_LBSS) $(SAN_FLAGS) $(CPPFLAGS) $(CFLAGS)
ifeq ($(DO_ALLSTATIC),true)
SP_LDFLAGS := -static $(LDFLAGS_STATIC_PATH) $(SAN_FLAGS) $(LDFLAGS)
else
SP_LDFLAGS := $(LDFLAGS_SHARED_PATH) $(LDFLAGS_STATIC_PATH) $(SAN_FLAGS) $(LDFLAGS)
endif
LIBS := -lskarnet
# Programs: libskarnet.a when configure found it (see --disable-static-skalibs)
ifeq ($(DO_STATIC_SKALIBS),true)
PROG_LIBS := -Wl,-Bstatic -lskarnet -Wl,-Bdynamic
else
PROG_LIBS := $(LIBS)
endif

version_major := $(word 1,$(subst ., ,$(version)))
version_minor := $(word 2,$(subst ., ,$(version)))
SONAME := libselfpipe.so.$(version_major).$(version_minor)
SHLIB := libselfpipe.so.$(version)

LIB_OBJS := $(patsubst src/%.c,$(SP_BUILDDIR)/obj/%.o,$(LIB_SOURCES))
LIB_LOBJS := $(patsubst src/%.c,$(SP_BUILDDIR)/obj/%.lo,$(LIB_SOURCES))
STATIC_LIB := $(SP_BUILDDIR)/libselfpipe.a
SHARED_LIB := $(SP_BUILDDIR)/$(SHLIB)
BINS := $(addprefix $(SP_BUILDDIR)/,$(BIN_TARGETS))
HEADERS_ALL := $(wildcard src/include/selfpipe/*.h) $(wildcard src/libselfpipe/*.h) $(wildcard src/selfpipe/*.h) $(wildcard src/generations/*.h) $(wildcard src/sockets/*.h)

# Extra pieces (tests, benchmarks, bindings...) add to these in mk/*.mak.
ALL_TARGETS := $(STATIC_LIB) $(BINS) $(SP_BUILDDIR)/selfpipe.pc
ifeq ($(DO_SHARED),true)
ALL_TARGETS += $(SHARED_LIB)
endif
CLEAN_FILES :=
PHONY_TARGETS := it all install install-lib install-bin install-include install-man install-pc check clean distclean

-include $(sort $(wildcard mk/*.mak))

all: $(ALL_TARGETS)

# config.mak: a new ./configure may change the flags
$(SP_BUILDDIR)/obj/%.o: src/%.c $(HEADERS_ALL) config.mak
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) -c -o $@ $<

$(SP_BUILDDIR)/obj/%.lo: src/%.c $(HEADERS_ALL) config.mak
	@mkdir -p $(@D)
	$(CC) $(SP_CFLAGS) -fPIC -c -o $@ $<

# the runner's -V: the version of package/info, in the binary
$(SP_BUILDDIR)/obj/selfpipe/sprun_help.o: package/info
$(SP_BUILDDIR)/obj/selfpipe/sprun_help.o: SP_CFLAGS += -DSELFPIPE_VERSION='"$(version)"'
$(SP_BUILDDIR)/obj/generations/spgen_help.o: package/info
$(SP_BUILDDIR)/obj/generations/spgen_help.o: SP_CFLAGS += -DSELFPIPE_VERSION='"$(version)"'

$(STATIC_LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rc $@ $^
	$(RANLIB) $@

RANLIB ?= ranlib

# --enable-allstatic is about the programs: the shared library is never -static.
$(SHARED_LIB): $(LIB_LOBJS)
	$(CC) -shared -Wl,-soname,$(SONAME) $(filter-out -static,$(SP_LDFLAGS)) -o $@ $^ $(LIBS)
	ln -sf $(SHLIB) $(SP_BUILDDIR)/$(SONAME)
	ln -sf $(SONAME) $(SP_BUILDDIR)/libselfpipe.so

# Programs use the static library of their own package, as skarnet packages do.
# (The objects come through a function: a literal % in a static pattern
# rule's prerequisites would be replaced by the stem.)
bin_objs = $(patsubst src/%.c,$(SP_BUILDDIR)/obj/%.o,$($(1)_SOURCES))
.SECONDEXPANSION:
$(BINS): $(SP_BUILDDIR)/%: $$(call bin_objs,$$*) $(STATIC_LIB)
	$(CC) $(SP_LDFLAGS) $(LDFLAGS_BINDNOW) -o $@ $^ $(PROG_LIBS)

$(SP_BUILDDIR)/selfpipe.pc: package/info config.mak
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=$(prefix)' 'libdir=$(libdir)' 'includedir=$(includedir)' '' \
	  'Name: selfpipe' 'Description: the self-pipe trick: every signal delivery as a siginfo record, in order' \
	  'Version: $(version)' 'Requires.private:' 'Libs: -L$${libdir} -lselfpipe' 'Libs.private: -lskarnet' \
	  'Cflags: -I$${includedir}' > $@

install: install-lib install-bin install-include install-man install-pc

install-lib: $(STATIC_LIB) $(if $(filter true,$(DO_SHARED)),$(SHARED_LIB))
	mkdir -p $(DESTDIR)$(libdir)
ifeq ($(DO_STATIC),true)
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(libdir)/libselfpipe.a
endif
ifeq ($(DO_SHARED),true)
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(libdir)/$(SHLIB)
	ln -sf $(SHLIB) $(DESTDIR)$(libdir)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(libdir)/libselfpipe.so
endif

install-bin: $(BINS)
	mkdir -p $(DESTDIR)$(bindir)
	for i in $(BIN_TARGETS) ; do install -m 755 $(SP_BUILDDIR)/$$i $(DESTDIR)$(bindir)/$$i || exit 1 ; done

install-include: $(LIB_HEADERS)
	mkdir -p $(DESTDIR)$(includedir)/selfpipe
	install -m 644 $(LIB_HEADERS) $(DESTDIR)$(includedir)/selfpipe/

install-man:
	mkdir -p $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man3
	for i in $(MAN1) ; do install -m 644 $$i $(DESTDIR)$(mandir)/man1/ || exit 1 ; done
	for i in $(MAN3) ; do install -m 644 $$i $(DESTDIR)$(mandir)/man3/ || exit 1 ; done

install-pc: $(SP_BUILDDIR)/selfpipe.pc
	mkdir -p $(DESTDIR)$(pkgconfigdir)
	install -m 644 $(SP_BUILDDIR)/selfpipe.pc $(DESTDIR)$(pkgconfigdir)/selfpipe.pc

# The whole suite: a normal pass, a pass under ASan+UBSan, one under valgrind.
check: all
	@sh tests/check

clean:
	rm -rf build build-san $(CLEAN_FILES)

distclean: clean
	rm -f config.mak

.PHONY: $(PHONY_TARGETS)
.DELETE_ON_ERROR:
