# mk/profile.mk — manifests and profiles (profile/), with the TOML parser
# (toml/) they read, as one library for the supervisor to link:
#   build/lib/libvyprofile.a        profile/*.c + toml/toml.c
#   build/asan/lib/libvyprofile.a   the same with ASan + UBSan
#   build/bin/vyoma-manifest        checker: `vyoma-manifest [--profile] FILE...`
#                                   prints "FILE: ok" or the error line
#   build/bin/manifest-unit         unit tests (tests/manifest/run.sh)
# Objects come from the main Makefile's rules (build/obj, build/asan/obj).
# Only libc and pthread are needed, so vyomad can link it under musl-gcc.

PROFILE_SRC  := $(wildcard profile/*.c) toml/toml.c
PROFILE_OBJ  := $(PROFILE_SRC:%.c=$(B)/obj/%.o)
PROFILE_AOBJ := $(PROFILE_SRC:%.c=$(A)/obj/%.o)
PROFILE_TOOL := profile/cli/vyoma_manifest.c
PROFILE_UNIT := tests/manifest/manifest_unit.c

$(B)/lib/libvyprofile.a: $(PROFILE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(A)/lib/libvyprofile.a: $(PROFILE_AOBJ)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(B)/bin/vyoma-manifest: $(B)/obj/profile/cli/vyoma_manifest.o $(B)/lib/libvyprofile.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lpthread

$(A)/bin/vyoma-manifest: $(A)/obj/profile/cli/vyoma_manifest.o $(A)/lib/libvyprofile.a
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ -lpthread

$(B)/bin/manifest-unit: $(B)/obj/tests/manifest/manifest_unit.o $(B)/lib/libvyprofile.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lpthread

$(A)/bin/manifest-unit: $(A)/obj/tests/manifest/manifest_unit.o $(A)/lib/libvyprofile.a
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ -lpthread

all:  $(B)/lib/libvyprofile.a $(B)/bin/vyoma-manifest $(B)/bin/manifest-unit
asan: $(A)/lib/libvyprofile.a $(A)/bin/vyoma-manifest $(A)/bin/manifest-unit

.PHONY: manifest-test
manifest-test: $(B)/bin/vyoma-manifest $(B)/bin/manifest-unit $(A)/bin/vyoma-manifest $(A)/bin/manifest-unit
	tests/manifest/run.sh
	VYOMA_ASAN=1 tests/manifest/run.sh

-include $(PROFILE_OBJ:.o=.d) $(PROFILE_AOBJ:.o=.d) \
  $(patsubst %.c,$(B)/obj/%.d,$(PROFILE_TOOL) $(PROFILE_UNIT)) \
  $(patsubst %.c,$(A)/obj/%.d,$(PROFILE_TOOL) $(PROFILE_UNIT))

# libFuzzer target for the manifest loader (clang; not part of `make test`):
#   make manifest-fuzz && build/fuzz/fuzz_manifest -max_total_time=60 CORPUS_DIR
$(B)/fuzz/fuzz_manifest: tests/manifest/fuzz_manifest.c $(PROFILE_SRC) \
    $(wildcard profile/*.h) toml/toml.h | $(DEPS_OK)
	@mkdir -p $(@D)
	clang $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	  -o $@ $(filter %.c,$^) -lpthread

.PHONY: manifest-fuzz
manifest-fuzz: $(B)/fuzz/fuzz_manifest
