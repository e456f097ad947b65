# mk/supervisor.mk — vyomad, the supervisor (supervisor/*.c), linked with
# the broker/metrics/TTY library (libvysup.a, mk/ipc.mk), manifests and
# profiles (libvyprofile.a, mk/profile.mk), the display (libvydisplay.a,
# mk/display.mk), the WASI host and the engine.
#   build/bin/vyomad          build/asan/bin/vyomad
# Objects come from the main Makefile's pattern rules.  Only libc and
# pthread: the same sources build statically with musl-gcc for the image.

VYOMAD_SRC  := $(wildcard supervisor/*.c)
VYOMAD_OBJ  := $(VYOMAD_SRC:%.c=$(B)/obj/%.o)
VYOMAD_AOBJ := $(VYOMAD_SRC:%.c=$(A)/obj/%.o)
VYOMAD_LIBS  := $(B)/lib/libvydisplay.a $(B)/lib/libvysup.a $(B)/lib/libvyprofile.a $(B)/lib/libvwasi.a $(B)/lib/libvw.a
VYOMAD_ALIBS := $(A)/lib/libvydisplay.a $(A)/lib/libvysup.a $(A)/lib/libvyprofile.a $(A)/lib/libvwasi.a $(A)/lib/libvw.a

$(B)/bin/vyomad: $(VYOMAD_OBJ) $(VYOMAD_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ -lm -lpthread

$(A)/bin/vyomad: $(VYOMAD_AOBJ) $(VYOMAD_ALIBS)
	@mkdir -p $(@D)
	$(CC) $(ASANFLAGS) -o $@ $^ -lm -lpthread

.PHONY: vyomad
vyomad: $(B)/bin/vyomad $(A)/bin/vyomad

all:  $(B)/bin/vyomad
asan: $(A)/bin/vyomad

-include $(VYOMAD_OBJ:.o=.d) $(VYOMAD_AOBJ:.o=.d)

# The image's /init: the same sources, static, against musl (Debian
# musl-tools).  Not part of `all`; the image build asks for it.
MUSL_CC ?= musl-gcc
VYOMAD_STATIC_SRC := $(VYOMAD_SRC) $(wildcard ipc/*.c observability/*.c input/*.c profile/*.c) \
  $(DISPLAY_SRC) \
  toml/toml.c $(wildcard wasi/*.c) $(LIB_SRC)
$(B)/static/vyomad: $(VYOMAD_STATIC_SRC) $(wildcard supervisor/*.h ipc/*.h observability/*.h \
    input/*.h profile/*.h toml/*.h wasi/*.h runtime/*.h runtime/interp/*.h \
    display/*.h font/*.h chrome/*.h)
	@mkdir -p $(@D)
	$(MUSL_CC) -static $(WARN) -O2 -idirafter /usr/include \
	  -idirafter /usr/include/x86_64-linux-gnu $(DISPLAY_CFLAGS) -o $@ $(VYOMAD_STATIC_SRC) -lm -lpthread

.PHONY: vyomad-static
vyomad-static: $(B)/static/vyomad
