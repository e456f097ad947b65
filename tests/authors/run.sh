#!/usr/bin/env bash
# tests/authors/run.sh — the app author's path outside the tree:
#   new/*      `vyoma new NAME` writes main.c, vyoma.toml and a Makefile that
#              builds against this tree's sdk/ (VYOMA_SDK); the app runs and
#              its manifest passes vyoma-manifest; bad names and existing
#              folders are clear errors that write nothing
#   install    `make install DESTDIR=...`: the installed vyoma's `new` writes
#              a Makefile that finds the installed vyoma.h by itself
#   run/*      `vyoma run` applies the vyoma.toml beside the module or
#              --manifest FILE as vyomad would (args, env, memory cap,
#              /data) and says so on stderr; --env, --dir and --max-memory
#              add to or win over it; --no-manifest runs the bare module
# VYOMA_ASAN=1 uses build/asan/bin (install always takes build/bin, as
# `make install` does).  VYOMA=PATH tests another vyoma.
. "$(dirname "$0")/../lib.sh"
t_start authors
root=$PWD
V=${VYOMA:-$root/$T_BIN/vyoma}
VM=$root/$T_BIN/vyoma-manifest
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
t_make build "$T_BIN/vyoma" "$T_BIN/vyoma-manifest" build/apps/ls/ls.wasm || { t_end; exit; }

# v NAME ARGS...: vyoma ARGS in $tmp, output in $tmp/NAME.{out,err}, status $rc
v() {
  local name=$1; shift
  (cd "$tmp" && timeout 20 "$V" "$@" >"$name.out" 2>"$name.err" </dev/null)
  rc=$?
}
out() { cat "$tmp/$1.out"; }
err() { cat "$tmp/$1.err"; }
# want CASE CONDITION-TEXT: pass, or fail with the case's output
judge() {
  local name=$1 why=$2
  if [ -z "$why" ]; then pass "$name"; else
    fail "$name" "$why"
    { echo "stdout:"; out "$3"; echo "stderr:"; err "$3"; } | detail 10
  fi
}

# ---- vyoma new -------------------------------------------------------------
v new new demo-app
why=
if [ "$rc" -ne 0 ]; then why="exit status $rc"
elif ! [ -f "$tmp/demo-app/main.c" ] || ! [ -f "$tmp/demo-app/vyoma.toml" ] ||
     ! [ -f "$tmp/demo-app/Makefile" ]; then why="not all of main.c, vyoma.toml, Makefile: $(ls "$tmp/demo-app" 2>&1 | tr '\n' ' ')"
fi
judge new/files "$why" new

why=
if ! make -C "$tmp/demo-app" VYOMA_SDK="$root/sdk" >"$tmp/mk.log" 2>&1; then
  why="make VYOMA_SDK=sdk failed: $(tail -n 2 "$tmp/mk.log" | tr '\n' ' ')"
elif ! [ -s "$tmp/demo-app/demo-app.wasm" ]; then why="no demo-app.wasm"
fi
judge new/build "$why" new

v newrun run demo-app/demo-app.wasm x
why=
if [ "$rc" -ne 0 ]; then why="exit status $rc"
elif [ "$(out newrun)" != $'hello from demo-app to world\narg 1: --from-manifest\narg 2: x' ]; then
  why="stdout is not the greeting with the manifest's env and args, then ours"
elif ! grep -q '^vyoma: demo-app/vyoma.toml: app demo-app: args --from-manifest; env GREET; memory 1MiB; no /data' "$tmp/newrun.err"; then
  why="stderr does not say what the manifest granted"
fi
judge new/run "$why" newrun

why=$("$VM" "$tmp/demo-app/vyoma.toml" 2>&1)
[ "$why" = "$tmp/demo-app/vyoma.toml: ok" ] && why=
judge new/manifest "$why" newrun

v badname new Bad_Name
why=
if [ "$rc" -ne 2 ]; then why="exit status $rc, want 2"
elif ! grep -q 'not a valid app name' "$tmp/badname.err"; then why="no clear message"
elif [ -e "$tmp/Bad_Name" ]; then why="it wrote Bad_Name/ anyway"
fi
judge new/bad-name "$why" badname

v sys new sys
why=
[ "$rc" -eq 2 ] && [ ! -e "$tmp/sys" ] || why="vyoma new sys: exit status $rc, want 2 and nothing written"
judge new/sys "$why" sys

cp "$tmp/demo-app/main.c" "$tmp/main.c.before"
v exists new demo-app
why=
if [ "$rc" -ne 1 ]; then why="exit status $rc, want 1"
elif ! grep -q 'demo-app: already exists' "$tmp/exists.err"; then why="no clear message"
elif ! cmp -s "$tmp/main.c.before" "$tmp/demo-app/main.c"; then why="it overwrote main.c"
fi
judge new/exists "$why" exists

# ---- make install ------------------------------------------------------------
inst=$tmp/inst
why=
if ! make --no-print-directory install DESTDIR="$inst" >"$tmp/install.log" 2>&1; then
  why="make install failed: $(tail -n 2 "$tmp/install.log" | tr '\n' ' ')"
else
  for f in bin/vyoma bin/vyctl bin/vyoma-manifest include/vyoma.h share/doc/vyoma/apps.md; do
    [ -e "$inst/usr/local/$f" ] || why="$why no $f;"
  done
