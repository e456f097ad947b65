#!/usr/bin/env bash
# run.sh — the WebAssembly spec suite (`make spec`).
#
#   tests/spec/run.sh [--update] [--label NAME] RUNNER
#
# Converts each ../shared/wasm-spec/*.wast with wast2json into
# build/spec/NAME/ (again only when the .wast is newer), runs RUNNER (a
# vw-spec binary) on every file, in parallel, and compares the failing cases
# with the committed list tests/spec/expected-failures.txt:
#   - a failure not on the list is a regression;
#   - a listed case that passes now is stale ("newly passing, remove it");
# either makes the exit status 1.  A runner that crashes, times out or trips
# a sanitizer counts as the failure NAME.wast:crash / :timeout / :sanitizer.
# Prints one PASS/FAIL line per file (tests/run.sh counts them) and totals
# ("# ..." lines, which tests/run.sh shows but does not count), SIMD files
# (simd_*) apart from the rest.
#
# --update rewrites the list from this run's failures instead of comparing.
# Environment: SHARED (default ../shared beside the repo), VW_SPEC_JOBS
# (default: number of CPUs), VW_SPEC_TIMEOUT (seconds per file, default 600).
set -uo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
update=0
label=spec
while [ $# -gt 0 ]; do
  case "$1" in
    --update) update=1; shift ;;
    --label) label=$2; shift 2 ;;
    -*) echo "usage: $0 [--update] [--label NAME] RUNNER" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--update] [--label NAME] RUNNER" >&2; exit 2; }
runner=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$runner" ] || { echo "$label: runner $1 not found" >&2; exit 2; }
T_LABEL=$label

shared=${SHARED:-../shared}
case "$shared" in /*) ;; *) shared=$ROOT/$shared ;; esac
specdir=$shared/wasm-spec
if [ ! -d "$specdir" ]; then
  skip wasm-spec "../shared/wasm-spec not found"
  exit 0
fi

expected=$ROOT/tests/spec/expected-failures.txt
jsondir=$ROOT/build/spec
# results beside the runner's build: build/spec-results, build/asan/spec-results
outdir=$(dirname "$(dirname "$runner")")/spec-results
jobs=${VW_SPEC_JOBS:-$(nproc 2>/dev/null || echo 2)}
timeout_s=${VW_SPEC_TIMEOUT:-600}
rm -rf "$outdir"
mkdir -p "$outdir" "$jsondir"

# ---- convert + run one file (in the background) -----------------------------
one() {
  local name=$1 wast=$specdir/$1.wast dir=$jsondir/$1 out=$outdir/$1
  if [ ! -f "$dir/$name.json" ] || [ "$wast" -nt "$dir/$name.json" ]; then
    # convert into a fresh folder, then swap it in: an interrupted run
    # never leaves a half-written JSON that looks up to date
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    if ! wast2json "$wast" -o "$dir.tmp/$name.json" >"$out.err" 2>&1; then
      echo convert >"$out.rc"
      return
    fi
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
  fi
  timeout -k 10 "$timeout_s" "$runner" --quiet --list-failures \
    "$dir/$name.json" >"$out.out" 2>"$out.err" </dev/null
  echo $? >"$out.rc"
}

names=()
for w in "$specdir"/*.wast; do [ -f "$w" ] && names+=("$(basename "$w" .wast)"); done
if [ ${#names[@]} -eq 0 ]; then
  skip wasm-spec "no .wast files in $specdir"
  exit 0
fi
running=0
for n in "${names[@]}"; do
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
  one "$n" &
  running=$((running + 1))
done
wait

# ---- collect each file's failures ---------------------------------------------
: >"$outdir/all-failures"
for n in "${names[@]}"; do
  out=$outdir/$n
  rc=$(cat "$out.rc" 2>/dev/null || echo missing)
  touch "$out.out" "$out.err"
  grep -E "^$n\.wast:[0-9]+\$" "$out.out" >"$out.fail" || true
  if [ "$rc" = convert ]; then
    echo "$n.wast:convert" >>"$out.fail"
  elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "$n.wast:timeout" >>"$out.fail"
  elif [ "$rc" != 0 ] && [ "$rc" != 1 ] || ! grep -q "^$n\.wast: [0-9]* passed" "$out.out"; then
    echo "$n.wast:crash" >>"$out.fail"
  fi
  if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out.err"; then
    echo "$n.wast:sanitizer" >>"$out.fail"
  fi
  sort -u -o "$out.fail" "$out.fail"
  cat "$out.fail" >>"$outdir/all-failures"
done
sort -u -o "$outdir/all-failures" "$outdir/all-failures"

if [ $update -eq 1 ]; then
  {
    echo "# Spec-test cases (file.wast:LINE) that fail today: tests/spec/run.sh"
    echo "# fails on any failure not listed here, and on any listed case that"
    echo "# passes.  Regenerate with 'make spec-update-expected' after a fix."
    echo "# NAME.wast:crash/:timeout/:sanitizer mean the whole file's run broke."
    echo "# A note after an entry ('file.wast:LINE  # why') is kept by the update."
    # keep the notes of entries that still fail
    awk 'NR == FNR { if (match($0, /#.*/) && $1 !~ /^#/) note[$1] = substr($0, RSTART); next }
         { print ($1 in note) ? $1 "  " note[$1] : $1 }' \
      "$expected" "$outdir/all-failures" 2>/dev/null || cat "$outdir/all-failures"
  } >"$expected.new"
  mv "$expected.new" "$expected"
  echo "$label: wrote $(wc -l <"$outdir/all-failures") entries to tests/spec/expected-failures.txt"
