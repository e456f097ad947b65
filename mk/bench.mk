# mk/bench.mk — `make bench`: our CPU-bound programs run as wasm through
# `vyoma run` and natively; prints figures (never pass/fail).  Not part of
# `make test`.

.PHONY: bench bench-boot
bench: $(B)/bin/vyoma apps
	bench/run.sh

# `make bench-boot`: boot time (median of BOOT_RUNS boots) and the smallest
# VM memory that boots with every app (bench/boot.sh).
bench-boot:
	bench/boot.sh
