#!/usr/bin/env bash
# bench/hal.sh — `make bench` (bench-hal): the HAL's call path, wasm
# against native, on the simulated board boards/sim.toml, and the edge
# latency an app sees under a real vyomad.  Figures, never pass/fail.
#
# Table 1, wasm against native:
#   gpio writes/s        a blink-like loop without a sleep: N gpio_write
#                        calls toggling LED line 17
#   i2c reads/s          N 2-byte register reads (write 0, read 2) of the
#                        sim's TMP102 at 1:0x48
#   edge p50 / p99       10,000 button edges (line 27), each from the sim's
#                        edge timestamp (taken when the poke happens) to the
#                        return of the app's wait: the wake-up latency
#   edges seen           how many of the 10,000 the app saw (fewer: lost)
# wasm: bench/hal/wasm.c through the vyoma_hal imports, under `vyoma run
# --board sim:boards/sim.toml` (the interpreter + capability/'s checks);
# native: bench/hal/native.c, the same loops on hal/hal.h, linked with
# libvyhal (build/bin/halbench-native, mk/bench.mk).  Edges never queue:
# in the wasm run they are poked from outside through the sim's state
# folder by build/bin/halbench-poke (bench/hal/poke.c: writes gpio-27,
# which sim_state.c's inotify thread turns into a poke, stamped there),
# each a millisecond after the app acknowledged the last on LED 17; in the
# native run a thread calls vy_hal_gpio_poke every millisecond.
#
# Table 2, edge latency under vyomad: the same wasm app (`halbench edge
# 10000`, its manifest granting lines 17 and 27) started by a real vyomad
# (build/bin/vyomad --root TMP --profile P) on a temporary root: apps/, a
# copy of boards/sim.toml with a state folder (boards/sim-state), and a
# copy of profile P with `board = "sim"`.  Poked from outside through that
# state folder as above; the app prints its RESULT lines, which vyomad
# keeps in TMP/run/vyoma/logs/halbench.log, read from there.  Four
# settings:
#   profile  desktop-full (vyomad's default: SCHED_OTHER) or robotics-rt
#            (SCHED_FIFO priority 50 and mlockall, inherited by every app
#            thread, the sim's inotify thread included)
#   load     idle: the edge app alone; +cpu app: beside it bench/hal/spin.c,
#            a wasm app with no grants that loops forever (in robotics-rt
#            it is SCHED_FIFO too)
#   p50 / p99 (us), seen  as in table 1
#   rt       robotics-rt only: whether vyomad got SCHED_FIFO and mlockall,
#            from its own log line (the reason if not), and, checked in
#            /proc while the apps run, how many of vyomad's threads (its
#            own and one per app) are SCHED_FIFO and its VmLck
# Each figure is the median of HAL_RUNS runs (default 5; edges 3, and
# HAL_SUP_RUNS, default 3, for table 2); the last column of table 1 is the
# ratio of the two figures (throughput: below 1 means wasm does fewer;
# latency: above 1 means wasm takes longer).  The temporary folders are on
# /dev/shm when it is there (tmpfs, like a device's /run), else TMPDIR.
# Environment: VYOMA, VYOMAD, VYCTL (default build/bin/NAME), HAL_RUNS,
# HAL_SUP_RUNS, HAL_SUP_EDGES (default 10000), HAL_QUICK=1 (small counts:
# checks the script, figures meaningless).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
VYOMA=${VYOMA:-build/bin/vyoma}
NATIVE=${HAL_NATIVE:-build/bin/halbench-native}
POKE=${HAL_POKE:-build/bin/halbench-poke}
VYOMAD=${VYOMAD:-build/bin/vyomad}
VYCTL=${VYCTL:-build/bin/vyctl}
OUT=build/bench/hal
RUNS=${HAL_RUNS:-5}
ERUNS=$((RUNS < 3 ? RUNS : 3))
BOARD=sim:$ROOT/boards/sim.toml
SRUNS=${HAL_SUP_RUNS:-3}
N_GPIO=2000000 N_I2C=500000 N_EDGE=10000 N_SUP=${HAL_SUP_EDGES:-10000}
if [[ ${HAL_QUICK:-0} != 0 ]]; then
  N_GPIO=20000 N_I2C=5000 N_EDGE=200 N_SUP=200 RUNS=1 ERUNS=1 SRUNS=1
fi
TMP=${TMPDIR:-/tmp}
[[ -d /dev/shm && -w /dev/shm ]] && TMP=/dev/shm
say() { printf 'bench-hal: %s\n' "$*" >&2; }

mkdir -p "$OUT"
for p in "$NATIVE" "$POKE" "$VYOMA" "$VYOMAD" "$VYCTL"; do
  [[ -x $p ]] || { say "no $p (make bench-hal builds it)"; exit 1; }
done
wasm() { clang --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror -Isdk -Wl,--strip-all "$@"; }
if ! wasm -o "$OUT/halbench.wasm" bench/hal/wasm.c || ! wasm -o "$OUT/spin.wasm" bench/hal/spin.c ||
   ! cp bench/hal/vyoma.toml "$OUT/"; then
  say "cannot build bench/hal/wasm.c or spin.c"; exit 1
