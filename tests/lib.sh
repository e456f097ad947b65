# tests/lib.sh — sourced by every shell suite (tests/NAME/run.sh): the one
# way a suite reports a case and picks its build.
#
#   t_init NAME        the suite's label: NAME, or NAME-asan when VYOMA_ASAN
#                      is set; also sets T_BUILD (build or build/asan), T_BIN,
#                      T_LOGS, and the sanitizers' options for the ASan build
#   pass CASE          "PASS LABEL/CASE"
#   fail CASE WHY      "FAIL LABEL/CASE: WHY"
#   skip CASE WHY      "SKIP LABEL/CASE: WHY"
#   detail [N] < text  the text as indented lines under a FAIL (at most N,
#                      default 25, from the end), which tests/run.sh keeps
#   check CASE CMD...  runs CMD; pass if it exits 0, else fail with its
#                      output as the detail
#   t_end              "# LABEL: N passed, N failed, N skipped"; returns 1 if
#                      any case failed (use as `t_end; exit`)
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

pass() { echo "PASS $T_LABEL/$1"; t_npass=$((t_npass + 1)); }
fail() { echo "FAIL $T_LABEL/$1: ${2:-failed}"; t_nfail=$((t_nfail + 1)); }
skip() { echo "SKIP $T_LABEL/$1: ${2:-skipped}"; t_nskip=$((t_nskip + 1)); }
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
