#!/usr/bin/env bash
# tests/capability/run.sh — the capability enforcer (capability/) and the
# vyoma_hal imports, alone and wired into vyomad and `vyoma run`.
#
#   capability/wasm         the test modules build (wat/*.wat, apps/*/)
#   capability/build        cap-unit builds
#   capability/cap-unit/*   the enforcer over a fake board (cap_unit.c):
#                           grants, denials logged once, EFAULT/ETOOBIG/
#                           EINVAL/EBADHANDLE, ownership and release,
#                           cancellation of a blocked wait, the wiring
#   capability/cap-sim/*    the same cases over the HAL's simulated board
#   e2e-*                   a real vyomad --board sim:FILE (boards/sim.toml
#                           with a state folder) running tests/capability/
#                           apps/halprobe as two apps, driven with vyctl
#                           send; the sim's files, `vyctl hal` and an app's
#                           `@sys: hal` say what
#                           reached the board
#   manifest-*              vyoma-manifest on a module importing gpio
#                           without a gpio grant
#   run-*                   `vyoma run --board sim:boards/sim.toml`
# VYOMAD_BIN=PATH tests another vyomad (e.g. build/static/vyomad).
# With VYOMA_ASAN=1 the ASan/UBSan build, and vyomad must end with the
# sanitizers quiet.  Prints PASS/FAIL/SKIP lines; exits 1 if anything
# failed.
. "$(dirname "$0")/../lib.sh"
t_start capability
repo=$PWD
t_make wasm capability-test-files || { t_end; exit; }
pass wasm
t_programs cap unit sim

VYOMAD=${VYOMAD_BIN:-$repo/$T_BIN/vyomad} VYCTL=$repo/$T_BIN/vyctl VYOMA=$repo/$T_BIN/vyoma
VMANIFEST=$repo/$T_BIN/vyoma-manifest
t_make tools "$T_BIN/vyomad" "$T_BIN/vyctl" "$T_BIN/vyoma" \
  "$T_BIN/vyoma-manifest" supervisor-test-apps || { t_end; exit; }
A=$repo/build/tests/capability/apps

root=$(mktemp -d /tmp/vyoma-captest.XXXXXX)
vpid=
cleanup() {
  [ -n "$vpid" ] && kill -KILL "$vpid" 2>/dev/null && wait "$vpid" 2>/dev/null
  if [ "${VYOMA_KEEP:-}" = 1 ]; then echo "    kept $root" >&2; else rm -rf "$root"; fi
}
trap cleanup EXIT

# ---- the root: a profile with the sim board, the apps ---------------------------
mkdir -p "$root/apps" "$root/profiles" "$root/boards"
sed 's/^# state = "sim-state"/state = "sim-state"/' boards/sim.toml >"$root/boards/sim.toml"
state=$root/boards/sim-state
cat >"$root/profiles/test.toml" <<'TOML'
name = "test"
heartbeat = "500ms"
board = "sim:boards/sim.toml"
gpio_safe_state = "low"
TOML
ALL='gpio = [17, 18, 27]
i2c = ["1:0x48"]
spi = ["0:0"]
uart = ["ttyS1"]
adc = ["0:0"]'
# app NAME WASM MANIFEST-BODY [ARGS-TOML]
app() {
  mkdir -p "$root/apps/$1"
  cp "$2" "$root/apps/$1/$1.wasm"
  { printf '[app]\nname = "%s"\nversion = "1.0.0"\nmodule = "%s.wasm"\n' "$1" "$1"
    [ -n "${4:-}" ] && printf 'args = %s\n' "$4"
    printf '[capabilities]\n%s\n[lifecycle]\nrestart = "never"\n' "$3"; } >"$root/apps/$1/vyoma.toml"
}
app probe "$A/halprobe/halprobe.wasm" "$ALL"
app other "$A/halprobe/halprobe.wasm" "$ALL"
app waiter "$A/halprobe/halprobe.wasm" "$ALL" '["open 27 0xc0", "wait 1 -1"]'
app blinky "$A/blinky/blinky.wasm" 'gpio = [19]' '["19"]'
app nogrant "$A/blinky/blinky.wasm" 'ipc = []'
# an app asking @sys for a line's level (hal is an @sys verb too)
app syshal "$repo/build/tests/supervisor/apps/sayer/sayer.wasm" 'ipc = ["sys"]' \
  '["-w", "5000", "@sys: hal gpio 20"]'

