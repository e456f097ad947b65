#!/usr/bin/env bash
# tests/wasi/run.sh — the differential WASI harness, and tests of the
# `vyoma` CLI itself.
#
# Every program runs twice: through build/bin/vyoma run and through Node's
# node:wasi (tests/wasi/node_run.mjs), with the same arguments, environment,
# stdin and a fresh copy of the same fixture directory preopened at the same
# guest path.  stdout, the exit code and the fixture directory afterwards must
# agree with each other, and with NAME.expected / NAME.status when present.
#
# Programs:
#   tests/wasi/NAME.c          conformance programs ("wasi" writes them),
#                              built with clang -O2 for wasm32-wasi
#   build/apps/APP/APP.wasm    the sample apps; cases in tests/wasi/apps/
#                              (CASE = APP or APP-variant), each app runs at
#                              least once with no arguments
#
# Side files, all optional (BASE = tests/wasi/NAME or tests/wasi/apps/CASE):
#   BASE.args      arguments, one per line (argv[0] is the module file name)
#   BASE.env       KEY=VALUE lines
#   BASE.stdin     stdin (default: empty)
#   BASE.expected  expected stdout
#   BASE.status    expected exit code (default: whatever node says, or 0)
#   BASE.tree      expected listing of the directory afterwards, as
#                  tree_sum prints it (types, paths, md5 of each file), so
#                  that a case that changes files can fail without node
#   BASE.filter    sed script applied to both stdouts before comparing
#                  (for output that changes run to run, like times)
#   BASE.fixture/  directory preopened for this test; default
#                  tests/wasi/fixtures/ for conformance programs,
#                  tests/wasi/apps/fixture/ for apps, else an empty dir
#   BASE.preopen   the guest path of that directory (default /sandbox for
#                  conformance programs, /data for apps, as under VyomaOS)
#   tests/wasi/NODE_SKIP   names (one per line, # comments) whose node side
#                  is skipped; they are still checked against .expected
#
# Output: one line per test through tests/lib.sh (label wasi, or wasi-asan
# under VYOMA_ASAN=1), `PASS wasi/name`, `FAIL wasi/name: reason` or
# `SKIP wasi/name: reason`; exit status 1 if anything failed.
#
# Environment: VYOMA (default build/bin/vyoma); VYOMA_ASAN=1 also runs every
# program under build/asan/bin/vyoma and requires the same results and a
# clean sanitizer report; WASI_TIMEOUT seconds per run (default 60);
# WASI_ONLY=pattern runs only tests whose name matches the glob.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=tests/wasi
OUT=build/tests/wasi
VYOMA=${VYOMA:-build/bin/vyoma}
ASAN_VYOMA=${ASAN_VYOMA:-build/asan/bin/vyoma}
TIMEOUT=${WASI_TIMEOUT:-60}
WASI_CC=${WASI_CC:-clang}
WASI_CFLAGS="--target=wasm32-wasi --sysroot=/usr -O2"

. tests/lib.sh
t_init wasi
# the start of a file (a diff, a log) as detail under a FAIL line
detail_head() { head -n "${2:-12}" "$1" | detail "${2:-12}"; }
selected() { [[ -z "${WASI_ONLY:-}" || "$1" == ${WASI_ONLY} ]]; }

# One run at a time: every run starts by wiping $OUT, which would pull the
# files from under a concurrent run (several engineers share a checkout).
mkdir -p "$(dirname "$OUT")"
if command -v flock >/dev/null; then
  exec 9>"$(dirname "$OUT")/.wasi-harness.lock"
  flock 9
fi
rm -rf "$OUT"
mkdir -p "$OUT"

# ---- tools ---------------------------------------------------------------
if [[ ! -x "$VYOMA" ]]; then
  ${MAKE:-make} -s "$VYOMA" apps >"$OUT/build.log" 2>&1
fi
if [[ ! -x "$VYOMA" ]]; then
  fail wasi-harness "$VYOMA was not built (see $OUT/build.log)"
  detail_head "$OUT/build.log" 20
  t_end; exit 1
fi
if [[ "${VYOMA_ASAN:-0}" != 0 && ! -x "$ASAN_VYOMA" ]]; then
  ${MAKE:-make} -s "$ASAN_VYOMA" >>"$OUT/build.log" 2>&1
  if [[ ! -x "$ASAN_VYOMA" ]]; then
    fail wasi-harness "$ASAN_VYOMA was not built (see $OUT/build.log)"
    VYOMA_ASAN=0
  fi
