#!/usr/bin/env bash
# tests/display/run.sh — the display library's suite (libvydisplay.a:
# display/ raster, VYOMA_DRAW, PNG, backends; font/; chrome/).
#
#   display/build           the library and the test programs build
#   display/NAME/...        one line per case of tests/display/NAME.c (every
#                           .c there, found by wildcard)
# With VYOMA_ASAN=1 the ASan/UBSan build (build/asan) is used, LeakSanitizer
# on, and labels read display-asan/...  Prints PASS/FAIL/SKIP lines; exits 1
# if anything failed.  Runs from the repo root, where the tests find
# tests/display/ref/.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.." || exit 1

dir=build label=display
if [ -n "${VYOMA_ASAN:-}" ]; then
  dir=build/asan label=display-asan
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
fi
progs=
for f in tests/display/*.c; do
  [ -e "$f" ] || continue
  p=${f##*/}
  case $p in fuzz_*) continue ;; esac     # libFuzzer targets (make draw-fuzz)
  progs="$progs ${p%.c}"
done
status=0
mkdir -p build/test-logs
log=build/test-logs/$label-build.log
targets=$dir/lib/libvydisplay.a
for p in $progs; do targets="$targets $dir/bin/display-$p"; done
# shellcheck disable=SC2086
if ${MAKE:-make} --no-print-directory $targets >"$log" 2>&1; then
  echo "PASS $label/build"
else
  echo "FAIL $label/build: see $log"
  tail -n 25 "$log" | sed 's/^/    | /'
  exit 1
fi

for p in $progs; do
  plog=build/test-logs/$label-$p.log
  timeout -k 5 120 "$dir/bin/display-$p" "$label" >"$plog" 2>&1 </dev/null
  rc=$?
  grep -E '^(PASS|FAIL|SKIP) |^    ' "$plog"
  if [ $rc -ne 0 ]; then
    status=1
    # a crash or a sanitizer report prints no FAIL line of its own
    if ! grep -q '^FAIL ' "$plog"; then
      echo "FAIL $label/$p: exit status $rc"
      grep -v -E '^(PASS|FAIL|SKIP) ' "$plog" | tail -n 25 | sed 's/^/    | /'
    fi
  fi
done
exit $status
