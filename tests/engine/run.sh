#!/usr/bin/env bash
# run.sh — the engine's own .wast tests (tests/engine/*.wast): regression
# cases for the compiler's fused forms (folded address arithmetic, constant
# operands, compare-and-branch, superinstructions, skipped local zeroing),
# written in the spec-test format and run by the same vw-spec runner.
# Unlike the spec suite there is no expected-failures list: all must pass.
# VYOMA_ASAN=1 uses the sanitizer build.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
if [[ "${VYOMA_ASAN:-0}" != 0 ]]; then runner=build/asan/bin/vw-spec; label=engine-asan
else runner=build/bin/vw-spec; label=engine; fi
out=build/engine-tests
mkdir -p "$out"
rc=0
for w in tests/engine/*.wast; do
  n=$(basename "$w" .wast)
  mkdir -p "$out/$n"
  if ! wast2json "$w" -o "$out/$n/$n.json" >"$out/$n.log" 2>&1; then
    echo "FAIL $label/$n.wast: wast2json failed"; rc=1; continue
  fi
  if "$runner" --quiet "$out/$n/$n.json" >"$out/$n.out" 2>&1 &&
     grep -q "^$n.wast: [0-9]* passed, 0 failed" "$out/$n.out"; then
    echo "PASS $label/$n.wast: $(sed -n "s/^$n.wast: //p" "$out/$n.out")"
  else
    echo "FAIL $label/$n.wast"; sed 's/^/    | /' "$out/$n.out" | tail -20; rc=1
  fi
done
exit $rc
