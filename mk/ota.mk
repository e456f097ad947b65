# mk/ota.mk — field updates (ota/): libvyota.a, the update manager's core
# (bundles, slot state, apply, boot selection, the fault points), the host
# tool vyoma-bundle, the tests and the bundle fuzzer:
#   build{,/asan}/lib/libvyota.a       ota/*.c; link with -lsodium
#   build{,/asan}/bin/vyoma-bundle     keygen, create, verify, inspect
#   build{,/asan}/bin/ota-NAME         one per tests/ota/NAME.c (tests/ota/run.sh)
#   build/fuzz/fuzz_bundle             libFuzzer: the bundle reader
#   make bench-ota                     bench/ota.sh: verify and apply figures
#                                      (build/bin/ota-bench: its timed steps)
# Only libc and libsodium (Ed25519, SHA-256): it builds with musl-gcc for
# the static vyomad (below: add vyota to vyomad_LIBS, nothing else).

LIBS         += vyota
vyota_SRC    := $(wildcard ota/*.c)
vyota_CFLAGS := -I$(B)/sodium-include

# libsodium's headers alone (all of /usr/include would pull glibc's into a
# musl build): sodium.h and sodium/, linked into build/sodium-include.
SODIUM_INC := $(B)/sodium-include/sodium.h
$(SODIUM_INC): | $(DEPS_OK)
	@mkdir -p $(@D)
	ln -sfn /usr/include/sodium.h $@
	ln -sfn /usr/include/sodium $(@D)/sodium
$(foreach v,$(VARIANTS),$(call obj,$(v),$(vyota_SRC))): | $(SODIUM_INC)

# For mk/supervisor.mk's static musl vyomad, ready for the day vyota joins
# vyomad_LIBS (its vyota_CFLAGS come through that list): libsodium.a, and
# the one glibc symbol Debian's libsodium.a needs, supplied by a defsym.
# Both are harmless while no OTA code is linked in.
VYOTA_STATIC_LDLIBS := /usr/lib/x86_64-linux-gnu/libsodium.a \
                       -Wl,--defsym=__explicit_bzero_chk=explicit_bzero
$(B)/static/vyomad: LDLIBS += $(VYOTA_STATIC_LDLIBS)
$(B)/static/vyomad: | $(SODIUM_INC)

PROGS              += vyoma-bundle
vyoma-bundle_SRC   := $(wildcard tools/vyoma-bundle/*.c)
vyoma-bundle_LIBS  := vyota
vyoma-bundle_LDLIBS := -lsodium

OTA_TESTS := $(wildcard tests/ota/*.c)
$(call test_progs,ota-,$(OTA_TESTS),vyota)
$(foreach t,$(OTA_TESTS),$(eval ota-$(basename $(notdir $(t)))_LDLIBS := -lsodium))
$(foreach v,$(VARIANTS),$(call obj,$(v),$(vyoma-bundle_SRC) $(OTA_TESTS))): | $(SODIUM_INC)

# make build/fuzz/fuzz_bundle && build/fuzz/fuzz_bundle \
#   -dict=tests/fuzz/fuzz_bundle.dict -max_total_time=60 CORPUS_DIR
FUZZERS           += fuzz_bundle
fuzz_bundle_SRC   := tests/fuzz/fuzz_bundle.c $(vyota_SRC)
$(B)/fuzz/fuzz_bundle: LDLIBS += -lsodium

# ota-bench: bench/ota.sh's timed steps (not part of `all`)
EXTRA_PROGS       += ota-bench
ota-bench_SRC     := bench/ota/main.c
ota-bench_LIBS    := vyota
ota-bench_LDLIBS  := -lsodium

.PHONY: bench-ota
bench-ota: $(B)/bin/vyoma-bundle $(B)/bin/ota-bench
	bench/ota.sh
