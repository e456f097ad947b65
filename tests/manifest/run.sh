#!/usr/bin/env bash
# tests/manifest/run.sh — the manifest and profile loaders (profile/).
#
#   manifest/unit/CASE tests/manifest/manifest_unit.c, a line per case: a
#                      full manifest and its defaults, a table of bad
#                      manifests each rejected with exactly the expected
#                      "FILE:LINE: KEY: message", sizes, durations, may_send,
#                      profiles, apply_sched
#   manifest/apps      every apps/*/vyoma.toml passes `vyoma-manifest`
#   manifest/design    the example vyoma.toml in ../shared/DESIGN.md loads
#   manifest/profiles  the six profiles/*.toml exist and load
#   manifest/checker   vyoma-manifest's output and exit status on good, bad
#                      and missing files
#   manifest/musl      profile/ + toml/ (+ the vyoma_hal import table,
#                      capability/cap_abi.c) build as a static musl binary that
#                      checks the same files (SKIP without musl-gcc)
# With VYOMA_ASAN=1 the ASan/UBSan build (build/asan) is used and labels read
# manifest-asan/*.  Prints PASS/FAIL/SKIP lines; exits 1 if any failed.
. "$(dirname "$0")/../lib.sh"
t_start manifest
bin=$T_BIN

t_make build "$bin/vyoma-manifest" "$bin/manifest-unit" \
  "$T_BUILD/lib/libvyprofile.a" || { t_end; exit; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# ---- unit tests ------------------------------------------------------------------
t_relay unit "$T_LOGS/$T_LABEL-unit.log" timeout -k 5 60 "$bin/manifest-unit" "$T_LABEL"

# ---- every sample app's manifest --------------------------------------------------
manifests=(apps/*/vyoma.toml)
if [ ! -e "${manifests[0]}" ]; then
  skip apps "no apps/*/vyoma.toml"
else
  # the source manifests alone; their modules are checked in build/apps
  "$bin/vyoma-manifest" --manifest-only "${manifests[@]}" >"$tmp/apps.out" 2>&1
  rc=$?
  bad=$(grep -v ': ok$' "$tmp/apps.out")
  if [ $rc -eq 0 ] && [ -z "$bad" ] &&
     [ "$(grep -c ': ok$' "$tmp/apps.out")" -eq ${#manifests[@]} ]; then
    pass apps "${#manifests[@]} manifests"
  else
    fail apps "exit status $rc: $(head -n 1 <<<"$bad")"
  fi
fi

# ---- the example manifest of DESIGN.md ----------------------------------------------
design=${SHARED:-../shared}/DESIGN.md
if [ ! -f "$design" ]; then
  skip design "$design not found"
else
  mkdir -p "$tmp/design/clock"
  sed -n '/^```toml$/,/^```$/p' "$design" | sed '1d;$d' >"$tmp/design/clock/vyoma.toml"
  out=$("$bin/vyoma-manifest" --manifest-only "$tmp/design/clock/vyoma.toml" 2>&1)
  if [ $? -eq 0 ] && [ -s "$tmp/design/clock/vyoma.toml" ]; then
    pass design
  else
    fail design "DESIGN.md's example: $out"
  fi
fi

# ---- the six profiles ---------------------------------------------------------------
missing=
for p in desktop-full mobile server-headless iot-edge robotics-rt mcu-minimal; do
  [ -f "profiles/$p.toml" ] || missing+=" $p"
done
"$bin/vyoma-manifest" --profile profiles/*.toml >"$tmp/prof.out" 2>&1
rc=$?
if [ -n "$missing" ]; then
  fail profiles "missing:$missing"
elif [ $rc -ne 0 ]; then
  fail profiles "$(grep -v ': ok$' "$tmp/prof.out" | head -n 1)"
else
  pass profiles "$(grep -c ': ok$' "$tmp/prof.out") profiles"
fi

# ---- the checker itself ----------------------------------------------------------------
ck=ok why=
mkdir -p "$tmp/apps/clock" "$tmp/profiles"
printf '[app]\nname = "clock"\nmodule = "clock.wasm"\n\n[capabilities]\n\nnetwork = "no"\n' \
  >"$tmp/apps/clock/vyoma.toml"
printf '[app]\nname = "good"\nmodule = "good.wasm"\n' >"$tmp/good.toml"
printf 'name = "tiny"\nsched = "fifo"\nmlockall = true\n' >"$tmp/profiles/tiny.toml"
out=$("$bin/vyoma-manifest" --manifest-only "$tmp/good.toml" "$tmp/apps/clock/vyoma.toml" 2>&1)
rc=$?
want="$tmp/good.toml: ok
$tmp/apps/clock/vyoma.toml:7: capabilities.network: expected a boolean, got string"
if [ $rc -ne 1 ] || [ "$out" != "$want" ]; then
  ck=bad why="bad manifest: exit $rc, output: $(tr '\n' '|' <<<"$out")"
fi
out=$("$bin/vyoma-manifest" --dump "$tmp/profiles/tiny.toml" 2>&1)
rc=$?
if [ $rc -ne 0 ] || ! grep -qx '  sched_priority = 50' <<<"$out" ||
   ! grep -qx '  apps = \["\*"\]' <<<"$out"; then
  ck=bad why="profile --dump: exit $rc, output: $(tr '\n' '|' <<<"$out")"
fi
out=$("$bin/vyoma-manifest" "$tmp/none.toml" 2>&1)
rc=$?
if [ $rc -ne 1 ] || [ "$out" != "$tmp/none.toml: No such file or directory" ]; then
  ck=bad why="missing file: exit $rc, output: $out"
fi
"$bin/vyoma-manifest" >/dev/null 2>&1
rc=$?
if [ $rc -ne 2 ]; then ck=bad why="no arguments: exit $rc, want 2"; fi
if [ $ck = ok ]; then pass checker; else fail checker "$why"; fi

# ---- a static musl build ---------------------------------------------------------------
if [ -n "${VYOMA_ASAN:-}" ]; then
  :   # once is enough; the sanitizer build says nothing new here
elif ! command -v musl-gcc >/dev/null 2>&1; then
  skip musl "musl-gcc not installed"
elif ! musl-gcc -static -std=gnu11 -Wall -Wextra -Werror -O2 -o "$tmp/vm-musl" \
       -idirafter /usr/include -idirafter /usr/include/x86_64-linux-gnu \
       profile/*.c profile/cli/*.c toml/toml.c wasi/*.c runtime/interp/*.c \
       capability/cap_abi.c \
       -lm -lpthread >"$tmp/musl.log" 2>&1; then
  fail musl "musl-gcc -static failed: $(head -n 3 "$tmp/musl.log" | tr '\n' ' ')"
else
  "$tmp/vm-musl" --manifest-only "${manifests[@]}" profiles/*.toml >"$tmp/musl.out" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && file "$tmp/vm-musl" 2>/dev/null | grep -q 'statically linked'; then
    pass musl
  elif [ $rc -eq 0 ] && ! command -v file >/dev/null 2>&1; then
    pass musl
  else
    fail musl "exit status $rc: $(grep -v ': ok$' "$tmp/musl.out" | head -n 1)"
  fi
fi

t_end
