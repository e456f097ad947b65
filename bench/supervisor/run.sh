#!/usr/bin/env bash
# bench/supervisor/run.sh — `make bench-supervisor`: figures for the
# supervisor (not pass/fail).  Each figure comes from a real vyomad over a
# temporary root:
#   IPC round trip     ping -> pong -> ping, one message in flight, 2000
#                      round trips: median and p99 (ping measures it inside
#                      the app, so it includes both apps' host calls)
#   IPC throughput     ping with 128 messages in flight, 20000 round trips
#                      (each is two broker deliveries)
#   app start time     `vyctl start` until the app's first output line (by
#                      the log's timestamp), median of 20
#   supervisor RSS     VmRSS of vyomad with 0, 10 and 100 idle apps (each
#                      blocked reading its stdin)
# VYOMA_ASAN=1 measures the ASan build instead (for curiosity only).
# Progress on stderr: how long it will take (the last run's time, kept in
# build/bench/supervisor-seconds, or a rough figure), then "[I/4] WHAT ...
# (T elapsed)" before each measurement, and the total at the end.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
bin=build/bin
[ "${VYOMA_ASAN:-}" = 1 ] && bin=build/asan/bin
VYOMAD=$repo/$bin/vyomad VYCTL=$repo/$bin/vyctl
if [ ! -x "$VYOMAD" ]; then
  echo "bench-supervisor: $bin/vyomad not built; nothing to measure"
  exit 0
fi
${MAKE:-make} --no-print-directory "$bin/vyctl" apps supervisor-test-apps >/dev/null || exit 1
P=$repo/build/apps T=$repo/build/tests/supervisor/apps

root= vpid=
stop_vyomad() {
  if [ -n "$vpid" ]; then
    "$VYCTL" --root "$root" shutdown >/dev/null 2>&1
    for _ in $(seq 1 200); do kill -0 "$vpid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$vpid" 2>/dev/null
    wait "$vpid" 2>/dev/null
    vpid=
  fi
  [ -n "$root" ] && rm -rf "$root"
  root=
}
trap stop_vyomad EXIT

new_root() {
  root=$(mktemp -d /tmp/vyoma-bench.XXXXXX)
  mkdir -p "$root/apps" "$root/profiles" "$root/data"
  printf 'name = "bench"\nmemory_budget = "4GiB"\napp_memory = "16MiB"\nheartbeat = "1h"\napps = ["*"]\n' \
    >"$root/profiles/bench.toml"
}
# app NAME WASM BODY
app() {
  local d=$root/apps/$1
  mkdir -p "$d"
  cp "$2" "$d/$1.wasm"
  printf '[app]\nname = "%s"\nversion = "1.0.0"\nmodule = "%s.wasm"\n%s\n' "$1" "$1" "$3" >"$d/vyoma.toml"
}
# ping_app NAME ROUNDS IN_FLIGHT TIMEOUT_MS: a ping client of pong, started
# by hand, for ROUNDS round trips with IN_FLIGHT messages out at a time
ping_app() {
  app "$1" "$P/ping/ping.wasm" "$(printf '%s\n' \
    "args = [\"-n\", \"$2\", \"-i\", \"0\", \"-w\", \"$3\", \"-q\", \"-T\", \"$4\"]" \
    '[capabilities]' 'ipc = ["pong"]' '[resources]' 'messages_per_sec = 1000000' \
    '[lifecycle]' 'restart = "never"' 'autostart = false')"
}
start_vyomad() {
  "$VYOMAD" --root "$root" --profile bench >"$root/vyomad.log" 2>&1 &
  vpid=$!
  for _ in $(seq 1 500); do
    "$VYCTL" --root "$root" ps >/dev/null 2>&1 && return 0
    sleep 0.02
  done
  echo "bench-supervisor: vyomad did not start"; tail -n 5 "$root/vyomad.log"
  return 1
}
vyctl() { "$VYCTL" --root "$root" "$@"; }
state() { vyctl ps 2>/dev/null | awk -v n="$1" '$1 == n { print $2; exit }'; }
# wait until app $1's log has a line matching $2 (up to $3 s); print it
wait_line() {
  local i
  for i in $(seq 1 $(( $3 * 20 ))); do
    l=$(vyctl logs "$1" 2>/dev/null | grep -E -- "$2" | tail -n 1)
    [ -n "$l" ] && { echo "$l"; return 0; }
    sleep 0.05
  done
  return 1
}
num() { grep -o "$1=[0-9]*" | cut -d= -f2; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$vpid/status"; }

bench_start=$SECONDS
say() { printf 'bench-supervisor: %s\n' "$*" >&2; }
dur() { if (($1 >= 60)); then printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); else printf '%ds' "$1"; fi; }
step() { say "[$1/4] $2 ... ($(dur $((SECONDS - bench_start))) elapsed)"; }
mkdir -p build/bench
last=$(cat build/bench/supervisor-seconds 2>/dev/null)
if [[ $last =~ ^[0-9]+$ ]]; then say "about $(dur "$last") (the last run): 4 measurements"
else say "about 10s (a rough figure): 4 measurements"; fi