fi

# value KEY: a RESULT line's figure from stdin
value() { awk -v k="$1" '$1 == "RESULT" && $2 == k { print $3 }'; }
# median: of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }

# run_wasm MODE N: one wasm run's RESULT lines
run_wasm() {
  if [[ $1 == edge ]]; then
    local st
    st=$(mktemp -d "$TMP/halbench.XXXXXX")
    VYOMA_SIM_STATE=$st "$VYOMA" run --board "$BOARD" "$OUT/halbench.wasm" edge "$2" 2>/dev/null &
    local pid=$!
    "$POKE" "$st" "$2" 2>/dev/null
    wait "$pid"
    rm -rf "$st"
  else
    "$VYOMA" run --board "$BOARD" "$OUT/halbench.wasm" "$1" "$2" 2>/dev/null
  fi
}
run_native() { "$NATIVE" "$BOARD" "$1" "$2"; }

# ---- under vyomad ---------------------------------------------------------------
# sup_root PROFILE LOAD N: a temporary root (printed) for one vyomad run:
# the edge app for N edges, with LOAD "cpu" the spinning app beside it, the
# sim board with its state folder, and PROFILE's copy with that board
sup_root() {
  local r
  r=$(mktemp -d "$TMP/halbench-root.XXXXXX") || return 1
  mkdir -p "$r/apps/halbench" "$r/profiles" "$r/boards/sim-state"
  cp "$OUT/halbench.wasm" "$r/apps/halbench/"
  { awk -v n="$3" '{ print } /^module *=/ { print "args = [\"edge\", \"" n "\"]" }' bench/hal/vyoma.toml
    printf '\n[lifecycle]\nrestart = "never"\n'; } >"$r/apps/halbench/vyoma.toml"
  if [[ $2 == cpu ]]; then
    mkdir -p "$r/apps/spin"
    cp "$OUT/spin.wasm" "$r/apps/spin/"
    printf '%s\n' '[app]' 'name = "spin"' 'version = "1.0.0"' 'module = "spin.wasm"' \
      '[resources]' 'memory = "1MiB"' '[lifecycle]' 'restart = "never"' >"$r/apps/spin/vyoma.toml"
  fi
  { cat boards/sim.toml; echo 'state = "sim-state"'; } >"$r/boards/sim.toml"
  { grep -v '^board *=' "profiles/$1.toml"; echo 'board = "sim"'; } >"$r/profiles/$1.toml"
  echo "$r"
}

