# mk/supervisor.mk — vyomad, the supervisor (supervisor/*.c), linked with
# the update manager's core (libvyota.a, mk/ota.mk: -lsodium),
# the broker/metrics/TTY library (libvysup.a, mk/ipc.mk), manifests and
# profiles (libvyprofile.a, mk/profile.mk), the display (libvydisplay.a,
# mk/display.mk), the WASI host and the engine:
#   build/bin/vyomad, build/asan/bin/vyomad
#   build/static/vyomad   the image's /init: the same sources, static,
#                         against musl (Debian musl-tools); not part of `all`

PROGS       += vyomad
vyomad_SRC  := $(wildcard supervisor/*.c) profile/cli/module_check.c
vyomad_LIBS := vydisplay vysup vycap vyhal vyprofile vyota vwasi vw
vyomad_LDLIBS := -lsodium

.PHONY: vyomad-static
vyomad-static: $(B)/static/vyomad

# vyomad's and its libraries' sources, known once every fragment is read:
# hence `=` and the second expansion ($$) of the prerequisites.
MUSL_CC ?= musl-gcc
VYOMAD_STATIC_SRC = $(vyomad_SRC) $(foreach l,$(vyomad_LIBS),$($(l)_SRC))
# $(call vyomad_static,OUT,EXTRA-FLAGS): the static build's command, also
# used by `make bundle` (mk/image.mk) for a vyomad that names its version
vyomad_static = $(MUSL_CC) -static $(WARN) -O2 $(2) -idirafter /usr/include \
  -idirafter /usr/include/x86_64-linux-gnu \
  $(strip $(foreach l,$(vyomad_LIBS),$($(l)_CFLAGS))) -o $(1) \
  $(VYOMAD_STATIC_SRC) $(LDLIBS)
$(B)/static/vyomad: $$(VYOMAD_STATIC_SRC) $$(call hdrs,$$(VYOMAD_STATIC_SRC))
	@mkdir -p $(@D)
	$(call vyomad_static,$@)
