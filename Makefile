# Makefile — builds VyomaOS in a normal (build/) and an ASan + UBSan variant
# (build/asan/).  Each library and program is declared once, here or in its
# part's mk/NAME.mk; the VARIANT template makes its rules in both variants.
#
#   make, make asan        everything, normal / sanitizer build
#   make test              both builds, every suite (tests/run.sh; boots QEMU)
#   make spec              the WebAssembly spec suite on the normal build
#   make spec-update-expected   rewrite tests/spec/expected-failures.txt
#   make apps              the sample apps, build/apps/NAME/NAME.wasm
#   make build             the OS image, build/image/ (make image-clean)
#   make run, make boot    boot the image in QEMU (GUI=1: show the display)
#   make demo              sample apps through `vyoma run` on the host
#   make bench             benchmarks: bench-display, bench-supervisor and
#                          bench/run.sh; make bench-boot: boot time, memory
#   make fuzz | draw-fuzz | toml-fuzz | manifest-fuzz   libFuzzer (clang)
#   make test-NAME         one suite, tests/NAME/run.sh, in both builds
#   make vyoma | vyctl | vyomad | ...   one program, both builds; and
#   make vyomad-static
#   make clean
#
# Every target first makes sure the Debian packages are there
# (scripts/deps.sh, a no-op taking milliseconds when they are).

SHELL     := bash
SHARED    ?= ../shared
WARN      := -std=gnu11 -Wall -Wextra -Werror
CFLAGS    ?= -O2 -g
ASANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
DEPFLAGS  := -MMD -MP
LDLIBS    := -lm -lpthread

# The variants: an output folder, compiler flags, the goal that builds it.
VARIANTS := B A
B := build
B_FLAGS = $(CFLAGS)
B_GOAL := all
A := build/asan
A_FLAGS = $(ASANFLAGS)
A_GOAL := asan

# ---- declarations --------------------------------------------------------------
# library     LIBS += NAME; NAME_SRC (by wildcard: a new .c file joins without
#             touching a makefile); NAME_CFLAGS for its objects, if any.
#             -> build/lib/libNAME.a, build/asan/lib/libNAME.a
# program     PROGS += NAME; NAME_SRC; NAME_LIBS (library names, in link
#             order); NAME_LDLIBS besides LDLIBS.  -> build{,/asan}/bin/NAME.
#             EXTRA_PROGS: the same, but not part of `all` and `asan`.
# tests       $(call test_progs,PREFIX,SOURCES,LIBS): a program PREFIXNAME per
#             NAME.c of SOURCES (a folder's wildcard), linked with LIBS.
# fuzzer      FUZZERS += NAME; NAME_SRC, compiled whole with FUZZFLAGS;
#             NAME_LIBS from the normal build; NAME_CFLAGS.  -> build/fuzz/NAME
# The fragments mk/*.mk are read in name order, after these lines.
LIBS        := vw vwasi
PROGS       := vw-spec
EXTRA_PROGS :=
FUZZERS     := fuzz_load

