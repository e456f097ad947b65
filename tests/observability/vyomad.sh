# shellcheck shell=bash
# tests/observability/vyomad.sh — sourced by tests/observability/run.sh
# (after tests/lib.sh): the metrics of a real vyomad, from both ends.
#
#   live-build          vyomad, vyctl, vyoma-manifest and the apps build
#   live-start          vyomad --profile obs answers (the profile sets
#                       metrics_listen to a free loopback port)
#   ipc-refused         vyctl metrics counts refused sends by app and
#                       reason: denied (an app still running), rate-limited
#                       (an app that has exited), queue-full; every app has
#                       the four reason series
#   promtool            `vyctl metrics | promtool check metrics` is clean,
#                       lint included, with apps running, exited, failed
#                       after restarts, crashed and invalid (SKIP without
#                       promtool)
#   http-metrics        GET /metrics: 200, Content-Type text/plain;
#                       version=0.0.4, the same series; promtool on it too
#   http-errors         404, 405, 400 for garbage, 431 for an oversized
#                       request, HEAD without a body
#   http-hostile        idle connections past the limit and a client that
#                       never reads: vyctl answers meanwhile, scrapes work
#                       again once they time out, vyomad keeps running
#   prometheus-scrape   a real prometheus scrapes vyomad every second; its
#                       query API returns the refused-sends series (SKIP
#                       without prometheus)
#   profile-listen      bad metrics_listen values give the profile's
#                       FILE:LINE: metrics_listen: error (vyoma-manifest)
#   live-shutdown       vyomad ends cleanly (status 0, sanitizers quiet)
# Needs python3 (free ports, raw HTTP) and curl; cases that need a missing
# tool SKIP with its name.

live_cases="live-start ipc-refused promtool http-metrics http-errors http-hostile
prometheus-scrape profile-listen live-shutdown"
live_skip_all() { local c; for c in $live_cases; do skip "$c" "$1"; done; }

live_main() {
  local bin=$T_BIN
  if ! t_make live-build "$bin/vyomad" "$bin/vyctl" "$bin/vyoma-manifest" \
       apps supervisor-test-apps; then
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
  live_http
  live_prometheus
  live_profile_listen
  live_shutdown
}

live_cleanup() {
  local p
  for p in "${live_pids[@]}"; do
    kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  rm -rf "$live_root" "${out:-}"
}

# a free loopback TCP port (bound, read, released: the kernel hands out
# ports in turn, so it stays free long enough)
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
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
  metrics_port=$(free_port)
  cat >"$r/profiles/obs.toml" <<TOML
name = "obs"
runtime = "interp"
memory_budget = "512MiB"
app_memory = "16MiB"
display = false
heartbeat = "500ms"
apps = ["*"]
metrics_listen = "127.0.0.1:$metrics_port"
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
lstate() { lvyctl --json ps 2>/dev/null | grep -o "{\"name\":\"$1\"[^}]*}" | grep -o '"state":"[^"]*"' | cut -d'"' -f4; }
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

# http REQUEST-BYTES (python escapes): the raw answer of the metrics server
http_raw() {
  python3 - "$metrics_port" "$1" 2>/dev/null <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
try:
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
except OSError:
    pass
data = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
except OSError as e:
    data += ("<%s>" % e).encode()
sys.stdout.write(data.decode("latin-1"))
PY
}

