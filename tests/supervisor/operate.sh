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
OP_CASES="startup-line-host restart-then-kill start-error-failed manifest-checks-module"

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

# ===END-OF-CASES===
end_vyomad "$oplog"
[ -z "$end_why" ] || { fail operate-shutdown "$end_why"; [ -z "$end_detail" ] || echo "$end_detail"; }
fi
vroot=$root vpid=$main_pid
