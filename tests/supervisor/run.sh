#!/usr/bin/env bash
# tests/supervisor/run.sh — integration tests of the supervisor: starts a
# real vyomad (`vyomad --root DIR --profile test`) over a temporary root
# holding real apps (apps/) and misbehaving test apps (tests/supervisor/apps/),
# and drives it with vyctl over the control socket.
#
#   build               vyctl, vyomad, the apps and the test apps build
#   vyctl-*             vyctl alone: request lines and exit codes against a
#                       scripted fake server; usage errors; unreachable socket
#   apps-offline        the product apps' stdin/stdout behaviour (vyoma run)
#   starts ...          against vyomad: socket mode, bad manifests (clear
#                       FILE:LINE errors while the others start), ps/--json/
#                       metrics/heartbeat, IPC round trip, send, logs -f,
#                       denied/no-such-app/too-long replies, @sys commands,
#                       filesystem grant, rate limit (nothing vanishes, the
#                       others keep their latency), queue-full backpressure,
#                       crash loop -> failed, trap -> crashed, kill within
#                       100 ms (spinning, stdin-blocked, sleeping, mid host
#                       call), stop, restart, heartbeat watchdog, start/kill
#                       cycles with flat RSS, the shell driven through a
#                       real terminal, orderly shutdown (LeakSanitizer-clean
#                       under VYOMA_ASAN=1)
#
#   VYOMA_ASAN=1        use build/asan/bin/{vyomad,vyctl}; leaks are then
#                       checked by LeakSanitizer at vyomad's exit
#   VYOMA_CYCLES=N      start/kill cycles (default 200; the issue's 1000)
#   VYOMA_KEEP=1        keep the temporary root for inspection
#
# Prints PASS/FAIL/SKIP lines; exits 1 if anything failed.  Everything is
# SKIPped (exit 0) if vyomad has not been built.
set -uo pipefail
export LC_ALL=C
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD

if [ "${VYOMA_ASAN:-}" = 1 ]; then
  bin=build/asan/bin label=supervisor-asan asan=1
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
else
  bin=build/bin label=supervisor asan=0
fi
VYOMAD=$repo/$bin/vyomad
VYCTL=$repo/$bin/vyctl
CYCLES=${VYOMA_CYCLES:-200}
# The kill deadline of the issue; under ASan the interpreter and the
# supervisor run several times slower, so allow more there.
KILL_MS=$([ $asan = 1 ] && echo 300 || echo 100)

nfail=0
pass() { echo "PASS $label/$1"; }
fail() { echo "FAIL $label/$1: $2"; nfail=$((nfail + 1)); }
skip() { echo "SKIP $label/$1: $2"; }
indent() { sed 's/^/    | /'; }
# JSON checks, the fake server and the terminal test are Python; without it
# those tests are skipped, the rest still run
have_py() { command -v python3 >/dev/null 2>&1 || { skip "$1" "python3 is not installed"; return 1; }; }

TESTS="starts socket-mode bad-manifests ps json metrics heartbeat
ipc-roundtrip send logs-follow denied sys-commands logger-fs fs-denied rate-limit crash-loop
crash-trap backpressure kill-spinning kill-stdin-blocked kill-sleeping kill-mid-hostcall stop restart vyctl-errors
watchdog start-kill-cycles shell-console never-crashed shutdown"
skip_all() { for t in $TESTS; do skip "$t" "$1"; done; exit 0; }

# ---- build vyctl and the apps ------------------------------------------------
mkdir -p build/test-logs
blog=build/test-logs/$label-build.log
# vyomad too, once its fragment exists, so that a stale binary is not tested
targets=("$bin/vyctl" apps supervisor-test-apps)
[ -f mk/supervisor.mk ] && targets+=("$bin/vyomad")
if ! ${MAKE:-make} --no-print-directory "${targets[@]}" >"$blog" 2>&1; then
  fail build "make ${targets[*]} failed"
  tail -n 20 "$blog" | indent
  exit 1
fi
pass build

# ---- vyctl alone, against a scripted fake server ------------------------------
# The protocol side of vyctl (request lines, exit codes, where the reply
# goes) does not need vyomad: a small Python server plays it.
fake=$(mktemp -d /tmp/vyoma-fakesrv.XXXXXX)
if have_py vyctl-protocol; then
python3 - "$fake/s.sock" "$fake/requests" <<'PYEOF' &
import os, socket, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(8)
s.settimeout(20)
while True:
    try:
        c, _ = s.accept()
    except OSError:
        break
    data = b""
    while not data.endswith(b"\n"):
        d = c.recv(4096)
        if not d:
            break
        data += d
    line = data.decode()
    with open(log, "a") as f:
        f.write(line)
    w = line.split()
    if not w or w[0] == "quit":
        c.close()
        break
    if w[0] == "ps":
        c.sendall(b"ok\nNAME STATE\npong running\n")
    elif w[0] == "send":
        c.sendall(b"ok\ndelivered\n")
    elif w[0] == "silent":
        pass
    else:
        c.sendall(b"error no-such-app " + w[1].encode() + b"\n")
    c.close()