live_http() {
  local url=http://127.0.0.1:$metrics_port why= h b
  if ! command -v curl >/dev/null 2>&1; then
    skip http-metrics "curl is not installed"
    skip http-errors "curl is not installed"
    skip http-hostile "curl is not installed"
    return
  fi
  h=$live_root/http.headers b=$live_root/http.body
  code=$(curl -s -m 5 -D "$h" -o "$b" -w '%{http_code}' "$url/metrics")
  [ "$code" = 200 ] || why+=" GET /metrics: $code;"
  grep -qi '^content-type: text/plain; version=0.0.4' "$h" || why+=" Content-Type: $(grep -i content-type "$h");"
  grep -q '^vyoma_app_ipc_refused_total{app="denier",reason="denied"} [1-9]' "$b" ||
    why+=" no denied series for denier in the body;"
  [ "$(grep -c '^# TYPE' "$b")" = "$(grep -c '^# TYPE' <<<"$live_metrics")" ] ||
    why+=" not the families of vyctl metrics;"
  if [ -n "$why" ]; then fail http-metrics "$why"; detail 5 <"$h"
  elif ! command -v promtool >/dev/null 2>&1; then pass http-metrics "promtool not installed: not linted"
  elif promtool_check http-metrics "$b"; then pass http-metrics; fi

  why=
  code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url/")
  [ "$code" = 404 ] || why+=" GET /: $code, want 404;"
  code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url/metricsx")
  [ "$code" = 404 ] || why+=" GET /metricsx: $code, want 404;"
  code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$url/metrics?x=1")
  [ "$code" = 200 ] || why+=" GET /metrics?x=1: $code, want 200;"
  code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST -d x=1 "$url/metrics")
  [ "$code" = 405 ] || why+=" POST: $code, want 405;"
  r=$(http_raw 'HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n')
  [[ $r == 'HTTP/1.1 200 OK'* ]] && ! grep -q '^# TYPE' <<<"$r" || why+=" HEAD: $(head -n 1 <<<"$r");"
  r=$(http_raw '\x00\x01\xffgarbage\r\n\r\n')
  [[ $r == 'HTTP/1.1 400 '* ]] || why+=" NUL garbage: '$(head -n 1 <<<"$r")', want 400;"
  r=$(http_raw 'hello there\r\n\r\n')
  [[ $r == 'HTTP/1.1 400 '* ]] || why+=" text garbage: '$(head -n 1 <<<"$r")', want 400;"
  r=$(http_raw "GET /metrics HTTP/1.1\\r\\nX-Big: $(head -c 20000 /dev/zero | tr '\0' a)\\r\\n\\r\\n")
  [[ $r == 'HTTP/1.1 431 '* ]] || why+=" 20 KB of headers: '$(head -n 1 <<<"$r")', want 431;"
  kill -0 "$live_pid" 2>/dev/null || why+=" vyomad died;"
  if [ -z "$why" ]; then pass http-errors; else fail http-errors "$why"; fi

  live_http_hostile
}

# 20 connections that send half a request and never read (the server has
# 16 slots), and one that never reads its answer: a scrape must work again
# once the server's deadlines free the slots (while the client still holds
# its connections), and vyctl must answer all along
live_http_hostile() {
  local why= t0 ms code
  python3 - "$metrics_port" >"$live_root/hostile.out" 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
conns = []
try:  # one that asks for the metrics and never reads them
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
    conns.append(s)
except OSError:
    pass
for _ in range(20):  # and many that never finish asking
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET /metr")
        conns.append(s)
    except OSError:
        pass
print("held", len(conns), flush=True)
time.sleep(20)
PY
  local hpid=$!
  live_pids+=("$hpid")
  sleep 0.5
  t0=$(lnow)
  lvyctl ps >/dev/null 2>&1 || why+=" vyctl ps failed while held;"
  ms=$(( $(lnow) - t0 ))
  [ $ms -lt 2000 ] || why+=" vyctl ps took $ms ms while held;"
  # the server frees the slots by itself, while the hostile client still
  # holds every connection: 3 s to ask (then a 408), 1 s to end; a loaded
  # machine gets up to 12 s after the start
  local end=$(( t0 + 12000 ))
  while :; do
    code=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$metrics_port/metrics")
    [ "$code" = 200 ] || [ "$(lnow)" -ge "$end" ] && break
    sleep 0.2
  done
  [ "$code" = 200 ] || why+=" no scrape worked 12 s after the hostile clients came: $code;"
  kill -0 "$hpid" 2>/dev/null || why+=" the hostile client ended too early to tell;"
  kill "$hpid" 2>/dev/null
  wait "$hpid" 2>/dev/null
  kill -0 "$live_pid" 2>/dev/null || why+=" vyomad died;"
  lvyctl ps >/dev/null 2>&1 || why+=" vyctl ps failed after;"
  if [ -z "$why" ]; then pass http-hostile; else fail http-hostile "$why"; detail 3 <"$live_root/hostile.out"; fi
}

