#!/usr/bin/env bash
# run.sh — `make test`: builds both variants (normal and ASan/UBSan) and
# runs every suite in each:
#   build, build-asan         the engine library and vw-spec compile and link
#   spec/NAME.wast            one case per spec file (tests/spec/run.sh)
#   spec-asan/NAME.wast       the same under AddressSanitizer + UBSan
#   unit/NAME/CASE            one line per case of tests/unit/NAME.c (and
#   unit-asan/NAME/CASE       unit/NAME if it crashes or does not build)
#   make-all, make-asan       everything else `make` / `make asan` builds
#   then tests/NAME/run.sh of: wasi (WASI conformance, node:wasi differential,
#   CLI), toml (toml-test), ipc (broker), input (TTY router, evdev),
#   observability (heartbeat, Prometheus), manifest
#   (manifests, profiles), supervisor (a real vyomad with apps, the console, sys-stop),
#   ota-sup (updates in a real vyomad: vyctl ota, trial boots, rollback),
#   display (drawing, fonts, PNG, compositor; display apps; display in vyomad)
# Prints PASS/FAIL/SKIP per case and ends with exactly one line
# "N passed, N failed, N skipped"; the exit status is 1 if anything failed.
# Progress: before each phase (a variant's build, spec, unit, make-GOAL, each
# suite) a line "# [I/N] NAME ... (1m12s elapsed)", and "# all N phases in
# TIME" just before the final line; the "# " lines are never counted.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 1

MAKE=${MAKE:-make}
case " ${MAKEFLAGS:-} " in
  *jobserver*|*" -j"*) jobs= ;;          # inside make -j already
  *) jobs=-j$(nproc 2>/dev/null || echo 2) ;;
esac
logs=build/test-logs
mkdir -p "$logs"

# shellcheck source=tests/lib.sh
. tests/lib.sh
T_LABEL=        # case names print as they are: build, spec/NAME, unit/...
T_LOGS=$logs

# ---- progress ---------------------------------------------------------------
# phase NAME: "# [I/N] NAME ... (ELAPSED elapsed)".  N is counted before
# anything runs by a dry pass over all_variants (t_dry=1): every helper below
# that starts a phase (build when variant calls it, spec_suite, unit_suite,
# suite) counts it and does nothing else, so a suite line added to variant is
# in the total without more ado.  A phase that does not run (its build
# failed) leaves its number out.
t_dry= t_phase=0 t_phases=0 t_t0=$SECONDS
dur() {  # SECONDS -> 45s, 3m07s, 1h02m03s
  local s=$1
  if ((s >= 3600)); then printf '%dh%02dm%02ds' $((s / 3600)) $((s % 3600 / 60)) $((s % 60))
  elif ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60))
  else printf '%ds' "$s"; fi
}
phase() {
  t_phase=$((t_phase + 1))
  [ -n "$t_dry" ] && return 0
  echo "# [$t_phase/$t_phases] $1 ... ($(dur $((SECONDS - t_t0))) elapsed)"
}

# make TARGET... quietly into build/test-logs/NAME.log
build() {
  local name=$1; shift
  # variant's own builds (the engine, make-GOAL) are phases; unit_suite's
  # per-program builds are not
  if [ "${FUNCNAME[1]}" = variant ]; then phase "$name"; fi
  [ -n "$t_dry" ] && return 0
  $MAKE ${jobs:+"$jobs"} --no-print-directory "$@" >"$logs/$name.log" 2>&1
}
# the end of a log, after the FAIL line it explains
show() { detail <"$logs/$1.log"; }

# The spec suite prints its own PASS/FAIL/SKIP lines, one per file; they
# are relayed and counted.  A non-zero exit with no FAIL line (a broken
# list, say) is one more.
spec_suite() {
  phase "$1"; [ -n "$t_dry" ] && return 0
  t_relay "$1" "$logs/$1.log" tests/spec/run.sh --label "$1" "$2"
}

