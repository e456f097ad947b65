# mk/toml.mk — the TOML 1.0.0 parser (toml/) and its tests (tests/toml/),
# two programs linking toml/*.c's objects, in both variants:
#   toml-json   FILE.toml -> toml-test JSON on stdout (tests/toml/run.sh)
#   toml-unit   unit tests: accessors, error lines, ranges, allocation failure
# libvyprofile.a (mk/profile.mk) carries the parser for the supervisor.

TOML_SRC      := $(wildcard toml/*.c)
PROGS         += toml-json toml-unit
toml-json_SRC := tests/toml/toml_json.c $(TOML_SRC)
toml-unit_SRC := tests/toml/toml_unit.c $(TOML_SRC)

.PHONY: toml-fuzz

# make toml-fuzz && build/fuzz/fuzz_toml -max_total_time=60 CORPUS_DIR
FUZZERS       += fuzz_toml
fuzz_toml_SRC := tests/toml/fuzz_toml.c $(TOML_SRC)
toml-fuzz: $(B)/fuzz/fuzz_toml
