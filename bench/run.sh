#!/usr/bin/env bash
# bench/run.sh — `make bench`: figures, never pass/fail.
#
# Each bench/NAME.c is a CPU-bound program of our own, built twice: natively
# (gcc -O2) and to wasm (clang -O2 --target=wasm32-wasi).  Both get the same
# arguments, so the ratio wasm/native is the cost of running under
# `vyoma run` (our interpreter) for the same work.  Reported per program:
# median wall time of several runs (hyperfine when installed), the ratio,
# and peak resident memory (/usr/bin/time %M).  Then the start-to-exit time
# of hello.wasm (median of many runs) and its peak memory.
#
# Environment: VYOMA (default build/bin/vyoma); BENCH_RUNS (default 5);
# BENCH_ONLY=name runs one program; BENCH_QUICK=1 uses small inputs (for
# checking that the script works, figures meaningless).
# A wasm program whose first run takes longer than BENCH_SLOW seconds
# (default 20) is timed from that run alone.
#
# Progress (on stderr, so the table on stdout stays clean): first how long
# the run will take, "about 4 minutes: 7 programs x 5 runs", from the times
# of the last run with the same inputs and runs (build/bench/times-*), or
# for a program never run, a rough figure; then "[I/N] NAME ... (T
# elapsed)" before each program, and the total at the end.
#   bench/run.sh --plan    (make bench, first) the estimate for all of make
#                          bench: bench-display, bench-supervisor and this
#   bench/run.sh --done    (make bench, last) make bench's total time, kept
#                          for the next --plan

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
VYOMA=${VYOMA:-build/bin/vyoma}
[[ $VYOMA == /* ]] || VYOMA=$ROOT/$VYOMA
OUT=$ROOT/build/bench
RUNS=${BENCH_RUNS:-5}
SLOW=${BENCH_SLOW:-20}
mkdir -p "$OUT/native" "$OUT/wasm"

# name and arguments (the same for both builds); defaults give roughly
# 0.3-0.6 s of native work on a 2020s x86-64 core.
BENCHES=(
  "fib 42"
  "sieve 8000000 30"
  "sha256 4 20"
  "nbody 5000000"
  "matmul 256 48"
  "bytecode 400000"
  "json 20000 150"
)
if [[ "${BENCH_QUICK:-0}" != 0 ]]; then
  BENCHES=("fib 27" "sieve 100000 2" "sha256 1 1" "nbody 20000" "matmul 64 2"
           "bytecode 20000" "json 1000 2")
  RUNS=2
fi

# ---- progress and the estimate -------------------------------------------------------------
mode=full; [[ "${BENCH_QUICK:-0}" != 0 ]] && mode=quick
TIMES=$OUT/times-$mode-$RUNS     # "NAME SECONDS" per program, from the last run
start=$SECONDS
say() { printf 'bench: %s\n' "$*" >&2; }
dur() {  # seconds -> 45s, 3m07s
  local s=$1
  if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}
about() {  # seconds -> "about 40 seconds", "about 4 minutes"
  if (($1 < 90)); then echo "about $(( ($1 + 9) / 10 * 10 )) seconds"
  else echo "about $(( ($1 + 30) / 60 )) minutes"; fi
}
# rough seconds for one program when it has no recorded time (measured on
# the 2-CPU build machine in December 2026): a full-size native run takes
# ~0.6 s, a wasm run 4.5-10 s (~6), and one of more than 5 s is timed 3
# times, not RUNS; each is run twice more (the answer, the memory); the two
# compiles ~1 s.  Quick inputs take well under a second per program.
rough() {
  if [[ $mode == quick ]]; then echo 1; return; fi
  local wr=$((RUNS < 3 ? RUNS : 3))
  echo $(( (RUNS + 2) * 3 / 5 + (wr + 2) * 6 + 1 ))
}
selected() {
  local e
  for e in "${BENCHES[@]}"; do
    e=${e%% *}
    [[ -n "${BENCH_ONLY:-}" && $e != "$BENCH_ONLY" ]] || echo "$e"
  done
}
NPROG=$(selected | wc -l)
# estimate: prints "SECONDS SOURCE"
estimate() {
  local name t sum=0 known=0 n=0
  for name in $(selected); do
    n=$((n + 1))
    t=$(awk -v n="$name" '$1 == n {print $2; exit}' "$TIMES" 2>/dev/null)
    if [[ $t =~ ^[0-9]+$ ]]; then known=$((known + 1)); else t=$(rough); fi
    sum=$((sum + t))
  done
  [[ -z "${BENCH_ONLY:-}" ]] && sum=$((sum + 2))   # hello.wasm
  if ((known == n)); then echo "$sum from the last run's times"
  elif ((known == 0)); then echo "$sum a rough figure: no earlier run with these inputs"
  else echo "$sum $known of $n programs from the last run's times"; fi
}
record() {  # NAME SECONDS: this run's time replaces the last one
  { awk -v n="$1" '$1 != n' "$TIMES" 2>/dev/null; echo "$1 $2"; } >"$TIMES.tmp" &&
    mv "$TIMES.tmp" "$TIMES"
}

case ${1:-} in
--plan)
  # the other parts of make bench: bench-supervisor (its own last time, or
  # ~10 s) and bench-display (~10 s, a rough figure)
  read -r e src < <(estimate)
  sup=$(cat "$OUT/supervisor-seconds" 2>/dev/null); [[ $sup =~ ^[0-9]+$ ]] || sup=10
  disp=10
  tot=$((e + sup + disp))
  last=$(cat "$OUT/make-bench-seconds-$mode-$RUNS" 2>/dev/null)
  if [[ $last =~ ^[0-9]+$ ]]; then note="the last make bench took $(dur "$last")"
  else note="engine: $src"; fi
  say "make bench: $(about "$tot"): bench-display (~$(dur $disp)), bench-supervisor (~$(dur "$sup")), engine $NPROG programs x $RUNS runs (~$(dur "$e")); $note"
  date +%s >"$OUT/make-bench-start"
  exit 0 ;;
--done)
  if st=$(cat "$OUT/make-bench-start" 2>/dev/null) && [[ $st =~ ^[0-9]+$ ]]; then
    t=$(( $(date +%s) - st ))
    echo "$t" >"$OUT/make-bench-seconds-$mode-$RUNS"
    rm -f "$OUT/make-bench-start"
    say "make bench: done in $(dur "$t")"
  fi
  exit 0 ;;
esac

if [[ ! -x $VYOMA ]]; then
  echo "bench: $VYOMA not built (run make first)"
  exit 1
fi
HAVE_HYPERFINE=0
command -v hyperfine >/dev/null && command -v jq >/dev/null && HAVE_HYPERFINE=1

now_ns() { date +%s%N; }

# median_time RUNS CMD...: prints the median wall time in seconds
median_time() {
  local runs=$1; shift
  if [[ $HAVE_HYPERFINE == 1 ]]; then
    hyperfine -N --style none --runs "$runs" --export-json "$OUT/hf.json" \
      -- "$(printf '%q ' "$@")" >/dev/null 2>&1 &&
      jq -r '.results[0].median' "$OUT/hf.json" | awk '{printf "%.6f\n", $1}' &&
      return
  fi
  local i t0 t1 times=()
  for ((i = 0; i < runs; i++)); do
    t0=$(now_ns); "$@" >/dev/null 2>&1; t1=$(now_ns)
    times+=("$(( (t1 - t0) / 1000 ))")
  done
  printf '%s\n' "${times[@]}" | sort -n |
    awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2;
                          printf "%.6f\n", m / 1e6}'
}

# peak_kb CMD...: peak resident set size of one run, in KiB
peak_kb() {
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%M' -o "$OUT/rss" "$@" >/dev/null 2>&1
    tail -n1 "$OUT/rss"
  else
    echo "?"
  fi
}

mib() { [[ $1 == "?" ]] && echo "?" || awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

read -r est src < <(estimate)
say "$(about "$est"): $NPROG program$( ((NPROG == 1)) || echo s) x $RUNS runs, native and wasm ($src)"
echo "vyoma benchmarks ($(uname -m), $(nproc) CPU, $(date -u +%Y-%m-%d))"
echo "wasm: clang -O2 --target=wasm32-wasi, run by $(basename "$VYOMA") run; native: gcc -O2"
echo
printf '%-10s %10s %10s %9s %12s %12s  %s\n' program "native s" "wasm s" ratio \
  "native RSS" "vyoma RSS" note
i=0
for entry in "${BENCHES[@]}"; do
  read -r name args <<<"$entry"
  [[ -n "${BENCH_ONLY:-}" && $name != "$BENCH_ONLY" ]] && continue
  i=$((i + 1))
  say "[$i/$NPROG] $name ... ($(dur $((SECONDS - start))) elapsed)"
  p0=$SECONDS
  # shellcheck disable=SC2206
  argv=($args)
  note=""
  if ! gcc -std=gnu11 -O2 -o "$OUT/native/$name" "bench/$name.c" -lm \
       2>"$OUT/$name.log" ||
     ! clang --target=wasm32-wasi --sysroot=/usr -O2 -o "$OUT/wasm/$name.wasm" \
       "bench/$name.c" 2>>"$OUT/$name.log"; then
    printf '%-10s build failed (see %s)\n' "$name" "$OUT/$name.log"
    continue
  fi
  native=("$OUT/native/$name" "${argv[@]}")
  wasm=("$VYOMA" run "$OUT/wasm/$name.wasm" "${argv[@]}")
  "${native[@]}" >"$OUT/$name.native.out" 2>&1
  # first wasm run: checks the answer and decides how many runs we afford
  t0=$(now_ns)
  "${wasm[@]}" >"$OUT/$name.wasm.out" 2>&1
  rc=$?
  t1=$(now_ns)
  first=$(awk -v ns=$((t1 - t0)) 'BEGIN {printf "%.3f", ns / 1e9}')
  if [[ $rc != 0 ]]; then
    note="wasm exit $rc: $(head -c 60 "$OUT/$name.wasm.out" | head -n1)"
  elif ! cmp -s "$OUT/$name.native.out" "$OUT/$name.wasm.out"; then
    note="OUTPUT DIFFERS from native"
  fi
  tn=$(median_time "$RUNS" "${native[@]}")
  if [[ $rc != 0 ]]; then
    tw="-"
  elif awk -v f="$first" -v s="$SLOW" 'BEGIN {exit !(f > s)}'; then
    tw=$first
    note="${note:+$note; }1 run (slow)"
  else
    wr=$RUNS
    awk -v f="$first" 'BEGIN {exit !(f > 5)}' && wr=3
    ((wr > RUNS)) && wr=$RUNS
    tw=$(median_time "$wr" "${wasm[@]}")
  fi
  ratio=$(awk -v w="$tw" -v n="$tn" 'BEGIN {if (w == "-" || n <= 0) print "-";
                                           else printf "%.1fx", w / n}')
  rn=$(peak_kb "${native[@]}")
  rw="?"
  [[ $rc == 0 ]] && rw=$(peak_kb "${wasm[@]}")
  s3() { [[ $1 == "-" ]] && echo - || awk -v s="$1" 'BEGIN {printf "%.3f", s}'; }
  printf '%-10s %10s %10s %9s %12s %12s  %s\n' "$name" "$(s3 "$tn")" "$(s3 "$tw")" "$ratio" \
    "$(mib "$rn")" "$(mib "$rw")" "$note"
  record "$name" $((SECONDS - p0))
done

echo
hello=build/apps/hello/hello.wasm
if [[ -f $hello && -z "${BENCH_ONLY:-}" ]]; then
  n=50; [[ "${BENCH_QUICK:-0}" != 0 ]] && n=5
  say "hello.wasm x $n runs ... ($(dur $((SECONDS - start))) elapsed)"
  if "$VYOMA" run "$hello" >/dev/null 2>&1; then
    th=$(median_time "$n" "$VYOMA" run "$hello")
    rh=$(peak_kb "$VYOMA" run "$hello")
    printf 'hello.wasm start-to-exit: median %s ms of %d runs, peak RSS %s (module %s bytes)\n' \
      "$(awk -v s="$th" 'BEGIN {printf "%.2f", s * 1000}')" "$n" "$(mib "$rh")" \
      "$(stat -c %s "$hello")"
  else
    echo "hello.wasm: does not run under $(basename "$VYOMA")"
  fi
fi
say "done in $(dur $((SECONDS - start))) (estimated $(dur "$est"))"
exit 0
