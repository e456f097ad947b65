#!/usr/bin/env bash
# tests/ota-sup/run.sh — updates wired into the supervisor (supervisor/
# ota.c): a real vyomad on a scratch root, started again and again (each
# start is a "boot": the boot stage picks the slot), driven with `vyctl ota`.
# The key pair, the bundles and the slot trees are made here with
# vyoma-bundle from the test apps (tests/supervisor/apps).
#
#   build             vyomad, vyctl, vyoma-bundle and the test apps build
#   factory-status    no update yet: the factory system and its version
#   refuse-*          bad bundles (another key, profile, architecture, a
#                     lower version, cut short, tampered, no space, no such
#                     file), each with the core's message and OTADIR as it was
#   apply-good        v2 goes into a slot, on trial from the next boot
#   json              ota status --json, a refusal as {"error","code"}
#   trial-boot        the next start runs v2's apps and profile, on trial
#   health-commit     v2's critical app runs for the window: committed
#   metrics-heartbeat vyoma_ota_info / _tries_remaining (promtool when
#                     installed), the heartbeat's "ota" object
#   trial-crash       v3's critical app crash-loops: the trial fails, why
#   rollback-to-good  the next start runs v2 again; status says why v3 failed
#   data-survives     an app's /data is in no slot
#   commit-verb       v4 (a 1 h window) committed by `vyctl ota commit`
#   rollback-verb     `vyctl ota rollback`: the previous system boots next
#   slot-supervisor   a slot with its own vyomad: the boot stage runs it
#   slot-exec-fails   a slot whose vyomad cannot run: failed, factory runs
#   trial-invalid-manifest  v7 has an app whose manifest does not load
#   tries-run-out     v8 killed (-9) in each of its 3 trial boots: then the
#                     previous system runs and status says why
#   sys-granted, sys-denied   "@sys: ota status" with and without the grant
#   sanitizers-quiet  no vyomad log has a sanitizer report
# With VYOMA_ASAN=1 the ASan/UBSan build.  Prints PASS/FAIL/SKIP lines.
. "$(dirname "$0")/../lib.sh"
t_start ota-sup
repo=$PWD
bin=$repo/$T_BIN
if ! t_make build "$T_BIN/vyomad" "$T_BIN/vyctl" "$T_BIN/vyoma-bundle" \
  supervisor-test-apps; then
  t_end
  exit
fi
pass build

