# mk/profile.mk — manifests and profiles (profile/), with the TOML parser
# (toml/) they read, as one library for the supervisor to link:
#   build{,/asan}/lib/libvyprofile.a   profile/*.c + toml/*.c
#   build{,/asan}/bin/vyoma-manifest   checker: `vyoma-manifest [--profile]
#                                      FILE...` prints "FILE: ok" or the error
#   build{,/asan}/bin/manifest-unit    unit tests (tests/manifest/run.sh)
# Only libc and pthread are needed, so vyomad can link it under musl-gcc.

LIBS                += vyprofile
vyprofile_SRC       := $(wildcard profile/*.c toml/*.c)
PROGS               += vyoma-manifest manifest-unit
vyoma-manifest_SRC  := profile/cli/vyoma_manifest.c profile/cli/module_check.c
vyoma-manifest_LIBS := vycap vyprofile vwasi vw
manifest-unit_SRC   := tests/manifest/manifest_unit.c
manifest-unit_LIBS  := vyprofile

.PHONY: manifest-fuzz

# make manifest-fuzz && build/fuzz/fuzz_manifest -max_total_time=60 CORPUS_DIR
FUZZERS           += fuzz_manifest
fuzz_manifest_SRC := tests/manifest/fuzz_manifest.c $(vyprofile_SRC)
manifest-fuzz: $(B)/fuzz/fuzz_manifest
