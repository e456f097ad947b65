# mk/wasi.mk — the WASI preview 1 host (wasi/).
#
# The main Makefile builds wasi/*.c into build/lib/libvwasi.a and its ASan
# twin (WASI_OBJ); should it ever stop doing so, this fragment provides the
# two archives itself.  It also builds the conformance programs
# tests/wasi/*.c to wasm for running by hand (`make wasi-tests`; the
# differential harness tests/wasi/run.sh builds its own copies).

ifeq ($(WASI_OBJ),)
WASI_HOST_SRC  := $(wildcard wasi/*.c)
WASI_HOST_OBJ  := $(WASI_HOST_SRC:%.c=$(B)/obj/%.o)
WASI_HOST_AOBJ := $(WASI_HOST_SRC:%.c=$(A)/obj/%.o)

$(B)/lib/libvwasi.a: $(WASI_HOST_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(A)/lib/libvwasi.a: $(WASI_HOST_AOBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

all: $(B)/lib/libvwasi.a
asan: $(A)/lib/libvwasi.a
endif

# conformance programs, for running by hand (tests/wasi/run.sh builds its own)
WASI_TEST_CC     ?= clang
WASI_TEST_CFLAGS := --target=wasm32-wasi --sysroot=/usr -O2
WASI_TEST_WASM   := $(patsubst tests/wasi/%.c,$(B)/wasi-tests/%.wasm,$(wildcard tests/wasi/*.c))

$(B)/wasi-tests/%.wasm: tests/wasi/%.c
	@mkdir -p $(@D)
	$(WASI_TEST_CC) $(WASI_TEST_CFLAGS) -o $@ $<

.PHONY: wasi-tests
wasi-tests: $(WASI_TEST_WASM)
