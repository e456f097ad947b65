# mk/bench.mk — `make bench`: our CPU-bound programs run as wasm through
# `vyoma run` and natively; prints figures (never pass/fail).  Not part of
# `make test`.

# bench-plan, the first prerequisite, says how long it will all take
# (bench/run.sh --plan); bench/run.sh --done, last, how long it took.
.PHONY: bench bench-boot bench-plan
bench: bench-plan $(B)/bin/vyoma apps
	bench/run.sh
	@bench/run.sh --done
bench-plan:
	@bench/run.sh --plan

# `make bench-boot`: boot time (median of BOOT_RUNS boots) and the smallest
# VM memory that boots with every app (bench/boot.sh).
bench-boot:
	bench/boot.sh

# `make bench-hal` (and `make bench`): the HAL's call path, wasm through
# `vyoma run --board sim:boards/sim.toml` against the same loops native on
# libvyhal (bench/hal.sh); figures only.
EXTRA_PROGS            += halbench-native
halbench-native_SRC    := bench/hal/native.c
halbench-native_LIBS   := vyhal vyprofile
.PHONY: bench-hal
bench-hal: $(B)/bin/vyoma $(B)/bin/halbench-native
	bench/hal.sh
bench: bench-hal

# `make bench-ota` (mk/ota.mk; and `make bench`): bundle verify and apply
# figures (bench/ota.sh)
bench: bench-ota
