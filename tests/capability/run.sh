#!/usr/bin/env bash
# tests/capability/run.sh — the capability enforcer (capability/).
#
#   capability/build        cap-unit and the test modules build
#   capability/cap-unit/*   the enforcer over a fake board (cap_unit.c):
#                           grants, denials logged once, EFAULT/ETOOBIG/
#                           EINVAL/EBADHANDLE, ownership and release,
#                           cancellation of a blocked wait, the wiring
# With VYOMA_ASAN=1 the ASan/UBSan build.  Prints PASS/FAIL/SKIP lines;
# exits 1 if anything failed.
. "$(dirname "$0")/../lib.sh"
t_start capability
t_make wasm capability-test-files || { t_end; exit; }
t_programs cap unit
t_end
