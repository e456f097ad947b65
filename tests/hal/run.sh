#!/usr/bin/env bash
# tests/hal/run.sh — the HAL's suite (hal/ in libvyhal.a).
#
#   hal/build               the library and the test programs build
#   hal/board_file/CASE     board files: good ones, each mistake's line,
#                           boards/*.toml, vy_board_open's spec prefixes
#   hal/sim/CASE            the simulated board through hal.h
#   hal/sim_state/CASE      the sim's state folder (files, logs, inotify)
#   hal/linux/CASE          the linux backend on this host: request builders,
#                           UART on a pty, IIO and configfs on fake folders,
#                           boards whose devices are missing
#   hal/cli/CASE            vyoma-board: the repository's boards check, a bad
#                           one gives its one line and exit status 1
#   hal/vm/CASE             the linux backend on the VM kernel's real devices
#                           (tests/hal/vm.sh; normal build only; skipped
#                           without a kernel image)
# With VYOMA_ASAN=1 the ASan/UBSan build (build/asan) is used and labels
# read hal-asan/...  Prints PASS/FAIL/SKIP lines; exits 1 if anything failed.
. "$(dirname "$0")/../lib.sh"
t_start hal
T_TIMEOUT=60 t_programs hal board_file sim sim_state linux

if t_make cli "$T_BIN/vyoma-board"; then
  check cli/boards "$T_BIN/vyoma-board" --describe boards/sim.toml \
    boards/qemu-x86.toml sim:boards/qemu-x86.toml
  bad=$(mktemp "${TMPDIR:-/tmp}/vyhal-bad-XXXXXX.toml")
  printf '[board]\nname = "x"\nbackend = "sim"\n[sim]\nleds = [1]\nbuttons = [1]\n' >"$bad"
  out=$("$T_BIN/vyoma-board" "$bad" 2>&1)
  rc=$?
  if [ "$rc" -eq 1 ] && [ "$out" = "$bad:6: sim.buttons: line 1 is also an LED" ]; then
    pass cli/bad-board
  else
    fail cli/bad-board "exit status $rc, output: $out"
  fi
  rm -f "$bad"
fi
if [ -z "${VYOMA_ASAN:-}" ]; then
  HAL_LABEL=$T_LABEL t_relay vm "$T_LOGS/$T_LABEL-vm-suite.log" tests/hal/vm.sh
fi
t_end