# rt_state PID: "F/T" (of vyomad's T threads, F are SCHED_FIFO) and its
# VmLck, e.g. "4/4 threads FIFO, VmLck 155 MiB"
rt_state() {
  local t f=0 n=0 pol
  for t in /proc/"$1"/task/*/stat; do
    # field 41 (policy), counted after the ")" that ends the command name
    pol=$(sed 's/.*) //' "$t" 2>/dev/null | awk '{ print $39 }') || continue
    [[ -n $pol ]] || continue
    n=$((n + 1))
    [[ $pol == 1 ]] && f=$((f + 1))
  done
  printf '%s/%s threads FIFO, VmLck %s MiB' "$f" "$n" \
    "$(awk '/^VmLck:/ { printf "%d", $2 / 1024 }' "/proc/$1/status" 2>/dev/null)"
}

# run_sup PROFILE LOAD N: one vyomad run's RESULT lines (from the app's log),
# then "RT line" (vyomad's own scheduling line, if any) and "RTSTATE ..."
run_sup() {
  local r pid i log
  r=$(sup_root "$@") || return
  log=$r/run/vyoma/logs/halbench.log
  "$VYOMAD" --root "$r" --profile "$1" --no-tty </dev/null >"$r/vyomad.log" 2>&1 &
  pid=$!
  "$POKE" "$r/boards/sim-state" "$3" 2>/dev/null &
  local poker=$!
  # the threads' policy while the apps run: once the edge app is ready
  # (LED 17 high) and a little later, so that the spinner runs too
  for ((i = 0; i < 200; i++)); do
    [[ $(cat "$r/boards/sim-state/gpio-17" 2>/dev/null) == 1 ]] && break
    sleep 0.05
  done
  sleep 0.2
  echo "RTSTATE $(rt_state "$pid")"
  if [[ $2 == cpu ]] &&
     [[ $("$VYCTL" --root "$r" ps 2>/dev/null | awk '$1 == "spin" { print $2 }') != running ]]; then
    say "$1/$2: the cpu app is not running: this run is idle"
  fi
  wait "$poker"
  # the app stops at its N-th edge (or 2 s after a lost one), then logs
  for ((i = 0; i < 100; i++)); do
    grep -q 'RESULT edge_seen' "$log" 2>/dev/null && break
    sleep 0.05
  done
  "$VYCTL" --root "$r" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  awk '{ for (i = 1; i < NF - 1; i++) if ($i == "RESULT") { print "RESULT", $(i + 1), $(i + 2); next } }' "$log" 2>/dev/null
  if ! grep -q 'RESULT edge_seen' "$log" 2>/dev/null; then
    say "$1/$2: no figures from the app; vyomad said:"
    tail -n 5 "$r/vyomad.log" >&2
  fi
  sed -n "s/^.* vyomad: \($1: SCHED_.*\)\$/RT \1/p" "$r/vyomad.log" | head -n 1
  rm -rf "$r"
}

# figure SIDE MODE N RUNS KEY...: medians of KEYs over RUNS runs, one per line
figure() {
  local side=$1 mode=$2 n=$3 runs=$4 i k
  shift 4
  local all=
  for ((i = 0; i < runs; i++)); do all+=$(run_"$side" "$mode" "$n")$'\n'; done
  for k in "$@"; do value "$k" <<<"$all" | median; done
}

say "gpio, i2c: $RUNS runs each side; edges: $ERUNS runs of $N_EDGE each side, a millisecond apart; then under vyomad: 4 settings x $SRUNS runs of $N_SUP edges (~$(((ERUNS * N_EDGE * 24 + SRUNS * N_SUP * 4 * 14) / 10000 + 10)) s)"
read -r wg < <(figure wasm gpio $N_GPIO "$RUNS" gpio_writes_per_s)
read -r ng < <(figure native gpio $N_GPIO "$RUNS" gpio_writes_per_s)
read -r wi < <(figure wasm i2c $N_I2C "$RUNS" i2c_reads_per_s)
read -r ni < <(figure native i2c $N_I2C "$RUNS" i2c_reads_per_s)
{ read -r we50; read -r we99; read -r wen; } < <(figure wasm edge $N_EDGE "$ERUNS" edge_p50_us edge_p99_us edge_seen)
{ read -r ne50; read -r ne99; read -r nen; } < <(figure native edge $N_EDGE "$ERUNS" edge_p50_us edge_p99_us edge_seen)

# the four settings under vyomad: "PROFILE LOAD" -> p50 p99 seen, rt
SETTINGS=("desktop-full idle" "desktop-full cpu" "robotics-rt idle" "robotics-rt cpu")
declare -A S50 S99 SSEEN SRT
for set in "${SETTINGS[@]}"; do
  read -r prof load <<<"$set"
  say "vyomad, $prof, ${load/cpu/with a cpu app}: $SRUNS runs of $N_SUP edges"
  all=
  for ((i = 0; i < SRUNS; i++)); do all+=$(run_sup "$prof" "$load" "$N_SUP")$'\n'; done
  S50[$set]=$(value edge_p50_us <<<"$all" | median)
  S99[$set]=$(value edge_p99_us <<<"$all" | median)
  SSEEN[$set]=$(value edge_seen <<<"$all" | median)
  # vyomad's line from every run (they should agree) and the first run's check
  rt=$(sed -n 's/^RT //p' <<<"$all" | sort -u | paste -sd '|' -)
  st=$(sed -n 's/^RTSTATE //p' <<<"$all" | head -n 1)
  if [[ $prof != robotics-rt ]]; then SRT[$set]="not asked (${rt:-SCHED_OTHER}; $st)"
  elif [[ $rt == *"not applied"* ]]; then SRT[$set]="NO: ${rt#*: } ($st)"
  elif [[ -n $rt ]]; then SRT[$set]="yes: ${rt#*: } ($st)"
  else SRT[$set]="? vyomad logged no scheduling line ($st)"; fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else print "-" }'; }
mega() { awk -v v="$1" 'BEGIN { if (v + 0 > 0) printf "%.2f M", v / 1e6; else print "-" }'; }
echo "HAL call path on boards/sim.toml (medians of $RUNS runs; edges of $ERUNS)"
printf '  %-26s %12s %12s %12s\n' "" wasm native wasm/native
printf '  %-26s %12s %12s %12s\n' "gpio writes/s" "$(mega "$wg")" "$(mega "$ng")" "$(ratio "$wg" "$ng")"
printf '  %-26s %12s %12s %12s\n' "i2c 2-byte reads/s" "$(mega "$wi")" "$(mega "$ni")" "$(ratio "$wi" "$ni")"
printf '  %-26s %12s %12s %12s\n' "edge latency p50 (us)" "$we50" "$ne50" "$(ratio "$we50" "$ne50")"
printf '  %-26s %12s %12s %12s\n' "edge latency p99 (us)" "$we99" "$ne99" "$(ratio "$we99" "$ne99")"
printf '  %-26s %12s %12s\n' "edges seen (of $N_EDGE)" "${wen%.*}" "${nen%.*}"
echo
echo "edge latency under vyomad ($VYOMAD, wasm app, $(nproc) CPUs; medians of $SRUNS runs of $N_SUP edges)"
printf '  %-14s %-9s %9s %9s %7s  %s\n' profile load "p50 (us)" "p99 (us)" seen "rt (SCHED_FIFO + mlockall)"
for set in "${SETTINGS[@]}"; do
  read -r prof load <<<"$set"
  printf '  %-14s %-9s %9s %9s %7s  %s\n' "$prof" "${load/cpu/+cpu app}" "${S50[$set]}" "${S99[$set]}" \
    "${SSEEN[$set]%.*}" "${SRT[$set]}"
done