echo "supervisor benchmarks ($bin/vyomad, $(nproc) CPUs)"

# ---- IPC latency and throughput -------------------------------------------------
new_root
app pong "$P/pong/pong.wasm" '[capabilities]
ipc = ["*"]
[resources]
messages_per_sec = 1000000'
ping_app lat 2000 1 5000
ping_app tput 20000 128 10000
app idle "$T/blocker/blocker.wasm" '[lifecycle]
autostart = false'
start_vyomad || exit 1
step 1 "IPC round trip (2000, one in flight)"
vyctl start lat >/dev/null
if l=$(wait_line lat 'ping: sent=' 120); then
  printf '  IPC round trip:   median %s us, p99 %s us (%s round trips, %s lost)\n' \
    "$(num median_us <<<"$l")" "$(num p99_us <<<"$l")" "$(num received <<<"$l")" "$(num lost <<<"$l")"
else echo "  IPC round trip:   no result"; fi
step 2 "IPC throughput (20000, 128 in flight)"
vyctl start tput >/dev/null
if l=$(wait_line tput 'ping: sent=' 240); then
  r=$(num rate_per_s <<<"$l")
  printf '  IPC throughput:   %s round trips/s = %s messages/s through the broker (%s lost)\n' \
    "$r" "$(( r * 2 ))" "$(num lost <<<"$l")"
else echo "  IPC throughput:   no result"; fi

# ---- app start time ---------------------------------------------------------------------
# From just before `vyctl start` to the app's first output line, by the
# supervisor's own log timestamp (ms resolution): load, compile,
# instantiate, thread start, WASI start-up, first write.
step 3 "app start time (20 starts)"
times=()
for i in $(seq 1 20); do
  t0=$(date +%s%N)
  vyctl start idle >/dev/null 2>&1
  l=
  for _ in $(seq 1 400); do
    l=$(vyctl logs idle 2>/dev/null | grep 'blocker: reading stdin' | sed -n "${i}p")
    [ -n "$l" ] && break
    sleep 0.005
  done
  ts=${l%% *}
  t1=$(date -d "$ts" +%s%N 2>/dev/null || echo 0)
  times+=($(( (t1 - t0) / 1000 )))
  vyctl kill idle >/dev/null 2>&1
  while [ "$(state idle)" != killed ]; do sleep 0.005; done
done
med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 10p)
printf '  app start time:   median %s us (vyctl start -> first output line, 20 starts of a %s KB app;\n' \
  "$med" "$(( $(stat -c %s "$T/blocker/blocker.wasm") / 1024 ))"
printf '                    includes one vyctl round trip; log timestamps have ms resolution)\n'
stop_vyomad

# ---- RSS with N idle apps ----------------------------------------------------------------
step 4 "supervisor RSS (0, 10 and 100 idle apps)"
for n in 0 10 100; do
  new_root
  app anchor "$T/blocker/blocker.wasm" '[lifecycle]
autostart = false'
  for i in $(seq 1 $n); do
    app "idle$i" "$T/blocker/blocker.wasm" ''
  done
  start_vyomad || exit 1
  for _ in $(seq 1 600); do
    c=$(vyctl ps 2>/dev/null | awk '$2 == "running"' | wc -l)
    [ "$c" -ge "$n" ] && break
    sleep 0.05
  done
  sleep 1
  printf '  supervisor RSS:   %6s KiB with %3s idle apps (%s running)\n' "$(rss_kb)" "$n" "$c"
  stop_vyomad
done
echo $((SECONDS - bench_start)) >build/bench/supervisor-seconds
say "done in $(dur $((SECONDS - bench_start)))"
