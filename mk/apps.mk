# mk/apps.mk — the sample apps: apps/<name>/{main.c,vyoma.toml} become
# build/apps/<name>/<name>.wasm plus a copy of the manifest.
#
# Toolchain per DESIGN.md: Debian's clang + wasi-libc.  No -mcpu=mvp: our
# engine implements WebAssembly 2.0, so whatever clang emits by default is fine.

WASI_CC ?= clang
WASI_CFLAGS := --target=wasm32-wasi --sysroot=/usr -Oz -Wall -Wextra -Werror \
  -Isdk -Wl,--strip-all
APP_NAMES := $(patsubst apps/%/main.c,%,$(wildcard apps/*/main.c))

# $(call WASM_APP,FOLDER,OUT): FOLDER/*.c -> OUT/NAME.wasm, NAME the folder's
# name (mk/vyctl.mk's test apps use it too)
define WASM_APP
$(2)/$(notdir $(1)).wasm: $$(wildcard $(1)/*.c $(1)/*.h) sdk/vyoma.h sdk/vyoma_hal.h | $$(DEPS_OK)
	@mkdir -p $$(@D)
	$$(WASI_CC) $$(WASI_CFLAGS) -o $$@ $$(wildcard $(1)/*.c)
endef
$(foreach a,$(APP_NAMES),$(eval $(call WASM_APP,apps/$(a),$(B)/apps/$(a))))

$(B)/apps/%/vyoma.toml: apps/%/vyoma.toml
	@mkdir -p $(@D)
	cp $< $@

.PHONY: apps
apps: $(foreach a,$(APP_NAMES),$(B)/apps/$(a)/$(a).wasm $(B)/apps/$(a)/vyoma.toml)

all: apps
