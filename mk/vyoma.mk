# mk/vyoma.mk — the developer CLI `vyoma` (tools/vyoma/), linked with the
# WASI host and the engine: build/bin/vyoma, build/asan/bin/vyoma.

PROGS      += vyoma
vyoma_SRC  := $(wildcard tools/vyoma/*.c)
vyoma_LIBS := vwasi vw
