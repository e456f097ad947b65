# mk/component.mk — the component decoder libcm.a (component/: decode and
# validate WebAssembly components, wasm32-wasip2 apps; nested core modules
# go to the engine, libvw.a), its tests tests/component/NAME.c ->
# build{,/asan}/bin/component-NAME (run by tests/component/run.sh) and the
# fuzzer build/fuzz/fuzz_component.

LIBS    += cm
cm_SRC  := $(wildcard component/*.c)
$(call test_progs,component-,$(wildcard tests/component/*.c),cm vw)

# (the engine comes from the normal build, uninstrumented: what is fuzzed
# here is the component layer; fuzz_load fuzzes the engine)
FUZZERS += fuzz_component
fuzz_component_SRC  := tests/fuzz/fuzz_component.c $(cm_SRC)
fuzz_component_LIBS := vw