PYEOF
fpid=$!
for _ in $(seq 1 100); do [ -S "$fake/s.sock" ] && break; sleep 0.02; done
fv() { "$VYCTL" --socket "$fake/s.sock" "$@"; }
why=
out=$(fv ps 2>/dev/null); rc=$?
[ $rc = 0 ] && [ "$out" = $'NAME STATE\npong running' ] || why+=" ps: rc=$rc out='$out';"
fv --json ps >/dev/null 2>&1 || why+=" --json ps failed;"
err=$(fv kill foo 2>&1 >/dev/null); rc=$?
[ $rc = 1 ] && grep -q 'no-such-app foo' <<<"$err" || why+=" kill foo: rc=$rc err='$err';"
out=$(fv --json send pong ping  7 2>/dev/null); rc=$?
[ $rc = 0 ] && python3 -c 'import json,sys; assert json.loads(sys.argv[1])["ok"]' "$out" 2>/dev/null ||
  why+=" send --json: rc=$rc out='$out';"
fv logs -f pong >/dev/null 2>&1
VYOMA_SOCKET=$fake/s.sock "$VYCTL" restart pong >/dev/null 2>&1
fv --json stop pong >/dev/null 2>&1
"$VYCTL" --socket "$fake/s.sock" quit >/dev/null 2>&1   # unknown command: never sent
want=$'ps\nps --json\nkill foo\nsend pong ping 7\nlogs pong -f\nrestart pong\nstop pong --json'
got=$(cat "$fake/requests" 2>/dev/null)
[ "$got" = "$want" ] || why+=" requests were: $(tr '\n' '|' <<<"$got");"
if [ -z "$why" ]; then pass vyctl-protocol; else fail vyctl-protocol "$why"; fi
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"quit\n")' "$fake/s.sock" 2>/dev/null
wait "$fpid" 2>/dev/null
fi

why=
"$VYCTL" --help >/dev/null; rc=$?; [ $rc = 0 ] || why+=" --help: $rc;"
"$VYCTL" >/dev/null 2>&1; rc=$?; [ $rc = 2 ] || why+=" no command: $rc;"
"$VYCTL" frobnicate >/dev/null 2>&1; rc=$?; [ $rc = 2 ] || why+=" unknown command: $rc;"
"$VYCTL" --socket "$fake/s.sock" kill >/dev/null 2>&1; rc=$?; [ $rc = 2 ] || why+=" kill without NAME: $rc;"
"$VYCTL" --socket "$fake/s.sock" ps extra >/dev/null 2>&1; rc=$?; [ $rc = 2 ] || why+=" ps extra: $rc;"
"$VYCTL" --socket x --root y ps >/dev/null 2>&1; rc=$?; [ $rc = 2 ] || why+=" --socket with --root: $rc;"
if [ -z "$why" ]; then pass vyctl-usage; else fail vyctl-usage "$why"; fi

err=$("$VYCTL" --root "$fake/none" ps 2>&1); rc=$?
if [ $rc = 3 ] && grep -q "$fake/none/run/vyoma/control.sock" <<<"$err"; then pass vyctl-unreachable
else fail vyctl-unreachable "rc=$rc, message '$err'"; fi
rm -rf "$fake"


# ---- the product apps alone, through `vyoma run` -------------------------------
# Their stdin/stdout protocol, without a supervisor: what they print for
# given input lines.
VYOMA=$repo/$bin/vyoma
if ! ${MAKE:-make} --no-print-directory "$bin/vyoma" >>"$blog" 2>&1; then
  fail apps-offline "make $bin/vyoma failed"
