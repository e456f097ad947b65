# shellcheck shell=bash
# tests/observability/vyomad.sh — sourced by tests/observability/run.sh
# (after tests/lib.sh): the metrics of a real vyomad, from both ends.
#
#   live-build          vyomad, vyctl and the apps build
#   live-start          vyomad --profile obs answers
#   ipc-refused         vyctl metrics counts refused sends by app and
#                       reason: denied (an app still running), rate-limited
#                       (an app that has exited), queue-full; every app has
#                       the four reason series
#   promtool            `vyctl metrics | promtool check metrics` is clean,
#                       lint included, with apps running, exited, failed
#                       after restarts, crashed and invalid (SKIP without
#                       promtool)
#   live-shutdown       vyomad ends cleanly (status 0, sanitizers quiet)
# Needs python3; without it the cases SKIP.

live_cases="live-start ipc-refused promtool live-shutdown"
live_skip_all() { local c; for c in $live_cases; do skip "$c" "$1"; done; }

live_main() {
  local bin=$T_BIN
  if ! t_make live-build "$bin/vyomad" "$bin/vyctl" apps \
       supervisor-test-apps; then
    live_skip_all "vyomad or the apps do not build"
    return
  fi
  pass live-build
  if ! command -v python3 >/dev/null 2>&1; then
    live_skip_all "python3 is not installed"
    return
  fi
  VYOMAD=$PWD/$bin/vyomad VYCTL=$PWD/$bin/vyctl
  live_root=$(mktemp -d /tmp/vyoma-obs.XXXXXX)
  live_pids=()
  trap 'live_cleanup' EXIT
  live_setup "$live_root"
  if ! live_start; then return; fi
  live_ipc_refused
  live_promtool
  live_shutdown
}

live_cleanup() {
  local p
  for p in "${live_pids[@]}"; do
    kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  rm -rf "$live_root" "${out:-}"
}

# app_at ROOT NAME WASM BODY: DIR/apps/NAME with its module and a manifest
app_at() {
  mkdir -p "$1/apps/$2"
  cp "$3" "$1/apps/$2/$2.wasm"
  { printf '[app]\nname = "%s"\nversion = "1.0.0"\nmodule = "%s.wasm"\n' "$2" "$2"
    printf '%s\n' "$4"; } >"$1/apps/$2/vyoma.toml"
}

live_setup() {
  local r=$1 P=build/apps T=build/tests/supervisor/apps
  mkdir -p "$r/profiles"
  cat >"$r/profiles/obs.toml" <<TOML
name = "obs"
runtime = "interp"
memory_budget = "512MiB"
app_memory = "16MiB"
display = false
heartbeat = "500ms"
apps = ["*"]
TOML
  app_at "$r" pong "$P/pong/pong.wasm" '[capabilities]
ipc = ["*"]'
  app_at "$r" hello "$P/hello/hello.wasm" ''
  # two sends to an app it is not granted, then it stays (10 minutes)
  app_at "$r" denier "$T/sayer/sayer.wasm" 'args = ["-w", "600000", "@logger: one", "@logger: two"]
[capabilities]
ipc = ["pong"]'
  app_at "$r" sink "$T/sink/sink.wasm" ''
  app_at "$r" flooder "$T/flooder/flooder.wasm" 'args = ["-n", "1000"]
[capabilities]
ipc = ["sink"]
[resources]
messages_per_sec = 100
[lifecycle]
restart = "never"'
  app_at "$r" sleeper "$T/sleeper/sleeper.wasm" '[lifecycle]
restart = "never"'
  app_at "$r" crasher "$T/crasher/crasher.wasm" '[lifecycle]
restart = "on-failure"
max_restarts = 2
restart_window = "60s"'
  app_at "$r" trapper "$T/crasher/crasher.wasm" 'args = ["-t"]
[lifecycle]
restart = "never"'
  # the flood into sleeper's inbox starts once sleeper runs (by hand)
  app_at "$r" flood-full "$T/flooder/flooder.wasm" 'args = ["-n", "1000", "-t", "sleeper"]
[capabilities]
ipc = ["sleeper"]
[resources]
messages_per_sec = 1000000
[lifecycle]
restart = "never"
autostart = false'
  mkdir -p "$r/apps/broken"
  printf '[app]\nname = "broken"\nmodule = "x.wasm"\ncolour = "red"\n' >"$r/apps/broken/vyoma.toml"
}

lvyctl() { "$VYCTL" --root "$live_root" "$@"; }
lnow() { echo $(( $(date +%s%N) / 1000000 )); }
lstate() { lvyctl ps 2>/dev/null | awk -v n="$1" '$1 == n { print $2; exit }'; }
# lwait_log NAME REGEX MS
lwait_log() {
  local end=$(( $(lnow) + $3 ))
  until lvyctl logs "$1" 2>/dev/null | grep -Eq -- "$2"; do
    [ "$(lnow)" -ge "$end" ] && return 1
    sleep 0.05
  done
}
# lwait_state NAME REGEX MS
lwait_state() {
  local end=$(( $(lnow) + $3 ))
  until [[ $(lstate "$1") =~ ^($2)$ ]]; do
    [ "$(lnow)" -ge "$end" ] && return 1
    sleep 0.05
  done
}
# the value of the sample whose name and labels are exactly $1 in text $2
sample() { awk -v k="$1" 'index($0, k " ") == 1 { print $2; exit }' <<<"$2"; }

