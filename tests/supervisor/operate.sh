# tests/supervisor/operate.sh — issue 12, operating vyomad as a newcomer
# meets it: restart answers once the app runs again and commands on one
# app apply in order; --profile NAME refuses a missing or invalid profile;
# permanent start errors fail at once (and vyoma-manifest sees them); why
# an app ended in ps, status and logs; the startup line on a host; the ps
# table, --json errors, did-you-mean; reload; top.
#
# Sourced by tests/supervisor/run.sh once its main vyomad has shut down
# (it uses run.sh's helpers: app_in, vyctl, start_vyomad, end_vyomad, ...),
# with a vyomad of its own on DIR/op.

vroot=$root/op
oplog=$vroot/vyomad.log
mkdir -p "$vroot/profiles"
cp "$root/profiles/test.toml" "$vroot/profiles/"
# the JSON object of app $1 in `vyctl --json ps`, and one of its fields
op_obj() { vyctl --json ps 2>/dev/null | grep -o "{\"name\":\"$1\"[^}]*}"; }
op_field() { op_obj "$1" | grep -o "\"$2\":\"[^\"]*\"" | cut -d'"' -f4; }
op_num() { op_obj "$1" | grep -o "\"$2\":[0-9.]*" | cut -d: -f2; }
op_wait_state() {
  local end=$(( $(now_ms) + $3 )) s
  while :; do
    s=$(op_field "$1" state)
    [[ $s =~ ^($2)$ ]] && return 0
    [ "$(now_ms)" -ge "$end" ] && { echo "$s"; return 1; }
    sleep 0.02
  done
}

app_in "$vroot" spin "$T/spinner/spinner.wasm" '
[lifecycle]
restart = "on-failure"'
app_in "$vroot" trap "$T/crasher/crasher.wasm" 'args = ["-t"]
[lifecycle]
restart = "never"'
app_in "$vroot" hi "$P/hello/hello.wasm" '
[lifecycle]
restart = "never"'
# asks @sys for the table, a status, a log and the stats (started by hand)
app_in "$vroot" asker "$T/sayer/sayer.wasm" 'args = ["-w", "2000", "@sys: ps", "@sys: status trap", "@sys: logs trap", "@sys: stats"]
[capabilities]
ipc = ["sys"]
[lifecycle]
restart = "never"
autostart = false'
# permanent start errors: each with restart = "on-failure", none retried
op_bad() {
  mkdir -p "$vroot/apps/$1"
  printf '[app]\nname = "%s"\nversion = "1.0.0"\nmodule = "%s.wasm"\n%s\n[lifecycle]\nrestart = "on-failure"\n' \
    "$1" "$1" "$2" >"$vroot/apps/$1/vyoma.toml"
}
op_bad nomodule ''
op_bad notwasm ''; echo 'just text' >"$vroot/apps/notwasm/notwasm.wasm"
op_bad badwasm ''; printf '\0asm\1\0\0\0\1\377' >"$vroot/apps/badwasm/badwasm.wasm"
# imports env.foo, which no host provides
op_bad badimport ''
printf '\0asm\1\0\0\0\1\4\1\140\0\0\2\13\1\3env\3foo\0\0' >"$vroot/apps/badimport/badimport.wasm"
# imports wasi sock_accept without network = true
op_bad nonet ''
printf '\0asm\1\0\0\0\1\10\1\140\3\177\177\177\1\177\2\46\1\26wasi_snapshot_preview1\13sock_accept\0\0' \
  >"$vroot/apps/nonet/nonet.wasm"
OP_BAD="nomodule notwasm badwasm badimport nonet"
OP_CASES="startup-line-host restart-then-kill restart-failed-says-why start-error-failed manifest-checks-module
exit-reason-ps exit-reason-status exit-reason-logs ps-table vyctl-json-errors did-you-mean
sys-ps-status-logs vyctl-help reload reload-invalid-kept top"

