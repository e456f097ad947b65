# Makefile — builds VyomaOS.  This file builds the WebAssembly engine
# (runtime/ -> libvw.a), the WASI host (wasi/ -> libvwasi.a), the engine's
# spec-test runner and unit tests, in a normal and a sanitizer variant, and
# runs the tests.  Each other part (tools/, apps/, bench, later supervisor/
# and the OS image) brings its own fragment mk/NAME.mk, included at the end,
# which adds its outputs to `all` and `asan`.
#
#   make                libraries, vw-spec, unit tests         (build/)
#   make asan           the same with ASan + UBSan             (build/asan/)
#   make test           both builds, every suite (tests/run.sh)
#   make spec           the WebAssembly spec suite on the normal build
#   make spec-update-expected   rewrite tests/spec/expected-failures.txt
#   make run            boot VyomaOS in QEMU (make demo: sample apps on the host)
#   make bench          benchmarks (none yet)
#   make fuzz           libFuzzer target build/fuzz/fuzz_load (clang)
#   make clean
#
# Every target first makes sure the Debian packages are there
# (scripts/deps.sh, a no-op taking milliseconds when they are).

SHELL    := bash
SHARED   ?= ../shared
AR       ?= ar

WARN      := -std=gnu11 -Wall -Wextra -Werror
CFLAGS    ?= -O2 -g
ASANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
DEPFLAGS  := -MMD -MP
LIBS      := -lcjson -lm -lpthread

B := build
A := build/asan

# Library sources are found by wildcard: a new .c file in these folders is
# part of its library without touching this file.  The WASI host is a library
# of its own so that the engine builds, and is tested, on its own.
LIB_SRC  := $(wildcard runtime/*.c runtime/interp/*.c)
WASI_SRC := $(wildcard wasi/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
UNITS    := $(patsubst tests/unit/%.c,test-%,$(UNIT_SRC))
SPEC_SRC := tests/spec/spec_run.c

LIB_OBJ       := $(LIB_SRC:%.c=$(B)/obj/%.o)
ASAN_LIB_OBJ  := $(LIB_SRC:%.c=$(A)/obj/%.o)
WASI_OBJ      := $(WASI_SRC:%.c=$(B)/obj/%.o)
ASAN_WASI_OBJ := $(WASI_SRC:%.c=$(A)/obj/%.o)
ALL_OBJ      := $(LIB_OBJ) $(ASAN_LIB_OBJ) $(WASI_OBJ) $(ASAN_WASI_OBJ) \
                $(patsubst %.c,$(B)/obj/%.o,$(SPEC_SRC) $(UNIT_SRC)) \
                $(patsubst %.c,$(A)/obj/%.o,$(SPEC_SRC) $(UNIT_SRC))

DEPS_OK := $(B)/.deps-ok

.PHONY: all asan test spec spec-update-expected run demo bench fuzz clean deps
.DEFAULT_GOAL := all

all:  $(B)/lib/libvw.a $(B)/lib/libvwasi.a $(B)/bin/vw-spec $(UNITS:%=$(B)/bin/%)
asan: $(A)/lib/libvw.a $(A)/lib/libvwasi.a $(A)/bin/vw-spec $(UNITS:%=$(A)/bin/%)

# ---- packages ---------------------------------------------------------------
# A stamp, so deps.sh runs once per build tree (and again if it changes).
$(DEPS_OK): scripts/deps.sh
	@scripts/deps.sh
	@mkdir -p $(@D) && touch $@
deps: $(DEPS_OK)

# In a fresh tree, install before any rule runs, so that the rules of the
# mk/*.mk fragments find their tools too, even under make -j.
ifeq ($(filter clean,$(MAKECMDGOALS))$(wildcard $(DEPS_OK)),)
  $(shell scripts/deps.sh >&2 && mkdir -p $(B) && touch $(DEPS_OK))
  ifneq ($(.SHELLSTATUS),0)
    $(error scripts/deps.sh failed)
  endif
endif

# ---- normal build: build/obj, build/lib, build/bin ---------------------------
$(B)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/lib/libvw.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/lib/libvwasi.a: $(WASI_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/bin/vw-spec: $(B)/obj/tests/spec/spec_run.o $(B)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(B)/bin/test-%: $(B)/obj/tests/unit/%.o $(B)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# tests/unit/wasi*.c test the WASI host (which comes first: it uses libvw.a)
$(B)/bin/test-wasi%: $(B)/obj/tests/unit/wasi%.o $(B)/lib/libvwasi.a $(B)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# ---- sanitizer build: build/asan/{obj,lib,bin} ------------------------------
$(A)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(ASANFLAGS) $(DEPFLAGS) -c $< -o $@

$(A)/lib/libvw.a: $(ASAN_LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(A)/lib/libvwasi.a: $(ASAN_WASI_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(A)/bin/vw-spec: $(A)/obj/tests/spec/spec_run.o $(A)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ $(LIBS)

$(A)/bin/test-%: $(A)/obj/tests/unit/%.o $(A)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ $(LIBS)

$(A)/bin/test-wasi%: $(A)/obj/tests/unit/wasi%.o $(A)/lib/libvwasi.a $(A)/lib/libvw.a
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ $(LIBS)

# Keep objects that only pattern rules name.
.SECONDARY:

-include $(ALL_OBJ:.o=.d)

# ---- test suites -------------------------------------------------------------
# tests/run.sh builds both variants itself, so that a build failure is
# reported as a failed test with the usual summary line.
test: $(DEPS_OK)
	MAKE="$(MAKE)" SHARED="$(SHARED)" tests/run.sh

spec: $(B)/bin/vw-spec
	SHARED="$(SHARED)" tests/spec/run.sh $<

spec-update-expected: $(B)/bin/vw-spec
	SHARED="$(SHARED)" tests/spec/run.sh --update $<

# ---- run ----------------------------------------------------------------------
# `make run` boots VyomaOS: the image (kernel built once and cached, see
# scripts/kernel.sh) in QEMU with the console on this terminal; the shell app
# has focus, Ctrl-A switches apps, `poweroff` in the shell ends QEMU.
# `make demo` runs sample apps through `vyoma run` on the host instead.
run: boot

demo: build/bin/vyoma apps
	build/bin/vyoma run build/apps/hello/hello.wasm
	build/bin/vyoma run build/apps/clock/clock.wasm -n 3 -i 500
	build/bin/vyoma run --dir build/apps::/apps build/apps/ls/ls.wasm /apps
	echo "typed into echo" | build/bin/vyoma run build/apps/echo/echo.wasm

# mk/bench.mk provides the real one once benchmarks exist.
ifeq ($(wildcard mk/bench.mk),)
bench: $(DEPS_OK)
	@echo "no benchmarks yet"
endif

# ---- fuzzing (clang's libFuzzer; not part of `make test`) --------------------
FUZZFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer

$(B)/fuzz/fuzz_load: tests/fuzz/fuzz_load.c $(LIB_SRC) $(wildcard runtime/*.h runtime/interp/*.h) | $(DEPS_OK)
	@mkdir -p $(@D)
	clang $(WARN) $(FUZZFLAGS) -o $@ $(filter %.c,$^) -lm -lpthread

fuzz: $(B)/fuzz/fuzz_load

clean:
	rm -rf $(B)

# ---- fragments of other parts (mk/*.mk: vyoma CLI, apps, bench, ...) ------
-include $(wildcard mk/*.mk)