# ---- helpers ----------------------------------------------------------------------
vyctl() { "$VYCTL" --root "$root" "$@"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
state_of() { vyctl --json ps 2>/dev/null | grep -o "{\"name\":\"$1\"[^}]*}" |
  grep -o '"state":"[^"]*"' | cut -d'"' -f4; }
wait_state() {  # NAME REGEX MS
  local end=$(( $(now_ms) + $3 ))
  until [[ $(state_of "$1") =~ ^($2)$ ]]; do
    [ "$(now_ms)" -ge "$end" ] && return 1
    sleep 0.02
  done
}
applog() { cat "$root/run/vyoma/logs/$1.log" 2>/dev/null; }
# ask APP CMD: sends CMD to halprobe APP, prints its answer "RESULT [DETAIL]"
# (what follows "probe: CMD = "), or "timeout"
ask() {
  local before n end
  before=$(applog "$1" | grep -cF "probe: $2 = ")
  vyctl send "$1" "$2" >/dev/null 2>&1 || { echo "send-failed"; return; }
  end=$(( $(now_ms) + 5000 ))
  while :; do
    n=$(applog "$1" | grep -cF "probe: $2 = ")
    if [ "$n" -gt "$before" ]; then
      applog "$1" | grep -F "probe: $2 = " | tail -n 1 | sed 's/.*probe: .* = //'
      return
    fi
    [ "$(now_ms)" -ge "$end" ] && { echo timeout; return; }
    sleep 0.02
  done
}
# expect CASE GOT WANT-REGEX: one check as a case
expect() {
  if [[ $2 =~ ^($3)$ ]]; then pass "$1"; else fail "$1" "got '$2', want /$3/"; fi
}

# ---- vyomad with the sim board -------------------------------------------------------
vlog=$root/vyomad.log
"$VYOMAD" --root "$root" --profile test --no-tty >"$vlog" 2>&1 </dev/null &
vpid=$!
up=
for _ in $(seq 1 250); do
  vyctl --timeout 1000 ps >/dev/null 2>&1 && { up=1; break; }
  sleep 0.02
done
if [ -z "$up" ] || ! wait_state probe running 10000; then
  fail e2e-starts "vyomad or the probe did not come up"
  detail <"$vlog"
  t_end; exit
fi
if grep -q 'vyomad: board sim (sim)' "$vlog"; then pass e2e-starts
else fail e2e-starts "no 'board sim (sim)' line"; detail <"$vlog"; fi
wait_state other running 5000

# granted gpio: the write is seen by peek and in the sim's state folder
h=$(ask probe "open 17 1")
w=$(ask probe "write $h 1")
peek=$(vyctl hal gpio 17 2>&1)
file=$(cat "$state/gpio-17" 2>/dev/null)
if [ "$h" = 1 ] && [ "$w" = 0 ] && [ "$peek" = "gpio 17 1" ] && [ "$file" = 1 ]; then
  pass e2e-gpio-write
else fail e2e-gpio-write "open '$h', write '$w', peek '$peek', state file '$file'"; fi

# an ungranted line: ENOTGRANTED, and the granted line and the other app go on
r=$(ask probe "open 5 1")
w=$(ask probe "write $h 0")
o=$(ask other "open 18 1")
peek=$(vyctl hal gpio 17 2>&1)
if [ "$r" = -1 ] && [ "$w" = 0 ] && [ "$peek" = "gpio 17 0" ] && [[ $o =~ ^[1-9] ]]; then
  pass e2e-gpio-not-granted
else fail e2e-gpio-not-granted "open 5 '$r', write 17 '$w' (peek '$peek'), other's open 18 '$o'"; fi

# denials: one log line per app and resource, however many calls
r=$(ask probe "repeat 50 open 6 1")
n=$(grep -c 'app probe: gpio line 6 not granted (grants: 17, 18, 27)' "$vlog")
na=$(applog probe | grep -c 'gpio line 6 not granted')
if [ "$r" = -1 ] && [ "$n" = 1 ] && [ "$na" = 1 ]; then pass e2e-denial-logged-once
else fail e2e-denial-logged-once "result '$r', $n lines in vyomad's log, $na in the app's"; fi

# an I2C transaction to an ungranted address is refused before any byte moves
r=$(ask probe "i2cr 1 0x50 0")
if [ "$r" = -1 ] && ! grep -q '0x50' "$state/i2c.log" 2>/dev/null; then pass e2e-i2c-refused-whole
else fail e2e-i2c-refused-whole "result '$r', i2c.log: $(tr '\n' '|' <"$state/i2c.log" 2>/dev/null)"; fi

# the TMP102 through i2c: the sim's temperature, then one set from outside
t1=$(ask probe "temp 1 0x48")
echo 30000 >"$state/tmp102-1-0x48"
t2=
for _ in $(seq 1 50); do
  t2=$(ask probe "temp 1 0x48")
  [ "$t2" = "0 30000" ] && break
  sleep 0.05
done
op=$(vyctl hal i2c 1:0x48 read 0 2 2>&1)
if [ "$t1" = "0 21500" ] && [ "$t2" = "0 30000" ] && [ "$op" = "i2c 1:0x48 0x1e 0x00" ]; then
  pass e2e-i2c-tmp102
else fail e2e-i2c-tmp102 "first '$t1' (want 0 21500), after setting 30 C '$t2', hal i2c read '$op'"; fi

expect e2e-uart-loopback "$(ask probe "uart ttyS1 hello")" "5 hello"
expect e2e-spi-loopback "$(ask probe "spi 0 0 abc")" "0 abc"
a1=$(ask probe "adc 0 0")
vyctl hal adc 0:0 2000 >/dev/null 2>&1
a2=$(ask probe "adc 0 0")
if [ "$a1" = "0 1234 309" ] && [ "$a2" = "0 2000 500" ]; then pass e2e-adc-millivolts
else fail e2e-adc-millivolts "first '$a1' (want 0 1234 309), after hal adc 0:0 2000 '$a2'"; fi
f=$(ask probe fault) wr=$(ask probe wrap) big=$(ask probe big)
if [ "$f" = -12 ] && [ "$wr" = -12 ] && [ "$big" = -9 ]; then pass e2e-efault-etoobig
else fail e2e-efault-etoobig "past the end '$f', wrapping '$wr' (want -12), 8193 bytes '$big' (want -9)"; fi

# kill during gpio_wait_edge(-1): gone within a second
wait_state waiter running 5000
for _ in $(seq 1 100); do applog waiter | grep -q 'probe: open 27 0xc0 = 1' && break; sleep 0.02; done
sleep 0.2 # into the wait
t0=$(now_ms); vyctl kill waiter >/dev/null 2>&1; t1=$(now_ms)
st=$(state_of waiter)
if [ "$st" = killed ] && [ $((t1 - t0)) -lt 1000 ] &&
   applog waiter | grep -q 'probe: open 27 0xc0 = 1'; then pass e2e-kill-during-wait "$((t1 - t0)) ms"
else fail e2e-kill-during-wait "state '$st' after $((t1 - t0)) ms"; fi

# a button: an edge poked from outside reaches gpio_wait_edge
b=$(ask other "open 27 0xc0")
vyctl send other "wait $b 5000" >/dev/null
sleep 0.2
vyctl hal gpio 27 1 >/dev/null 2>&1
for _ in $(seq 1 100); do applog other | grep -q "probe: wait $b 5000 = " && break; sleep 0.02; done
e=$(applog other | grep "probe: wait $b 5000 = " | tail -n 1 | sed 's/.* = //')
expect e2e-button-edge "$e" "0 1"

# hal: the board, its devices, the owners; JSON too
hv=$(vyctl hal 2>&1) hj=$(vyctl --json hal 2>&1)
if grep -q '^board sim (sim)$' <<<"$hv" && grep -q '^gpio 17 probe$' <<<"$hv" &&
   grep -q '^gpio 27 other$' <<<"$hv" &&
   python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["board"]=="sim" and {"kind":"gpio","resource":"17","app":"probe"} in d["owned"]' "$hj" 2>/dev/null; then
  pass e2e-hal-verb
else fail e2e-hal-verb "text: $(tr '\n' '|' <<<"$hv") json: $hj"; fi
if grep -q 'sayer got \[sys\] gpio 20 0' "$root/run/vyoma/logs/syshal.log" 2>/dev/null; then
  pass e2e-sys-hal
else fail e2e-sys-hal "syshal's log: $(tr '\n' '|' <"$root/run/vyoma/logs/syshal.log" 2>/dev/null)"; fi
r=$(vyctl hal gpio 99 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'no-device gpio 99' <<<"$r"; then pass e2e-hal-errors
else fail e2e-hal-errors "hal gpio 99: rc $rc '$r'"; fi

# ownership: another app gets EBUSY; once the owner is killed the line is
# back at the safe state (low) and the other can take it
ask probe "write $h 1" >/dev/null
busy=$(ask other "open 17 1")
vyctl kill probe >/dev/null 2>&1
peek=$(vyctl hal gpio 17 2>&1)
took=$(ask other "open 17 1")
if [ "$busy" = -3 ] && [ "$peek" = "gpio 17 0" ] && [[ $took =~ ^[1-9] ]] &&
   ! vyctl hal | grep -q ' probe$'; then
  pass e2e-ebusy-then-released
else fail e2e-ebusy-then-released "other's open while probe owns 17 '$busy', after the kill peek '$peek', open '$took'"; fi

# import without its grant: failed, no restarts, the message names all
wait_state nogrant failed 5000
msg='app nogrant: imports vyoma_hal.gpio_open, but its manifest grants no gpio (add gpio = [LINE, ...] under [capabilities])'
st=$(vyctl status nogrant 2>&1)
if [ "$(state_of nogrant)" = failed ] && grep -qF "$msg" <<<"$st" && grep -qF "$msg" "$vlog"; then
  pass e2e-import-not-granted
else fail e2e-import-not-granted "state '$(state_of nogrant)'; status: $(tr '\n' '|' <<<"$st" | head -c 600)"; fi
out=$("$VMANIFEST" "$root/apps/nogrant/vyoma.toml" 2>&1); rc=$?
if [ $rc = 1 ] && grep -qF "import not granted: $msg" <<<"$out"; then pass manifest-import-not-granted
else fail manifest-import-not-granted "rc $rc: $out"; fi
out=$("$VMANIFEST" "$root/apps/blinky/vyoma.toml" 2>&1)
expect manifest-granted-ok "$out" ".*: ok"
expect e2e-blinky "$(vyctl hal gpio 19 2>&1)" "gpio 19 1"

# the metrics: the series, promtool-clean; kept across a restart
m=$(vyctl metrics 2>&1)
why=
grep -q '^# TYPE vyoma_hal_calls_total counter$' <<<"$m" || why+=" no TYPE line;"
grep -Eq '^vyoma_hal_calls_total\{app="probe",kind="gpio"\} [1-9]' <<<"$m" || why+=" no probe gpio calls;"
grep -Eq '^vyoma_hal_denied_total\{app="probe",kind="gpio"\} 51$' <<<"$m" || why+=" probe's gpio denials not 51;"
grep -Eq '^vyoma_hal_errors_total\{app="probe",kind="i2c",code="too-big"\} 1$' <<<"$m" || why+=" no too-big;"
grep -Eq '^vyoma_hal_errors_total\{app="other",kind="gpio",code="busy"\} 1$' <<<"$m" || why+=" no busy;"
if command -v promtool >/dev/null 2>&1; then
  p=$(promtool check metrics <<<"$m" 2>&1) || why+=" promtool: $p;"
fi
calls1=$(grep '^vyoma_hal_calls_total{app="probe",kind="gpio"}' <<<"$m" | cut -d' ' -f2)
vyctl start probe >/dev/null 2>&1; wait_state probe running 5000
calls2=$(vyctl metrics | grep '^vyoma_hal_calls_total{app="probe",kind="gpio"}' | cut -d' ' -f2)
[ -n "$calls1" ] && [ "$calls2" = "$calls1" ] || why+=" gpio calls $calls1 before the restart, '$calls2' after;"
if [ -z "$why" ]; then pass e2e-metrics; else fail e2e-metrics "$why"; fi

# the end: an orderly shutdown, sanitizers quiet
vyctl shutdown >/dev/null 2>&1
for _ in $(seq 1 300); do kill -0 "$vpid" 2>/dev/null || break; sleep 0.05; done
wait "$vpid"; code=$?; vpid=
if [ "$code" = 0 ] && ! grep -Eq 'Sanitizer|runtime error' "$vlog"; then pass e2e-shutdown
else fail e2e-shutdown "exit status $code"; grep -E -A12 'Sanitizer|runtime error' "$vlog" | detail 30; fi

# a board that does not open: vyomad says so and goes on without one
vlog2=$root/vyomad-noboard.log
rm -rf "$root/apps/waiter" "$root/apps/other" "$root/apps/blinky" \
  "$root/apps/nogrant" "$root/apps/syshal"
"$VYOMAD" --root "$root" --profile test --no-tty --board sim:/nonexistent/b.toml >"$vlog2" 2>&1 </dev/null &
vpid=$!
for _ in $(seq 1 250); do vyctl --timeout 1000 ps >/dev/null 2>&1 && break; sleep 0.02; done
wait_state probe running 5000
r=$(ask probe "open 17 1")
if [ "$r" = -2 ] && grep -q 'going on without a board' "$vlog2"; then pass e2e-no-board
else fail e2e-no-board "open '$r'"; detail <"$vlog2"; fi
vyctl shutdown >/dev/null 2>&1
for _ in $(seq 1 300); do kill -0 "$vpid" 2>/dev/null || break; sleep 0.05; done
wait "$vpid"; vpid=

# ---- vyoma run --board -----------------------------------------------------------------
d=$root/run-app
mkdir -p "$d"
cp "$A/halprobe/halprobe.wasm" "$d/"
printf '[app]\nname = "probe"\nversion = "1"\nmodule = "halprobe.wasm"\n[capabilities]\n%s\n' "$ALL" >"$d/vyoma.toml"
out=$("$VYOMA" run --board sim:boards/sim.toml "$d/halprobe.wasm" "temp 1 0x48" "open 17 1" "open 5 1" </dev/null 2>&1); rc=$?
if [ $rc = 0 ] && grep -q 'probe: temp 1 0x48 = 0 21500' <<<"$out" &&
   grep -q 'probe: open 17 1 = 1' <<<"$out" && grep -q 'probe: open 5 1 = -1' <<<"$out" &&
   grep -q 'app probe: gpio line 5 not granted (grants: 17, 18, 27)' <<<"$out"; then
  pass run-board
else fail run-board "rc $rc: $(tr '\n' '|' <<<"$out")"; fi
b=$root/run-blinky
mkdir -p "$b"
cp "$A/blinky/blinky.wasm" "$b/"
printf '[app]\nname = "blinky"\nversion = "1"\nmodule = "blinky.wasm"\n' >"$b/vyoma.toml"
out=$("$VYOMA" run --board sim:boards/sim.toml "$b/blinky.wasm" </dev/null 2>&1); rc=$?
if [ $rc = 1 ] && grep -qF 'import not granted: app blinky: imports vyoma_hal.gpio_open, but its manifest grants no gpio' <<<"$out"; then
  pass run-not-granted
else fail run-not-granted "rc $rc: $out"; fi
out=$("$VYOMA" run "$d/halprobe.wasm" </dev/null 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'imports vyoma_hal.*, but no board is given (run it with --board SPEC' <<<"$out"; then
  pass run-no-board
else fail run-no-board "rc $rc: $out"; fi
"$VYOMA" run --help | grep -q -- '--board SPEC' && pass run-help || fail run-help "--board not in vyoma run --help"
t_end
