# mk/vyctl.mk — the operator CLI `vyctl` (tools/vyctl/), the supervisor's
# integration suite (tests/supervisor/) and its benchmarks (bench/supervisor/).
#
#   build/bin/vyctl, build/asan/bin/vyctl   only libc: builds with musl too
#   build/tests/supervisor/apps/NAME/       misbehaving test apps (spinner,
#                                           crasher, ...): not product apps,
#                                           so they live outside apps/
#   make bench-supervisor                   figures from bench/supervisor/run.sh
#
# The product apps (shell, ping, pong, logger, sensor, consumer) are plain
# apps/NAME/ folders built by mk/apps.mk.

VYCTL_SRCS := $(wildcard tools/vyctl/*.c)
VYCTL_DEPS := $(VYCTL_SRCS) $(wildcard tools/vyctl/*.h) supervisor/control.h

$(B)/bin/vyctl: $(VYCTL_DEPS) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -o $@ $(VYCTL_SRCS)

$(A)/bin/vyctl: $(VYCTL_DEPS) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(ASANFLAGS) -o $@ $(VYCTL_SRCS)

# ---- test apps for tests/supervisor ------------------------------------------
SUPTEST_APP_NAMES := $(patsubst tests/supervisor/apps/%/main.c,%,$(wildcard tests/supervisor/apps/*/main.c))

define vyctl_test_app_rules
build/tests/supervisor/apps/$(1)/$(1).wasm: $$(wildcard tests/supervisor/apps/$(1)/*.c) sdk/vyoma.h | $(DEPS_OK)
	@mkdir -p $$(@D)
	$$(WASI_CC) $$(WASI_CFLAGS) -o $$@ $$(wildcard tests/supervisor/apps/$(1)/*.c)
endef
$(foreach a,$(SUPTEST_APP_NAMES),$(eval $(call vyctl_test_app_rules,$(a))))

.PHONY: vyctl vyctl-asan supervisor-test-apps bench-supervisor
vyctl: $(B)/bin/vyctl
vyctl-asan: $(A)/bin/vyctl
supervisor-test-apps: $(foreach a,$(SUPTEST_APP_NAMES),build/tests/supervisor/apps/$(a)/$(a).wasm)

# Figures, not pass/fail: needs a working build/bin/vyomad.
bench-supervisor: $(B)/bin/vyctl apps supervisor-test-apps
	bench/supervisor/run.sh

all: $(B)/bin/vyctl supervisor-test-apps
asan: $(A)/bin/vyctl

# `make bench` (mk/bench.mk) also prints the supervisor's figures.
bench: bench-supervisor
