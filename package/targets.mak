# What the package builds and installs. Read by the Makefile.

LIB_SOURCES := $(sort $(wildcard src/libselfpipe/*.c))
LIB_HEADERS := src/include/selfpipe/selfpipe.h

BIN_TARGETS := selfpipe-run
selfpipe-run_SOURCES = $(sort $(wildcard src/selfpipe/*.c))

MAN1 := $(wildcard doc/man/*.1)
MAN3 := $(wildcard doc/man/*.3)
