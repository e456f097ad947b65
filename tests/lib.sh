# shellcheck shell=bash
# tests/lib.sh — sourced by every shell suite (tests/NAME/run.sh): the one
# way a suite reports a case and picks its build.
#
#   t_start NAME       a suite's first line, after `. "$(dirname "$0")/../lib.sh"`:
#                      bash's strict mode (set -uo pipefail), LC_ALL=C,
#                      the repository root as the working folder, t_init NAME
#   t_init NAME        the suite's label: NAME, or NAME-asan when VYOMA_ASAN
#                      is set; also sets T_BUILD (build or build/asan), T_BIN,
#                      T_LOGS, and the sanitizers' options for the ASan build
#   pass CASE [NOTE]   "PASS LABEL/CASE", or "PASS LABEL/CASE (NOTE)"
#   fail CASE WHY      "FAIL LABEL/CASE: WHY"
#   skip CASE WHY      "SKIP LABEL/CASE: WHY"
#   detail [N] < text  the text as indented lines under a FAIL (at most N,
#                      default 25, from the end), which tests/run.sh keeps
#   check CASE CMD...  runs CMD; pass if it exits 0, else fail with its
#                      output as the detail
#   t_end              "# LABEL: N passed, N failed, N skipped"; returns 1 if
#                      any case failed (use as `t_end; exit`)
#   t_make CASE TARGET...
#                      make TARGET... quietly into $T_LOGS/LABEL-CASE.log;
#                      when that fails, "FAIL LABEL/CASE: does not build" with
#                      the log's end, and returns 1
#   t_relay CASE LOG CMD...
#                      runs CMD (stdin /dev/null, output also kept in LOG)
#                      and relays and counts the PASS/FAIL/SKIP lines it
#                      prints (and the indented detail lines under them, and
#                      "# ..." summaries, which are not counted); an
#                      exit status other than 0 with no FAIL line of its own
#                      (a crash, a sanitizer report), or no case at all, is
#                      "FAIL LABEL/CASE" with the end of LOG
#   t_programs PREFIX NAME...
#                      the C test programs $T_BIN/PREFIX-NAME: builds them all
#                      (case "build"), then runs each with the label as argv[1]
#                      (tests/check.h's prefix) under a timeout of $T_TIMEOUT
#                      seconds (120), relaying its cases
# With T_LABEL empty (tests/run.sh) case names are printed as they are.
# Case names never contain spaces; WHY is one line.

T_LABEL=${T_LABEL:-test}
t_npass=0 t_nfail=0 t_nskip=0

t_init() {
  T_BUILD=build T_LABEL=$1
  if [ -n "${VYOMA_ASAN:-}" ]; then
    T_BUILD=build/asan T_LABEL=$1-asan
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
  fi
  T_BIN=$T_BUILD/bin
  T_LOGS=build/test-logs
  mkdir -p "$T_LOGS"
}

t_start() {
  set -uo pipefail
  export LC_ALL=C
  cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
  t_init "$1"
}

pass() {
  echo "PASS ${T_LABEL:+$T_LABEL/}$1${2:+ ($2)}"
  t_npass=$((t_npass + 1))
}
fail() {
  echo "FAIL ${T_LABEL:+$T_LABEL/}$1: ${2:-failed}"
  t_nfail=$((t_nfail + 1))
}
skip() {
  echo "SKIP ${T_LABEL:+$T_LABEL/}$1: ${2:-skipped}"
  t_nskip=$((t_nskip + 1))
}
detail() { tail -n "${1:-25}" | sed 's/^/    | /'; }

check() {
  local name=$1 out; shift
  if out=$("$@" 2>&1); then
    pass "$name"
  else
    fail "$name" "exit status $?: $*"
    printf '%s\n' "$out" | detail
  fi
}

t_end() {
  echo "# $T_LABEL: $t_npass passed, $t_nfail failed, $t_nskip skipped"
  [ "$t_nfail" -eq 0 ]
}

t_make() {
  local name=$1 log=$T_LOGS/${T_LABEL:+$T_LABEL-}$1.log; shift
  if ${MAKE:-make} --no-print-directory "$@" >"$log" 2>&1; then return 0; fi
  fail "$name" "does not build (see $log)"
  detail <"$log"
  return 1
}

t_relay() {
  local name=$1 log=$2 rc p f s; shift 2
  "$@" </dev/null 2>&1 | tee "$log" |
    grep --line-buffered -E '^(PASS|FAIL|SKIP) |^    |^# '
  rc=${PIPESTATUS[0]}
  p=$(grep -c '^PASS ' "$log")
  f=$(grep -c '^FAIL ' "$log")
  s=$(grep -c '^SKIP ' "$log")
  t_npass=$((t_npass + p)) t_nfail=$((t_nfail + f)) t_nskip=$((t_nskip + s))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    fail "$name" "exit status $rc"
  elif [ "$rc" -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
    fail "$name" "no case ran"
  else
    return 0
  fi
  grep -v -E '^(PASS|FAIL|SKIP) |^# ' "$log" | detail
}

t_programs() {
  local prefix=$1 p targets=(); shift
  for p in "$@"; do targets+=("$T_BIN/$prefix-$p"); done
  t_make build "${targets[@]}" || return 1
  pass build
  for p in "$@"; do
    t_relay "$p" "$T_LOGS/$T_LABEL-$p.log" \
      timeout -k 5 "${T_TIMEOUT:-120}" "$T_BIN/$prefix-$p" "$T_LABEL"
  done
}