else
  why=
  out=$(printf 'ps\nkill pong\nsend pong ping 3\nkill\n@sys: ok\npoweroff\nbogus\n' |
        "$VYOMA" run build/apps/shell/shell.wasm 2>&1)
  want=$'@sys: ps\n@sys: kill pong\n@pong: ping 3\nusage: kill NAME\n[sys] ok\nshell: asking the supervisor to shut down\n@sys: shutdown\nshell: unknown command \'bogus\' (try help)'
  [ "$(sed 1d <<<"$out")" = "$want" ] || why+=" shell: $(tr '\n' '|' <<<"$out");"
  out=$(printf '@ping: ping 4\n@sys: hi\n@x: hello\n' | "$VYOMA" run build/apps/pong/pong.wasm 2>&1)
  [ "$out" = $'@ping: pong 4\npong: from sys: hi\n@x: pong hello' ] || why+=" pong: $(tr '\n' '|' <<<"$out");"
  out=$(printf '@sensor: temp=20.0 seq=1\n@sensor: temp=22.0 seq=3\n' | "$VYOMA" run build/apps/consumer/consumer.wasm 2>&1)
  grep -q 'seq=3 temp=22.0 avg=21.00 n=2 missed=1' <<<"$out" || why+=" consumer: $(tr '\n' '|' <<<"$out");"
  out=$("$VYOMA" run build/apps/sensor/sensor.wasm -n 1 </dev/null 2>&1)
  [ "$out" = '@consumer: temp=21.2 seq=1' ] || why+=" sensor: $out;"
  ld=$(mktemp -d /tmp/vyoma-logger.XXXXXX)
  printf '@a: one\ntwo\n' | "$VYOMA" run --dir "$ld::/data" build/apps/logger/logger.wasm >/dev/null 2>&1
  grep -Eq '^[0-9T:.-]+Z a: one$' "$ld/log.txt" 2>/dev/null && grep -q ' tty: two$' "$ld/log.txt" ||
    why+=" logger: $(tr '\n' '|' <"$ld/log.txt" 2>/dev/null);"
  rm -rf "$ld"
  if [ -z "$why" ]; then pass apps-offline; else fail apps-offline "$why"; fi
fi

if [ ! -x "$VYOMAD" ]; then
  skip_all "$bin/vyomad does not exist yet (make $([ $asan = 1 ] && echo asan || echo all))"
fi


root=$(mktemp -d /tmp/vyoma-suptest.XXXXXX)
vpid=
cleanup() {
  if [ -n "$vpid" ] && kill -0 "$vpid" 2>/dev/null; then
    kill -KILL "$vpid" 2>/dev/null
    wait "$vpid" 2>/dev/null
  fi
  if [ "${VYOMA_KEEP:-}" = 1 ]; then echo "    kept $root" >&2; else rm -rf "$root"; fi
}
trap cleanup EXIT

# ---- the root ------------------------------------------------------------------
mkdir -p "$root/apps" "$root/profiles" "$root/data"
# A profile of our own: every autostart app, a short heartbeat interval.
cat >"$root/profiles/test.toml" <<'EOF'
name = "test"
runtime = "interp"
memory_budget = "1GiB"
app_memory = "16MiB"
display = false
heartbeat = "500ms"
apps = ["*"]
EOF

# app NAME WASM MANIFEST-BODY: the folder DIR/apps/NAME with the module
# copied as NAME.wasm and a manifest [app] header written for it.
app() {
  local name=$1 wasm=$2 body=$3 d=$root/apps/$1
  mkdir -p "$d"
  cp "$wasm" "$d/$name.wasm"
  { printf '[app]\nname = "%s"\nversion = "1.0.0"\nmodule = "%s.wasm"\n' "$name" "$name"
    printf '%s\n' "$body"; } >"$d/vyoma.toml"
}
P=$repo/build/apps T=$repo/build/tests/supervisor/apps

app pong "$P/pong/pong.wasm" '
[capabilities]
ipc = ["*"]'
# started by hand once pong runs: at boot, apps are registered with the
# broker one by one as they start, so ping could find no pong yet
app ping "$P/ping/ping.wasm" 'args = ["-n", "5", "-i", "50"]
[capabilities]
ipc = ["pong"]
[lifecycle]
restart = "never"
autostart = false'
# a second pinger for latency under flood, started by hand
app pinger "$P/ping/ping.wasm" 'args = ["-n", "20", "-i", "20", "-q"]
[capabilities]
ipc = ["pong"]
[lifecycle]
restart = "never"
autostart = false'
app logger "$P/logger/logger.wasm" '
[capabilities]
filesystem = true'
app sayer "$T/sayer/sayer.wasm" 'args = ["-w", "3000", "@logger: secret", "@ghost: boo", "@pong: ping 1", "@sys: ps", "'"$(printf '@pong: %5000s' '' | tr ' ' x)"'"]
[capabilities]
ipc = ["pong", "ghost"]
[lifecycle]
restart = "never"'
# an app with the "sys" grant using @sys commands
app sysuser "$T/sayer/sayer.wasm" 'args = ["-w", "3000", "@sys: ps", "@sys: kill no-such-app", "@sys: restart sink"]
[capabilities]
ipc = ["sys"]
[lifecycle]
restart = "never"'
app fsprobe-on "$T/fsprobe/fsprobe.wasm" '
[capabilities]
filesystem = true'
app fsprobe-off "$T/fsprobe/fsprobe.wasm" '
[capabilities]
filesystem = false'
app sink "$T/sink/sink.wasm" '
[resources]
messages_per_sec = 1000'
app flooder "$T/flooder/flooder.wasm" 'args = ["-n", "3000"]
[capabilities]
ipc = ["sink"]
[resources]
messages_per_sec = 100
[lifecycle]
restart = "never"
autostart = false'
app flood-forever "$T/flooder/flooder.wasm" 'args = ["-n", "0"]
[capabilities]
ipc = ["sink"]
[resources]
messages_per_sec = 1000
[lifecycle]
restart = "never"
autostart = false'
# floods an app that never reads its stdin (sleeper): its inbox fills up
app flood-full "$T/flooder/flooder.wasm" 'args = ["-n", "1000", "-t", "sleeper"]
[capabilities]
ipc = ["sleeper"]
[resources]
messages_per_sec = 1000000
[lifecycle]
restart = "never"
autostart = false'
app trapper "$T/crasher/crasher.wasm" 'args = ["-t"]
[lifecycle]
restart = "never"'
app crasher "$T/crasher/crasher.wasm" '
[lifecycle]
restart = "on-failure"
max_restarts = 3
restart_window = "60s"'
for a in spinner blocker sleeper; do
  app "$a" "$T/$a/$a.wasm" '