d=$(mktemp -d "${TMPDIR:-/tmp}/vyota-sup-XXXXXX")
vpid=
cleanup() {
  [ -n "$vpid" ] && kill -9 "$vpid" 2>/dev/null
  [ -n "${VYOMA_KEEP:-}" ] && echo "# kept $d" || rm -rf "$d"
}
trap cleanup EXIT
root=$d/root ota=$d/root/data/.ota T=$repo/build/tests/supervisor/apps
arch=$(uname -m)
vb() { "$bin/vyoma-bundle" "$@"; }
vyctl() { "$bin/vyctl" --root "$root" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# profile DIR WINDOW: DIR/profiles/test.toml
profile() {
  mkdir -p "$1/profiles"
  printf 'name = "test"\nruntime = "interp"\nmemory_budget = "256MiB"\n%s\n' \
    "heartbeat = \"500ms\"" >"$1/profiles/test.toml"
  printf 'ota_health_window = "%s"\n' "$2" >>"$1/profiles/test.toml"
}
# app DIR NAME WASM VERSION BODY: DIR/apps/NAME
app() {
  mkdir -p "$1/apps/$2"
  cp "$3" "$1/apps/$2/$2.wasm"
  printf '[app]\nname = "%s"\nversion = "%s"\nmodule = "%s.wasm"\n%s\n' \
    "$2" "$4" "$2" "$5" >"$1/apps/$2/vyoma.toml"
}
crit='[lifecycle]
critical = true
restart = "always"
max_restarts = 3
restart_window = "1m"'

# ---- the factory system, the keys, the slot trees, the bundles --------------
mkdir -p "$root/etc/vyoma" "$root/data/keeper" "$d/keys" "$d/other"
echo 1.0.0 >"$root/etc/vyoma/version"
vb keygen --out "$d/keys" --name ota >/dev/null &&
  vb keygen --out "$d/other" --name ota >/dev/null &&
  cp "$d/keys/ota.pub" "$root/etc/vyoma/ota.pub" || {
  fail setup "vyoma-bundle keygen failed"
  t_end
  exit
}
profile "$root" 1s
app "$root" keeper "$T/sleeper/sleeper.wasm" 1.0.0 "$crit"
app "$root" otauser "$T/sayer/sayer.wasm" 1.0.0 'args = ["-w", "8000", "@sys: ota status"]
[capabilities]
ipc = ["sys"]
ota = true'
app "$root" otadenied "$T/sayer/sayer.wasm" 1.0.0 'args = ["-w", "8000", "@sys: ota status"]
[capabilities]
ipc = ["sys"]'
echo kept >"$root/data/keeper/note"

# tree VERSION WINDOW KEEPER-WASM: $d/tree-VERSION (v2.. get app "extra")
tree() {
  local t=$d/tree-$1
  profile "$t" "$2"
  app "$t" keeper "$3" "$1" "$crit"
  app "$t" extra "$T/sleeper/sleeper.wasm" "$1" ''
}
# bundle NAME VERSION [create options...]: $d/NAME.vyb of tree-VERSION
bundle() {
  local name=$1 v=$2
  shift 2
  vb create --key "$d/keys/ota.key" --version "$v" --arch "$arch" \
    --profile test "$@" "$d/tree-$v" "$d/$name.vyb" >/dev/null
}
tree 2.0.0 1s "$T/sleeper/sleeper.wasm"
tree 3.0.0 1s "$T/crasher/crasher.wasm"
tree 4.0.0 1h "$T/sleeper/sleeper.wasm"
tree 0.5.0 1s "$T/sleeper/sleeper.wasm"
bundle v2 2.0.0 && bundle v3 3.0.0 && bundle v4 4.0.0 && bundle low 0.5.0 &&
  vb create --key "$d/other/ota.key" --version 2.0.0 --arch "$arch" \
    --profile test "$d/tree-2.0.0" "$d/otherkey.vyb" >/dev/null &&
  vb create --key "$d/keys/ota.key" --version 2.0.0 --arch "$arch" \
    --profile other "$d/tree-2.0.0" "$d/otherprof.vyb" >/dev/null &&
  vb create --key "$d/keys/ota.key" --version 2.0.0 --arch riscv64 \
    --profile test "$d/tree-2.0.0" "$d/otherarch.vyb" >/dev/null || {
  fail setup "vyoma-bundle create failed"
  t_end
  exit
}
sz=$(stat -c %s "$d/v2.vyb")
head -c $((sz - 100)) "$d/v2.vyb" >"$d/cut.vyb"
cp "$d/v2.vyb" "$d/tampered.vyb"
printf 'X' | dd of="$d/tampered.vyb" bs=1 seek=$((sz - 50)) conv=notrunc 2>/dev/null

# ---- starting and stopping ("boots") ------------------------------------------
n=0
# boot [ENV=V...]: vyomad in the background; 0 once it answers
boot() {
  n=$((n + 1))
  log=$d/vyomad-$n.log
  env "$@" "$bin/vyomad" --root "$root" --profile test --no-tty \
    >"$log" 2>&1 </dev/null &
  vpid=$!
  for _ in $(seq 1 250); do
    vyctl --timeout 1000 ps >/dev/null 2>&1 && return 0
    kill -0 "$vpid" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}
halt() {
  vyctl shutdown >/dev/null 2>&1
  wait "$vpid" 2>/dev/null
  vpid=
}
# wait_for FILE REGEX MS
wait_for() {
  local end=$(($(now_ms) + $3))
  until grep -Eq -- "$2" "$1" 2>/dev/null; do
    [ "$(now_ms)" -ge "$end" ] && return 1
    sleep 0.05
  done
}
otasum() { (cd "$ota" 2>/dev/null && find . -type f | sort | xargs -r md5sum); }
# expect CASE WANT_STATUS TEXT vyctl-args...: status and text in the output
expect() {
  local c=$1 want=$2 text=$3 out rc
  shift 3
  out=$(vyctl "$@" 2>&1)
  rc=$?
  if [ "$rc" = "$want" ] && grep -qiE -- "$text" <<<"$out"; then
    pass "$c"
  else
    fail "$c" "vyctl $*: status $rc (want $want), output: ${out//$'\n'/ | }"
  fi
}

# ---- the factory system -------------------------------------------------------
boot || fail boot "vyomad does not answer"
expect factory-status 0 'system: 1\.0\.0 \(factory\)' ota status
wait_for "$root/run/vyoma/logs/otauser.log" 'sayer got \[sys\] system: 1\.0\.0' 5000 &&
  pass sys-granted || fail sys-granted "otauser got no ota status over @sys"
wait_for "$root/run/vyoma/logs/otadenied.log" 'sayer got \[sys\] error denied ota' 3000 &&
  pass sys-denied || fail sys-denied "otadenied was not refused"

# refuse CASE FILE TEXT [--allow-downgrade]: refused with TEXT, OTADIR kept
before=$(otasum)
refuse() {
  local c=$1 f=$2 text=$3
  shift 3
  local out rc
  out=$(vyctl ota apply "$f" "$@" 2>&1)
  rc=$?
  if [ $rc = 1 ] && grep -qiE -- "$text" <<<"$out" && [ "$(otasum)" = "$before" ]; then
    pass "refuse-$c"
  else
    fail "refuse-$c" "status $rc, output: ${out//$'\n'/ | }; OTADIR: $(otasum | tr "\n" " ")"
  fi
}
refuse otherkey "$d/otherkey.vyb" 'signature'
refuse profile "$d/otherprof.vyb" 'profile'
refuse arch "$d/otherarch.vyb" 'riscv64|architecture'
refuse downgrade "$d/low.vyb" 'not newer than the running 1.0.0'
refuse truncated "$d/cut.vyb" 'short|truncat|cut'
refuse tampered "$d/tampered.vyb" 'sha-?256|hash|does not match'
refuse missing "$d/nothing.vyb" 'No such file|nothing\.vyb'
halt
boot VYOMA_OTA_FREE_BYTES=1000 || fail boot "vyomad does not answer"
before=$(otasum) # the boot recorded the factory version
refuse space "$d/v2.vyb" 'needs .* KiB, 0 KiB free'
halt

# ---- v2: apply, trial boot, health commit -------------------------------------
boot || fail boot "vyomad does not answer"
out=$(vyctl ota apply "$d/v2.vyb" 2>&1)
st=$(vyctl ota status 2>&1)
if grep -q 'now holds 2.0.0' <<<"$out" && grep -q '2.0.0 on trial' <<<"$st"; then
  pass apply-good
else fail apply-good "apply: ${out//$'\n'/ | }; status: ${st//$'\n'/ | }"; fi
js=$(vyctl --json ota status 2>&1)
je=$(vyctl --json ota apply "$d/cut.vyb" 2>&1)
if python3 -c 'import json,sys; o=json.loads(sys.argv[1]); e=json.loads(sys.argv[2]);
assert o["running"]=="factory" and o["state"]=="factory" and len(o["slots"])==2
assert e["code"]=="ota-refused" and e["error"]' "$js" "$je" 2>/dev/null; then
  pass json
else fail json "status --json: $js; refusal: $je"; fi
halt

boot || fail boot "vyomad does not answer"
slot=$(vyctl --json ota status | python3 -c 'import json,sys; print(json.load(sys.stdin)["running"])')
if grep -q 'system version 2.0.0, on trial' "$log" &&
  vyctl ps | grep -q '^extra '; then
  pass trial-boot
else fail trial-boot "no v2 on trial, or no app extra"; detail 5 <"$log"; fi
if wait_for "$log" "ota: $slot 2.0.0 committed" 8000 &&
  vyctl ota status | grep -q 'system: 2.0.0 (committed)'; then
  pass health-commit
else fail health-commit "not committed"; detail 5 <"$log"; fi
m=$(vyctl metrics)
hb=$(vyctl heartbeat)
if grep -q "^vyoma_ota_info{slot=\"$slot\",version=\"2.0.0\",state=\"committed\"} 1" <<<"$m" &&
  grep -q '^vyoma_ota_tries_remaining ' <<<"$m" &&
  grep -q "\"ota\":{\"slot\":\"$slot\",\"version\":\"2.0.0\"" <<<"$hb" &&
  { ! command -v promtool >/dev/null || promtool check metrics <<<"$m" >/dev/null 2>&1; }; then
  pass metrics-heartbeat
else fail metrics-heartbeat "no ota figures (or promtool unhappy)"; grep ota <<<"$m$hb" | detail 5; fi

# ---- v3: its critical app crashes on trial ------------------------------------
expect apply-v3 0 'now holds 3.0.0' ota apply "$d/v3.vyb"
halt
boot || fail boot "vyomad does not answer"
if wait_for "$log" 'failed its trial: critical app keeper' 15000; then
  pass trial-crash
else fail trial-crash "v3's trial did not fail"; detail 8 <"$log"; fi
halt
boot || fail boot "vyomad does not answer"
st=$(vyctl ota status 2>&1)
if grep -q 'system: 2.0.0 (committed)' <<<"$st" &&
  grep -q 'last failure: 3.0.0: .*critical app keeper' <<<"$st"; then
  pass rollback-to-good
else fail rollback-to-good "status: ${st//$'\n'/ | }"; fi
[ "$(cat "$root/data/keeper/note" 2>/dev/null)" = kept ] && pass data-survives ||
  fail data-survives "DIR/data/keeper/note is gone"

# ---- v4: the commit and rollback verbs ------------------------------------------
expect apply-v4 0 'now holds 4.0.0' ota apply "$d/v4.vyb"
halt
boot || fail boot "vyomad does not answer"
expect commit-verb 0 '4.0.0 committed' ota commit
expect rollback-verb 0 'rolled back' ota rollback
halt
boot || fail boot "vyomad does not answer"
expect rollback-boots 0 'system: 2.0.0 \(committed\)' ota status
halt

# ---- a slot's own supervisor ----------------------------------------------------
cp -r "$d/tree-2.0.0" "$d/tree-5.0.0"
cp "$bin/vyomad" "$d/tree-5.0.0/vyomad"
cp -r "$d/tree-2.0.0" "$d/tree-6.0.0"
printf '#!/nonexistent/interpreter\n' >"$d/tree-6.0.0/vyomad"
bundle v5 5.0.0 && bundle v6 6.0.0 || fail setup "bundles v5, v6"
boot || fail boot "vyomad does not answer"
expect apply-v5 0 'now holds 5.0.0' ota apply "$d/v5.vyb"
halt
boot || fail boot "vyomad does not answer"
if grep -q "supervisor $ota/slot-./vyomad" "$log" &&
  [ "$(grep -c 'vyomad .* starting' "$log")" = 2 ] &&
  grep -q 'system version 5.0.0, on trial' "$log"; then
  pass slot-supervisor
else fail slot-supervisor "the slot's vyomad did not run"; detail 8 <"$log"; fi
wait_for "$log" 'ota: slot-. 5.0.0 committed' 8000 || fail slot-supervisor-commit "5.0.0 not committed"
expect apply-v6 0 'now holds 6.0.0' ota apply "$d/v6.vyb"
halt
boot || fail boot "vyomad does not answer"
st=$(vyctl ota status 2>&1)
if grep -q "cannot run the slot's supervisor" "$log" &&
  grep -q 'system: 1.0.0 (factory)' <<<"$st" &&
  grep -q "last failure: 6.0.0: .*cannot run the slot's supervisor" <<<"$st"; then
  pass slot-exec-fails
else fail slot-exec-fails "status: ${st//$'\n'/ | }"; detail 6 <"$log"; fi
halt

# ---- v7: an app whose manifest does not load fails the trial ------------------
cp -r "$d/tree-2.0.0" "$d/tree-7.0.0"
printf '[app]\nname = "extra"\ncolour = "red"\n' >"$d/tree-7.0.0/apps/extra/vyoma.toml"
bundle v7 7.0.0 || fail setup "bundle v7"
boot || fail boot "vyomad does not answer"
expect apply-v7 0 'now holds 7.0.0' ota apply "$d/v7.vyb"
halt
boot || fail boot "vyomad does not answer"
if wait_for "$log" "failed its trial: app extra's manifest does not load" 5000; then
  pass trial-invalid-manifest
else fail trial-invalid-manifest "v7's trial did not fail"; detail 6 <"$log"; fi
halt

# ---- v8: three boots that never reach the commit (kill -9: a power cut) -------
cp -r "$d/tree-4.0.0" "$d/tree-8.0.0" # a 1 h window: no commit in time
bundle v8 8.0.0 || fail setup "bundle v8"
boot || fail boot "vyomad does not answer"
expect apply-v8 0 'now holds 8.0.0' ota apply "$d/v8.vyb"
halt
cuts=0
for _ in 1 2 3; do
  boot && grep -q 'system version 8.0.0, on trial' "$log" && cuts=$((cuts + 1))
  kill -9 "$vpid" 2>/dev/null
  wait "$vpid" 2>/dev/null
  vpid=
done
boot || fail boot "vyomad does not answer"
st=$(vyctl ota status 2>&1)
if [ $cuts = 3 ] && grep -q 'last failure: 8.0.0: .*3 boots without a commit' <<<"$st" &&
  ! grep -q 'system: 8.0.0' <<<"$st"; then
  pass tries-run-out
else fail tries-run-out "$cuts trial boots; status: ${st//$'\n'/ | }"; fi
halt
# every vyomad of the suite ended quietly (under ASan: no leak, no UB)
bad=$(grep -lE 'ERROR: (Leak|Address)Sanitizer|runtime error:' "$d"/vyomad-*.log)
[ -z "$bad" ] && pass sanitizers-quiet || { fail sanitizers-quiet "$bad"; cat $bad | detail 10; }
t_end
