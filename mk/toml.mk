# mk/toml.mk — the TOML 1.0.0 parser (toml/) and its tests (tests/toml/).
#
# toml/*.c is compiled by the main Makefile's object rules (build/obj/...,
# build/asan/obj/...) and linked straight into two test programs, each in a
# normal and an ASan/UBSan variant:
#   toml-json   FILE.toml -> toml-test JSON on stdout (tests/toml/run.sh)
#   toml-unit   unit tests: accessors, error lines, ranges, allocation failure
# `make toml-test` runs the conformance suite and the unit tests on both.
# The supervisor (a static musl binary) will link toml/*.c itself.

TOML_SRC      := $(wildcard toml/*.c)
TOML_OBJ      := $(TOML_SRC:%.c=$(B)/obj/%.o)
TOML_AOBJ     := $(TOML_SRC:%.c=$(A)/obj/%.o)
TOML_PROGS    := toml-json toml-unit
TOML_TEST_OBJ := $(patsubst %,$(B)/obj/tests/toml/%.o,toml_json toml_unit)
TOML_TEST_AOBJ:= $(patsubst %,$(A)/obj/tests/toml/%.o,toml_json toml_unit)

$(B)/bin/toml-json: $(B)/obj/tests/toml/toml_json.o $(TOML_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lm

$(B)/bin/toml-unit: $(B)/obj/tests/toml/toml_unit.o $(TOML_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lm

$(A)/bin/toml-json: $(A)/obj/tests/toml/toml_json.o $(TOML_AOBJ)
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ -lm

$(A)/bin/toml-unit: $(A)/obj/tests/toml/toml_unit.o $(TOML_AOBJ)
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ -lm

all:  $(TOML_PROGS:%=$(B)/bin/%)
asan: $(TOML_PROGS:%=$(A)/bin/%)

.PHONY: toml-test
toml-test: $(TOML_PROGS:%=$(B)/bin/%) $(TOML_PROGS:%=$(A)/bin/%)
	SHARED="$(SHARED)" tests/toml/run.sh
	SHARED="$(SHARED)" tests/toml/run.sh --asan

-include $(TOML_OBJ:.o=.d) $(TOML_AOBJ:.o=.d) $(TOML_TEST_OBJ:.o=.d) $(TOML_TEST_AOBJ:.o=.d)

# libFuzzer target (clang; not part of `make test`):
#   make toml-fuzz && build/fuzz/fuzz_toml -max_total_time=60 CORPUS_DIR
$(B)/fuzz/fuzz_toml: tests/toml/fuzz_toml.c $(TOML_SRC) toml/toml.h | $(DEPS_OK)
	@mkdir -p $(@D)
	clang $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	  -o $@ $(filter %.c,$^)

.PHONY: toml-fuzz
toml-fuzz: $(B)/fuzz/fuzz_toml