fi

# the committed list, without comments and blanks
{ [ -f "$expected" ] && sed -e 's/#.*//' -e 's/[[:space:]]//g' "$expected" | grep -v '^$'; } \
  | sort -u >"$outdir/expected" || true

# ---- compare, per file and in total ------------------------------------------------
declare -A tot
for k in np nf ns sp sf ss; do tot[$k]=0; done
regressions=0
runner_why() {  # the runner's FAIL line for a case, if it printed one
  local n=$1 c=$2
  grep -m1 -F "FAIL $c " "$outdir/$n.out" 2>/dev/null | sed "s/^FAIL $c //" | cut -c1-200
}
for n in "${names[@]}"; do
  out=$outdir/$n
  read -r p f s < <(sed -n "s/^$n\.wast: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped\$/\1 \2 \3/p" "$out.out" | tail -1)
  p=${p:-0} f=${f:-0} s=${s:-0}
  case $n in simd_*) k=s ;; *) k=n ;; esac
  tot[${k}p]=$((tot[${k}p] + p)); tot[${k}f]=$((tot[${k}f] + f)); tot[${k}s]=$((tot[${k}s] + s))

  grep -E "^$n\.wast:" "$outdir/expected" >"$out.expected" || true
  comm -23 "$out.fail" "$out.expected" >"$out.new"
  comm -13 "$out.fail" "$out.expected" >"$out.stale"
  nnew=$(wc -l <"$out.new"); nstale=$(wc -l <"$out.stale")
  regressions=$((regressions + nnew))
  if [ "$nnew" -eq 0 ] && [ "$nstale" -eq 0 ]; then
    pass "$n.wast" "$p passed, $f failed (listed), $s skipped"
    continue
  fi
  fail "$n.wast" "$nnew regressions, $nstale newly passing ($p passed, $f failed, $s skipped)"
  head -n 20 "$out.new" | while read -r c; do
    echo "    regression: $c  $(runner_why "$n" "$c")"
  done
  head -n 20 "$out.stale" | while read -r c; do
    echo "    newly passing, remove it from the list: $c"
  done
  [ $((nnew + nstale)) -gt 40 ] && echo "    ... (all of it in $out.out)"
  if grep -q ":crash\|:sanitizer\|:timeout\|:convert" "$out.new"; then
    detail 15 <"$out.err"
  fi
done

# entries naming files that are not in the suite any more are stale too
stale_total=$(comm -13 "$outdir/all-failures" "$outdir/expected" | wc -l)
comm -13 "$outdir/all-failures" "$outdir/expected" | while read -r c; do
  [ -f "$specdir/${c%%:*}" ] || fail list "no such spec file, remove it from the list: $c"
done

echo "# $label totals (non-SIMD): ${tot[np]} passed, ${tot[nf]} failed, ${tot[ns]} skipped"
echo "# $label totals (SIMD):     ${tot[sp]} passed, ${tot[sf]} failed, ${tot[ss]} skipped"
echo "# $label: $regressions regressions, $stale_total newly passing (stale list entries) against tests/spec/expected-failures.txt"
[ "$regressions" -eq 0 ] && [ "$stale_total" -eq 0 ]
