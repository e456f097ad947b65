# mk/vyctl.mk — the operator CLI build{,/asan}/bin/vyctl (tools/vyctl/; only
# libc: builds with musl too), the supervisor suite's misbehaving test apps
# (spinner, crasher, ...: not product apps, so not in apps/) as
# build/tests/supervisor/apps/NAME/NAME.wasm, and `make bench-supervisor`.

PROGS     += vyctl
vyctl_SRC := $(wildcard tools/vyctl/*.c)

SUPTEST_APP_NAMES := $(patsubst tests/supervisor/apps/%/main.c,%,$(wildcard tests/supervisor/apps/*/main.c))
$(foreach a,$(SUPTEST_APP_NAMES),$(eval $(call WASM_APP,tests/supervisor/apps/$(a),$(B)/tests/supervisor/apps/$(a))))

.PHONY: supervisor-test-apps bench-supervisor
supervisor-test-apps: $(foreach a,$(SUPTEST_APP_NAMES),$(B)/tests/supervisor/apps/$(a)/$(a).wasm)
all: supervisor-test-apps

# Figures, not pass/fail: needs a working build/bin/vyomad.
bench-supervisor: $(B)/bin/vyctl apps supervisor-test-apps
	bench/supervisor/run.sh
bench: bench-supervisor