# Each tests/unit program prints a PASS/FAIL line per case (tests/check.h),
# labelled unit/NAME/CASE or unit-asan/...; they are relayed and counted,
# and a program that crashes or fails without a FAIL line is one FAIL.
unit_suite() {
  local dir=$2 label=$3 src name   # $1 (the variant name) is not needed
  phase "$label"; [ -n "$t_dry" ] && return 0
  for src in tests/unit/*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    if ! build "$label-$name-build" "$dir/bin/test-$name"; then
      fail "$label/$name" "does not build"
      show "$label-$name-build"
      continue
    fi
    t_relay "$label/$name" "$logs/$label-$name.log" \
      timeout -k 10 600 "$dir/bin/test-$name" "$label"
  done
}

# A suite script tests/NAME/run.sh prints PASS/FAIL/SKIP lines (and maybe a
# summary line of its own, which is not counted).  VYOMA_ASAN=1 in the
# environment asks it to use the sanitizer build.
suite() {  # label script [args...]
  local label=$1; shift
  phase "$label"; [ -n "$t_dry" ] && return 0
  t_relay "$label" "$logs/$label.log" "$@"
}

variant() {  # name builddir speclabel unitlabel make-goal
  local name=$1 dir=$2
  if build "$name" "$dir/lib/libvw.a" "$dir/bin/vw-spec"; then
    pass "$name"
    spec_suite "$3" "$dir/bin/vw-spec"
  else
    fail "$name" "does not build"
    show "$name"
    skip "$3" "$name failed"
  fi
  # unit tests need only the library, so they run even if vw-spec did not link
  unit_suite "$name" "$dir" "$4"
  # everything else the goal builds (CLI, apps, ...) must build too
  if build "make-$5" "$5"; then
    pass "make-$5"
    # WASI conformance + differential against node:wasi, CLI behaviour, apps
    suite "wasi-$name" tests/wasi/run.sh
    # TOML 1.0 parser against toml-test
    suite "toml-$name" tests/toml/run.sh ${VYOMA_ASAN:+--asan}
    # supervisor parts: the IPC broker; input (TTY router, evdev keys);
    # observability (heartbeat JSON, Prometheus text)
    suite "ipc-$name" tests/ipc/run.sh
    suite "hal-$name" tests/hal/run.sh
    suite "component-$name" tests/component/run.sh
    suite "ota-$name" tests/ota/run.sh
    suite "input-$name" tests/input/run.sh
    suite "observability-$name" tests/observability/run.sh
    # manifests and profiles
    suite "manifest-$name" tests/manifest/run.sh
    # a real vyomad with real apps: IPC, lifecycle, kill, vyctl
    suite "supervisor-$name" tests/supervisor/run.sh
    # updates in a real vyomad: vyctl ota, trial boots, health commits
    suite "ota-sup-$name" tests/ota-sup/run.sh
    # the peripheral capability enforcer and the vyoma_hal imports
    suite "capability-$name" tests/capability/run.sh
    # the display: drawing, fonts, PNG, compositor (pixel tests on the
    # headless backend), the display apps, and the display inside vyomad
    suite "display-$name" tests/display/run.sh
    suite "display-apps-$name" tests/display/apps.sh
    suite "display-screen-$name" tests/display/screen.sh
    # the README's and docs/apps.md's command blocks, each run in a scratch folder
    suite "readme-$name" tests/readme/run.sh
    # the app author's path: vyoma new, make install, vyoma run's vyoma.toml
    suite "authors-$name" tests/authors/run.sh
    # the OS image booted in QEMU (once: /init is a static musl build)
    [ "$name" = build ] && suite boot tests/boot/run.sh
  else
    fail "make-$5" "does not build"; show "make-$5"
  fi
}

all_variants() {
  variant build build spec unit all

  export VYOMA_ASAN=1
  export ASAN_OPTIONS=detect_leaks=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  variant build-asan build/asan spec-asan unit-asan asan
}

# the dry pass (in a subshell: its exports and counts stay there)
t_phases=$( { t_dry=1; all_variants; } >/dev/null 2>&1; echo "$t_phase" )
last=
grep -qx '[0-9][0-9]*' "$logs/last-run-seconds" 2>/dev/null &&
  last="; the last full run took $(dur "$(cat "$logs/last-run-seconds")")"
echo "# make test: $t_phases phases (build and build-asan)$last"
all_variants
t_secs=$((SECONDS - t_t0))
echo "$t_secs" >"$logs/last-run-seconds"
echo "# all $t_phases phases in $(dur "$t_secs")"

echo "$t_npass passed, $t_nfail failed, $t_nskip skipped"
[ "$t_nfail" -eq 0 ]
