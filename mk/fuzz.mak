# ISC license. libFuzzer targets (clang): tests/fuzz/fuzz-<name>.c, seed
# corpus tests/fuzz/corpus-<name>/, dictionary tests/fuzz/<name>.dict.
#  make fuzz                   builds build-fuzz/fuzz-<name>, runs each FUZZ_RUNS times
#  make fuzz FUZZ_RUNS=1000000
# New inputs go to build-fuzz/corpus-<name>/ (the seeds are never written
# to); a crash leaves build-fuzz/crash-* and fails the target.

FUZZ_DIR := build-fuzz
FUZZ_CC := clang
FUZZ_RUNS := 200000
FUZZ_SAN := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -Isrc/include -Isrc/selfpipe -g -O1 $(FUZZ_SAN)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz-,$(FUZZ_NAMES))
# The runner's code without its main(), for the option parser target.
FUZZ_RUN_SOURCES := $(filter-out src/selfpipe/selfpipe-run.c,$(sort $(wildcard src/selfpipe/*.c)))

fuzz-build: $(FUZZ_BINS)

$(FUZZ_DIR)/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_SOURCES) $(FUZZ_RUN_SOURCES) $(HEADERS_ALL)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SOURCES) $(FUZZ_RUN_SOURCES) $(LDFLAGS_STATIC_PATH) $(LIBS)

fuzz: $(FUZZ_BINS)
	@for n in $(FUZZ_NAMES) ; do \
	  mkdir -p $(FUZZ_DIR)/corpus-$$n || exit 1 ; \
	  echo "fuzz: $$n, $(FUZZ_RUNS) runs" ; \
	  start=$$(date +%s) ; \
	  $(FUZZ_DIR)/fuzz-$$n -runs=$(FUZZ_RUNS) -max_len=512 -artifact_prefix=$(FUZZ_DIR)/ \
	    -dict=tests/fuzz/$$n.dict -print_final_stats=1 \
	    $(FUZZ_DIR)/corpus-$$n tests/fuzz/corpus-$$n > $(FUZZ_DIR)/fuzz-$$n.log 2>&1 \
	    || { tail -n 40 $(FUZZ_DIR)/fuzz-$$n.log ; echo "fuzz: $$n FAILED (log: $(FUZZ_DIR)/fuzz-$$n.log)" ; exit 1 ; } ; \
	  grep -E '^(Done|stat::number_of_executed_units)' $(FUZZ_DIR)/fuzz-$$n.log ; \
	  echo "fuzz: $$n ok, $$(( $$(date +%s) - start )) s" ; \
	done

CLEAN_FILES += $(FUZZ_DIR)
PHONY_TARGETS += fuzz fuzz-build
