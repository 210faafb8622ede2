# What the package builds and installs. Read by the Makefile.

LIB_SOURCES := $(sort $(wildcard src/libselfpipe/*.c))
LIB_HEADERS := src/include/selfpipe/selfpipe.h

BIN_TARGETS := selfpipe-run selfpipe-gen selfpipe-bind selfpipe-listenfds
selfpipe-run_SOURCES = $(sort $(wildcard src/selfpipe/*.c))
# selfpipe-gen: its own main and src/generations, on the runner's code
RUN_SHARED_SOURCES = $(filter-out src/selfpipe/selfpipe-run.c,$(selfpipe-run_SOURCES))
selfpipe-gen_SOURCES = $(sort $(wildcard src/generations/*.c)) $(RUN_SHARED_SOURCES)
# the chain-loaders: a main each, the rest of src/sockets shared
SOCK_SOURCES := $(filter-out src/sockets/selfpipe-%.c,$(sort $(wildcard src/sockets/*.c)))
selfpipe-bind_SOURCES = src/sockets/selfpipe-bind.c $(SOCK_SOURCES)
selfpipe-listenfds_SOURCES = src/sockets/selfpipe-listenfds.c $(SOCK_SOURCES)

MAN1 := $(wildcard doc/man/*.1)
MAN3 := $(wildcard doc/man/*.3)