# The engine and, as a library of its own so that the engine builds and is
# tested on its own, the WASI host.
vw_SRC         := $(wildcard runtime/*.c runtime/interp/*.c)
vwasi_SRC      := $(wildcard wasi/*.c)
vw-spec_SRC    := tests/spec/spec_run.c
vw-spec_LIBS   := vw
vw-spec_LDLIBS := -lcjson
fuzz_load_SRC  := tests/fuzz/fuzz_load.c $(vw_SRC)

test_prog  = $(eval PROGS += $(1))$(eval $(1)_SRC := $(2))$(eval $(1)_LIBS := $(3))
test_progs = $(foreach s,$(2),$(call test_prog,$(1)$(basename $(notdir $(s))),$(s),$(3)))
# tests/unit/NAME.c -> test-NAME; wasi*.c test the WASI host
$(call test_progs,test-,$(filter-out tests/unit/wasi%,$(wildcard tests/unit/*.c)),vw)
$(call test_progs,test-,$(wildcard tests/unit/wasi*.c),vwasi vw)

# $(call obj,VARIANT,SOURCES), $(call lib,VARIANT,LIBS), $(call hdrs,SOURCES):
# objects, archives, and the headers in the sources' folders and base/
obj  = $(patsubst %.c,$($(1))/obj/%.o,$(2))
lib  = $(patsubst %,$($(1))/lib/lib%.a,$(2))
hdrs = $(wildcard $(addsuffix *.h,$(sort $(dir $(1)) base/)))

DEPS_OK := $(B)/.deps-ok
.PHONY: all asan test spec spec-update-expected run demo fuzz clean deps
.DEFAULT_GOAL := all

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
# `make run` boots the image (mk/image.mk) in QEMU with the console on this
# terminal: the shell app has focus, Ctrl-A switches apps, `poweroff` ends it.
run: boot

demo: $(B)/bin/vyoma apps
	$(B)/bin/vyoma run $(B)/apps/hello/hello.wasm
	$(B)/bin/vyoma run $(B)/apps/clock/clock.wasm -n 3 -i 500
	$(B)/bin/vyoma run --dir $(B)/apps::/apps $(B)/apps/ls/ls.wasm /apps
	echo "typed into echo" | $(B)/bin/vyoma run $(B)/apps/echo/echo.wasm

fuzz: $(B)/fuzz/fuzz_load

clean:
	rm -rf $(B)

# A fragment's prerequisites may use $$(VAR) for what is known only once all
# fragments are read (mk/supervisor.mk).
.SECONDEXPANSION:
-include $(sort $(wildcard mk/*.mk))

# ---- the rules of both variants -------------------------------------------------
define VARIANT
$($(1))/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $$(@D)
	$$(CC) $$(WARN) $$($(1)_FLAGS) $$(XCFLAGS) $$(DEPFLAGS) -c $$< -o $$@
$($(1)_GOAL): $(call lib,$(1),$(LIBS)) $(PROGS:%=$($(1))/bin/%)
$(foreach l,$(LIBS),$(eval $(call LIB,$(1),$(l))))
$(foreach p,$(PROGS) $(EXTRA_PROGS),$(eval $(call PROG,$(1),$(p))))
endef

define LIB
$(call lib,$(1),$(2)): $(call obj,$(1),$($(2)_SRC))
	@mkdir -p $$(@D)
	rm -f $$@ && $$(AR) rcs $$@ $$^
$(if $($(2)_CFLAGS),$(call obj,$(1),$($(2)_SRC)): XCFLAGS := $($(2)_CFLAGS))
endef

define PROG
$($(1))/bin/$(2): $(call obj,$(1),$($(2)_SRC)) $(call lib,$(1),$($(2)_LIBS))
	@mkdir -p $$(@D)
	$$(CC) $$($(1)_FLAGS) -o $$@ $$^ $($(2)_LDLIBS) $$(LDLIBS)
endef

# Fuzzers compile their sources whole, instrumented; headers are tracked
# by folder.
define FUZZER
$(B)/fuzz/$(1): $($(1)_SRC) $(call hdrs,$($(1)_SRC)) $(call lib,B,$($(1)_LIBS)) | $(DEPS_OK)
	@mkdir -p $$(@D)
	clang $$(WARN) $$(FUZZFLAGS) $($(1)_CFLAGS) -o $$@ $$(filter %.c %.a,$$^) $$(LDLIBS)
endef

$(foreach v,$(VARIANTS),$(eval $(call VARIANT,$(v))))
$(foreach f,$(FUZZERS),$(eval $(call FUZZER,$(f))))

# `make NAME` for a program: both variants; `make test-NAME`: one suite
.PHONY: $(PROGS) $(EXTRA_PROGS)
$(PROGS) $(EXTRA_PROGS): %: $(B)/bin/% $(A)/bin/%
test-%: all asan
	SHARED="$(SHARED)" tests/$*/run.sh && VYOMA_ASAN=1 SHARED="$(SHARED)" tests/$*/run.sh

# header dependencies of every object
ALL_SRC := $(sort $(foreach x,$(LIBS) $(PROGS) $(EXTRA_PROGS),$($(x)_SRC)))
-include $(foreach v,$(VARIANTS),$(patsubst %.o,%.d,$(call obj,$(v),$(ALL_SRC))))