fi
if [ -z "$why" ]; then
  (cd "$tmp" && "$inst/usr/local/bin/vyoma" new inst-app >/dev/null &&
   make -C inst-app >"$tmp/instmk.log" 2>&1) || why="the installed vyoma's app does not build by itself: $(tail -n 2 "$tmp/instmk.log" 2>&1 | tr '\n' ' ')"
fi
if [ -z "$why" ]; then
  grep -q "^VYOMA_SDK ?= $inst/usr/local/include\$" "$tmp/inst-app/Makefile" ||
    why="its Makefile's VYOMA_SDK is not the installed include folder"
  o=$(cd "$tmp" && "$inst/usr/local/bin/vyoma" run inst-app/inst-app.wasm 2>/dev/null)
  [ "$o" = $'hello from inst-app to world\narg 1: --from-manifest' ] || why="${why}it prints '$o'"
fi
judge install "$why" exists

# ---- vyoma run and its manifest ------------------------------------------------
v envwins run --env GREET=you demo-app/demo-app.wasm
[ "$(out envwins | head -n 1)" = "hello from demo-app to you" ] && why= ||
  why="--env GREET=you did not win over the manifest's GREET"
judge run/env-wins "$why" envwins

v bare run --no-manifest demo-app/demo-app.wasm
why=
if [ "$(out bare)" != "hello from demo-app" ]; then why="stdout '$(out bare)': the manifest was applied"
elif [ -s "$tmp/bare.err" ]; then why="stderr not empty"
fi
judge run/no-manifest "$why" bare

# a manifest elsewhere (--manifest), with a memory cap below the module's
# initial memory: the module cannot be instantiated
mkdir -p "$tmp/m"
printf '[app]\nname = "tiny"\nmodule = "x.wasm"\n[resources]\nmemory = "64KiB"\n' >"$tmp/m/tiny.toml"
v memcap run --manifest m/tiny.toml demo-app/demo-app.wasm
why=
if [ "$rc" -ne 1 ]; then why="exit status $rc under a 64KiB cap, want 1"
elif ! grep -q 'app tiny: .*memory 64KiB' "$tmp/memcap.err"; then why="stderr does not say the cap"
fi
judge run/memory-cap "$why" memcap
v memwins run --manifest m/tiny.toml --max-memory 1MiB demo-app/demo-app.wasm
[ "$rc" -eq 0 ] && why= || why="--max-memory 1MiB did not win over the manifest's 64KiB (exit $rc)"
judge run/max-memory-wins "$why" memwins

# /data: the manifest's filesystem grant; --data chooses the folder
printf '[app]\nname = "lsd"\nmodule = "ls.wasm"\n[capabilities]\nfilesystem = true\n' >"$tmp/m/fs.toml"
printf '[app]\nname = "lsn"\nmodule = "ls.wasm"\n' >"$tmp/m/nofs.toml"
mkdir -p "$tmp/d1" "$tmp/d2" && touch "$tmp/d1/from-data" "$tmp/d2/from-dir"
ls_wasm=$root/build/apps/ls/ls.wasm
v data run --manifest m/fs.toml --data d1 "$ls_wasm" /data
why=
if [ "$rc" -ne 0 ] || ! grep -q from-data "$tmp/data.out"; then why="ls /data did not list --data's folder (exit $rc)"
elif ! grep -q '; /data = d1$' "$tmp/data.err"; then why="stderr does not say /data = d1"
fi
judge run/data "$why" data
v datadefault run --manifest m/fs.toml "$ls_wasm" /data
why=
if [ "$rc" -ne 0 ] || ! [ -d "$tmp/m/data" ]; then why="no default /data folder m/data (exit $rc)"
elif ! grep -q '; /data = m/data$' "$tmp/datadefault.err"; then why="stderr does not say /data = m/data"
fi
judge run/data-default "$why" datadefault
v nodata run --manifest m/nofs.toml --data d1 "$ls_wasm" /data
why=
if [ "$rc" -eq 0 ] || grep -q from-data "$tmp/nodata.out"; then why="without a filesystem grant /data exists (exit $rc)"
elif ! grep -q 'no /data (no filesystem grant)' "$tmp/nodata.err" ||
     ! grep -q -- '--data d1 ignored' "$tmp/nodata.err"; then why="stderr does not say there is no /data"
fi
judge run/no-filesystem "$why" nodata
v dirwins run --manifest m/fs.toml --data d1 --dir d2::/data "$ls_wasm" /data
why=
grep -q from-dir "$tmp/dirwins.out" && ! grep -q from-data "$tmp/dirwins.out" ||
  why="--dir d2::/data did not win over the manifest's /data"
judge run/dir-wins "$why" dirwins

printf '[app]\nname = "bad"\nmodule = "x.wasm"\nfrob = 1\n' >"$tmp/m/bad.toml"
v badm run --manifest m/bad.toml demo-app/demo-app.wasm
why=
if [ "$rc" -ne 1 ]; then why="exit status $rc, want 1"
elif ! grep -q '^vyoma: m/bad.toml:4: app.frob: unknown key' "$tmp/badm.err"; then why="not the loader's FILE:LINE: KEY line"
elif [ -s "$tmp/badm.out" ]; then why="the app ran anyway"
fi
judge run/bad-manifest "$why" badm

v help run --help
why=
for o in --manifest --no-manifest --data; do
  grep -q -- "^  $o" "$tmp/help.out" || why="$why no $o;"
done
judge run/help "$why" help

t_end