live_prometheus() {
  if ! command -v prometheus >/dev/null 2>&1; then
    skip prometheus-scrape "prometheus is not installed (Debian package prometheus)"
    return
  fi
  local d=$live_root/prom port q url end v= plog
  mkdir -p "$d/tsdb"
  port=$(free_port)
  [ "$port" != "$metrics_port" ] || port=$(free_port)
  plog=$d/prometheus.log
  cat >"$d/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: vyoma
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
YML
  timeout -k 5 60 prometheus --config.file="$d/prometheus.yml" \
    --storage.tsdb.path="$d/tsdb" --web.listen-address="127.0.0.1:$port" \
    >"$plog" 2>&1 </dev/null &
  local ppid=$!
  live_pids+=("$ppid")
  q='vyoma_app_ipc_refused_total{app="denier",reason="denied"}'
  url="http://127.0.0.1:$port/api/v1/query"
  end=$(( $(lnow) + 20000 ))
  while [ "$(lnow)" -lt "$end" ] && kill -0 "$ppid" 2>/dev/null; do
    v=$(python3 - "$url" "$q" <<'PY' 2>/dev/null
import json, sys, urllib.parse, urllib.request
u = sys.argv[1] + "?" + urllib.parse.urlencode({"query": sys.argv[2]})
d = json.load(urllib.request.urlopen(u, timeout=2))
r = d["data"]["result"]
if d["status"] == "success" and r and r[0]["metric"].get("job") == "vyoma":
    print(r[0]["value"][1])
PY
)
    [ -n "$v" ] && break
    sleep 0.5
  done
  local up
  up=$(python3 - "$url" <<'PY' 2>/dev/null
import json, sys, urllib.parse, urllib.request
u = sys.argv[1] + "?" + urllib.parse.urlencode({"query": 'up{job="vyoma"}'})
print(json.load(urllib.request.urlopen(u, timeout=2))["data"]["result"][0]["value"][1])
PY
)
  kill "$ppid" 2>/dev/null
  wait "$ppid" 2>/dev/null
  if [ -n "$v" ] && [ "${v%%.*}" -ge 2 ] 2>/dev/null && [ "$up" = 1 ]; then
    pass prometheus-scrape "$q = $v"
  else
    fail prometheus-scrape "prometheus's query API gave '${v}' for $q (want >= 2), up = '${up}'"
    grep -Ei 'error|warn' "$plog" | detail 8
  fi
}

live_profile_listen() {
  local f=$live_root/profiles/listen.toml why= v o
  for v in "localhost:9464" "127.0.0.1" "127.0.0.1:0" "127.0.0.1:65536" \
           "127.0.0.1:9464x" "127.0.0.1:-1" "::1:9464" "256.0.0.1:80" \
           "127.0.0.1:0000009464"; do
    printf 'name = "listen"\napps = ["*"]\n\nmetrics_listen = "%s"\n' "$v" >"$f"
    o=$("$T_BIN/vyoma-manifest" --profile "$f" 2>&1)
    grep -q "listen.toml:4: metrics_listen: expected \"IPv4:PORT\"" <<<"$o" ||
      why+=" '$v': $o;"
  done
  printf 'name = "listen"\nmetrics_listen = 9464\n' >"$f"
  o=$("$T_BIN/vyoma-manifest" --profile "$f" 2>&1)
  grep -q 'listen.toml:2: metrics_listen:' <<<"$o" || why+=" a number: $o;"
  for v in "0.0.0.0:9464" "127.0.0.1:1" "127.0.0.2:65535" ""; do
    printf 'name = "listen"\nmetrics_listen = "%s"\n' "$v" >"$f"
    o=$("$T_BIN/vyoma-manifest" --profile "$f" 2>&1)
    grep -q ': ok$' <<<"$o" || why+=" '$v' refused: $o;"
  done
  o=$("$T_BIN/vyoma-manifest" --profile profiles/server-headless.toml 2>&1)
  grep -q ': ok$' <<<"$o" || why+=" server-headless.toml: $o;"
  if [ -z "$why" ]; then pass profile-listen; else fail profile-listen "$why"; fi
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
  elif ! grep -q "metrics: serving http://127.0.0.1:$metrics_port/metrics" "$live_log"; then
    fail live-shutdown "vyomad's log does not say it served the metrics"
  else
    pass live-shutdown
  fi
}
