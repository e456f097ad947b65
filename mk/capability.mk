# mk/capability.mk — the peripheral capability enforcer (capability/): the
# host side of the app ABI sdk/vyoma_hal.h over the HAL (hal/), as the
# library libvycap.a that vyomad and `vyoma run` link before libvyhal.a;
# and its tests (tests/capability/run.sh):
#   build{,/asan}/bin/cap-unit          the enforcer over a fake board
#                                       (tests/capability/fake_hal.c)
#   build{,/asan}/bin/cap-sim           the same cases over the HAL's
#                                       simulated board
#   build/tests/capability/NAME.wasm    tests/capability/wat/NAME.wat
#   build/tests/capability/apps/NAME/NAME.wasm
#                                       tests/capability/apps/NAME/*.c, apps
#                                       built against sdk/vyoma_hal.h

LIBS          += vycap
vycap_SRC     := $(wildcard capability/*.c)
PROGS         += cap-unit cap-sim
cap-unit_SRC  := tests/capability/cap_unit.c tests/capability/fake_hal.c
cap-unit_LIBS := vycap vyprofile vwasi vw
cap-sim_SRC   := tests/capability/cap_sim.c
cap-sim_LIBS  := vycap vyhal vyprofile vwasi vw

CAPTEST_WASM := $(patsubst tests/capability/wat/%.wat,$(B)/tests/capability/%.wasm,$(wildcard tests/capability/wat/*.wat))
$(B)/tests/capability/%.wasm: tests/capability/wat/%.wat | $(DEPS_OK)
	@mkdir -p $(@D)
	wat2wasm $< -o $@

CAPTEST_APP_NAMES := $(patsubst tests/capability/apps/%/main.c,%,$(wildcard tests/capability/apps/*/main.c))
$(foreach a,$(CAPTEST_APP_NAMES),$(eval $(call WASM_APP,tests/capability/apps/$(a),$(B)/tests/capability/apps/$(a))))

.PHONY: capability-test-files
capability-test-files: $(CAPTEST_WASM) $(foreach a,$(CAPTEST_APP_NAMES),$(B)/tests/capability/apps/$(a)/$(a).wasm)
all: capability-test-files
