# mk/vyoma.mk — the developer CLI `vyoma` (tools/vyoma/).
#
# build/bin/vyoma links the engine library the main Makefile builds;
# build/asan/bin/vyoma links its AddressSanitizer + UBSan twin.  When the
# WASI host lives in libvw.a (the main Makefile compiles wasi/*.c into it)
# there is no separate libvwasi.a to link.

VYOMA_SRCS := $(wildcard tools/vyoma/*.c)
VYOMA_DEPS := $(VYOMA_SRCS) $(wildcard tools/vyoma/*.h) runtime/vw.h wasi/vwasi.h
VYOMA_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g
VYOMA_WASI_IN_VW := $(filter wasi/%,$(LIB_SRC))
VYOMA_LIBS := $(if $(VYOMA_WASI_IN_VW),,build/lib/libvwasi.a) build/lib/libvw.a
VYOMA_ASAN_LIBS := $(if $(VYOMA_WASI_IN_VW),,build/asan/lib/libvwasi.a) build/asan/lib/libvw.a

build/bin/vyoma: $(VYOMA_DEPS) $(VYOMA_LIBS)
	@mkdir -p $(@D)
	$(CC) $(VYOMA_CFLAGS) -O2 -o $@ $(VYOMA_SRCS) $(VYOMA_LIBS) -lm -lpthread

build/asan/bin/vyoma: $(VYOMA_DEPS) $(VYOMA_ASAN_LIBS)
	@mkdir -p $(@D)
	$(CC) $(VYOMA_CFLAGS) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	  -o $@ $(VYOMA_SRCS) $(VYOMA_ASAN_LIBS) -lm -lpthread

.PHONY: vyoma vyoma-asan
vyoma: build/bin/vyoma
vyoma-asan: build/asan/bin/vyoma

all: build/bin/vyoma
asan: build/asan/bin/vyoma