# ---- defect 3: --profile NAME must exist (and any profile must be valid) --------
# (before the fix: a missing profile ran on built-in defaults, silently)
why=
pr=$root/op-profiles
mkdir -p "$pr/profiles" "$pr/apps"
cp "$root/profiles/test.toml" "$pr/profiles/"
printf 'name = "broken"\nbogus = 1\n' >"$pr/profiles/broken.toml"
op_refused() {   # op_refused PROFILE REGEX: vyomad refuses it, saying REGEX
  local out rc
  out=$(timeout 10 "$VYOMAD" --root "$pr" --no-tty --profile "$1" 2>&1 </dev/null); rc=$?
  [ $rc != 0 ] && [ $rc != 124 ] && grep -Eq -- "$2" <<<"$out" ||
    why+=" --profile $1: exit $rc, output '$(tail -n 2 <<<"$out" | tr '\n' '|')';"
}
op_refused nosuch 'no profile nosuch.*profiles are: broken, test'
op_refused tset 'did you mean test\?'
op_refused broken 'broken\.toml:2'
# no --profile at all: the built-in defaults, as before
vroot=$pr
if start_vyomad "$pr/vyomad.log" --no-tty; then
  end_vyomad "$pr/vyomad.log"
  [ -z "$end_why" ] || why+=" without --profile: $end_why;"
else why+=" without --profile vyomad did not start: $(tail -n 1 "$pr/vyomad.log");"; fi
vroot=$root/op
if [ -z "$why" ]; then pass profile-refused; else fail profile-refused "$why"; fi

# ---- vyctl waits for the socket of a vyomad just started in the background ----
# (before: it failed at once unless the socket was already there)
"$VYOMAD" --root "$pr" --no-tty --profile test >"$pr/sw.log" 2>&1 </dev/null &
vpid=$!; vpids+=("$vpid")
out=$("$VYCTL" --root "$pr" ps 2>&1); rc=$?
vroot=$pr; sleep 0.1; end_vyomad "$pr/sw.log"; vroot=$root/op
err=$("$VYCTL" --root "$pr/none" ps 2>&1); rc2=$?
if [ $rc = 0 ] && [ -z "$end_why" ] && [ $rc2 = 3 ] &&
   grep -qF "is vyomad running? (no socket at $pr/none/run/vyoma/control.sock)" <<<"$err"; then
  pass socket-wait
else fail socket-wait "vyctl ps right after vyomad &: exit $rc '$out' ($end_why); no socket: exit $rc2 '$err'"; fi

if ! start_vyomad "$oplog" --profile test; then
  for t in $OP_CASES; do
    skip "$t" "the operate vyomad did not start"; done
else

# ---- defect 9: on a host, the startup line says the time since vyomad started --
l=$(grep -E 'apps, [0-9]+ started' "$oplog" | head -n 1)
if grep -Eq 'started \([0-9.]+ s after vyomad started\)' <<<"$l"; then pass startup-line-host
else fail startup-line-host "the startup line is '$l'"; fi

# ---- defect 2: restart answers once the app runs; kill after it applies --------
# (before the fix: restart answered at once, and a kill that came while the
# old run was being joined answered not-running and the app came back)
op_wait_state spin running 5000 >/dev/null
why=
for i in $(seq 1 10); do
  vyctl restart spin >/dev/null 2>&1; rc=$?
  s=$(op_field spin state)
  [ $rc = 0 ] && [ "$s" = running ] || why+=" #$i: restart exit $rc, then '$s';"
  err=$(vyctl kill spin 2>&1 >/dev/null); rc=$?
  [ $rc = 0 ] || why+=" #$i: kill after restart: exit $rc ($err);"
  sleep 0.1
  s=$(op_field spin state)
  [ "$s" = killed ] || why+=" #$i: '$s' after restart+kill, want killed;"
  vyctl start spin >/dev/null 2>&1
  op_wait_state spin running 5000 >/dev/null
  [ -z "$why" ] || break
done
if [ -z "$why" ]; then pass restart-then-kill; else fail restart-then-kill "$why"; fi

# ---- defect 4: permanent start errors go straight to failed, no retries --------
sleep 1
why=
for a in $OP_BAD; do
  s=$(op_field $a state) r=$(op_num $a restarts)
  [ "$s" = failed ] && [ "$r" = 0 ] || why+=" $a: '$s' with $r restarts, want failed with 0;"