live_start() {
  live_log=$live_root/vyomad.log
  "$VYOMAD" --root "$live_root" --profile obs --no-tty >"$live_log" 2>&1 </dev/null &
  live_pid=$!
  live_pids+=("$live_pid")
  local i
  for i in $(seq 1 250); do
    lvyctl --timeout 1000 ps >/dev/null 2>&1 && break
    kill -0 "$live_pid" 2>/dev/null || break
    sleep 0.02
  done
  if ! lvyctl ps >/dev/null 2>&1; then
    fail live-start "vyomad did not answer within 5 s"
    detail 15 <"$live_log"
    local c
    for c in $live_cases; do [ "$c" = live-start ] || skip "$c" "vyomad did not start"; done
    return 1
  fi
  pass live-start
}

live_ipc_refused() {
  local why= m rl fl d qf
  lwait_log denier 'error denied logger' 5000 || why+=" denier got no denied reply;"
  lwait_log flooder 'flooder: done' 15000 || why+=" flooder did not finish;"
  lvyctl start sleeper >/dev/null 2>&1
  lwait_log sleeper 'sleeper: sleeping' 5000 || why+=" sleeper did not start;"
  lvyctl start flood-full >/dev/null 2>&1
  lwait_log flood-full 'flooder: done' 15000 || why+=" flood-full did not finish;"
  lwait_state crasher failed 20000 || why+=" crasher is '$(lstate crasher)', want failed;"
  lwait_state flooder exited 5000 || why+=" flooder is '$(lstate flooder)', want exited;"
  m=$(lvyctl metrics 2>&1)
  d=$(sample 'vyoma_app_ipc_refused_total{app="denier",reason="denied"}' "$m")
  rl=$(sample 'vyoma_app_ipc_refused_total{app="flooder",reason="rate-limited"}' "$m")
  qf=$(sample 'vyoma_app_ipc_refused_total{app="flood-full",reason="queue-full"}' "$m")
  fl=$(lvyctl logs flooder 2>/dev/null | grep -o 'done .*rate_limited=[0-9]*' | grep -o '[0-9]*$')
  [ "${d:-0}" -ge 2 ] 2>/dev/null || why+=" denier's denied is '${d}', want >= 2;"
  [ "${rl:-0}" -gt 0 ] 2>/dev/null && [ "${rl:-0}" -ge "${fl:-1}" ] ||
    why+=" exited flooder's rate-limited is '${rl}', want > 0 and >= the ${fl:-?} it was told of;"
  [ "${qf:-0}" -gt 0 ] 2>/dev/null || why+=" flood-full's queue-full is '${qf}', want > 0;"
  local a r
  for a in pong denier flooder crasher; do
    for r in denied rate-limited queue-full dropped; do
      [ -n "$(sample "vyoma_app_ipc_refused_total{app=\"$a\",reason=\"$r\"}" "$m")" ] ||
        why+=" no series app=$a reason=$r;"
    done
  done
  if [ -z "$why" ]; then
    pass ipc-refused "denied=$d rate-limited=$rl queue-full=$qf"
  else
    fail ipc-refused "$why"
    grep ipc_refused <<<"$m" | detail 12
  fi
  live_metrics=$m
}

# promtool_check CASE TEXT-FILE: the file through `promtool check metrics`,
# which exits non-zero on errors and prints its lint findings
promtool_check() {
  local o rc
  o=$(promtool check metrics <"$2" 2>&1); rc=$?
  if [ $rc = 0 ] && [ -z "$o" ]; then return 0; fi
  fail "$1" "promtool check metrics: exit $rc, $(wc -l <<<"$o") lines of findings"
  detail 15 <<<"$o"
  return 1
}

live_promtool() {
  if ! command -v promtool >/dev/null 2>&1; then
    skip promtool "promtool is not installed (Debian package prometheus)"
    return
  fi
  local f=$live_root/metrics.prom states
  lvyctl metrics >"$f" 2>&1
  # what the case needs the exposition to hold, beyond promtool's word
  states=$(grep -o 'state="[a-z]*"' "$f" | sort -u | tr '\n' ' ')
  local s
  for s in running exited failed crashed invalid; do
    if ! grep -q "state=\"$s\"" <<<"$states"; then
      fail promtool "no app in state $s to check (states: $states)"
      return
    fi
  done
  if ! grep -Eq '^vyoma_app_restarts_total\{app="crasher"\} [1-9]' "$f"; then
    fail promtool "no restarted app to check (crasher: $(grep 'restarts_total{app="crasher"' "$f"))"
    return
  fi
  promtool_check promtool "$f" && pass promtool "$(grep -c '^# TYPE' "$f") families"
}

live_shutdown() {
  local code i
  lvyctl shutdown >/dev/null 2>&1
  for i in $(seq 1 300); do kill -0 "$live_pid" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$live_pid" 2>/dev/null; then
    fail live-shutdown "vyomad still running 15 s after vyctl shutdown"
    return
  fi
  wait "$live_pid"; code=$?
  if [ "$code" != 0 ]; then
    fail live-shutdown "vyomad exit status $code"; detail 15 <"$live_log"
  elif grep -Eq 'Sanitizer|runtime error' "$live_log"; then
    fail live-shutdown "sanitizer report in vyomad's output"
    grep -E -A12 'Sanitizer|runtime error' "$live_log" | detail 30
  else
    pass live-shutdown
  fi
}
