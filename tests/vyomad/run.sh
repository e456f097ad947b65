#!/usr/bin/env bash
# tests/vyomad/run.sh — smoke suite of the supervisor itself: starts a real
# vyomad on a scratch root with sample apps and small test apps
# (tests/vyomad/apps/*.c, built here with clang for wasm32-wasi), and checks
# it over its control socket (tests/vyomad/smoke.py).  VYOMA_ASAN=1 uses
# build/asan/bin/vyomad and also checks that LeakSanitizer stays quiet.
# Prints PASS/FAIL/SKIP lines; exits 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BIN=build/bin/vyomad
[ "${VYOMA_ASAN:-}" = 1 ] && BIN=build/asan/bin/vyomad
BIN=${VYOMAD_BIN:-$BIN}     # e.g. a static musl build
if [ ! -x "$BIN" ]; then echo "FAIL vyomad/build: $BIN missing (make all asan)"; exit 1; fi
if ! command -v python3 >/dev/null; then echo "SKIP vyomad/all: no python3"; exit 0; fi

OUT=build/vyomad-tests
mkdir -p "$OUT"
for src in tests/vyomad/apps/*.c; do
  name=$(basename "$src" .c)
  if [ ! -e "$OUT/$name.wasm" ] || [ "$src" -nt "$OUT/$name.wasm" ]; then
    if ! clang --target=wasm32-wasi --sysroot=/usr -O2 -o "$OUT/$name.wasm" "$src" 2>"$OUT/$name.err"; then
      echo "FAIL vyomad/build-$name: $(head -1 "$OUT/$name.err")"; exit 1
    fi
  fi
done
for a in hello clock; do
  if [ ! -e build/apps/$a/$a.wasm ]; then echo "FAIL vyomad/build: build/apps/$a missing (make apps)"; exit 1; fi
done

ROOT=$(mktemp -d /tmp/vyomad-test.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/apps" "$ROOT/profiles"
for a in hello clock; do mkdir -p "$ROOT/apps/$a"; cp build/apps/$a/$a.wasm build/apps/$a/vyoma.toml "$ROOT/apps/$a/"; done
# app NAME WASM [lifecycle lines] [capability lines]
app() {
  local name=$1 wasm=$2 life=$3 caps=${4:-}
  mkdir -p "$ROOT/apps/$name"
  cp "$OUT/$wasm.wasm" "$ROOT/apps/$name/$wasm.wasm"
  printf '[app]\nname = "%s"\nversion = "1.0.0"\nmodule = "%s.wasm"\n\n[capabilities]\n%s\n\n[resources]\nmemory = "4MiB"\n\n[lifecycle]\n%s\n' \
    "$name" "$wasm" "$caps" "$life" >"$ROOT/apps/$name/vyoma.toml"
}
app spin spin 'restart = "never"'
app sleeper sleeper 'restart = "never"'
app reader sink 'restart = "never"'
app sink sink 'restart = "never"' 'filesystem = true'
app pong pong 'restart = "never"' 'ipc = ["*"]'
app pinger pinger 'restart = "never"' 'ipc = ["pong", "sys"]'
app crasher crasher $'restart = "on-failure"\nmax_restarts = 3\nrestart_window = "60s"'
app beat beat $'restart = "on-failure"\nmax_restarts = 100\nheartbeat = "300ms"'
app polite polite 'restart = "always"'
app idle sleeper $'restart = "never"\nautostart = false'
mkdir -p "$ROOT/apps/bad"
printf '[app]\nname = "bad"\nmodule = "bad.wasm"\ncolour = "red"\n' >"$ROOT/apps/bad/vyoma.toml"
printf 'name = "test"\nruntime = "interp"\nmemory_budget = "512MiB"\napp_memory = "16MiB"\ndisplay = false\nheartbeat = "300ms"\nsched = "other"\nmlockall = false\napps = ["*"]\n' \
  >"$ROOT/profiles/test.toml"

VYOMAD=$BIN ROOT=$ROOT ASAN=${VYOMA_ASAN:-0} python3 tests/vyomad/smoke.py
rc=$?
VYOMAD=$BIN OUT=$OUT python3 tests/vyomad/keys.py || rc=1
exit $rc
