#!/usr/bin/env bash
# bench/hal.sh — `make bench` (bench-hal): the HAL's call path, wasm
# against native, on the simulated board boards/sim.toml.  Figures, never
# pass/fail:
#   gpio writes/s        a blink-like loop without a sleep: N gpio_write
#                        calls toggling LED line 17
#   i2c reads/s          N 2-byte register reads (write 0, read 2) of the
#                        sim's TMP102 at 1:0x48
#   edge p50 / p99       10,000 button edges (line 27), each from the sim's
#                        edge timestamp (taken when the poke happens) to the
#                        return of the app's wait: the wake-up latency
# wasm: bench/hal/wasm.c through the vyoma_hal imports, under `vyoma run
# --board sim:boards/sim.toml` (the interpreter + capability/'s checks);
# native: bench/hal/native.c, the same loops on hal/hal.h, linked with
# libvyhal (build/bin/halbench-native, mk/bench.mk).  Edges never queue:
# in the wasm run they are poked from outside through the sim's state
# folder (a small Python poker writing gpio-27, which sim_state.c's inotify
# thread turns into a poke), each a millisecond after the app acknowledged
# the last on LED 17; in the native run a thread calls vy_hal_gpio_poke
# every millisecond.
# Each figure is the median of HAL_RUNS runs (default 5; edges 3); the last
# column is the ratio of the two figures (throughput: below 1 means wasm
# does fewer; latency: above 1 means wasm takes longer).
# Environment: VYOMA (default build/bin/vyoma), HAL_RUNS, HAL_QUICK=1
# (small counts: checks the script, figures meaningless).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
VYOMA=${VYOMA:-build/bin/vyoma}
NATIVE=${HAL_NATIVE:-build/bin/halbench-native}
OUT=build/bench/hal
RUNS=${HAL_RUNS:-5}
ERUNS=$((RUNS < 3 ? RUNS : 3))
BOARD=sim:$ROOT/boards/sim.toml
N_GPIO=2000000 N_I2C=500000 N_EDGE=10000
if [[ ${HAL_QUICK:-0} != 0 ]]; then N_GPIO=20000 N_I2C=5000 N_EDGE=200 RUNS=1 ERUNS=1; fi
say() { printf 'bench-hal: %s\n' "$*" >&2; }

mkdir -p "$OUT"
[[ -x $NATIVE && -x $VYOMA ]] || { say "no $NATIVE or $VYOMA (make bench-hal builds them)"; exit 1; }
if ! clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -Isdk \
       -Wl,--strip-all -o "$OUT/halbench.wasm" bench/hal/wasm.c ||
   ! cp bench/hal/vyoma.toml "$OUT/"; then
  say "cannot build bench/hal/wasm.c"; exit 1
fi

# value KEY: a RESULT line's figure from stdin
value() { awk -v k="$1" '$1 == "RESULT" && $2 == k { print $3 }'; }
# median: of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

# poke DIR N: toggles button 27 N times through DIR/gpio-27, each poke a
# millisecond after the app acknowledged the last (LED 17 shows the level
# it saw, inverted; high at first: ready), so pokes never coalesce or queue
poke() {
  python3 - "$1" "$2" <<'PY'
import os, sys, time
d, n = sys.argv[1], int(sys.argv[2])
led, button = os.path.join(d, "gpio-17"), os.path.join(d, "gpio-27")
def wait_led(want, seconds):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if open(led).read().strip() == want:
                return True
        except OSError:
            pass
        time.sleep(0.0002)
    return False
if wait_led("1", 20):
    for i in range(n):
        time.sleep(0.001)
        with open(button, "w") as f:
            f.write("1\n" if i % 2 == 0 else "0\n")
        if not wait_led("0" if i % 2 == 0 else "1", 2):
            break
PY
}

# run_wasm MODE N: one wasm run's RESULT lines
run_wasm() {
  if [[ $1 == edge ]]; then
    local st
    st=$(mktemp -d)
    VYOMA_SIM_STATE=$st "$VYOMA" run --board "$BOARD" "$OUT/halbench.wasm" edge "$2" 2>/dev/null &
    local pid=$!
    poke "$st" "$2"
    wait "$pid"
    rm -rf "$st"
  else
    "$VYOMA" run --board "$BOARD" "$OUT/halbench.wasm" "$1" "$2" 2>/dev/null
  fi
}
run_native() { "$NATIVE" "$BOARD" "$1" "$2"; }

# figure SIDE MODE N RUNS KEY...: medians of KEYs over RUNS runs, one per line
figure() {
  local side=$1 mode=$2 n=$3 runs=$4 i k
  shift 4
  local all=
  for ((i = 0; i < runs; i++)); do all+=$(run_"$side" "$mode" "$n")$'\n'; done
  for k in "$@"; do value "$k" <<<"$all" | median; done
}

say "gpio, i2c: $RUNS runs each side; edges: $ERUNS runs of $N_EDGE, a millisecond apart (~$((ERUNS * N_EDGE * 2 / 1000 + 5)) s)"
read -r wg < <(figure wasm gpio $N_GPIO "$RUNS" gpio_writes_per_s)
read -r ng < <(figure native gpio $N_GPIO "$RUNS" gpio_writes_per_s)
read -r wi < <(figure wasm i2c $N_I2C "$RUNS" i2c_reads_per_s)
read -r ni < <(figure native i2c $N_I2C "$RUNS" i2c_reads_per_s)
{ read -r we50; read -r we99; read -r wen; } < <(figure wasm edge $N_EDGE "$ERUNS" edge_p50_us edge_p99_us edge_seen)
{ read -r ne50; read -r ne99; read -r nen; } < <(figure native edge $N_EDGE "$ERUNS" edge_p50_us edge_p99_us edge_seen)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }'; }
mega() { awk -v v="$1" 'BEGIN { if (v + 0 > 0) printf "%.2f M", v / 1e6; else print "-" }'; }
echo "HAL call path on boards/sim.toml (medians of $RUNS runs; edges of $ERUNS)"
printf '  %-26s %12s %12s %12s\n' "" wasm native wasm/native
printf '  %-26s %12s %12s %12s\n' "gpio writes/s" "$(mega "$wg")" "$(mega "$ng")" "$(ratio "$wg" "$ng")"
printf '  %-26s %12s %12s %12s\n' "i2c 2-byte reads/s" "$(mega "$wi")" "$(mega "$ni")" "$(ratio "$wi" "$ni")"
printf '  %-26s %12s %12s %12s\n' "edge latency p50 (us)" "$we50" "$ne50" "$(ratio "$we50" "$ne50")"
printf '  %-26s %12s %12s %12s\n' "edge latency p99 (us)" "$we99" "$ne99" "$(ratio "$we99" "$ne99")"
printf '  %-26s %12s %12s\n' "edges seen (of $N_EDGE)" "${wen%.*}" "${nen%.*}"
