# mk/apps.mk — the sample apps: apps/<name>/{main.c,vyoma.toml} become
# build/apps/<name>/<name>.wasm plus a copy of the manifest.
#
# Toolchain per DESIGN.md: Debian's clang + wasi-libc.  No -mcpu=mvp: our
# engine implements WebAssembly 2.0, so whatever clang emits by default is fine.

WASI_CC ?= clang
WASI_CFLAGS := --target=wasm32-wasi --sysroot=/usr -Oz -Wall -Wextra -Werror \
  -Isdk -Wl,--strip-all
APP_NAMES := $(patsubst apps/%/main.c,%,$(wildcard apps/*/main.c))

define vyoma_app_rules
build/apps/$(1)/$(1).wasm: $$(wildcard apps/$(1)/*.c apps/$(1)/*.h) sdk/vyoma.h
	@mkdir -p $$(@D)
	$$(WASI_CC) $$(WASI_CFLAGS) -o $$@ $$(wildcard apps/$(1)/*.c)
build/apps/$(1)/vyoma.toml: apps/$(1)/vyoma.toml
	@mkdir -p $$(@D)
	cp $$< $$@
endef
$(foreach a,$(APP_NAMES),$(eval $(call vyoma_app_rules,$(a))))

.PHONY: apps
apps: $(foreach a,$(APP_NAMES),build/apps/$(a)/$(a).wasm build/apps/$(a)/vyoma.toml)

all: apps
