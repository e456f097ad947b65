# mk/vyoma.mk — the developer CLI `vyoma` (tools/vyoma/), linked with the
# WASI host and the engine: build/bin/vyoma, build/asan/bin/vyoma.

PROGS      += vyoma
vyoma_SRC  := $(wildcard tools/vyoma/*.c)
vyoma_LIBS := vwasi vw

.PHONY: vyoma vyoma-asan
vyoma: $(B)/bin/vyoma
vyoma-asan: $(A)/bin/vyoma