done
grep -q 'restarts in' <(grep -E "app ($(tr ' ' '|' <<<"$OP_BAD")) " "$oplog") &&
  why+=" a permanent error was retried:$(grep -E 'restarts in' "$oplog" | head -n 1);"
if [ -z "$why" ]; then pass start-error-failed; else fail start-error-failed "$why"; detail 8 <"$oplog"; fi

# a restart that cannot bring the app back says so
err=$(vyctl restart nomodule 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'restart-failed nomodule: module missing' <<<"$err"; then pass restart-failed-says-why
else fail restart-failed-says-why "vyctl restart nomodule: exit $rc '$err'"; fi


why=
VM=${VYOMA_MANIFEST_BIN:-$repo/$bin/vyoma-manifest}
for a in $OP_BAD; do
  out=$("$VM" "$vroot/apps/$a/vyoma.toml" 2>&1); rc=$?
  [ $rc = 1 ] && ! grep -q ': ok$' <<<"$out" || why+=" $a: exit $rc, '$out';"
done
out=$("$VM" "$vroot/apps/nomodule/vyoma.toml" 2>&1)
grep -q 'module missing' <<<"$out" || why+=" nomodule: '$out' does not say module missing;"
out=$("$VM" "$vroot/apps/nonet/vyoma.toml" 2>&1)
grep -q 'network = true' <<<"$out" || why+=" nonet: '$out' does not name network = true;"
out=$("$VM" "$vroot/apps/spin/vyoma.toml" 2>&1); rc=$?
[ $rc = 0 ] || why+=" spin: exit $rc, '$out';"
if [ -z "$why" ]; then pass manifest-checks-module; else fail manifest-checks-module "$why"; fi

# ---- defect 5: why an app ended, in ps, status and its log ----------------------
# (before the fix: only on vyomad's stderr)
op_wait_state trap crashed 5000 >/dev/null
op_wait_state hi exited 5000 >/dev/null
vyctl kill spin >/dev/null 2>&1
ps=$(vyctl ps 2>&1)
why=
op_row() { awk -v n="$1" '$1 == n' <<<"$ps"; }
grep -q ' trap: unreachable ' <<<"$(op_row trap)" || why+=" trap: '$(op_row trap)';"
grep -q ' exited 0 ' <<<"$(op_row hi)" || why+=" hi: '$(op_row hi)';"
grep -q ' killed by operator ' <<<"$(op_row spin)" || why+=" spin: '$(op_row spin)';"
grep -q ' failed: module missing ' <<<"$(op_row nomodule)" || why+=" nomodule: '$(op_row nomodule)';"
grep -q ' failed: unknown import ' <<<"$(op_row badimport)" || why+=" badimport: '$(op_row badimport)';"
if [ -z "$why" ]; then pass exit-reason-ps; else fail exit-reason-ps "$why"; detail 12 <<<"$ps"; fi

st=$(vyctl status trap 2>&1); rc=$?
if [ $rc = 0 ] && grep -Eq 'last end: +trap: unreachable at [0-9T:.-]+Z' <<<"$st" &&
   grep -q 'crasher: trapping' <<<"$st" && grep -q 'backtrace: ' <<<"$st"; then pass exit-reason-status
else fail exit-reason-status "vyctl status trap: exit $rc"; detail 12 <<<"$st"; fi

why=
lg=$(vyctl logs trap 2>&1)
grep -q 'vyomad: crashed: trap: unreachable; backtrace: ' <<<"$lg" || why+=" trap's log: '$(tail -n 1 <<<"$lg")';"
lg=$(vyctl logs spin 2>&1)
grep -q 'vyomad: killed by operator' <<<"$lg" || why+=" spin's log: '$(tail -n 1 <<<"$lg")';"
lg=$(vyctl logs nomodule 2>&1)
grep -q 'vyomad: failed: module missing: cannot read ' <<<"$lg" || why+=" nomodule's log: '$(tail -n 1 <<<"$lg")';"
if [ -z "$why" ]; then pass exit-reason-logs; else fail exit-reason-logs "$why"; fi

# ---- the ps table: aligned columns, human units, -w --------------------------
why=
hdr=$(head -n 1 <<<"$ps")
for col in STATE UPTIME RESTARTS CPU MEMORY; do
  pos=$(awk -v h="$hdr" -v c="$col" 'BEGIN { print index(h, c) }')
  # every row has a word starting at that column
  bad=$(awk -v p="$pos" 'NR > 1 && !(substr($0, p - 2, 2) == "  " && substr($0, p, 1) != " ")' <<<"$ps")
  [ -z "$bad" ] || why+=" column $col not aligned: '$(head -n 1 <<<"$bad")';"
done
grep -Eq '^hi +exited 0 +- +0 +[0-9]+ ms +0 B ' <<<"$ps" || why+=" hi's row: '$(op_row hi)';"
vyctl start spin >/dev/null 2>&1; sleep 0.3
ps2=$(vyctl ps 2>&1)
grep -Eq '^spin +running +[0-9.]+ (ms|s) +[0-9]+ +[0-9.]+ (ms|s) +[0-9.]+ KiB ' <<<"$ps2" ||
  why+=" spin's running row: '$(grep '^spin' <<<"$ps2")';"
wide=$(vyctl ps -w 2>&1)
grep -q 'LIMIT' <<<"$wide" && grep -Eq '^trap .* 16 MiB +[0-9T:.-]+Z$' <<<"$wide" || why+=" ps -w: '$(grep '^trap' <<<"$wide")';"
if [ -z "$why" ]; then pass ps-table; else fail ps-table "$why"; detail 12 <<<"$ps"; fi

# ---- --json errors, exit codes, did-you-mean ---------------------------------
why=
out=$(vyctl --json kill nosuch 2>/dev/null); rc=$?
[ $rc = 1 ] && grep -q '^{"error": "no-such-app nosuch", "code": "no-such-app"}$' <<<"$out" || why+=" kill nosuch: $rc '$out';"
out=$(vyctl --json kill hi 2>/dev/null); rc=$?
[ $rc = 1 ] && grep -q '"code": "not-running"' <<<"$out" || why+=" kill hi: $rc '$out';"
out=$(vyctl --json frobnicate 2>/dev/null); rc=$?
[ $rc = 2 ] && grep -q '"code": "usage"' <<<"$out" || why+=" frobnicate: $rc '$out';"
out=$("$VYCTL" --json --root "$vroot/none" ps 2>/dev/null); rc=$?
[ $rc = 3 ] && grep -q '"code": "unreachable"' <<<"$out" || why+=" unreachable: $rc '$out';"
out=$(vyctl --json status trap 2>/dev/null); rc=$?
[ $rc = 0 ] && grep -q '"reason":"trap: unreachable"' <<<"$out" || why+=" status --json: $rc '${out:0:200}';"
if [ -z "$why" ]; then pass vyctl-json-errors; else fail vyctl-json-errors "$why"; fi

why=
err=$(vyctl restrat spin 2>&1); rc=$?
[ $rc = 2 ] && grep -q 'did you mean restart?' <<<"$err" || why+=" restrat: $rc '$err';"
err=$(vyctl kill spn 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'no-such-app spn (did you mean spin?)' <<<"$err" || why+=" kill spn: $rc '$err';"
err=$(vyctl status tarp 2>&1); rc=$?
[ $rc = 1 ] && grep -q 'did you mean trap?' <<<"$err" || why+=" status tarp: $rc '$err';"
if [ -z "$why" ]; then pass did-you-mean; else fail did-you-mean "$why"; fi

out=$("$VYCTL" --help 2>&1)
if grep -q '^  3  the supervisor cannot be reached' <<<"$out" && grep -q '^  status NAME' <<<"$out" &&
   grep -q '"code": "CODE"' <<<"$out"; then pass vyctl-help
else fail vyctl-help "vyctl --help lacks the exit codes, status or the JSON errors"; fi

# ---- @sys: ps, status, logs, stats (what the shell and sysmon read) ----------
vyctl start asker >/dev/null 2>&1
why=
wait_log asker 'sayer got \[sys\] NAME +STATE +UPTIME' 3000 || why+=" no ps table header;"
wait_log asker 'sayer got \[sys\] trap +trap: unreachable ' 500 || why+=" no ps row for trap;"
wait_log asker 'sayer got \[sys\]   last end: +trap: unreachable at ' 500 || why+=" no status trap;"
wait_log asker 'sayer got \[sys\] [0-9T:.-]+Z crasher: trapping' 500 || why+=" no logs trap;"
wait_log asker 'sayer got \[sys\] stats .*trap=crashed,[0-9]+,[0-9]+,limit=16777216' 500 || why+=" no stats with limit=;"
if [ -z "$why" ]; then pass sys-ps-status-logs; else fail sys-ps-status-logs "$why"; applog asker | detail 12; fi

# ---- reload: new apps start, removed ones stop, changed ones restart ---------
why=
app_in "$vroot" fresh "$T/liner/liner.wasm" '
[lifecycle]
restart = "never"'
printf '\n# changed\n' >>"$vroot/apps/spin/vyoma.toml"
rm -rf "$vroot/apps/hi"
op_wait_state spin running 3000 >/dev/null
out=$(vyctl reload 2>&1); rc=$?
[ $rc = 0 ] || why+=" reload: exit $rc '$out';"
grep -qx 'fresh: added' <<<"$out" || why+=" no 'fresh: added';"
grep -qx 'spin: restarted' <<<"$out" || why+=" no 'spin: restarted';"
grep -qx 'hi: removed' <<<"$out" || why+=" no 'hi: removed';"
[ "$(grep -c . <<<"$out")" = 3 ] || why+=" more than the three changes: $(tr '\n' '|' <<<"$out");"
s=$(op_wait_state fresh running 3000) || why+=" fresh is '$s';"
s=$(op_wait_state spin running 3000) || why+=" spin is '$s';"
[ -z "$(op_obj hi)" ] || why+=" hi is still listed;"
out=$(vyctl reload 2>&1)
[ "$out" = 'nothing changed' ] || why+=" a second reload: '$out';"
if [ -z "$why" ]; then pass reload; else fail reload "$why"; fi

# an invalid manifest is reported and leaves the running app as it was
why=
op_wait_state fresh running 3000 >/dev/null
runs0=$(op_num fresh restarts); up0=$(op_num fresh uptime_s)
printf 'bogus = 1\n' >>"$vroot/apps/fresh/vyoma.toml"
out=$(vyctl reload 2>&1); rc=$?
[ $rc = 0 ] && grep -Eq '^fresh: invalid, left as it was: .*vyoma\.toml:[0-9]+' <<<"$out" || why+=" reload: exit $rc '$out';"
s=$(op_field fresh state); up1=$(op_num fresh uptime_s)
[ "$s" = running ] && [ "$(op_num fresh restarts)" = "$runs0" ] &&
  awk -v a="$up0" -v b="$up1" 'BEGIN { exit !(b >= a) }' || why+=" fresh is '$s', uptime $up0 -> $up1;"
if [ -z "$why" ]; then pass reload-invalid-kept; else fail reload-invalid-kept "$why"; fi

# ---- top: a refreshing table (-n COUNT -d SECONDS for a test) -----------------
out=$(vyctl top -n 2 -d 0.3 2>&1); rc=$?
rows=$(grep -c '^spin ' <<<"$out")
pct=$(grep '^spin ' <<<"$out" | tail -n 1 | grep -o '[0-9.]*%' | tr -d %)
if [ $rc = 0 ] && [ "$(grep -c '^NAME .*CPU% .*MEMORY .*MSGS IN .*RESTARTS' <<<"$out")" = 2 ] &&
   [ "$rows" = 2 ] && awk -v p="${pct:-0}" 'BEGIN { exit !(p > 1) }'; then pass top
else fail top "vyctl top -n 2: exit $rc, $rows spin rows, spin at ${pct:-?}% CPU"; detail 10 <<<"$out"; fi

# ===END-OF-CASES===
end_vyomad "$oplog"
[ -z "$end_why" ] || { fail operate-shutdown "$end_why"; [ -z "$end_detail" ] || echo "$end_detail"; }
fi
vroot=$root vpid=$main_pid
