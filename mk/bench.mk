# mk/bench.mk — `make bench`: our CPU-bound programs run as wasm through
# `vyoma run` and natively; prints figures (never pass/fail).  Not part of
# `make test`.

.PHONY: bench
bench: build/bin/vyoma apps
	bench/run.sh
