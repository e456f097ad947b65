# mk/vyoma.mk — the developer CLI `vyoma` (tools/vyoma/), linked with the
# manifest loader (libvyprofile.a, for `vyoma run`'s vyoma.toml and `vyoma
# manifest-reference`), the WASI host and the engine: build{,/asan}/bin/vyoma.

PROGS      += vyoma
vyoma_SRC  := $(wildcard tools/vyoma/*.c)
vyoma_LIBS := vyprofile vwasi vw

# `make docs`: docs/apps.md's manifest reference, regenerated from the
# schema rows (tests/readme/run.sh fails when the committed one differs)
.PHONY: docs
docs: $(B)/bin/vyoma
	tools/vyoma/docs.sh $(B)/bin/vyoma docs/apps.md
