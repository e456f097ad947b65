#!/usr/bin/env bash
# tests/input/run.sh — the input side of libvysup.a (input/): the TTY router
# and evdev key decoding.
#
#   input/build             the library and the test programs build
#   input/NAME              one line per test function of
#                           tests/input/{tty,evdev}.c
# With VYOMA_ASAN=1 the ASan/UBSan build (build/asan) is used, LeakSanitizer
# on, and labels read input-asan/...  Prints PASS/FAIL/SKIP lines; exits 1
# if anything failed.
. "$(dirname "$0")/../lib.sh"
t_start input
T_TIMEOUT=60 t_programs input tty evdev
t_end
