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
# libvyhal, and the edge latency under a real vyomad in two profiles, idle
# and beside a CPU-bound app (bench/hal.sh); figures only.  halbench-poke
# drives the sim's button from outside for the wasm edge runs.
EXTRA_PROGS            += halbench-native halbench-poke
halbench-native_SRC    := bench/hal/native.c
halbench-native_LIBS   := vyhal vyprofile
halbench-poke_SRC      := bench/hal/poke.c
.PHONY: bench-hal
bench-hal: $(B)/bin/vyoma $(B)/bin/vyomad $(B)/bin/vyctl \
           $(B)/bin/halbench-native $(B)/bin/halbench-poke
	bench/hal.sh
bench: bench-hal

# `make bench-ota` (mk/ota.mk; and `make bench`): bundle verify and apply
# figures (bench/ota.sh)
bench: bench-ota