fi
# from here on, absolute paths (runs happen inside per-test directories)
[[ $VYOMA == /* ]] || VYOMA=$ROOT/$VYOMA
[[ $ASAN_VYOMA == /* ]] || ASAN_VYOMA=$ROOT/$ASAN_VYOMA
HAVE_NODE=0
if command -v node >/dev/null &&
   node -e 'import("node:wasi").then(()=>process.exit(0),()=>process.exit(1))' 2>/dev/null; then
  HAVE_NODE=1
fi
HAVE_CLANG=0
command -v "$WASI_CC" >/dev/null && [[ -f /usr/lib/wasm32-wasi/libc.a ]] && HAVE_CLANG=1

declare -A NODE_SKIPPED=()
if [[ -f $T/NODE_SKIP ]]; then
  while read -r n _; do
    [[ -z "$n" || "$n" == \#* ]] || NODE_SKIPPED[$n]=1
  done <$T/NODE_SKIP
fi

# A listing of a directory tree that two runs can be compared by: types,
# paths, and file contents (sizes of directories differ between hosts).
tree_sum() {
  (cd "$1" && find . -mindepth 1 -printf '%y %p\n' | LC_ALL=C sort &&
   find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum)
}

# run_one ENGINE DIR ARGS...: runs one engine in DIR/, with the fixture copy
# DIR/fs, stdin STDIN and (env, args) from the caller's arrays.
#   ENGINE: vyoma | asan | node
run_one() {
  local engine=$1 dir=$2
  mkdir -p "$dir"
  rm -rf "$dir/fs"
  cp -a "$FIXTURE/." "$dir/fs" 2>/dev/null || mkdir -p "$dir/fs"
  mkdir -p "$dir/fs"
  local cmd
  case $engine in
    vyoma) cmd=("$VYOMA" run --no-manifest) ;;  # the bare module, as node runs it
    asan) cmd=("$ASAN_VYOMA" run --no-manifest) ;;
    node) cmd=(node --no-warnings "$ROOT/$T/node_run.mjs") ;;
  esac
  local opts=(--dir "$dir/fs::$GUEST")
  local e
  for e in "${ENVS[@]}"; do opts+=(--env "$e"); done
  # Run from inside the output dir so nothing the app does by accident
  # lands in the source tree.
  (cd "$dir" && ASAN_OPTIONS=detect_leaks=1 timeout "$TIMEOUT" \
     "${cmd[@]}" "${opts[@]}" -- "$WASM" "${ARGS[@]}" \
     <"$STDIN" >"$dir/stdout" 2>"$dir/stderr")
  echo $? >"$dir/status"
  if [[ -f "$FILTER" ]]; then
    sed -f "$FILTER" "$dir/stdout" >"$dir/stdout.f"
  else
    cp "$dir/stdout" "$dir/stdout.f"
  fi
  tree_sum "$dir/fs" >"$dir/tree"
}

# check_case NAME WASM BASE DEFAULT_FIXTURE DEFAULT_GUEST
check_case() {
  local name=$1 base=$3 default_fixture=$4 default_guest=$5
  WASM=$ROOT/$2
  selected "$name" || return 0
  local dir=$ROOT/$OUT/$name
  ARGS=() ENVS=()
  if [[ -f $base.args ]]; then mapfile -t ARGS <"$base.args"; fi
  if [[ -f $base.env ]]; then mapfile -t ENVS < <(grep -v '^#' "$base.env" | grep .); fi
  STDIN=/dev/null
  [[ -f $base.stdin ]] && STDIN=$ROOT/$base.stdin
  FILTER=$ROOT/$base.filter
  FIXTURE=$ROOT/$OUT/.empty
  mkdir -p "$FIXTURE"
  if [[ -d $base.fixture ]]; then FIXTURE=$ROOT/$base.fixture
  elif [[ -d $default_fixture ]]; then FIXTURE=$ROOT/$default_fixture; fi
  GUEST=$default_guest
  [[ -f $base.preopen ]] && GUEST=$(head -n1 "$base.preopen")

  run_one vyoma "$dir/vyoma"
  local v=$dir/vyoma rc_v
  rc_v=$(cat "$v/status")
  local problems=()
  [[ $rc_v == 124 ]] && problems+=("vyoma timed out after ${TIMEOUT}s")

  if [[ -f $base.expected ]]; then
    local exp=$dir/expected
    if [[ -f "$FILTER" ]]; then sed -f "$FILTER" "$base.expected" >"$exp"
    else cp "$base.expected" "$exp"; fi
    if ! diff -u "$exp" "$v/stdout.f" >"$dir/diff-expected"; then
      problems+=("vyoma stdout differs from ${base##*/}.expected")
    fi
  fi
  if [[ -f $base.tree ]] && ! diff -u "$base.tree" "$v/tree" >"$dir/diff-tree-expected"; then
    problems+=("directory afterwards differs from ${base##*/}.tree")
  fi
  local want_status=""
  [[ -f $base.status ]] && want_status=$(tr -d ' \n' <"$base.status")
  if [[ -n $want_status && $rc_v != "$want_status" ]]; then
    problems+=("vyoma exit $rc_v, expected $want_status")
  fi

  local node_note=""
  if [[ -n "${NODE_SKIPPED[$name]:-}" ]]; then
    node_note=" (node side skipped: NODE_SKIP)"
  elif [[ $HAVE_NODE == 0 ]]; then
    node_note=" (node side skipped: no node:wasi)"
  else
    run_one node "$dir/node"
    local n=$dir/node rc_n
    rc_n=$(cat "$n/status")
    if [[ $rc_n == 124 ]]; then
      problems+=("node timed out")
    else
      if ! diff -u "$n/stdout.f" "$v/stdout.f" >"$dir/diff-node"; then
        problems+=("stdout differs from node")
      fi
      [[ $rc_v != "$rc_n" ]] && problems+=("exit $rc_v, node exits $rc_n")
      if ! diff -u "$n/tree" "$v/tree" >"$dir/diff-tree"; then
        problems+=("directory afterwards differs from node's")
      fi
      if [[ -z $want_status && ! -f $base.expected && $rc_n == 134 ]]; then
        problems+=("node traps too: the test itself is broken")
      fi
    fi
  fi
  if [[ -z $want_status && ( $HAVE_NODE == 0 || -n "${NODE_SKIPPED[$name]:-}" ) &&
        $rc_v != 0 ]]; then
    problems+=("vyoma exit $rc_v, expected 0")
  fi

  if [[ "${VYOMA_ASAN:-0}" != 0 ]]; then
    run_one asan "$dir/asan"
    local a=$dir/asan
    if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
         -e 'runtime error:' "$a/stderr"; then
      problems+=("sanitizer report (see $OUT/$name/asan/stderr)")
    fi
    cmp -s "$a/stdout.f" "$v/stdout.f" || problems+=("asan vyoma stdout differs")
    [[ $(cat "$a/status") != "$rc_v" ]] && problems+=("asan vyoma exit $(cat "$a/status"), vyoma $rc_v")
  fi

  if ((${#problems[@]} == 0)); then
    pass "$name$node_note"
  else
    local IFS=';'
    fail "$name" "$(printf '%s; ' "${problems[@]}" | sed 's/; $//') [$OUT/$name]"
    for f in "$dir/diff-expected" "$dir/diff-tree-expected" "$dir/diff-node" "$dir/diff-tree"; do
      [[ -s $f ]] && detail_head "$f" 10
    done
    [[ -s "$v/stderr" ]] && detail_head "$v/stderr" 4
  fi
}

# ---- conformance programs (tests/wasi/NAME.c) ------------------------------
shopt -s nullglob
mkdir -p "$OUT/bin"
for src in $T/*.c; do
  name=$(basename "$src" .c)
  selected "$name" || continue
  if [[ $HAVE_CLANG == 0 ]]; then
    skip "$name" "no clang/wasi-libc to build it"
    continue
  fi
  if ! $WASI_CC $WASI_CFLAGS -o "$OUT/bin/$name.wasm" "$src" \
       >"$OUT/bin/$name.log" 2>&1; then
    fail "$name" "does not compile"
    detail_head "$OUT/bin/$name.log" 8
    continue
  fi
  check_case "$name" "$OUT/bin/$name.wasm" "$T/$name" "$T/fixtures" /sandbox
done

# ---- sample apps -------------------------------------------------------------
declare -A APP_HAS_CASE=()
for args in $T/apps/*.args $T/apps/*.stdin $T/apps/*.expected $T/apps/*.status; do
  c=$(basename "${args%.*}")
  [[ -n "${APP_HAS_CASE[$c]:-}" ]] && continue
  APP_HAS_CASE[$c]=1
done
for c in $(printf '%s\n' "${!APP_HAS_CASE[@]}" | LC_ALL=C sort); do
  app=${c%%-*}
  if [[ ! -f build/apps/$app/$app.wasm ]]; then
    selected "app-$c" && fail "app-$c" "build/apps/$app/$app.wasm not built (make apps)"
    continue
  fi
  check_case "app-$c" "build/apps/$app/$app.wasm" "$T/apps/$c" "$T/apps/fixture" /data
done
for w in build/apps/*/*.wasm; do
  app=$(basename "$w" .wasm)
  [[ -n "${APP_HAS_CASE[$app]:-}" ]] && continue
  check_case "app-$app" "$w" "$T/apps/$app" "$T/apps/fixture" /data
done

# ---- the CLI itself ------------------------------------------------------------
source "$T/cli_tests.sh"

t_end
