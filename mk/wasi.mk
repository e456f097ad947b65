# mk/wasi.mk — the WASI preview 1 host's extras.  The main Makefile builds
# wasi/*.c into build/lib/libvwasi.a and its ASan twin; this fragment builds
# the conformance programs tests/wasi/*.c to wasm for running by hand
# (`make wasi-tests`; the harness tests/wasi/run.sh builds its own copies).

WASI_TEST_CC     ?= clang
WASI_TEST_CFLAGS := --target=wasm32-wasi --sysroot=/usr -O2
WASI_TEST_WASM   := $(patsubst tests/wasi/%.c,$(B)/wasi-tests/%.wasm,$(wildcard tests/wasi/*.c))

$(B)/wasi-tests/%.wasm: tests/wasi/%.c
	@mkdir -p $(@D)
	$(WASI_TEST_CC) $(WASI_TEST_CFLAGS) -o $@ $<

.PHONY: wasi-tests
wasi-tests: $(WASI_TEST_WASM)
