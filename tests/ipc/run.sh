#!/usr/bin/env bash
# tests/ipc/run.sh — the IPC broker's suite (ipc/ in libvysup.a).
#
#   ipc/build               the library and the test programs build
#   ipc/NAME                one line per test function of
#                           tests/ipc/{broker,stress}.c
# (input/ and observability/, the rest of libvysup.a, have their own suites:
# tests/input/run.sh, tests/observability/run.sh.)  With VYOMA_ASAN=1 the
# ASan/UBSan build (build/asan) is used, LeakSanitizer on, and labels read
# ipc-asan/...  Prints PASS/FAIL/SKIP lines; exits 1 if anything failed.
. "$(dirname "$0")/../lib.sh"
t_start ipc
T_TIMEOUT=60 t_programs ipc broker stress
t_end