[lifecycle]
restart = "on-failure"
autostart = false'
done
app quiet "$T/quiet/quiet.wasm" 'args = ["3", "100"]
[lifecycle]
restart = "on-failure"
max_restarts = 100
heartbeat = "400ms"'
# bad manifests: an unknown key, a wrong type, a bad value
mkdir -p "$root/apps/bad-key" "$root/apps/bad-type" "$root/apps/bad-value"
printf '[app]\nname = "bad-key"\nversion = "1.0.0"\nmodule = "x.wasm"\n\n[capabilities]\nfilesytem = true\n' \
  >"$root/apps/bad-key/vyoma.toml"
printf '[app]\nname = "bad-type"\nversion = "1.0.0"\nmodule = "x.wasm"\n\n[capabilities]\nnetwork = "yes"\n' \
  >"$root/apps/bad-type/vyoma.toml"
printf '[app]\nname = "bad-value"\nversion = "1.0.0"\nmodule = "x.wasm"\n\n[lifecycle]\nrestart = "sometimes"\n' \
  >"$root/apps/bad-value/vyoma.toml"

# ---- helpers -------------------------------------------------------------------
vyctl() { "$VYCTL" --root "$root" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# the STATE column of `vyctl ps` for app $1 ("" if not listed)
state() { vyctl ps 2>/dev/null | awk -v n="$1" '$1 == n { print $2; exit }'; }
field() { vyctl ps 2>/dev/null | awk -v n="$1" -v f="$2" '$1 == n { print $f; exit }'; }
# wait_state NAME STATE-REGEX TIMEOUT_MS: 0 once ps shows it
wait_state() {
  local end=$(( $(now_ms) + $3 )) s
  while :; do
    s=$(state "$1")
    [[ $s =~ ^($2)$ ]] && return 0
    [ "$(now_ms)" -ge "$end" ] && { echo "$s"; return 1; }
    sleep 0.02
  done
}
# wait_log NAME REGEX TIMEOUT_MS: 0 once the app's log has a matching line
wait_log() {
  local end=$(( $(now_ms) + $3 ))
  while :; do
    grep -Eq -- "$2" "$root/run/vyoma/logs/$1.log" 2>/dev/null && return 0
    vyctl logs "$1" 2>/dev/null | grep -Eq -- "$2" && return 0
    [ "$(now_ms)" -ge "$end" ] && return 1
    sleep 0.05
  done
}
applog() { vyctl logs "$1" 2>/dev/null || cat "$root/run/vyoma/logs/$1.log" 2>/dev/null; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$vpid/status" 2>/dev/null; }
alive() { kill -0 "$vpid" 2>/dev/null; }
num() { grep -o "$1=[0-9]*" | head -n 1 | cut -d= -f2; }

# ---- start -----------------------------------------------------------------------
vlog=$root/vyomad.log
"$VYOMAD" --root "$root" --profile test >"$vlog" 2>&1 </dev/null &
vpid=$!
up=0
for _ in $(seq 1 250); do
  if vyctl --timeout 1000 ps >/dev/null 2>&1; then up=1; break; fi
  alive || break
  sleep 0.02
done
if [ $up = 0 ]; then
  fail starts "vyomad did not answer on $root/run/vyoma/control.sock within 5 s"
  tail -n 20 "$vlog" | indent
  exit 1
fi
pass starts

mode=$(stat -c %a "$root/run/vyoma/control.sock" 2>/dev/null)
if [ "$mode" = 600 ]; then pass socket-mode; else fail socket-mode "mode is '$mode', want 600"; fi

# ---- bad manifests: clear errors, the others start ---------------------------------
sleep 0.3
msgs=$(cat "$vlog"; vyctl ps 2>/dev/null)
bad=
grep -Eq 'bad-key/vyoma\.toml:[0-9]+.*filesytem' <<<"$msgs" || bad+=" bad-key(no FILE:LINE naming filesytem)"
grep -Eq 'bad-type/vyoma\.toml:[0-9]+.*network' <<<"$msgs" || bad+=" bad-type(no FILE:LINE naming network)"
grep -Eq 'bad-value/vyoma\.toml:[0-9]+.*restart' <<<"$msgs" || bad+=" bad-value(no FILE:LINE naming restart)"
for a in bad-key bad-type bad-value; do
  s=$(state "$a")
  [[ -z $s || $s =~ ^(invalid|failed)$ ]] || bad+=" $a is '$s'"
done
if ! wait_state pong running 3000 >/dev/null; then bad+=" pong not running"; fi
if [ -z "$bad" ]; then pass bad-manifests; else
  fail bad-manifests "$bad"; grep -i bad- "$vlog" | head -5 | indent; fi

# ---- ps, --json, metrics, heartbeat --------------------------------------------
out=$(vyctl ps 2>&1); rc=$?
if [ $rc = 0 ] && grep -q '^pong ' <<<"$out" && [ "$(wc -l <<<"$out")" -ge 3 ]; then
  pass ps
else fail ps "rc=$rc"; echo "$out" | head -5 | indent; fi

json=$(vyctl --json ps 2>&1)
if ! have_py json; then :
elif python3 -c '
import json, sys
d = json.loads(sys.argv[1])
apps = {a["name"]: a for a in d["apps"]}
need = ["name", "state", "uptime_s", "restarts", "cpu_ms", "memory", "msgs_in", "msgs_out"]
for a in apps.values():
    for k in need:
        assert k in a, "missing " + k
assert apps["pong"]["state"] == "running"
' "$json" 2>"$root/json.err"; then pass json
else fail json "$(tail -n 1 "$root/json.err")"; echo "$json" | head -3 | indent; fi
rm -f "$root/json.err"

m=$(vyctl metrics 2>&1); rc=$?
if [ $rc = 0 ] && grep -q '^# TYPE ' <<<"$m" && grep -Eq '^[a-z_]+\{[^}]*app="pong"[^}]*\} [0-9.e+-]+$' <<<"$m"; then
  pass metrics
else fail metrics "rc=$rc, no '# TYPE' line or no sample labelled app=\"pong\""; echo "$m" | head -5 | indent; fi

sleep 0.6    # at least one heartbeat interval of the test profile
hb=$(vyctl heartbeat 2>&1); rc=$?
hbf=$(cat "$root/run/vyoma/heartbeat" 2>/dev/null)
if ! have_py heartbeat; then :
elif [ $rc = 0 ] && python3 -c '
import json, sys
for s in sys.argv[1:]:
    d = json.loads(s.strip().splitlines()[-1])
    assert "uptime" in json.dumps(d)
' "$hb" "$hbf" 2>/dev/null; then pass heartbeat
else fail heartbeat "rc=$rc; vyctl heartbeat or run/vyoma/heartbeat is not a JSON line with uptime"
  { echo "$hb"; echo "$hbf"; } | head -4 | indent; fi

# ---- IPC ---------------------------------------------------------------------------
vyctl start ping >/dev/null 2>&1
if wait_log ping 'ping: sent=5 received=5 lost=0' 5000; then
  pass ipc-roundtrip
else fail ipc-roundtrip "ping did not report 5 of 5 round trips"; applog ping | tail -n 5 | indent; fi

vyctl send pong 'ping 77' >/dev/null 2>&1; rc=$?
if [ $rc = 0 ] && wait_log pong 'from sys: ping 77' 2000; then pass send
else fail send "rc=$rc, pong did not log the message"; fi

# logs -f streams lines that arrive after it started
fl=$root/follow.out
vyctl logs -f pong >"$fl" 2>&1 &
fpid=$!
sleep 0.3
vyctl send pong 'ping 78' >/dev/null 2>&1
ok=0
for _ in $(seq 1 40); do grep -q 'from sys: ping 78' "$fl" && { ok=1; break; }; sleep 0.05; done
kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
if [ $ok = 1 ]; then pass logs-follow; else fail logs-follow "the new line did not arrive"; head -n 3 "$fl" | indent; fi

if wait_log sayer 'sayer got \[sys\] error denied logger' 3000 &&
   wait_log sayer 'sayer got \[sys\] error no-such-app ghost' 500 &&
   wait_log sayer 'sayer got \[pong\] pong 1' 500 &&
   wait_log sayer 'sayer got \[sys\] error denied sys' 500 &&
   wait_log sayer 'sayer got \[sys\] error too-long' 500 &&
   ! grep -q secret "$root/data/logger/log.txt" 2>/dev/null; then
  pass denied
else fail denied "sayer's log lacks the error replies (or logger got the message)"
  applog sayer | tail -n 5 | indent; fi

# @sys commands from an app with the grant: ps lists apps, an error for a
# bad name, restart works
if wait_log sysuser 'sayer got \[sys\] .*pong' 3000 &&
   wait_log sysuser 'sayer got \[sys\] error.*no-such-app' 500 &&
   [ "$(applog sysuser | grep -c 'sayer got \[sys\]')" -ge 3 ]; then
  pass sys-commands
else fail sys-commands "sysuser did not get the three @sys replies"; applog sysuser | tail -n 4 | indent; fi

vyctl send logger "hello-logger" >/dev/null 2>&1
ok=0
for _ in $(seq 1 50); do
  grep -q 'sys: hello-logger' "$root/data/logger/log.txt" 2>/dev/null && { ok=1; break; }
  sleep 0.05
done
if [ $ok = 1 ]; then pass logger-fs; else fail logger-fs "no 'sys: hello-logger' in DIR/data/logger/log.txt"; fi

if wait_log fsprobe-off 'fsprobe: no /data' 2000 && wait_log fsprobe-on 'fsprobe: /data visible' 500 &&
   [ -f "$root/data/fsprobe-on/probe.txt" ] && [ ! -e "$root/data/fsprobe-off/probe.txt" ]; then
  pass fs-denied
else fail fs-denied "fsprobe-off saw /data or fsprobe-on did not"
  { applog fsprobe-off; applog fsprobe-on; } | tail -n 4 | indent; fi

# ---- rate limit: a flooder is limited, a pinger keeps its latency ------------------
t0=$(now_ms)
vyctl start flooder >/dev/null 2>&1
sleep 0.2
vyctl start pinger >/dev/null 2>&1
if wait_log pinger '^.*ping: sent=20 ' 10000; then
  pl=$(applog pinger | grep 'ping: sent=20 ' | tail -n 1)
  wait_state flooder 'exited|crashed|killed|failed' 10000 >/dev/null
  t1=$(now_ms)
  wait_log flooder 'flooder: done' 3000
  fl=$(applog flooder | grep 'flooder: done' | tail -n 1)
  rl=$(num rate_limited <<<"$fl"); qf=$(num queue_full <<<"$fl"); ot=$(num other <<<"$fl")
  sleep 0.3      # the sink logs its count 100 ms after the last message
  got=$(applog sink | grep -o 'received [0-9]*' | tail -n 1 | cut -d' ' -f2)
  med=$(num median_us <<<"$pl")
  lost=$(num lost <<<"$pl")
  # the sink may get at most a burst (1 s worth) plus the rate over the run
  maxgot=$(( 100 + 100 * (t1 - t0) / 1000 + 50 ))
  why=
  [ "${rl:-0}" -gt 0 ] || why+=" flooder saw no rate-limited errors;"
  [ "${got:-0}" -le $maxgot ] || why+=" sink got $got > $maxgot;"
  [ "${got:-0}" -ge 50 ] || why+=" sink got only ${got:-0};"
  # none vanishes: each message was delivered or its sender told why not
  [ $(( ${got:-0} + ${rl:-0} + ${qf:-0} + ${ot:-0} )) = 3000 ] ||
    why+=" delivered ${got:-0} + refused $(( ${rl:-0} + ${qf:-0} + ${ot:-0} )) != 3000 sent;"
  [ "${lost:-1}" = 0 ] || why+=" pinger lost $lost;"
  [ "${med:-999999}" -lt 50000 ] || why+=" pinger median ${med}us >= 50 ms;"
  if [ -z "$why" ]; then pass rate-limit
    echo "    | flooder: $got delivered, $rl rate-limited, $qf queue-full; pinger median ${med} us"
  else fail rate-limit "$why"; echo "$pl" | indent; fi
else fail rate-limit "pinger did not finish"; applog pinger | tail -n 3 | indent; fi

# ---- crash loop ends in failed --------------------------------------------------------
if s=$(wait_state crasher failed 20000); then
  r=$(field crasher 4)
  if [ "$r" = 3 ]; then pass crash-loop; else fail crash-loop "failed with restarts=$r, want 3"; fi
else fail crash-loop "crasher is '$s' after 20 s, want failed"; fi

if s=$(wait_state trapper crashed 5000); then pass crash-trap
else fail crash-trap "an app that traps is '$s', want crashed"; fi

# ---- backpressure: a full inbox refuses with queue-full, drops nothing queued ----
vyctl start sleeper >/dev/null 2>&1
if wait_log sleeper 'sleeper: sleeping' 3000; then
  vyctl start flood-full >/dev/null 2>&1
  if wait_log flood-full 'flooder: done' 10000; then
    fl=$(applog flood-full | grep 'flooder: done' | tail -n 1)
    qf=$(num queue_full <<<"$fl"); rl=$(num rate_limited <<<"$fl"); ot=$(num other <<<"$fl")
    queued=$(( 1000 - ${qf:-0} - ${rl:-0} - ${ot:-0} ))
    if [ "${qf:-0}" -gt 0 ] && [ "${ot:-0}" = 0 ] && [ $queued -ge 1 ] && [ $queued -le 1024 ]; then
      pass backpressure; echo "    | $queued queued, ${qf} refused with queue-full"
    else fail backpressure "$fl"; fi
  else fail backpressure "flood-full did not finish"; fi
else fail backpressure "sleeper did not start"; fi
vyctl kill sleeper >/dev/null 2>&1      # frees its full inbox
wait_state sleeper killed 2000 >/dev/null

# ---- kill within the deadline -------------------------------------------------------
# kill_test TEST APP READY-REGEX: start APP, wait until its log shows it is
# in the state to test, then time `vyctl kill` until ps says killed.
kill_test() {
  local t=$1 a=$2 ready=$3 s t0 t1
  vyctl start "$a" >/dev/null 2>&1
  if ! wait_log "$a" "$ready" 5000; then fail "$t" "$a did not get ready"; return; fi
  sleep 0.1
  t0=$(date +%s%N)
  if ! vyctl kill "$a" >/dev/null 2>&1; then fail "$t" "vyctl kill $a failed"; return; fi
  if ! s=$(wait_state "$a" killed 2000); then fail "$t" "$a is '$s' 2 s after kill"; return; fi
  t1=$(date +%s%N)
  local ms=$(( (t1 - t0) / 1000000 ))
  if [ $ms -le $KILL_MS ]; then pass "$t"; echo "    | $a killed in $ms ms"
  else fail "$t" "$a took $ms ms to be killed (limit $KILL_MS)"; fi
}
kill_test kill-spinning spinner 'spinner: spinning'
kill_test kill-stdin-blocked blocker 'blocker: reading stdin'
kill_test kill-sleeping sleeper 'sleeper: sleeping'
# an app forever inside fd_write (and taking error replies): mid host call
kill_test kill-mid-hostcall flood-forever 'flooder: sent=500 '

# ---- stop, restart ---------------------------------------------------------------------
vyctl start blocker >/dev/null 2>&1
if wait_state blocker running 3000 >/dev/null && vyctl stop blocker >/dev/null 2>&1 &&
   s=$(wait_state blocker 'stopped|killed|exited' 10000); then pass stop
else fail stop "blocker is '$(state blocker)' after stop"; fi

if vyctl restart pong >/dev/null 2>&1 && sleep 0.2 && wait_state pong running 3000 >/dev/null; then
  # its uptime must have gone back to (about) zero
  up=$(field pong 3)
  if [ "${up%.*}" -le 2 ] 2>/dev/null; then pass restart; else fail restart "pong uptime '$up' after restart"; fi
else fail restart "pong is '$(state pong)' after restart"; fi

# ---- vyctl errors -------------------------------------------------------------------
why=
vyctl kill no-such-app >/dev/null 2>"$root/vyctl.err"; rc=$?
[ $rc = 1 ] || why+=" kill no-such-app: exit $rc, want 1;"
[ -s "$root/vyctl.err" ] || why+=" no message on stderr;"
"$VYCTL" --socket "$root/nonexistent.sock" ps >/dev/null 2>"$root/vyctl.err"; rc=$?
[ $rc = 3 ] || why+=" unreachable socket: exit $rc, want 3;"
grep -q nonexistent.sock "$root/vyctl.err" || why+=" message does not name the socket;"
vyctl frobnicate >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || why+=" unknown command: exit $rc, want 2;"
vyctl kill >/dev/null 2>&1; rc=$?
[ $rc = 2 ] || why+=" kill without NAME: exit $rc, want 2;"
rm -f "$root/vyctl.err"
if [ -z "$why" ]; then pass vyctl-errors; else fail vyctl-errors "$why"; fi

# ---- health watchdog ------------------------------------------------------------------
if grep -Eq 'quiet/vyoma\.toml:[0-9]+' "$vlog"; then
  skip watchdog "the manifest loader rejects [lifecycle] heartbeat: $(grep -E 'quiet/vyoma\.toml' "$vlog" | head -n 1)"
else
  ok=0
  for _ in $(seq 1 100); do
    r=$(field quiet 4)
    [ "${r:-0}" -ge 1 ] && { ok=1; break; }
    sleep 0.05
  done
  if [ $ok = 1 ]; then pass watchdog; else fail watchdog "quiet not restarted 5 s after its beats stopped (restarts=$r)"; fi
  vyctl kill quiet >/dev/null 2>&1
fi

# ---- start/kill cycles: no leak -------------------------------------------------------
cyc_fail=
rss0= rss1=
for i in $(seq 1 "$CYCLES"); do
  if ! vyctl start sleeper >/dev/null 2>&1; then cyc_fail="start failed at cycle $i"; break; fi
  if ! s=$(wait_state sleeper 'running' 3000); then cyc_fail="cycle $i: sleeper '$s' after start"; break; fi
  if ! vyctl kill sleeper >/dev/null 2>&1; then cyc_fail="kill failed at cycle $i"; break; fi
  if ! s=$(wait_state sleeper 'killed' 3000); then cyc_fail="cycle $i: sleeper '$s' after kill"; break; fi
  [ "$i" = 20 ] && rss0=$(rss_kb)
done
rss1=$(rss_kb)
if [ -n "$cyc_fail" ]; then fail start-kill-cycles "$cyc_fail"
elif [ $asan = 1 ]; then
  # ASan's quarantine makes RSS grow by design; LeakSanitizer at shutdown
  # is the check here
  pass start-kill-cycles; echo "    | $CYCLES cycles; RSS ${rss0:-?} -> ${rss1:-?} KiB (not judged under ASan)"
elif [ -n "$rss0" ] && [ -n "$rss1" ] && [ $(( rss1 - rss0 )) -le 2048 ]; then
  pass start-kill-cycles; echo "    | $CYCLES cycles; RSS after 20: $rss0 KiB, after $CYCLES: $rss1 KiB"
else fail start-kill-cycles "RSS grew from ${rss0:-?} to ${rss1:-?} KiB over $CYCLES cycles"; fi

# ---- the shell on the console: a second vyomad with a terminal on stdin -------
# Python's pty module gives vyomad a real terminal, so the console goes to
# raw mode and keys go through the TTY router to the focused app (shell,
# the only one with input = true).  Typed with a typo fixed by Backspace,
# and a line erased by Ctrl-U.
if have_py shell-console; then
root2=$root/console
mkdir -p "$root2/apps/shell" "$root2/apps/pong" "$root2/profiles" "$root2/data"
cp "$root/profiles/test.toml" "$root2/profiles/"
cp "$P/shell/shell.wasm" "$P/shell/vyoma.toml" "$root2/apps/shell/"
cp "$P/pong/pong.wasm" "$P/pong/vyoma.toml" "$root2/apps/pong/"
python3 - "$VYOMAD" "$VYCTL" "$root2" >"$root2/driver.log" 2>&1 <<'PYEOF'
import os, pty, subprocess, sys, time
vyomad, vyctl, root = sys.argv[1:4]
master, slave = pty.openpty()
log = open(root + "/vyomad.log", "w")
p = subprocess.Popen([vyomad, "--root", root, "--profile", "test"],
                     stdin=slave, stdout=log, stderr=log)
os.close(slave)
def ctl(*a):
    return subprocess.run([vyctl, "--root", root] + list(a),
                          capture_output=True, text=True).stdout
def wait_log(app, text, secs):
    end = time.time() + secs
    while time.time() < end:
        if text in ctl("logs", app):
            return True
        time.sleep(0.05)
    return False
ok = False
try:
    ok = wait_log("shell", "type help", 5)
    time.sleep(0.2)
    for keys in [b"pz\x7fs\r", b"garbage\x15send pong ping 5\r"]:
        os.write(master, keys)
        time.sleep(0.3)
    ok = ok and wait_log("shell", "[sys] ps", 3) and wait_log("shell", "pong=running", 0.5)
    ok = ok and wait_log("shell", "[pong] pong 5", 3)
    ok = ok and "unknown command" not in ctl("logs", "shell")
    print("shell log:", ctl("logs", "shell").replace("\n", " | ")[-400:])
    ctl("shutdown")
    p.wait(15)
finally:
    if p.poll() is None:          # never leave a vyomad behind
        p.kill(); p.wait(); ok = False
print("vyomad exit", p.returncode)
sys.exit(0 if ok and p.returncode == 0 else 1)
PYEOF
if [ $? = 0 ]; then pass shell-console
else fail shell-console "keys typed on the console did not drive the shell"; tail -n 3 "$root2/driver.log" | indent; fi
fi

# ---- the supervisor is still there, then shuts down in order -----------------------------
if alive && vyctl ps >/dev/null 2>&1; then pass never-crashed
else fail never-crashed "vyomad died"; tail -n 20 "$vlog" | indent; fi

if alive; then
  vyctl shutdown >/dev/null 2>&1; rc=$?
  code=
  for _ in $(seq 1 300); do
    alive || break
    sleep 0.05
  done
  if alive; then
    fail shutdown "vyomad still running 15 s after vyctl shutdown (rc=$rc)"
  else
    wait "$vpid"; code=$?; vpid=
    if [ "$code" != 0 ]; then fail shutdown "vyomad exit status $code"; tail -n 25 "$vlog" | indent
    elif ! grep -q 'logger: [0-9]* lines written' "$root/run/vyoma/logs/logger.log" 2>/dev/null; then
      fail shutdown "logger did not end by itself on \"@sys: shutdown\""
    elif grep -Eq 'LeakSanitizer|AddressSanitizer|runtime error:' "$vlog"; then
      fail shutdown "sanitizer report in vyomad's output"
      grep -E -A12 'LeakSanitizer|AddressSanitizer|runtime error:' "$vlog" | head -n 30 | indent
    else pass shutdown; fi
  fi
else skip shutdown "vyomad is not running"; fi

[ $nfail = 0 ]
