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
. "$(dirname "$0")/../lib.sh"
t_start display
progs=()
for f in tests/display/*.c; do
  [ -e "$f" ] || continue
  p=${f##*/}
  case $p in fuzz_*) continue ;; esac     # libFuzzer targets (make draw-fuzz)
  progs+=("${p%.c}")
done
t_programs display "${progs[@]}"
t_end
